"""imsearch.signal.color: Color: how a camera samples it, and the color spaces images are stored and compared in."""
import matplotlib
import numpy as np
import pytest
matplotlib.use("Agg")

from imsearch.signal import color
from imsearch.data import load_default_image
from imsearch.eval.metrics import psnr


@pytest.fixture(scope="module")
def photo():
    """A 160×160 crop of the astronaut photo (face, flag and suit: detail in every color)."""
    return load_default_image("astronaut")[:160, 96:256].copy()


def _rng(seed=0):
    return np.random.default_rng(seed)


def _mosaic_by_loops(image, pattern):
    """The definition, one pixel at a time."""
    h, w = image.shape[:2]
    out = np.empty((h, w), dtype=image.dtype)
    for y in range(h):
        for x in range(w):
            out[y, x] = image[y, x, "RGB".index(pattern[2 * (y % 2) + (x % 2)])]
    return out


def _bilinear_by_loops(mosaic, pattern):
    """Average of the nearest samples of each channel (4-neighbours for G, 3×3 tent for R and B)."""
    h, w = mosaic.shape
    out = np.zeros((h, w, 3))
    for y in range(h):
        for x in range(w):
            for c in range(3):
                num = den = 0.0
                for dy in (-1, 0, 1):
                    for dx in (-1, 0, 1):
                        yy, xx = y + dy, x + dx
                        if not (0 <= yy < h and 0 <= xx < w):
                            continue
                        if pattern[2 * (yy % 2) + (xx % 2)] != "RGB"[c]:
                            continue
                        wt = (2 - abs(dy)) * (2 - abs(dx)) if c != 1 else (4 if dy == dx == 0 else
                                                                            1 if abs(dy) + abs(dx) == 1 else 0)
                        num += wt * mosaic[yy, xx]
                        den += wt
                out[y, x, c] = num / den
    return out


def _color_samples():
    rng = _rng(7)
    x = rng.random((500, 3))
    special = np.array([[0, 0, 0], [1, 1, 1], [0.5, 0.5, 0.5], [1, 0, 0], [0, 1, 0], [0, 0, 1],
                        [1, 1, 0], [0, 1, 1], [1, 0, 1], [0.2, 0.2, 0.7], [0.7, 0.2, 0.2], [1, 0, 1e-9]])
    levels = rng.integers(0, 4, (200, 3)) / 3.0  # many ties between channels
    return np.concatenate([x, special, levels])


def _block_mean_by_loops(x, fy, fx):
    out = np.empty_like(x)
    for y0 in range(0, x.shape[0], fy):
        for x0 in range(0, x.shape[1], fx):
            out[y0:y0 + fy, x0:x0 + fx] = x[y0:y0 + fy, x0:x0 + fx].mean()
    return out


@pytest.mark.parametrize("pattern", color.BAYER_PATTERNS)
def test_bayer_masks_one_color_per_site_half_green(pattern):
    m = color.bayer_masks((6, 8), pattern)
    assert m.shape == (6, 8, 3) and m.dtype == bool
    np.testing.assert_array_equal(m.sum(axis=2), 1)
    assert m[..., 1].sum() == 24 and m[..., 0].sum() == 12 and m[..., 2].sum() == 12
    assert m[0, 0, "RGB".index(pattern[0])] and m[1, 1, "RGB".index(pattern[3])]


@pytest.mark.parametrize("pattern", color.BAYER_PATTERNS)
@pytest.mark.parametrize("shape", [(8, 8), (7, 9), (1, 1), (2, 3)])
def test_bayer_mosaic_matches_the_definition(pattern, shape):
    img = _rng(1).integers(0, 256, shape + (3,), dtype=np.uint8)
    got = color.bayer_mosaic(img, pattern)
    assert got.dtype == np.uint8 and got.shape == shape
    np.testing.assert_array_equal(got, _mosaic_by_loops(img, pattern))


def test_bayer_mosaic_keeps_float_and_is_case_insensitive():
    img = _rng(2).random((4, 6, 3))
    got = color.bayer_mosaic(img, "rggb")
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, _mosaic_by_loops(img, "RGGB"))


