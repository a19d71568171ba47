"""Each chapter's exercises, solved, through the batch grader — without running the chapter twice.

For every notebooks/NN_*.ipynb that has instructor solutions in tests/solutions/chNN.py, a
*solutions notebook* is built in tmp_path: the chapter's first code cell (imports and seeds),
the solutions file's own imports, and each stub cell of the chapter with its source replaced by
the solution function of the same name (taken from the solutions file with ast), metadata kept.
The grader must find one stub per exercise of the chapter and give every point, with no cell
raising. The unsolved chapters themselves are executed by nbval in the same ``make test`` run,
where each check cell falls back to the reference; running a whole chapter a second time just to
grade its solutions would double the notebooks' share of CI for nothing the grader looks at.
The small notebook below checks that a stub grades as "not attempted".
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from imsearch.grading import batch as grader
from imsearch.grading.checks import get_exercise

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS_DIR = ROOT / "tests" / "solutions"


def _chapters():
    out = []
    for nb in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        solutions = SOLUTIONS_DIR / f"ch{nb.name[:2]}.py"
        if solutions.exists():
            out.append(pytest.param(nb, solutions, id=nb.stem))
    return out or [pytest.param(None, None, marks=pytest.mark.skip(reason="no chapter notebook with solutions yet"))]


def function_sources(path: Path) -> dict:
    """Source of every top-level function of a Python file, by name (decorators included)."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    out = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
            out[node.name] = "".join(lines[start:node.end_lineno]).rstrip() + "\n"
    return out


def module_imports(path: Path) -> str:
    """The top-level ``import`` / ``from ... import`` statements of a Python file, as source."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    return "".join("".join(lines[n.lineno - 1:n.end_lineno]) for n in ast.parse(text).body
                   if isinstance(n, (ast.Import, ast.ImportFrom)) and getattr(n, "module", None) != "__future__")


def solutions_notebook(nb, solutions: Path):
    """A notebook of ``nb``'s first code cell, the solutions' imports and the solved stub cells.

    Returns
    -------
    (notebook, list of the exercise ids solved)
    """
    first = next(c for c in nb.cells if c.cell_type == "code")
    stubs = [c for c in nb.cells if c.cell_type == "code" and c.get("metadata", {}).get("imsearch", {}).get("exercise")]
    out = nbformat.v4.new_notebook(metadata=nb.metadata)
    out.cells = [nbformat.v4.new_code_cell(first.source), nbformat.v4.new_code_cell(module_imports(solutions))]
    out.cells += [nbformat.v4.new_code_cell(c.source, metadata=c.metadata) for c in stubs]
    return out, solve(out, function_sources(solutions))


def solve(nb, sources: dict) -> list:
    """Replace each stub cell's source in ``nb`` with its solution; return the exercise ids solved."""
    solved = []
    for cell in nb.cells:
        ex_id = cell.get("metadata", {}).get("imsearch", {}).get("exercise")
        if cell.cell_type != "code" or not ex_id:
            continue
        name = get_exercise(ex_id).function
        assert name in sources, f"the solutions file has no function {name} (exercise {ex_id})"
        assert re.search(rf"^def {name}\(", cell.source, re.M), f"stub cell of {ex_id} does not define {name}"
        cell.source = sources[name]
        solved.append(ex_id)
    return solved


