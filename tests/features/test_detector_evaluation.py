"""imsearch.features.detector_evaluation: How good is a detector (chapter 4): overlap error of two regions, repeatability and its curves."""
import math
import cv2
import numpy as np
import pytest
import scipy.ndimage as ndi
from scipy.optimize import linear_sum_assignment

from imsearch import features
from imsearch.features import detector_evaluation as repeatability
from imsearch.data import load_default_image
from imsearch.image import to_gray


@pytest.fixture(scope="module")
def astronaut():
    g = to_gray(load_default_image("astronaut"))
    return cv2.resize(g, (192, 192), interpolation=cv2.INTER_AREA)


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