def test_bayer_mosaic_closed_form_constant_image():
    img = np.zeros((2, 4, 3), np.uint8) + np.array([10, 20, 30], np.uint8)
    np.testing.assert_array_equal(color.bayer_mosaic(img), [[10, 20, 10, 20], [20, 30, 20, 30]])
    np.testing.assert_array_equal(color.bayer_mosaic(img, "BGGR"), [[30, 20, 30, 20], [20, 10, 20, 10]])


def test_bayer_colorize_puts_each_sample_in_its_channel():
    img = _rng(3).integers(0, 256, (5, 6, 3), dtype=np.uint8)
    mosaic = color.bayer_mosaic(img, "GRBG")
    view = color.bayer_colorize(mosaic, "GRBG")
    assert view.dtype == np.uint8 and view.shape == (5, 6, 3)
    np.testing.assert_array_equal(view.sum(axis=2, dtype=int), mosaic)
    masks = color.bayer_masks((5, 6), "GRBG")
    np.testing.assert_array_equal(view[masks], img[masks])


@pytest.mark.parametrize("pattern", color.BAYER_PATTERNS)
def test_demosaic_bilinear_keeps_samples_and_reproduces_constants(pattern):
    img = _rng(4).integers(0, 256, (9, 10, 3), dtype=np.uint8)
    out = color.demosaic_bilinear(color.bayer_mosaic(img, pattern), pattern)
    masks = color.bayer_masks((9, 10), pattern)
    assert out.dtype == np.uint8 and out.shape == (9, 10, 3)
    np.testing.assert_array_equal(out[masks], img[masks])
    const = np.zeros((7, 7, 3), np.uint8) + np.array([200, 90, 17], np.uint8)
    np.testing.assert_array_equal(color.demosaic_bilinear(color.bayer_mosaic(const, pattern), pattern), const)


@pytest.mark.parametrize("pattern", color.BAYER_PATTERNS)
def test_demosaic_bilinear_is_exact_on_linear_ramps_inside(pattern):
    yy, xx = np.mgrid[0:12, 0:14] / 40.0
    img = np.stack([0.1 + 0.3 * xx + 0.2 * yy, 0.05 + 0.5 * yy, 0.9 - 0.2 * xx - 0.3 * yy], axis=-1)
    out = color.demosaic_bilinear(color.bayer_mosaic(img, pattern), pattern)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out[1:-1, 1:-1], img[1:-1, 1:-1], atol=1e-12)
    # at the border only the available samples are averaged: still a sensible value, not a dark edge
    assert np.abs(out - img).max() < 0.05


@pytest.mark.parametrize("pattern", ["RGGB", "GBRG"])
def test_demosaic_bilinear_matches_a_loop_reference(pattern):
    mosaic = _rng(5).random((7, 8))
    np.testing.assert_allclose(color.demosaic_bilinear(mosaic, pattern), _bilinear_by_loops(mosaic, pattern),
                               atol=1e-12)


@pytest.mark.parametrize("pattern", color.BAYER_PATTERNS)
def test_opencv_constant_for_each_pattern_reproduces_the_photo(photo, pattern):
    # OpenCV names layouts by the second row: check our mapping empirically, and that the
    # other three constants would be clearly wrong
    import cv2

    mosaic = color.bayer_mosaic(photo, pattern)
    right = color.psnr_interior(photo, color.demosaic_opencv(mosaic, pattern), 4)
    assert right > 30.0
    for name in ("BG", "RG", "GB", "GR"):
        code = getattr(cv2, f"COLOR_Bayer{name}2RGB")
        if color._OPENCV_BAYER[pattern] != name:
            assert color.psnr_interior(photo, cv2.cvtColor(mosaic, code), 4) < right - 10


@pytest.mark.parametrize("pattern", color.BAYER_PATTERNS)
def test_our_bilinear_agrees_with_opencv_bilinear(photo, pattern):
    mosaic = color.bayer_mosaic(photo, pattern)
    ours = color.demosaic_bilinear(mosaic, pattern).astype(int)
    cv = color.demosaic_opencv(mosaic, pattern, "bilinear").astype(int)
    assert np.abs(ours - cv)[2:-2, 2:-2].max() <= 1  # the same interpolation, rounded differently


