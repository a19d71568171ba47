"""The Binder / JupyterHub configuration (binder/): same packages as the course, CPU PyTorch, the pack found."""
import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"


def _requirements(path):
    """{name: requirement line} of an environment.yml's conda and pip lists (options and ``-e`` left out)."""
    text = path.read_text()
    out = {}
    for line in text[text.index("dependencies:"):].splitlines():
        m = re.match(r"^\s+- (?!-)([A-Za-z0-9_.\-]+)(.*)$", line)
        if m and m.group(1) not in {"pip", "python"}:
            out[m.group(1).lower()] = (m.group(1) + m.group(2)).strip()
    return out


def test_binder_environment_is_the_course_environment_plus_nbgitpuller():
    course, binder = _requirements(ROOT / "environment.yml"), _requirements(BINDER / "environment.yml")
    assert binder.pop("nbgitpuller").startswith("nbgitpuller")
    assert binder == course  # same packages, same pins


def test_binder_takes_torch_from_the_cpu_index_and_leaves_the_package_to_post_build():
    text = (BINDER / "environment.yml").read_text()
    assert re.search(r"^\s+- --extra-index-url \S+/whl/cpu$", text, re.M)
    assert "-e ." not in text  # repo2docker installs environment.yml before the repository is copied in
    post = (BINDER / "postBuild").read_text()
    assert "pip install --no-cache-dir --no-deps -e \"$src\"" in post and "python -m imsearch doctor" in post


def test_binder_scripts_are_executable_bash():
    for name in ("postBuild", "start"):
        path = BINDER / name
        assert os.access(path, os.X_OK), f"binder/{name} must be executable"
        subprocess.run(["bash", "-n", str(path)], check=True)


def _start_env(tmp_path, **env):
    base = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    out = subprocess.run([str(BINDER / "start"), "env"], env={**base, **env}, capture_output=True, text=True,
                         check=True).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def test_start_finds_a_pack_in_the_home_folder_and_keeps_caches_there(tmp_path):
    assert "IMSEARCH_DATA_MIRROR" not in _start_env(tmp_path)  # no pack: nothing set, chapters say so
    (tmp_path / "imsearch-pack").mkdir()
    (tmp_path / "imsearch-pack" / "MANIFEST.sha256").write_text("")
    env = _start_env(tmp_path)
    assert env["IMSEARCH_DATA_MIRROR"] == str(tmp_path / "imsearch-pack")
    assert env["IMSEARCH_CACHE_DIR"] == str(tmp_path / ".cache" / "imsearch")


def test_start_keeps_a_mirror_the_hub_sets(tmp_path):
    env = _start_env(tmp_path, IMSEARCH_DATA_MIRROR="https://pack.example/imsearch", IMSEARCH_CACHE_DIR="/c")
    assert env["IMSEARCH_DATA_MIRROR"] == "https://pack.example/imsearch" and env["IMSEARCH_CACHE_DIR"] == "/c"
