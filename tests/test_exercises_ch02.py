"""Chapter 2 exercises: the instructor solutions pass, realistic mistakes fail, shortcuts earn nothing."""
from pathlib import Path

import numpy as np
import pytest

from imsearch.signal import color
from imsearch.grading.checks import all_exercises, evaluate, get_exercise

from exercise_helpers import load_solutions, passes

IDS = ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6"]


SOLUTIONS = load_solutions(2)


# ----------------------------------------------------------------------------- (a) solutions pass


def test_at_least_three_exercises_in_notebook_order():
    assert [e.id for e in all_exercises() if e.chapter == 2] == IDS


def test_solutions_do_not_use_the_library():
    source = (Path(__file__).parent / "solutions" / "ch02.py").read_text()
    assert "imsearch" not in source


# ----------------------------------------------------------------------------- (b) wrong solutions fail

def _tile_mosaic(image, tile):  # the general Bayer sampler with a given 2×2 channel tile
    out = np.empty(image.shape[:2], dtype=image.dtype)
    for (dy, dx), c in zip(((0, 0), (0, 1), (1, 0), (1, 1)), tile):
        out[dy::2, dx::2] = image[dy::2, dx::2, c]
    return out


def _bayer_bggr(image):  # blue at the top-left instead of red
    return _tile_mosaic(image, (2, 1, 1, 0))


def _bayer_grbg(image):  # rows and columns swapped: (y, x) taken as (x, y) parity
    return _tile_mosaic(image, (1, 0, 2, 1))


def _bayer_gray(image):  # the mean of the channels, i.e. no color filter at all
    return np.round(np.asarray(image, dtype=float).mean(axis=2)).astype(np.uint8)


def _bayer_float(image):  # right pattern, but the mosaic comes back as float
    return _tile_mosaic(image, (0, 1, 1, 2)).astype(np.float64)


@pytest.mark.parametrize("wrong", [_bayer_bggr, _bayer_grbg, _bayer_gray, _bayer_float])
def test_2_1_wrong_solutions_fail(wrong):
    assert not passes("2.1", wrong)


def _yuv(rgb, weights=(0.299, 0.587, 0.114), su=1 / 1.772, sv=1 / 1.402, swap=False, offset=0.0):
    rgb = np.asarray(rgb, dtype=float)
    y = rgb @ np.array(weights)
    u, v = (rgb[..., 2] - y) * su + offset, (rgb[..., 0] - y) * sv + offset
    return np.stack([y, v, u] if swap else [y, u, v], axis=-1)


@pytest.mark.parametrize("wrong", [
    lambda rgb: _yuv(rgb, swap=True),                          # U and V swapped
    lambda rgb: _yuv(rgb, su=0.492, sv=0.877),                 # analogue PAL scaling (skimage's rgb2yuv)
    lambda rgb: _yuv(rgb, weights=(0.2126, 0.7152, 0.0722)),   # BT.709 luma weights
    lambda rgb: _yuv(rgb, offset=0.5),                         # chroma offset to [0, 1] like 8-bit Cb/Cr
    lambda rgb: _yuv(rgb, su=1 / 1.402, sv=1 / 1.772),         # the two scale factors exchanged
])
def test_2_2_wrong_solutions_fail(wrong):
    assert not passes("2.2", wrong)


def test_2_2_six_digit_textbook_matrixpasses():
    m = np.array([[0.299, 0.587, 0.114], [-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]])
    assert passes("2.2", lambda rgb: np.asarray(rgb, dtype=float) @ m.T)


def _cmyk_no_division(rgb):  # C = 1 - R - K, forgetting to rescale by 1 - K
    rgb = np.asarray(rgb, dtype=float)
    k = 1 - rgb.max(axis=-1, keepdims=True)
    return np.concatenate([1 - rgb - k, k], axis=-1)


