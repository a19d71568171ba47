"""Tests mirror the library's layout (tests/features/test_harris.py for imsearch/features/harris.py).
They are imported with pytest's importlib mode, so test files in different folders may share a name;
this folder is put on sys.path for the shared helpers (exercise_helpers)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
