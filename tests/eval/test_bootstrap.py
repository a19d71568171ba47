"""imsearch.eval.bootstrap: percentile bootstrap intervals over queries, paired comparisons,
fast µAP / recall@P90 resampling, and the UKBench N-S score."""
import time

import numpy as np
import pytest

import imsearch.eval.bootstrap as bs
from imsearch.eval import metrics


# ----------------------------------------------------------------------------- mean and generic statistics

def test_coverage_of_the_95_percent_interval_on_a_known_mean():
    rng = np.random.default_rng(0)
    a, b = 2.0, 5.0                                   # Beta(2, 5): skewed, mean 2/7
    true_mean = a / (a + b)
    hits = []
    for i in range(300):
        iv = bs.bootstrap_mean(rng.beta(a, b, 60), n_resamples=500, seed=i)
        hits.append(iv.low <= true_mean <= iv.high)
    assert 0.90 <= np.mean(hits) <= 0.98


def test_seeded_reproducibility_and_resample_indices():
    values = np.random.default_rng(1).random(50)
    first = bs.bootstrap_mean(values, n_resamples=300, seed=7)
    np.random.seed(123)                              # global random state must play no part
    again = bs.bootstrap_mean(values, n_resamples=300, seed=7)
    assert first == again and np.array_equal(first.samples, again.samples)
    other = bs.bootstrap_mean(values, n_resamples=300, seed=8)
    assert (other.low, other.high) != (first.low, first.high)
    assert other.estimate == first.estimate
    gen = bs.bootstrap_mean(values, n_resamples=300, seed=np.random.default_rng(7))
    assert gen == first                              # a Generator seeded alike gives the same resamples

    idx = bs.resample_indices(5, n_resamples=1000, seed=3)
    assert idx.shape == (1000, 5) and idx.dtype == np.int64
    assert idx.min() == 0 and idx.max() == 4
    assert np.array_equal(idx, bs.resample_indices(5, 1000, 3))
    # the mean's samples are exactly those of the resamples the same seed gives
    idx = bs.resample_indices(50, 300, 7)
    assert np.array_equal(first.samples, values[idx].mean(axis=1))
    assert first.n_queries == 50 and first.n_resamples == 300 and first.confidence == 0.95


def test_closed_forms_of_the_mean():
    const = bs.bootstrap_mean(np.full(40, 0.7), n_resamples=200)
    assert const.low == const.high and const.half_width == 0.0
    assert const.low == pytest.approx(0.7, abs=1e-12) and const.estimate == pytest.approx(0.7, abs=1e-12)
    assert bs.bootstrap_mean(np.full(9, 3), n_resamples=50).estimate == 3.0          # ints are accepted

    values = np.random.default_rng(2).standard_normal(400)
    iv = bs.bootstrap_mean(values, n_resamples=2000, seed=1)
    assert iv.estimate == np.mean(values)
    assert iv.half_width == pytest.approx(1.96 / np.sqrt(400), rel=0.15)
    assert iv.low < iv.estimate < iv.high
    assert bs.bootstrap_mean(values, n_resamples=2000, seed=1, confidence=0.5).half_width < 0.5 * iv.half_width


def test_interval_str_and_excludes():
    iv = bs.Interval(0.5874, 0.51234, 0.6549, 0.95, 10, 100, np.zeros(100))
    assert str(iv) == "0.587 [0.512, 0.655]"
    assert iv.half_width == pytest.approx((0.6549 - 0.51234) / 2)
    assert iv.excludes() and iv.excludes(0.7) and not iv.excludes(0.6) and not iv.excludes(0.51234)
    with pytest.raises(AttributeError):
        iv.low = 0.0                                  # frozen


def test_generic_statistic_matches_the_mean_and_uses_the_same_resamples():
    values = np.random.default_rng(3).random(30)
    calls = []

    def mean_of(indices):
        calls.append(indices.copy())
        return values[indices].mean()

    generic = bs.bootstrap_statistic(mean_of, 30, n_resamples=100, seed=5)
    assert np.array_equal(calls[0], np.arange(30)) and len(calls) == 101
    assert np.array_equal(np.array(calls[1:]), bs.resample_indices(30, 100, 5))
    fast = bs.bootstrap_mean(values, n_resamples=100, seed=5)
    assert generic.estimate == pytest.approx(fast.estimate, rel=1e-14)
    np.testing.assert_allclose(generic.samples, fast.samples, rtol=1e-14)
    median = bs.bootstrap_statistic(lambda i: np.median(values[i]), 30, n_resamples=100, seed=5, progress=True)
    assert median.estimate == np.median(values) and median.low < median.high


