"""imsearch.descriptors.signatures: Adaptive colour palettes ("signatures") and the earth mover's distance between them (chapter 6)."""
import matplotlib
import numpy as np
import pytest
matplotlib.use("Agg")

from imsearch import descriptors


def _random(shape=(24, 32, 3), seed=0):
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


def _hists(n, d, seed):
    rng = np.random.default_rng(seed)
    h = rng.random((n, d)) * (rng.random((n, d)) < 0.6)  # some empty bins
    h[:, 0] += 0.01
    return h / h.sum(axis=1, keepdims=True)


def test_emd_1d_closed_forms_and_against_scipy():
    from scipy.stats import wasserstein_distance

    assert descriptors.emd_1d([1.0, 0, 0], [0, 0, 1.0]) == 2.0
    assert descriptors.emd_1d([0.5, 0.5, 0], [0, 0.5, 0.5]) == 1.0
    assert descriptors.emd_1d([3.0, 0, 0, 1], [0, 0, 1, 3]) == 8.0
    rng = np.random.default_rng(1)
    for _ in range(5):
        a, b = rng.random(15), rng.random(15)
        a, b = a / a.sum(), b / b.sum()
        pos = np.arange(15)
        assert descriptors.emd_1d(a, b) == pytest.approx(wasserstein_distance(pos, pos, a, b), rel=1e-9)
    A, B = _hists(4, 10, 2), _hists(4, 10, 3)
    np.testing.assert_allclose(descriptors.emd_1d(A, B), [descriptors.emd_1d(x, y) for x, y in zip(A, B)])
    with pytest.raises(ValueError, match="same total mass"):
        descriptors.emd_1d([1.0, 0], [0.5, 0])


def test_emd_wrapper_equals_the_1d_closed_form_and_scipy():
    from scipy.stats import wasserstein_distance

    rng = np.random.default_rng(2)
    a, b = rng.random(12), rng.random(12)
    a, b = a / a.sum(), b / b.sum()
    pos = np.arange(12.0)[:, None]
    assert descriptors.emd(pos, a, pos, b) == pytest.approx(descriptors.emd_1d(a, b), rel=1e-4)      # cv2 works in float32
    # signatures at arbitrary positions, of different sizes
    xa, xb = rng.random(5) * 10, rng.random(7) * 10
    wa, wb = rng.random(5), rng.random(7)
    wa, wb = wa / wa.sum(), wb / wb.sum()
    assert descriptors.emd(xa[:, None], wa, xb[:, None], wb) == pytest.approx(wasserstein_distance(xa, xb, wa, wb), rel=1e-4)


def test_emd_by_hand_and_its_properties():
    # half the mass at 0 stays, the other half travels from (0,0) to (3,4): 0.5 · 5
    assert descriptors.emd([[0, 0]], [1.0], [[0, 0], [3, 4]], [0.5, 0.5]) == pytest.approx(2.5)
    rng = np.random.default_rng(3)
    ca, cb = rng.normal(size=(6, 3)) * 20, rng.normal(size=(4, 3)) * 20
    wa, wb = rng.random(6), rng.random(4)
    wa, wb = wa / wa.sum(), wb / wb.sum()
    d = descriptors.emd(ca, wa, cb, wb)
    assert d == pytest.approx(descriptors.emd(cb, wb, ca, wa), rel=1e-5)                       # symmetric
    assert descriptors.emd(ca, wa, ca, wa) == pytest.approx(0.0, abs=1e-4)
    # Rubner et al.: for equal masses the EMD is at least the distance between the centroids
    assert d >= np.linalg.norm(wa @ ca - wb @ cb) - 1e-3
    # unequal masses: the smaller mass moves, the cost is divided by it (Rubner et al.)
    assert descriptors.emd([[0.0]], [1.0], [[1.0], [5.0]], [1.0, 1.0]) == pytest.approx(1.0)
    assert descriptors.emd([[0.0]], [1.0], [[1.0]], [3.0]) == pytest.approx(1.0)
    assert descriptors.emd([[0.0], [4.0]], [2.0, 1.0], [[1.0]], [1.0]) == pytest.approx(1.0)


