"""imsearch.features: detectors, scale space, affine normalization, repeatability, SIFT.

References from the definitions, closed forms, invariances, OpenCV / scikit-image, bad inputs.
"""
import math
import time

import cv2
import numpy as np
import pytest
import scipy.ndimage as ndi
from scipy.optimize import linear_sum_assignment

from imsearch import features
from imsearch.features import _common
from imsearch.features import detector_evaluation as repeatability
from imsearch.data import load_default_image
from imsearch.image import to_gray


# ----------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def camera():
    """A 128×128 photo with corners, edges and texture (float [0, 1])."""
    g = to_gray(load_default_image("camera"))
    return cv2.resize(g, (128, 128), interpolation=cv2.INTER_AREA)


@pytest.fixture(scope="module")
def astronaut():
    g = to_gray(load_default_image("astronaut"))
    return cv2.resize(g, (192, 192), interpolation=cv2.INTER_AREA)


def _square(size=40, lo=10, hi=30, value=0.8):
    img = np.full((size, size), 0.1)
    img[lo:hi, lo:hi] = value
    return img


def _blob(n, c, sigma, A=None):
    """A Gaussian blob of standard deviation sigma at (c, c), optionally warped by x' = A x about c."""
    yy, xx = np.mgrid[0:n, 0:n].astype(float)
    d = np.stack([xx - c, yy - c], axis=-1)
    if A is not None:
        d = d @ np.linalg.inv(A).T
    return 0.2 + 0.6 * np.exp(-np.sum(d ** 2, axis=-1) / (2 * sigma ** 2))


# ============================================================================= Harris

def test_gaussian_filtering_equals_scipy():
    img = np.random.default_rng(0).random((23, 31))
    for s in (0.4, 1.0, 3.3, 9.0):
        for order in ((0, 0), (0, 1), (1, 0), (2, 0), (0, 2)):
            np.testing.assert_allclose(_common._gaussian(img, s, order), ndi.gaussian_filter(img, s, order=order),
                                       rtol=0, atol=1e-13)


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
    out = features.harris_vs_opencv(astronaut, n_best=100, repeat=1)
    assert out["ours"].shape == out["opencv"].shape == out["skimage"].shape == (100, 2)
    assert out["agreement_skimage"] >= 0.85
    assert out["agreement_opencv"] >= 0.75
    assert all(out[f"time_{n}_s"] > 0 for n in ("ours", "opencv", "skimage"))


def test_corner_classes_flat_edge_corner():
    ev = features.harris_eigenvalues(_square(), 1.0, 2.0)
    classes = features.corner_classes(ev, 1e-3)
    assert classes.shape == (40, 40) and classes.dtype == np.int64
    assert classes[10, 10] == 2 and classes[20, 10] == 1 and classes[3, 3] == 0 and classes[20, 20] == 0
    assert features.corner_classes(np.array([[3.0, 3.0, 0.5], [2.0, 0.1, 0.1]]), 1.0).tolist() == [2, 1, 0]


def _slow_local_maxima(r, thr, d=1):
    h, w = r.shape
    out = np.zeros_like(r, dtype=bool)
    for y in range(h):
        for x in range(w):
            win = r[max(0, y - d):y + d + 1, max(0, x - d):x + d + 1]
            out[y, x] = r[y, x] > thr and r[y, x] >= win.max()
    return out


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


# ============================================================================= scale space

def test_scale_space_and_pyramid(camera):
    sigmas = np.array([1.0, 2.0, 4.0])
    ss = features.scale_space(camera, sigmas)
    assert ss.shape == (3, 128, 128)
    np.testing.assert_allclose(ss[1], ndi.gaussian_filter(camera, 2.0), atol=1e-12)
    pyr = features.gaussian_pyramid(camera, 4)
    assert [p.shape for p in pyr] == [(128, 128), (64, 64), (32, 32), (16, 16)]
    assert abs(pyr[3].mean() - camera.mean()) < 0.02
    assert len(features.gaussian_pyramid(camera, 3, downscale=1.5)) == 3


def test_characteristic_scale_of_a_gaussian_blob_is_its_sigma():
    # closed form: the normalised Laplacian of a blob of std s peaks at σ = s (Lindeberg 1998)
    sigmas = 2.0 ** np.arange(0, 4.5, 0.25)
    for s in (3.0, 4.0, 6.0):
        img = _blob(121, 60, s)
        assert features.characteristic_scale(img, 60, 60, sigmas) == pytest.approx(s, rel=0.04)
    # and it doubles when the blob is twice as large
    a = features.characteristic_scale(_blob(121, 60, 3.0), 60, 60, sigmas)
    b = features.characteristic_scale(_blob(121, 60, 6.0), 60, 60, sigmas)
    assert b / a == pytest.approx(2.0, rel=0.03)
    log = features.laplacian_of_gaussian(_blob(61, 30, 4.0), [4.0])
    assert log.shape == (1, 61, 61) and np.argmin(log[0]) == 30 * 61 + 30


def test_harris_laplace_scales_double_when_the_image_is_zoomed(camera):
    a = features.harris_laplace(camera, n_scales=12, n_best=None)
    assert a.ndim == 2 and a.shape[1] == 3 and len(a) > 20
    zoomed = np.clip(cv2.resize(camera, (256, 256), interpolation=cv2.INTER_CUBIC), 0, 1)
    b = features.harris_laplace(zoomed, n_scales=16, n_best=None)
    mapped = 2 * a[:, :2] + 0.5          # pixel centres: x' = 2x + 0.5
    from scipy.spatial import cKDTree
    d, j = cKDTree(b[:, :2]).query(mapped)
    ok = d <= 2.0
    assert ok.sum() >= 0.5 * len(a)
    ratios = b[j[ok], 2] / a[ok, 2]
    assert np.median(ratios) == pytest.approx(2.0, rel=0.1)
    assert np.mean(np.abs(np.log2(ratios) - 1) <= 0.26) >= 0.7   # within one scale step (2^¼)


