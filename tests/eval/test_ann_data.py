"""imsearch.eval.ann_data: exact ground truth (blocks = one pass = numpy), embedding sets, the SIFT set on the pack."""
import os

import numpy as np
import pytest

from imsearch.eval import ann_data


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(ann_data, "_folder", lambda: tmp_path / "ann")


def _numpy_knn(q, x, k):
    d = ((q[:, None].astype(np.float64) - x[None].astype(np.float64)) ** 2).sum(-1)
    order = np.argsort(d, 1, kind="stable")[:, :k]
    return np.take_along_axis(d, order, 1), order


def test_ground_truth_in_blocks_equals_numpy_and_is_cached(tmp_path, private_cache):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 50, (3000, 16)).astype(np.float32)        # integer values, like SIFT
    q = rng.integers(0, 50, (30, 16)).astype(np.float32)
    d, i = ann_data.exact_ground_truth(x, q, 20, block=700, progress=False)
    dn, in_ = _numpy_knn(q, x, 20)
    np.testing.assert_allclose(d, dn, rtol=1e-6)
    # ties are possible with integer data: same distances, and ids equal wherever the distance is unique
    assert (i == in_).mean() > 0.95
    one, _ = ann_data.exact_ground_truth(x, q, 20, block=10_000, progress=False, cache=False)
    np.testing.assert_allclose(one, d)
    assert len(list((tmp_path / "ann").glob("truth-*.npz"))) == 1
    d2, i2 = ann_data.exact_ground_truth(x, q, 20, block=700, progress=False)
    np.testing.assert_array_equal(i2, i)


def test_ground_truth_bad_inputs(private_cache):
    x = np.zeros((5, 4), np.float32)
    with pytest.raises(ValueError, match="k"):
        ann_data.exact_ground_truth(x, x, 6, progress=False)
    with pytest.raises(ValueError, match="queries"):
        ann_data.exact_ground_truth(x, np.zeros((2, 3)), 1, progress=False)


def test_embedding_set_splits_disjointly(private_cache):
    rng = np.random.default_rng(0)
    e = rng.normal(size=(600, 8)).astype(np.float32)
    s = ann_data.embedding_set(e, n_queries=50, n_learn=100, k=10, seed=3, progress=False)
    assert s.database.shape == (450, 8) and s.queries.shape == (50, 8) and s.learn.shape == (100, 8)
    rows = {tuple(v) for v in np.concatenate([s.database, s.queries, s.learn])}
    assert len(rows) == 600                                       # a partition of the input
    np.testing.assert_array_equal(s.database, e[s.source])
    np.testing.assert_array_equal(s.truth, _numpy_knn(s.queries, s.database, 10)[1])
    with pytest.raises(ValueError, match="at least"):
        ann_data.embedding_set(e[:50], n_queries=50, n_learn=0, k=10, progress=False)


@pytest.mark.datapack
@pytest.mark.skipif(not os.environ.get("IMSEARCH_DATA_MIRROR"), reason="needs the course data pack")
def test_sift_set_is_real_sift_with_disjoint_queries():
    """On the shared cache (filled once by any build of the set, e.g. the chapter's)."""
    s = ann_data.sift_set(n_database=2000, n_queries=100, n_learn=500, k=10, progress=False)
    assert s.database.shape == (2000, 128) and s.database.dtype == np.float32
    assert s.database.min() >= 0 and s.database.max() <= 255 and np.all(s.database == np.round(s.database))
    query_photos = {p for p in ann_data._photo_plan(0)[0]}
    assert not {s.photos[i] for i in np.unique(s.source)} & {f"{d}/{n}" for d, _, n in query_photos}
    np.testing.assert_allclose(s.truth_distances, _numpy_knn(s.queries, s.database, 10)[0], rtol=1e-5)
    # a smaller set is a prefix of a larger one
    t = ann_data.sift_set(n_database=1000, n_queries=100, n_learn=500, k=10, progress=False)
    np.testing.assert_array_equal(t.database, s.database[:1000])
    np.testing.assert_array_equal(t.queries, s.queries)


@pytest.mark.datapack
@pytest.mark.skipif(not os.environ.get("IMSEARCH_DATA_MIRROR"), reason="needs the course data pack")
def test_deep_set_is_exact_and_copies_find_their_photo():
    """SSCD descriptors of the photos and of augmented copies: exact ground truth, and an augmented copy's
    nearest database vectors include its original photo far more often than chance."""
    s = ann_data.deep_set(5000, 200, 300, k=10, progress=False)
    assert s.database.shape == (4500, s.dim) and s.queries.shape == (200, s.dim) and len(s.learn) == 300
    assert np.allclose(np.linalg.norm(s.database, axis=1), 1, atol=1e-4)       # unit descriptors
    d = ((s.queries[:, None, :] - s.database[None]) ** 2).sum(-1)
    np.testing.assert_allclose(np.sort(d, axis=1)[:, :10], s.truth_distances, rtol=0, atol=1e-5)
    np.testing.assert_array_equal(np.take_along_axis(d, s.truth, 1), np.sort(d, axis=1)[:, :10])
    names = [s.photos[i] for i in s.source]
    assert {n.split("#")[1] for n in names} == {"r0", "r1"}
    row = {n: i for i, n in enumerate(names)}
    copies = [(i, row[n.split("#")[0] + "#r0"]) for i, n in enumerate(names)
              if n.endswith("#r1") and n.split("#")[0] + "#r0" in row]
    assert len(copies) > 300
    x = s.database
    found = [o in np.argsort(((x - x[c]) ** 2).sum(1))[1:11] for c, o in copies]
    assert np.mean(found) > 0.2        # chance: 10 / 4500
