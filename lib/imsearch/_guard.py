"""Marks library functions as the reference solution of an exercise.

While a student's function is being checked, the reference of that exercise refuses
to run, so a solution that only calls the library's own implementation (under any
alias) earns no points. Outside a check the reference behaves normally: notebooks
fall back on it when an exercise is not solved.
"""
from __future__ import annotations

import functools

__all__ = ["reference", "ReferenceCallError", "forbid"]

_FORBIDDEN: set[str] = set()


class ReferenceCallError(RuntimeError):
    """Raised when a solution calls the library's reference of the exercise being checked."""


def reference(exercise_id: str):
    """Decorator: register the decorated function as the reference of ``exercise_id``."""
    def decorate(func):
        @functools.wraps(func)
        def guarded(*args, **kwargs):
            if exercise_id in _FORBIDDEN:
                raise ReferenceCallError(
                    f"the solution of exercise {exercise_id} calls the library's reference "
                    f"{func.__module__}.{func.__qualname__}; write it yourself")
            return func(*args, **kwargs)
        del guarded.__wrapped__  # keep the unguarded function out of easy reach
        guarded.__exercise_id__ = exercise_id
        return guarded
    return decorate


class forbid:
    """Context manager: forbid the references of the given exercise ids while it is active."""

    def __init__(self, *exercise_ids: str):
        self.ids = set(exercise_ids)
        self._added: set[str] = set()

    def __enter__(self):
        self._added = self.ids - _FORBIDDEN
        _FORBIDDEN.update(self._added)
        return self

    def __exit__(self, *exc):
        _FORBIDDEN.difference_update(self._added)
        return False