def test_opencv_methods_run_and_vng_beats_bilinear(photo):
    mosaic = color.bayer_mosaic(photo)
    scores = {m: color.psnr_interior(photo, color.demosaic_opencv(mosaic, "RGGB", m))
              for m in ("bilinear", "ea", "vng")}
    assert all(25 < s < 50 for s in scores.values()), scores
    assert scores["vng"] > scores["bilinear"] + 2.0, scores


def test_psnr_interior_is_psnr_of_the_crops():
    a = _rng(6).integers(0, 256, (10, 12, 3), dtype=np.uint8)
    b = a.copy()
    b[0, :] = 0  # damage only the border
    assert color.psnr_interior(a, b, 1) == float("inf")
    c = b.copy()
    c[5, 5, 0] ^= 1
    assert color.psnr_interior(a, c, 2) == pytest.approx(psnr(a[2:-2, 2:-2], c[2:-2, 2:-2]))
    assert color.psnr_interior(a, c, 0) == pytest.approx(psnr(a, c))


def test_bayer_bad_inputs():
    img = np.zeros((4, 4, 3), np.uint8)
    with pytest.raises(ValueError, match=r"image must have shape \(H, W, 3\), got \(4, 4\)"):
        color.bayer_mosaic(np.zeros((4, 4), np.uint8))
    with pytest.raises(TypeError, match="image must be uint8 or float"):
        color.bayer_mosaic(img.astype(np.int64))
    with pytest.raises(ValueError, match=r"image is float, so its values must lie in \[0, 1\]"):
        color.bayer_mosaic(img + 2.0)
    with pytest.raises(ValueError, match="finite"):
        color.bayer_mosaic(np.full((2, 2, 3), np.nan))
    with pytest.raises(ValueError, match="must not be empty"):
        color.bayer_mosaic(np.zeros((0, 4, 3), np.uint8))
    with pytest.raises(ValueError, match="pattern must be one of"):
        color.bayer_mosaic(img, "RGBG")
    with pytest.raises(TypeError, match="pattern must be a str"):
        color.bayer_mosaic(img, 1)
    with pytest.raises(ValueError, match=r"mosaic must have shape \(H, W\)"):
        color.demosaic_bilinear(img)
    with pytest.raises(ValueError, match="at least 2×2"):
        color.demosaic_bilinear(np.zeros((1, 5), np.uint8))
    with pytest.raises(TypeError, match="mosaic must be uint8 for OpenCV"):
        color.demosaic_opencv(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="method must be one of"):
        color.demosaic_opencv(np.zeros((4, 4), np.uint8), method="ahd")
    with pytest.raises(ValueError, match="shape must be a tuple"):
        color.bayer_masks((4,))
    with pytest.raises(ValueError, match="border_px must leave at least one pixel"):
        color.psnr_interior(img, img, 2)
    with pytest.raises(ValueError, match="same shape"):
        color.psnr_interior(img, img[:3])


def test_rgb_to_hsv_matches_skimage_and_matplotlib():
    from matplotlib.colors import rgb_to_hsv as mpl_rgb_to_hsv
    from skimage.color import rgb2hsv

    x = _color_samples()
    ours = color.rgb_to_hsv(x)
    np.testing.assert_allclose(ours, rgb2hsv(x), atol=1e-12)
    np.testing.assert_allclose(ours, mpl_rgb_to_hsv(x), atol=1e-12)


def test_rgb_to_hsv_closed_forms():
    x = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 1, 1], [0, 0, 1], [1, 0, 1], [0.4, 0.4, 0.4], [0, 0, 0]],
                 dtype=float)
    expected = [[0, 1, 1], [1 / 6, 1, 1], [1 / 3, 1, 1], [1 / 2, 1, 1], [2 / 3, 1, 1], [5 / 6, 1, 1],
                [0, 0, 0.4], [0, 0, 0]]
    np.testing.assert_allclose(color.rgb_to_hsv(x), expected, atol=1e-15)
    np.testing.assert_allclose(color.rgb_to_hsv(np.array([255, 128, 0], np.uint8)),
                               [(128 / 255) / 6, 1, 1], atol=1e-15)


