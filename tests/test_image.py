"""imsearch.image: Conversions between the library's two image conventions, in one place."""
import numpy as np
import pytest

from imsearch.image import to_float, to_gray, to_uint8


def test_uint8_float_round_trip_is_exact():
    img = np.arange(256, dtype=np.uint8).reshape(16, 16)
    f = to_float(img)
    assert f.dtype == np.float64 and f.min() == 0.0 and f.max() == 1.0
    np.testing.assert_array_equal(to_uint8(f), img)
    assert to_uint8(img) is img


def test_to_uint8_rounds_to_nearest_level():
    np.testing.assert_array_equal(to_uint8(np.array([[0.0, 0.51 / 255, 0.49 / 255, 1.0]])), [[0, 1, 0, 255]])


def test_to_gray_uses_bt601_weights_and_matches_opencv():
    cv2 = pytest.importorskip("cv2")
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (20, 30, 3), dtype=np.uint8)
    ours = to_gray(img)
    assert ours.shape == (20, 30)
    np.testing.assert_allclose(ours[0, 0], img[0, 0] @ [0.299, 0.587, 0.114] / 255)
    theirs = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(float) / 255
    assert np.abs(ours - theirs).max() <= 1 / 255 + 1e-9
    gray = rng.random((5, 5))
    np.testing.assert_array_equal(to_gray(gray), gray)
