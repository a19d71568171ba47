"""imsearch.index.reranking: Two-stage search (chapters 6–7): shortlists, their recall, and re-ranking them by geometry."""
import numpy as np
import pytest

from imsearch import features, index
from imsearch.features import LocalFeatures
from image_helpers import photo as _photo, similar_keypoint_pair as _similar_pair, warp as _warp


def _naive_recall(s, r, length):
    out = []
    for row, rel in zip(s, r):
        order = sorted(range(len(row)), key=lambda j: (-row[j], j))[:length]
        out.append(sum(rel[j] for j in order) / rel.sum())
    return float(np.mean(out))


def test_spatial_rerank_moves_verified_images_up_and_skips_the_query():
    rng = np.random.default_rng(7)
    ka, kb, _ = _similar_pair(rng, n_in=40, n_out=0)
    words = np.arange(40)
    noise = np.c_[rng.random((40, 2)) * 200, np.ones(40), np.zeros(40)]
    def feats(kps_list):
        kps = np.concatenate(kps_list).astype(np.float32)
        return LocalFeatures(kps, np.zeros((len(kps), 128), np.uint8),
                             np.concatenate([[0], np.cumsum([len(k) for k in kps_list])]).astype(np.int64))
    db = feats([ka, noise, kb])                 # image 0 is the query itself, 1 noise, 2 the true match
    q = feats([ka])
    scores = np.array([[1.0, 0.5, 0.2]])
    new, inliers, ids = index.spatial_rerank(scores, q, words, db, np.tile(words, 3), shortlist=2,
                                            exclude=np.array([0]), threshold_px=4.0)
    np.testing.assert_array_equal(ids, [[1, 2]])
    assert inliers[0, 1] >= 35 and inliers[0, 0] == 0     # random positions: below min_inliers
    assert new[0, 2] > new[0, 1] > 1.0 and new[0, 0] == 1.0


def test_shortlist_orders_by_similarity_with_stable_ties():
    s = np.array([[0.2, 0.9, 0.9, -np.inf, 0.5], [1, 1, 1, 1, 1]], float)
    np.testing.assert_array_equal(index.shortlist(s, 3), [[1, 2, 4], [0, 1, 2]])
    np.testing.assert_array_equal(index.shortlist(s, 5)[0], [1, 2, 4, 0, 3])     # -inf last
    with pytest.raises(ValueError, match="length must be <= 5"):
        index.shortlist(s, 6)
    with pytest.raises(ValueError, match="NaN"):
        index.shortlist(np.array([[np.nan, 1.0]]), 1)


def test_shortlist_recall_matches_the_definition_and_the_curve():
    rng = np.random.default_rng(0)
    s = np.round(rng.random((7, 30)), 1)                      # many ties
    r = rng.random((7, 30)) < 0.2
    r[:, 0] = True
    lengths = np.array([1, 2, 5, 10, 30])
    curve = index.shortlist_recall_curve(s, r, lengths)
    for length, value in zip(lengths, curve):
        assert index.shortlist_recall(s, r, int(length)) == pytest.approx(_naive_recall(s, r, length))
        assert value == pytest.approx(_naive_recall(s, r, length))
    assert np.all(np.diff(curve) >= 0) and curve[-1] == 1.0


def test_shortlist_recall_closed_form_and_bad_inputs():
    s = np.array([[0.9, 0.1, 0.5, 0.3]])
    r = np.array([[False, True, True, False]])
    assert index.shortlist_recall(s, r, 2) == 0.5
    assert index.shortlist_recall(s, r, 4) == 1.0
    with pytest.raises(ValueError, match="at least one True entry in every row"):
        index.shortlist_recall(s, np.zeros((1, 4), bool), 2)
    with pytest.raises(TypeError, match="relevant must have a bool dtype"):
        index.shortlist_recall(s, r.astype(int), 2)
    with pytest.raises(ValueError, match=r"relevant must have shape \(1, 4\)"):
        index.shortlist_recall(s, r[:, :3], 2)
    with pytest.raises(ValueError, match="lengths must be >= 1"):
        index.shortlist_recall_curve(s, r, [0, 2])


