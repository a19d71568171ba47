"""imsearch.features.harris: The Harris corner detector (chapter 4): structure tensor, response, eigenvalue classes, corners."""
import cv2
import numpy as np
import pytest

from imsearch import features
from imsearch.data import load_default_image
from imsearch.image import to_gray


@pytest.fixture(scope="module")
def astronaut():
    g = to_gray(load_default_image("astronaut"))
    return cv2.resize(g, (192, 192), interpolation=cv2.INTER_AREA)


def _square(size=40, lo=10, hi=30, value=0.8):
    img = np.full((size, size), 0.1)
    img[lo:hi, lo:hi] = value
    return img


def _slow_structure_tensor(img, sd, si):
    """From the definition: convolve with sampled Gaussian (derivative) kernels, reflect borders."""
    def kernel(s, order):
        r = int(4 * s + 0.5)
        x = np.arange(-r, r + 1.0)
        g = np.exp(-x ** 2 / (2 * s * s))
        g /= g.sum()
        return g if order == 0 else -x / s ** 2 * g

    def conv1d(a, k, axis):
        r = len(k) // 2
        pad = [(0, 0), (0, 0)]
        pad[axis] = (r, r)
        p = np.pad(a, pad, mode="symmetric")
        out = np.zeros_like(a)
        for i, w in enumerate(k[::-1]):   # convolution: flip the kernel
            sl = [slice(None), slice(None)]
            sl[axis] = slice(i, i + a.shape[axis])
            out += w * p[tuple(sl)]
        return out

    ix = conv1d(conv1d(img, kernel(sd, 1), 1), kernel(sd, 0), 0)
    iy = conv1d(conv1d(img, kernel(sd, 0), 1), kernel(sd, 1), 0)
    blur = lambda a: conv1d(conv1d(a, kernel(si, 0), 1), kernel(si, 0), 0)  # noqa: E731
    return sd ** 2 * blur(ix * ix), sd ** 2 * blur(ix * iy), sd ** 2 * blur(iy * iy)


def _slow_local_maxima(r, thr, d=1):
    h, w = r.shape
    out = np.zeros_like(r, dtype=bool)
    for y in range(h):
        for x in range(w):
            win = r[max(0, y - d):y + d + 1, max(0, x - d):x + d + 1]
            out[y, x] = r[y, x] > thr and r[y, x] >= win.max()
    return out


def _translation(dx, dy):
    return np.array([[1.0, 0, dx], [0, 1.0, dy], [0, 0, 1.0]])


def test_structure_tensor_matches_the_definition(camera):
    img = camera[30:70, 40:90]
    for sd, si in ((1.0, 2.0), (0.7, 1.5)):
        for a, b in zip(features.structure_tensor(img, sd, si), _slow_structure_tensor(img, sd, si)):
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-15)


def test_harris_response_is_det_minus_k_trace_squared_of_the_eigenvalues(camera):
    r = features.harris_response(camera, 1.0, 2.0, 0.05)
    l1, l2 = features.harris_eigenvalues(camera, 1.0, 2.0)
    assert np.all(l1 >= l2) and np.all(l2 >= 0)
    np.testing.assert_allclose(r, l1 * l2 - 0.05 * (l1 + l2) ** 2, rtol=1e-7, atol=1e-15)


def test_harris_closed_forms_and_photometric_behaviour(camera):
    np.testing.assert_allclose(features.harris_response(np.full((10, 12), 0.4)), 0.0, atol=1e-30)
    r = features.harris_response(camera * 0.5, 1.0, 2.0, 0.04)
    # an offset changes nothing; scaling intensities by a scales R by a⁴
    np.testing.assert_allclose(features.harris_response(camera * 0.5 + 0.3, 1.0, 2.0, 0.04), r, rtol=1e-9, atol=1e-16)
    np.testing.assert_allclose(features.harris_response(camera, 1.0, 2.0, 0.04), 16 * r, rtol=1e-9, atol=1e-16)
    # uint8 and RGB inputs are converted to the same luma
    u8 = np.round(camera * 255).astype(np.uint8)
    rgb = np.repeat(u8[..., None], 3, axis=2)
    np.testing.assert_allclose(features.harris_response(rgb), features.harris_response(u8), rtol=1e-9, atol=1e-16)