def test_hsv_round_trip_and_skimage_inverse():
    from skimage.color import hsv2rgb

    x = _color_samples()
    np.testing.assert_allclose(color.hsv_to_rgb(color.rgb_to_hsv(x)), x, atol=1e-12)
    hsv = _rng(8).random((300, 3))
    np.testing.assert_allclose(color.hsv_to_rgb(hsv), hsv2rgb(hsv), atol=1e-12)
    np.testing.assert_allclose(color.hsv_to_rgb(np.array([1.0, 1, 1])), [1, 0, 0], atol=1e-15)  # H = 1 is red
    img = _rng(9).random((4, 5, 3))
    assert color.rgb_to_hsv(img).shape == (4, 5, 3)


def test_hsv_bad_inputs():
    with pytest.raises(ValueError, match=r"rgb must have shape \(\.\.\., 3\), got \(5,\)"):
        color.rgb_to_hsv(np.zeros(5))
    with pytest.raises(ValueError, match="rgb must not be empty"):
        color.rgb_to_hsv(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="finite"):
        color.rgb_to_hsv(np.array([np.nan, 0, 0]))
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]"):
        color.rgb_to_hsv(np.array([1.5, 0, 0]))
    with pytest.raises(TypeError, match="rgb must be uint8 or float"):
        color.rgb_to_hsv(np.array([255, 0, 0]))  # int64: 0..255 or 0..1? refuse to guess
    with pytest.raises(ValueError, match=r"hsv values must lie in \[0, 1\]"):
        color.hsv_to_rgb(np.array([0.5, 2.0, 1.0]))
    with pytest.raises(TypeError, match="hsv must be an array"):
        color.hsv_to_rgb("red")


def test_yuv_matrix_is_bt601():
    m = color.YUV_FROM_RGB
    np.testing.assert_allclose(m[0], [0.299, 0.587, 0.114], atol=0)
    np.testing.assert_allclose(m[1], [-0.168736, -0.331264, 0.5], atol=5e-7)  # BT.601's printed digits
    np.testing.assert_allclose(m[2], [0.5, -0.418688, -0.081312], atol=5e-7)
    np.testing.assert_allclose(m[1:].sum(axis=1), 0, atol=1e-16)  # grays have no chroma
    np.testing.assert_allclose(color.RGB_FROM_YUV @ m, np.eye(3), atol=1e-15)


def test_rgb_to_yuv_closed_forms_and_skimage():
    from skimage.color import rgb2ycbcr, rgb2ypbpr

    np.testing.assert_allclose(color.rgb_to_yuv(np.ones(3)), [1, 0, 0], atol=1e-15)
    np.testing.assert_allclose(color.rgb_to_yuv(np.array([1.0, 0, 0])), [0.299, -0.299 / 1.772, 0.5], atol=1e-15)
    x = _color_samples()
    yuv = color.rgb_to_yuv(x)
    np.testing.assert_allclose(yuv, rgb2ypbpr(x), atol=1e-6)  # skimage rounds the coefficients to 6 digits
    # 8-bit studio range of BT.601: Y' = 16 + 219 Y, Cb = 128 + 224 U, Cr = 128 + 224 V
    np.testing.assert_allclose(rgb2ycbcr(x), np.column_stack([16 + 219 * yuv[:, 0], 128 + 224 * yuv[:, 1:]]),
                               atol=1e-3)
    assert yuv[:, 0].min() >= 0 and yuv[:, 0].max() <= 1 + 1e-15 and np.abs(yuv[:, 1:]).max() <= 0.5 + 1e-15
    img8 = _rng(10).integers(0, 256, (3, 4, 3), dtype=np.uint8)
    np.testing.assert_allclose(color.rgb_to_yuv(img8), color.rgb_to_yuv(img8 / 255.0), atol=1e-15)


def test_yuv_round_trip_is_exact():
    x = _color_samples()
    np.testing.assert_allclose(color.yuv_to_rgb(color.rgb_to_yuv(x), clip=False), x, atol=1e-12)
    np.testing.assert_allclose(color.yuv_to_rgb(color.rgb_to_yuv(x)), x, atol=1e-12)


