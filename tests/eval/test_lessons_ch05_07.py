"""The orderings chapters 5-7 teach, asserted on the course data pack.

Each test recomputes, with the chapter's own settings, the comparison a chapter concludes
from, so that a change of the library that breaks a lesson fails here. Comparisons over
queries are claimed only where a paired bootstrap interval excludes zero.
"""
from __future__ import annotations

import numpy as np
import pytest

from imsearch import data, eval, features, geometry, matching
from imsearch.image import to_gray


def _need(*names):
    if not all(data.have_dataset(n) for n in names):
        pytest.skip("course data pack not available")


# ----------------------------------------------------------------------------- chapter 5

@pytest.fixture(scope="module")
def graf_1_3():
    _need("oxford_affine")
    images, H = data.load_oxford_affine("graf")
    g1, g3 = to_gray(images[0]), to_gray(images[2])
    k1 = features.detect_opencv(g1, "sift", n_best=1000, with_angle=True)
    k3 = features.detect_opencv(g3, "sift", n_best=1000, with_angle=True)
    return k1, k3, features.sift_descriptor(g1, k1), features.sift_descriptor(g3, k3), H[3]


@pytest.mark.datapack
def test_ch05_ratio_ranking_beats_distance_ranking_on_graf(graf_1_3):
    k1, k3, d1, d3, H = graf_1_3
    c = matching.matching_curves(d1, d3, k1, k3, H, threshold_px=3.0)
    assert c["ratio"]["ap"] > c["nn"]["ap"] + 0.02


@pytest.mark.datapack
def test_ch05_ratio_test_is_more_precise_than_nn_and_mutual_nn(graf_1_3):
    k1, k3, d1, d3, H = graf_1_3
    prec = {name: matching.match_precision_recall(k1, k3, m, H, 3.0)[0]
            for name, m in (("nn", matching.match_nn(d1, d3)[0]), ("mutual", matching.match_mutual(d1, d3)[0]),
                            ("ratio", matching.ratio_test(d1, d3, 0.8)[0]))}
    assert prec["ratio"] > prec["mutual"] > prec["nn"]


@pytest.mark.datapack
def test_ch05_our_ransac_succeeds_as_often_as_opencv_on_homogr():
    _need("cmp_homography_pairs")
    pairs = eval.benchmark_pairs("homogr", progress=False)
    estimators = {
        "ours": lambda s, d: geometry.ransac_homography(s, d, threshold_px=3.0, confidence=0.999, seed=0),
        "opencv": lambda s, d: geometry.opencv_homography(s, d, "ransac", threshold_px=3.0, confidence=0.999),
    }
    rows = eval.evaluate_homography_estimators(pairs, estimators, progress=False)
    ours, cv = eval.summarize_homography_results(rows)
    assert len(pairs) == 16 and ours["success_rate"] >= cv["success_rate"] >= 14 / 16


@pytest.mark.datapack
def test_ch05_inliers_separate_matching_pairs_better_than_matches():
    _need("cmp_homography_pairs")
    chosen = [data.load_cmp_pair(n) for n in ("adam", "boat", "Boston", "Eiffel", "graf", "WhiteBoard")]
    fa = [features.opencv_sift(p["A"], n_features=800) for p in chosen]
    fb = [features.opencv_sift(p["B"], n_features=800) for p in chosen]
    n_matches = np.array([[len(matching.ratio_test(a[1], b[1], 0.8)[0]) for b in fb] for a in fa])
    n_inliers = np.array([[matching.inlier_count(a, b, 0.8, 3.0, method="opencv", max_iters=1000) for b in fb]
                          for a in fa])
    off = ~np.eye(6, dtype=bool)
    separation = lambda S: np.median(S.diagonal()) / np.median(S[off])
    assert separation(n_inliers) > 2 * separation(n_matches)


# ----------------------------------------------------------------------------- chapter 6

@pytest.fixture(scope="module")
def benchmarks_ch06():
    _need("oxford_affine", "cmp_homography_pairs", "opencv_samples", "bsds500", "imagenet_samples")
    scenes, copies = eval.load_scenes(), eval.load_copy_detection()
    methods = ("pixels", "rgb_hist", "hsv_hist", "lab_hist", "palette_emd", "gist")
    return scenes, copies, eval.evaluate_scenes(scenes, methods, progress=False)


