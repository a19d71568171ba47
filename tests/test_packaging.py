"""The project's packaging: environment.yml matches pyproject.toml, notebooks are stored clean."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# PyPI name -> import name, for the environment check
_ALIASES = {"opencv-python-headless": "cv2", "scikit-image": "skimage", "scikit-learn": "sklearn",
            "faiss-cpu": "faiss"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower()


def _pyproject_packages() -> set[str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {_name(r) for r in meta["dependencies"]}
    names |= {_name(r) for r in meta["optional-dependencies"]["test"]}
    return names


def _environment_packages() -> set[str]:
    names = set()
    text = (ROOT / "environment.yml").read_text()
    for line in text[text.index("dependencies:"):].splitlines():
        m = re.match(r"^\s+- (?!-e )([A-Za-z0-9_.\-]+)", line)
        if m and m.group(1) not in {"pip", "python", "pip:"}:
            names.add(_name(m.group(1)))
    return names


def test_environment_yml_names_the_same_packages_as_pyproject():
    py, env = _pyproject_packages(), _environment_packages()
    assert py == env, f"only in pyproject: {sorted(py - env)}; only in environment.yml: {sorted(env - py)}"


def test_the_course_dependencies_are_declared_and_torchvision_is_not():
    py = _pyproject_packages()
    for pkg in ["jupyterlab", "ipywidgets", "numpy", "scipy", "matplotlib", "scikit-image",
                "opencv-python-headless", "torch", "faiss-cpu", "pooch", "tqdm", "pytest", "nbval"]:
        assert pkg in py, pkg
    assert "torchvision" not in py


def test_environment_yml_parses_as_yaml_with_a_pip_section():
    yaml = pytest.importorskip("yaml")
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert pip_sections and "torch==2.13.0" in pip_sections[0]["pip"]


def test_every_declared_package_imports():
    for pkg in sorted(_pyproject_packages()):
        mod = _ALIASES.get(pkg, pkg.replace("-", "_"))
        __import__(mod)


def _notebooks():
    return sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.name)
def test_notebooks_are_stored_without_outputs(path):
    nb = json.loads(path.read_text())
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"{path.name} cell {i} has outputs"
            assert cell.get("execution_count") is None, f"{path.name} cell {i} has an execution count"


@pytest.mark.parametrize("path", [p for p in _notebooks() if not p.name.startswith("00_")], ids=lambda p: p.name)
def test_notebooks_follow_the_chapter_template(path):
    nb = json.loads(path.read_text())
    text = ["".join(c["source"]) for c in nb["cells"]]
    chapter = int(path.name[:2])
    assert text[0].startswith(f"# Chapter {chapter}"), "the first cell is the chapter title"
    assert "learning goals" in text[0].lower() or "learning goals" in text[1].lower()
    assert any(re.search(r"^## Summary", t, re.M) for t in text), "a summary section"
    assert any(re.search(r"^## References", t, re.M) for t in text), "a references section"
    stubs = [c for c in nb["cells"] if "exercise" in c.get("metadata", {}).get("tags", [])]
    assert len(stubs) >= 3, "at least three graded exercises"
    for c in stubs:
        assert "raise NotImplementedError" in "".join(c["source"])
        assert c["metadata"]["imsearch"]["exercise"].startswith(f"{chapter}.")


def test_readme_leads_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_code = readme.split("```")[1]
    assert "make lab" in first_code and "make test" in first_code
    for section in ["## Course data", "## Grading"]:
        assert section in readme


def test_cli_lists_exercises():
    out = subprocess.run([sys.executable, "-m", "imsearch", "exercises"], capture_output=True, text=True,
                         check=True).stdout
    assert re.search(r"^1\.1\s+1\s+", out, re.M)