def test_yuv_bad_inputs():
    with pytest.raises(ValueError, match=r"\(Y\) must lie in \[0, 1\]"):
        color.yuv_to_rgb(np.array([1.5, 0, 0]))
    with pytest.raises(ValueError, match=r"\(U, V\) must lie in \[-0.5, 0.5\]"):
        color.yuv_to_rgb(np.array([0.5, 0.7, 0]))
    with pytest.raises(ValueError, match=r"yuv must have shape \(\.\.\., 3\)"):
        color.yuv_to_rgb(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="finite"):
        color.rgb_to_yuv(np.array([[0.1, np.inf, 0]]))


@pytest.mark.parametrize("scheme", ["4:2:2", "4:2:0", "4:1:1"])
def test_chroma_subsample_averages_chroma_and_keeps_luma(scheme):
    img = 0.3 + 0.4 * _rng(11).random((7, 9, 3))  # moderate colors: nothing is clipped
    fy, fx = color.SUBSAMPLING_SCHEMES[scheme]
    before, after = color.rgb_to_yuv(img), color.rgb_to_yuv(color.chroma_subsample(img, scheme))
    np.testing.assert_allclose(after[..., 0], before[..., 0], atol=1e-12)
    for c in (1, 2):
        np.testing.assert_allclose(after[..., c], _block_mean_by_loops(before[..., c], fy, fx), atol=1e-12)
    luma = color.rgb_to_yuv(color.luma_subsample(img, scheme))
    np.testing.assert_allclose(luma[..., 1:], before[..., 1:], atol=1e-12)
    np.testing.assert_allclose(luma[..., 0], _block_mean_by_loops(before[..., 0], fy, fx), atol=1e-12)


def test_chroma_subsample_444_and_grays_are_lossless():
    img = _rng(12).integers(0, 256, (6, 10, 3), dtype=np.uint8)
    out = color.chroma_subsample(img, "4:4:4")
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, img)
    np.testing.assert_array_equal(color.luma_subsample(img, "4:4:4"), img)
    gray = np.repeat(_rng(13).random((6, 10, 1)), 3, axis=2)
    np.testing.assert_allclose(color.chroma_subsample(gray, "4:1:1"), gray, atol=1e-12)


def test_subsampling_chroma_costs_little_luma_a_lot(photo):
    full = {s: psnr(photo, color.chroma_subsample(photo, s)) for s in ("4:2:2", "4:2:0", "4:1:1")}
    luma = {s: psnr(photo, color.luma_subsample(photo, s)) for s in ("4:2:2", "4:2:0", "4:1:1")}
    assert full["4:2:2"] > full["4:2:0"] > 30
    for s in full:
        assert full[s] > luma[s] + 6.0, (s, full[s], luma[s])


def test_bits_per_pixel():
    assert [color.bits_per_pixel(s) for s in ("4:4:4", "4:2:2", "4:2:0", "4:1:1")] == [24, 16, 12, 12]
    assert color.bits_per_pixel("4:2:0", bits=10) == 15
    with pytest.raises(ValueError, match="scheme must be one of"):
        color.bits_per_pixel("4:2:1")
    with pytest.raises(TypeError, match="scheme must be a str"):
        color.chroma_subsample(np.zeros((2, 2, 3)), 420)
    with pytest.raises(ValueError, match=r"image must have shape \(H, W, 3\)"):
        color.chroma_subsample(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="bits must be >= 1"):
        color.bits_per_pixel("4:2:0", bits=0)


def test_rgb_to_cmyk_closed_forms():
    x = np.array([[1, 1, 1], [0, 0, 0], [1, 0, 0], [0, 1, 1], [0.5, 0.25, 0], [0.5, 0.5, 0.5]], dtype=float)
    expected = [[0, 0, 0, 0], [0, 0, 0, 1], [0, 1, 1, 0], [1, 0, 0, 0], [0, 0.5, 1, 0.5], [0, 0, 0, 0.5]]
    np.testing.assert_allclose(color.rgb_to_cmyk(x), expected, atol=1e-15)