def test_emd_distances_match_pairwise_emd():
    img1, img2 = _random((20, 20, 3), 11), _random((20, 20, 3), 12)
    s1, s2 = descriptors.color_signature(img1, 4), descriptors.color_signature(img2, 4)
    d = descriptors.emd_distances([s1, s2], [s2, s1, s1])
    assert d.shape == (2, 3)
    assert d[0, 0] == pytest.approx(descriptors.emd(*s1, *s2))
    assert d[0, 1] == pytest.approx(0.0, abs=1e-4) and d[1, 0] == pytest.approx(0.0, abs=1e-4)
    with pytest.raises(ValueError, match="queries must not be empty"):
        descriptors.emd_distances([], [s1])


def test_emd_bad_inputs():
    with pytest.raises(ValueError, match="same dimension"):
        descriptors.emd([[0, 0]], [1], [[0, 0, 0]], [1])
    with pytest.raises(ValueError, match="weights_a must have a positive sum"):
        descriptors.emd([[0.0]], [0.0], [[1.0]], [1.0])
    with pytest.raises(ValueError, match=r"weights_b must have shape \(2,\)"):
        descriptors.emd([[0.0]], [1.0], [[1.0], [2.0]], [1.0])
    with pytest.raises(ValueError, match="weights_a must be >= 0"):
        descriptors.emd([[0.0], [1.0]], [2.0, -1.0], [[1.0]], [1.0])
    with pytest.raises(ValueError, match="finite"):
        descriptors.emd([[np.nan]], [1.0], [[1.0]], [1.0])


def test_color_signature_of_a_two_colour_image():
    from imsearch.signal import color

    img = np.zeros((10, 10, 3), np.uint8)
    img[:, :3] = (200, 30, 30)          # 30 % red
    img[:, 3:] = (20, 40, 220)          # 70 % blue
    colors, weights = descriptors.color_signature(img, 2)
    np.testing.assert_allclose(weights, [0.7, 0.3])
    np.testing.assert_allclose(colors, color.rgb_to_lab(np.array([[20, 40, 220], [200, 30, 30]], np.uint8)),
                               atol=1e-9)
    # more clusters than colours: the empty ones are dropped
    colors4, weights4 = descriptors.color_signature(img, 4)
    assert weights4.sum() == pytest.approx(1.0) and len(weights4) <= 4 and np.all(weights4 > 0)
    assert descriptors.emd(colors4, weights4, colors, weights) == pytest.approx(0.0, abs=1e-3)


def test_color_signature_is_deterministic_and_invariant_to_layout():
    import skimage.data

    img = skimage.data.chelsea()[::4, ::4]
    a = descriptors.color_signature(img, 6, seed=5)
    b = descriptors.color_signature(img, 6, seed=5)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    flipped = descriptors.color_signature(np.ascontiguousarray(img[::-1, ::-1]), 6, seed=5)
    other = descriptors.color_signature(skimage.data.astronaut()[::4, ::4], 6, seed=5)
    assert descriptors.emd(*a, *flipped) < 0.2 * descriptors.emd(*a, *other)          # ΔE units
    assert descriptors.color_signature(img, 3, space="rgb")[0].max() <= 255