def test_harris_laplace_options(camera):
    k, r = features.harris_laplace(camera, n_best=10, return_response=True)
    assert k.shape == (10, 3) and np.all(np.diff(r) <= 0)
    assert len(features.harris_laplace(np.full((40, 40), 0.5))) == 0


# ============================================================================= affine normalization

@pytest.mark.parametrize("A", [np.array([[1.0, 0.6], [0.0, 1.0]]),      # shear
                               np.array([[1.5, 0.0], [0.0, 1 / 1.5]]),   # anisotropic scaling
                               np.array([[1.2, 0.3], [-0.2, 0.9]])])     # general
def test_affine_adapt_recovers_the_shear_of_a_blob(A):
    img = _blob(121, 60, 6.0, A)
    shape, history = features.affine_adapt(img, 60, 60, 5.0, return_history=True)
    assert shape.shape == (2, 2) and np.allclose(shape, shape.T)
    assert np.linalg.det(shape) == pytest.approx(1.0, rel=1e-9)
    # covariance: the isotropic blob's region becomes (A Aᵀ)⁻¹, normalised to det 1
    expected = np.linalg.inv(A @ A.T)
    expected /= np.sqrt(np.linalg.det(expected))
    ev = np.linalg.eigvalsh(shape)
    sv = np.linalg.svd(A, compute_uv=False)
    assert math.sqrt(ev[1] / ev[0]) == pytest.approx(sv[0] / sv[1], rel=0.05)
    np.testing.assert_allclose(shape, expected, atol=0.05)
    np.testing.assert_allclose(history[0], np.eye(2))
    np.testing.assert_allclose(history[-1], shape)
    assert 2 <= len(history) <= 8


def test_affine_adapt_leaves_an_isotropic_blob_circular():
    shape = features.affine_adapt(_blob(81, 40, 5.0), 40, 40, 4.0)
    np.testing.assert_allclose(shape, np.eye(2), atol=1e-3)


def test_normalized_patch_undoes_the_deformation():
    A = np.array([[1.4, 0.5], [0.0, 0.8]])
    img = _blob(121, 60, 6.0, A)
    shape = features.affine_adapt(img, 60, 60, 5.0)
    patch = features.normalized_patch(img, 60, 60, shape, 5.0, size_px=41)
    assert patch.shape == (41, 41) and patch.min() >= 0 and patch.max() <= 1
    # the normalised blob is round: its intensity-weighted second moments are isotropic (up to rotation)
    w = patch - patch.min()
    yy, xx = np.mgrid[0:41, 0:41] - 20.0
    m = np.array([[np.sum(w * xx * xx), np.sum(w * xx * yy)], [np.sum(w * xx * yy), np.sum(w * yy * yy)]])
    ev = np.linalg.eigvalsh(m)
    assert ev[0] / ev[1] > 0.93
    # the raw (identity-shape) patch of the sheared blob is not
    raw = features.normalized_patch(img, 60, 60, np.eye(2), 5.0, size_px=41) - patch.min()
    m2 = np.array([[np.sum(raw * xx * xx), np.sum(raw * xx * yy)], [np.sum(raw * xx * yy), np.sum(raw * yy * yy)]])
    e2 = np.linalg.eigvalsh(m2)
    assert e2[0] / e2[1] < 0.6
    assert patch[20, 20] == pytest.approx(img[60, 60], abs=0.02)


def test_regions_and_harris_affine(camera):
    e = features.regions_to_ellipses(np.array([[3.0, 4.0, 2.0], [5.0, 6.0, 1.0]]))
    np.testing.assert_allclose(e, [[3, 4, 1 / 36, 0, 1 / 36], [5, 6, 1 / 9, 0, 1 / 9]])
    ha = features.harris_affine(camera, n_best=30)
    assert ha.shape[1] == 5 and len(ha) >= 10
    det = ha[:, 2] * ha[:, 4] - ha[:, 3] ** 2
    assert np.all(ha[:, 2] > 0) and np.all(det > 0)
    hl = features.harris_laplace(camera, n_best=30)
    # the area of each ellipse is that of the disc of radius 3σ
    np.testing.assert_allclose(det ** -0.5, (3 * hl[:, 2]) ** 2, rtol=1e-6)


# ============================================================================= OpenCV peers

@pytest.mark.parametrize("method", ["sift", "orb", "fast", "mser", "harris"])
def test_detect_opencv_returns_keypoints_in_the_image(astronaut, method):
    k = features.detect_opencv(astronaut, method, n_best=50)
    assert k.ndim == 2 and k.shape[1] == 3 and 1 <= len(k) <= 50 and k.dtype == np.float64
    assert np.all(np.isfinite(k)) and np.all(k[:, 2] > 0)
    assert np.all((k[:, 0] >= 0) & (k[:, 0] <= 191) & (k[:, 1] >= 0) & (k[:, 1] <= 191))


def test_detect_opencv_sift_matches_opencv_keypoints(astronaut):
    k = features.detect_opencv(astronaut, "sift", n_best=40, with_angle=True)
    kps = cv2.SIFT_create(nfeatures=40).detect(np.round(astronaut * 255).astype(np.uint8), None)
    ref = {(round(p.pt[0], 3), round(p.pt[1], 3), round(p.size / 2, 3), round(math.radians(p.angle), 3))
           for p in kps}
    assert {tuple(np.round(r, 3)) for r in k} <= ref