def test_cmyk_round_trip_and_black_ink_is_one_minus_value():
    x = _color_samples()
    cmyk = color.rgb_to_cmyk(x)
    assert cmyk.shape == (len(x), 4) and cmyk.min() >= 0 and cmyk.max() <= 1 + 1e-15
    assert np.all(cmyk[:, :3].min(axis=1) < 1e-12)  # at least one of C, M, Y is 0: K took the gray part
    np.testing.assert_allclose(cmyk[:, 3], 1 - color.rgb_to_hsv(x)[:, 2], atol=1e-15)
    np.testing.assert_allclose(color.cmyk_to_rgb(cmyk), x, atol=1e-12)
    np.testing.assert_allclose(color.cmyk_to_rgb(np.array([1.0, 0, 0, 0])), [0, 1, 1])  # cyan ink absorbs red
    np.testing.assert_allclose(color.cmyk_to_rgb(np.array([0, 1.0, 1.0, 0])), [1, 0, 0])  # magenta + yellow


def test_cmyk_bad_inputs():
    with pytest.raises(ValueError, match=r"cmyk must have shape \(\.\.\., 4\)"):
        color.cmyk_to_rgb(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="cmyk must be <= 1"):
        color.cmyk_to_rgb(np.array([2.0, 0, 0, 0]))
    with pytest.raises(ValueError, match=r"rgb must have shape \(\.\.\., 3\)"):
        color.rgb_to_cmyk(np.zeros((2, 4)))


def test_srgb_to_linear_closed_forms_and_inverse():
    np.testing.assert_allclose(color.srgb_to_linear(np.array([0.0, 0.02, 0.5, 1.0])),
                               [0, 0.02 / 12.92, (0.555 / 1.055) ** 2.4, 1.0], rtol=1e-15)
    # the two pieces meet at 0.04045 (to the 7 digits the standard gives)
    assert abs(0.04045 / 12.92 - ((0.04045 + 0.055) / 1.055) ** 2.4) < 1e-8
    np.testing.assert_allclose(color.srgb_to_linear(np.array([0, 128, 255], np.uint8)),
                               color.srgb_to_linear(np.array([0, 128, 255]) / 255.0), rtol=1e-15)
    c = np.linspace(0, 1, 1001)
    np.testing.assert_allclose(color.linear_to_srgb(color.srgb_to_linear(c)), c, atol=1e-7)
    assert np.all(np.diff(color.srgb_to_linear(c)) > 0)


def test_rgb_to_xyz_matches_skimage():
    from skimage.color import rgb2xyz

    x = _color_samples()
    np.testing.assert_allclose(color.rgb_to_xyz(x), rgb2xyz(x), atol=1e-13)
    np.testing.assert_allclose(color.rgb_to_xyz(np.ones(3))[1], 1.0, atol=1e-12)  # white has Y = 1


def test_xyz_to_lab_closed_forms():
    np.testing.assert_allclose(color.xyz_to_lab(color.WHITE_D65), [100, 0, 0], atol=1e-12)
    np.testing.assert_allclose(color.xyz_to_lab(np.zeros(3)), [0, 0, 0], atol=1e-12)
    # 18% gray card: L* = 116 * 0.18^(1/3) - 16
    np.testing.assert_allclose(color.xyz_to_lab(0.18 * color.WHITE_D65), [116 * 0.18 ** (1 / 3) - 16, 0, 0],
                               atol=1e-12)
    # the linear segment: Y/Yn = 0.001 -> L* = 116 (0.001 · 841/108 + 4/29) - 16 = 0.903296...
    np.testing.assert_allclose(color.xyz_to_lab(0.001 * color.WHITE_D65)[0], 903.2963 * 0.001, rtol=1e-6)
    eps = (6 / 29) ** 3  # f is continuous where its two pieces meet
    below, above = color.xyz_to_lab(np.array([[0, eps * (1 - 1e-12), 0], [0, eps * (1 + 1e-12), 0]]))[:, 0]
    assert abs(above - below) < 1e-9


def test_rgb_to_lab_matches_skimage():
    from skimage.color import rgb2lab

    g = np.linspace(0, 1, 18)
    grid = np.stack(np.meshgrid(g, g, g, indexing="ij"), axis=-1).reshape(-1, 3)
    x = np.concatenate([grid, _color_samples()])
    ours, theirs = color.rgb_to_lab(x), rgb2lab(x)
    t = color.rgb_to_xyz(x) / color.WHITE_D65
    bright = np.all(t > 0.0089, axis=1)  # above the linear segment the formulas are identical
    assert bright.sum() > 1000
    np.testing.assert_allclose(ours[bright], theirs[bright], atol=1e-10)
    # below it scikit-image uses the rounded constants 0.008856 and 7.787: differences stay tiny
    assert np.abs(ours - theirs).max() < 2e-4
    # ... and they are the only difference: with skimage's constants we reproduce it everywhere
    f = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    rounded = np.column_stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])])
    np.testing.assert_allclose(rounded, theirs, atol=1e-10)


