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
"""
from __future__ import annotations

import copy
import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ._guard import ReferenceCallError, forbid

__all__ = [
    "Case", "Exercise", "Result", "register", "get_exercise", "all_exercises",
    "to_arrays", "compare", "expected_outputs", "run_cases", "score", "evaluate", "check",
]

_REGISTRY: dict[str, "Exercise"] = {}


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
        The library's implementation, decorated with ``@reference(id)``.
    cases : callable
        ``cases(rng) -> list[Case]``; must be deterministic given the generator.
    rtol, atol : float
        Tolerances of the comparison (``numpy.isclose`` semantics).
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
    if exercise.id in _REGISTRY and _REGISTRY[exercise.id] is not exercise:
        raise ValueError(f"exercise {exercise.id} is registered twice")
    _REGISTRY[exercise.id] = exercise
    return exercise


def _load_all() -> None:
    importlib.import_module("imsearch.exercises")


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

    A number or an array gives a 1-tuple; a tuple or list of those gives one array
    each. Anything else (None, strings, object arrays) raises ``TypeError``.
    """
    items = value if isinstance(value, (tuple, list)) and not _is_numeric_list(value) else (value,)
    out = []
    for i, item in enumerate(items):
        if item is None or isinstance(item, (str, bytes, dict)):
            raise TypeError(f"output {i} is {type(item).__name__}, expected a number or a numeric array")
        arr = np.array(item)  # a copy: nothing refers back to the student's objects
        if arr.dtype.kind not in "biufc":
            raise TypeError(f"output {i} has dtype {arr.dtype}, expected a numeric array")
        out.append(arr)
    return tuple(out)


def _is_numeric_list(value) -> bool:
    # a flat list of numbers is one array, not several outputs
    return isinstance(value, list) and all(isinstance(v, (int, float, np.number)) for v in value)


def _fmt(x) -> str:
    return np.array2string(np.asarray(x), precision=6, threshold=8, edgeitems=3)


def compare(expected: tuple, got: tuple, rtol: float, atol: float):
    """Return ``None`` when ``got`` matches ``expected``, else a message saying what differs.

    Integer or boolean expected values require integer or boolean outputs; floats are
    compared with ``numpy.isclose(got, expected, rtol, atol)``, NaN equal to NaN.
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
        ok = np.isclose(g.astype(np.complex128 if e.dtype.kind == "c" else np.float64),
                        e, rtol=rtol, atol=atol, equal_nan=True)
        if not np.all(ok):
            bad = np.argwhere(~ok) if ok.ndim else None
            if bad is None:
                return f"{label}expected {_fmt(e)}, got {_fmt(g)}"
            idx = tuple(int(i) for i in bad[0])
            diff = np.abs(g.astype(np.float64) - e.astype(np.float64)) if e.dtype.kind != "c" else np.abs(g - e)
            return (f"{label}{len(bad)} of {e.size} values differ (max |difference| "
                    f"{np.nanmax(diff):.4g}); first at index {idx}: expected {_fmt(e[idx])}, got {_fmt(g[idx])}")
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
    """Call ``func`` on every case, with the exercise's reference forbidden.

    Returns one entry per case: a tuple of arrays, or a string describing the error
    (``"NotImplementedError"`` for an unsolved stub). Runs in the student's process.
    """
    results = []
    for case in cases:
        args, kwargs = _copy_args(case)
        try:
            with forbid(exercise.id):
                value = func(*args, **kwargs)
            results.append(to_arrays(value))
        except NotImplementedError:
            results.append("NotImplementedError")
        except ReferenceCallError as err:
            results.append(f"ReferenceCallError: {err}")
        except Exception as err:  # noqa: BLE001 - any student error becomes feedback
            results.append(f"{type(err).__name__}: {err}")
    return results


def score(exercise: Exercise, cases: list, outputs: list) -> Result:
    """Score the outputs of :func:`run_cases` against the expected values.

    Runs in the grading process; ``outputs`` holds only arrays and strings.
    """
    head = f"Exercise {exercise.id} — {exercise.title} ({exercise.points:g} pts)"
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
                      f"{head}: 0/{exercise.points:g} points — {ref_calls[0].split(': ', 1)[1]}.",
                      0, len(cases))
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
    return score(exercise, cases, run_cases(exercise, func, cases))


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
    """
    result = evaluate(exercise_id, func, seed)
    print(result.feedback)
    if result.status == "passed":
        return func
    print("  → the rest of this chapter uses the library's reference implementation.")
    return get_exercise(exercise_id).reference
