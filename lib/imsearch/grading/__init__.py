"""Graded exercises: the registry (:mod:`.checks`), the exercises of each chapter
(:mod:`.exercises`), the in-notebook :func:`check`, and the batch grader (:mod:`.batch`), which
grades each notebook on a copy of the library without the exercises' references and their
siblings (:mod:`.guard`, :mod:`.siblings`), isolated from the other notebooks (:mod:`.isolation`)."""
from .._util.lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "checks": ["Case", "Exercise", "Result", "register", "get_exercise", "all_exercises", "evaluate", "check"],
})