def test_paired_interval_separates_correlated_methods_the_unpaired_ones_cannot():
    rng = np.random.default_rng(4)
    a = rng.random(200)                               # per-query values vary a lot across queries
    b = a + 0.02 + rng.normal(0, 0.005, 200)          # b is a little better on nearly every query
    ia, ib = bs.bootstrap_mean(a, seed=0), bs.bootstrap_mean(b, seed=0)
    assert ia.low <= ib.high and ib.low <= ia.high    # the unpaired intervals overlap
    diff = bs.paired_bootstrap(b, a, seed=0)
    assert diff.excludes(0) and diff.low > 0.015 and diff.high < 0.025
    assert diff.estimate == pytest.approx(0.02, abs=0.002)
    assert np.array_equal(diff.samples, ib.samples - ia.samples)
    same = bs.paired_bootstrap(a, a)
    assert (same.estimate, same.low, same.high) == (0.0, 0.0, 0.0) and not same.excludes(0)
    generic = bs.paired_bootstrap_statistic(lambda i: b[i].mean(), lambda i: a[i].mean(), 200, seed=0)
    assert generic.low == pytest.approx(diff.low, rel=1e-12) and generic.high == pytest.approx(diff.high, rel=1e-12)


# ----------------------------------------------------------------------------- µAP and recall at precision

def _copy_detection(seed, n_queries=40, n_refs=25, max_preds=6, decimals=1):
    """Random predictions with tied scores; a third of the queries are negatives, some have no prediction."""
    rng = np.random.default_rng(seed)
    query_ids = [f"Q{i:03d}" for i in range(n_queries)]
    gt = []
    for i, q in enumerate(query_ids):
        if i % 3:                                     # positive: one or two true references
            gt += [(q, f"R{r:02d}") for r in rng.choice(n_refs, rng.integers(1, 3), replace=False)]
    truth = set(gt)
    preds = []
    for q in query_ids:
        for r in rng.choice(n_refs, rng.integers(0, max_preds + 1), replace=False):
            bonus = 0.3 if (q, f"R{r:02d}") in truth else 0.0
            preds.append((q, f"R{r:02d}", round(rng.random() * 0.7 + bonus, decimals)))
    return preds, gt, query_ids


def _resampled(preds, gt, query_ids, indices):
    """The predictions and ground truth of one resample, each drawn copy of a query renamed."""
    by_query = {q: [] for q in query_ids}
    for q, r, s in preds:
        by_query[q].append((r, s))
    new_preds, new_gt = [], []
    for k, i in enumerate(indices):
        q = query_ids[i]
        new_preds += [(f"copy{k}", r, s) for r, s in by_query[q]]
        new_gt += [(f"copy{k}", r) for gq, r in gt if gq == q]
    return new_preds, new_gt


def test_micro_ap_estimate_equals_metrics_exactly_with_ties():
    for seed in range(5):
        preds, gt, query_ids = _copy_detection(seed)
        scores = [s for _, _, s in preds]
        assert len(set(scores)) < len(scores)         # the data does have ties
        iv = bs.bootstrap_micro_ap(preds, gt, query_ids, n_resamples=50, seed=seed)
        assert iv.estimate == metrics.micro_average_precision(preds, gt)
        assert iv.low < iv.high
        rp = bs.bootstrap_recall_at_precision(preds, gt, query_ids, n_resamples=50, seed=seed)
        assert rp.estimate == metrics.recall_at_precision(preds, gt, 0.9)
    q, r, s = (np.array(c) for c in zip(*preds))      # the tuple-of-arrays form gives the same
    assert bs.bootstrap_micro_ap((q, r, s), gt, np.array(query_ids), n_resamples=50, seed=4) == iv


def test_fast_resamples_match_a_slow_reference_exactly():
    preds, gt, query_ids = _copy_detection(10)
    iv = bs.bootstrap_micro_ap(preds, gt, query_ids, n_resamples=8, seed=3)
    rp = bs.bootstrap_recall_at_precision(preds, gt, query_ids, precision=0.8, n_resamples=8, seed=3)
    idx = bs.resample_indices(len(query_ids), 8, seed=3)
    for k in range(8):
        new_preds, new_gt = _resampled(preds, gt, query_ids, idx[k])
        assert iv.samples[k] == metrics.micro_average_precision(new_preds, new_gt)
        assert rp.samples[k] == metrics.recall_at_precision(new_preds, new_gt, 0.8)
    assert len(set(iv.samples)) > 1


