"""imsearch.descriptors.histograms: Colour and edge histograms and their distances (chapters 3 and 6)."""
import matplotlib
import numpy as np
import pytest
matplotlib.use("Agg")

from imsearch import descriptors


def _random(shape=(24, 32, 3), seed=0):
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


def _naive_histogram(img, bins):
    """Slow reference from the definition: loop over pixels, bin v·n // 256 per channel."""
    pixels = img.reshape(-1, img.shape[-1] if img.ndim == 3 else 1)
    h = np.zeros(bins)
    for p in pixels:
        h[tuple(int(v) * n // 256 for v, n in zip(p, bins))] += 1
    return h.ravel() / len(pixels)


def _hists(n, d, seed):
    rng = np.random.default_rng(seed)
    h = rng.random((n, d)) * (rng.random((n, d)) < 0.6)  # some empty bins
    h[:, 0] += 0.01
    return h / h.sum(axis=1, keepdims=True)


def _naive_space_histogram(img, bins, space):
    """From the definition: convert every pixel, bin each coordinate over its range, count."""
    from imsearch.signal import color

    x = (color.rgb_to_hsv(img) if space == "hsv" else color.rgb_to_lab(img)).reshape(-1, 3)
    ranges = [(0, 1)] * 3 if space == "hsv" else descriptors.LAB_RANGES
    h = np.zeros(bins)
    for p in x:
        idx = tuple(min(max(int(np.floor((v - lo) / (hi - lo) * n)), 0), n - 1) for v, n, (lo, hi) in zip(p, bins, ranges))
        h[idx] += 1
    return h.ravel() / len(x)


def _smooth_random(shape=(48, 64), seed=3):
    """A float image in [0, 1] with contours in every direction (blurred noise, stretched)."""
    from scipy import ndimage

    x = ndimage.gaussian_filter(np.random.default_rng(seed).random(shape), 2.5)
    return (x - x.min()) / (x.max() - x.min())


def _step(shape=(32, 48), column=24, bright_right=True):
    x = np.zeros(shape)
    x[:, column:] = 1.0
    return x if bright_right else 1.0 - x


def test_color_histogram_matches_the_naive_definition():
    img = _random((12, 10, 3), seed=3)
    for bins in [(8, 8, 8), (5, 3, 7), (1, 1, 1), (256, 1, 2)]:
        np.testing.assert_allclose(descriptors.color_histogram(img, bins), _naive_histogram(img, bins), atol=1e-15)


def test_color_histogram_matches_numpy_histogramdd():
    img = _random((40, 30, 3), seed=4)
    bins = (4, 6, 5)
    edges = [np.arange(n + 1) * 256 / n for n in bins]
    ref, _ = np.histogramdd(img.reshape(-1, 3).astype(float), bins=edges)
    np.testing.assert_allclose(descriptors.color_histogram(img, bins), ref.ravel() / ref.sum(), atol=1e-15)


def test_color_histogram_closed_form_two_colours():
    img = np.zeros((4, 4, 3), np.uint8)
    img[:, :2] = (255, 0, 0)  # red -> bin (1, 0, 0) = 4 with 2 bins per channel
    img[:, 2:] = (0, 0, 255)  # blue -> bin (0, 0, 1) = 1
    np.testing.assert_array_equal(descriptors.color_histogram(img, 2), [0, 0.5, 0, 0, 0.5, 0, 0, 0])
    flat = np.full((3, 3, 3), (100, 150, 200), np.uint8)  # bins (1, 2, 3) of 4 -> 1·16 + 2·4 + 3
    h = descriptors.color_histogram(flat, 4)
    assert h[27] == 1.0 and h.sum() == 1.0


def test_color_histogram_sums_to_one_and_is_invariant_to_pixel_permutation():
    img = _random((20, 25, 3), seed=5)
    h = descriptors.color_histogram(img)
    assert h.shape == (512,) and h.dtype == np.float64
    assert h.sum() == pytest.approx(1.0)
    perm = np.random.default_rng(1).permutation(500)
    shuffled = img.reshape(-1, 3)[perm].reshape(img.shape)
    np.testing.assert_array_equal(descriptors.color_histogram(shuffled), h)
    np.testing.assert_array_equal(descriptors.color_histogram(img[::-1, ::-1]), h)
    np.testing.assert_array_equal(descriptors.color_histogram(np.rot90(img)), h)


def test_color_histogram_grayscale_and_float():
    gray = _random((10, 10), seed=6)
    np.testing.assert_allclose(descriptors.color_histogram(gray, 16), np.bincount(gray.ravel() // 16, minlength=16) / 100)
    img = _random(seed=7)
    np.testing.assert_array_equal(descriptors.color_histogram(img / 255.0), descriptors.color_histogram(img))


def test_color_histogram_bad_inputs():
    img = _random()
    with pytest.raises(ValueError, match="space must be one of 'rgb', 'hsv', 'lab'"):
        descriptors.color_histogram(img, space="cmyk")
    with pytest.raises(ValueError, match=r"image must have shape \(H, W, 3\) for space 'hsv'"):
        descriptors.color_histogram(img[..., 0], space="hsv")
    with pytest.raises(ValueError, match="bins must have 3 entries"):
        descriptors.color_histogram(img, (8, 8))
    with pytest.raises(ValueError, match="bins must have 1 entries"):
        descriptors.color_histogram(img[..., 0], (8, 8, 8))
    with pytest.raises(ValueError, match=r"bins\[0\] must be >= 1"):
        descriptors.color_histogram(img, 0)
    with pytest.raises(ValueError, match=r"bins\[2\] must be <= 256"):
        descriptors.color_histogram(img, (8, 8, 300))
    with pytest.raises(TypeError, match="bins must be an int or a tuple"):
        descriptors.color_histogram(img, True)
    with pytest.raises(TypeError, match=r"bins\[0\] must be an integer"):
        descriptors.color_histogram(img, (8.0, 8, 8))
    with pytest.raises(TypeError, match="image must be uint8 or float"):
        descriptors.color_histogram(img.astype(np.int16))
    with pytest.raises(ValueError, match="image must not be empty"):
        descriptors.color_histogram(np.zeros((0, 3, 3), np.uint8))


def test_distances_match_naive_loops():
    a, b = _hists(3, 20, 0), _hists(4, 20, 1)
    for i in range(3):
        for j in range(4):
            x, y = a[i], b[j]
            assert descriptors.l1(x, y) == pytest.approx(sum(abs(p - q) for p, q in zip(x, y)))
            chi = 0.5 * sum((p - q) ** 2 / (p + q) for p, q in zip(x, y) if p + q > 0)
            assert descriptors.chi2(x, y) == pytest.approx(chi)
            assert descriptors.intersection(x, y) == pytest.approx(sum(min(p, q) for p, q in zip(x, y)) / sum(y))
    # broadcasting over the leading axes
    np.testing.assert_allclose(descriptors.chi2(a[:, None], b[None]),
                               [[descriptors.chi2(x, y) for y in b] for x in a])
    assert descriptors.l1(a[0], b).shape == (4,)


def test_distances_match_opencv_compare_hist():
    import cv2

    a, b = _hists(1, 64, 2)[0].astype(np.float32), _hists(1, 64, 3)[0].astype(np.float32)
    assert descriptors.intersection(a, b) * b.sum() == pytest.approx(cv2.compareHist(a, b, cv2.HISTCMP_INTERSECT), rel=1e-5)
    # OpenCV's "alternative chi-square" is 2 Σ (a-b)²/(a+b) = 4 × ours
    assert 4 * descriptors.chi2(a, b) == pytest.approx(cv2.compareHist(a, b, cv2.HISTCMP_CHISQR_ALT), rel=1e-5)


def test_distance_closed_forms_and_identities():
    a = np.array([1.0, 0, 0, 0])
    b = np.array([0.5, 0.5, 0, 0])
    assert descriptors.l1(a, b) == 1.0 and descriptors.intersection(a, b) == 0.5
    assert descriptors.chi2(a, b) == pytest.approx(0.5 * (0.25 / 1.5 + 0.25 / 0.5))
    disjoint = np.array([0, 0, 1.0, 0])
    assert descriptors.l1(a, disjoint) == 2.0 and descriptors.chi2(a, disjoint) == 1.0 and descriptors.intersection(a, disjoint) == 0.0
    h = _hists(5, 30, 4)
    np.testing.assert_allclose(descriptors.l1(h, h), 0)
    np.testing.assert_allclose(descriptors.chi2(h, h), 0)
    np.testing.assert_allclose(descriptors.intersection(h, h), 1)
    g = _hists(5, 30, 5)
    np.testing.assert_allclose(descriptors.l1(h, g), descriptors.l1(g, h))
    np.testing.assert_allclose(descriptors.chi2(h, g), descriptors.chi2(g, h))
    np.testing.assert_allclose(descriptors.intersection(h, g), 1 - descriptors.l1(h, g) / 2)  # normalised histograms
    # un-normalised counts: normalised by the model (second argument)
    assert descriptors.intersection([2, 1, 0], [1, 1, 2]) == 0.5


def test_histogram_distances_of_real_images_rank_the_flip_first():
    import skimage.data

    from imsearch import edits

    cat = skimage.data.chelsea()[::4, ::4]
    h = descriptors.color_histogram(cat)
    others = [descriptors.color_histogram(skimage.data.astronaut()[::4, ::4]),
              descriptors.color_histogram(edits.flip(cat)), descriptors.color_histogram(skimage.data.coffee()[::4, ::4])]
    assert int(np.argmin([descriptors.chi2(h, o) for o in others])) == 1
    assert int(np.argmax([descriptors.intersection(h, o) for o in others])) == 1


def test_distance_bad_inputs():
    h = np.ones(4) / 4
    with pytest.raises(ValueError, match="same length along the last axis"):
        descriptors.l1(h, np.ones(5))
    with pytest.raises(ValueError, match="must broadcast"):
        descriptors.chi2(np.ones((2, 4)), np.ones((3, 4)))
    with pytest.raises(ValueError, match="a must be >= 0"):
        descriptors.chi2(-h, h)
    with pytest.raises(ValueError, match="b must be >= 0"):
        descriptors.intersection(h, -h)
    with pytest.raises(ValueError, match="b must have a positive sum"):
        descriptors.intersection(h, np.zeros(4))
    with pytest.raises(ValueError, match="finite"):
        descriptors.l1(np.array([np.nan, 0, 0, 1]), h)
    with pytest.raises(ValueError, match="must not be empty"):
        descriptors.l1(np.zeros(0), np.zeros(0))
    with pytest.raises(TypeError, match="a must be an array"):
        descriptors.l1("abc", h)


@pytest.mark.parametrize("space, bins", [("hsv", (16, 8, 4)), ("hsv", (3, 2, 5)), ("lab", (8, 8, 8)), ("lab", (4, 6, 5))])
def test_hsv_and_lab_histograms_match_the_definition(space, bins):
    img = _random((9, 11, 3), seed=8)
    np.testing.assert_allclose(descriptors.color_histogram(img, bins, space), _naive_space_histogram(img, bins, space),
                               atol=1e-15)


def test_lab_histogram_agrees_with_scikit_image():
    import skimage.color

    img = _random((20, 20, 3), seed=9)
    lab = skimage.color.rgb2lab(img).reshape(-1, 3)
    edges = [np.linspace(lo, hi, 9) for lo, hi in descriptors.LAB_RANGES]
    ref, _ = np.histogramdd(lab, bins=edges)
    np.testing.assert_allclose(descriptors.color_histogram(img, 8, "lab"), ref.ravel() / 400, atol=1e-15)


def test_hsv_and_lab_histogram_closed_forms():
    red = np.full((2, 2, 3), (255, 0, 0), np.uint8)          # H = 0, S = 1, V = 1
    assert descriptors.color_histogram(red, (6, 4, 4), "hsv")[(0 * 4 + 3) * 4 + 3] == 1.0
    gray = np.full((2, 2, 3), 128, np.uint8)                 # H = 0, S = 0, V = 0.502
    assert descriptors.color_histogram(gray, (6, 4, 4), "hsv")[(0 * 4 + 0) * 4 + 2] == 1.0
    white = np.full((2, 2, 3), 255, np.uint8)                # L = 100, a = b = 0
    i_a, i_b = int(87 / 186 * 8), int(108 / 203 * 8)
    assert descriptors.color_histogram(white, 8, "lab")[(7 * 8 + i_a) * 8 + i_b] == pytest.approx(1.0)
    # the gamut's extreme colours stay inside the ranges
    for rgb in [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0), (0, 0, 0)]:
        h = descriptors.color_histogram(np.full((1, 1, 3), rgb, np.uint8), 8, "lab")
        assert h.sum() == 1.0


def test_hsv_histogram_ignores_layout_but_sees_a_hue_shift():
    import skimage.data

    from imsearch.signal import color

    img = skimage.data.chelsea()[::4, ::4]
    h = descriptors.color_histogram(img, (16, 4, 4), "hsv")
    np.testing.assert_array_equal(descriptors.color_histogram(np.ascontiguousarray(img[:, ::-1]), (16, 4, 4), "hsv"), h)
    hsv = color.rgb_to_hsv(img)
    hsv[..., 0] = (hsv[..., 0] + 0.5) % 1.0                  # every hue to the opposite side of the circle
    shifted = np.round(color.hsv_to_rgb(hsv) * 255).astype(np.uint8)
    assert descriptors.l1(descriptors.color_histogram(shifted, (16, 4, 4), "hsv"), h) > 1.5
    # the same edit leaves the V marginal nearly unchanged
    v = lambda x: descriptors.color_histogram(x, (16, 4, 4), "hsv").reshape(16, 4, 4).sum(axis=(0, 1))  # noqa: E731
    assert descriptors.l1(v(shifted), v(img)) < 0.05


def test_soft_hue_histogram_closed_forms_and_wrap_around():
    np.testing.assert_allclose(descriptors.soft_hue_histogram([0.125, 0.375], [1, 1], 4), [0.5, 0.5, 0, 0])
    np.testing.assert_allclose(descriptors.soft_hue_histogram([0.0], [1], 4), [0.5, 0, 0, 0.5])
    np.testing.assert_allclose(descriptors.soft_hue_histogram([1.0], [1], 4), [0.5, 0, 0, 0.5])
    # two reds on either side of hue 0 share the same two bins
    np.testing.assert_allclose(descriptors.soft_hue_histogram([0.99, 0.01], [1, 1], 8), np.eye(8)[[0, 7]].sum(0) / 2)
    np.testing.assert_allclose(descriptors.soft_hue_histogram([0.3, 0.6], [0, 2], 5), [0, 0, 0.5, 0.5, 0])
    np.testing.assert_allclose(descriptors.soft_hue_histogram([0.42], [1], 1), [1.0])


def test_soft_hue_histogram_is_circular_and_continuous():
    rng = np.random.default_rng(0)
    hue, w = rng.random(500), rng.random(500)
    h = descriptors.soft_hue_histogram(hue, w, 12)
    assert h.sum() == pytest.approx(1.0) and np.all(h >= 0)
    # rotating every hue by one bin rolls the histogram by one bin, exactly (even across 1 -> 0)
    np.testing.assert_allclose(descriptors.soft_hue_histogram((hue + 1 / 12) % 1.0, w, 12), np.roll(h, 1), atol=1e-12)
    # a small rotation changes it by little; hard binning jumps
    small = descriptors.soft_hue_histogram((hue + 0.002) % 1.0, w, 12)
    assert descriptors.l1(small, h) < 0.03
    hard = lambda x: np.bincount(np.minimum((x * 12).astype(int), 11), weights=w, minlength=12) / w.sum()  # noqa: E731
    one = np.array([0.0829])
    assert descriptors.l1(descriptors.soft_hue_histogram(one + 0.001, [1], 12), descriptors.soft_hue_histogram(one, [1], 12)) < 0.03
    assert descriptors.l1(np.bincount(((one + 0.001) * 12).astype(int), minlength=12),
                 np.bincount((one * 12).astype(int), minlength=12)) == 2.0
    assert hard(hue).sum() == pytest.approx(1.0)


def test_soft_hue_histogram_bad_inputs():
    with pytest.raises(ValueError, match="hue must be <= 1.0"):
        descriptors.soft_hue_histogram([1.5], [1], 4)
    with pytest.raises(ValueError, match="weights must be >= 0"):
        descriptors.soft_hue_histogram([0.5], [-1], 4)
    with pytest.raises(ValueError, match="positive sum"):
        descriptors.soft_hue_histogram([0.5, 0.2], [0, 0], 4)
    with pytest.raises(ValueError, match=r"weights must have shape \(2,\)"):
        descriptors.soft_hue_histogram([0.5, 0.2], [1], 4)
    with pytest.raises(ValueError, match="bins must be >= 1"):
        descriptors.soft_hue_histogram([0.5], [1], 0)
    with pytest.raises(ValueError, match="hue must not be empty"):
        descriptors.soft_hue_histogram([], [], 4)


@pytest.mark.parametrize("bins", [4, 8, 12])
def test_edge_orientation_histogram_of_step_edges_is_a_single_bin(bins):
    # dark left / bright right: the gradient points right (0 degrees) -> all the mass in bin 0
    np.testing.assert_allclose(descriptors.edge_orientation_histogram(_step(), bins=bins), np.eye(bins)[0], atol=1e-12)
    # bright left: 180 degrees -> bin bins/2
    np.testing.assert_allclose(descriptors.edge_orientation_histogram(_step(bright_right=False), bins=bins),
                               np.eye(bins)[bins // 2], atol=1e-12)
    # dark top / bright bottom (rows grow downwards): the gradient points down, 270 degrees
    np.testing.assert_allclose(descriptors.edge_orientation_histogram(_step().T.copy(), bins=bins),
                               np.eye(bins)[3 * bins // 4], atol=1e-12)


def test_edge_orientation_histogram_shape_dtype_and_normalisation():
    img = (_smooth_random((40, 50)) * 255).round().astype(np.uint8)
    rgb = np.repeat(img[..., None], 3, axis=2)
    for grid, bins in [(1, 8), (2, 8), (3, 6)]:
        h = descriptors.edge_orientation_histogram(rgb, bins=bins, grid=grid)
        assert h.shape == (grid * grid * bins,) and h.dtype == np.float64
        assert np.all(h >= 0) and h.sum() == pytest.approx(1.0, abs=1e-12)
        # a gray RGB image and its single channel give the same descriptor
        np.testing.assert_allclose(h, descriptors.edge_orientation_histogram(img, bins=bins, grid=grid), atol=1e-12)


@pytest.mark.parametrize("bins", [8, 12])
def test_edge_orientation_histogram_rot90_rolls_by_a_quarter_of_the_bins(bins):
    img = _smooth_random()
    h = descriptors.edge_orientation_histogram(img, bins=bins)
    assert h.max() < 0.5                        # a real mix of directions, so the roll is a real check
    for k in (1, 2, 3):
        rotated = descriptors.edge_orientation_histogram(np.rot90(img, k).copy(), bins=bins)
        np.testing.assert_allclose(rotated, np.roll(h, k * bins // 4), atol=1e-10)


def test_edge_orientation_histogram_mirror_maps_bin_j_to_half_minus_j():
    img = _smooth_random(seed=5)
    bins = 8
    h = descriptors.edge_orientation_histogram(img, bins=bins)
    mirrored = descriptors.edge_orientation_histogram(img[:, ::-1].copy(), bins=bins)
    j = np.arange(bins)
    np.testing.assert_allclose(mirrored[(bins // 2 - j) % bins], h, atol=1e-10)


def test_edge_orientation_histogram_is_invariant_to_contrast():
    img = _smooth_random(seed=7)
    for factor in (0.5, 0.25):                  # powers of two scale every float exactly
        np.testing.assert_allclose(descriptors.edge_orientation_histogram(img * factor, grid=2),
                                   descriptors.edge_orientation_histogram(img, grid=2), atol=1e-12)


def test_edge_orientation_histogram_of_a_disk_is_nearly_uniform():
    yy, xx = np.mgrid[:96, :96]
    disk = (((yy - 47.5) ** 2 + (xx - 47.5) ** 2) < 30 ** 2).astype(float)
    h = descriptors.edge_orientation_histogram(disk, bins=8, sigma_px=1.5)
    np.testing.assert_allclose(h, np.full(8, 1 / 8), atol=0.02)   # a circle's normals point every way equally


def test_edge_orientation_histogram_grid_cells_sum_to_the_global_histogram():
    img = _smooth_random((45, 61), seed=11)      # sizes not divisible by the grid
    for grid in (2, 3, 4):
        h = descriptors.edge_orientation_histogram(img, bins=8, grid=grid).reshape(grid, grid, 8)
        np.testing.assert_allclose(h.sum(axis=(0, 1)), descriptors.edge_orientation_histogram(img, bins=8), atol=1e-12)
    # a step edge in the left half only: the two left cells share the mass, in bin 0
    h = descriptors.edge_orientation_histogram(_step((32, 64), column=16), bins=8, grid=2).reshape(2, 2, 8)
    expected = np.zeros((2, 2, 8))
    expected[0, 0, 0] = expected[1, 0, 0] = 0.5
    np.testing.assert_allclose(h, expected, atol=1e-12)


def test_edge_orientation_histogram_matches_a_per_pixel_loop():
    """Slow reference from the docstring's definition: one soft vote per Canny edge pixel."""
    from scipy import ndimage
    from skimage.feature import canny

    img = _smooth_random((37, 41), seed=13)
    bins, grid, sigma = 6, 3, 1.2
    smoothed = ndimage.gaussian_filter(img, sigma, mode="nearest")
    gx = ndimage.sobel(smoothed, axis=1, mode="nearest")
    gy_down = ndimage.sobel(smoothed, axis=0, mode="nearest")
    edges = canny(img, sigma=sigma, low_threshold=0.8, high_threshold=0.9, use_quantiles=True, mode="nearest")
    expected = np.zeros((grid, grid, bins))
    for r, c in zip(*np.nonzero(edges)):
        degrees = np.degrees(np.arctan2(-gy_down[r, c], gx[r, c])) % 360.0
        position = degrees / (360.0 / bins)      # bin j is centred on j * 360 / bins degrees
        j = int(np.floor(position))
        frac = position - j
        weight = np.hypot(gx[r, c], gy_down[r, c])
        cell = (r * grid // img.shape[0], c * grid // img.shape[1])
        expected[cell][j % bins] += (1 - frac) * weight
        expected[cell][(j + 1) % bins] += frac * weight
    expected /= expected.sum()
    np.testing.assert_allclose(descriptors.edge_orientation_histogram(img, bins=bins, grid=grid, sigma_px=sigma),
                               expected.ravel(), atol=1e-12)


def test_edge_orientation_histogram_without_edges_is_uniform():
    for grid in (1, 2):
        np.testing.assert_allclose(descriptors.edge_orientation_histogram(np.full((16, 16, 3), 77, np.uint8), grid=grid),
                                   np.full(grid * grid * 8, 1 / (grid * grid * 8)))
    # a bright top row is not "no edge": its gradient (pointing up, 90 degrees) reaches row 1, inside
    border = np.zeros((16, 16))
    border[0] = 1.0
    np.testing.assert_allclose(descriptors.edge_orientation_histogram(border, sigma_px=0), np.eye(8)[2], atol=1e-12)


def test_edge_orientation_histogram_bad_inputs():
    img = _smooth_random((16, 16))
    with pytest.raises(ValueError, match=r"image must have shape \(H, W\) or \(H, W, 3\), got \(5,\)"):
        descriptors.edge_orientation_histogram(np.zeros(5))
    with pytest.raises(TypeError, match="image must be uint8 or float"):
        descriptors.edge_orientation_histogram(np.zeros((8, 8), np.int32))
    with pytest.raises(ValueError, match="finite"):
        descriptors.edge_orientation_histogram(np.full((8, 8), np.nan))
    with pytest.raises(ValueError, match=r"values must lie in \[0, 1\]"):
        descriptors.edge_orientation_histogram(img * 2)
    with pytest.raises(ValueError, match="must not be empty"):
        descriptors.edge_orientation_histogram(np.zeros((0, 8)))
    with pytest.raises(ValueError, match="bins must be >= 1"):
        descriptors.edge_orientation_histogram(img, bins=0)
    with pytest.raises(TypeError, match="bins must be an integer"):
        descriptors.edge_orientation_histogram(img, bins=8.0)
    with pytest.raises(ValueError, match="grid must be >= 1"):
        descriptors.edge_orientation_histogram(img, grid=0)
    with pytest.raises(ValueError, match=r"grid must be <= the image's smaller side \(16 px\), got 17"):
        descriptors.edge_orientation_histogram(img, grid=17)
    with pytest.raises(ValueError, match="sigma_px must be >= 0"):
        descriptors.edge_orientation_histogram(img, sigma_px=-1)
    with pytest.raises(ValueError, match="sigma_px must be finite"):
        descriptors.edge_orientation_histogram(img, sigma_px=float("nan"))
    with pytest.raises(TypeError, match="quantiles must be a pair"):
        descriptors.edge_orientation_histogram(img, quantiles=0.9)
    with pytest.raises(ValueError, match=r"quantiles\[1\] must be >= 0.9"):
        descriptors.edge_orientation_histogram(img, quantiles=(0.9, 0.8))
    with pytest.raises(ValueError, match=r"quantiles\[1\] must be <= 1"):
        descriptors.edge_orientation_histogram(img, quantiles=(0.5, 1.5))
