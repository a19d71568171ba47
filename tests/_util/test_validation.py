"""imsearch._util.validation: Shared input checks, so that every error in the library reads the same way."""
import numpy as np
import pytest

from imsearch._util.validation import as_rng, check_array, check_image, check_int, check_number


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
