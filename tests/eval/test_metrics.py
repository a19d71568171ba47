"""imsearch.eval.metrics: MSE and PSNR; average precision, micro-average precision, recall at precision."""
import time

import numpy as np
import pytest

from imsearch.eval import average_precision, micro_average_precision, mse, psnr, recall_at_precision


def test_mse_closed_forms_and_numpy_reference():
    assert mse(np.zeros((3, 4)), np.full((3, 4), 0.5)) == pytest.approx(0.25)
    assert mse([1, 2, 3], [1, 2, 3]) == 0.0
    rng = np.random.default_rng(0)
    a, b = rng.random((8, 9, 3)), rng.random((8, 9, 3))
    ref = sum((x - y) ** 2 for x, y in zip(a.ravel(), b.ravel())) / a.size
    assert mse(a, b) == pytest.approx(ref, rel=1e-12)


def test_mse_uint8_has_no_wraparound_and_is_symmetric():
    a = np.array([[0, 255]], dtype=np.uint8)
    b = np.array([[255, 0]], dtype=np.uint8)
    assert mse(a, b) == 255.0 ** 2
    rng = np.random.default_rng(1)
    x, y = rng.integers(0, 256, (2, 10, 10), dtype=np.uint8)
    assert mse(x, y) == mse(y, x)


def test_mse_and_psnr_agree_with_skimage():
    from skimage.metrics import mean_squared_error, peak_signal_noise_ratio
    rng = np.random.default_rng(2)
    a = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
    b = np.clip(a.astype(int) + rng.integers(-20, 21, a.shape), 0, 255).astype(np.uint8)
    assert mse(a, b) == pytest.approx(mean_squared_error(a, b))
    assert psnr(a, b) == pytest.approx(peak_signal_noise_ratio(a, b))
    fa, fb = a / 255.0, b / 255.0
    assert psnr(fa, fb) == pytest.approx(peak_signal_noise_ratio(fa, fb, data_range=1.0))
    assert psnr(fa, fb) == pytest.approx(psnr(a, b))     # the same images in either convention
    assert psnr(fa, fb, data_range=2.0) == pytest.approx(peak_signal_noise_ratio(fa, fb, data_range=2.0))


def test_psnr_closed_forms():
    # uniform quantization with k levels of a uniform signal: 10 log10(12 k²)
    k = 16
    x = (np.arange(100 * k) + 0.5) / (100 * k)                       # 100 evenly spread values per cell
    xr = (np.floor(x * k) + 0.5) / k
    m = 100
    assert psnr(x, xr) == pytest.approx(10 * np.log10(12 * k * k * m * m / (m * m - 1)))
    # a constant error of one gray level on uint8: 20 log10(255)
    a = np.full((4, 4), 100, dtype=np.uint8)
    assert psnr(a, a + 1) == pytest.approx(20 * np.log10(255))
    # black versus white is 0 dB
    assert psnr(np.zeros(5), np.ones(5)) == pytest.approx(0.0)
    assert psnr(a, a) == np.inf


def test_psnr_scales_by_20_log10_of_the_data_range():
    rng = np.random.default_rng(3)
    a, b = rng.random(50), rng.random(50)
    assert psnr(a, b, data_range=10.0) - psnr(a, b) == pytest.approx(20.0)


def test_psnr_is_symmetric_and_decreases_with_noise():
    rng = np.random.default_rng(4)
    a = rng.random((20, 20))
    noisy = [np.clip(a + s * rng.normal(size=a.shape), 0, 1) for s in (0.01, 0.05, 0.2)]
    scores = [psnr(a, n) for n in noisy]
    assert scores[0] > scores[1] > scores[2]
    assert psnr(noisy[1], a) == pytest.approx(scores[1])


@pytest.mark.parametrize("func", [mse, psnr])
@pytest.mark.parametrize("a,b,err", [
    (np.zeros((3, 3)), np.zeros((3, 4)), ValueError),
    (np.zeros((0,)), np.zeros((0,)), ValueError),
    (np.array([np.nan, 1.0]), np.zeros(2), ValueError),
    (np.zeros(2), np.array([np.inf, 0.0]), ValueError),
    (np.array(["a", "b"]), np.zeros(2), TypeError),
    (None, np.zeros(2), TypeError),
    (np.zeros(2, dtype=complex), np.zeros(2, dtype=complex), TypeError),
])
def test_bad_inputs(func, a, b, err):
    with pytest.raises(err):
        func(a, b)


def test_psnr_bad_data_range_and_mixed_kinds():
    a = np.zeros(4)
    with pytest.raises(ValueError):
        psnr(a, a + 0.1, data_range=0)
    with pytest.raises(ValueError):
        psnr(a, a + 0.1, data_range=float("nan"))
    with pytest.raises(TypeError):
        psnr(a, a + 0.1, data_range="1")
    with pytest.raises(TypeError, match="both be integer or both be float"):
        psnr(np.zeros(4, dtype=np.uint8), np.zeros(4))
    assert psnr(np.zeros(4, dtype=np.uint8), np.full(4, 0.5), data_range=1.0) == pytest.approx(10 * np.log10(4))


# ----------------------------------------------------------------------------- retrieval metrics
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


# ----------------------------------------------------------------------------- recall@k (moved from tests/test_search.py)

import matplotlib
import numpy as np
import pytest
matplotlib.use("Agg")

from imsearch import eval, index


def test_recall_at_k_matches_argsort_membership():
    rng = np.random.default_rng(9)
    d = rng.random((30, 12))
    t = rng.integers(0, 12, 30)
    order = np.argsort(d, axis=1, kind="stable")
    for k in (1, 3, 12):
        expected = np.mean([t[i] in order[i, :k] for i in range(30)])
        assert eval.recall_at_k(d, t, k) == pytest.approx(expected)
    assert eval.recall_at_k(d, t, 12) == 1.0


def test_recall_at_k_closed_forms_and_ties():
    d = np.array([[0.1, 0.5, 0.9],
                  [0.7, 0.2, 0.4],
                  [0.3, 0.3, 0.8]])
    assert eval.recall_at_k(d, [0, 2, 1], 1) == pytest.approx(1 / 3)  # query 1's truth is 2nd; query 2 ties
    assert eval.recall_at_k(d, [0, 2, 1], 2) == 1.0
    assert eval.recall_at_k(d, [0, 2, 0], 1) == pytest.approx(2 / 3)  # the tie goes to the lower index


def test_recall_at_k_bad_inputs():
    d = np.zeros((2, 3))
    with pytest.raises(ValueError, match=r"true_index must have shape \(2,\)"):
        eval.recall_at_k(d, [0, 1, 2])
    with pytest.raises(ValueError, match="true_index must be <= 2"):
        eval.recall_at_k(d, [0, 3])
    with pytest.raises(TypeError, match="true_index must have a signed int or unsigned int dtype"):
        eval.recall_at_k(d, [0.0, 1.0])
    with pytest.raises(ValueError, match="k must be <= 3"):
        eval.recall_at_k(d, [0, 1], k=4)
    with pytest.raises(ValueError, match="distances must have 2 dimensions"):
        eval.recall_at_k(np.zeros(3), [0])