def test_histogram_signature():
    img = _random((12, 12, 3), 14)
    h = descriptors.color_histogram(img, 4)
    colors, weights = descriptors.histogram_signature(h, 4)
    assert len(colors) == np.count_nonzero(h) and weights.sum() == pytest.approx(1.0)
    assert np.all(colors % 32 == 0) and np.all(colors % 64 == 32)   # bin centres 32, 96, 160, 224
    red = descriptors.color_histogram(np.full((2, 2, 3), (255, 0, 0), np.uint8), 4)
    blue = descriptors.color_histogram(np.full((2, 2, 3), (0, 0, 255), np.uint8), 4)
    d = descriptors.emd(*descriptors.histogram_signature(red, 4), *descriptors.histogram_signature(blue, 4))
    assert d == pytest.approx(192 * np.sqrt(2), rel=1e-5)           # (224,32,32) -> (32,32,224)
    with pytest.raises(ValueError, match="at least one non-empty bin"):
        descriptors.histogram_signature(np.zeros(64), 4)
    with pytest.raises(ValueError, match=r"hist must have shape \(64,\)"):
        descriptors.histogram_signature(np.ones(8), 4)


def test_color_signature_bad_inputs():
    with pytest.raises(ValueError, match=r"image must have shape \(H, W, 3\)"):
        descriptors.color_signature(np.zeros((4, 4), np.uint8))
    with pytest.raises(ValueError, match="k must be <= the number of pixels"):
        descriptors.color_signature(np.zeros((2, 2, 3), np.uint8), 5)
    with pytest.raises(ValueError, match="space must be one of"):
        descriptors.color_signature(_random(), 3, space="xyz")


def test_plot_signatures_draws_weighted_bars():
    from imsearch import viz

    img = np.zeros((10, 10, 3), np.uint8)
    img[:, :3] = (200, 30, 30)
    img[:, 3:] = (20, 40, 220)
    sig = descriptors.color_signature(img, 2)
    fig = viz.plot_signatures([img], [sig], ["two colours"])
    bar_ax = fig.axes[1]
    widths = sorted(p.get_width() for p in bar_ax.patches)
    np.testing.assert_allclose(widths, [0.3, 0.7])
    assert bar_ax.get_xlabel() == "fraction of the pixels" and fig.axes[0].get_title() == "two colours"
    with pytest.raises(ValueError, match="same length"):
        viz.plot_signatures([img, img], [sig])


def _random_signatures(rng, n, d=3):
    sigs = []
    for _ in range(n):
        k = int(rng.integers(2, 7))
        sigs.append((rng.normal(0, 20, (k, d)) + rng.normal(0, 30, d), rng.dirichlet(np.ones(k))))
    return sigs


def test_emd_lower_bound_is_below_the_emd_and_exact_for_a_translation():
    rng = np.random.default_rng(0)
    sigs = _random_signatures(rng, 12)
    for a, b in zip(sigs[:-1], sigs[1:]):
        assert descriptors.emd_lower_bound(*a, *b) <= descriptors.emd(*a, *b) + 1e-3
    c, w = sigs[0]
    # a whole palette moved by (3, 4, 0): every unit of mass travels 5, the centroid too
    assert descriptors.emd_lower_bound(c, w, c + [3.0, 4.0, 0.0], w) == pytest.approx(5.0)
    assert descriptors.emd(c, w, c + [3.0, 4.0, 0.0], w) == pytest.approx(5.0, rel=1e-5)
    with pytest.raises(ValueError, match="same dimension"):
        descriptors.emd_lower_bound(c, w, c[:, :2], w)


def test_emd_knn_equals_brute_force_and_prunes():
    rng = np.random.default_rng(1)
    database = _random_signatures(rng, 60)
    for q in _random_signatures(rng, 4):
        exact = descriptors.emd_distances([q], database)[0]
        for k in (1, 5):
            idx, n_exact = descriptors.emd_knn(q, database, k)
            np.testing.assert_array_equal(idx, np.argsort(exact, kind="stable")[:k])
            assert k <= n_exact < len(database)
    idx, n_exact = descriptors.emd_knn(database[0], database, len(database))
    assert n_exact == len(database) and sorted(idx.tolist()) == list(range(len(database)))
    with pytest.raises(ValueError, match="k"):
        descriptors.emd_knn(database[0], database, 0)
    with pytest.raises(ValueError, match="colour dimension"):
        descriptors.emd_knn((np.zeros((2, 2)), np.ones(2)), database, 1)
