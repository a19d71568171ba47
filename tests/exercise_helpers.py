"""Helpers shared by the exercise tests (tests/test_exercises*.py)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from imsearch.grading.checks import evaluate

SOLUTIONS_DIR = Path(__file__).parent / "solutions"


def load_solutions(chapter: int):
    """The instructor solutions of a chapter (tests/solutions/chNN.py) as a module, or None."""
    path = SOLUTIONS_DIR / f"ch{chapter:02d}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"_solutions_ch{chapter:02d}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def passes(ex_id: str, func, seed: int = 0) -> bool:
    """Whether ``func`` passes every check case of exercise ``ex_id``."""
    return evaluate(ex_id, func, seed).status == "passed"
