"""Tests mirror the library's layout (tests/features/test_harris.py for imsearch/features/harris.py).
They are imported with pytest's importlib mode, so test files in different folders may share a name;
this folder is put on sys.path for the shared helpers (exercise_helpers)."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="module")
def camera():
    """A 128×128 photo with corners, edges and texture (float [0, 1]), shared by the feature tests."""
    import cv2

    from imsearch.data import load_default_image
    from imsearch.image import to_gray

    g = to_gray(load_default_image("camera"))
    return cv2.resize(g, (128, 128), interpolation=cv2.INTER_AREA)
