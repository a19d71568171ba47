"""Tests of imsearch.grading (values, scoring, hiding the references) and imsearch.grading.batch.

The grader tests build small notebooks in tmp_path around exercise 1.2
(``quantization_psnr``) and grade them in as few ``grade_notebooks`` calls as possible,
since every notebook starts a kernel. No .ipynb file is stored under tests/.
"""
from __future__ import annotations

import csv
import os
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import numpy as np
import pytest
from imsearch.grading import batch as grader
from imsearch.grading import checks as grading
from imsearch.grading import guard
from imsearch.grading.checks import Case, compare, evaluate, score, to_arrays
from imsearch.signal import quantization_psnr
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

EX = grading.get_exercise("1.2")  # the fixture of the grader's tests
_CHAPTER_1 = [e.id for e in grading.all_exercises() if e.chapter == 1]
EX_NEXT = grading.get_exercise(_CHAPTER_1[_CHAPTER_1.index(EX.id) + 1])  # the exercise checked after EX


# ----------------------------------------------------------------------------- to_arrays

def test_to_arrays_number_array_and_tuple():
    (a,) = to_arrays(3)
    assert a.shape == () and a.dtype.kind == "i" and a == 3
    x = np.arange(6.0).reshape(2, 3)
    (b,) = to_arrays(x)
    assert b.shape == (2, 3) and b.dtype == np.float64
    x[0, 0] = 99.0  # a copy: later changes by the student's code do not leak in
    assert b[0, 0] == 0.0
    c, d = to_arrays((1.5, np.array([True, False])))
    assert c.dtype == np.float64 and d.dtype == np.bool_
    (e,) = to_arrays([1, 2, 3])  # a list is one array, only a tuple is several outputs
    np.testing.assert_array_equal(e, [1, 2, 3])
    (f,) = to_arrays([np.zeros(2), np.ones(2)])
    assert f.shape == (2, 2)
    (g,) = to_arrays(np.array([1 + 2j]))
    assert g.dtype.kind == "c"


@pytest.mark.parametrize("bad", [None, "1.0", b"x", {"a": 1}, np.array(["a"]), np.array([object()]),
                                 [[1, 2], [3]], (np.zeros(2), None)])
def test_to_arrays_rejects_non_numeric(bad):
    with pytest.raises(TypeError, match="output"):
        to_arrays(bad)


# ----------------------------------------------------------------------------- compare

def test_compare_equal_and_tolerance():
    e = (np.array([1.0, 2.0, 3.0]),)
    assert compare(e, (np.array([1.0, 2.0, 3.0]),), rtol=0, atol=0) is None
    assert compare(e, (np.array([1.0, 2.0, 3.0 + 1e-7]),), rtol=0, atol=1e-6) is None
    msg = compare(e, (np.array([1.0, 2.5, 3.0 + 1e-5]),), rtol=0, atol=1e-6)
    assert msg == ("2 of 3 values differ (max |difference| 0.5); first at index (1,): "
                   "expected 2., got 2.5")
    # relative tolerance scales with the expected value
    assert compare((np.array([1000.0]),), (np.array([1000.5]),), rtol=1e-3, atol=0) is None
    assert compare((np.array([1.0]),), (np.array([1.5]),), rtol=1e-3, atol=0) is not None


def test_compare_shapes_and_dtypes():
    e = (np.arange(4),)
    assert compare(e, (np.arange(4).reshape(2, 2),), 0, 0) == "expected shape (4,), got (2, 2)"
    assert compare(e, (np.arange(4.0),), 0, 0) == "expected integers (int64), got float64"
    assert compare(e, (np.arange(4, dtype=np.uint8),), 0, 0) is None  # any integer type
    assert compare((np.ones(2),), (np.ones(2, dtype=bool),), 0, 0) == "expected numbers (float64), got booleans"
    assert compare((np.ones(2),), (np.ones(2, dtype=np.int32),), 0, 0) is None  # ints where floats are fine
    assert compare(e, (), 0, 0) == "expected 1 output(s), got 0"


