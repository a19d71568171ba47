"""imsearch.matching: nearest neighbours, filters, match quality, spatial verification, synthetic pairs."""
import numpy as np
import pytest

from imsearch import features, matching
from imsearch import matching as mt
from imsearch.geometry import transforms as g
from image_helpers import photo as _photo, similar_keypoint_pair as _similar_pair, warp as _warp


def _desc(n1=40, n2=50, d=16, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n1, d)).astype(np.float32), rng.normal(size=(n2, d)).astype(np.float32)


def _naive_knn(d1, d2, k):
    dist = np.array([[np.sqrt(((a.astype(float) - b.astype(float)) ** 2).sum()) for b in d2] for a in d1])
    idx = np.array([sorted(range(len(d2)), key=lambda j: (row[j], j))[:k] for row in dist])
    return np.take_along_axis(dist, idx, axis=1), idx


def _synthetic_keypoints(seed=0, n=120, d=32, noise=0.15):
    """Image 2 = image 1 under H: matching keypoints carry noisy copies of the descriptors."""
    rng = np.random.default_rng(seed)
    H = g.random_transformation("homography", seed=seed, center=(200, 200), scale_px=200)
    k1 = rng.uniform(0, 400, (n, 2))
    k2 = np.vstack([g.apply_homography(H, k1[: n // 2]), rng.uniform(1000, 1400, (n // 2, 2))])
    d1 = rng.normal(size=(n, d))
    d2 = np.vstack([d1[: n // 2] + noise * rng.normal(size=(n // 2, d)), rng.normal(size=(n // 2, d))])
    perm = rng.permutation(n)
    return k1, k2[perm], d1, d2[perm], H


@pytest.mark.parametrize("k", [1, 2, 5])
def test_nearest_neighbors_numpy_naive_and_faiss_agree(k):
    d1, d2 = _desc()
    dist, idx = mt.nearest_neighbors(d1, d2, k=k)
    ref_d, ref_i = _naive_knn(d1, d2, k)
    np.testing.assert_array_equal(idx, ref_i)
    np.testing.assert_allclose(dist, ref_d, rtol=1e-9, atol=1e-9)
    assert dist.dtype == np.float64 and idx.dtype == np.int64
    f_d, f_i = mt.nearest_neighbors(d1, d2, k=k, backend="faiss")
    np.testing.assert_array_equal(f_i, idx)
    np.testing.assert_allclose(f_d, dist, rtol=1e-4, atol=1e-4)


def test_nearest_neighbors_ties_go_to_the_lower_index_and_k_equals_n2():
    d2 = np.array([[1.0, 0], [0, 1], [1, 0], [5, 5]])
    dist, idx = mt.nearest_neighbors([[1.0, 0]], d2, k=4)
    np.testing.assert_array_equal(idx, [[0, 2, 1, 3]])
    np.testing.assert_allclose(dist, [[0, 0, np.sqrt(2), np.sqrt(41)]])


def test_nearest_neighbors_in_blocks():
    # more rows than one block holds: the blocked loop must give the same answer
    rng = np.random.default_rng(3)
    d1, d2 = rng.normal(size=(300, 4)), rng.normal(size=(7000, 4))
    dist, idx = mt.nearest_neighbors(d1, d2, k=2)
    full = ((d1[:, None] - d2[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(idx[:, 0], full.argmin(1))


@pytest.mark.parametrize("kwargs, err, match", [
    (dict(desc1=np.zeros((3, 4)), desc2=np.zeros((3, 5))), ValueError, "same dimension, got 4 and 5"),
    (dict(desc1=np.zeros((3, 4)), desc2=np.zeros((3, 4)), k=4), ValueError, "k must be <= 3"),
    (dict(desc1=np.zeros((3, 4)), desc2=np.zeros((0, 4))), ValueError, "desc2 must not be empty"),
    (dict(desc1=np.zeros(4), desc2=np.zeros((3, 4))), ValueError, "desc1 must have 2 dimensions"),
    (dict(desc1=np.full((3, 4), np.nan), desc2=np.zeros((3, 4))), ValueError, "desc1 must contain only finite"),
    (dict(desc1=np.zeros((3, 4)), desc2=np.zeros((3, 4)), backend="annoy"), ValueError, "backend must be"),
    (dict(desc1=np.zeros((3, 4)), desc2=np.zeros((3, 4)), k=1.5), TypeError, "k must be an integer"),
])
def test_nearest_neighbors_bad_input(kwargs, err, match):
    with pytest.raises(err, match=match):
        mt.nearest_neighbors(**kwargs)


def test_match_nn_and_mutual_against_naive_loops():
    d1, d2 = _desc(30, 25, seed=1)
    m, dist = mt.match_nn(d1, d2)
    _, ref_i = _naive_knn(d1, d2, 1)
    np.testing.assert_array_equal(m, np.column_stack([np.arange(30), ref_i[:, 0]]))
    _, back = _naive_knn(d2, d1, 1)
    pairs = [(i, ref_i[i, 0]) for i in range(30) if back[ref_i[i, 0], 0] == i]
    mm, md = mt.match_mutual(d1, d2)
    np.testing.assert_array_equal(mm, np.array(pairs).reshape(-1, 2))
    np.testing.assert_allclose(md, dist[mm[:, 0]])
    # symmetric: mutual matches of (2, 1) are those of (1, 2) with columns swapped
    mm21, _ = mt.match_mutual(d2, d1)
    assert set(map(tuple, mm21[:, ::-1])) == set(map(tuple, mm))


def test_ratio_test_closed_form():
    desc2 = np.array([[0.0, 0], [10, 0], [0, 10], [0, 11]])
    desc1 = np.array([
        [1.0, 0],    # d1 = 1 (to 0), d2 = 9 (to 1): ratio 0.11, kept
        [0.0, 10.4],  # d1 = 0.4 (to 2), d2 = 0.6 (to 3): ratio 0.67 < 0.8, kept
        [0.0, 10.5],  # d1 = d2 = 0.5: ratio 1, ambiguous, rejected
        [5.0, 0],    # d1 = d2 = 5: rejected
        [0.0, 10.45],  # ratio 0.45/0.55 = 0.818 > 0.8: rejected
    ])
    m, dist = mt.ratio_test(desc1, desc2, ratio=0.8)
    np.testing.assert_array_equal(m, [[0, 0], [1, 2]])
    np.testing.assert_allclose(dist, [1.0, 0.4])
    m, _ = mt.ratio_test(desc1, desc2, ratio=0.82)
    np.testing.assert_array_equal(m[:, 0], [0, 1, 4])
    # two exact duplicates in image 2 are ambiguous even at distance 0
    m, _ = mt.ratio_test([[1.0, 1]], [[1.0, 1], [1.0, 1], [3, 3]], ratio=1.0)
    assert m.shape == (0, 2) and m.dtype == np.int64


def test_ratio_test_against_a_naive_loop_and_nn_ratios():
    d1, d2 = _desc(60, 70, d=8, seed=2)
    for ratio in (0.6, 0.8, 0.95):
        keep = []
        for i, a in enumerate(d1.astype(float)):
            dd = np.sqrt(((d2.astype(float) - a) ** 2).sum(1))
            j1, j2 = np.argsort(dd, kind="stable")[:2]
            if dd[j1] < ratio * dd[j2]:
                keep.append((i, j1))
        m, _ = mt.ratio_test(d1, d2, ratio)
        np.testing.assert_array_equal(m, np.array(keep).reshape(-1, 2))
        nn, r = mt.nn_ratios(d1, d2)
        np.testing.assert_array_equal(nn[r < ratio], m)


def test_ratio_test_permutation_equivariance():
    d1, d2 = _desc(30, 40, seed=4)
    perm = np.random.default_rng(0).permutation(40)
    m, dist = mt.ratio_test(d1, d2)
    mp, distp = mt.ratio_test(d1, d2[perm])
    np.testing.assert_array_equal(perm[mp[:, 1]], m[:, 1])
    np.testing.assert_allclose(distp, dist)


def test_ratio_test_bad_input():
    d1, d2 = _desc()
    with pytest.raises(ValueError, match="desc2 must hold at least 2 descriptors"):
        mt.ratio_test(d1, d2[:1])
    with pytest.raises(ValueError, match="ratio must be <= 1"):
        mt.ratio_test(d1, d2, ratio=1.5)
    with pytest.raises(ValueError, match="ratio must be > 0"):
        mt.ratio_test(d1, d2, ratio=0)
    with pytest.raises(TypeError, match="desc1 must have a"):
        mt.ratio_test(d1.astype(complex), d2)
    m, dist = mt.ratio_test(np.zeros((0, 16)), d2)  # an image without keypoints: no matches
    assert m.shape == (0, 2) and dist.shape == (0,)
    assert mt.match_mutual(np.zeros((0, 16)), d2)[0].shape == (0, 2)
    assert mt.nearest_neighbors(np.zeros((0, 16)), d2)[1].shape == (0, 2)


def test_match_correct_and_precision_recall_closed_form():
    H = np.array([[1.0, 0, 10], [0, 1, 0], [0, 0, 1]])  # image 2 = image 1 moved 10 px right
    kps1 = np.array([[0.0, 0], [5, 5], [20, 20], [50, 50]])
    kps2 = np.array([[10.0, 0], [15, 7], [31, 20], [100, 100], [60.0, 51]])
    # distances after mapping: 0 -> 0 px, 1 -> 2 px, 2 -> 1 px, 3 -> 1 px (to kps2[4])
    m = np.array([[0, 0], [1, 1], [2, 3], [3, 4]])
    np.testing.assert_array_equal(mt.match_correct(kps1, kps2, m, H, threshold_px=1.5), [True, False, False, True])
    assert mt.n_correspondences(kps1, kps2, H, threshold_px=1.5) == 3  # 0, 2, 3
    p, r = mt.match_precision_recall(kps1, kps2, m, H, threshold_px=1.5)
    assert p == pytest.approx(2 / 4) and r == pytest.approx(2 / 3)
    p, r = mt.match_precision_recall(kps1, kps2, np.zeros((0, 2), int), H)
    assert p == 0.0 and r == 0.0
    # extra columns (scale, angle) are ignored
    k4 = np.column_stack([kps1, np.ones(4), np.zeros(4)])
    assert mt.n_correspondences(k4, kps2, H, 1.5) == 3
    with pytest.raises(ValueError, match="matches must index kps1"):
        mt.match_correct(kps1, kps2, [[4, 0]], H)
    with pytest.raises(ValueError, match=r"kps1 must have shape \(N, 2\)"):
        mt.match_correct(np.zeros((4, 1)), kps2, m, H)


def test_precision_recall_curve_against_thresholding():
    rng = np.random.default_rng(6)
    scores = np.round(rng.random(50), 1)  # many ties
    correct = rng.random(50) < 0.4
    t, p, r = mt.precision_recall_curve(scores, correct, n_positives=30)
    np.testing.assert_array_equal(t, np.unique(scores))
    for ti, pi, ri in zip(t, p, r):
        acc = scores <= ti
        assert pi == pytest.approx(correct[acc].mean())
        assert ri == pytest.approx(correct[acc].sum() / 30)
    with pytest.raises(ValueError, match="n_positives must be >="):
        mt.precision_recall_curve(scores, correct, n_positives=1)


def test_average_precision_closed_form_and_sklearn():
    from sklearn.metrics import average_precision_score

    # ranks: correct, wrong, correct -> (1/1 + 2/3) / 2
    assert mt.average_precision([0.1, 0.2, 0.3], [True, False, True]) == pytest.approx(5 / 6)
    assert mt.average_precision([0.1, 0.2, 0.3], [True, False, True], n_positives=4) == pytest.approx(5 / 12)
    assert mt.average_precision([0.3, 0.1], [True, True]) == 1.0
    assert mt.average_precision([0.1], [False]) == 0.0
    rng = np.random.default_rng(7)
    s, c = rng.random(200), rng.random(200) < 0.3
    assert mt.average_precision(s, c) == pytest.approx(average_precision_score(c, -s))


def test_matching_curves_on_a_synthetic_pair():
    k1, k2, d1, d2, H = _synthetic_keypoints()
    curves = mt.matching_curves(d1, d2, k1, k2, H, threshold_px=2.0)
    assert 60 <= curves["n_correspondences"] <= 62  # a stray keypoint may land near a true one
    for name in ("nn", "mutual", "ratio"):
        c = curves[name]
        assert np.all(np.diff(c["recall"]) >= 0) and 0 <= c["ap"] <= 1
        assert c["recall"][-1] >= 59 / 62  # every true pair is a nearest neighbour
    # the ratio ranks the correct matches first: almost perfect
    assert curves["ratio"]["ap"] > 0.95
    assert curves["nn"]["precision"][-1] == pytest.approx(0.5, abs=0.02)
    with pytest.raises(ValueError, match="row-aligned"):
        mt.matching_curves(d1, d2, k1[:-1], k2, H)


def test_n_correspondences_against_a_naive_loop():
    rng = np.random.default_rng(5)
    H = g.random_transformation("homography", seed=1, center=(100, 100), scale_px=100)
    k1, k2 = rng.uniform(0, 200, (80, 2)), rng.uniform(0, 200, (90, 2))
    k2[:30] = g.apply_homography(H, k1[:30]) + rng.normal(0, 1, (30, 2))
    q = g.apply_homography(H, k1)
    naive = sum(min(np.hypot(*(q[i] - k2[j])) for j in range(90)) < 2.0 for i in range(80))
    assert mt.n_correspondences(k1, k2, H, 2.0) == naive


def test_opencv_sift_and_tentative_matches_follow_a_known_homography():
    from imsearch.data import load_default_image

    img = load_default_image("astronaut")[::2, ::2]
    H = g.random_transformation("homography", seed=3, center=(128, 128), scale_px=180, strength=0.15)
    warped = g.warp_onto(img, H, img.shape)
    kps, desc = features.opencv_sift(img, n_features=300)
    assert kps.shape[1] == 4 and desc.shape == (len(kps), 128) and desc.dtype == np.float32
    assert 50 < len(kps) <= 300 and np.all(kps[:, 2] > 0) and np.all(np.abs(kps[:, 3]) <= 2 * np.pi)
    m = mt.tentative_matches(warped, img, ratio=0.8, n_features=500)  # [xA, yA, xB, yB], A = warped
    assert m.shape[1] == 4 and len(m) > 30
    err = g.transfer_error(H, m[:, 2:], m[:, :2])
    assert np.mean(err < 3.0) > 0.8
    with pytest.raises(ValueError, match="image must have shape"):
        features.opencv_sift(np.zeros(5, np.uint8))


def test_word_correspondences_equal_a_double_loop():
    rng = np.random.default_rng(4)
    a, b = rng.integers(0, 12, 40), rng.integers(0, 12, 35)
    for cap in (1, 3, 100):
        ca, cb = np.bincount(a, minlength=12), np.bincount(b, minlength=12)
        naive = [(i, j) for i in range(len(a)) for j in range(len(b))
                 if a[i] == b[j] and ca[a[i]] <= cap and cb[b[j]] <= cap]
        np.testing.assert_array_equal(matching.word_correspondences(a, b, cap), np.array(naive).reshape(-1, 2))
    assert matching.word_correspondences(np.zeros(0, int), [1, 2]).shape == (0, 2)


@pytest.mark.parametrize("method", ["similarity", "ransac", "opencv"])
def test_spatial_verification_finds_the_inliers_of_a_similarity(method):
    rng = np.random.default_rng(5)
    ka, kb, pairs = _similar_pair(rng)
    n, mask = matching.spatial_verification(ka, kb, pairs, threshold_px=4.0, method=method, max_iters=500)
    assert n == mask.sum()
    assert 28 <= n <= 32 and mask[:30].mean() > 0.9 and mask[30:].mean() < 0.1


def test_spatial_verification_single_hypotheses_survive_few_inliers():
    rng = np.random.default_rng(6)
    ka, kb, pairs = _similar_pair(rng, n_in=8, n_out=120)      # 6 % inliers: hopeless for 200 4-point samples
    n, mask = matching.spatial_verification(ka, kb, pairs, threshold_px=4.0)
    assert n >= 8 and mask[:8].all()
    assert matching.spatial_verification(ka, kb, np.zeros((0, 2), int))[0] == 0
    with pytest.raises(ValueError, match="method"):
        matching.spatial_verification(ka, kb, pairs, method="lmeds")
    with pytest.raises(ValueError, match="pairs"):
        matching.spatial_verification(ka, kb, pairs + 1000)


def test_inlier_count_separates_a_warped_view_from_another_photo():
    a = _photo("astronaut")
    fa, fb, fc = (features.opencv_sift(x, 400, root_sift=True) for x in (a, _warp(a, 1), _photo("coffee")))
    assert fa[1].shape[1] == 128 and fa[1].dtype == np.float32 and fa[0].shape[1] == 4
    np.testing.assert_allclose(np.linalg.norm(fa[1], axis=1), 1.0, rtol=1e-4)     # RootSIFT rows
    same = matching.inlier_count(fa, fb)
    other = matching.inlier_count(fa, fc)
    assert same > 60 and other < 15, (same, other)
    ours = matching.inlier_count(fa, fb, method="ransac")
    assert abs(ours - same) <= 0.15 * same                    # the course's RANSAC agrees with OpenCV's
    assert matching.inlier_count(fa, fb, seed=3) == matching.inlier_count(fa, fb, seed=3)


def test_inlier_count_edge_cases_and_bad_inputs():
    f = features.opencv_sift(_photo("camera"), 200, root_sift=True)
    empty = (np.zeros((0, 4)), np.zeros((0, 128), np.float32))
    assert matching.inlier_count(empty, f) == 0 and matching.inlier_count(f, empty) == 0
    flat = features.opencv_sift(np.full((64, 64), 128, np.uint8), root_sift=True)
    assert len(flat[0]) == 0 and matching.inlier_count(flat, f) == 0
    with pytest.raises(ValueError, match="method must be 'opencv' or 'ransac'"):
        matching.inlier_count(f, f, method="magic")
    with pytest.raises(TypeError, match="features_a must be a pair"):
        matching.inlier_count(f[1], f)
    with pytest.raises(ValueError, match="ratio must be <= 1.0"):
        matching.inlier_count(f, f, ratio=1.5)
    with pytest.raises(ValueError, match="one keypoint"):
        matching.inlier_count((f[0][:3], f[1]), f)


def test_synthetic_homography_pair_has_exact_ground_truth():
    from imsearch.data import load_default_image

    img = load_default_image("coffee")[::2, ::2]
    p = mt.synthetic_homography_pair(img, seed=1, strength=0.2, n_features=600)
    assert set(p) >= {"A", "B", "matches", "labels", "H_BtoA", "verified"}
    assert p["A"].shape == p["B"].shape == img.shape and p["verified"].shape == (8, 4)
    np.testing.assert_allclose(g.transfer_error(p["H_BtoA"], p["verified"][:, 2:], p["verified"][:, :2]), 0,
                               atol=1e-9)
    err = g.transfer_error(p["H_BtoA"], p["matches"][:, 2:], p["matches"][:, :2])
    np.testing.assert_array_equal(p["labels"], (err < 3.0).astype(int))
    assert len(p["matches"]) > 30 and p["labels"].mean() > 0.5
    hard = mt.synthetic_homography_pair(img, seed=1, strength=0.2, n_features=600, outlier_fraction=0.8)
    assert len(hard["matches"]) >= 4 * len(p["matches"]) and hard["labels"].mean() < 0.2
    again = mt.synthetic_homography_pair(img, seed=1, strength=0.2, n_features=600)
    np.testing.assert_array_equal(again["matches"], p["matches"])


def test_threshold_for_precision_against_a_loop_over_thresholds():
    rng = np.random.default_rng(3)
    for _ in range(5):
        scores = np.round(rng.random(60), 2)
        correct = rng.random(60) > scores
        for target in (0.5, 0.8, 0.95):
            want = max([t for t in np.unique(scores) if correct[scores <= t].mean() >= target], default=0.0)
            assert mt.threshold_for_precision(scores, correct, target) == want


def test_threshold_for_precision_closed_form_and_bad_input():
    # precision at .1: 1, .2: 1/2, .3: 2/3: target 0.6 skips the dip at 0.2
    assert mt.threshold_for_precision([0.3, 0.1, 0.2], [True, True, False], 0.6) == 0.3
    assert mt.threshold_for_precision([0.3, 0.1, 0.2], [True, True, False], 0.9) == 0.1
    assert mt.threshold_for_precision([], np.zeros(0, bool), 0.9) == 0.0
    with pytest.raises(ValueError, match="precision"):
        mt.threshold_for_precision([0.1], [True], 0.0)


def test_nn_match_statistics_against_naive_loops():
    rng = np.random.default_rng(0)
    k1, k2 = rng.uniform(0, 100, (30, 2)), rng.uniform(0, 100, (40, 2))
    k2[:20] = k1[:20] + [5.0, -2.0] + rng.normal(0, 0.5, (20, 2))   # 20 keypoints have a partner
    d1, d2 = rng.normal(size=(30, 8)), rng.normal(size=(40, 8))
    d2[:20] = d1[:20] + 0.1 * rng.normal(size=(20, 8))
    H = np.array([[1.0, 0, 5.0], [0, 1.0, -2.0], [0, 0, 1.0]])
    st = mt.nn_match_statistics(k1, k2, d1, d2, H, threshold_px=3.0)
    dist = np.linalg.norm(d1[:, None] - d2[None], axis=2)
    nn = dist.argmin(axis=1)
    np.testing.assert_array_equal(st["matches"][:, 1], nn)
    np.testing.assert_allclose(st["distances"], dist.min(axis=1))
    np.testing.assert_allclose(st["ratios"], dist.min(axis=1) / np.sort(dist, axis=1)[:, 1])
    partner = np.array([min(np.hypot(*(k1[i] + [5, -2] - k2[j])) for j in range(40)) < 3.0 for i in range(30)])
    np.testing.assert_array_equal(st["has_partner"], partner)
    assert st["n_positives"] == partner.sum() == mt.n_correspondences(k1, k2, H, 3.0)
    np.testing.assert_array_equal(st["correct"], np.hypot(*(k1 + [5, -2] - k2[nn]).T) < 3.0)
    with pytest.raises(ValueError, match="one row per descriptor"):
        mt.nn_match_statistics(k1[:5], k2, d1, d2, H)