def test_mser_finds_a_dark_elliptic_bowl_as_an_ellipse_of_the_same_shape():
    # a dark bowl (intensity rising towards its elliptic rim, semi-axes 15 and 8), then a step up:
    # the extremal regions are nested ellipses of this shape; MSER keeps the most stable one
    yy, xx = np.mgrid[0:80, 0:80]
    q = (xx - 40) ** 2 / 15 ** 2 + (yy - 35) ** 2 / 8 ** 2
    img = np.clip(np.where(q <= 1, 0.2 + 0.3 * q, 0.8) + np.random.default_rng(0).normal(0, 0.01, q.shape), 0, 1)
    e = features.mser_regions(img, min_area=20, max_area_frac=0.2)
    assert e.shape[1] == 5 and len(e) >= 1
    best = e[np.argmin(np.hypot(e[:, 0] - 40, e[:, 1] - 35))]
    assert best[0] == pytest.approx(40, abs=0.5) and best[1] == pytest.approx(35, abs=0.5)
    # axis-aligned, with the axis ratio 15 : 8 (the equal-moment ellipse of a filled ellipse is itself)
    assert abs(best[3]) < 0.05 * best[2]
    assert math.sqrt(best[4] / best[2]) == pytest.approx(15 / 8, rel=0.1)
    assert 1 / math.sqrt(best[2]) <= 15.5


# ============================================================================= repeatability

def _translation(dx, dy):
    return np.array([[1.0, 0, dx], [0, 1.0, dy], [0, 0, 1.0]])


def _slow_repeatability(p1, p2, H, shape1, shape2, eps):
    """Loops over the definition: common part, pairs within eps, greedy one-to-one by distance."""
    Hinv = np.linalg.inv(H)
    a, b = [], []
    for x, y in p1:
        u = H @ [x, y, 1.0]
        u = u[:2] / u[2]
        if 0 <= u[0] <= shape2[1] - 1 and 0 <= u[1] <= shape2[0] - 1:
            a.append(u)
    for x, y in p2:
        u = Hinv @ [x, y, 1.0]
        u = u[:2] / u[2]
        if 0 <= u[0] <= shape1[1] - 1 and 0 <= u[1] <= shape1[0] - 1:
            b.append((x, y))
    if not a or not b:
        return 0.0, 0
    pairs = []
    for i, u in enumerate(a):
        for j, v in enumerate(b):
            d = math.dist(u, v)
            if d <= eps:
                pairs.append((d, i, j))
    used_i, used_j = set(), set()
    for d, i, j in sorted(pairs):
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
    # the maximum one-to-one matching is an upper bound of the greedy one
    m = np.zeros((len(a), len(b)))
    for d, i, j in pairs:
        m[i, j] = 1
    r, c = linear_sum_assignment(-m)
    return len(used_i) / min(len(a), len(b)), int(m[r, c].sum())


def test_repeatability_identity_and_translation():
    rng = np.random.default_rng(0)
    pts = rng.uniform(0, 49, (40, 2))
    assert features.repeatability(pts, pts, np.eye(3), (50, 50), (50, 50)) == 1.0
    assert features.repeatability(pts, pts + [3, -2], _translation(3, -2), (50, 50), (50, 50)) == 1.0
    # exactly at eps counts, beyond does not
    assert features.repeatability(pts[:1] * 0 + 20, np.array([[21.5, 20.0]]), np.eye(3), (50, 50), (50, 50)) == 1.0
    assert features.repeatability(pts[:1] * 0 + 20, np.array([[21.6, 20.0]]), np.eye(3), (50, 50), (50, 50)) == 0.0


def test_repeatability_ignores_points_outside_the_common_part():
    p1 = np.array([[5.0, 5.0], [15.0, 5.0], [28.0, 5.0]])      # the last maps to x = 38 > 29
    p2 = np.array([[15.0, 5.0], [25.0, 5.0], [2.0, 8.0]])      # the last maps back to x = −8
    H = _translation(10, 0)
    rep, n_corr, n1, n2 = features.repeatability(p1, p2, H, (10, 30), (10, 30), return_counts=True)
    assert (n_corr, n1, n2) == (2, 2, 2) and rep == 1.0
    # adding far-away points outside the common part changes nothing
    more = np.r_[p2, [[1.0, 1.0], [3.0, 2.0]]]
    assert features.repeatability(p1, more, H, (10, 30), (10, 30)) == 1.0
    assert features.repeatability(p1[:0], p2, H, (10, 30), (10, 30)) == 0.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_repeatability_matches_the_brute_force_reference(seed):
    rng = np.random.default_rng(seed)
    shape = (60, 80)
    p1 = rng.uniform([0, 0], [79, 59], (50, 2))
    H = _translation(*rng.uniform(-8, 8, 2))
    H[:2, :2] += rng.normal(0, 0.05, (2, 2))
    H[2, :2] = rng.normal(0, 3e-4, 2)
    q = np.c_[p1, np.ones(50)] @ H.T
    p2 = np.r_[q[:35, :2] / q[:35, 2:] + rng.normal(0, 0.8, (35, 2)), rng.uniform([0, 0], [79, 59], (20, 2))]
    for eps in (1.0, 1.5, 3.0):
        rep, n_corr, _, _ = features.repeatability(p1, p2, H, shape, shape, eps, return_counts=True)
        slow, upper = _slow_repeatability(p1, p2, H, shape, shape, eps)
        assert rep == pytest.approx(slow, abs=1e-12)
        assert n_corr <= upper and n_corr >= 0.8 * upper


