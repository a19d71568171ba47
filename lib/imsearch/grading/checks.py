"""Graded exercises: definitions, checking in the notebook, and scoring.

An exercise (``"<chapter>.<n>"``) names the function the student writes in the
notebook, its points, a reference implementation in the library and a generator of
check cases. Each case holds plain inputs (numbers, numpy arrays) and optionally a
closed-form expected output; otherwise the reference's output is expected.

The work is split in two so that batch grading never runs student code in the
grading process:

* :func:`run_cases` calls the student's function on the cases (in the student's
  process) and returns only plain arrays or an error message per case;
* :func:`score` compares those arrays with the expected values (in the grading
  process) and returns points and feedback.

In a notebook, :func:`check` does both, prints the feedback and returns the function
the rest of the chapter should use: the student's when it passed, else the reference.
It is a hint, not a grade: the reference and its siblings are hidden during the check
only on a best-effort basis (:func:`imsearch.grading.guard.hidden_in_process`).

Batch grading (:mod:`imsearch.grading.batch`) is what counts: it runs
:func:`_grade_in_kernel` in the student's kernel, on a copy of the library in which the
exercises' reference and siblings do not exist, writes the outputs of :func:`run_cases` as
``.npz`` arrays, and calls :func:`score` in the grading process.
"""
from __future__ import annotations

import copy
import importlib
import inspect
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..grading.guard import HIDDEN_MARK, hidden_in_process

#: Set (to "1") by the batch grader in the kernels it starts: :func:`check` then only prints a note.
GRADING_ENV = "IMSEARCH_GRADING"

_REGISTRY: dict[str, Exercise] = {}


@dataclass(frozen=True)
class Case:
    """One check case: inputs and, optionally, a closed-form expected output.

    Parameters
    ----------
    name : str
        Short description shown in feedback, e.g. ``"k=4 on the grid points"``.
    args : tuple
        Positional arguments (numbers, strings, numpy arrays).
    kwargs : dict
        Keyword arguments.
    expected : optional
        The exact answer when it is known in closed form; ``None`` means "whatever
        the reference returns".
    """

    name: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    expected: Any = None


@dataclass(frozen=True)
class Exercise:
    """A graded exercise.

    Parameters
    ----------
    id : str
        ``"<chapter>.<n>"``, e.g. ``"1.2"``.
    title : str
        Shown in listings and feedback.
    points : float
        Points for passing every case (all or nothing).
    function : str
        Name of the function the student defines in the notebook.
    signature : str
        How the function is called and what it returns, for the feedback.
    reference : callable
        The library's implementation: a top-level function of an ``imsearch`` module.
    cases : callable
        ``cases(rng) -> list[Case]``; must be deterministic given the generator. Runs in the
        grading kernel too, so it may not call the exercise's hidden functions.
    rtol, atol : float
        Tolerances of the comparison (``numpy.isclose`` semantics).
    siblings : tuple of callable
        The other top-level library functions that pass every case (found by
        :func:`imsearch.grading.siblings.discover`, asserted by a test): hidden with the
        reference while the exercise is graded.
    """

    id: str
    title: str
    points: float
    function: str
    signature: str
    reference: Callable
    cases: Callable[[np.random.Generator], list]
    rtol: float = 1e-6
    atol: float = 1e-9
    siblings: tuple = ()

    @property
    def hidden(self) -> tuple:
        """The reference and its siblings: the functions a solution may not call."""
        return (self.reference,) + tuple(self.siblings)

    @property
    def chapter(self) -> int:
        return int(self.id.split(".")[0])

    @property
    def number(self) -> int:
        return int(self.id.split(".")[1])

    def make_cases(self, seed: int = 0) -> list:
        """Return the check cases for ``seed`` (the same list every time for the same seed)."""
        return list(self.cases(np.random.default_rng(seed)))


@dataclass
class Result:
    """The outcome of checking one exercise."""

    exercise: str
    points: float
    max_points: float
    status: str  # "passed", "failed", "not attempted", "error"
    feedback: str
    n_passed: int = 0
    n_cases: int = 0


