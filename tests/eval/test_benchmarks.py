"""imsearch.eval.benchmarks (and metrics.score_normalize): scoring on hand-built cases, caching, the real builds.

The first part needs nothing: small hand-built benchmarks with known answers, the cache
logic with a fake builder, bad inputs. The tests marked ``datapack`` build the two real
benchmarks from the course data pack, once per module, into a temporary cache (about
25 s on the course's 2-core machine) and check their structure; they are skipped, with
the missing datasets named, when the pack is absent.
"""
from __future__ import annotations

import functools
import os
import time
from pathlib import Path

import numpy as np
import pytest

from imsearch.eval import benchmarks as bm
from imsearch import data, edits
from imsearch.eval import metrics

REPO = Path(__file__).resolve().parents[2]
SIBLING_PACK = REPO.parent / "shared" / "data"
NEEDED = ("oxford_affine", "cmp_homography_pairs", "opencv_samples", "bsds500", "imagenet_samples")


def _img(value, shape=(6, 8, 3)):
    return np.full(shape, value, np.uint8)


def _scenes(n_distractors=3):
    """Two groups (0,1,2) and (3,4), then distractors; images are constants (unused by evaluate)."""
    images = [_img(10 * i) for i in range(5 + n_distractors)]
    groups = ["a", "a", "a", "b", "b"] + [None] * n_distractors
    ids = [f"x/{i}" for i in range(len(images))]
    return bm.Scenes(images, ids, groups, np.array([0, 3]), [np.array([1, 2]), np.array([4])], [], 0.0)


# ----------------------------------------------------------------------------- scenes: scoring

def test_scenes_perfect_similarity_gives_map_one():
    sc = _scenes()
    sim = np.zeros((2, 8))
    sim[0, [1, 2]] = 1.0
    sim[1, [4]] = 1.0
    out = sc.evaluate(sim)
    assert out["mAP"] == 1.0
    np.testing.assert_array_equal(out["AP"], [1.0, 1.0])


def test_scenes_reversed_similarity_by_hand():
    sc = _scenes()
    # query 0: ranking without itself 7,6,5,4,3,2,1 -> positives 2 and 1 at ranks 5 and 6 (0-based)
    sim = np.tile(np.arange(8, dtype=float), (2, 1))
    out = sc.evaluate(sim)
    # trapezoid: j=0 at r=5: (0/5 + 1/6)/2 ; j=1 at r=6: (1/6 + 2/7)/2 ; mean over the 2 positives
    ap0 = ((0 / 5 + 1 / 6) / 2 + (1 / 6 + 2 / 7) / 2) / 2
    # query 3: ranking without itself 7,6,5,4,2,1,0 -> positive 4 at rank 3: (0/3 + 1/4)/2
    ap1 = (0 / 3 + 1 / 4) / 2
    np.testing.assert_allclose(out["AP"], [ap0, ap1])
    assert out["mAP"] == pytest.approx((ap0 + ap1) / 2)


def test_scenes_ignore_the_query_column_and_rank_ties_pessimistically():
    sc = _scenes()
    sim = np.zeros((2, 8))
    sim[0, [1, 2]] = 1.0
    sim[1, [4]] = 1.0
    base = sc.evaluate(sim)["AP"]
    sim[0, 0] = sim[1, 3] = 100.0  # the query itself, most similar: ignored
    np.testing.assert_array_equal(sc.evaluate(sim)["AP"], base)
    tied = np.ones((2, 8))  # all tied: positives ranked last
    ap_last = sc.evaluate(tied)["AP"][1]  # one positive among 7 items, at rank 6: (0 + 1/7)/2
    assert ap_last == pytest.approx(1 / 14)


def test_scenes_evaluate_descriptors_with_identity_like_descriptors():
    sc = _scenes()
    desc = np.zeros((8, 5))
    desc[[0, 1, 2], 0] = 1.0          # group a
    desc[[3, 4], 1] = 1.0             # group b
    desc[5, 2] = desc[6, 3] = desc[7, 4] = 1.0  # distractors: orthogonal
    for metric in ("cosine", "ip", "l2", "l1"):
        assert sc.evaluate_descriptors(desc, metric)["mAP"] == 1.0
    # a distractor copying group a's descriptor, found before... ties are pessimistic
    desc[5] = desc[0]
    ap = sc.evaluate_descriptors(desc, "cosine")["AP"]
    # query 0: items 1, 2, 5 tie at 1; positives after the distractor: ranks 1, 2
    assert ap[0] == pytest.approx(((0 / 1 + 1 / 2) / 2 + (1 / 2 + 2 / 3) / 2) / 2)
    assert ap[1] == 1.0


def test_scenes_bad_inputs():
    sc = _scenes()
    with pytest.raises(ValueError, match=r"similarity must have shape \(2, 8\)"):
        sc.evaluate(np.zeros((2, 7)))
    with pytest.raises(ValueError, match="finite"):
        sc.evaluate(np.full((2, 8), np.nan))
    with pytest.raises(TypeError, match="similarity must have"):
        sc.evaluate(np.zeros((2, 8), complex))
    with pytest.raises(ValueError, match="one row per image"):
        sc.evaluate_descriptors(np.zeros((7, 3)))
    with pytest.raises(ValueError, match="metric must be one of"):
        sc.evaluate_descriptors(np.ones((8, 3)), metric="hamming")