def test_ellipse_overlap_error_closed_forms():
    c = lambda x, y, r: np.array([x, y, 1 / r ** 2, 0, 1 / r ** 2])  # noqa: E731
    assert features.ellipse_overlap_error(c(0, 0, 10), c(0, 0, 10)) == pytest.approx(0.0, abs=0.01)
    assert features.ellipse_overlap_error(c(0, 0, 10), c(0, 0, 20)) == pytest.approx(0.75, abs=0.01)
    assert features.ellipse_overlap_error(c(0, 0, 20), c(0, 0, 10)) == pytest.approx(0.75, abs=0.01)
    assert features.ellipse_overlap_error(c(0, 0, 10), c(25, 0, 10)) == 1.0
    # two equal discs d apart: the lens formula
    r, d = 10.0, 6.0
    lens = 2 * r * r * math.acos(d / (2 * r)) - d / 2 * math.sqrt(4 * r * r - d * d)
    expected = 1 - lens / (2 * math.pi * r * r - lens)
    got = features.ellipse_overlap_error(np.array([c(0, 0, r)]), np.array([c(d, 0, r)]))
    assert got.shape == (1,) and got[0] == pytest.approx(expected, abs=0.01)
    # an ellipse and its 90° rotation: semi-axes (20, 5) vs (5, 20) -> intersection area known
    e1, e2 = np.array([0, 0, 1 / 400, 0, 1 / 25]), np.array([0, 0, 1 / 25, 0, 1 / 400])
    inter = 4 * 20 * 5 * math.atan(5 / 20)                     # = 4ab·atan(b/a) for perpendicular copies
    assert features.ellipse_overlap_error(e1, e2) == pytest.approx(1 - inter / (2 * math.pi * 100 - inter), abs=0.015)


def test_repeatability_with_regions():
    rng = np.random.default_rng(3)
    e1 = np.c_[rng.uniform(10, 90, (30, 2)), np.full(30, 1 / 36.0), rng.uniform(-0.005, 0.005, 30), np.full(30, 1 / 36.0)]
    H = np.array([[1.1, 0.2, 3.0], [-0.1, 0.9, 2.0], [1e-4, 0.0, 1.0]])
    # map each ellipse exactly with the local affine approximation: a perfect detector
    A = repeatability._jacobians(H, e1[:, :2])
    Ai = np.linalg.inv(A)
    M = np.swapaxes(Ai, 1, 2) @ repeatability._ellipse_matrices(e1) @ Ai
    q = np.c_[e1[:, :2], np.ones(30)] @ H.T
    e2 = np.c_[q[:, :2] / q[:, 2:], M[:, 0, 0], M[:, 0, 1], M[:, 1, 1]]
    assert features.repeatability(e1, e2, H, (100, 100), (130, 130), max_overlap_error=0.4) == 1.0
    # the same centres with twice the size: overlap error 75 % > 40 %: nothing repeats
    e2_big = e2.copy()
    e2_big[:, 2:] /= 4
    assert features.repeatability(e1, e2_big, H, (100, 100), (130, 130), max_overlap_error=0.4) == 0.0
    # keypoints with a scale: a circle of radius 3σ; a scale ratio of 1.2 still repeats
    # (on a grid 25 px apart, so that neighbours cannot be confused after the normalisation to 30 px)
    grid = np.stack(np.meshgrid(np.arange(12.0, 90, 25), np.arange(12.0, 90, 25)), -1).reshape(-1, 2)
    k1 = np.c_[grid, rng.uniform(1, 4, len(grid))]
    assert features.repeatability(k1, k1 * [1, 1, 1.2], np.eye(3), (100, 100), (100, 100), max_overlap_error=0.4) == 1.0
    assert features.repeatability(k1, k1 * [1, 1, 2.0], np.eye(3), (100, 100), (100, 100), max_overlap_error=0.4) == 0.0


def test_synthetic_sequence_homographies_are_exact(astronaut):
    img = np.round(astronaut * 255).astype(np.uint8)
    for kind in ("viewpoint", "zoom_rotation"):
        images, Hs = features.synthetic_viewpoint_sequence(img, n=3, seed=5, kind=kind, noise_std=0.0)
        assert len(images) == 4 and sorted(Hs) == [2, 3, 4] and images[1].shape == img.shape
        # image k at H·p has image 1's value at p (up to the intensity change a·I + b)
        H = Hs[4]
        pts = np.random.default_rng(0).uniform(60, 130, (200, 2))
        q = np.c_[pts, np.ones(200)] @ H.T
        q = q[:, :2] / q[:, 2:]
        ok = np.all((q > 1) & (q < 190), axis=1)
        v1 = ndi.map_coordinates(images[0].astype(float), [pts[ok, 1], pts[ok, 0]], order=1)
        v2 = ndi.map_coordinates(images[3].astype(float), [q[ok, 1], q[ok, 0]], order=1)
        assert ok.sum() > 50 and np.corrcoef(v1, v2)[0, 1] > 0.9
    a = features.synthetic_viewpoint_sequence(img, n=2, seed=1, kind="blur")
    b = features.synthetic_viewpoint_sequence(img, n=2, seed=1, kind="blur")
    assert all(np.array_equal(x, y) for x, y in zip(a[0], b[0]))
    np.testing.assert_allclose(a[1][3], np.eye(3))
    for kind in ("light", "jpeg"):
        ims, hs = features.synthetic_viewpoint_sequence(img, n=2, seed=1, kind=kind)
        assert len(ims) == 3 and np.allclose(hs[2], np.eye(3))


def test_downscale_sequence_keeps_the_geometry(astronaut):
    img = np.round(astronaut * 255).astype(np.uint8)
    images, Hs = features.synthetic_viewpoint_sequence(img, n=2, seed=2, kind="zoom_rotation", noise_std=0.0)
    small, Hs2 = features.downscale_sequence(images, Hs, 2.0)
    assert small[0].shape == (96, 96)
    # x' = (x + 0.5)/2 − 0.5 on both sides
    p = np.array([[50.0, 70.0], [100.0, 90.0]])
    S = np.array([[0.5, 0, -0.25], [0, 0.5, -0.25], [0, 0, 1]])
    ph = np.c_[p, np.ones(2)]
    a = (S @ Hs[3] @ ph.T).T
    b = (Hs2[3] @ S @ ph.T).T
    np.testing.assert_allclose(a[:, :2] / a[:, 2:], b[:, :2] / b[:, 2:], atol=1e-9)