def register(exercise: Exercise) -> Exercise:
    """Add ``exercise`` to the registry (an id may be registered only once)."""
    parts = exercise.id.split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError(f"exercise id must look like '<chapter>.<n>', got {exercise.id!r}")
    if not exercise.function.isidentifier():
        raise ValueError(f"exercise {exercise.id}: function must be a Python name, got {exercise.function!r}")
    for func in exercise.hidden:
        if not _top_level_library_function(func):
            raise ValueError(f"exercise {exercise.id}: the reference and siblings must be top-level functions "
                             f"of an imsearch module, got {func!r}")
    if exercise.id in _REGISTRY and _REGISTRY[exercise.id] is not exercise:
        raise ValueError(f"exercise {exercise.id} is registered twice")
    _REGISTRY[exercise.id] = exercise
    return exercise


def _top_level_library_function(func) -> bool:
    module = sys.modules.get(getattr(func, "__module__", None) or "")
    return (inspect.isfunction(func) and func.__module__.startswith("imsearch.")
            and func.__qualname__ == func.__name__ and module is not None
            and module.__dict__.get(func.__name__) is func)


def _load_all() -> None:
    importlib.import_module("imsearch.grading.exercises")


def get_exercise(exercise_id: str) -> Exercise:
    """Return the registered exercise ``exercise_id`` (e.g. ``"1.2"``)."""
    _load_all()
    if not isinstance(exercise_id, str):
        raise TypeError(f"exercise_id must be a str like '1.2', got {type(exercise_id).__name__}")
    try:
        return _REGISTRY[exercise_id]
    except KeyError:
        known = ", ".join(e.id for e in all_exercises())
        raise ValueError(f"exercise_id {exercise_id!r} is not a known exercise (known: {known})") from None


def all_exercises() -> list:
    """Every registered exercise, sorted by chapter and number."""
    _load_all()
    return sorted(_REGISTRY.values(), key=lambda e: (e.chapter, e.number))


# ----------------------------------------------------------------------------- values

def to_arrays(value) -> tuple:
    """Turn a function's return value into a tuple of plain numeric numpy arrays.

    A tuple (a function returning several values) gives one array per item;
    anything else (a number, an array, a list of numbers) gives a 1-tuple.

    Parameters
    ----------
    value : number, array_like, or tuple of those

    Returns
    -------
    tuple of numpy.ndarray
        Fresh copies with a numeric or boolean dtype (kinds ``b i u f c``).

    Raises
    ------
    TypeError
        If an item is ``None``, a string, a dict, or converts to a non-numeric
        array (objects, strings, ragged lists).
    """
    items = value if isinstance(value, tuple) else (value,)
    out = []
    for i, item in enumerate(items):
        if item is None or isinstance(item, (str, bytes, dict)):
            raise TypeError(f"output {i} is {type(item).__name__}, expected a number or a numeric array")
        try:
            arr = np.array(item)  # a copy: nothing refers back to the student's objects
        except (ValueError, TypeError) as err:  # ragged lists
            raise TypeError(f"output {i} is not a numeric array ({err})") from None
        if arr.dtype.kind not in "biufc":
            raise TypeError(f"output {i} has dtype {arr.dtype}, expected a numeric array")
        out.append(arr)
    return tuple(out)


def _fmt(x) -> str:
    return np.array2string(np.asarray(x), precision=6, threshold=8, edgeitems=3)