@pytest.mark.datapack
@pytest.mark.parametrize("other", ["rgb_hist", "lab_hist"])
def test_ch06_hsv_histogram_beats_rgb_and_lab_on_scenes(benchmarks_ch06, other):
    scenes, _, scores = benchmarks_ch06
    d = scenes.paired_intervals(scores["hsv_hist"]["similarity"], scores[other]["similarity"], seed=0)["mAP"]
    assert d.low > 0, d


@pytest.mark.datapack
@pytest.mark.parametrize("method", ["gist", "palette_emd"])
def test_ch06_score_normalisation_helps_gist_and_the_palette(benchmarks_ch06, method):
    _, copies, _ = benchmarks_ch06
    d = eval.paired_bootstrap_micro_ap(eval.copy_predictions(copies, method, normalised=True),
                                       eval.copy_predictions(copies, method), copies.ground_truth,
                                       copies.query_ids, seed=0)
    assert d.low > 0, d


@pytest.mark.datapack
def test_ch06_reranking_the_hsv_shortlist_by_inliers_raises_map(benchmarks_ch06):
    scenes, _, scores = benchmarks_ch06
    two_stage = eval.rerank_scenes(scenes, "hsv_hist", 20, progress=False)
    d = scenes.paired_intervals(two_stage["similarity"], scores["hsv_hist"]["similarity"], seed=0)["mAP"]
    assert d.low > 0, d


@pytest.mark.datapack
def test_ch06_the_centroid_bound_skips_most_emds_on_the_scenes_palettes(benchmarks_ch06):
    from imsearch import descriptors

    scenes, _, _ = benchmarks_ch06
    palettes = eval.unpack_signatures(eval.scenes_descriptors(scenes, "palette_emd", progress=False)[0])
    n_exact = [descriptors.emd_knn(palettes[q], palettes, 10)[1] for q in scenes.query_indices[:10]]
    assert np.mean(n_exact) < 0.5 * len(palettes)


# ----------------------------------------------------------------------------- chapter 7

@pytest.fixture(scope="module")
def variants_ch07():
    _need("oxford_affine", "cmp_homography_pairs", "opencv_samples", "bsds500", "imagenet_samples")
    data = eval.course_data(progress=False)
    pipelines = {k: eval.Pipeline(data.train, k, seed=0) for k in (64, 1024)}
    k_range = {"tfidf+stop+sv": (1024, None), "he": (1024, None), "vlad": (None, 64)}
    rows = eval.evaluate_course_variants(data, pipelines, ("bow", "tfidf", "tfidf+stop", "tfidf+stop+sv", "he",
                                                           "vlad"), k_range=k_range, progress=False)
    return data, {(r["variant"], r["k"]): r for r in rows}


def _copy_gain(variants_ch07, a, b):
    data, row = variants_ch07
    return data.copy_detection.paired_intervals(row[a]["similarity_copy"], row[b]["similarity_copy"], seed=0)["uAP"]


@pytest.mark.datapack
@pytest.mark.parametrize("better,worse", [
    (("bow", 64), ("tfidf", 64)),                    # idf of a coarse vocabulary is noise
    (("tfidf+stop", 1024), ("tfidf", 1024)),         # the stop list helps the pooled µAP
    (("tfidf+stop+sv", 1024), ("tfidf+stop", 1024)),  # spatial verification: µAP jumps
    (("he", 1024), ("tfidf+stop+sv", 1024)),          # Hamming embedding: the best of the family
    (("he", 1024), ("vlad", 64)),                     # ... and ahead of VLAD with 64 words
])
def test_ch07_copy_detection_orderings(variants_ch07, better, worse):
    d = _copy_gain(variants_ch07, better, worse)
    assert d.low > 0, (better, worse, d)


@pytest.mark.datapack
def test_ch07_scenes_he_beats_spatial_verification_but_not_vlad(variants_ch07):
    data, row = variants_ch07
    sc = data.scenes
    he_sv = sc.paired_intervals(row["he", 1024]["similarity"], row["tfidf+stop+sv", 1024]["similarity"], seed=0)
    he_vlad = sc.paired_intervals(row["he", 1024]["similarity"], row["vlad", 64]["similarity"], seed=0)
    assert he_sv["mAP"].low > 0
    assert he_vlad["mAP"].excludes(0) is False  # the chapter says the 115 queries cannot rank the two