# ----------------------------------------------------------------------------- every member a query, intervals

def test_every_member_queries_by_hand():
    q, pos, first = bm.every_member_queries([0, 3], [np.array([1, 2]), np.array([4])])
    np.testing.assert_array_equal(q, [0, 1, 2, 3, 4])
    assert [p.tolist() for p in pos] == [[1, 2], [0, 2], [0, 1], [4], [3]]
    np.testing.assert_array_equal(first, [0, 3])
    assert all(qi not in p for qi, p in zip(q, pos))
    with pytest.raises(ValueError, match="lists a photo twice"):
        bm.every_member_queries([0], [np.array([0, 1])])
    with pytest.raises(ValueError, match="one entry per query"):
        bm.every_member_queries([0, 3], [np.array([1])])


def _every_member_scenes():
    sc = _scenes()
    q, pos, first = bm.every_member_queries(sc.query_indices, sc.positives)
    return bm.Scenes(sc.images, sc.ids, sc.groups, q, pos, [], 0.0, first_rows=first)


def test_scenes_map_first_is_the_mean_over_the_first_photos():
    sc = _every_member_scenes()
    rng = np.random.default_rng(0)
    sim = rng.random((5, 8))
    out = sc.evaluate(sim)
    assert out["AP"].shape == (5,)
    assert out["mAP_first"] == pytest.approx(out["AP"][[0, 3]].mean())
    # the first-photo score equals the one-query-per-group benchmark on the same rows
    old = _scenes().evaluate(sim[[0, 3]])
    assert out["mAP_first"] == pytest.approx(old["mAP"])
    assert _scenes().evaluate(sim[[0, 3]])["mAP_first"] == old["mAP"]  # default: every row is a first photo


def test_scenes_intervals_are_seeded_and_bracket_the_estimate():
    sc = _every_member_scenes()
    sim = np.random.default_rng(1).random((5, 8))
    a, b = sc.intervals(sim, n_resamples=200, seed=3), sc.intervals(sim, n_resamples=200, seed=3)
    ap = sc.evaluate(sim)["AP"]
    for key, values in (("mAP", ap), ("mAP_first", ap[[0, 3]])):
        assert a[key] == b[key] and a[key].n_resamples == 200
        assert a[key].estimate == pytest.approx(values.mean())
        assert values.min() - 1e-12 <= a[key].low <= a[key].estimate <= a[key].high <= values.max() + 1e-12
    same = sc.paired_intervals(sim, sim, n_resamples=50)
    assert same["mAP"].estimate == same["mAP"].low == same["mAP"].high == 0.0 and not same["mAP"].excludes(0)
    perfect = np.zeros((5, 8))
    for row, pos in enumerate(sc.positives):
        perfect[row, pos] = 1.0
    better = sc.paired_intervals(perfect, -perfect, n_resamples=50)["mAP"]
    assert better.low > 0 and better.excludes(0)


def test_ukbench_ns_score_by_hand():
    images = [_img(i) for i in range(8)]
    groups = ["u/0"] * 4 + ["u/1"] * 4
    q, pos, first = bm.every_member_queries([0, 4], [np.array([1, 2, 3]), np.array([5, 6, 7])])
    uk = bm.UKBench(images, [f"u/{i}" for i in range(8)], groups, q, pos, [], 0.0, first_rows=first)
    same = np.equal.outer(np.array(groups), np.array(groups)).astype(float)
    out = uk.evaluate(same + np.eye(8))
    assert out["N-S"] == 4.0 and out["mAP"] == 1.0
    np.testing.assert_array_equal(out["NS"], np.full(8, 4.0))
    # each photo finds itself, then the other group: 1 of 4 (ties to the lower index do not help)
    swap = (1.0 - same) + 2 * np.eye(8)
    np.testing.assert_array_equal(uk.evaluate(swap)["NS"], np.ones(8))
    iv = uk.intervals(swap, n_resamples=100)
    assert iv["N-S"].estimate == iv["N-S"].low == iv["N-S"].high == 1.0
    d = uk.paired_intervals(same + np.eye(8), swap, n_resamples=100)["N-S"]
    assert d.estimate == 3.0 and d.excludes(0)


def test_copy_detection_intervals_match_evaluate_similarity():
    refs = [_img(10 * i) for i in range(4)]
    cd = bm.CopyDetection.from_images(refs, refs[:3], [(0, 0), (1, 1)])
    rng = np.random.default_rng(2)
    sim, bsim = rng.random((3, 4)), rng.random((3, 5))
    point = cd.evaluate_similarity(sim, bsim, k=2)
    iv = cd.intervals(sim, bsim, k=2, n_resamples=100, seed=0)
    assert set(iv) == {"uAP", "recall_at_p90", "uAP_SN", "recall_at_p90_SN"}
    for key, value in point.items():
        assert iv[key].estimate == pytest.approx(value) and iv[key].n_queries == 3
    assert set(cd.intervals(sim, k=2, n_resamples=10)) == {"uAP", "recall_at_p90"}
    d = cd.paired_intervals(sim, sim, bsim, bsim, k=2, n_resamples=50)
    assert all(v.estimate == v.low == v.high == 0.0 for v in d.values())
    with pytest.raises(ValueError, match="together, or neither"):
        cd.paired_intervals(sim, sim, bsim, None)