def test_repeatability_curves_on_a_synthetic_sequence(astronaut):
    img = np.round(astronaut * 255).astype(np.uint8)
    seq = features.synthetic_viewpoint_sequence(img, n=3, seed=0, kind="light")
    dets = {"harris": lambda im: features.harris_corners(im, n_best=60, threshold_rel=0.0),
            "sift": lambda im: features.detect_opencv(im, "sift", n_best=60)}
    curves = features.repeatability_curves(dets, {"light": seq}, max_overlap_error=None, progress=False)
    assert set(curves["light"]) == {"harris", "sift"}
    for v in curves["light"].values():
        assert v.shape == (3,) and np.all((v >= 0) & (v <= 1))
    # Harris sees through a pure darkening much better than chance
    assert curves["light"]["harris"][0] > 0.6
    one = features.repeatability_curve(dets["harris"], *seq, max_overlap_error=None)
    np.testing.assert_allclose(one, curves["light"]["harris"])


def test_repeatability_sweep_identity_is_perfect(camera):
    dets = {"harris": lambda im: np.c_[features.harris_corners(im, n_best=50, threshold_rel=0.0), np.full(50, 2.0)],
            "hl": lambda im: features.harris_laplace(im, n_best=50)}
    out = features.repeatability_sweep(camera, dets, "rotation", [0.0, 90.0], progress=False)
    assert out["harris"][0] == 1.0 and out["hl"][0] == 1.0
    assert out["harris"][1] > 0.8
    zoom = features.repeatability_sweep(camera, dets, "scale", [2.0], progress=False)
    # a single-scale detector loses its regions under a 2× zoom; Harris–Laplace follows the scale
    assert zoom["harris"][0] < 0.1 and zoom["hl"][0] > 0.3


def test_affine_sequences_fallback_is_synthetic():
    seqs, source = features.affine_sequences(("bikes",), downscale=4.0, use_pack=False)
    assert source == "synthetic"
    images, Hs = seqs["bikes"]
    assert len(images) == 6 and sorted(Hs) == [2, 3, 4, 5, 6] and max(images[0].shape[:2]) == 200


@pytest.mark.datapack
def test_affine_sequences_from_the_pack():
    from imsearch.data import pack as data
    if not data.have_dataset("oxford_affine"):
        pytest.skip("the data pack is not available")
    seqs, source = features.affine_sequences(("graf",), downscale=2.0)
    images, Hs = seqs["graf"]
    assert source == "oxford_affine" and images[0].shape == (320, 400, 3)
    k1 = features.detect_opencv(images[0], "sift", n_best=300)
    k2 = features.detect_opencv(images[1], "sift", n_best=300)
    assert features.repeatability(k1, k2, Hs[2], images[0].shape, images[1].shape, max_overlap_error=0.4) > 0.5


def test_sequence_axis():
    Hs = {n: np.diag([0.8 ** (n - 1), 0.8 ** (n - 1), 1.0]) for n in range(2, 7)}
    x, label = features.sequence_axis("boat", Hs, "oxford_affine")
    np.testing.assert_allclose(x, 1.25 ** np.arange(1, 6))
    assert "scale" in label
    x, label = features.sequence_axis("graf", Hs, "oxford_affine")
    assert x.tolist() == [20, 30, 40, 50, 60] and "viewpoint" in label
    x, label = features.sequence_axis("graf", Hs, "synthetic")
    assert x.tolist() == [2, 3, 4, 5, 6]
    assert features.sequence_axis("ubc", Hs)[0].tolist() == [60, 80, 90, 95, 98]
    with pytest.raises(ValueError):
        features.sequence_axis("louvre", Hs)


def test_nearest_correspondences():
    rng = np.random.default_rng(4)
    k1 = np.c_[rng.uniform(0, 50, (20, 2)), np.ones(20)]
    k2 = np.r_[k1[:, :2] + [5.0, -2.0], rng.uniform(200, 300, (5, 2))]
    pairs = features.nearest_correspondences(k1, k2, _translation(5, -2), tol_px=0.5)
    assert pairs.dtype == np.int64 and pairs.tolist() == [[i, i] for i in range(20)]
    assert features.nearest_correspondences(k1, k2, np.eye(3), tol_px=0.5).shape[1] == 2
    assert features.nearest_correspondences(k1[:0], k2, np.eye(3)).shape == (0, 2)


# ============================================================================= SIFT

def test_dominant_orientation_of_a_ramp():
    yy, xx = np.mgrid[0:81, 0:81].astype(float)
    for deg in (0.0, 37.0, 130.0, 250.0, 359.0):
        t = math.radians(deg)
        img = 0.5 + 0.004 * ((xx - 40) * math.cos(t) + (yy - 40) * math.sin(t))
        angles = features.dominant_orientations(img, 40, 40, 3.0)
        assert len(angles) == 1
        diff = (angles[0] - t + math.pi) % (2 * math.pi) - math.pi
        assert abs(diff) < math.radians(2.0)
    assert len(features.dominant_orientations(np.full((40, 40), 0.5), 20, 20, 2.0)) == 0


def test_orientations_agree_with_opencv(astronaut):
    k = features.detect_opencv(astronaut, "sift", n_best=60, with_angle=True)
    ours = features.assign_orientations(astronaut, k[:, :3])
    assert ours.shape[1] == 4 and len(ours) >= 0.8 * len(np.unique(k[:, :3], axis=0))
    # OpenCV's angle is one of ours (same convention: from +x towards +y, y down) for most keypoints
    hits = 0
    for row in k:
        mine = ours[np.all(np.isclose(ours[:, :3], row[:3]), axis=1), 3]
        d = np.abs((mine - row[3] + np.pi) % (2 * np.pi) - np.pi)
        hits += bool(len(d) and d.min() < math.radians(10))
    assert hits >= 0.7 * len(k)