def test_rgb_to_lab_published_values():
    # sRGB primaries in L*a*b* (D65), as tabulated e.g. by Lindbloom's calculator
    lab = color.rgb_to_lab(np.array([[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0], [0, 0, 0], [1.0, 1, 1]]))
    np.testing.assert_allclose(lab[:3], [[53.24, 80.09, 67.20], [87.73, -86.18, 83.18], [32.30, 79.19, -107.86]],
                               atol=0.02)
    np.testing.assert_allclose(lab[3], 0, atol=1e-12)
    np.testing.assert_allclose(lab[4], [100, 0, 0], atol=0.01)  # the 6-digit matrix leaves white 0.005 off neutral
    assert lab[4, 0] == pytest.approx(100.0, abs=1e-9)


def test_delta_e76_properties_and_skimage():
    from skimage.color import deltaE_cie76

    rng = _rng(14)
    a, b, c = (rng.normal(0, 30, (100, 3)) for _ in range(3))
    d = color.delta_e76(a, b)
    np.testing.assert_allclose(d, deltaE_cie76(a, b), atol=1e-12)
    np.testing.assert_allclose(d, color.delta_e76(b, a))
    assert np.all(color.delta_e76(a, c) <= d + color.delta_e76(b, c) + 1e-12)
    assert float(color.delta_e76(np.array([50.0, 0, 0]), np.array([50.0, 3, 4]))) == 5.0
    np.testing.assert_array_equal(color.delta_e76(a, a), 0)
    with pytest.raises(ValueError, match="lab1 and lab2 must have the same shape"):
        color.delta_e76(a, b[:5])
    with pytest.raises(ValueError, match=r"lab2 must have shape \(\.\.\., 3\)"):
        color.delta_e76(np.zeros(3), np.zeros(4))


def test_delta_e2000_on_sharma_test_pairs():
    # pairs 1, 7 and 17 of the test data of Sharma, Wu and Dalal (2005), Table 1
    lab1 = np.array([[50, 2.6772, -79.7751], [50, 0, 0], [50, 2.5, 0]])
    lab2 = np.array([[50, 0, -82.7485], [50, -1, 2], [73, 25, -18]])
    np.testing.assert_allclose(color.delta_e2000(lab1, lab2), [2.0425, 2.3669, 27.1492], atol=5e-5)


def test_equal_rgb_distance_pairs():
    a, b = color.equal_rgb_distance_pairs(500, 0.1, seed=3)
    assert a.shape == b.shape == (500, 3)
    np.testing.assert_allclose(np.linalg.norm(a - b, axis=1), 0.1, rtol=1e-12)
    assert a.min() >= 0 and b.min() >= 0 and a.max() <= 1 and b.max() <= 1
    a2, _ = color.equal_rgb_distance_pairs(500, 0.1, seed=3)
    a3, _ = color.equal_rgb_distance_pairs(500, 0.1, seed=4)
    np.testing.assert_array_equal(a, a2)
    assert not np.array_equal(a, a3)
    with pytest.raises(ValueError, match="rgb_distance must be > 0"):
        color.equal_rgb_distance_pairs(5, 0.0)
    with pytest.raises(ValueError, match="n must be >= 1"):
        color.equal_rgb_distance_pairs(0, 0.1)


def test_equal_rgb_steps_are_very_unequal_in_lab():
    # the chapter's claim: one RGB distance, ΔE spread over an order of magnitude
    a, b = color.equal_rgb_distance_pairs(2000, 0.1, seed=0)
    de = color.delta_e76(color.rgb_to_lab(a), color.rgb_to_lab(b))
    p5, p95 = np.percentile(de, [5, 95])
    assert p95 / p5 > 3.0 and de.max() / de.min() > 10
    yellow = color.delta_e76(color.rgb_to_lab(np.array([1, 1, 0.0])), color.rgb_to_lab(np.array([1, 1, 0.1])))
    gray = color.delta_e76(color.rgb_to_lab(np.array([0.5, 0.5, 0.5])), color.rgb_to_lab(np.array([0.5, 0.6, 0.5])))
    assert yellow < 3 < 15 < gray