def test_rerank_puts_verified_candidates_first_by_inliers_then_the_rest_in_global_order():
    sim = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    # min_inliers = 0: the whole shortlist by inliers (ties in global order), then the rest
    scores = index.rerank(sim, candidates=[0, 1, 2, 3], inliers=[5, 40, 5, 12], min_inliers=0)
    np.testing.assert_array_equal(np.argsort(-scores, kind="stable"), [1, 3, 0, 2, 4, 5])
    assert np.all(scores[[0, 1, 2, 3]] >= 0) and np.all(scores[[4, 5]] < 0)
    # the default threshold (15): only candidate 1 is verified; the others keep the global order
    scores = index.rerank(sim, candidates=[0, 1, 2, 3], inliers=[5, 40, 5, 12])
    np.testing.assert_array_equal(np.argsort(-scores, kind="stable"), [1, 0, 2, 3, 4, 5])
    scores = index.rerank(sim, candidates=[2, 3, 4], inliers=[15, 80, 14])
    np.testing.assert_array_equal(np.argsort(-scores, kind="stable"), [3, 2, 0, 1, 4, 5])
    # nothing verified: the global order, unchanged
    np.testing.assert_array_equal(np.argsort(-index.rerank(sim, [0, 1], [3, 2]), kind="stable"), np.arange(6))
    # an excluded item (-inf) stays last
    sim2 = np.array([0.3, -np.inf, 0.9])
    assert np.argsort(-index.rerank(sim2, [2], [0]))[-1] == 1
    with pytest.raises(ValueError, match="candidates must be distinct"):
        index.rerank(sim, [0, 0], [1, 2])
    with pytest.raises(ValueError, match=r"inliers must have shape \(2,\)"):
        index.rerank(sim, [0, 1], [1])
    with pytest.raises(ValueError, match="candidates must be <= 5"):
        index.rerank(sim, [9], [1])
    with pytest.raises(ValueError, match="min_inliers must be >= 0"):
        index.rerank(sim, [0], [1], min_inliers=-1)


def test_two_stage_search_on_a_small_database():
    """Two photos with two warped views each, two unrelated photos; the global similarity is poor."""
    a, b = _photo("astronaut"), _photo("chelsea")
    database = [a, _warp(a, 1), _warp(a, 2), b, _warp(b, 3), _photo("coffee"), _photo("rocket")]
    feats = [features.opencv_sift(x, 400, root_sift=True) for x in database]
    queries = np.array([0, 3])
    # a global similarity that ranks the true matches low (after the unrelated photos)
    sim = np.array([[1.0, 0.2, 0.1, 0.5, 0.6, 0.9, 0.8],
                    [0.5, 0.6, 0.7, 1.0, 0.55, 0.9, 0.3]])
    asked = []

    def lazy(i):
        asked.append(i)
        return feats[i]

    out = index.two_stage_search(sim, [feats[i] for i in queries], lazy, length=4, exclude=queries,
                                  progress=False)
    assert out["shortlist"].shape == (2, 4) and out["inliers"].shape == (2, 4) and out["n_pairs"] == 8
    np.testing.assert_array_equal(out["shortlist"][0], [5, 6, 4, 3])     # the query itself excluded
    assert set(asked) <= set(out["shortlist"].ravel()) and len(asked) == 8
    order0 = np.argsort(-out["similarity"][0], kind="stable")
    order1 = np.argsort(-out["similarity"][1], kind="stable")
    # query 0: its views 1 and 2 were outside the shortlist (ranks 6 and 7): re-ranking cannot find them
    assert set(order0[:4]) == {5, 6, 4, 3} and list(order0[4:6]) == [1, 2]
    # query 1: its view (4) is last in the shortlist, and moves to the top
    assert order1[0] == 4 and out["inliers"][1, list(out["shortlist"][1]).index(4)] > 30
    assert out["seconds_per_pair"] > 0
    # a longer shortlist finds query 0's views too
    out6 = index.two_stage_search(sim, [feats[i] for i in queries], feats, length=6, exclude=queries,
                                   progress=False)
    assert set(np.argsort(-out6["similarity"][0], kind="stable")[:2]) == {1, 2}


def test_two_stage_search_bad_inputs():
    sim = np.zeros((1, 3))
    f = (np.zeros((0, 4)), np.zeros((0, 128), np.float32))
    with pytest.raises(ValueError, match="query_features must hold one entry per query"):
        index.two_stage_search(sim, [], [f] * 3, 2, progress=False)
    with pytest.raises(ValueError, match="database_features must hold one entry per database item"):
        index.two_stage_search(sim, [f], [f] * 2, 2, progress=False)
    with pytest.raises(ValueError, match="length must be <= 3"):
        index.two_stage_search(sim, [f], [f] * 3, 4, progress=False)
    out = index.two_stage_search(sim, [f], [f] * 3, 2, exclude=[0], progress=False)
    np.testing.assert_array_equal(out["shortlist"], [[1, 2]])
    assert np.all(out["inliers"] == 0)


def test_shortlist_length_is_the_first_length_reaching_the_target():
    rng = np.random.default_rng(4)
    sim = rng.random((7, 30))
    rel = rng.random((7, 30)) < 0.2
    rel[np.arange(7), rng.integers(0, 30, 7)] = True
    for target in (0.3, 0.5, 0.9, 1.0):
        want = next(L for L in range(1, 31) if index.shortlist_recall(sim, rel, L) >= target)
        assert index.shortlist_length(sim, rel, target) == want


def test_shortlist_length_closed_form_and_bad_input():
    # query 0 finds its one positive at rank 1, query 1 at rank 3: mean recall 0.5 at L = 1, 1 at L = 3
    sim = np.array([[0.9, 0.5, 0.1], [0.9, 0.5, 0.1]])
    rel = np.array([[True, False, False], [False, False, True]])
    assert index.shortlist_length(sim, rel, 0.5) == 1 and index.shortlist_length(sim, rel, 0.75) == 3
    with pytest.raises(ValueError, match="recall"):
        index.shortlist_length(sim, rel, 0.0)