def test_function_sources_and_solve_on_a_small_notebook(tmp_path):
    """The helpers above, on a notebook and a solutions file made here."""
    sol = tmp_path / "ch01.py"
    sol.write_text("import numpy as np\n\n\ndef helper():\n    return 1\n\n\n"
                   "def quantization_psnr(x, k):\n    \"\"\"PSNR of the floor quantizer.\"\"\"\n"
                   "    x = np.asarray(x, dtype=np.float64)\n"
                   "    mse = np.mean((x - (np.minimum(np.floor(x * k), k - 1) + 0.5) / k) ** 2)\n"
                   "    return float('inf') if mse == 0 else float(10 * np.log10(1.0 / mse))\n")
    sources = function_sources(sol)
    assert sorted(sources) == ["helper", "quantization_psnr"]
    assert sources["quantization_psnr"].startswith("def quantization_psnr(x, k):")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import numpy as np"),
        nbformat.v4.new_code_cell("def quantization_psnr(x, k):\n    # YOUR CODE HERE\n    raise NotImplementedError",
                                  metadata={"tags": ["exercise"], "imsearch": {"exercise": "1.2"}}),
        nbformat.v4.new_code_cell("from imsearch.grading import check\npsnr = check('1.2', quantization_psnr)"),
    ])
    original = tmp_path / "01_tiny.ipynb"
    nbformat.write(nb, str(original))
    solved_nb = nbformat.read(str(original), as_version=4)
    assert solve(solved_nb, sources) == ["1.2"]
    solved = tmp_path / "solved" / "01_tiny.ipynb"
    solved.parent.mkdir()
    nbformat.write(solved_nb, str(solved))
    rows = grader.grade_notebooks([solved, original], timeout=60, check_timeout=20, progress=False)
    got = {(Path(r["notebook"]).parent.name, r["exercise"]): r for r in rows}
    assert got[("solved", "1.2")]["status"] == "passed"
    assert got[(tmp_path.name, "1.2")]["status"] == "not attempted"
    assert all(r["errors"] == [] for r in rows)


@pytest.mark.slow
@pytest.mark.parametrize("notebook, solutions", _chapters())
def test_solved_exercises_earn_every_point(notebook, solutions, tmp_path):
    nb = nbformat.read(str(notebook), as_version=4)
    solved_nb, solved_ids = solutions_notebook(nb, solutions)
    chapter = int(notebook.name[:2])
    exercises, _ = grader.exercises_for(nb, notebook)
    assert sorted(solved_ids) == sorted(e.id for e in exercises if e.chapter == chapter), \
        "every exercise of the chapter needs one stub cell"
    solved = tmp_path / notebook.name
    nbformat.write(solved_nb, str(solved))
    rows = grader.grade_notebooks([solved], timeout=300, check_timeout=60, progress=False)
    assert len(rows) == len(solved_ids)
    for row in rows:
        assert row["errors"] == [], f"{row['notebook']} raised: {row['errors']}"
        assert row["status"] == "passed" and row["points"] == row["max_points"], row["feedback"]


def test_solutions_notebook_keeps_first_cell_and_stub_metadata(tmp_path):
    """The solutions notebook of a made-up chapter: first cell, imports, solved stubs, nothing else."""
    sol = tmp_path / "ch01.py"
    sol.write_text("import numpy as np\nfrom math import floor\n\n\n"
                   "def quantization_psnr(x, k):\n"
                   "    return 10 * np.log10(1.0 / np.mean((x - (np.minimum(np.floor(x * k), k - 1) + 0.5) / k) ** 2))\n")
    meta = {"tags": ["exercise"], "imsearch": {"exercise": "1.2"}}
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Chapter 1"),
        nbformat.v4.new_code_cell("import numpy as np\nrng = np.random.default_rng(0)"),
        nbformat.v4.new_code_cell("slow_demo()"),
        nbformat.v4.new_code_cell("def quantization_psnr(x, k):\n    raise NotImplementedError", metadata=meta),
        nbformat.v4.new_code_cell("check('1.2', quantization_psnr)"),
    ])
    out, ids = solutions_notebook(nb, sol)
    assert ids == ["1.2"]
    assert [c.source for c in out.cells[:2]] == ["import numpy as np\nrng = np.random.default_rng(0)",
                                                 "import numpy as np\nfrom math import floor\n"]
    assert out.cells[2].source.startswith("def quantization_psnr(x, k):\n    return")
    assert out.cells[2].metadata == meta and len(out.cells) == 3