# ----------------------------------------------------------------------------- similarities

def test_similarity_matrix_matches_definitions():
    from imsearch.descriptors import histograms as globaldesc

    rng = np.random.default_rng(0)
    q, x = rng.random((4, 6)), rng.random((5, 6))
    qn = q / np.linalg.norm(q, axis=1, keepdims=True)
    xn = x / np.linalg.norm(x, axis=1, keepdims=True)
    np.testing.assert_allclose(bm.similarity_matrix(q, x, "cosine"), qn @ xn.T)
    np.testing.assert_allclose(bm.similarity_matrix(q, x, "ip"), q @ x.T)
    np.testing.assert_allclose(bm.similarity_matrix(q, x, "l2"), -((q[:, None] - x[None]) ** 2).sum(-1), atol=1e-12)
    np.testing.assert_allclose(bm.similarity_matrix(q, x, "l1"), -np.abs(q[:, None] - x[None]).sum(-1))
    np.testing.assert_allclose(bm.similarity_matrix(q, x, "intersection"),
                               globaldesc.intersection(q[:, None], x[None]))
    zero = np.zeros((1, 6))
    np.testing.assert_array_equal(bm.similarity_matrix(zero, x, "cosine"), np.zeros((1, 5)))
    with pytest.raises(ValueError, match="same dimension"):
        bm.similarity_matrix(q, x[:, :5])


# ----------------------------------------------------------------------------- score normalisation

def test_score_normalize_by_hand():
    scores = np.array([[0.9, 0.5]])
    bg = np.array([[0.1, 0.7, 0.3, 0.2]])  # sorted: 0.7, 0.3, 0.2, 0.1
    np.testing.assert_allclose(metrics.score_normalize(scores, bg), [[0.9 - 0.4, 0.5 - 0.4]])
    np.testing.assert_allclose(metrics.score_normalize(scores, bg, beta=0.5), [[0.7, 0.3]])
    np.testing.assert_allclose(metrics.score_normalize(scores, bg, first=1, last=1), [[0.6, 0.2]])
    np.testing.assert_allclose(metrics.score_normalize(scores, bg, beta=0), scores)


def test_score_normalization_fixes_a_generic_query_by_hand():
    """µAP_SN on a hand case: a query that resembles everything loses its false match's lead."""
    gt = [("q2", "r2")]
    # q1 is generic: similar to every image; its best (wrong) match scores 0.8 > q2's true 0.6
    raw = [("q1", "r1", 0.8), ("q2", "r2", 0.6)]
    assert metrics.micro_average_precision(raw, gt) == pytest.approx(0.5)  # false positive first
    bg = np.array([[0.9, 0.7, 0.65, 0.1],    # q1: top-3 mean 0.75
                   [0.2, 0.1, 0.0, -0.3]])   # q2: top-3 mean 0.1
    norm = metrics.score_normalize(np.array([[0.8], [0.6]]), bg)
    np.testing.assert_allclose(norm.ravel(), [0.05, 0.5])
    pred = [("q1", "r1", norm[0, 0]), ("q2", "r2", norm[1, 0])]
    assert metrics.micro_average_precision(pred, gt) == 1.0


def test_score_normalize_bad_inputs():
    s, b = np.zeros((2, 3)), np.zeros((2, 4))
    with pytest.raises(ValueError, match="one row per query"):
        metrics.score_normalize(s, np.zeros((3, 4)))
    with pytest.raises(ValueError, match="last must be <= 3"):
        metrics.score_normalize(s, b, last=4)
    with pytest.raises(ValueError, match="last must be >= 2"):
        metrics.score_normalize(s, b, first=2, last=1)
    with pytest.raises(ValueError, match="beta must be >= 0"):
        metrics.score_normalize(s, b, beta=-1)
    with pytest.raises(ValueError, match="finite"):
        metrics.score_normalize(np.full((2, 3), np.nan), b)
    with pytest.raises(ValueError, match="scores must have 2 dimensions"):
        metrics.score_normalize(np.zeros(3), b)


# ----------------------------------------------------------------------------- copy detection: scoring

def _copy_detection():
    """3 references, 4 queries: Q000 copies R001, Q002 copies R000; Q001 and Q003 are negatives."""
    refs = [_img(v) for v in (0, 50, 100)]
    queries = [_img(v) for v in (55, 200, 5, 230)]
    background = [_img(v) for v in (150, 180, 250)]
    return bm.CopyDetection.from_images(refs, queries, [(0, 1), (2, 0)], background=background)


def test_copy_detection_from_images_names_and_ground_truth():
    cd = _copy_detection()
    assert cd.reference_ids == ["R000", "R001", "R002"] and cd.query_ids == ["Q000", "Q001", "Q002", "Q003"]
    assert cd.ground_truth == [("Q000", "R001"), ("Q002", "R000")]
    assert len(cd.background) == 3 and cd.train == []


