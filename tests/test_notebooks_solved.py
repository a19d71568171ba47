"""Each chapter notebook, solved and unsolved, through the batch grader.

For every notebooks/NN_*.ipynb that has instructor solutions in tests/solutions/chNN.py,
a solved copy is built in tmp_path (each stub cell's source replaced by the solution
function of the same name, taken from the solutions file with ast) and graded: it must earn
every point and run without an error up to the first cell that calls a function the grading
kernel does not have (the reference or a sibling of one of the chapter's exercises). The unsolved originals are executed by nbval in the
same ``make test`` run, and the small notebook below checks that a stub grades as
"not attempted", so the originals are not graded again here (it would double the time).
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
                   "def uniform_quantize(x, k):\n    \"\"\"Floor.\"\"\"\n"
                   "    return np.minimum(np.floor(np.asarray(x) * k), k - 1).astype(np.int64)\n")
    sources = function_sources(sol)
    assert sorted(sources) == ["helper", "uniform_quantize"]
    assert sources["uniform_quantize"].startswith("def uniform_quantize(x, k):")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import numpy as np"),
        nbformat.v4.new_code_cell("def uniform_quantize(x, k):\n    # YOUR CODE HERE\n    raise NotImplementedError",
                                  metadata={"tags": ["exercise"], "imsearch": {"exercise": "1.1"}}),
        nbformat.v4.new_code_cell("from imsearch.grading import check\nq = check('1.1', uniform_quantize)"),
    ])
    original = tmp_path / "01_tiny.ipynb"
    nbformat.write(nb, str(original))
    solved_nb = nbformat.read(str(original), as_version=4)
    assert solve(solved_nb, sources) == ["1.1"]
    solved = tmp_path / "solved" / "01_tiny.ipynb"
    solved.parent.mkdir()
    nbformat.write(solved_nb, str(solved))
    rows = grader.grade_notebooks([solved, original], timeout=60, check_timeout=20, progress=False)
    got = {(Path(r["notebook"]).parent.name, r["exercise"]): r for r in rows}
    assert got[("solved", "1.1")]["status"] == "passed"
    assert got[(tmp_path.name, "1.1")]["status"] == "not attempted"
    assert all(r["errors"] == [] for r in rows)


@pytest.mark.slow
@pytest.mark.parametrize("notebook, solutions", _chapters())
def test_solved_notebook_earns_every_point(notebook, solutions, tmp_path):
    nb = nbformat.read(str(notebook), as_version=4)
    solved_ids = solve(nb, function_sources(solutions))
    chapter = int(notebook.name[:2])
    exercises, _ = grader.exercises_for(nb, notebook)
    assert sorted(solved_ids) == sorted(e.id for e in exercises if e.chapter == chapter), \
        "every exercise of the chapter needs one stub cell"
    solved = tmp_path / notebook.name
    nbformat.write(nb, str(solved))
    rows = grader.grade_notebooks([solved], timeout=300, check_timeout=60, progress=False)
    assert len(rows) == len(solved_ids)
    for row in rows:
        # The grading kernel's library has no reference (nor sibling) of the chapter's exercises, so
        # a cell calling one (directly or through another library function) raises, and later cells
        # that use its result too; no cell may raise before the first of those.
        hidden = [i for i, e in enumerate(row["errors"]) if "is not available while grading" in e]
        before = row["errors"][:hidden[0]] if hidden else row["errors"]
        assert before == [], f"{row['notebook']} raised: {before}"
        assert row["status"] == "passed" and row["points"] == row["max_points"], row["feedback"]