def compare(expected: tuple, got: tuple, rtol: float, atol: float):
    """Return ``None`` when ``got`` matches ``expected``, else a message saying what differs.

    Parameters
    ----------
    expected, got : tuple of numpy.ndarray
        As returned by :func:`to_arrays`.
    rtol, atol : float
        Tolerances: ``|got - expected| <= atol + rtol |expected|`` elementwise.

    Integer or boolean expected values require integer or boolean outputs; NaN
    matches NaN and an infinity matches the same infinity; a complex output is never
    equal to a real expected value with a non-zero imaginary part.
    """
    if len(got) != len(expected):
        return f"expected {len(expected)} output(s), got {len(got)}"
    for i, (e, g) in enumerate(zip(expected, got)):
        label = "" if len(expected) == 1 else f"output {i}: "
        e, g = np.asarray(e), np.asarray(g)
        if e.shape != g.shape:
            return f"{label}expected shape {e.shape}, got {g.shape}"
        if e.dtype.kind in "biu" and g.dtype.kind not in "biu":
            return f"{label}expected integers ({e.dtype}), got {g.dtype}"
        if e.dtype.kind in "fc" and g.dtype.kind == "b":
            return f"{label}expected numbers ({e.dtype}), got booleans"
        as_type = np.complex128 if "c" in (e.dtype.kind, g.dtype.kind) else np.float64
        ev, gv = e.astype(as_type), g.astype(as_type)
        ok = np.isclose(gv, ev, rtol=rtol, atol=atol, equal_nan=True)
        if not np.all(ok):
            if ok.ndim == 0:
                return f"{label}expected {_fmt(e)}, got {_fmt(g)}"
            bad = np.argwhere(~ok)
            idx = tuple(int(j) for j in bad[0])
            with np.errstate(invalid="ignore"):
                diff = np.abs(gv - ev)[~ok]
            worst = np.nanmax(diff) if np.any(~np.isnan(diff)) else np.nan
            return (f"{label}{len(bad)} of {e.size} values differ (max |difference| "
                    f"{worst:.4g}); first at index {idx}: expected {_fmt(e[idx])}, got {_fmt(g[idx])}")
    return None


def _copy_args(case: Case):
    return copy.deepcopy(case.args), copy.deepcopy(case.kwargs)


def expected_outputs(exercise: Exercise, cases: list) -> list:
    """Expected outputs (tuples of arrays), one per case: closed form or the reference's."""
    out = []
    for case in cases:
        if case.expected is not None:
            out.append(to_arrays(case.expected))
        else:
            args, kwargs = _copy_args(case)
            out.append(to_arrays(exercise.reference(*args, **kwargs)))
    return out


def run_cases(exercise: Exercise, func: Callable, cases: list) -> list:
    """Call ``func`` on every case.

    Parameters
    ----------
    exercise : Exercise
    func : callable
        The student's function.
    cases : list of Case

    Returns
    -------
    list
        One entry per case: a tuple of arrays, or a string describing the error
        (``"NotImplementedError"`` for an unsolved stub, ``"ReferenceCallError: ..."``
        when the solution called a hidden function: the reference or a sibling, which
        raise while the exercise is checked). Runs in the student's process.
    """
    results = []
    for case in cases:
        args, kwargs = _copy_args(case)
        try:
            value = func(*args, **kwargs)
            results.append(to_arrays(value))
        except NotImplementedError:
            results.append("NotImplementedError")
        except Exception as err:  # noqa: BLE001 - any student error becomes feedback
            text = str(err)
            results.append(f"ReferenceCallError: {text}" if HIDDEN_MARK in text else f"{type(err).__name__}: {text}")
    return results


def _head(exercise: Exercise) -> str:
    return f"Exercise {exercise.id} — {exercise.title} ({exercise.points:g} pts)"


def failure(exercise: Exercise, status: str, why: str, n_cases: int = 0) -> Result:
    """A zero-point :class:`Result` for ``exercise`` with feedback ``why`` (used by the grader)."""
    return Result(exercise.id, 0.0, exercise.points, status,
                  f"{_head(exercise)}: 0/{exercise.points:g} points — {why}", 0, n_cases)


