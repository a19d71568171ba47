"""Graded exercises: the registry (:mod:`.checks`), the exercises of each chapter
(:mod:`.exercises`), the in-notebook :func:`check`, and the batch grader (:mod:`.batch`)."""
from .._util.lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "checks": ["Case", "Exercise", "Result", "register", "get_exercise", "all_exercises", "evaluate", "check"],
})
