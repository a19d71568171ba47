"""imsearch.index.brute_force: brute-force k-NN against faiss and naive loops, recall@k, the edit experiment."""
import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest

from imsearch import descriptors
from imsearch import eval, index
from imsearch.index import brute_force
from imsearch.eval import copy_search


def _vectors(n, d, seed, kind="float"):
    rng = np.random.default_rng(seed)
    if kind == "uint8":
        return rng.integers(0, 256, (n, d), dtype=np.uint8)
    if kind == "hist":
        h = rng.random((n, d)) * (rng.random((n, d)) < 0.7) + 1e-3
        return h / h.sum(axis=1, keepdims=True)
    return rng.standard_normal((n, d))


# ----------------------------------------------------------------------------- squared_l2

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


# ----------------------------------------------------------------------------- knn

def test_knn_l2_matches_faiss_index_flat_l2():
    import faiss

    q, x = _vectors(37, 24, 2).astype(np.float32), _vectors(500, 24, 3).astype(np.float32)
    index = faiss.IndexFlatL2(24)
    index.add(x)
    fd, fi = index.search(q, 10)
    d, i = brute_force.knn(q, x, k=10, metric="l2")
    np.testing.assert_allclose(d, fd, rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(i, fi)


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


# ----------------------------------------------------------------------------- recall@k

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


# ----------------------------------------------------------------------------- the edit experiment

def _scenes(n, seed):
    """Small distinct pictures: random blobs of colour on random backgrounds."""
    rng = np.random.default_rng(seed)
    out = []
    y, x = np.mgrid[0:48, 0:64]
    for _ in range(n):
        img = np.empty((48, 64, 3))
        img[:] = rng.integers(0, 256, 3)
        for _ in range(4):
            cy, cx, r = rng.integers(0, 48), rng.integers(0, 64), rng.integers(5, 20)
            img[(y - cy) ** 2 + (x - cx) ** 2 < r * r] = rng.integers(0, 256, 3)
        out.append(img.astype(np.uint8))
    return out


METHODS = {"pixels": (descriptors.pixel_descriptor, "l2"), "colour histogram": (descriptors.color_histogram, "chi2")}


def test_copy_search_accuracy_matches_a_manual_run():
    from imsearch import edits

    originals, distractors = _scenes(8, 0), _scenes(20, 1)
    names = ["jpeg", "flip", "gaussian_noise"]
    table = eval.copy_search_accuracy(originals, distractors, METHODS, names, seed=3, progress=False)
    assert list(table) == list(METHODS) and all(list(row) == names for row in table.values())
    database = originals + distractors
    for label, (describe, metric) in METHODS.items():
        db = np.stack([describe(im) for im in database])
        for name in names:
            hits = 0
            for i, im in enumerate(originals):
                query = edits.apply_edit(name, im, seed=copy_search._edit_rng(3, name, i))
                dist = np.array([float(index.pairwise_distances(describe(query)[None], db[j:j + 1], metric)[0, 0])
                                 for j in range(len(database))])
                hits += int(np.argmin(dist) == i)
            assert table[label][name] == pytest.approx(hits / len(originals))


def test_copy_search_accuracy_shows_the_invariance_trade_off():
    originals, distractors = _scenes(12, 2), _scenes(40, 3)
    table = eval.copy_search_accuracy(originals, distractors, METHODS, ["jpeg", "flip"], seed=0, progress=False)
    # a flip keeps the colours (histogram: always found) but moves the pixels
    assert table["colour histogram"]["flip"] == 1.0
    assert table["pixels"]["flip"] < table["colour histogram"]["flip"]
    assert table["pixels"]["jpeg"] == 1.0
    # queries do not depend on which other edits run
    alone = eval.copy_search_accuracy(originals, distractors, METHODS, ["flip"], seed=0, progress=False)
    assert alone["pixels"]["flip"] == table["pixels"]["flip"]


def test_copy_search_accuracy_bad_inputs():
    imgs = _scenes(2, 0)
    with pytest.raises(ValueError, match="originals must not be empty"):
        eval.copy_search_accuracy([], imgs, METHODS)
    with pytest.raises(ValueError, match="methods must be a non-empty dict"):
        eval.copy_search_accuracy(imgs, imgs, {})
    with pytest.raises(TypeError, match="must be a pair"):
        eval.copy_search_accuracy(imgs, imgs, {"x": descriptors.pixel_descriptor})
    with pytest.raises(ValueError, match="metric must be one of"):
        eval.copy_search_accuracy(imgs, imgs, {"x": (descriptors.pixel_descriptor, "cos")})
    with pytest.raises(ValueError, match="edit_names must be keys"):
        eval.copy_search_accuracy(imgs, imgs, METHODS, ["sharpen"])
    with pytest.raises(ValueError, match="seed must be >= 0"):
        eval.copy_search_accuracy(imgs, imgs, METHODS, ["flip"], seed=-1)


def test_plot_grouped_bars_draws_one_bar_per_value():
    from imsearch.viz import plots as viz

    values = {"pixels": {"jpeg": 1.0, "flip": 0.1}, "histogram": {"jpeg": 0.9, "flip": 1.0}}
    fig = viz.plot_grouped_bars(values, xlabel="edit", ylabel="top-1 accuracy", title="t", ylim=(0, 1.05))
    ax = fig.axes[0]
    assert ax.get_xlabel() == "edit" and ax.get_ylabel() == "top-1 accuracy" and ax.get_title() == "t"
    heights = sorted(p.get_height() for p in ax.patches)
    assert heights == [0.1, 0.9, 1.0, 1.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["jpeg", "flip"]
    with pytest.raises(ValueError, match="must have the categories"):
        viz.plot_grouped_bars({"a": {"x": 1.0}, "b": {"y": 1.0}})
    with pytest.raises(ValueError, match="values must be a non-empty dict"):
        viz.plot_grouped_bars({})