def test_compare_nan_inf_complex_and_scalars():
    nan = np.array([np.nan, 1.0])
    assert compare((nan,), (nan.copy(),), 0, 0) is None
    assert "1 of 2 values differ" in compare((nan,), (np.array([0.0, 1.0]),), 0, 0)
    assert "first at index (0,): expected nan, got 0." in compare((nan,), (np.array([0.0, 1.0]),), 0, 0)
    inf = np.array([np.inf, -np.inf])
    assert compare((inf,), (inf.copy(),), 0, 0) is None
    assert compare((inf,), (-inf,), 0, 0) is not None
    # a complex output with a non-zero imaginary part never equals a real value
    assert compare((np.array([1.0]),), (np.array([1.0 + 1j]),), 0, 1e-9) is not None
    assert compare((np.array([1.0]),), (np.array([1.0 + 0j]),), 0, 1e-9) is None
    assert compare((np.float64(2.0),), (np.float64(2.5),), 0, 0) == "expected 2., got 2.5"


def test_compare_tuples_label_the_output():
    e = (np.zeros(2), np.array(3))
    assert compare(e, (np.zeros(2), np.array(3)), 0, 0) is None
    assert compare(e, (np.zeros(2), np.array(4)), 0, 0) == "output 1: expected 3, got 4"
    assert compare(e, (np.zeros(3), np.array(3)), 0, 0) == "output 0: expected shape (2,), got (3,)"
    assert compare(e, (np.zeros(2),), 0, 0) == "expected 2 output(s), got 1"


# ----------------------------------------------------------------------------- score / evaluate

def _solution(x, k):
    x = np.asarray(x, dtype=np.float64)
    x_hat = (np.minimum(np.floor(x * k), k - 1) + 0.5) / k
    mse = np.mean((x - x_hat) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(1.0 / mse))


def _rounding(x, k):
    """A wrong solution: np.round instead of floor."""
    x = np.asarray(x, dtype=np.float64)
    mse = np.mean((x - (np.round(x * k) + 0.5) / k) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(1.0 / mse))


def test_score_full_points_for_a_correct_solution():
    cases = EX.make_cases(3)
    r = score(EX, cases, grading.run_cases(EX, _solution, cases))
    assert (r.points, r.max_points, r.status, r.n_passed) == (2.0, 2.0, "passed", len(cases))
    assert r.feedback.endswith(f"passed all {len(cases)} cases — 2/2 points.")


def test_score_names_failing_cases_and_counts():
    cases = EX.make_cases(0)
    outputs = grading.run_cases(EX, _rounding, cases)
    r = score(EX, cases, outputs)
    assert r.points == 0 and r.status == "failed"
    assert "case 'k=4, values on the cell centres (no error)': expected inf, got 15.0515" in r.feedback
    assert r.n_passed == 2  # round = floor on the borders i/8 and on the single 0
    assert f"{r.n_passed}/{len(cases)} cases passed" in r.feedback
    many = [Case(f"c{i}", (np.zeros(1), 2), expected=np.array([0])) for i in range(6)]
    r = score(EX, many, [(np.array([1]),)] * 6)
    assert "... and 3 more" in r.feedback and r.n_passed == 0


def test_score_statuses_for_errors():
    cases = EX.make_cases(0)
    n = len(cases)
    r = score(EX, cases, ["NotImplementedError"] * n)
    assert (r.points, r.status) == (0.0, "not attempted") and "not attempted" in r.feedback
    r = score(EX, cases, ["ReferenceCallError: the solution calls the reference"] + [(np.zeros(1),)] * (n - 1))
    assert r.status == "failed" and "reference" in r.feedback
    r = score(EX, cases, ["ValueError: bad k"] * n)
    assert r.status == "failed" and "raised ValueError: bad k" in r.feedback
    r = score(EX, cases, [(np.zeros(1),)])
    assert r.status == "error" and f"got 1 results for {n} cases" in r.feedback