def score(exercise: Exercise, cases: list, outputs: list, expected: list | None = None) -> Result:
    """Score the outputs of :func:`run_cases` against the expected values.

    Parameters
    ----------
    exercise : Exercise
    cases : list of Case
    outputs : list
        One entry per case: a tuple of numeric arrays or an error string.
    expected : list of tuple of arrays, optional
        The expected outputs when already computed (:func:`expected_outputs`).

    Returns
    -------
    Result
        All the points when every case matches, else 0 with feedback naming the
        failing cases. Runs in the grading process; ``outputs`` holds only arrays
        and strings.
    """
    head = _head(exercise)
    if len(outputs) != len(cases):
        return Result(exercise.id, 0.0, exercise.points, "error",
                      f"{head}: got {len(outputs)} results for {len(cases)} cases", 0, len(cases))
    if any(isinstance(o, str) and o == "NotImplementedError" for o in outputs):
        return Result(exercise.id, 0.0, exercise.points, "not attempted",
                      f"{head}: not attempted (the function still raises NotImplementedError).",
                      0, len(cases))
    ref_calls = [o for o in outputs if isinstance(o, str) and o.startswith("ReferenceCallError")]
    if ref_calls:
        return Result(exercise.id, 0.0, exercise.points, "failed",
                      f"{head}: 0/{exercise.points:g} points — the solution calls the library's reference "
                      f"(or a function computing the same): {ref_calls[0].partition(': ')[2] or 'a hidden function'}.",
                      0, len(cases))
    if expected is None:
        expected = expected_outputs(exercise, cases)
    problems = []
    for case, exp, got in zip(cases, expected, outputs):
        if isinstance(got, str):
            problems.append(f"case '{case.name}': raised {got}")
            continue
        msg = compare(exp, got, exercise.rtol, exercise.atol)
        if msg:
            problems.append(f"case '{case.name}': {msg}")
    n_passed = len(cases) - len(problems)
    if not problems:
        return Result(exercise.id, float(exercise.points), exercise.points, "passed",
                      f"{head}: passed all {len(cases)} cases — {exercise.points:g}/{exercise.points:g} points.",
                      n_passed, len(cases))
    shown = "\n  - ".join(problems[:3]) + (f"\n  - ... and {len(problems) - 3} more" if len(problems) > 3 else "")
    return Result(exercise.id, 0.0, exercise.points, "failed",
                  f"{head}: {n_passed}/{len(cases)} cases passed — 0/{exercise.points:g} points.\n"
                  f"  expected: {exercise.signature}\n  - {shown}", n_passed, len(cases))


def evaluate(exercise_id: str, func: Callable, seed: int = 0) -> Result:
    """Check ``func`` against exercise ``exercise_id`` in this process and return the result."""
    exercise = get_exercise(exercise_id)
    if not callable(func):
        raise TypeError(f"func must be a function, got {type(func).__name__}")
    cases = exercise.make_cases(seed)
    expected = expected_outputs(exercise, cases)
    with hidden_in_process(exercise) as stubbed:
        outputs = run_cases(exercise, stubbed(func), cases)
    return score(exercise, cases, outputs, expected=expected)


def check(exercise_id: str, func: Callable, seed: int = 0) -> Callable:
    """Check a student's function in the notebook, print the feedback, return what to use next.

    Parameters
    ----------
    exercise_id : str
        For example ``"1.1"``.
    func : callable
        The student's function.
    seed : int
        Seed of the random check cases (batch grading uses fresh seeds).

    Returns
    -------
    callable
        ``func`` if it passed every case, else the library's reference implementation,
        so the rest of the chapter still runs with correct results.

    Notes
    -----
    This is feedback for the student, not a grade: the reference and its siblings are
    hidden during the check only on a best-effort basis. The batch grader
    (``python -m imsearch grade``) is what counts. In a kernel started by the batch grader
    (environment variable ``IMSEARCH_GRADING``) nothing is checked here (the grader checks
    after the notebook has run) and ``func`` is returned.
    """
    if os.environ.get(GRADING_ENV):
        print(f"Exercise {exercise_id}: checked by the batch grader after the notebook has run.")
        return func
    result = evaluate(exercise_id, func, seed)
    print(result.feedback)
    if result.status == "passed":
        return func
    print("  → the rest of this chapter uses the library's reference implementation.")
    return get_exercise(exercise_id).reference