def _slow_sift(img, kp, spc=4):
    """SIFT by loops from Lowe (2004): blur at σ, rotated samples, trilinear votes, clip at 0.2."""
    x, y, s, t = kp
    blurred = ndi.gaussian_filter(img, math.sqrt(s * s - 0.25))
    n = 4 * spc
    hist = np.zeros((4, 4, 8))
    w = 3 * s
    for r in range(n):
        for c in range(n):
            ux, uy = (c + 0.5) / spc - 2, (r + 0.5) / spc - 2

            def val(dx, dy):
                px = x + w * (math.cos(t) * (ux + dx) - math.sin(t) * (uy + dy))
                py = y + w * (math.sin(t) * (ux + dx) + math.cos(t) * (uy + dy))
                return ndi.map_coordinates(blurred, [[py], [px]], order=1, mode="nearest")[0]

            gx = (val(1 / spc, 0) - val(-1 / spc, 0)) / 2
            gy = (val(0, 1 / spc) - val(0, -1 / spc)) / 2
            mag = math.hypot(gx, gy) * math.exp(-(ux * ux + uy * uy) / 8)
            o = (math.atan2(-gy, gx) % (2 * math.pi)) * 8 / (2 * math.pi)
            bx, by = ux + 1.5, uy + 1.5
            for cy in range(4):
                for cx in range(4):
                    wy, wx = 1 - abs(by - cy), 1 - abs(bx - cx)
                    if wy <= 0 or wx <= 0:
                        continue
                    o0 = math.floor(o)
                    hist[cy, cx, o0 % 8] += mag * wy * wx * (1 - (o - o0))
                    hist[cy, cx, (o0 + 1) % 8] += mag * wy * wx * (o - o0)
    v = hist.ravel() / np.linalg.norm(hist)
    v = np.minimum(v, 0.2)
    return v / np.linalg.norm(v)


def test_sift_descriptor_matches_the_loop_reference(camera):
    # scales on the library's quarter-octave grid below 2 px: blurred exactly at σ, no subsampling
    kps = np.array([[64.0, 60.0, 2 ** 0.5, 0.3], [40.3, 80.7, 2 ** 0.75, 2.0], [90.0, 45.0, 2 ** 0.25, -1.0]])
    d = features.sift_descriptor(camera, kps)
    assert d.shape == (3, 128) and d.dtype == np.float32
    for row, kp in zip(d, kps):
        np.testing.assert_allclose(row, _slow_sift(camera, kp), atol=2e-6)


def test_sift_descriptor_invariances(camera):
    # 129 px: W − 1 = 128 keeps the pyramid's subsampling grid symmetric under rot90
    img = 0.2 + 0.5 * cv2.resize(camera, (129, 129), interpolation=cv2.INTER_LINEAR)
    kps = features.assign_orientations(img, features.harris_laplace(img, n_best=40))
    d = features.sift_descriptor(img, kps)
    np.testing.assert_allclose(np.linalg.norm(d, axis=1), 1.0, rtol=1e-5)
    assert d.min() >= 0
    # I -> I + b: identical; I -> a·I: identical after normalisation
    np.testing.assert_allclose(features.sift_descriptor(img + 0.2, kps), d, atol=1e-6)
    np.testing.assert_allclose(features.sift_descriptor(img * 1.3, kps), d, atol=1e-6)
    # rotating the image by 90° and the keypoints with it gives the same descriptors
    rot = np.rot90(img)                          # (x, y) -> (y, W − 1 − x); directions turn by −90°
    k90 = np.c_[kps[:, 1], img.shape[1] - 1 - kps[:, 0], kps[:, 2], kps[:, 3] - math.pi / 2]
    np.testing.assert_allclose(features.sift_descriptor(rot, k90), d, atol=1e-5)


def test_sift_descriptor_is_close_to_opencv_on_the_same_keypoints(astronaut):
    k = features.detect_opencv(astronaut, "sift", n_best=80, with_angle=True)
    ours, cv = features.sift_descriptor(astronaut, k), features.opencv_sift_descriptor(astronaut, k)
    assert cv.shape == ours.shape == (len(k), 128)
    cos = np.sum(ours * cv, axis=1)
    assert np.median(cos) > 0.95 and np.mean(cos > 0.8) > 0.85


def _correct_nn_fraction(d1, d2, k1, k2, H, tol=3.0):
    nn = np.argmin(((d1[:, None, :] - d2[None, :, :]) ** 2).sum(-1), axis=1)
    q = np.c_[k1[:, :2], np.ones(len(k1))] @ H.T
    return np.mean(np.linalg.norm(q[:, :2] / q[:, 2:] - k2[nn, :2], axis=1) <= tol)