def test_copy_detection_evaluate_by_hand():
    cd = _copy_detection()
    perfect = [("Q000", "R001", 0.9), ("Q002", "R000", 0.8), ("Q001", "R002", 0.1)]
    assert cd.evaluate(perfect) == {"uAP": 1.0, "recall_at_p90": 1.0}
    # a negative query's prediction first: precision 0, 1/2, 2/3 -> uAP = (1/2 + 2/3) / 2
    wrong_first = [("Q003", "R002", 0.95), ("Q000", "R001", 0.9), ("Q002", "R000", 0.8)]
    out = cd.evaluate(wrong_first)
    assert out["uAP"] == pytest.approx((1 / 2 + 2 / 3) / 2)
    assert out["recall_at_p90"] == 0.0  # precision never reaches 0.9 once the first is wrong
    assert cd.evaluate([]) == {"uAP": 0.0, "recall_at_p90": 0.0}
    arrays = (np.array(["Q000"]), np.array(["R001"]), np.array([1.0]))
    assert cd.evaluate(arrays)["uAP"] == pytest.approx(0.5)  # half of the ground truth found


def test_copy_detection_evaluate_descriptors_identity_like_and_score_normalisation():
    cd = _copy_detection()
    ref = np.eye(5)[:3]                        # R000, R001, R002 -> e0, e1, e2
    qd = np.array([np.eye(5)[1], np.eye(5)[3], np.eye(5)[0], np.eye(5)[4]])  # copies on their refs
    out = cd.evaluate_descriptors(qd, ref, k=1, metric="cosine")
    # the two true matches score 1, the negatives' best references score 0 -> perfect
    assert out == {"uAP": 1.0, "recall_at_p90": 1.0}
    out = cd.evaluate_descriptors(qd, ref, k=3, metric="l2")
    assert out["uAP"] == 1.0 and "uAP_SN" not in out
    # with a background: manual normalisation of the kNN scores gives the same numbers
    bg = np.array([[0, 1, 0, 0, 0.5], [0.2, 0, 0, 1, 0], [0, 0, 0.1, 0, 1]], float)
    out = cd.evaluate_descriptors(qd, ref, background_desc=bg, k=2, metric="ip", beta=1.0, first=0, last=1)
    q_ids, r_ids, scores = bm.knn_predictions(qd, ref, cd.query_ids, cd.reference_ids, k=2, metric="ip")
    bsim = qd @ bg.T
    shift = np.sort(bsim, axis=1)[:, ::-1][:, :2].mean(axis=1)
    manual = (q_ids, r_ids, scores - np.repeat(shift, 2))
    assert out["uAP_SN"] == pytest.approx(metrics.micro_average_precision(manual, cd.ground_truth))
    assert out["recall_at_p90_SN"] == pytest.approx(metrics.recall_at_precision(manual, cd.ground_truth))