# ----------------------------------------------------------------------------- batch grading, kernel side

#: Largest number of output values accepted from one case in batch grading.
MAX_OUTPUT_VALUES = 10_000_000


class _CheckTimeout(BaseException):
    """Raised (by SIGALRM) in the student's kernel when an exercise's check runs too long."""


def _encode_error(message: str) -> dict:
    """Turn a :func:`run_cases` error string into the record written to disk."""
    if message == "NotImplementedError":
        return {"error": "not implemented"}
    if message.startswith("ReferenceCallError"):
        return {"error": "reference", "message": message.partition(": ")[2][:300]}
    kind, _, text = message.partition(": ")
    return {"error": "exception", "type": kind[:80], "message": text[:300]}


def _write_json(path: str, data: dict) -> None:
    import json

    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f)
    os.replace(tmp, path)  # the .json file appears complete or not at all


def _check_one_in_kernel(item: dict, spec: dict, namespace: dict, use_alarm: bool) -> None:
    import signal

    ex_id, name = item["id"], item["function"]
    base = os.path.join(spec["dir"], f"exercise-{ex_id}")
    open(base + ".started", "w").close()
    record = {"id": ex_id, "function": name, "cases": [], "token": spec["token"]}
    arrays: dict = {}
    func = namespace.get(name)
    if func is None:
        record["status"] = "missing"
    elif not callable(func):
        record["status"] = "not callable"
        record["type"] = type(func).__name__[:80]
    else:
        exercise = get_exercise(ex_id)
        cases = exercise.make_cases(spec["seed"])
        record["status"] = "ran"
        i = 0
        try:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, float(spec["check_timeout"]))
            for i, case in enumerate(cases):
                (out,) = run_cases(exercise, func, [case])
                if isinstance(out, str):
                    record["cases"].append(_encode_error(out))
                elif sum(a.size for a in out) > MAX_OUTPUT_VALUES:
                    record["cases"].append({"error": "too large"})
                else:
                    for j, a in enumerate(out):
                        arrays[f"c{i}_o{j}"] = a
                    record["cases"].append({"outputs": len(out)})
        except _CheckTimeout:
            record["status"] = "timeout"
            record["case"] = i
        finally:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
    np.savez(base + ".npz", **arrays)  # numeric arrays only: no pickle
    _write_json(base + ".json", record)


def _grade_in_kernel(spec: dict, namespace: dict) -> None:
    """Batch grading, run by the grader's harness cell in the student's kernel.

    For each exercise in ``spec["exercises"]``, finds the student's function by name
    in ``namespace`` (the notebook's globals), runs it on the cases drawn from
    ``spec["seed"]`` (the kernel's library has no reference to call), and writes into
    ``spec["dir"]`` ``exercise-<id>.npz`` (the output arrays) and then
    ``exercise-<id>.json`` (one entry per case: how many outputs, or which kind of error,
    and ``spec["token"]``). Each exercise gets ``spec["check_timeout"]`` seconds
    (SIGALRM). Last, ``done.json`` holds the token: the grader accepts results only
    with it. Nothing is scored here: the grading process compares the arrays with its
    own expected values.
    """
    import signal
    import threading

    use_alarm = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    previous = None
    if use_alarm:
        def on_alarm(signum, frame):
            raise _CheckTimeout()
        previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        for item in spec["exercises"]:
            try:
                _check_one_in_kernel(item, spec, namespace, use_alarm)
            except (Exception, _CheckTimeout) as err:  # noqa: BLE001 - one exercise never stops the others
                _write_json(os.path.join(spec["dir"], f"exercise-{item['id']}.json"),
                            {"id": item["id"], "status": "harness error", "token": spec["token"],
                             "type": type(err).__name__[:80], "message": str(err)[:300]})
        _write_json(os.path.join(spec["dir"], "done.json"), {"token": spec["token"]})
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
