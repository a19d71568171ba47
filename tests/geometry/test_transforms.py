"""imsearch.geometry.transforms: The hierarchy of planar transformations (chapter 5): applying, fitting, invariants, warping."""
import math
import warnings
import numpy as np
import pytest

from imsearch import eval, geometry
from image_helpers import two_views as _two_views


MODELS = list(geometry.TRANSFORMATIONS)


def _scene(model="homography", n=60, noise=0.0, outliers=0.0, seed=0):
    """Random correspondences under a random model of the given kind, with noise and outliers."""
    rng = np.random.default_rng(seed)
    M = geometry.random_transformation(model, seed=rng, center=(320, 240), scale_px=300, strength=0.3)
    src = rng.uniform(0, 640, (n, 2))
    dst = geometry.apply_homography(M, src) + rng.normal(0, noise, (n, 2)) if noise else geometry.apply_homography(M, src)
    out = np.zeros(n, bool)
    out[rng.permutation(n)[: int(round(outliers * n))]] = True
    dst[out] = rng.uniform(0, 640, (out.sum(), 2))
    return M, src, dst, ~out


def _dlt_unnormalised(src, dst):
    rows = []
    for (x, y), (u, v) in zip(src, dst):
        rows.append([-x, -y, -1, 0, 0, 0, u * x, u * y, u])
        rows.append([0, 0, 0, -x, -y, -1, v * x, v * y, v])
    H = np.linalg.svd(np.array(rows))[2][-1].reshape(3, 3)
    return H / H[2, 2]


def _lengths(p):
    return np.linalg.norm(p[:, None] - p[None], axis=-1)[np.triu_indices(len(p), 1)]


def _angles(p):
    a, b, c = p[0], p[1], p[2]
    u, v = b - a, c - a
    return math.acos(np.dot(u, v) / np.linalg.norm(u) / np.linalg.norm(v))


def _area(p):
    return 0.5 * abs((p[1, 0] - p[0, 0]) * (p[2, 1] - p[0, 1]) - (p[1, 1] - p[0, 1]) * (p[2, 0] - p[0, 0]))


def _pair(seed=0, n=100, outliers=0.5):
    M, src, dst, truth = _scene("homography", n=n, noise=0.3, outliers=outliers, seed=seed)
    grid = np.random.default_rng(seed).uniform(0, 640, (8, 2))
    verified = np.column_stack([geometry.apply_homography(M, grid), grid])
    return {"name": f"p{seed}", "matches": np.column_stack([dst, src]), "H_BtoA": M,
            "verified": verified, "labels": truth.astype(int)}, truth


