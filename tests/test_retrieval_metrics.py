"""Retrieval metrics: average precision, micro-average precision, recall at precision."""
import time

import numpy as np
import pytest

from imsearch.eval import average_precision, micro_average_precision, recall_at_precision


def _ap_slow(scores, relevant):
    """Reference written from the revisited-Oxford definition, one relevant item at a time."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], relevant[i]))
    ranks = [pos for pos, i in enumerate(order) if relevant[i]]
    ap = 0.0
    for j, r in enumerate(ranks):
        p0 = 1.0 if r == 0 else j / r
        p1 = (j + 1) / (r + 1)
        ap += (p0 + p1) / 2 / len(ranks)
    return ap


def test_average_precision_hand_computed():
    # relevant at ranks 0 and 2: ((1 + 1)/2 + (1/2 + 2/3)/2) / 2
    assert average_precision([0.9, 0.8, 0.7, 0.1], [True, False, True, False]) == pytest.approx(
        (1 + (0.5 + 2 / 3) / 2) / 2)
    assert average_precision([3, 2, 1], [True, True, False]) == 1.0
    assert average_precision([1.0, 2.0], [True, False]) == pytest.approx((0 + 0.5) / 2)


def test_average_precision_ties_are_pessimistic():
    assert average_precision([1.0, 1.0], [True, False]) == pytest.approx(0.25)
    assert average_precision([1.0, 1.0], [False, True]) == pytest.approx(0.25)


def test_average_precision_matches_the_slow_reference():
    rng = np.random.default_rng(0)
    for _ in range(20):
        n = rng.integers(2, 60)
        scores = rng.integers(0, 10, n).astype(float)  # many ties
        rel = rng.random(n) < 0.3
        rel[rng.integers(n)] = True
        assert average_precision(scores, rel) == pytest.approx(_ap_slow(scores, rel))


def test_average_precision_bad_input():
    with pytest.raises(ValueError, match="at least one True"):
        average_precision([1.0, 2.0], [False, False])
    with pytest.raises(ValueError, match="relevant must have shape"):
        average_precision([1.0, 2.0], [True])
    with pytest.raises(TypeError, match="relevant must have a bool dtype"):
        average_precision([1.0, 2.0], [1, 0])
    with pytest.raises(ValueError, match="finite"):
        average_precision([np.nan, 2.0], [True, False])
    with pytest.raises(ValueError, match="empty"):
        average_precision([], [])


GT = [("q1", "r1"), ("q2", "r2")]
PRED = [("q1", "r1", 0.9), ("q1", "r3", 0.8), ("q2", "r2", 0.7), ("q3", "r1", 0.95)]


def test_micro_ap_hand_computed_with_a_negative_query():
    # ranked: q3-r1 FP, q1-r1 TP (P=1/2, R=1/2), q1-r3 FP, q2-r2 TP (P=2/4, R=1)
    assert micro_average_precision(PRED, GT) == pytest.approx(0.5 * 0.5 + 0.5 * 0.5)
    assert recall_at_precision(PRED, GT, 0.9) == 0.0
    assert recall_at_precision(PRED, GT, 0.5) == 1.0
    without_negative = PRED[:3]
    # q1-r1 TP (P=1, R=1/2), FP, q2-r2 TP (P=2/3, R=1)
    assert micro_average_precision(without_negative, GT) == pytest.approx(0.5 + 0.5 * 2 / 3)
    assert recall_at_precision(without_negative, GT, 0.9) == 0.5


def test_micro_ap_missed_pairs_cost_recall_and_empty_predictions_score_zero():
    assert micro_average_precision([("q1", "r1", 1.0)], GT) == pytest.approx(0.5)
    assert micro_average_precision([], GT) == 0.0
    assert recall_at_precision([], GT) == 0.0


def test_micro_ap_ties_are_pessimistic():
    tied = [("q1", "r1", 1.0), ("q1", "r9", 1.0)]
    assert micro_average_precision(tied, [("q1", "r1")]) == pytest.approx(0.5)


def test_micro_ap_rejects_duplicates_and_bad_rows():
    with pytest.raises(ValueError, match="more than once"):
        micro_average_precision([("q1", "r1", 0.5), ("q1", "r1", 0.4)], GT)
    with pytest.raises(ValueError, match="ground_truth must contain"):
        micro_average_precision(PRED, [])
    with pytest.raises(ValueError, match="finite"):
        micro_average_precision([("q1", "r1", float("nan"))], GT)
    with pytest.raises(ValueError, match="precision must be"):
        recall_at_precision(PRED, GT, 0.0)


def test_micro_ap_equals_sklearn_when_every_pair_is_predicted():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(1)
    n = 2000
    q = rng.integers(0, 300, n)
    r = np.arange(n)  # distinct pairs
    s = rng.random(n)
    truth = rng.random(n) < 0.2
    gt = [(a, b) for a, b, t in zip(q, r, truth) if t]
    ours = micro_average_precision((q, r, s), gt)
    assert ours == pytest.approx(metrics.average_precision_score(truth, s), rel=1e-12)


def test_a_million_predictions_score_correctly_and_quickly():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(2)
    n = 1_000_000
    q = rng.integers(0, 50_000, n)
    r = np.arange(n)
    s = rng.random(n)
    truth = rng.random(n) < 0.01
    gt = list(zip(q[truth].tolist(), r[truth].tolist()))
    t = time.perf_counter()
    ours = micro_average_precision((q, r, s), gt)
    elapsed = time.perf_counter() - t
    assert ours == pytest.approx(metrics.average_precision_score(truth, s), rel=1e-9)
    assert elapsed < 10.0  # about a second on 2 cores; benchmarks/ records the exact time