def test_sift_matching_under_rotation_is_as_good_as_opencv(astronaut):
    img = np.round(astronaut * 255).astype(np.uint8)
    H = repeatability._similarity_about_centre(img.shape, 1.2, math.radians(35))
    img2 = cv2.warpAffine(img, H[:2], (192, 192), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
    k1 = features.detect_opencv(img, "sift", n_best=150, with_angle=True)
    k2 = features.detect_opencv(img2, "sift", n_best=150, with_angle=True)
    ours = _correct_nn_fraction(features.sift_descriptor(img, k1), features.sift_descriptor(img2, k2), k1, k2, H)
    theirs = _correct_nn_fraction(features.opencv_sift_descriptor(img, k1), features.opencv_sift_descriptor(img2, k2),
                                  k1, k2, H)
    assert ours >= 0.5 and ours >= theirs - 0.08


def test_sift_descriptor_is_fast(astronaut):
    rng = np.random.default_rng(0)
    kps = np.c_[rng.uniform(10, 180, (500, 2)), rng.uniform(1.0, 12.0, 500), rng.uniform(0, 2 * np.pi, 500)]
    best = min(_timed(lambda: features.sift_descriptor(astronaut, kps)) for _ in range(2))
    assert best < 1.0


def _timed(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


def test_root_sift_is_the_hellinger_kernel():
    rng = np.random.default_rng(0)
    a, b = rng.random((5, 128)), rng.random((5, 128))
    ra, rb = features.root_sift(a), features.root_sift(b)
    assert ra.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ra, axis=1), 1.0, rtol=1e-6)
    hell = np.sum(np.sqrt(a / a.sum(1, keepdims=True) * b / b.sum(1, keepdims=True)), axis=1)
    np.testing.assert_allclose(np.sum(ra * rb, axis=1), hell, rtol=1e-5)
    assert np.all(features.root_sift(np.zeros((2, 128))) == 0)
    assert features.root_sift(np.zeros((0, 128))).shape == (0, 128)