def _cmyk_min(rgb):  # K from the darkest channel instead of the brightest
    rgb = np.asarray(rgb, dtype=float)
    k = 1 - rgb.min(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        cmy = np.where(k < 1, (1 - rgb - k) / np.where(k < 1, 1 - k, 1), 0.0)
    return np.concatenate([cmy, k], axis=-1)


def _cmyk_nan_black(rgb):  # right formula, but 0/0 = NaN for black
    rgb = np.asarray(rgb, dtype=float)
    k = 1 - rgb.max(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.concatenate([(1 - rgb - k) / (1 - k), k], axis=-1)


def _cmy_only(rgb):  # plain CMY = 1 - RGB with no black ink
    rgb = np.asarray(rgb, dtype=float)
    return np.concatenate([1 - rgb, np.zeros(rgb.shape[:-1] + (1,))], axis=-1)


@pytest.mark.parametrize("wrong", [_cmyk_no_division, _cmyk_min, _cmyk_nan_black, _cmy_only])
def test_2_3_wrong_solutions_fail(wrong):
    assert not passes("2.3", wrong)


@pytest.mark.parametrize("wrong", [
    lambda c: np.asarray(c, dtype=float) ** 2.2,                                   # the "gamma 2.2" shortcut
    lambda c: ((np.asarray(c, dtype=float) + 0.055) / 1.055) ** 2.4,               # no linear segment
    lambda c: np.where(np.asarray(c) <= 0.0031308, np.asarray(c) / 12.92,          # encoder's threshold
                       ((np.asarray(c) + 0.055) / 1.055) ** 2.4),
    lambda c: np.where(np.asarray(c) <= 0.04045, np.asarray(c) * 12.92,            # multiplies: the encoder
                       1.055 * np.asarray(c, dtype=float) ** (1 / 2.4) - 0.055),
])
def test_2_4_wrong_solutions_fail(wrong):
    assert not passes("2.4", wrong)


def _srgb_decode(c):
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lightness(y):
    return 116 * np.where(y > (6 / 29) ** 3, np.cbrt(y), y / (3 * (6 / 29) ** 2) + 4 / 29) - 16


def _steps(gray, delta_e, lightness=_lightness, decode=_srgb_decode):
    """A search for the first encoded value 1e-5 apart whose L* is delta_e above the gray's (a mistake swapped in)."""
    grid = np.linspace(gray, 1.0, 100001)
    lin = decode(grid)
    light = lightness(lin)
    i = int(np.searchsorted(light, light[0] + delta_e))
    return 255 * (grid[i] - gray), 255 * (lin[i] - lin[0])


@pytest.mark.parametrize("wrong", [
    lambda g, d: _steps(g, d, lightness=lambda y: 100 * y),                     # "L* is linear light × 100"
    lambda g, d: _steps(g, d, decode=lambda c: c),                              # forgets the sRGB decoding
    lambda g, d: _steps(g, d, decode=lambda c: c ** 2.2),                       # gamma 2.2 instead of sRGB
    lambda g, d: tuple(x / 255 for x in _steps(g, d)),                          # fractions, not 8-bit levels
    lambda g, d: _steps(g, d)[::-1],                                            # the two outputs exchanged
    lambda g, d: _steps(g, 2.3),                                                # ignores delta_e (always 2.3)
])
def test_2_5_wrong_solutions_fail(wrong):
    assert not passes("2.5", wrong)


def test_2_5_a_fine_search_with_the_right_formulas_passes():
    assert passes("2.5", lambda g, d: _steps(g, d))


def test_2_6_the_j_a_b_count_passes():
    # (J + a + b) / J samples per pixel: J luma in a J×2 block, a + b chroma pairs
    assert passes("2.6", lambda scheme, bits: bits * sum(int(n) for n in scheme.split(":")) / 4)


def _bpp(scheme, bits, chroma_per_block):
    fy, fx = {"4:4:4": (1, 1), "4:2:2": (1, 2), "4:2:0": (2, 2), "4:1:1": (1, 4)}[scheme]
    return bits * (1 + chroma_per_block / (fy * fx))


@pytest.mark.parametrize("wrong", [
    lambda scheme, bits: _bpp(scheme, bits, 1),                                  # one chroma sample, not U and V
    lambda scheme, bits: bits * (4 + 2 * int(scheme[2])) / 4,                    # counts only the first row's chroma
    lambda scheme, bits: 16.0 * bits / 8 if scheme != "4:4:4" else 3.0 * bits,  # every subsampling halves chroma
    lambda scheme, bits: _bpp(scheme, 8, 2),                                     # ignores the bit depth
])
def test_2_6_wrong_predictions_fail(wrong):
    assert not passes("2.6", wrong)


# ----------------------------------------------------------------------------- (c) calling the reference

@pytest.mark.parametrize("ex_id,cheat", [
    ("2.1", lambda image: color.bayer_mosaic(image)),
    ("2.2", lambda rgb: color.rgb_to_yuv(rgb)),
    ("2.3", lambda rgb: color.rgb_to_cmyk(rgb)),
    ("2.4", lambda c: color.srgb_to_linear(c)),
    ("2.5", lambda g, d: color.just_noticeable_gray_step(g, d)),
    ("2.6", lambda scheme, bits: color.bits_per_pixel(scheme, bits)),
])
def test_calling_the_reference_earns_nothing(ex_id, cheat):
    result = evaluate(ex_id, cheat)
    assert result.points == 0
    assert result.status == "failed"
    assert "reference" in result.feedback


def test_other_library_functions_may_be_used():
    # 2.2 through the exact inverse matrix of the library: not the reference, so it is allowed
    assert passes("2.2", lambda rgb: np.asarray(rgb, dtype=float) @ np.linalg.inv(color.RGB_FROM_YUV).T)


# ----------------------------------------------------------------------------- (d) stubs


# ----------------------------------------------------------------------------- (e) closed forms agree


def test_feedback_names_the_failing_case():
    result = evaluate("2.1", _bayer_bggr)
    assert "case '" in result.feedback and "expected" in result.feedback


def test_cases_are_small():
    for ex_id in IDS:
        for case in get_exercise(ex_id).make_cases(0):
            assert all(np.asarray(a).size <= 32 * 32 * 3 for a in case.args if not isinstance(a, str)), \
                (ex_id, case.name)
