"""Marks library functions as the reference solution of an exercise.

While a student's function is being checked, the reference of that exercise refuses
to run, so a solution that only calls the library's own implementation earns no
points. Outside a check the reference behaves normally: notebooks fall back on it
when an exercise is not solved.

Two layers do this:

* the ``@reference(id)`` wrapper raises :class:`ReferenceCallError` at once while
  :class:`forbid` is active for ``id`` (whatever name the function is called by: an
  alias imported earlier is the same wrapped object);
* :class:`forbid` also installs a profile hook (``sys.setprofile``) that notices when
  the reference's *code* starts running, identified by its file, name and first
  line. That catches the ways around the wrapper: the undecorated function fished
  out of the wrapper's closure, or a wrapper whose guard state was replaced, or a
  copy of the module loaded again. Batch grading relies on it, because it loads
  fresh copies of the grading modules (see :mod:`imsearch.grading.batch`).

Copying the reference's source into the notebook is not detected: that code no
longer comes from the library's file.
"""
from __future__ import annotations


import functools
import sys

_FORBIDDEN: set[str] = set()
# exercise id -> locations (file, name, first line) of its reference's code
_REFERENCES: dict[str, set[tuple[str, str, int]]] = {}


class ReferenceCallError(RuntimeError):
    """Raised when a solution calls the library's reference of the exercise being checked."""


def code_location(func) -> tuple[str, str, int]:
    """Return ``(file, name, first line)`` of a plain Python function's code."""
    code = func.__code__
    return (code.co_filename, code.co_name, code.co_firstlineno)


def reference(exercise_id: str):
    """Decorator: register the decorated function as the reference of ``exercise_id``."""
    if not isinstance(exercise_id, str):
        raise TypeError(f"exercise_id must be a str like '1.2', got {type(exercise_id).__name__}")

    def decorate(func):
        forbidden = _FORBIDDEN  # bound now: rebinding the module's name later changes nothing
        name = f"{func.__module__}.{func.__qualname__}"

        @functools.wraps(func)
        def guarded(*args, **kwargs):
            if exercise_id in forbidden:
                raise ReferenceCallError(_message(exercise_id, name))
            return func(*args, **kwargs)

        del guarded.__wrapped__  # keep the unguarded function out of easy reach
        guarded.__exercise_id__ = exercise_id
        guarded.__reference_code__ = code_location(func)
        guarded.__reference_name__ = name
        _REFERENCES.setdefault(exercise_id, set()).add(code_location(func))
        return guarded
    return decorate


def _message(exercise_id: str, name: str) -> str:
    return (f"the solution of exercise {exercise_id} calls the library's reference "
            f"{name}; write it yourself")


class forbid:
    """Context manager: forbid the references of the given exercise ids while it is active.

    Parameters
    ----------
    *exercise_ids : str
        The exercises being checked.
    codes : iterable of (file, name, first line), optional
        Code locations of the references, in addition to those registered by
        ``@reference`` in this process (batch grading passes them in, computed in the
        grading process).

    On leaving the block without another exception, :class:`ReferenceCallError` is
    raised if the code of one of these references ran inside it, however it was
    reached.
    """

    _forbidden = _FORBIDDEN  # the set the wrappers look at, bound once

    def __init__(self, *exercise_ids: str, codes=()):
        self.ids = set(exercise_ids)
        self.codes = {tuple(c) for c in codes}
        for ex_id in self.ids:
            self.codes |= _REFERENCES.get(ex_id, set())
        self._added: set[str] = set()
        self._previous = None
        self.called: str | None = None  # the reference that ran, once one did

    def _hook(self, frame, event, arg):
        if event == "call" and self.called is None:
            code = frame.f_code
            if code.co_filename in self._files and \
                    (code.co_filename, code.co_name, code.co_firstlineno) in self.codes:
                module = frame.f_globals.get("__name__", "?")
                self.called = f"{module}.{getattr(code, 'co_qualname', code.co_name)}"

    def __enter__(self):
        self.called = None
        self._files = {c[0] for c in self.codes}
        self._added = self.ids - self._forbidden
        self._forbidden.update(self._added)
        if self.codes:  # last: nothing may fail once the hook is on
            self._previous = sys.getprofile()
            sys.setprofile(self._hook)
        return self

    def __exit__(self, exc_type, exc, tb):
        if self.codes:
            sys.setprofile(None)
            _restore_profiler(self._previous)
            self._previous = None
        self._forbidden.difference_update(self._added)
        if exc_type is None and self.called is not None:
            ids = ", ".join(sorted(self.ids))
            raise ReferenceCallError(_message(ids, self.called))
        return False


def _restore_profiler(previous) -> None:
    """Put back the profiler that was active before a check (a function, or cProfile's)."""
    if previous is None:
        return
    if callable(previous):
        sys.setprofile(previous)
    elif hasattr(previous, "enable"):  # cProfile.Profile, a C-level profiler
        previous.enable()
