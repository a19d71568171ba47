"""Shared input checks and image conversions."""
import numpy as np
import pytest

from imsearch._util.validation import as_rng, check_array, check_image, check_int, check_number
from imsearch.image import to_float, to_gray, to_uint8


def test_check_array_accepts_and_returns_the_same_array():
    x = np.arange(6.0).reshape(2, 3)
    assert check_array(x, "x", ndim=2, shape=(None, 3)) is x


@pytest.mark.parametrize("bad, kwargs, err, msg", [
    ("abc", {}, TypeError, "x must be an array"),
    (np.array(["a"]), {}, TypeError, "dtype"),
    (np.zeros((2, 2)), {"ndim": 1}, ValueError, "x must have 1 dimensions"),
    (np.zeros((2, 2)), {"shape": (None, 3)}, ValueError, r"x must have shape \(N, 3\), got \(2, 2\)"),
    (np.zeros(0), {}, ValueError, "must not be empty"),
    (np.array([1.0, np.nan]), {}, ValueError, "finite"),
    (np.array([1.0, np.inf]), {}, ValueError, "finite"),
    (np.array([-1.0]), {"min_value": 0}, ValueError, ">= 0"),
    (np.array([2.0]), {"max_value": 1}, ValueError, "<= 1"),
    (np.array([1.0]), {"kinds": "iu"}, TypeError, "signed int or unsigned int"),
])
def test_check_array_errors_name_the_argument(bad, kwargs, err, msg):
    with pytest.raises(err, match=msg):
        check_array(bad, "x", **kwargs)


@pytest.mark.parametrize("bad, err, msg", [
    (np.zeros(5, np.uint8), ValueError, r"image must have shape \(H, W\) or \(H, W, 3\), got \(5,\)"),
    (np.zeros((4, 4, 4), np.uint8), ValueError, "got \\(4, 4, 4\\)"),
    (np.zeros((4, 4), np.int32), TypeError, "uint8 or float"),
    (np.full((4, 4), 1.5), ValueError, r"\[0, 1\]"),
    (np.full((4, 4), np.nan), ValueError, "finite"),
    (np.zeros((0, 4), np.uint8), ValueError, "empty"),
    (None, TypeError, "image array"),
])
def test_check_image_rejects_bad_images(bad, err, msg):
    with pytest.raises(err, match=msg):
        check_image(bad)


def test_check_image_gray_or_color_only():
    with pytest.raises(ValueError, match=r"\(H, W, 3\), got \(4, 4\)"):
        check_image(np.zeros((4, 4), np.uint8), gray=False)
    with pytest.raises(ValueError, match=r"\(H, W\), got \(4, 4, 3\)"):
        check_image(np.zeros((4, 4, 3), np.uint8), color=False)


def test_scalar_checks():
    assert check_int(np.int64(3), "k", minimum=1) == 3
    with pytest.raises(TypeError, match="k must be an integer"):
        check_int(2.0, "k")
    with pytest.raises(TypeError):
        check_int(True, "k")
    with pytest.raises(ValueError, match="k must be >= 1, got 0"):
        check_int(0, "k", minimum=1)
    assert check_number(2, "s", minimum=0, strict_min=True) == 2.0
    with pytest.raises(ValueError, match="s must be > 0"):
        check_number(0.0, "s", minimum=0, strict_min=True)
    with pytest.raises(ValueError, match="finite"):
        check_number(float("nan"), "s")
    with pytest.raises(TypeError):
        check_number("1", "s")


def test_as_rng_is_deterministic():
    assert as_rng(3).random() == as_rng(3).random()
    assert as_rng(None).random() == np.random.default_rng(0).random()
    g = np.random.default_rng(1)
    assert as_rng(g) is g
    with pytest.raises(TypeError):
        as_rng(-1)
    with pytest.raises(TypeError):
        as_rng(1.5)


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