def test_score_uses_precomputed_expected_values():
    cases = EX.make_cases(0)
    good = grading.run_cases(EX, _solution, cases)
    expected = grading.expected_outputs(EX, cases)
    assert score(EX, cases, good, expected=expected).points == 2
    shifted = [tuple(a + 1 for a in e) for e in expected]
    assert score(EX, cases, good, expected=shifted).points == 0


def test_reference_is_hidden_during_its_own_check_only():
    r = evaluate("1.2", quantization_psnr)
    assert r.points == 0
    assert "imsearch.signal.quantization.quantization_psnr is not available while grading" in r.feedback
    # outside a check it works, and so does a check of another exercise
    assert quantization_psnr(np.array([0.0]), 1) == pytest.approx(10 * np.log10(4.0), rel=1e-12)
    import imsearch.signal.quantization as q
    assert q.quantization_psnr is quantization_psnr
    with guard.hidden_in_process(grading.get_exercise("1.3")):
        assert q.quantization_psnr(np.array([0.0]), 1) == pytest.approx(10 * np.log10(4.0), rel=1e-12)
        with pytest.raises(guard.ReferenceCallError, match="ordered_dither is not available"):
            q.ordered_dither(np.zeros((4, 4)), 2)
    assert q.ordered_dither is grading.get_exercise("1.3").reference


def test_siblings_are_hidden_in_the_check_too():
    from imsearch.descriptors import bow

    r = evaluate("1.4", lambda p, c: bow.assign_words(p, c))
    assert r.points == 0 and "assign_words is not available while grading" in r.feedback
    assert "bow.assign_words" in [f"{f.__module__.rsplit('.', 1)[1]}.{f.__name__}"
                                  for f in grading.get_exercise("1.4").siblings]


def test_stub_source_keeps_signatures_and_the_rest_of_the_module():
    src = "import numpy as np\n\n\ndef f(x, k=2, *, y=None):\n    \"\"\"Doc.\"\"\"\n    return x\n\n\ndef g():\n    return f(1)\n"
    out = guard.stub_source(src, "imsearch.m", {"f": {"9.1"}})
    namespace: dict = {}
    exec(compile(out, "<stub>", "exec"), namespace)
    import inspect
    assert str(inspect.signature(namespace["f"])) == "(x, k=2, *, y=None)"
    with pytest.raises(RuntimeError, match=r"imsearch.m.f is not available while grading \(it computes the answer of exercise 9.1\)"):
        namespace["g"]()
    assert "return x" not in out
    with pytest.raises(ValueError, match="no top-level function h"):
        guard.stub_source(src, "imsearch.m", {"h": {"9.1"}})


def test_check_returns_the_function_or_the_reference(capsys):
    assert grading.check("1.2", _solution) is _solution
    assert "2/2 points" in capsys.readouterr().out

    def stub(x, k):
        raise NotImplementedError

    assert grading.check("1.2", stub) is EX.reference
    assert "not attempted" in capsys.readouterr().out


def test_lookup_errors():
    with pytest.raises(ValueError, match="not a known exercise"):
        grading.get_exercise("99.1")
    with pytest.raises(TypeError, match="exercise_id must be a str"):
        grading.get_exercise(1.2)
    with pytest.raises(TypeError, match="func must be a function"):
        evaluate("1.2", 3)
    with pytest.raises(ValueError, match="exercise id must look like"):
        grading.register(grading.Exercise("1-2", "t", 1, "f", "f()", quantization_psnr, lambda rng: []))
    with pytest.raises(ValueError, match="must be top-level functions of an imsearch module"):
        grading.register(grading.Exercise("1.9", "t", 1, "f", "f()", np.floor, lambda rng: []))
    with pytest.raises(ValueError, match="must be top-level functions of an imsearch module"):
        grading.register(grading.Exercise("1.9", "t", 1, "f", "f()", quantization_psnr, lambda rng: [],
                                          siblings=(lambda x, k: x,)))
    with pytest.raises(ValueError, match="registered twice"):
        grading.register(grading.Exercise("1.2", "t", 1, "f", "f()", quantization_psnr, lambda rng: []))


# ----------------------------------------------------------------------------- which exercises