def test_a_resample_without_positives_is_left_out():
    preds = [("pos", "R1", 0.9), ("neg", "R2", 0.5)]
    stat = bs.pooled_statistic(preds, [("pos", "R1")], ["pos", "neg"])
    assert stat(np.array([0, 1])) == 1.0 and stat(np.array([0, 0])) == 1.0
    assert stat(np.array([1, 1])) != stat(np.array([1, 1]))                       # NaN
    assert stat(np.array([0, 1, 1])) == pytest.approx(1.0)                       # FP ranks after the TP
    iv = bs.bootstrap_micro_ap(preds, [("pos", "R1")], ["pos", "neg"], n_resamples=200)
    assert np.isnan(iv.samples).sum() > 20 and iv.low == iv.high == 1.0
    # a query with no prediction still brings its positives: µAP 0.5 with one of two found
    stat = bs.pooled_statistic([("a", "R1", 0.3)], [("a", "R1"), ("b", "R2")], ["a", "b"])
    assert stat(np.arange(2)) == 0.5 and stat(np.array([1, 1])) == 0.0


def test_paired_micro_ap():
    preds, gt, query_ids = _copy_detection(11)
    truth = set(gt)
    better = [(q, r, s + 0.5 if (q, r) in truth else s) for q, r, s in preds]
    diff = bs.paired_bootstrap_micro_ap(better, preds, gt, query_ids, n_resamples=300, seed=2)
    ia = bs.bootstrap_micro_ap(better, gt, query_ids, n_resamples=300, seed=2)
    ib = bs.bootstrap_micro_ap(preds, gt, query_ids, n_resamples=300, seed=2)
    assert diff.estimate == ia.estimate - ib.estimate and diff.excludes(0) and diff.low > 0
    assert np.array_equal(diff.samples, ia.samples - ib.samples)
    same = bs.paired_bootstrap_micro_ap(preds, preds, gt, query_ids, n_resamples=100)
    assert (same.low, same.high) == (0.0, 0.0)
    rp = bs.paired_bootstrap_recall_at_precision(better, preds, gt, query_ids, n_resamples=100)
    assert rp.estimate == (metrics.recall_at_precision(better, gt, 0.9) - metrics.recall_at_precision(preds, gt, 0.9))


def test_micro_ap_bootstrap_is_fast():
    _, gt, query_ids = _copy_detection(12, n_queries=300, n_refs=200, max_preds=0)
    rng = np.random.default_rng(0)
    preds = [(f"Q{i:03d}", f"R{r:02d}", rng.random()) for i in range(300)  # 10 per query, 300 queries
             for r in rng.choice(200, 10, replace=False)]
    start = time.perf_counter()
    iv = bs.bootstrap_micro_ap(preds, gt, query_ids, n_resamples=1000, seed=0)
    assert time.perf_counter() - start < 2.0
    assert iv.n_resamples == 1000 and iv.estimate == metrics.micro_average_precision(preds, gt)


# ----------------------------------------------------------------------------- UKBench N-S score

def test_ns_score_closed_forms():
    groups = np.repeat([0, 1, 2], 4)                  # 3 objects × 4 images; every image is a query
    perfect = np.array([[i] + [j for j in range(12) if groups[j] == groups[i] and j != i]
                        + [j for j in range(12) if groups[j] != groups[i]][:2] for i in range(12)])
    assert np.array_equal(bs.ns_score(perfect, groups, groups), np.full(12, 4.0))

    ranked = perfect.copy()
    ranked[0, :4] = [0, 1, 4, 5]                      # 2 of its own group
    ranked[5, :4] = [8, 9, 10, 11]                    # none
    ranked[9, :4] = [9, 8, 3, 10]                     # 3
    ranked[11, :6] = [0, 1, 2, 3, 11, 10]             # its own images only after rank 4: 0
    expected = np.full(12, 4.0)
    expected[[0, 5, 9, 11]] = [2, 0, 3, 0]
    scores = bs.ns_score(ranked, groups, groups)
    assert scores.dtype == np.float64 and np.array_equal(scores, expected)
    iv = bs.bootstrap_mean(scores, n_resamples=200)
    assert iv.estimate == 37 / 12 and iv.low < 37 / 12 < iv.high
    letters = np.array(list("aaaabbbbcccc"))          # group labels may be strings
    assert np.array_equal(bs.ns_score(ranked[:3], letters[:3], letters), expected[:3])


