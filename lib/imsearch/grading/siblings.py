"""Finding an exercise's *siblings*: library functions other than the reference that answer it.

A sibling must be hidden with the reference while the exercise is graded
(:mod:`imsearch.grading.guard`), or a solution could call it instead. :func:`discover`
searches the library systematically: every top-level function (public or private) of
every module in :data:`SEARCHED`, whose signature accepts a case's arguments, is run on
the exercise's cases (two seeds), as given and with one integer argument ``k`` passed
as ``[k]`` (a curve over that parameter); a function whose output, or the first item of
its output, matches the expected value of every case is a sibling. The exercises record the
result in ``Exercise.siblings`` and a test asserts that the recorded list equals the
discovered one, so a new sibling added to the library fails the test until it is
registered (``python -m imsearch exercises --siblings`` prints the discovered lists).

Not searched: methods of classes, ``viz``/``widgets`` (figures), ``data`` and
``_util`` (files), ``nn`` (torch models) and eval's pipeline modules (they run whole
experiments on the data pack); a function that answers an exercise only after some
other call (e.g. ``kmeans`` started from the centroids) is not found either.
"""
from __future__ import annotations

import copy
import importlib
import inspect
import pkgutil
import signal
import threading
import warnings

import numpy as np

#: Subpackages and modules searched (everything with algorithms on plain arrays).
SEARCHED = ("imsearch.image", "imsearch.edits", "imsearch.matching", "imsearch.signal", "imsearch.features",
            "imsearch.geometry", "imsearch.descriptors", "imsearch.index", "imsearch.eval.metrics",
            "imsearch.eval.bootstrap")

#: Seconds one candidate may take on one case before it is skipped.
CALL_TIMEOUT_S = 2.0


def library_functions() -> list:
    """Every top-level function defined in the searched modules, sorted by ``module.name``."""
    names = []
    for root in SEARCHED:
        module = importlib.import_module(root)
        names.append(root)
        if hasattr(module, "__path__"):
            names += [info.name for info in pkgutil.walk_packages(module.__path__, root + ".")]
    out = {}
    for name in names:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if inspect.isfunction(value) and value.__module__ == name and value.__qualname__ == attr:
                out[f"{name}.{attr}"] = value
    return [out[k] for k in sorted(out)]


class _Slow(BaseException):
    pass


def _call(func, args, kwargs):
    args, kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
    use_alarm = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not use_alarm:
        return func(*args, **kwargs)

    def on_alarm(signum, frame):
        raise _Slow()
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, CALL_TIMEOUT_S)
    try:
        return func(*args, **kwargs)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _is_int(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def _variants(case):
    """The case's arguments as given, then with one integer argument made a 1-element list
    (a function computing a curve over that parameter, e.g. recall for several lengths)."""
    yield case.args, case.kwargs
    for i, a in enumerate(case.args):
        if _is_int(a):
            yield case.args[:i] + ([a],) + case.args[i + 1:], case.kwargs
    for k, v in case.kwargs.items():
        if _is_int(v):
            yield case.args, {**case.kwargs, k: [v]}


def _matches(value, expected, exercise) -> bool:
    from .checks import compare, to_arrays

    candidates = [value]
    if isinstance(value, (tuple, list)) and value or isinstance(value, np.ndarray) and value.ndim >= 1 and len(value):
        candidates.append(value[0])  # the first item: a tuple's first output, a curve's first point
    for c in candidates:
        try:
            if compare(expected, to_arrays(c), exercise.rtol, exercise.atol) is None:
                return True
        except Exception:  # noqa: BLE001 - not numeric
            pass
    return False


def _answers(func, exercise, plans) -> bool:
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return False
    for case, expected in plans:
        ok = False
        for args, kwargs in _variants(case):
            try:
                sig.bind(*args, **kwargs)
            except TypeError:
                continue
            try:
                value = _call(func, args, kwargs)
            except (Exception, _Slow):  # noqa: BLE001 - any failure: not this way
                continue
            if _matches(value, expected, exercise):
                ok = True
                break
        if not ok:
            return False
    return True


def discover(exercise, seeds=(0, 1), functions=None) -> list:
    """The library functions other than the reference that pass every case of ``exercise``.

    Parameters
    ----------
    exercise : Exercise
    seeds : sequence of int
        Seeds of the cases tried (all must pass).
    functions : list of callable, optional
        Candidates (default: :func:`library_functions`).

    Returns
    -------
    list of str
        ``"module.name"`` of each sibling, sorted.
    """
    from .checks import expected_outputs

    plans = []
    for seed in seeds:
        cases = exercise.make_cases(seed)
        plans += list(zip(cases, expected_outputs(exercise, cases)))
    found = []
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for func in functions if functions is not None else library_functions():
            if func is exercise.reference:
                continue
            if _answers(func, exercise, plans):
                found.append(f"{func.__module__}.{func.__name__}")
    return sorted(found)


def discover_all(exercises=None) -> dict:
    """``{exercise id: discover(exercise)}`` for every registered exercise (or those given)."""
    from .checks import all_exercises

    functions = library_functions()
    return {ex.id: discover(ex, functions=functions) for ex in (exercises or all_exercises())}


def recorded(exercise) -> list:
    """The siblings an exercise records (``Exercise.siblings``), as sorted ``"module.name"``."""
    return sorted(f"{f.__module__}.{f.__name__}" for f in exercise.siblings)