def _nb(*cells):
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def test_exercises_for_tags_then_file_name():
    tagged = _nb(new_code_cell("x = 1", metadata={"imsearch": {"exercise": "1.2"}}))
    exs, how = grader.exercises_for(tagged, "homework.ipynb")
    assert [e.id for e in exs] == [e.id for e in grading.all_exercises() if e.chapter == 1]
    assert how == "tagged chapter(s) 1"
    exs, how = grader.exercises_for(_nb(new_code_cell("x = 1")), "01_sampling_alice.ipynb")
    assert exs and {e.chapter for e in exs} == {1} and how == "file name: chapter 1"
    exs, how = grader.exercises_for(_nb(), "alice.ipynb")
    assert exs == [] and "file name" in how
    exs, how = grader.exercises_for(_nb(), "99_none.ipynb")
    assert exs == [] and "no graded exercises in chapter(s) 99" in how


# ----------------------------------------------------------------------------- the grader's side of the files

def _harness_files(out_dir, arrays, cases, status="ran", token="t0k", **extra):
    import json
    np.savez(out_dir / f"exercise-{EX.id}.npz", **arrays)
    record = {"id": EX.id, "function": EX.function, "status": status, "cases": cases, "token": token, **extra}
    (out_dir / f"exercise-{EX.id}.json").write_text(json.dumps(record))


def test_grader_scores_only_plain_numeric_arrays(tmp_path):
    cases = EX.make_cases(5)
    expected = grading.expected_outputs(EX, cases)
    run = grader._Run(phase="done", completed=True)
    good = {f"c{i}_o0": e[0] for i, e in enumerate(expected)}
    _harness_files(tmp_path, good, [{"outputs": 1}] * len(cases))
    assert grader._result(EX, cases, expected, str(tmp_path), run, 2.0, "t0k").points == 2
    # the same values as strings, as objects (would need pickle), or missing: refused
    for bad, msg in [(np.array(["0.5"]), "has dtype <U3"), (np.array([0.5], dtype=object), "not a plain numeric"),
                     (None, "missing")]:
        arrays = dict(good)
        if bad is None:
            del arrays["c0_o0"]
        else:
            arrays["c0_o0"] = bad
        _harness_files(tmp_path, arrays, [{"outputs": 1}] * len(cases))
        r = grader._result(EX, cases, expected, str(tmp_path), run, 2.0, "t0k")
        assert r.points == 0 and msg in r.feedback, r.feedback
    # a record that does not match the cases, or a wrong status, earns nothing
    _harness_files(tmp_path, good, [{"outputs": 1}] * (len(cases) - 1))
    assert "incomplete" in grader._result(EX, cases, expected, str(tmp_path), run, 2.0, "t0k").feedback
    _harness_files(tmp_path, good, [{"outputs": 1}] * len(cases), status="passed")
    assert "malformed" in grader._result(EX, cases, expected, str(tmp_path), run, 2.0, "t0k").feedback
    # error kinds become feedback written by the grader
    errors = [{"error": "reference", "message": "imsearch.signal.quantization.quantization_psnr is not available "
               "while grading"}] + [{"outputs": 1}] * (len(cases) - 1)
    _harness_files(tmp_path, good, errors)
    r = grader._result(EX, cases, expected, str(tmp_path), run, 2.0, "t0k")
    assert r.points == 0 and "calls the library's reference (or a function computing the same): imsearch.signal.quantization.quantization_psnr" in r.feedback
    # results without the run's token, or from a harness that did not complete, earn nothing
    _harness_files(tmp_path, good, [{"outputs": 1}] * len(cases), token="forged")
    r = grader._result(EX, cases, expected, str(tmp_path), run, 2.0, "t0k")
    assert r.points == 0 and "wrote no result" in r.feedback
    _harness_files(tmp_path, good, [{"outputs": 1}] * len(cases))
    r = grader._result(EX, cases, expected, str(tmp_path), grader._Run(phase="done"), 2.0, "t0k")
    assert r.points == 0 and "no completion mark" in r.feedback
    r = grader._result(EX, cases, expected, str(tmp_path), grader._Run(phase="cells", failure="kernel died",
                                                                        why="kernel died in cell 3"), 2.0, "t0k")
    assert r.points == 0 and r.status == "kernel died" and "nothing was graded" in r.feedback
    errors = [{"error": "exception", "type": "ValueError", "message": "bad\x1b[31m k\n" + "x" * 500}] * len(cases)
    _harness_files(tmp_path, {}, errors)
    r = grader._result(EX, cases, expected, str(tmp_path), run, 2.0, "t0k")
    assert "raised ValueError: bad k xxx" in r.feedback and "\x1b" not in r.feedback and len(r.feedback) < 1500