def test_harris_corners_of_a_square_are_its_four_corners():
    corners = features.harris_corners(_square(), 1.0, 2.0, 0.05, threshold_rel=0.1)
    assert corners.shape == (4, 2) and corners.dtype == np.float64
    expected = np.array([[10, 10], [29, 10], [10, 29], [29, 29]], float)
    d = np.linalg.norm(np.sort(corners, axis=0) - np.sort(expected, axis=0), axis=1)
    assert np.all(d <= 1.5)
    # edges are negative, flat areas ~0, corners positive
    r = features.harris_response(_square(), 1.0, 2.0, 0.05)
    assert r[20, 10] < 0 and r[10, 20] < 0 and abs(r[20, 20]) < 1e-12 and r[10, 10] > 0


def test_harris_corners_move_with_the_image(camera):
    big = np.pad(camera, 12, mode="reflect")
    a = features.harris_corners(big, n_best=40, threshold_rel=0.0, border_px=15)
    b = features.harris_corners(np.roll(big, (5, -3), axis=(0, 1)), n_best=40, threshold_rel=0.0, border_px=15)
    assert features.fraction_within(a + [-3, 5], b, 0.01) >= 0.9
    # a 90° rotation (np.rot90: (x, y) -> (y, W − 1 − x)) rotates the corners exactly
    c = features.harris_corners(np.rot90(camera), n_best=30, threshold_rel=0.0)
    a = features.harris_corners(camera, n_best=30, threshold_rel=0.0)
    rotated = np.c_[a[:, 1], camera.shape[1] - 1 - a[:, 0]]
    assert features.fraction_within(rotated, c, 0.01) >= 0.9


def test_harris_agrees_with_opencv_and_scikit_image(astronaut):
    out = features.harris_vs_opencv(astronaut, n_best=100)
    assert out["ours"].shape == out["opencv"].shape == out["skimage"].shape == (100, 2)
    assert out["agreement_skimage"] >= 0.85
    assert out["agreement_opencv"] >= 0.75
    maps = {name: make() for name, make in features.harris_implementations(astronaut).items()}
    np.testing.assert_allclose(maps["ours"], features.harris_response(astronaut, 0.7, 1.5, 0.05), rtol=1e-12)
    assert all(m.shape == astronaut.shape[:2] for m in maps.values())


def test_corner_classes_flat_edge_corner():
    ev = features.harris_eigenvalues(_square(), 1.0, 2.0)
    classes = features.corner_classes(ev, 1e-3)
    assert classes.shape == (40, 40) and classes.dtype == np.int64
    assert classes[10, 10] == 2 and classes[20, 10] == 1 and classes[3, 3] == 0 and classes[20, 20] == 0
    assert features.corner_classes(np.array([[3.0, 3.0, 0.5], [2.0, 0.1, 0.1]]), 1.0).tolist() == [2, 1, 0]


def test_local_maxima_and_nonmax_suppression_match_brute_force():
    rng = np.random.default_rng(1)
    r = rng.random((15, 17))
    r[3, 4] = r[3, 5] = 2.0   # a plateau
    for d in (1, 2):
        assert np.array_equal(features.local_maxima(r, 0.3, d), _slow_local_maxima(r, 0.3, d))
    pts, vals = features.nonmax_suppression(r, 1, threshold_abs=0.3, return_values=True)
    mask = _slow_local_maxima(r, 0.3)
    assert len(pts) == mask.sum() and np.all(np.diff(vals) <= 0)
    assert np.all(mask[pts[:, 1].astype(int), pts[:, 0].astype(int)])
    top = features.nonmax_suppression(r, 1, threshold_rel=0.2, n_best=3, border_px=1)
    assert len(top) == 3 and np.all((top >= 1) & (top <= [15, 13]))


