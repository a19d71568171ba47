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


def test_evaluate_course_variants_on_both_benchmarks_and_the_table():
    from types import SimpleNamespace

    rng = np.random.default_rng(15)
    train, db, refs = _features(rng, [40] * 10), _features(rng, [30] * 6), _features(rng, [30] * 4)
    pipe = eval.Pipeline(train, 8, cache=False)
    queries, copy_queries = db.select([0, 3]), refs.select([1, 2])
    scenes = SimpleNamespace(query_indices=np.array([0, 3]),
                             evaluate=lambda s: {"mAP": float(np.mean(np.argmax(s, axis=1) == [0, 3]))})
    copies = SimpleNamespace(evaluate_similarity=lambda s: {"uAP": float(np.mean(np.argmax(s, axis=1) == [1, 2]))})
    data = SimpleNamespace(scenes=scenes, copy_detection=copies, scenes_database=db, scenes_queries=queries,
                           copy_references=refs, copy_queries=copy_queries)
    rows = eval.evaluate_course_variants(data, {8: pipe}, ("bow", "vlad"), progress=False)
    assert [r["variant"] for r in rows] == ["bow", "vlad"]
    assert all(r["mAP"] == 1.0 and r["uAP"] == 1.0 for r in rows)
    assert rows[0]["similarity"].shape == (2, 6) and rows[0]["similarity_copy"].shape == (2, 4)
    header, table = eval.variants_table(rows)
    assert header == ["variant", "k", "dim", "scenes mAP", "copy µAP"]
    assert table[0] == ["bow", 8, 8, 1.0, 1.0]
    no_copy = SimpleNamespace(**{**vars(data), "copy_detection": None})
    rows = eval.evaluate_course_variants(no_copy, {8: pipe}, ("bow",), progress=False)
    assert "uAP" not in rows[0] and eval.variants_table(rows)[0] == ["variant", "k", "dim", "scenes mAP"]