# ----------------------------------------------------------------------------- the grader, end to end

GOOD = """\
def quantization_psnr(x, k):
    x = np.asarray(x, dtype=np.float64)
    x_hat = (np.minimum(np.floor(x * k), k - 1) + 0.5) / k
    mse = np.mean((x - x_hat) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(1.0 / mse))
"""
STUB = """\
def quantization_psnr(x, k):
    \"\"\"PSNR in dB of quantizing x in [0, 1) into k cells.\"\"\"
    # YOUR CODE HERE
    raise NotImplementedError
"""
WRONG = """\
def quantization_psnr(x, k):
    x = np.asarray(x, dtype=np.float64)
    mse = np.mean((x - (np.round(x * k) + 0.5) / k) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(1.0 / mse))
"""
# the first case of exercise 1.2 does not depend on the seed: WRONG fails it in every run
WRONG_FIRST_CASE = "case 'k=4, values on the cell centres (no error)': expected inf, got 15.0515"
CHECK = "from imsearch.grading import check\npsnr = check('1.2', quantization_psnr)"
TAG = {"tags": ["exercise"], "imsearch": {"exercise": "1.2"}}
FAKE_PRINT = (f"print('Exercise 1.2 — {EX.title} (2 pts): "
              "passed all 7 cases — 2/2 points.')")
TAMPER = """\
import contextlib, dataclasses
from imsearch.grading import guard as guard
from imsearch.grading import checks as g
ex = g.get_exercise("1.2")
g._REGISTRY["1.2"] = dataclasses.replace(ex, rtol=1e300, atol=1e300)
object.__setattr__(ex, "atol", 1e300)
g.compare = lambda *a, **k: None
g.check = lambda exercise_id, func, seed=0: func
g.score = lambda exercise, cases, outputs, expected=None: g.Result(
    exercise.id, exercise.points, exercise.points, "passed", "passed")
def _fake_run_cases(exercise, func, cases):
    return [g.to_arrays(exercise.reference(*c.args, **c.kwargs)) for c in cases]
g.run_cases = _fake_run_cases
guard.hidden_in_process = lambda *a, **k: contextlib.nullcontext()
"""


def _write(path, *sources, tagged=0):
    """A notebook: an import cell, then one code cell per source (cell ``tagged`` is the stub cell)."""
    cells = [new_markdown_cell("# Test"), new_code_cell("import numpy as np")]
    for i, src in enumerate(sources):
        cells.append(new_code_cell(src, metadata=TAG if i == tagged else {}))
    nbformat.write(_nb(*cells), str(path))
    return path


