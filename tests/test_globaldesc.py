"""imsearch.globaldesc: pixel thumbnails, colour histograms and histogram distances."""
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from imsearch import globaldesc as gd  # noqa: E402


def _random(shape=(24, 32, 3), seed=0):
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


def _naive_histogram(img, bins):
    """Slow reference from the definition: loop over pixels, bin v·n // 256 per channel."""
    pixels = img.reshape(-1, img.shape[-1] if img.ndim == 3 else 1)
    h = np.zeros(bins)
    for p in pixels:
        h[tuple(int(v) * n // 256 for v, n in zip(p, bins))] += 1
    return h.ravel() / len(pixels)


# ----------------------------------------------------------------------------- pixel descriptor

def test_pixel_descriptor_at_full_size_is_the_flattened_image():
    img = _random((16, 16, 3))
    d = gd.pixel_descriptor(img, size=(16, 16))
    assert d.dtype == np.float32 and d.shape == (768,)
    np.testing.assert_allclose(d, img.ravel() / 255.0, atol=1e-7)


def test_pixel_descriptor_halving_averages_2x2_blocks():
    img = _random((32, 48, 3))
    d = gd.pixel_descriptor(img, size=(16, 24))
    blocks = img.astype(float).reshape(16, 2, 24, 2, 3).mean(axis=(1, 3)) / 255.0
    np.testing.assert_allclose(d, blocks.ravel(), atol=1e-6)


def test_pixel_descriptor_grayscale_and_l2_is_d_times_mse():
    from imsearch.metrics import mse

    a, b = _random((8, 8), 1), _random((8, 8), 2)
    da, db = gd.pixel_descriptor(a, size=(8, 8)), gd.pixel_descriptor(b, size=(8, 8))
    assert da.shape == (64,)
    assert np.sum((da.astype(float) - db) ** 2) == pytest.approx(64 * mse(a / 255.0, b / 255.0), rel=1e-5)


def test_pixel_descriptor_is_not_invariant_to_shuffling_or_flipping():
    img = _random((16, 16, 3))
    shuffled = img.reshape(-1, 3)[np.random.default_rng(0).permutation(256)].reshape(img.shape)
    assert not np.allclose(gd.pixel_descriptor(img), gd.pixel_descriptor(shuffled))
    assert not np.allclose(gd.pixel_descriptor(img), gd.pixel_descriptor(img[:, ::-1]))


def test_pixel_descriptor_bad_inputs():
    with pytest.raises(ValueError, match="image must have shape"):
        gd.pixel_descriptor(np.zeros(5, np.uint8))
    with pytest.raises(TypeError, match="size must be a pair"):
        gd.pixel_descriptor(_random(), size=16)
    with pytest.raises(ValueError, match=r"size\[1\] must be >= 1"):
        gd.pixel_descriptor(_random(), size=(16, 0))
    with pytest.raises(ValueError, match="finite"):
        gd.pixel_descriptor(np.full((4, 4), np.nan))


# ----------------------------------------------------------------------------- colour histogram

def test_color_histogram_matches_the_naive_definition():
    img = _random((12, 10, 3), seed=3)
    for bins in [(8, 8, 8), (5, 3, 7), (1, 1, 1), (256, 1, 2)]:
        np.testing.assert_allclose(gd.color_histogram(img, bins), _naive_histogram(img, bins), atol=1e-15)


def test_color_histogram_matches_numpy_histogramdd():
    img = _random((40, 30, 3), seed=4)
    bins = (4, 6, 5)
    edges = [np.arange(n + 1) * 256 / n for n in bins]
    ref, _ = np.histogramdd(img.reshape(-1, 3).astype(float), bins=edges)
    np.testing.assert_allclose(gd.color_histogram(img, bins), ref.ravel() / ref.sum(), atol=1e-15)


def test_color_histogram_closed_form_two_colours():
    img = np.zeros((4, 4, 3), np.uint8)
    img[:, :2] = (255, 0, 0)  # red -> bin (1, 0, 0) = 4 with 2 bins per channel
    img[:, 2:] = (0, 0, 255)  # blue -> bin (0, 0, 1) = 1
    np.testing.assert_array_equal(gd.color_histogram(img, 2), [0, 0.5, 0, 0, 0.5, 0, 0, 0])
    flat = np.full((3, 3, 3), (100, 150, 200), np.uint8)  # bins (1, 2, 3) of 4 -> 1·16 + 2·4 + 3
    h = gd.color_histogram(flat, 4)
    assert h[27] == 1.0 and h.sum() == 1.0


def test_color_histogram_sums_to_one_and_is_invariant_to_pixel_permutation():
    img = _random((20, 25, 3), seed=5)
    h = gd.color_histogram(img)
    assert h.shape == (512,) and h.dtype == np.float64
    assert h.sum() == pytest.approx(1.0)
    perm = np.random.default_rng(1).permutation(500)
    shuffled = img.reshape(-1, 3)[perm].reshape(img.shape)
    np.testing.assert_array_equal(gd.color_histogram(shuffled), h)
    np.testing.assert_array_equal(gd.color_histogram(img[::-1, ::-1]), h)
    np.testing.assert_array_equal(gd.color_histogram(np.rot90(img)), h)


def test_color_histogram_grayscale_and_float():
    gray = _random((10, 10), seed=6)
    np.testing.assert_allclose(gd.color_histogram(gray, 16), np.bincount(gray.ravel() // 16, minlength=16) / 100)
    img = _random(seed=7)
    np.testing.assert_array_equal(gd.color_histogram(img / 255.0), gd.color_histogram(img))


def test_color_histogram_bad_inputs():
    img = _random()
    with pytest.raises(ValueError, match="space must be 'rgb'"):
        gd.color_histogram(img, space="hsv")
    with pytest.raises(ValueError, match="bins must have 3 entries"):
        gd.color_histogram(img, (8, 8))
    with pytest.raises(ValueError, match="bins must have 1 entries"):
        gd.color_histogram(img[..., 0], (8, 8, 8))
    with pytest.raises(ValueError, match=r"bins\[0\] must be >= 1"):
        gd.color_histogram(img, 0)
    with pytest.raises(ValueError, match=r"bins\[2\] must be <= 256"):
        gd.color_histogram(img, (8, 8, 300))
    with pytest.raises(TypeError, match="bins must be an int or a tuple"):
        gd.color_histogram(img, True)
    with pytest.raises(TypeError, match=r"bins\[0\] must be an integer"):
        gd.color_histogram(img, (8.0, 8, 8))
    with pytest.raises(TypeError, match="image must be uint8 or float"):
        gd.color_histogram(img.astype(np.int16))
    with pytest.raises(ValueError, match="image must not be empty"):
        gd.color_histogram(np.zeros((0, 3, 3), np.uint8))


# ----------------------------------------------------------------------------- distances

def _hists(n, d, seed):
    rng = np.random.default_rng(seed)
    h = rng.random((n, d)) * (rng.random((n, d)) < 0.6)  # some empty bins
    h[:, 0] += 0.01
    return h / h.sum(axis=1, keepdims=True)


def test_distances_match_naive_loops():
    a, b = _hists(3, 20, 0), _hists(4, 20, 1)
    for i in range(3):
        for j in range(4):
            x, y = a[i], b[j]
            assert gd.l1(x, y) == pytest.approx(sum(abs(p - q) for p, q in zip(x, y)))
            chi = 0.5 * sum((p - q) ** 2 / (p + q) for p, q in zip(x, y) if p + q > 0)
            assert gd.chi2(x, y) == pytest.approx(chi)
            assert gd.intersection(x, y) == pytest.approx(sum(min(p, q) for p, q in zip(x, y)) / sum(y))
    # broadcasting over the leading axes
    np.testing.assert_allclose(gd.chi2(a[:, None], b[None]),
                               [[gd.chi2(x, y) for y in b] for x in a])
    assert gd.l1(a[0], b).shape == (4,)


def test_distances_match_opencv_compare_hist():
    import cv2

    a, b = _hists(1, 64, 2)[0].astype(np.float32), _hists(1, 64, 3)[0].astype(np.float32)
    assert gd.intersection(a, b) * b.sum() == pytest.approx(cv2.compareHist(a, b, cv2.HISTCMP_INTERSECT), rel=1e-5)
    # OpenCV's "alternative chi-square" is 2 Σ (a-b)²/(a+b) = 4 × ours
    assert 4 * gd.chi2(a, b) == pytest.approx(cv2.compareHist(a, b, cv2.HISTCMP_CHISQR_ALT), rel=1e-5)


def test_distance_closed_forms_and_identities():
    a = np.array([1.0, 0, 0, 0])
    b = np.array([0.5, 0.5, 0, 0])
    assert gd.l1(a, b) == 1.0 and gd.intersection(a, b) == 0.5
    assert gd.chi2(a, b) == pytest.approx(0.5 * (0.25 / 1.5 + 0.25 / 0.5))
    disjoint = np.array([0, 0, 1.0, 0])
    assert gd.l1(a, disjoint) == 2.0 and gd.chi2(a, disjoint) == 1.0 and gd.intersection(a, disjoint) == 0.0
    h = _hists(5, 30, 4)
    np.testing.assert_allclose(gd.l1(h, h), 0)
    np.testing.assert_allclose(gd.chi2(h, h), 0)
    np.testing.assert_allclose(gd.intersection(h, h), 1)
    g = _hists(5, 30, 5)
    np.testing.assert_allclose(gd.l1(h, g), gd.l1(g, h))
    np.testing.assert_allclose(gd.chi2(h, g), gd.chi2(g, h))
    np.testing.assert_allclose(gd.intersection(h, g), 1 - gd.l1(h, g) / 2)  # normalised histograms
    # un-normalised counts: normalised by the model (second argument)
    assert gd.intersection([2, 1, 0], [1, 1, 2]) == 0.5


def test_histogram_distances_of_real_images_rank_the_flip_first():
    import skimage.data

    from imsearch import edits

    cat = skimage.data.chelsea()[::4, ::4]
    h = gd.color_histogram(cat)
    others = [gd.color_histogram(skimage.data.astronaut()[::4, ::4]),
              gd.color_histogram(edits.flip(cat)), gd.color_histogram(skimage.data.coffee()[::4, ::4])]
    assert int(np.argmin([gd.chi2(h, o) for o in others])) == 1
    assert int(np.argmax([gd.intersection(h, o) for o in others])) == 1


def test_distance_bad_inputs():
    h = np.ones(4) / 4
    with pytest.raises(ValueError, match="same length along the last axis"):
        gd.l1(h, np.ones(5))
    with pytest.raises(ValueError, match="must broadcast"):
        gd.chi2(np.ones((2, 4)), np.ones((3, 4)))
    with pytest.raises(ValueError, match="a must be >= 0"):
        gd.chi2(-h, h)
    with pytest.raises(ValueError, match="b must be >= 0"):
        gd.intersection(h, -h)
    with pytest.raises(ValueError, match="b must have a positive sum"):
        gd.intersection(h, np.zeros(4))
    with pytest.raises(ValueError, match="finite"):
        gd.l1(np.array([np.nan, 0, 0, 1]), h)
    with pytest.raises(ValueError, match="must not be empty"):
        gd.l1(np.zeros(0), np.zeros(0))
    with pytest.raises(TypeError, match="a must be an array"):
        gd.l1("abc", h)


# ----------------------------------------------------------------------------- figures

def test_plot_color_histogram_paints_bars_with_bin_colours():
    from imsearch import viz

    img = np.zeros((4, 4, 3), np.uint8)
    img[:, :2] = (255, 0, 0)
    fig = viz.plot_color_histogram(gd.color_histogram(img, 2), 2, title="two colours")
    ax = fig.axes[0]
    assert ax.get_title() == "two colours" and ax.get_ylabel() == "fraction of pixels" and ax.get_xlabel()
    bars = ax.patches
    assert len(bars) == 8
    assert bars[4].get_height() == 0.5 and bars[0].get_height() == 0.5
    np.testing.assert_allclose(bars[4].get_facecolor()[:3], (0.75, 0.25, 0.25))  # centre of bin (1, 0, 0)
    with pytest.raises(ValueError, match=r"hist must have shape \(8,\)"):
        viz.plot_color_histogram(np.ones(9) / 9, 2)


def test_text_image_renders_dark_text_on_white():
    from imsearch import viz

    img = viz.text_image("imsearch", size=(40, 200))
    assert img.shape == (40, 200, 3) and img.dtype == np.uint8
    assert img[0, 0].tolist() == [255, 255, 255] and img.min() < 60
    other = viz.text_image("imsearch", size=(40, 200), fontfamily="sans-serif", fontstyle="italic")
    assert not np.array_equal(img, other)
    with pytest.raises(ValueError, match="text must be a non-empty str"):
        viz.text_image("")