# ----------------------------------------------------------------------------- bad inputs

_PREDS, _GT, _QIDS = [("Q1", "R1", 0.5)], [("Q1", "R1")], ["Q1", "Q2"]


@pytest.mark.parametrize("call, error, match", [
    (lambda: bs.bootstrap_mean([]), ValueError, "values must not be empty"),
    (lambda: bs.bootstrap_mean(np.ones((3, 4))), ValueError, r"values must have shape \(N,\)"),
    (lambda: bs.bootstrap_mean([1.0, np.nan]), ValueError, "values must contain only finite"),
    (lambda: bs.bootstrap_mean(["a", "b"]), TypeError, "values must have"),
    (lambda: bs.bootstrap_mean([1.0, 2.0], n_resamples=0), ValueError, "n_resamples must be >= 1, got 0"),
    (lambda: bs.bootstrap_mean([1.0, 2.0], n_resamples=1.5), TypeError, "n_resamples must be an integer"),
    (lambda: bs.bootstrap_mean([1.0, 2.0], confidence=1.5), ValueError, "confidence must be < 1.0, got 1.5"),
    (lambda: bs.bootstrap_mean([1.0, 2.0], confidence=0), ValueError, "confidence must be > 0.0"),
    (lambda: bs.bootstrap_mean([1.0, 2.0], seed=-1), TypeError, "seed must be"),
    (lambda: bs.paired_bootstrap([1.0, 2.0], [1.0, 2.0, 3.0]), ValueError, r"values_b must have shape \(2,\)"),
    (lambda: bs.resample_indices(0), ValueError, "n_queries must be >= 1"),
    (lambda: bs.bootstrap_statistic(3, 5), TypeError, "statistic must be callable"),
    (lambda: bs.paired_bootstrap_statistic(np.mean, None, 5), TypeError, "statistic_b must be callable"),
    (lambda: bs.bootstrap_statistic(np.mean, 5, progress="yes"), TypeError, "progress must be a bool"),
    (lambda: bs.bootstrap_statistic(lambda i: np.nan, 5), ValueError, "undefined"),
    (lambda: bs.ns_score(np.zeros((2, 3), int), [0, 0], [0, 0, 0]), ValueError, "ranked_ids must have at least 4"),
    (lambda: bs.ns_score([[0, 1, 2, 9]], [0], [0, 0, 0, 0]), ValueError, "ranked_ids must be <= 3"),
    (lambda: bs.ns_score([[0, 1, 1, 2]], [0], [0, 0, 0, 0]), ValueError, "ranked_ids must not repeat"),
    (lambda: bs.ns_score([[0, 1, 2, 3]], [0, 1], [0, 0, 0, 0]), ValueError, r"query_groups must have shape \(1,\)"),
    (lambda: bs.bootstrap_micro_ap(_PREDS, [], _QIDS), ValueError, "ground_truth must contain"),
    (lambda: bs.bootstrap_micro_ap(_PREDS, _GT, ["Q2"]), ValueError, "predictions names query 'Q1'"),
    (lambda: bs.bootstrap_micro_ap(_PREDS, [("Q3", "R1")], _QIDS), ValueError, "ground_truth names query 'Q3'"),
    (lambda: bs.bootstrap_micro_ap(_PREDS * 2, _GT, _QIDS), ValueError, "at most once"),
    (lambda: bs.bootstrap_micro_ap(_PREDS, _GT, ["Q1", "Q1"]), ValueError, "query_ids must list each query once"),
    (lambda: bs.bootstrap_micro_ap(_PREDS, _GT, []), ValueError, "query_ids must not be empty"),
    (lambda: bs.bootstrap_recall_at_precision(_PREDS, _GT, _QIDS, precision=0), ValueError, "precision must be > 0"),
    (lambda: bs.pooled_statistic(_PREDS, _GT, _QIDS, metric="mAP"), ValueError, "metric must be"),
    (lambda: bs.bootstrap_mean([1.0, 2.0]).excludes("0"), TypeError, "value must be a real number"),
])
def test_bad_inputs_name_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()