def test_orientation_histograms_match_loops():
    rng = np.random.default_rng(2)
    m, o = rng.random((16, 16)), rng.uniform(-7, 7, (16, 16))
    h = features.orientation_histograms(m, o)
    ref = np.zeros((4, 4, 8))
    for r in range(16):
        for c in range(16):
            v = (o[r, c] % (2 * np.pi)) * 8 / (2 * np.pi)
            b = math.floor(v)
            ref[r // 4, c // 4, b % 8] += m[r, c] * (1 - (v - b))
            ref[r // 4, c // 4, (b + 1) % 8] += m[r, c] * (v - b)
    np.testing.assert_allclose(h, ref.ravel(), atol=1e-12)
    assert h.sum() == pytest.approx(m.sum())


def test_descriptor_patch_feeds_the_orientation_histograms(camera):
    kp = np.array([64.0, 60.0, 2 ** 0.5, 0.3])
    patch, mag, ori = features.descriptor_patch(camera, kp)
    assert patch.shape == mag.shape == ori.shape == (16, 16)
    assert mag.min() >= 0 and ori.min() >= 0 and ori.max() < 2 * np.pi
    # the centre of the patch is the keypoint, blurred at σ
    blurred = ndi.gaussian_filter(camera, math.sqrt(2 - 0.25))
    centre = ndi.map_coordinates(blurred, [[60.0], [64.0]], order=1)[0]
    assert 0.25 * patch[7:9, 7:9].sum() == pytest.approx(centre, abs=0.02)
    # hard spatial binning of the same gradients is close to the real (trilinear) descriptor
    h = features.orientation_histograms(mag, ori)
    d = features.sift_descriptor(camera, kp[None])[0]
    assert h @ d / np.linalg.norm(h) > 0.8


def test_empty_keypoints():
    img = np.zeros((20, 20))
    assert features.sift_descriptor(img, np.zeros((0, 4))).shape == (0, 128)
    assert features.opencv_sift_descriptor(img, np.zeros((0, 4))).shape == (0, 128)
    assert features.assign_orientations(img, np.zeros((0, 3))).shape == (0, 4)


# ============================================================================= plots and widgets

def test_chapter_4_plots_draw(camera):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from imsearch import viz
    from imsearch import widgets
    k = features.harris_laplace(camera, n_best=20)
    figs = [viz.draw_keypoints(camera, k[:, :2], title="points"), viz.draw_keypoints(camera, k, title="circles"),
            viz.draw_keypoints(camera, features.assign_orientations(camera, k), title="oriented"),
            viz.draw_keypoints(camera, features.regions_to_ellipses(k), title="ellipses"),
            viz.plot_harris(camera, 1.0, 2.0, 0.05, 30),
            viz.plot_corner_eigenvalues(features.harris_eigenvalues(camera), 1e-3),
            viz.plot_shape_adaptation(_blob(81, 40, 5.0), 40, 40, 4.0, [np.eye(2), np.diag([2.0, 0.5])]),
            viz.plot_repeatability_curves({"a": {"x": np.array([0.5, 0.4])}, "b": {"x": np.array([0.9, 0.1])}}),
            viz.plot_repeatability_curves({"a": {"x": np.array([0.5, 0.4])}}, {"a": np.array([20, 30])}, "angle"),
            viz.show_maps([camera, -camera], ["a", "b"]),
            viz.plot_orientation_histograms(np.random.default_rng(0).random(128), camera[:16, :16])]
    for fig in figs:
        assert fig.axes and fig.axes[0].get_title()
    w = widgets.harris_sliders(camera[:48, :48], n_best=10)
    assert len(w.children) >= 4
    plt.close("all")


# ============================================================================= bad inputs

@pytest.mark.parametrize("call,err", [
    (lambda: features.harris_response(np.zeros(5)), ValueError),
    (lambda: features.harris_response(np.zeros((8, 8), np.int32)), TypeError),
    (lambda: features.harris_response(np.full((8, 8), np.nan)), ValueError),
    (lambda: features.harris_response(np.full((8, 8), 2.0)), ValueError),
    (lambda: features.harris_response(np.zeros((8, 8)), sigma_d=0), ValueError),
    (lambda: features.harris_response(np.zeros((8, 8)), k=0.3), ValueError),
    (lambda: features.harris_response("image"), TypeError),
    (lambda: features.local_maxima(np.zeros((3, 3, 3)), 0.0), ValueError),
    (lambda: features.local_maxima(np.zeros((3, 3)), 0.0, min_distance_px=0), ValueError),
    (lambda: features.harris_corners(np.zeros((8, 8)), n_best=0), ValueError),
    (lambda: features.corner_classes(np.zeros((3, 4, 4)), 1.0), ValueError),
    (lambda: features.corner_classes(np.array([[0.0], [1.0]]), 1.0), ValueError),
    (lambda: features.scale_space(np.zeros((8, 8)), [1.0, -1.0]), ValueError),
    (lambda: features.characteristic_scale(np.zeros((8, 8)), 4, 4, [1.0, 2.0]), ValueError),
    (lambda: features.characteristic_scale(np.zeros((8, 8)), 9, 4, [1.0, 2.0, 3.0]), ValueError),
    (lambda: features.harris_laplace(np.zeros((8, 8)), scale_ratio=1.0), ValueError),
    (lambda: features.affine_adapt(np.zeros((8, 8)), 2, 2, 0.0), ValueError),
    (lambda: features.affine_adapt(np.zeros((8, 8)), 2, 2, 1.0, tol=1.0), ValueError),
    (lambda: features.normalized_patch(np.zeros((8, 8)), 2, 2, np.array([[1.0, 2.0], [0.0, 1.0]]), 1.0), ValueError),
    (lambda: features.normalized_patch(np.zeros((8, 8)), 2, 2, -np.eye(2), 1.0), ValueError),
    (lambda: features.detect_opencv(np.zeros((8, 8)), "surf"), ValueError),
    (lambda: features.detect_opencv(np.zeros((8, 8)), "mser", with_angle=True), ValueError),
    (lambda: features.repeatability(np.zeros((3, 7)), np.zeros((3, 2)), np.eye(3), (9, 9), (9, 9)), ValueError),
    (lambda: features.repeatability(np.zeros((3, 2)), np.zeros((3, 2)), np.zeros((3, 3)), (9, 9), (9, 9)), ValueError),
    (lambda: features.repeatability(np.zeros((3, 2)), np.zeros((3, 2)), np.eye(2), (9, 9), (9, 9)), ValueError),
    (lambda: features.repeatability(np.zeros((3, 2)), np.zeros((3, 2)), np.eye(3), 9, (9, 9)), TypeError),
    (lambda: features.repeatability(np.zeros((3, 2)), np.zeros((3, 2)), np.eye(3), (9, 9), (9, 9), eps_px=0), ValueError),
    (lambda: features.repeatability(np.zeros((3, 2)), np.zeros((3, 2)), np.eye(3), (9, 9), (9, 9),
                                 max_overlap_error=0.4), ValueError),
    (lambda: features.repeatability(np.full((3, 2), np.nan), np.zeros((3, 2)), np.eye(3), (9, 9), (9, 9)), ValueError),
    (lambda: features.repeatability(np.ones((1, 3)) * [1, 1, 0], np.ones((1, 3)), np.eye(3), (9, 9), (9, 9),
                                 max_overlap_error=0.4), ValueError),
    (lambda: features.ellipse_overlap_error(np.array([0, 0, -1.0, 0, 1]), np.array([0, 0, 1.0, 0, 1])), ValueError),
    (lambda: features.ellipse_overlap_error(np.zeros((2, 5)) + [0, 0, 1, 0, 1], np.zeros((3, 5)) + [0, 0, 1, 0, 1]),
     ValueError),
    (lambda: features.repeatability_curve("harris", [np.zeros((8, 8))] * 2, {2: np.eye(3)}), TypeError),
    (lambda: features.repeatability_curve(lambda im: np.zeros((0, 2)), [np.zeros((8, 8))] * 2, {3: np.eye(3)}),
     ValueError),
    (lambda: features.repeatability_curves({}, {"a": ([], {})}), TypeError),
    (lambda: features.repeatability_sweep(np.zeros((8, 8)), {"a": lambda im: np.zeros((0, 2))}, "shear", [1.0]),
     ValueError),
    (lambda: features.synthetic_viewpoint_sequence(np.zeros((8, 8)), kind="fog"), ValueError),
    (lambda: features.synthetic_viewpoint_sequence(np.zeros((8, 8)), n=0), ValueError),
    (lambda: features.synthetic_viewpoint_sequence(np.zeros((8, 8)), seed=-1), TypeError),
    (lambda: features.affine_sequences(("louvre",), use_pack=False), ValueError),
    (lambda: features.sift_descriptor(np.zeros((8, 8)), np.zeros((2, 3))), ValueError),
    (lambda: features.sift_descriptor(np.zeros((8, 8)), np.array([[1.0, 1.0, -1.0, 0.0]])), ValueError),
    (lambda: features.sift_descriptor(np.zeros((8, 8)), np.array([[1.0, np.inf, 1.0, 0.0]])), ValueError),
    (lambda: features.root_sift(-np.ones((2, 4))), ValueError),
    (lambda: features.root_sift(np.ones(4)), ValueError),
    (lambda: features.orientation_histograms(np.ones((10, 10)), np.zeros((10, 10))), ValueError),
    (lambda: features.orientation_histograms(np.ones((8, 8)), np.zeros((8, 4))), ValueError),
    (lambda: features.orientation_histograms(-np.ones((8, 8)), np.zeros((8, 8))), ValueError),
    (lambda: features.dominant_orientations(np.zeros((8, 8)), 4, 4, 1.0, peak_ratio=0), ValueError),
    (lambda: features.fraction_within(np.zeros((2, 2)), np.zeros((2, 2)), tol_px=-1), ValueError),
])
def test_bad_inputs_raise(call, err):
    with pytest.raises(err):
        call()


def test_error_messages_name_the_argument():
    with pytest.raises(ValueError, match="gray must have shape"):
        features.harris_response(np.zeros(5))
    with pytest.raises(ValueError, match=r"kps1 must have shape"):
        features.repeatability(np.zeros((3, 7)), np.zeros((3, 2)), np.eye(3), (9, 9), (9, 9))
    with pytest.raises(ValueError, match="method must be one of"):
        features.detect_opencv(np.zeros((8, 8)), "surf")