def _pids_alive(pid_file: Path) -> list:
    alive = []
    for pid in map(int, pid_file.read_text().split()):
        stat = Path(f"/proc/{pid}/stat")
        if stat.exists():
            try:
                state = stat.read_text().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if state != "Z":
                alive.append(pid)
        elif not Path("/proc").is_dir():
            try:
                os.kill(pid, 0)
                alive.append(pid)
            except ProcessLookupError:
                pass
    return alive


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade every test notebook in one run; return (rows by notebook stem, rows, folder)."""
    d = tmp_path_factory.mktemp("handin")
    crash_pids, hang_pids = d / "crash.pids", d / "hang.pids"
    nbs = [
        _write(d / "01_good.ipynb", GOOD, CHECK),
        _write(d / "01_stub.ipynb", STUB, CHECK),
        _write(d / "01_wrong.ipynb", WRONG, CHECK),
        _write(d / "01_reference.ipynb",
               "import imsearch.signal.quantization\n\ndef quantization_psnr(x, k):\n"
               "    return imsearch.signal.quantization.quantization_psnr(x, k)", CHECK),
        _write(d / "01_alias.ipynb", "from imsearch.signal.quantization import quantization_psnr as from_library",
               "def quantization_psnr(x, k):\n    return from_library(x, k)", CHECK, tagged=1),
        _write(d / "01_tamper.ipynb", WRONG, TAMPER, FAKE_PRINT),
        _write(d / "01_crash.ipynb", GOOD, CHECK,
               "import os, subprocess\nchild = subprocess.Popen(['sleep', '300'])\n"
               f"open({str(crash_pids)!r}, 'w').write(f'{{os.getpid()}} {{child.pid}}')\nos._exit(1)"),
        _write(d / "01_broken_after.ipynb", GOOD, CHECK, "1 / 0", "print(undefined_name)"),
        _write(d / "01_hang.ipynb", GOOD, CHECK,
               f"import os\nopen({str(hang_pids)!r}, 'w').write(str(os.getpid()))\nwhile True:\n    pass"),
        _write(d / "01_hang_function.ipynb", "def quantization_psnr(x, k):\n    while True:\n        pass"),
        _write(d / "01_stubborn_function.ipynb", GOOD,  # the next exercise's function ignores the alarm
               f"import time\n\ndef {EX_NEXT.function}(*args):\n    while True:\n        try:\n"
               "            time.sleep(0.05)\n        except BaseException:\n            pass"),
        _write(d / "01_exit_in_function.ipynb", "import os\n\ndef quantization_psnr(x, k):\n    os._exit(3)"),
        _write(d / "01_broken_numpy.ipynb", GOOD, "np.random.default_rng = None"),
        d / "01_garbage.ipynb",
        _write(d / "01_good_last.ipynb", GOOD, CHECK),
    ]
    (d / "01_garbage.ipynb").write_text("this is not a notebook")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(grader, "HARNESS_OVERHEAD_S", 8.0)  # the stubborn function costs len(chapter 1) x 2 + 8 s
        rows = grader.grade_notebooks(nbs, timeout=10, check_timeout=2, progress=False)
    by_nb: dict = {}
    for row in rows:
        by_nb.setdefault(Path(row["notebook"]).stem, {})[row["exercise"]] = row
    return by_nb, rows, d, nbs


def test_correct_solution_gets_full_points(graded):
    by_nb = graded[0]
    for name in ("01_good", "01_broken_after", "01_good_last"):
        row = by_nb[name]["1.2"]
        assert (row["points"], row["max_points"], row["status"]) == (2.0, 2.0, "passed"), row
        assert "passed all" in row["feedback"]


def test_other_exercises_of_the_chapter_are_not_attempted(graded):
    row = graded[0]["01_good"]
    ids = [e.id for e in grading.all_exercises() if e.chapter == 1]
    assert sorted(row) == ids and len(ids) > 1
    for ex_id in ids:
        if ex_id == "1.2":
            continue
        ex = grading.get_exercise(ex_id)
        assert row[ex_id]["points"] == 0 and row[ex_id]["status"] == "not attempted"
        assert f"function {ex.function} is not defined" in row[ex_id]["feedback"]


def test_stub_is_not_attempted(graded):
    row = graded[0]["01_stub"]["1.2"]
    assert (row["points"], row["status"]) == (0.0, "not attempted")
    assert "NotImplementedError" in row["feedback"]


def test_wrong_rounding_names_the_failing_case(graded):
    row = graded[0]["01_wrong"]["1.2"]
    assert (row["points"], row["status"]) == (0.0, "failed")
    assert WRONG_FIRST_CASE in row["feedback"]
    assert "expected: quantization_psnr(" in row["feedback"]


@pytest.mark.parametrize("name", ["01_reference", "01_alias"])
def test_calling_the_reference_earns_nothing(graded, name):
    row = graded[0][name]["1.2"]
    assert (row["points"], row["status"]) == (0.0, "failed"), row
    assert ("calls the library's reference (or a function computing the same): imsearch.signal.quantization.quantization_psnr is not available while "
            "grading") in row["feedback"]


def test_tampering_and_fake_output_earn_nothing(graded):
    row = graded[0]["01_tamper"]["1.2"]
    assert (row["points"], row["status"]) == (0.0, "failed"), row
    assert WRONG_FIRST_CASE in row["feedback"]  # compared with the real tolerances


def test_crash_gives_zero_and_leaves_no_process(graded):
    by_nb, rows, d, _ = graded
    for row in by_nb["01_crash"].values():
        assert row["points"] == 0 and row["status"] == "kernel died"
        assert "kernel died in cell 5" in row["feedback"]
    assert _pids_alive(d / "crash.pids") == []  # the kernel and the child it started


def test_hanging_cell_times_out_and_is_killed(graded):
    by_nb, rows, d, _ = graded
    for row in by_nb["01_hang"].values():
        assert row["points"] == 0 and row["status"] == "timed out"
        assert "notebook timed out after 10 s in cell 5" in row["feedback"]
    assert _pids_alive(d / "hang.pids") == []


def test_hanging_function_times_out_and_the_checks_go_on(graded):
    rows = graded[0]["01_hang_function"]
    row = rows["1.2"]
    assert (row["points"], row["status"]) == (0.0, "timed out")
    assert ("quantization_psnr did not return within 2 s on case 'k=4, values on the cell centres (no error)'"
            in row["feedback"])
    others = [r for ex_id, r in rows.items() if ex_id != "1.2"]
    assert others and all(r["status"] == "not attempted" for r in others)


def test_function_ignoring_the_alarm_is_killed_and_earlier_exercises_keep_their_points(graded):
    rows = graded[0]["01_stubborn_function"]
    ids = [e.id for e in grading.all_exercises() if e.chapter == 1]  # the order of the checks
    assert (rows["1.2"]["points"], rows["1.2"]["status"]) == (2.0, "passed")
    row = rows[EX_NEXT.id]
    assert (row["points"], row["status"]) == (0.0, "timed out")
    assert f"{EX_NEXT.function} did not return in time during the checks" in row["feedback"]
    assert "the kernel was stopped" in row["feedback"]
    earlier = [rows[i] for i in ids[:ids.index("1.2")]]  # checked before: their functions are not defined
    assert all(r["status"] == "not attempted" for r in earlier)
    later = [rows[i] for i in ids[ids.index(EX_NEXT.id) + 1:]]
    assert later and all(r["status"] == "timed out" and "not checked" in r["feedback"] for r in later)


def test_kernel_dying_during_the_checks(graded):
    rows = graded[0]["01_exit_in_function"]
    row = rows["1.2"]
    assert (row["points"], row["status"]) == (0.0, "kernel died")
    assert "the kernel died while quantization_psnr was being checked" in row["feedback"]
    ids = [e.id for e in grading.all_exercises() if e.chapter == 1]  # the order of the checks
    for ex_id in ids[:ids.index("1.2")]:  # checked before the kernel died: they keep their result
        assert rows[ex_id]["status"] == "not attempted", rows[ex_id]
    later = ids[ids.index("1.2") + 1:]
    assert later
    for ex_id in later:
        assert rows[ex_id]["status"] == "kernel died" and "not checked" in rows[ex_id]["feedback"]


def test_checks_that_cannot_run_give_zero_with_the_reason(graded):
    rows = graded[0]["01_broken_numpy"]
    row = rows["1.2"]
    assert (row["points"], row["status"]) == (0.0, "error")
    assert "the checks could not run in the notebook's kernel (TypeError" in row["feedback"]
    # the next exercises are still checked (their functions are not defined)
    assert all(r["status"] == "not attempted" for ex_id, r in rows.items() if ex_id != "1.2")


def test_invalid_file_gets_zero_without_running(graded):
    rows = graded[0]["01_garbage"]
    assert sorted(rows) == sorted(graded[0]["01_good"])
    for row in rows.values():
        assert row["points"] == 0 and row["status"] == "invalid"
        assert "01_garbage.ipynb is not a valid notebook" in row["feedback"]


def test_errors_in_cells_are_noted_for_failed_exercises(graded):
    rows = graded[0]["01_broken_after"]
    assert "note" not in rows["1.2"]["feedback"]  # passed: no note
    other = next(r for ex_id, r in rows.items() if ex_id != "1.2")
    assert "cell 5 (ZeroDivisionError), cell 6 (NameError)" in other["feedback"]


def test_rows_in_order_and_csv(graded, tmp_path):
    by_nb, rows, d, nbs = graded
    n_ex = len(by_nb["01_good"])
    assert [Path(r["notebook"]).name for r in rows[::n_ex]] == [p.name for p in nbs]
    out = tmp_path / "grades.csv"
    grader.write_csv(rows, out)
    with open(out, newline="", encoding="utf-8") as f:
        table = list(csv.reader(f))
    assert table[0] == ["notebook", "exercise", "points", "max_points", "feedback"]
    assert len(table) == 1 + len(nbs) * n_ex
    good = [r for r in table[1:] if r[0].endswith("01_good.ipynb") and r[1] == "1.2"]
    assert good == [[str(d / "01_good.ipynb"), "1.2", "2", "2", by_nb["01_good"]["1.2"]["feedback"]]]
    total = sum(float(r[2]) for r in table[1:])
    assert total == 2 * 4  # the three correct notebooks and 1.2 of the stubborn one


def test_main_writes_csv_and_summary_without_kernels(tmp_path, capsys):
    (tmp_path / "01_bad.ipynb").write_text("{not json")
    nbformat.write(_nb(new_markdown_cell("notes")), str(tmp_path / "notes.ipynb"))
    args = types.SimpleNamespace(notebooks=[str(tmp_path / "01_bad.ipynb"), str(tmp_path / "notes.ipynb"),
                                            str(tmp_path / "01_missing.ipynb")],
                                 csv=str(tmp_path / "g.csv"), timeout=5.0)
    assert grader.main(args) == 0
    out = capsys.readouterr().out
    assert "01_bad.ipynb" in out and "notes.ipynb" in out and "wrote" in out
    with open(tmp_path / "g.csv", newline="", encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    n_ex = len([e for e in grading.all_exercises() if e.chapter == 1])
    assert len(table) == 2 * n_ex + 1
    notes = [r for r in table if r["notebook"].endswith("notes.ipynb")]
    assert notes[0]["exercise"] == "" and notes[0]["max_points"] == "0"
    assert "nothing to grade" in notes[0]["feedback"]
    assert all("not a valid notebook" in r["feedback"] for r in table if "01_missing" in r["notebook"])


def test_cli_is_wired(tmp_path):
    (tmp_path / "01_bad.ipynb").write_text("nope")
    proc = subprocess.run([sys.executable, "-m", "imsearch", "grade", str(tmp_path / "01_bad.ipynb"),
                           "--csv", str(tmp_path / "g.csv"), "--timeout", "5"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "g.csv").read_text(encoding="utf-8").startswith("notebook,exercise,points,max_points,feedback")


@pytest.mark.parametrize("kw", [{"timeout": 0}, {"timeout": -1}, {"check_timeout": 0}, {"timeout": "10"}])
def test_bad_timeouts(kw, tmp_path):
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        grader.grade_notebook(tmp_path / "01_x.ipynb", **kw)
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        grader.grade_notebooks([tmp_path / "01_x.ipynb"], **kw)


def test_hiding_puts_back_what_a_lazy_package_cached_meanwhile():
    import imsearch.index as package
    from imsearch.index import brute_force

    real = brute_force.pairwise_distances
    package.__dict__.pop("pairwise_distances", None)
    with guard.hidden_in_process(grading.get_exercise("3.1")):
        with pytest.raises(guard.ReferenceCallError):
            package.pairwise_distances(np.zeros((1, 2)), np.zeros((1, 2)))  # the package caches the stub
    assert package.pairwise_distances is real and brute_force.pairwise_distances is real