def test_parse_and_describe_color():
    np.testing.assert_allclose(color.parse_color("#ff8000"), [1, 128 / 255, 0])
    np.testing.assert_allclose(color.parse_color("#f00"), [1, 0, 0])
    np.testing.assert_allclose(color.parse_color("white"), [1, 1, 1])
    np.testing.assert_allclose(color.parse_color(np.array([0, 255, 0], np.uint8)), [0, 1, 0])
    with pytest.raises(ValueError, match="color must be '#rrggbb'"):
        color.parse_color("#12345")
    with pytest.raises(ValueError, match=r"color must have shape \(3,\)"):
        color.parse_color(np.zeros((2, 3)))
    d = color.describe_color("#ff0000")
    assert list(d) == ["RGB (0-255)", "HSV (H in degrees)", "YUV (BT.601)", "CMYK", "L*a*b* (D65)"]
    np.testing.assert_allclose(d["RGB (0-255)"], [255, 0, 0])
    np.testing.assert_allclose(d["HSV (H in degrees)"], [0, 1, 1])
    np.testing.assert_allclose(d["CMYK"], [0, 1, 1, 0])
    np.testing.assert_allclose(d["YUV (BT.601)"], [0.299, -0.299 / 1.772, 0.5])
    np.testing.assert_allclose(d["L*a*b* (D65)"], [53.24, 80.09, 67.20], atol=0.02)
    assert color.describe_color("#00ffff")["HSV (H in degrees)"][0] == pytest.approx(180)


def test_mixing_circles_additive_and_subtractive():
    add = color.mixing_circles(120, "additive")
    sub = color.mixing_circles(120, "subtractive")
    assert add.shape == sub.shape == (120, 120, 3)
    np.testing.assert_array_equal(sub, 1 - add)  # each ink removes exactly the light its disc would add
    colors_add = {tuple(c) for c in add.reshape(-1, 3)}
    colors_sub = {tuple(c) for c in sub.reshape(-1, 3)}
    # every mixture of the three primaries appears: black, R, G, B, their pairs and white
    assert len(colors_add) == 8 and len(colors_sub) == 8
    assert tuple(add[0, 0]) == (0, 0, 0) and tuple(sub[0, 0]) == (1, 1, 1)  # background: dark screen, white paper
    centre = add[int(0.45 * 120), 60]
    assert tuple(centre) == (1, 1, 1) and tuple(sub[int(0.45 * 120), 60]) == (0, 0, 0)
    with pytest.raises(ValueError, match="mode must be"):
        color.mixing_circles(64, "multiplicative")
    with pytest.raises(ValueError, match="size_px must be >= 16"):
        color.mixing_circles(8)


def test_just_noticeable_gray_step_reaches_the_delta_e_it_is_asked_for():
    from imsearch.signal import color as C
    kappa = 24389 / 27                                   # L* = kappa Y on the linear segment near black
    enc, lin = C.just_noticeable_gray_step(0.0, 2.3)
    assert enc == pytest.approx(255 * 12.92 * 2.3 / kappa) and lin == pytest.approx(255 * 2.3 / kappa)
    for g, de in [(0.1, 2.3), (0.5, 1.0), (0.8, 3.0)]:
        enc, lin = C.just_noticeable_gray_step(g, de)
        lab = C.rgb_to_lab(np.array([[g] * 3, [g + enc / 255] * 3]))
        assert C.delta_e76(lab[0], lab[1]) == pytest.approx(de, rel=1e-6)
        assert lin / 255 == pytest.approx(C.srgb_to_linear(np.array(g + enc / 255)) - C.srgb_to_linear(np.array(g)))
    with pytest.raises(ValueError, match="passes white"):
        C.just_noticeable_gray_step(0.99, 5.0)
    with pytest.raises(ValueError, match="gray"):
        C.just_noticeable_gray_step(1.0)
