"""Generic checks of every registered exercise (all chapters): ids, cases, references, solutions.

Chapter-specific tests (realistic wrong solutions) live in tests/test_exercises_chNN.py.
"""
from __future__ import annotations

import numpy as np
import pytest

import imsearch.grading.exercises
from imsearch.grading.checks import all_exercises, compare, evaluate, expected_outputs, to_arrays

from exercise_helpers import load_solutions

EXERCISES = all_exercises()
IDS = [e.id for e in EXERCISES]
SEEDS = [0, 1, 2, 2**32 - 1]


def _same(a, b) -> bool:
    """Whether two case inputs are identical (arrays elementwise, NaN equal to NaN)."""
    a, b = (x.detach().numpy() if type(x).__module__.startswith("torch") else x for x in (a, b))  # chapter 8's tensors
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and a.dtype == b.dtype and bool(
            np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and (a == b or (a != a and b != b))


def _same_cases(c1, c2) -> bool:
    return len(c1) == len(c2) and all(
        x.name == y.name and _same(x.args, y.args) and _same(x.kwargs, y.kwargs) for x, y in zip(c1, c2))


# ----------------------------------------------------------------------------- the registry as a whole

def test_ids_are_numbered_without_gaps_per_chapter():
    chapters: dict = {}
    for ex in EXERCISES:
        chapter, number = ex.id.split(".")
        assert chapter == str(int(chapter)) and number == str(int(number)), f"{ex.id}: no leading zeros"
        chapters.setdefault(ex.chapter, []).append(ex.number)
    assert chapters, "no exercise is registered"
    for chapter, numbers in chapters.items():
        assert numbers == list(range(1, len(numbers) + 1)), f"chapter {chapter} is numbered {numbers}"


@pytest.mark.parametrize("chapter", [1, 2, 3, 4, 5, 6, 7])
def test_at_least_three_exercises_per_chapter(chapter):
    assert f"ch{chapter:02d}" in imsearch.grading.exercises.CHAPTER_MODULES
    n = sum(e.chapter == chapter for e in EXERCISES)
    assert n >= 3, f"chapter {chapter} has {n} exercise(s)"


def test_function_names_are_identifiers_and_unique_per_chapter():
    seen: dict = {}
    for ex in EXERCISES:
        assert ex.function.isidentifier(), ex.id
        key = (ex.chapter, ex.function)
        assert key not in seen, f"{ex.id} and {seen.get(key)} both ask for {ex.function}"
        seen[key] = ex.id
        assert ex.points > 0 and ex.title and ex.signature.startswith(ex.function), ex.id


# ----------------------------------------------------------------------------- each exercise

@pytest.fixture(params=EXERCISES, ids=IDS)
def exercise(request):
    return request.param


def test_closed_form_cases_agree_with_the_reference(exercise):
    for seed in (0, 1):
        cases = exercise.make_cases(seed)
        closed = [c for c in cases if c.expected is not None]
        assert closed, f"exercise {exercise.id} has no closed-form case"
        for case in closed:
            got = to_arrays(exercise.reference(*case.args, **case.kwargs))
            msg = compare(to_arrays(case.expected), got, exercise.rtol, exercise.atol)
            assert msg is None, f"exercise {exercise.id}, case '{case.name}': {msg}"


def test_cases_are_deterministic_and_random_cases_change_with_the_seed(exercise):
    for seed in SEEDS:
        assert _same_cases(exercise.make_cases(seed), exercise.make_cases(seed)), seed
    a, b = exercise.make_cases(0), exercise.make_cases(1)
    changed = [x.name for x, y in zip(a, b) if not (_same(x.args, y.args) and _same(x.kwargs, y.kwargs))]
    assert changed, f"exercise {exercise.id}: no case is drawn at random (the same inputs for every seed)"
    # the reference gives plain numeric outputs on every case
    for out in expected_outputs(exercise, b):
        assert all(o.dtype.kind in "biufc" for o in out)


def test_reference_and_siblings_refuse_their_own_check(exercise):
    for func in exercise.hidden:
        assert "." not in func.__qualname__ and func.__module__.startswith("imsearch.")
        r = evaluate(exercise.id, func)
        assert (r.points, r.status) == (0.0, "failed"), r.feedback
        assert "reference" in r.feedback and f"{func.__module__}.{func.__name__} is not available" in r.feedback


def test_unsolved_stub_is_not_attempted(exercise):
    def stub(*args, **kwargs):
        raise NotImplementedError

    r = evaluate(exercise.id, stub)
    assert (r.points, r.status) == (0.0, "not attempted")


def test_instructor_solution_passes_for_several_seeds(exercise):
    module = load_solutions(exercise.chapter)
    if module is None:
        pytest.skip(f"tests/solutions/ch{exercise.chapter:02d}.py does not exist yet")
    func = getattr(module, exercise.function, None)
    assert func is not None, f"tests/solutions/ch{exercise.chapter:02d}.py has no {exercise.function}"
    for seed in SEEDS:
        r = evaluate(exercise.id, func, seed=seed)
        assert r.status == "passed", f"seed {seed}: {r.feedback}"
        assert r.points == exercise.points


def test_cases_are_built_without_the_chapter_s_hidden_functions(exercise):
    # the grading kernel builds the cases with every hidden function of the chapter stubbed
    from imsearch.grading.guard import hidden_in_process

    chapter = [e for e in all_exercises() if e.chapter == exercise.chapter]
    with hidden_in_process(*chapter):
        cases = exercise.make_cases(3)
    assert _same_cases(cases, exercise.make_cases(3))