def test_apply_homography_closed_form_and_opencv():
    import cv2

    H = np.array([[2.0, 0, 5], [0, 3, -1], [0, 0, 1]])
    np.testing.assert_allclose(geometry.apply_homography(H, [[1, 1], [0, 0]]), [[7, 2], [5, -1]])
    M, src, _, _ = _scene()
    ref = cv2.perspectiveTransform(src[None].astype(np.float64), M)[0]
    np.testing.assert_allclose(geometry.apply_homography(M, src), ref, rtol=1e-10, atol=1e-9)
    assert geometry.apply_homography(M, np.zeros((0, 2))).shape == (0, 2)
    # a point on the line at infinity maps to inf, without warnings
    P = np.array([[1.0, 0, 0], [0, 1, 0], [1, 0, 0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.all(np.isinf(geometry.apply_homography(P, [[0.0, 3.0]])))


def test_transfer_error_closed_form():
    H = np.eye(3)
    H[:2, 2] = [3, 4]
    np.testing.assert_allclose(geometry.transfer_error(H, [[0, 0], [1, 1]], [[0, 0], [4, 5]]), [5.0, 0.0])


@pytest.mark.parametrize("bad, err, match", [
    (np.zeros((3, 3)), ValueError, r"pts must have shape \(N, 2\), got \(3, 3\)"),
    (np.zeros(2), ValueError, r"pts must have shape \(N, 2\)"),
    (np.array([[np.nan, 0.0]]), ValueError, "pts must contain only finite values"),
    (np.array([["a", "b"]]), TypeError, "pts must have a"),
    ("xy", TypeError, "pts must be an array"),
])
def test_apply_homography_bad_points(bad, err, match):
    with pytest.raises(err, match=match):
        geometry.apply_homography(np.eye(3), bad)


def test_apply_homography_bad_matrix():
    with pytest.raises(ValueError, match=r"H must have shape \(3, 3\), got \(2, 3\)"):
        geometry.apply_homography(np.eye(3)[:2], [[0, 0]])
    with pytest.raises(ValueError, match="src and dst must have the same shape"):
        geometry.transfer_error(np.eye(3), np.zeros((3, 2)), np.zeros((4, 2)))


def test_normalize_points_centroid_and_mean_distance():
    pts = np.random.default_rng(1).uniform(-50, 900, (40, 2))
    n, T = geometry.normalize_points(pts)
    np.testing.assert_allclose(n.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(n, axis=1).mean(), math.sqrt(2))
    np.testing.assert_allclose(geometry.apply_homography(T, pts), n, atol=1e-12)
    with pytest.raises(ValueError, match="they all coincide"):
        geometry.normalize_points(np.ones((5, 2)))


@pytest.mark.parametrize("model", MODELS)
def test_fit_recovers_an_exact_model(model):
    M, src, dst, _ = _scene(model, n=12)
    np.testing.assert_allclose(geometry.fit_model(src, dst, model), M, rtol=1e-8, atol=1e-8)
    k = geometry.TRANSFORMATIONS[model]["min_samples"]
    np.testing.assert_allclose(geometry.fit_model(src[:k], dst[:k], model), M, rtol=1e-7, atol=1e-7)


def test_fit_translation_is_the_mean_displacement():
    src = np.array([[0.0, 0], [1, 0], [0, 1]])
    dst = src + [[1, 2], [3, 2], [2, 5]]
    np.testing.assert_allclose(geometry.fit_translation(src, dst), [[1, 0, 2], [0, 1, 3], [0, 0, 1]])


def test_fit_rigid_matches_the_closed_form_angle():
    _, src, dst, _ = _scene("rigid", noise=3.0, seed=4)
    sc, dc = src - src.mean(0), dst - dst.mean(0)
    theta = math.atan2((sc[:, 0] * dc[:, 1] - sc[:, 1] * dc[:, 0]).sum(), (sc * dc).sum())
    R = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    M = geometry.fit_rigid(src, dst)
    np.testing.assert_allclose(M[:2, :2], R, atol=1e-12)
    np.testing.assert_allclose(M[:2, 2], dst.mean(0) - R @ src.mean(0), atol=1e-9)
    # a mirror image is fitted by the best rotation, never by a reflection
    assert np.linalg.det(geometry.fit_rigid(src, src * [-1, 1])[:2, :2]) == pytest.approx(1.0)


def test_fit_similarity_is_linear_least_squares_in_a_b_tx_ty():
    _, src, dst, _ = _scene("similarity", noise=3.0, seed=5)
    # dst = [[a, -b], [b, a]] src + t is linear in (a, b, tx, ty)
    x, y = src[:, 0], src[:, 1]
    one, zero = np.ones_like(x), np.zeros_like(x)
    A = np.concatenate([np.column_stack([x, -y, one, zero]), np.column_stack([y, x, zero, one])])
    a, b, tx, ty = np.linalg.lstsq(A, np.concatenate([dst[:, 0], dst[:, 1]]), rcond=None)[0]
    np.testing.assert_allclose(geometry.fit_similarity(src, dst), [[a, -b, tx], [b, a, ty], [0, 0, 1]], atol=1e-9)


def test_fit_affine_matches_the_normal_equations():
    _, src, dst, _ = _scene("affine", noise=3.0, seed=6)
    X = np.column_stack([src, np.ones(len(src))])
    A = np.linalg.solve(X.T @ X, X.T @ dst).T
    np.testing.assert_allclose(geometry.fit_affine(src, dst)[:2], A, rtol=1e-9, atol=1e-9)


def test_fits_agree_with_scikit_image():
    from skimage import transform as T

    _, src, dst, _ = _scene("homography", noise=2.0, seed=7)
    for model, cls in (("rigid", T.EuclideanTransform), ("similarity", T.SimilarityTransform)):
        t = cls.from_estimate(src, dst) if hasattr(cls, "from_estimate") else cls()
        if not hasattr(cls, "from_estimate"):
            t.estimate(src, dst)
        np.testing.assert_allclose(geometry.fit_model(src, dst, model), t.params, atol=1e-8)
    t = T.ProjectiveTransform.from_estimate(src, dst) if hasattr(T.ProjectiveTransform, "from_estimate") \
        else T.ProjectiveTransform()
    if not hasattr(T.ProjectiveTransform, "from_estimate"):
        t.estimate(src, dst)
    # scikit-image's DLT is also normalised: the mapped points agree to a thousandth of a pixel
    np.testing.assert_allclose(geometry.apply_homography(geometry.fit_homography(src, dst), src), t(src), atol=1e-3)


def test_fit_homography_equals_unnormalised_dlt_on_exact_data():
    M, src, dst, _ = _scene("homography", n=8, seed=8)
    np.testing.assert_allclose(geometry.fit_homography(src, dst), _dlt_unnormalised(src, dst), rtol=1e-6)
    np.testing.assert_allclose(geometry.fit_homography(src, dst), M, rtol=1e-8, atol=1e-10)


def test_normalised_dlt_is_invariant_to_a_similarity_of_the_coordinates():
    # Hartley (1997): with normalisation the DLT gives the same answer in any similar
    # coordinate frame; without it, the answer depends on the frame.
    _, src, dst, _ = _scene("homography", noise=2.0, seed=9)
    S = np.array([[10.0, 0, 5000], [0, 10, -3000], [0, 0, 1]])
    H = geometry.fit_homography(src, dst)
    H_s = geometry.fit_homography(geometry.apply_homography(S, src), dst)
    np.testing.assert_allclose(H_s @ S / (H_s @ S)[2, 2], H, rtol=1e-6, atol=1e-9)
    U, U_s = _dlt_unnormalised(src, dst), _dlt_unnormalised(geometry.apply_homography(S, src), dst)
    moved = np.abs(geometry.apply_homography(U_s @ S, src) - geometry.apply_homography(U, src)).max()
    assert moved > 0.01  # measurably frame-dependent


def test_fit_homography_beats_unnormalised_dlt_with_noise():
    errs_n, errs_u = [], []
    for seed in range(10):
        M, src, dst, _ = _scene("homography", n=20, noise=1.0, seed=seed)
        src_big, dst_big = src + 2000, dst + 2000  # pixel coordinates far from the origin
        T = np.array([[1, 0, 2000], [0, 1, 2000], [0, 0, 1.0]])
        M_big = T @ M @ np.linalg.inv(T)
        grid = np.random.default_rng(seed).uniform(0, 640, (50, 2)) + 2000
        truth = geometry.apply_homography(M_big, grid)
        errs_n.append(np.abs(geometry.apply_homography(geometry.fit_homography(src_big, dst_big), grid) - truth).mean())
        errs_u.append(np.abs(geometry.apply_homography(_dlt_unnormalised(src_big, dst_big), grid) - truth).mean())
    assert np.mean(errs_n) < np.mean(errs_u)


@pytest.mark.parametrize("fit, n", [(geometry.fit_translation, 1), (geometry.fit_rigid, 2), (geometry.fit_similarity, 2),
                                    (geometry.fit_affine, 3), (geometry.fit_homography, 4)])
def test_fit_too_few_points(fit, n):
    pts = np.random.default_rng(0).uniform(0, 10, (n - 1, 2))
    with pytest.raises(ValueError, match=f"at least {n} point pair|src must not be empty"):
        fit(pts, pts)


def test_fit_degenerate_inputs():
    line = np.array([[0.0, 0], [1, 1], [2, 2], [3, 3], [5, 5]])
    with pytest.raises(ValueError, match="degenerate"):
        geometry.fit_homography(line, line * 2)
    three_on_a_line = np.array([[0.0, 0], [1, 0], [2, 0], [0, 1]])
    with pytest.raises(ValueError, match="degenerate"):
        geometry.fit_homography(three_on_a_line, three_on_a_line * 2 + 1)
    with pytest.raises(ValueError, match="on one line"):
        geometry.fit_affine(line, line)
    with pytest.raises(ValueError, match="coincide"):
        geometry.fit_similarity(np.ones((3, 2)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="model must be one of"):
        geometry.fit_model(line, line, "projective")
    with pytest.raises(ValueError, match="src and dst must have the same shape"):
        geometry.fit_homography(line, line[:4])


def test_invariants_of_the_hierarchy():
    rng = np.random.default_rng(10)
    pts = rng.uniform(0, 640, (6, 2))
    R = geometry.random_transformation("rigid", seed=1, center=(320, 240), scale_px=300, strength=0.5)
    S = geometry.random_transformation("similarity", seed=2, center=(320, 240), scale_px=300, strength=0.5)
    A = geometry.random_transformation("affine", seed=3, center=(320, 240), scale_px=300, strength=0.5)
    H = geometry.random_transformation("homography", seed=4, center=(320, 240), scale_px=300, strength=0.5)
    # rigid: lengths
    np.testing.assert_allclose(_lengths(geometry.apply_homography(R, pts)), _lengths(pts), rtol=1e-10)
    # similarity: ratios of lengths and angles, but not lengths
    ls = _lengths(geometry.apply_homography(S, pts))
    np.testing.assert_allclose(ls / ls[0], _lengths(pts) / _lengths(pts)[0], rtol=1e-10)
    assert _angles(geometry.apply_homography(S, pts)) == pytest.approx(_angles(pts), rel=1e-10)
    assert not np.allclose(ls, _lengths(pts), rtol=1e-3)
    # affine: parallel lines stay parallel, ratios of areas are kept; angles are not
    p, q = pts[:3], pts[3:]
    a_ratio = _area(geometry.apply_homography(A, p)) / _area(geometry.apply_homography(A, q))
    assert a_ratio == pytest.approx(_area(p) / _area(q), rel=1e-10)
    d = np.array([[0.0, 0], [100, 30], [50, 200], [150, 230]])  # a parallelogram: 0-1 parallel to 2-3
    m = geometry.apply_homography(A, d)
    e1, e2 = m[1] - m[0], m[3] - m[2]
    assert abs(e1[0] * e2[1] - e1[1] * e2[0]) < 1e-8 * np.linalg.norm(e1) * np.linalg.norm(e2)
    assert abs(_angles(geometry.apply_homography(A, pts)) - _angles(pts)) > 1e-3
    # homography: the cross-ratio of 4 collinear points; parallelism is lost
    line = np.array([[10.0, 20], [60, 45], [90, 60], [300, 165]])
    assert geometry.cross_ratio(geometry.apply_homography(H, line)) == pytest.approx(geometry.cross_ratio(line), rel=1e-9)
    m = geometry.apply_homography(H, d)
    e1, e2 = m[1] - m[0], m[3] - m[2]
    assert abs(e1[0] * e2[1] - e1[1] * e2[0]) > 1e-4 * np.linalg.norm(e1) * np.linalg.norm(e2)


def test_cross_ratio_closed_form_and_bad_input():
    # points at 0, 1, 2, 3 along a line: (2 · 2) / (1 · 3)
    assert geometry.cross_ratio([[0, 0], [1, 1], [2, 2], [3, 3]]) == pytest.approx(4 / 3)
    with pytest.raises(ValueError, match="collinear"):
        geometry.cross_ratio([[0, 0], [1, 0], [2, 1], [3, 0]])
    with pytest.raises(ValueError, match=r"shape \(4, 2\)"):
        geometry.cross_ratio([[0, 0], [1, 0], [2, 0]])


@pytest.mark.parametrize("model", MODELS)
def test_random_transformation_is_of_its_kind(model):
    M = geometry.random_transformation(model, seed=0, strength=0.4)
    A = M[:2, :2]
    assert M[2, 2] == 1.0
    if model != "homography":
        np.testing.assert_allclose(M[2], [0, 0, 1])
    if model == "translation":
        np.testing.assert_allclose(A, np.eye(2))
    if model in ("rigid", "similarity"):
        s = math.sqrt(abs(np.linalg.det(A)))
        np.testing.assert_allclose(A.T @ A, s * s * np.eye(2), atol=1e-12)
        if model == "rigid":
            assert s == pytest.approx(1.0)


def test_ransac_homography_finds_the_inliers():
    M, src, dst, truth = _scene("homography", n=200, noise=0.5, outliers=0.6, seed=11)
    H, mask = geometry.ransac_homography(src, dst, threshold_px=3.0, seed=0)
    assert mask.dtype == bool and mask.shape == (200,)
    assert (mask == truth).mean() > 0.97
    grid = np.random.default_rng(0).uniform(0, 640, (100, 2))
    assert np.abs(geometry.apply_homography(H, grid) - geometry.apply_homography(M, grid)).max() < 2.0
    # deterministic for a seed; same answer as OpenCV's RANSAC up to a few borderline points
    H2, mask2 = geometry.ransac_homography(src, dst, threshold_px=3.0, seed=0)
    np.testing.assert_array_equal(mask, mask2)
    np.testing.assert_array_equal(H, H2)
    Hc, maskc = geometry.opencv_homography(src, dst, "ransac", threshold_px=3.0)
    assert (mask == maskc).mean() > 0.97
    Hm, maskm = geometry.opencv_homography(src, dst, "magsac", threshold_px=3.0)
    assert Hm is not None and (maskm == truth).mean() > 0.9


def test_ransac_respects_max_iters():
    _, src, dst, _ = _scene("homography", n=100, noise=0.3, outliers=0.9, seed=14)
    _, _, steps = geometry.ransac_trace(src, dst, max_iters=25, seed=0)
    assert len(steps) == 25


@pytest.mark.parametrize("model", ["translation", "rigid", "similarity", "affine"])
def test_ransac_other_models(model):
    M, src, dst, truth = _scene(model, n=80, noise=0.5, outliers=0.4, seed=15)
    M_est, mask = geometry.ransac(src, dst, model=model, threshold_px=3.0, seed=0)
    assert (mask == truth).mean() > 0.95
    np.testing.assert_allclose(M_est, M, atol=0.05 * np.abs(M).max())


def test_warp_onto_a_translation_shifts_the_image():
    img = np.zeros((20, 30, 3), np.uint8)
    img[5:8, 10:14] = 200
    H = np.array([[1.0, 0, 3], [0, 1, 2], [0, 0, 1]])  # B -> A: move right 3, down 2
    out = geometry.warp_onto(img, H, (25, 35, 3))
    assert out.shape == (25, 35, 3) and out.dtype == np.uint8
    np.testing.assert_array_equal(out[7:10, 13:17], 200)
    assert out.sum() == img.sum()
    f = geometry.warp_onto(img / 255.0, H, (25, 35))
    assert f.dtype == np.float64 and f.max() <= 1.0


def test_superpose_modes():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, (40, 50, 3), dtype=np.uint8)
    for mode in ("blend", "checker", "color"):
        out = geometry.superpose(a, a, np.eye(3), mode=mode)
        assert out.shape == (40, 50, 3) and out.min() >= 0 and out.max() <= 1
        if mode != "color":  # an image on itself with the identity: unchanged
            np.testing.assert_allclose(out, a / 255.0, atol=1e-6)
        else:  # perfectly aligned: red = green = blue, a gray image
            np.testing.assert_allclose(out[..., 0], out[..., 1], atol=1e-6)
    # B covering only part of A: the blend changes only the covered part
    half = geometry.superpose(a, a[:20], np.eye(3), mode="blend", alpha=1.0)
    np.testing.assert_allclose(half, a / 255.0, atol=1e-6)
    with pytest.raises(ValueError, match="mode must be"):
        geometry.superpose(a, a, np.eye(3), mode="xor")
    with pytest.raises(ValueError, match="image_b must have shape"):
        geometry.warp_onto(np.zeros(5), np.eye(3), (4, 4))


def test_two_plane_pair_is_a_non_planar_scene():
    img = np.random.default_rng(0).integers(0, 256, (60, 80, 3), dtype=np.uint8)
    p = geometry.two_plane_pair(img, fold_deg=30, baseline=0.2, noise_std=0.0)
    assert p["A"].shape == p["B"].shape == img.shape and p["B"].dtype == np.uint8
    for H in (p["H_left"], p["H_right"]):
        HF = H.T @ p["F"]
        np.testing.assert_allclose(HF + HF.T, 0, atol=1e-9)
    # the fold's line maps to the same place under both homographies (the planes meet there)
    fold = np.array([[p["fold_x"], 10.0], [p["fold_x"], 50.0]])
    np.testing.assert_allclose(geometry.apply_homography(p["H_left"], fold), geometry.apply_homography(p["H_right"], fold),
                               atol=1e-9)
    # ...but elsewhere the two halves move differently: no single homography
    side = np.array([[5.0, 30.0], [75.0, 30.0]])
    assert np.abs(geometry.apply_homography(p["H_left"], side) - geometry.apply_homography(p["H_right"], side)).max() > 1.0
    flat = geometry.two_plane_pair(img, fold_deg=0.0, baseline=0.2)
    np.testing.assert_allclose(flat["H_left"], flat["H_right"], atol=1e-12)


@pytest.mark.parametrize("model, kept", [
    ("translation", {"length", "angle", "length ratio", "area ratio", "parallelism", "cross-ratio"}),
    ("rigid", {"length", "angle", "length ratio", "area ratio", "parallelism", "cross-ratio"}),
    ("similarity", {"angle", "length ratio", "area ratio", "parallelism", "cross-ratio"}),
    ("affine", {"area ratio", "parallelism", "cross-ratio"}),
    ("homography", {"cross-ratio"}),
])
def test_invariant_changes_reproduce_the_lecture_table(model, kept):
    M = geometry.random_transformation(model, seed=2, center=(100, 100), scale_px=150, strength=0.4)
    change = geometry.invariant_changes(M, seed=0)
    assert set(change) == set(geometry.INVARIANTS)
    assert {k for k, v in change.items() if v < 1e-9} == kept
    assert all(change[k] > 1e-3 for k in geometry.INVARIANTS if k not in kept)


def test_homography_pair_metrics_closed_form():
    pair, truth = _pair()
    met = eval.homography_pair_metrics(pair["H_BtoA"], truth, pair["matches"], pair["H_BtoA"], pair["verified"])
    assert met["found"] and met["success"] and met["error_px"] < 1e-9
    assert met["precision"] == met["recall"] == 1.0 and met["n_inliers"] == met["n_gt_inliers"] == truth.sum()
    half = truth.copy()
    half[np.flatnonzero(truth)[: truth.sum() // 2]] = False
    half[np.flatnonzero(~truth)[:10]] = True
    met = eval.homography_pair_metrics(pair["H_BtoA"], half, pair["matches"], pair["H_BtoA"], pair["verified"])
    kept = truth.sum() - truth.sum() // 2
    assert met["precision"] == pytest.approx(kept / (kept + 10))
    assert met["recall"] == pytest.approx(kept / truth.sum())
    shifted = np.array([[1.0, 0, 6], [0, 1, 8], [0, 0, 1]]) @ pair["H_BtoA"]  # 10 px off everywhere
    met = eval.homography_pair_metrics(shifted, truth, pair["matches"], pair["H_BtoA"], pair["verified"])
    assert met["error_px"] == pytest.approx(10.0) and not met["success"]
    met = eval.homography_pair_metrics(None, np.zeros(len(truth), bool), pair["matches"], pair["H_BtoA"],
                                    pair["verified"])
    assert not met["found"] and met["error_px"] == math.inf and met["precision"] == 0.0


def test_labelled_pair_metrics():
    pair, truth = _pair(seed=1)
    met = eval.labelled_pair_metrics(pair["H_BtoA"], truth, pair["labels"], pair["matches"])
    assert met["success"] and met["precision"] == 1.0 and met["recall"] == 1.0 and met["error_px"] < 1.5
    met = eval.labelled_pair_metrics(None, np.zeros_like(truth), pair["labels"], pair["matches"])
    assert not met["success"] and met["error_px"] == math.inf
    with pytest.raises(ValueError, match="inlier_mask must have shape"):
        eval.labelled_pair_metrics(None, truth[:-1], pair["labels"], pair["matches"])


def test_evaluate_homography_estimators():
    pairs = [_pair(seed=s)[0] for s in range(3)]
    labelled = dict(pairs[0])
    del labelled["H_BtoA"], labelled["verified"]
    rows = eval.evaluate_homography_estimators(
        pairs + [labelled],
        {"ours": lambda s, d: geometry.ransac_homography(s, d, seed=0),
         "nothing": lambda s, d: (None, np.zeros(len(s), bool))}, progress=False)
    assert len(rows) == 8 and {r["method"] for r in rows} == {"ours", "nothing"}
    ours = [r for r in rows if r["method"] == "ours"]
    assert all(r["success"] and r["recall"] > 0.95 and r["time_s"] > 0 for r in ours)
    assert "n_labelled" in ours[-1] and "n_gt_inliers" in ours[0]
    assert not any(r["found"] for r in rows if r["method"] == "nothing")
    with pytest.raises(ValueError, match="estimators must be a non-empty dict"):
        eval.evaluate_homography_estimators(pairs, {})


def test_ransac_figures_and_step_slider():
    import matplotlib

    matplotlib.use("Agg")
    from imsearch import viz
    from imsearch import widgets

    M, src, dst, truth = _scene("homography", n=60, noise=0.3, outliers=0.5, seed=20)
    H, mask, steps = geometry.ransac_trace(src, dst, seed=0)
    img = np.zeros((480, 640, 3), np.uint8)
    fig = viz.plot_ransac_progress(steps, len(src))
    best_line = [l for l in fig.axes[0].lines if l.get_label() == "best so far"][0]
    assert best_line.get_ydata()[-1] == pytest.approx(steps[-1]["best_n_inliers"] / 60)
    step = next(s for s in steps if not s["degenerate"])
    fig = viz.plot_ransac_step(img, src, dst, step, n_total=len(steps))
    green = [l for l in fig.axes[0].lines if l.get_label() == "inliers of this model"][0]
    assert len(green.get_xdata()) == step["n_inliers"]
    inl = geometry.transfer_error(step["model"], src, dst) < 3.0        # what the figure must show
    np.testing.assert_array_equal(np.c_[green.get_xdata(), green.get_ydata()], dst[inl])
    stars = [l for l in fig.axes[0].lines if l.get_label() == "minimal sample"][0]
    np.testing.assert_array_equal(np.c_[stars.get_xdata(), stars.get_ydata()], dst[step["sample"]])
    assert f"iteration {step['iteration']}/{len(steps)}" in fig.axes[0].get_title()
    w = widgets.ransac_step_slider(img, src, dst, steps, value=1)
    assert w.children[0].max == max(2, len(steps))
    fits = {m: geometry.fit_model(src[truth], dst[truth], m) for m in ("similarity", "homography")}
    fig = viz.plot_transform_fits(src[truth], dst[truth], fits)
    assert "homography: RMS error 0." in fig.axes[1].get_title()
    fig = viz.plot_score_matrix(np.array([[5.0, 1], [0, 7]]), ["a", "b"], title="inliers")
    assert [t.get_text() for t in fig.axes[0].texts] == ["5", "1", "0", "7"]
    x1, x2 = _two_views()
    F, _ = geometry.fit_fundamental(x1, x2)
    fig = viz.plot_epipolar_lines(img, img, x1, x2, F, n_lines=5)
    assert len(fig.axes[1].lines) == 10  # a line and a point per match
    with pytest.raises(ValueError, match="steps must not be empty"):
        widgets.ransac_step_slider(img, src, dst, [])


def test_ransac_scores_given_hypotheses_exhaustively_and_keeps_the_first_best():
    rng = np.random.default_rng(11)
    src = rng.uniform(0, 200, (40, 2))
    M_true = geometry.random_transformation("similarity", seed=2)
    dst = geometry.apply_homography(M_true, src)
    dst[25:] += rng.uniform(30, 60, (15, 2))                      # 15 outliers
    hyps = np.stack([np.eye(3), M_true, M_true, np.eye(3)])
    M, mask = geometry.ransac(src, dst, "similarity", threshold_px=2.0, hypotheses=hyps, refit=False)
    naive = [(geometry.transfer_error(h, src, dst) < 2.0).sum() for h in hyps]
    assert mask.sum() == max(naive) == 25 and mask[:25].all()
    np.testing.assert_array_equal(M, M_true)
    with pytest.raises(ValueError, match="hypotheses"):
        geometry.ransac(src, dst, "similarity", hypotheses=np.eye(3))
