"""Hiding the library's answers to an exercise while a student's function is checked.

An exercise's *hidden functions* are its reference (:attr:`Exercise.reference`) and its
*siblings* (:attr:`Exercise.siblings`): every other library function that computes the same
result, found by :func:`imsearch.grading.siblings.discover`. A solution that only calls one of
them must earn nothing.

Two places hide them, with different strength:

* **Batch grading** (what counts): :func:`stub_package` rewrites a *copy* of the package at the
  source level, each hidden function's body replaced by ``raise RuntimeError("... is not
  available while grading ...")``, and the student's kernel imports that copy
  (:mod:`imsearch.grading.batch`). The real code is absent from the kernel: no thread, profiler
  trick, alias taken early, ``importlib.reload``, ``inspect.getsource``, ``__code__`` copy or
  frame walk can reach it. The library's own callers of a hidden function fail the same way in
  that kernel.
* **In the notebook** (:func:`imsearch.grading.check`, a hint for the student, not a grade):
  :func:`hidden_in_process` replaces the hidden functions by the same stubs in every loaded
  ``imsearch`` module and in ``__main__`` for the duration of the check, and puts them back
  afterwards. That is best effort: a student who kept another reference to the function, or
  called it from another thread, gets past it. Only the batch grader's result is a grade.

The library's algorithm modules know nothing of grading: the exercises (``exercises/chNN.py``)
name their reference and siblings.
"""
from __future__ import annotations

import ast
import contextlib
import sys
from pathlib import Path

#: Every stub's message contains this; the grader recognises a hidden function's error by it.
HIDDEN_MARK = "is not available while grading"


class ReferenceCallError(RuntimeError):
    """Raised by a hidden function (in-process stub) while its exercise is being checked."""


def hidden_message(qualname: str, exercise_ids) -> str:
    """The error of a hidden function: ``"<module>.<name> is not available while grading ..."``."""
    ids = ", ".join(sorted(exercise_ids))
    return (f"{qualname} {HIDDEN_MARK} (it computes the answer of exercise {ids}): "
            f"the solution must compute it itself")


def hidden_functions(exercises) -> dict:
    """``{module name: {function name: set of exercise ids}}`` of the exercises' hidden functions."""
    out: dict = {}
    for ex in exercises:
        for func in ex.hidden:
            out.setdefault(func.__module__, {}).setdefault(func.__name__, set()).add(ex.id)
    return out


def stub_source(source: str, module: str, names: dict) -> str:
    """Return ``source`` with the body of each top-level function in ``names`` replaced by a stub.

    Parameters
    ----------
    source : str
        A module's source code.
    module : str
        Its dotted name (for the message).
    names : dict of str to set of str
        Function name -> ids of the exercises it answers.

    Returns
    -------
    str
        The rewritten module (``ast.unparse``: comments are dropped). Each stub keeps its
        signature and raises ``RuntimeError`` with :func:`hidden_message`; its decorators are
        dropped.

    Raises
    ------
    ValueError
        If one of ``names`` is not a top-level function of the module.
    """
    tree = ast.parse(source)
    found = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in names:
            message = hidden_message(f"{module}.{node.name}", names[node.name])
            node.body = [ast.Raise(exc=ast.Call(func=ast.Name("RuntimeError", ast.Load()),
                                                args=[ast.Constant(message)], keywords=[]), cause=None)]
            node.decorator_list = []
            node.returns = None
            found.add(node.name)
    missing = sorted(set(names) - found)
    if missing:
        raise ValueError(f"{module} has no top-level function {', '.join(missing)} to hide")
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def stub_package(package_dir, exercises) -> list:
    """Rewrite, in place, a copy of the ``imsearch`` package so the exercises' hidden functions are stubs.

    Parameters
    ----------
    package_dir : str or Path
        The copy's ``imsearch`` folder (never the installed library).
    exercises : iterable of Exercise

    Returns
    -------
    list of str
        The hidden functions, as ``"module.name"``, sorted.
    """
    package_dir = Path(package_dir)
    hidden = []
    for module, names in hidden_functions(exercises).items():
        parts = module.split(".")
        if parts[0] != "imsearch":
            raise ValueError(f"{module} is not a module of imsearch")
        path = package_dir.joinpath(*parts[1:]).with_suffix(".py")
        if not path.is_file():
            path = package_dir.joinpath(*parts[1:], "__init__.py")
        path.write_text(stub_source(path.read_text(encoding="utf-8"), module, names), encoding="utf-8")
        hidden += [f"{module}.{name}" for name in names]
    return sorted(hidden)


def _stub(func, exercise_ids):
    message = hidden_message(f"{func.__module__}.{func.__name__}", exercise_ids)

    def hidden(*args, **kwargs):
        raise ReferenceCallError(message)

    hidden.__name__, hidden.__qualname__, hidden.__module__ = func.__name__, func.__qualname__, func.__module__
    return hidden


@contextlib.contextmanager
def hidden_in_process(*exercises):
    """Context manager: the exercises' hidden functions are stubs in this process while it is active.

    Every loaded module named ``imsearch...`` and ``__main__`` (the notebook) that holds one of
    the functions under any name gets the stub under that name; all are put back on exit.
    It yields ``stubbed(func)``: the stub of ``func`` if it is a hidden function, else ``func``.
    Best effort only (see the module docstring).
    """
    stubs = {}
    for ex in exercises:
        for func in ex.hidden:
            stubs.setdefault(id(func), [func, set()])[1].add(ex.id)
    for entry in stubs.values():
        entry.append(_stub(entry[0], entry[1]))
    originals = {id(e[2]): e[0] for e in stubs.values()}
    try:
        _swap(stubs, lambda entry: entry[0], lambda entry: entry[2])
        yield lambda func: next((e[2] for e in stubs.values() if e[0] is func), func)
    finally:
        # every stub back to its function, including those a lazy package cached meanwhile
        _swap({k: [v, None, None] for k, v in originals.items()}, lambda entry: None, lambda entry: entry[0])


def _swap(table, expected, replacement) -> None:
    """In ``imsearch`` modules and ``__main__``, replace each value found in ``table`` (by id)."""
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "__main__" or name == "imsearch" or name.startswith("imsearch.")):
            continue
        namespace = getattr(module, "__dict__", {})
        for attr, value in list(namespace.items()):
            entry = table.get(id(value))
            if entry is not None and (expected(entry) is None or value is expected(entry)):
                namespace[attr] = replacement(entry)
