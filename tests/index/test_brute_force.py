"""imsearch.index.brute_force: Nearest-neighbour search over descriptors, by brute force."""
import matplotlib
import numpy as np
import pytest
matplotlib.use("Agg")

from imsearch import descriptors
from imsearch import index
from imsearch.index import brute_force


def _vectors(n, d, seed, kind="float"):
    rng = np.random.default_rng(seed)
    if kind == "uint8":
        return rng.integers(0, 256, (n, d), dtype=np.uint8)
    if kind == "hist":
        h = rng.random((n, d)) * (rng.random((n, d)) < 0.7) + 1e-3
        return h / h.sum(axis=1, keepdims=True)
    return rng.standard_normal((n, d))


def test_squared_l2_matches_a_double_loop_and_avoids_uint8_wraparound():
    q, x = _vectors(4, 12, 0, "uint8"), _vectors(6, 12, 1, "uint8")
    d = index.squared_l2(q, x)
    ref = np.array([[np.sum((a.astype(float) - b) ** 2) for b in x] for a in q])
    np.testing.assert_allclose(d, ref, rtol=1e-12, atol=1e-6)
    assert d.dtype == np.float64 and d.shape == (4, 6)


def test_squared_l2_closed_form_constant_offset():
    # a constant offset of 7 gray levels on D = 300 values: distance D·49, MSE 49
    a = np.full((1, 300), 100, np.uint8)
    b = np.full((1, 300), 93, np.uint8)
    assert index.squared_l2(a, b)[0, 0] == pytest.approx(300 * 49)
    assert index.squared_l2(b, a)[0, 0] == pytest.approx(300 * 49)
    assert index.squared_l2(a, a)[0, 0] == 0.0


def test_knn_l2_matches_faiss_index_flat_l2():
    import faiss

    q, x = _vectors(37, 24, 2).astype(np.float32), _vectors(500, 24, 3).astype(np.float32)
    index = faiss.IndexFlatL2(24)
    index.add(x)
    fd, fi = index.search(q, 10)
    d, i = brute_force.knn(q, x, k=10, metric="l2")
    np.testing.assert_allclose(d, fd, rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(i, fi)


def test_knn_intersection_returns_negated_similarities():
    q = np.array([[0.5, 0.5, 0.0]])
    x = np.array([[0.5, 0.5, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    d, i = brute_force.knn(q, x, k=3, metric="intersection")
    np.testing.assert_array_equal(i, [[0, 2, 1]])
    np.testing.assert_allclose(d, [[-1.0, -0.5, 0.0]])


def test_knn_blocks_give_the_same_result(monkeypatch):
    q, x = _vectors(23, 10, 6, "hist"), _vectors(31, 10, 7, "hist")
    expected = {m: brute_force.knn(q, x, k=4, metric=m) for m in brute_force.METRICS}
    monkeypatch.setattr(brute_force, "_BLOCK_ELEMENTS", 37)  # forces many small blocks on both axes
    for m in brute_force.METRICS:
        d, i = brute_force.knn(q, x, k=4, metric=m)
        np.testing.assert_array_equal(i, expected[m][1])
        np.testing.assert_allclose(d, expected[m][0], rtol=1e-12, atol=1e-12)


def test_knn_ties_go_to_the_lower_index_and_self_is_first():
    x = np.array([[0.0, 0], [1, 0], [0, 1], [1, 0]])
    d, i = brute_force.knn(np.array([[0.0, 0]]), x, k=4)
    np.testing.assert_array_equal(i, [[0, 1, 2, 3]])
    np.testing.assert_allclose(d, [[0, 1, 1, 1]])
    v = _vectors(50, 8, 8)
    _, i = brute_force.knn(v, v, k=1)
    np.testing.assert_array_equal(i[:, 0], np.arange(50))


def test_knn_bad_inputs():
    x = _vectors(5, 3, 0)
    with pytest.raises(ValueError, match="queries must have 2 dimensions"):
        brute_force.knn(x[0], x)
    with pytest.raises(ValueError, match="same dimension"):
        brute_force.knn(x, _vectors(5, 4, 0))
    with pytest.raises(ValueError, match="k must be <= 5"):
        brute_force.knn(x, x, k=6)
    with pytest.raises(ValueError, match="k must be >= 1"):
        brute_force.knn(x, x, k=0)
    with pytest.raises(ValueError, match="metric must be one of"):
        brute_force.knn(x, x, metric="cosine")
    with pytest.raises(ValueError, match="database must not be empty"):
        brute_force.knn(x, np.zeros((0, 3)))
    with pytest.raises(ValueError, match="finite"):
        brute_force.knn(np.full((1, 3), np.nan), x)
    with pytest.raises(ValueError, match="database must be >= 0"):
        brute_force.knn(np.abs(x), x, metric="chi2")
    with pytest.raises(ValueError, match="queries must be >= 0"):
        brute_force.knn(x, np.abs(x), metric="intersection")
    with pytest.raises(ValueError, match="database rows must have positive sums"):
        brute_force.knn(np.abs(x), np.zeros((2, 3)), metric="intersection")
    with pytest.raises(TypeError, match="queries must have a bool or signed int"):
        brute_force.knn(x.astype(complex), x)


@pytest.mark.parametrize("metric", ["l1", "chi2", "intersection"])
def test_knn_other_metrics_match_a_naive_double_loop(metric):
    q, x = _vectors(7, 16, 4, "hist"), _vectors(40, 16, 5, "hist")
    func = {"l1": descriptors.l1, "chi2": descriptors.chi2, "intersection": lambda a, b: -descriptors.intersection(a, b)}[metric]
    full = np.array([[float(func(a, b)) for b in x] for a in q])
    d, i = brute_force.knn(q, x, k=5, metric=metric)
    ref_i = np.argsort(full, axis=1, kind="stable")[:, :5]
    np.testing.assert_array_equal(i, ref_i)
    np.testing.assert_allclose(d, np.take_along_axis(full, ref_i, axis=1), rtol=1e-12, atol=1e-12)
    assert np.all(np.diff(d, axis=1) >= 0)
