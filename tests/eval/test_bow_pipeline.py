"""imsearch.eval.bow_pipeline: Chapter 7's pipeline on the course's benchmarks: bags of words, Hamming embedding, VLAD."""
import numpy as np
import pytest

from imsearch import eval
from imsearch.features import LocalFeatures


def _features(rng, counts, dim=128):
    m = int(sum(counts))
    kps = np.c_[rng.random((m, 2)) * 100, rng.random(m) * 3 + 1, rng.random(m) * 6].astype(np.float32)
    desc = rng.integers(0, 256, (m, dim)).astype(np.uint8)
    return LocalFeatures(kps, desc, np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))


def test_pipeline_and_variants_on_tiny_random_features():
    rng = np.random.default_rng(14)
    train = _features(rng, [40] * 10)
    db = _features(rng, [30] * 6)
    queries = db.select([0, 3])                 # each query's best match is itself
    pipe = eval.Pipeline(train, 8, cache=False)
    assert pipe.centroids.shape == (8, 128)
    np.testing.assert_array_equal(pipe.bow(db).toarray().sum(axis=1), db.counts)

    def evaluate(similarity):
        return {"hit": float(np.mean(np.argmax(similarity, axis=1) == [0, 3]))}

    rows = eval.evaluate_variants(evaluate, db, queries, {8: pipe}, progress=False,
                                  k_range={}, pca_dim=4)
    assert [r["variant"] for r in rows] == list(eval.VARIANTS)
    # every word occurs in every image here (idf 0), so only the variants without idf are tested for hits
    assert all(r["hit"] == 1.0 for r in rows if r["variant"] in ("bow", "vlad"))
    assert all(r["seconds"] >= 0 and r["dim"] >= 1 for r in rows)
    vlad = eval.vlad_similarity(pipe, db, queries)
    np.testing.assert_allclose(vlad[[0, 1], [0, 3]], 1.0, rtol=1e-5)
    he = eval.he_matches(pipe, db, queries, idf=False)
    np.testing.assert_allclose(he.scores(64, None), eval.bow_similarity(pipe, db, queries, "counts"), atol=1e-12)
    assert np.all(np.argmax(he.scores(24, 16.0), axis=1) == [0, 3])
    with pytest.raises(ValueError, match="variants"):
        eval.evaluate_variants(evaluate, db, queries, {8: pipe}, variants=("bm25",))


def test_course_data_without_the_pack_falls_back_to_embedded_photos(tmp_path, monkeypatch):
    monkeypatch.delenv("IMSEARCH_DATA_MIRROR", raising=False)
    monkeypatch.setenv("IMSEARCH_CACHE_DIR", str(tmp_path))
    data = eval.course_data(progress=False)
    assert data.source == "embedded" and data.copy_detection is None
    assert "IMSEARCH_DATA_MIRROR" in data.missing and "Course data" in data.missing
    es = data.scenes
    assert len(es.images) == len(es.ids) == len(es.groups) == data.scenes_database.n_images
    assert data.scenes_queries.n_images == len(es.query_indices) == 32  # every photo of 8 groups
    for q, pos in zip(es.query_indices, es.positives):
        assert all(es.groups[p] == es.groups[q] for p in pos)
    assert all(max(im.shape[:2]) <= 320 for im in es.images + es.train)