def test_nearest_correspondences():
    rng = np.random.default_rng(4)
    k1 = np.c_[rng.uniform(0, 50, (20, 2)), np.ones(20)]
    k2 = np.r_[k1[:, :2] + [5.0, -2.0], rng.uniform(200, 300, (5, 2))]
    pairs = features.nearest_correspondences(k1, k2, _translation(5, -2), tol_px=0.5)
    assert pairs.dtype == np.int64 and pairs.tolist() == [[i, i] for i in range(20)]
    assert features.nearest_correspondences(k1, k2, np.eye(3), tol_px=0.5).shape[1] == 2
    assert features.nearest_correspondences(k1[:0], k2, np.eye(3)).shape == (0, 2)


def test_error_messages_name_the_argument():
    with pytest.raises(ValueError, match="gray must have shape"):
        features.harris_response(np.zeros(5))
    with pytest.raises(ValueError, match=r"kps1 must have shape"):
        features.repeatability(np.zeros((3, 7)), np.zeros((3, 2)), np.eye(3), (9, 9), (9, 9))
    with pytest.raises(ValueError, match="method must be one of"):
        features.detect_opencv(np.zeros((8, 8)), "surf")


def test_plot_harris_shows_the_response_and_the_corners_it_is_given(camera):
    from imsearch import viz

    r = features.harris_response(camera, 1.0, 2.0, 0.05)
    pts = features.harris_corners(camera, 1.0, 2.0, 0.05, threshold_rel=0.0, n_best=30)
    fig = viz.plot_harris(camera, r, pts, 1.0, 2.0, 0.05)
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), r)
    marks = fig.axes[1].lines[0]
    np.testing.assert_array_equal(np.c_[marks.get_xdata(), marks.get_ydata()], pts)
    assert "σ_d=1.0" in fig.axes[0].get_title()
    with pytest.raises(ValueError, match="response"):
        viz.plot_harris(camera, r[:5], pts, 1.0, 2.0, 0.05)


def test_plot_corner_eigenvalues_shows_the_classes_it_is_given(camera):
    from imsearch import viz

    ev = features.harris_eigenvalues(camera)
    classes = features.corner_classes(ev, 1e-3)
    fig = viz.plot_corner_eigenvalues(ev, classes, 1e-3)
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), classes)
    drawn = sum(len(c.get_offsets()) for c in fig.axes[1].collections)
    assert drawn == min(4000, classes.size)
    with pytest.raises(ValueError, match="classes"):
        viz.plot_corner_eigenvalues(ev, classes + 3, 1e-3)


def test_corner_ratio_threshold_is_where_the_harris_response_changes_sign():
    for k in (0.04, 0.05, 0.06, 0.15):
        r = features.corner_ratio_threshold(k)
        lam1 = 2.0
        response = lambda ratio: lam1 * (ratio * lam1) - k * (lam1 + ratio * lam1) ** 2
        assert abs(response(r)) < 1e-12 and response(r * 0.99) < 0 < response(min(1.0, r * 1.01))
    assert features.corner_ratio_threshold(0.05) == pytest.approx(0.0557, abs=1e-4)
    assert features.corner_ratio_threshold(0.0) == 0.0
    # the per-pixel rule on a photo: R > 0 exactly where λ2/λ1 > r_k (away from rounding at R ≈ 0)
    gray = to_gray(load_default_image("camera"))[::4, ::4]
    ev = features.harris_eigenvalues(gray, 1.0, 2.0)
    R = features.harris_response(gray, 1.0, 2.0, 0.05)
    ratio = ev[1] / np.maximum(ev[0], 1e-300)
    clear = np.abs(R) > 1e-9 * np.abs(R).max()
    assert np.array_equal((R > 0)[clear], (ratio > features.corner_ratio_threshold(0.05))[clear])
    with pytest.raises(ValueError, match="k"):
        features.corner_ratio_threshold(0.25)