def test_evaluate_similarity_equals_evaluate_descriptors():
    cd = _copy_detection()
    rng = np.random.default_rng(3)
    qd, rd, bd = rng.random((4, 6)), rng.random((3, 6)), rng.random((3, 6))
    by_desc = cd.evaluate_descriptors(qd, rd, background_desc=bd, k=2, metric="cosine")
    by_sim = cd.evaluate_similarity(bm.similarity_matrix(qd, rd, "cosine"), bm.similarity_matrix(qd, bd, "cosine"),
                                    k=2)
    assert by_desc == by_sim and set(by_sim) == {"uAP", "recall_at_p90", "uAP_SN", "recall_at_p90_SN"}
    with pytest.raises(ValueError, match=r"similarity must have shape \(4, 3\)"):
        cd.evaluate_similarity(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="background_similarity must have one row per query"):
        cd.evaluate_similarity(np.zeros((4, 3)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="similarity has shape"):
        bm.predictions_from_similarity(np.zeros((2, 3)), ["a"], ["x", "y", "z"])


def test_knn_predictions_are_the_k_most_similar_in_order():
    rng = np.random.default_rng(1)
    q, r = rng.random((3, 4)), rng.random((6, 4))
    q_ids, r_ids, s = bm.knn_predictions(q, r, ["a", "b", "c"], [f"r{i}" for i in range(6)], k=2, metric="l2")
    d = ((q[:, None] - r[None]) ** 2).sum(-1)
    best = np.argsort(d, axis=1)[:, :2]
    assert list(q_ids) == ["a", "a", "b", "b", "c", "c"]
    assert list(r_ids) == [f"r{j}" for j in best.ravel()]
    np.testing.assert_allclose(s, -np.take_along_axis(d, best, axis=1).ravel())
    _, _, s_all = bm.knn_predictions(q, r, ["a", "b", "c"], [f"r{i}" for i in range(6)], k=99)
    assert len(s_all) == 18  # k capped at the number of references


def test_copy_detection_bad_inputs():
    cd = _copy_detection()
    with pytest.raises(ValueError, match="unknown query ids, e.g. '0'"):
        cd.evaluate([(0, "R000", 1.0)])
    with pytest.raises(ValueError, match="unknown reference ids"):
        cd.evaluate([("Q000", "R999", 1.0)])
    with pytest.raises(ValueError, match="more than once"):
        cd.evaluate([("Q000", "R001", 1.0), ("Q000", "R001", 0.5)])
    with pytest.raises(ValueError, match="one row per query"):
        cd.evaluate_descriptors(np.zeros((3, 2)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="one row per reference"):
        cd.evaluate_descriptors(np.zeros((4, 2)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="k must be >= 1"):
        cd.evaluate_descriptors(np.zeros((4, 2)), np.zeros((3, 2)), k=0)
    with pytest.raises(ValueError, match="last must be <= 1"):
        cd.evaluate_descriptors(np.ones((4, 2)), np.ones((3, 2)), background_desc=np.ones((2, 2)))
    with pytest.raises(ValueError, match="ground_truth must hold"):
        bm.CopyDetection.from_images([_img(0)], [_img(1)], [(0, 1)])
    with pytest.raises(ValueError, match=r"references\[0\] must have shape \(H, W, 3\)"):
        bm.CopyDetection.from_images([np.zeros((4, 4), np.uint8)], [_img(1)], [])


# ----------------------------------------------------------------------------- duplicates

def test_find_near_duplicates_finds_reencoded_and_resized_copies_only():
    from imsearch.data import load_default_image

    photo = edits.downscale(load_default_image("chelsea"), 200)
    copy = edits.jpeg(edits.downscale(photo, 150), quality=90)
    other = edits.downscale(load_default_image("coffee"), 200)
    shifted = edits.crop_and_scale(photo, crop_fraction=0.8, seed=0)  # same scene, not a copy
    pairs = bm.find_near_duplicates([photo, other, copy, shifted])
    np.testing.assert_array_equal(pairs, [[0, 2]])
    np.testing.assert_array_equal(bm.find_near_duplicates([other, photo], [copy, shifted]), [[1, 0]])
    assert bm.find_near_duplicates([photo], []).shape == (0, 2)
    with pytest.raises(ValueError, match="max_difference must be > 0"):
        bm.find_near_duplicates([photo], max_difference=0)


# ----------------------------------------------------------------------------- cache logic (no pack)

def test_cache_is_reused_and_rebuilt_on_a_new_version(tmp_path, monkeypatch):
    monkeypatch.setenv("IMSEARCH_CACHE_DIR", str(tmp_path))
    calls = []

    def fake_build(progress):
        calls.append(progress)
        images = [_img(i * 20, (4, 5, 3)) for i in range(4)]
        flat, shapes = bm._pack_images(images)
        return {"version": np.array(bm.VERSIONS["scenes"]), "pixels": flat, "shapes": shapes,
                "ids": np.array(["g/0", "g/1", "d/0", "d/1"]), "groups": np.array(["g", "g", "", ""]),
                "query_indices": np.array([0]), "positives_flat": np.array([1]),
                "positives_counts": np.array([1]), "duplicates": np.zeros((0, 2), str),
                "build_seconds": np.array(0.25)}

    monkeypatch.setattr(bm, "_build_scenes", fake_build)
    sc = bm.load_scenes(progress=False)
    assert calls == [False] and sc.groups == ["g", "g", None, None] and sc.build_seconds == 0.25
    np.testing.assert_array_equal(sc.images[2], _img(40, (4, 5, 3)))
    bm.load_scenes()
    assert len(calls) == 1  # cached
    bm.load_scenes(rebuild=True)
    assert len(calls) == 2
    old = bm.benchmark_path("scenes")
    assert old.is_file() and old.parent == tmp_path / "benchmarks"
    monkeypatch.setitem(bm.VERSIONS, "scenes", "test-next")
    bm.load_scenes()
    assert len(calls) == 3 and not old.exists()  # the old version's file is removed
    assert bm.benchmark_path("scenes").is_file()
    bm.benchmark_path("scenes").write_bytes(b"truncated")  # a broken file is rebuilt, not used
    bm.load_scenes()
    assert len(calls) == 4


def test_benchmark_path_depends_on_the_parameters(tmp_path, monkeypatch):
    monkeypatch.setenv("IMSEARCH_CACHE_DIR", str(tmp_path))
    a, b = bm.benchmark_path("copy_detection", seed=0), bm.benchmark_path("copy_detection", seed=1)
    assert a != b and a.name.startswith("copy_detection-v") and a.suffix == ".npz"
    with pytest.raises(ValueError, match="name must be one of"):
        bm.benchmark_path("holidays")


def test_without_the_pack_loaders_name_the_missing_datasets(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("IMSEARCH_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("IMSEARCH_DATA_MIRROR", raising=False)
    with pytest.raises(data.DataMissingError, match="oxford_affine, cmp_homography_pairs, opencv_samples, "
                                                    "bsds500, imagenet_samples.*IMSEARCH_DATA_MIRROR"):
        bm.load_scenes(progress=False)
    with pytest.raises(data.DataMissingError, match="'bsds500, imagenet_samples'"):
        bm.load_copy_detection(progress=False)
    assert bm.main(["build", "copy_detection"]) == 1
    assert "IMSEARCH_DATA_MIRROR" in capsys.readouterr().err
    assert bm.main(["info", "holidays"]) == 2


def test_loader_bad_arguments():
    with pytest.raises(ValueError, match="seed must be >= 0"):
        bm.load_copy_detection(seed=-1)
    with pytest.raises(TypeError, match="seed must be an integer"):
        bm.load_copy_detection(seed=1.5)
    with pytest.raises(TypeError, match="rebuild must be a bool"):
        bm.load_scenes(rebuild="yes")
    with pytest.raises(TypeError, match="progress must be a bool"):
        bm.load_copy_detection(progress=1)


# ----------------------------------------------------------------------------- the real benchmarks

def _real_mirror():
    env = os.environ.get("IMSEARCH_DATA_MIRROR", "").strip()
    if env:
        return env
    return str(SIBLING_PACK) if (SIBLING_PACK / "MANIFEST.sha256").is_file() else None


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """Both benchmarks, built once from the pack into a temporary cache (with their build times)."""
    mirror = _real_mirror()
    with pytest.MonkeyPatch.context() as mp:
        if mirror is None:
            pytest.skip("course data pack not found: set IMSEARCH_DATA_MIRROR (needs " + ", ".join(NEEDED) + ")")
        mp.setenv("IMSEARCH_DATA_MIRROR", mirror)
        mp.setenv("IMSEARCH_CACHE_DIR", str(tmp_path_factory.mktemp("bench_cache")))
        missing = [d for d in NEEDED if not data.have_dataset(d)]
        if missing:
            pytest.skip("the data pack lacks " + ", ".join(missing))
        # decode BSDS500 and the ImageNet samples once for all the builds of this module
        mp.setattr(bm, "_pack_photos", functools.lru_cache(maxsize=1)(bm._pack_photos))
        t0 = time.perf_counter()
        sc = bm.load_scenes(progress=False)
        t1 = time.perf_counter()
        cd = bm.load_copy_detection(seed=0, progress=False)
        t2 = time.perf_counter()
        print(f"\nbuild times (pack copied into an empty cache first; BSDS500 and ImageNet decoded once): "
              f"scenes {t1 - t0:.1f} s, copy_detection {t2 - t1:.1f} s")
        yield {"scenes": sc, "copy": cd, "times": (t1 - t0, t2 - t1)}


@pytest.mark.datapack
def test_real_scenes_structure(real):
    sc = real["scenes"]
    n = len(sc.images)
    assert len(sc.ids) == len(sc.groups) == n and len(set(sc.ids)) == n
    assert all(im.dtype == np.uint8 and im.ndim == 3 and im.shape[2] == 3 and max(im.shape[:2]) <= bm.MAX_SIDE
               for im in sc.images)
    group_names = [g for g in dict.fromkeys(sc.groups) if g is not None]
    # every group photo is a query (115), the first photo of each of the 38 groups marked
    n_group_photos = sum(g is not None for g in sc.groups)
    assert len(sc.query_indices) == len(sc.positives) == n_group_photos == 115
    assert len(sc.first_rows) == len(group_names) == 38
    np.testing.assert_array_equal(sc.query_indices, [i for i, g in enumerate(sc.groups) if g is not None])
    for qi, pos in zip(sc.query_indices, sc.positives):
        g = sc.groups[qi]
        assert qi not in pos and len(pos) >= 1
        members = [i for i, gi in enumerate(sc.groups) if gi == g]
        assert sorted([int(qi)] + pos.tolist()) == members
    firsts = sc.query_indices[sc.first_rows]
    assert [sc.groups[i] for i in firsts] == group_names
    assert all(sc.groups.index(sc.groups[i]) == i for i in firsts)  # the first photo of its group
    sizes = {g: sc.groups.count(g) for g in group_names}
    assert all(sizes[f"oxford_affine/{s}"] == 6 for s in ("bark", "bikes", "boat", "graf", "leuven", "trees",
                                                          "ubc", "wall"))
    assert sizes["cmp_homogr/adam"] == 4 and sizes["cmp_homogr/LePoint1"] == 7  # merged by hand
    n_dis = sum(g is None for g in sc.groups)
    assert n_dis == 1500 and all(sc.ids[i].split("/")[0] in ("bsds500", "imagenet") for i in sc.distractor_indices)
    # the known copies were dropped and named
    dropped = dict(sc.duplicates)
    assert dropped["opencv_samples/graf1"] == "oxford_affine/graf/img1"
    assert dropped["cmp_evd/graf/B"] == "oxford_affine/graf/img6"
    assert not set(dropped) & set(sc.ids)


@pytest.mark.datapack
def test_real_scenes_have_no_copies_across_groups_or_in_distractors(real):
    sc = real["scenes"]
    pairs = bm.find_near_duplicates(sc.images)
    across = [(sc.ids[i], sc.ids[j]) for i, j in pairs if sc.groups[i] is None or sc.groups[i] != sc.groups[j]]
    assert across == []


@pytest.mark.datapack
def test_real_scenes_size_convention(real):
    sc = real["scenes"]
    by_id = dict(zip(sc.ids, sc.images))
    box = data.load_opencv_sample("box.png")  # 223 x 324 -> longest side 320
    assert by_id["opencv_samples/box"].shape == (220, 320, 3)
    np.testing.assert_array_equal(by_id["opencv_samples/box"], edits.downscale(box, 320))
    names, net, _ = data.load_imagenet_samples(limit=3)  # already <= 320: kept as they are
    for name, im in zip(names, net):
        np.testing.assert_array_equal(by_id[f"imagenet/{name}"], im)


@pytest.mark.datapack
def test_real_scenes_evaluate_perfect_and_pixels(real):
    sc = real["scenes"]
    groups = np.array([g or f"_d{i}" for i, g in enumerate(sc.groups)])
    perfect = (groups[sc.query_indices][:, None] == groups[None, :]).astype(float)
    assert sc.evaluate(perfect)["mAP"] == 1.0


@pytest.mark.datapack
def test_real_copy_detection_structure(real):
    cd = real["copy"]
    sizes = bm.COPY_DETECTION_SIZES
    assert len(cd.references) == len(cd.reference_ids) == sizes["references"]
    assert len(cd.queries) == sizes["positive_queries"] + sizes["negative_queries"]
    assert len(cd.ground_truth) == sizes["positive_queries"]
    assert len(cd.background) == sizes["background_bsds500"] + sizes["background_imagenet"]
    assert len(cd.train) == len(cd.train_ids) == sizes["train"]
    # disjointness of the sources
    refs, bg, train, donors = (set(cd.reference_sources), set(cd.background_ids), set(cd.train_ids),
                               set(cd.donor_ids))
    negative_sources = {s for q, s in zip(cd.query_ids, cd.query_sources) if q not in dict(cd.ground_truth)}
    sets = [refs, negative_sources, bg, train, donors]
    assert sum(len(s) for s in sets) == len(set().union(*sets)) == 300 + 150 + 300 + 700 + 50
    # ground truth: each positive query was made from its reference; negatives have none
    ref_source = dict(zip(cd.reference_ids, cd.reference_sources))
    by_query = dict(zip(cd.query_ids, cd.query_sources))
    assert all(by_query[q] == ref_source[r] for q, r in cd.ground_truth)
    assert len({q for q, _ in cd.ground_truth}) == len(cd.ground_truth)
    assert all(s not in refs for s in negative_sources)
    assert all(1 <= len(e) <= 3 and set(e) <= set(edits.DISC_EDITS) for e in cd.query_edits)
    assert all(im.dtype == np.uint8 and max(im.shape[:2]) <= 320 for im in cd.references + cd.queries)
    # no copies of a reference among the background and training photos
    assert bm.find_near_duplicates(cd.references, cd.background + cd.train).shape == (0, 2)


@pytest.mark.datapack
def test_real_copy_detection_queries_replay_from_their_recipe(real):
    cd = real["copy"]
    bsds_ids, photos, names, net = bm._pack_photos()  # what data.load_bsds500 / load_imagenet_samples give
    by_name = dict(zip((f"imagenet/{n}" for n in names), net))
    donors = [edits.downscale(by_name[d], 320) for d in cd.donor_ids]
    ref_of = dict(zip(cd.reference_sources, cd.references))
    checked = {"copy": 0, "negative": 0}
    for i in range(0, len(cd.queries), 23):
        source = cd.query_sources[i]
        if source in ref_of:
            original = ref_of[source]
            checked["copy"] += 1
        else:
            original = edits.downscale(photos[bsds_ids.index(source.split("/")[1])], 320)
            checked["negative"] += 1
        replay, applied = edits.disc_edit(original, seed=cd.query_seeds[i], other_images=donors)
        assert applied == cd.query_edits[i]
        np.testing.assert_array_equal(replay, cd.queries[i])
    assert checked["copy"] > 0 and checked["negative"] > 0


@pytest.mark.datapack
def test_real_copy_detection_is_deterministic_and_depends_on_the_seed(real):
    cd = real["copy"]
    again = bm.load_copy_detection(seed=0, rebuild=True, progress=False)
    assert again.reference_sources == cd.reference_sources and again.query_edits == cd.query_edits
    assert again.ground_truth == cd.ground_truth
    for a, b in zip(again.queries + again.references, cd.queries + cd.references):
        np.testing.assert_array_equal(a, b)
    other = bm.load_copy_detection(seed=1, progress=False)
    assert other.reference_sources != cd.reference_sources
    assert other.query_edits != cd.query_edits
    assert other.query_seeds != cd.query_seeds


@pytest.mark.datapack
def test_real_benchmarks_load_from_the_cache_quickly_and_report_via_the_cli(real, capsys):
    t0 = time.perf_counter()
    sc = bm.load_scenes()
    cd = bm.load_copy_detection()
    assert time.perf_counter() - t0 < 10  # read from the cache, not rebuilt
    assert sc.ids == real["scenes"].ids and cd.query_edits == real["copy"].query_edits
    assert sc.build_seconds > 0 and cd.build_seconds > 0
    from imsearch.__main__ import main as cli

    assert cli(["benchmarks", "info", "copy_detection"]) == 0
    out = capsys.readouterr().out
    assert "300 references, 300 queries (150 with a copy), 700 train, 300 background" in out


@pytest.mark.datapack
def test_real_copy_detection_evaluate_descriptors_with_perfect_descriptors(real):
    cd = real["copy"]
    ref = np.eye(len(cd.references), len(cd.references) + len(cd.queries))
    q = np.zeros((len(cd.queries), ref.shape[1]))
    truth = {int(qid[1:]): int(rid[1:]) for qid, rid in cd.ground_truth}
    for i in range(len(cd.queries)):
        q[i, truth[i] if i in truth else len(cd.references) + i] = 1.0
    bg = np.zeros((5, ref.shape[1]))
    out = cd.evaluate_descriptors(q, ref, background_desc=bg, k=5, metric="cosine")
    assert out == {"uAP": 1.0, "recall_at_p90": 1.0, "uAP_SN": 1.0, "recall_at_p90_SN": 1.0}


# ----------------------------------------------------------------------------- UKBench, intervals, orderings (pack)

def _pack_or_skip(*datasets):
    if _real_mirror() is None or not all(data.have_dataset(d) for d in datasets):
        pytest.skip("the course data pack (" + ", ".join(datasets) + ") is not available")


@pytest.mark.datapack
def test_real_ukbench_structure_and_perfect_scores():
    _pack_or_skip("ukbench_subset")
    uk = bm.load_ukbench()
    assert len(uk.images) == len(uk.query_indices) == 56 and len(uk.first_rows) == 14
    assert all(im.shape == (240, 320, 3) and im.dtype == np.uint8 for im in uk.images)  # 640x480 halved
    assert uk.ids[:5] == [f"ukbench/ukbench0000{i}" for i in range(5)]
    assert uk.groups[:5] == ["ukbench/0"] * 4 + ["ukbench/1"]
    for qi, pos in zip(uk.query_indices, uk.positives):
        assert len(pos) == 3 and qi not in pos and {uk.groups[i] for i in pos} == {uk.groups[qi]}
    groups = np.array(uk.groups)
    perfect = (groups[:, None] == groups[None, :]).astype(float)
    out = uk.evaluate(perfect)
    assert out["N-S"] == 4.0 and out["mAP"] == 1.0


@pytest.mark.datapack
def test_real_ukbench_ns_of_pixels_matches_a_direct_count():
    _pack_or_skip("ukbench_subset")
    from imsearch import descriptors

    uk = bm.load_ukbench()
    desc = np.stack([descriptors.pixel_descriptor(im, size_px=(16, 16)) for im in uk.images])
    sim = bm.similarity_matrix(desc, desc, "l2")
    groups = np.array(uk.groups)
    top4 = np.argsort(-sim, axis=1, kind="stable")[:, :4]
    direct = (groups[top4] == groups[:, None]).sum(axis=1).mean()
    out = uk.evaluate(sim)
    assert out["N-S"] == pytest.approx(direct) and 1.0 <= out["N-S"] < 4.0
    iv = uk.intervals(sim)
    assert iv["N-S"].low < out["N-S"] < iv["N-S"].high and iv["N-S"].n_queries == 56


def _copy_similarity(cd, method):
    from imsearch.eval import global_methods as gm

    d = gm.copy_detection_descriptors(cd, method, progress=False)
    return (gm.similarity(d["queries"], d["references"], method),
            gm.similarity(d["queries"], d["background"], method))


@pytest.mark.datapack
def test_real_hsv_histogram_beats_pixels_on_both_benchmarks_by_a_paired_interval():
    """Chapter 6's ordering: asserted only because the paired interval over queries excludes zero."""
    _pack_or_skip(*NEEDED)
    from imsearch.eval import global_methods as gm

    sc, cd = bm.load_scenes(progress=False), bm.load_copy_detection(progress=False)
    sims = {}
    for m in ("hsv_hist", "pixels"):
        d, _ = gm.scenes_descriptors(sc, m, progress=False)
        sims[m] = gm.similarity(d[sc.query_indices], d, m)
    d_scenes = sc.paired_intervals(sims["hsv_hist"], sims["pixels"])["mAP"]
    assert d_scenes.excludes(0) and d_scenes.low > 0.15
    (a, a_bg), (b, b_bg) = _copy_similarity(cd, "hsv_hist"), _copy_similarity(cd, "pixels")
    d_copy = cd.paired_intervals(a, b, a_bg, b_bg)
    assert d_copy["uAP"].excludes(0) and d_copy["uAP"].low > 0.2
    assert d_copy["uAP"].estimate == pytest.approx(cd.evaluate_similarity(a)["uAP"] - cd.evaluate_similarity(b)["uAP"])


@pytest.mark.datapack
def test_real_hamming_embedding_beats_pixels_on_copy_detection_by_a_paired_interval():
    """Chapter 7's ordering on copy detection (SIFT features and the vocabulary come from the cache)."""
    _pack_or_skip(*NEEDED)
    from imsearch import eval as ev

    course = ev.course_data(progress=False)
    cd = course.copy_detection
    pipe = ev.Pipeline(course.train, 1024)
    he = ev.he_similarity(pipe, course.copy_references, course.copy_queries)
    pixels, _ = _copy_similarity(cd, "pixels")
    d = cd.paired_intervals(he, pixels)["uAP"]
    assert d.excludes(0) and d.low > 0.3


@pytest.mark.datapack
def test_real_leaderboard_prints_every_score_with_its_interval(capsys):
    _pack_or_skip(*NEEDED, "ukbench_subset")
    import importlib.util
    import re

    spec = importlib.util.spec_from_file_location("retrieval_leaderboard", REPO / "benchmarks" / "retrieval.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.main(["--only", "pixels", "HSV", "--no-index"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith(("| pixels 16×16", "| HSV")) and line.count(" [") == 7]
    assert len(rows) == 2  # the leaderboard rows (the other tables have one interval per row)
    for row in rows:  # 7 scores, each "estimate [low, high]" with low <= estimate <= high
        found = re.findall(r"(\d+\.\d+) \[(-?\d+\.\d+), (-?\d+\.\d+)\]", row)
        assert len(found) == 7 and all(float(lo) <= float(e) <= float(hi) for e, lo, hi in found)
    assert "| scenes mAP | HSV histogram 16×8×4 (χ²) | pixels 16×16 (L2) |" in out
    assert "1000 resamples, seed 0" in out
