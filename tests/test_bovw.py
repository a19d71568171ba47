"""Bags of visual words: features, vocabulary, TF-IDF, stop words, spatial verification, Hamming embedding, VLAD."""
import numpy as np
import pytest
import scipy.sparse as sp

from imsearch import descriptors, eval, features, index, matching
from imsearch.eval import bow_pipeline
from imsearch.features import LocalFeatures


def _features(rng, counts, dim=128):
    m = int(sum(counts))
    kps = np.c_[rng.random((m, 2)) * 100, rng.random(m) * 3 + 1, rng.random(m) * 6].astype(np.float32)
    desc = rng.integers(0, 256, (m, dim)).astype(np.uint8)
    return LocalFeatures(kps, desc, np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))


def _tiny_photo(size=128):
    from imsearch import edits
    from imsearch.data import load_default_image

    return edits.downscale(load_default_image("astronaut"), size)


# ----------------------------------------------------------------------------- local features

def test_local_features_layout_select_and_rootsift():
    from imsearch.features import root_sift

    rng = np.random.default_rng(0)
    f = _features(rng, [3, 0, 5, 2])
    assert f.n_images == 4 and len(f) == 4
    np.testing.assert_array_equal(f.image_ids, [0, 0, 0, 2, 2, 2, 2, 2, 3, 3])
    sub = f.select([2, 0])
    np.testing.assert_array_equal(sub.counts, [5, 3])
    np.testing.assert_array_equal(sub.descriptors, np.r_[f.descriptors[3:8], f.descriptors[0:3]])
    np.testing.assert_array_equal(f.rootsift(), root_sift(f.descriptors))
    np.testing.assert_allclose(np.linalg.norm(f.rootsift(), axis=1), 1.0, rtol=1e-5)
    kp, d = f.of(3)
    np.testing.assert_array_equal(d, f.descriptors[8:10])
    with pytest.raises(ValueError, match="inconsistent"):
        LocalFeatures(f.keypoints, f.descriptors, np.array([0, 3, 11]))
    with pytest.raises(ValueError, match="indices"):
        f.select([4])


def test_extract_features_matches_opencv_and_caps_keypoints():
    from imsearch.matching import opencv_sift

    photo = _tiny_photo(160)
    f = features.extract_features([photo, photo[:, ::-1]], max_keypoints=40, progress=False)
    assert f.n_images == 2 and f.keypoints.dtype == np.float32 and f.descriptors.dtype == np.uint8
    assert np.all(f.counts <= 40) and np.all(f.counts > 10)
    k, d = opencv_sift(photo, 40)
    np.testing.assert_allclose(f.of(0)[0], k[:40], rtol=1e-6, atol=1e-4)
    np.testing.assert_array_equal(f.of(0)[1], np.rint(d[:40]).astype(np.uint8))
    with pytest.raises(TypeError, match="list of images"):
        features.extract_features(photo)
    with pytest.raises(ValueError, match=r"images\[0\]"):
        features.extract_features([np.zeros(5)])


def test_cached_features_are_reused_and_recomputed_when_corrupt(tmp_path, monkeypatch):
    monkeypatch.setenv("IMSEARCH_CACHE_DIR", str(tmp_path))
    photo = _tiny_photo(96)
    first = features.cached_features([photo], "tiny", max_keypoints=30, progress=False)
    files = list((tmp_path / "bovw").glob("features-tiny-*.npz"))
    assert len(files) == 1
    again = features.cached_features([photo], "tiny", max_keypoints=30, progress=False)
    np.testing.assert_array_equal(again.descriptors, first.descriptors)
    files[0].write_bytes(b"not a zip file")
    third = features.cached_features([photo], "tiny", max_keypoints=30, progress=False)
    np.testing.assert_array_equal(third.descriptors, first.descriptors)
    other = features.cached_features([photo[::-1]], "tiny", max_keypoints=30, progress=False)  # other pixels, other file
    assert len(list((tmp_path / "bovw").glob("features-tiny-*.npz"))) == 2 and other.n_images == 1
    with pytest.raises(ValueError, match="name"):
        features.cached_features([photo], "no spaces allowed")


# ----------------------------------------------------------------------------- vocabulary and quantisation

def test_vocabulary_is_seeded_and_quantize_matches_numpy_argmin():
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(c, 0.3, (200, 8)) for c in (0.0, 3.0, -3.0, 6.0)]).astype(np.float32)
    c1 = descriptors.train_vocabulary(x, 4, seed=3)
    c2 = descriptors.train_vocabulary(x, 4, seed=3)
    np.testing.assert_array_equal(c1, c2)
    assert c1.shape == (4, 8) and c1.dtype == np.float32
    # the four clusters are found: each centre is near one of 0, 3, -3, 6
    np.testing.assert_allclose(np.sort(c1.mean(axis=1)), [-3, 0, 3, 6], atol=0.2)
    q = rng.normal(size=(500, 8)).astype(np.float32) * 3
    words, ref = descriptors.quantize(q, c1), descriptors.nearest_word(q, c1)
    d = ((q[:, None].astype(float) - c1[None]) ** 2).sum(-1)
    # equal, except where two centroids are equally near in float32
    differ = words != ref
    np.testing.assert_allclose(d[differ, words[differ]], d[differ, ref[differ]], rtol=1e-5)
    assert differ.mean() < 0.01
    with pytest.raises(ValueError, match="at least k"):
        descriptors.train_vocabulary(x[:3], 4)
    with pytest.raises(ValueError, match="same dimension"):
        descriptors.quantize(q[:, :5], c1)


def test_nearest_word_ties_go_to_the_lower_index():
    c = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 0.0]])
    np.testing.assert_array_equal(descriptors.nearest_word([[1.0, 0.0], [0.0, 0.1], [3.0, 0.0]], c), [0, 0, 1])


# ----------------------------------------------------------------------------- bag of words, TF-IDF, stop words

def test_bag_of_words_counts():
    bow = descriptors.bag_of_words([2, 0, 2, 1, 2], [0, 0, 0, 2, 2], 3, 4)
    np.testing.assert_array_equal(bow.toarray(), [[1, 0, 2, 0], [0, 0, 0, 0], [0, 1, 1, 0]])
    with pytest.raises(ValueError, match="words"):
        descriptors.bag_of_words([4], [0], 1, 4)
    with pytest.raises(ValueError, match="same length"):
        descriptors.bag_of_words([1, 2], [0], 1, 4)


def test_tfidf_closed_form_and_sparse_version():
    counts = np.array([[2, 0, 1], [0, 1, 1]])
    expected = np.array([[2 / 3 * np.log(2), 0, 0], [0, 0.5 * np.log(2), 0]])
    np.testing.assert_allclose(descriptors.tfidf_weights(counts), expected, atol=1e-15)
    np.testing.assert_allclose(descriptors.idf_weights(counts), [np.log(2), np.log(2), 0.0])
    np.testing.assert_array_equal(descriptors.document_frequency(counts), [1, 1, 2])
    rng = np.random.default_rng(2)
    c = rng.integers(0, 3, (30, 12)) * (rng.random((30, 12)) < 0.4)
    c[4] = 0                                        # an image without words
    np.testing.assert_allclose(descriptors.tfidf(sp.csr_matrix(c)).toarray(), descriptors.tfidf_weights(c), atol=1e-15)
    with pytest.raises(ValueError, match="counts"):
        descriptors.tfidf_weights(np.array([[1, -1]]))
    with pytest.raises(ValueError, match="finite"):
        descriptors.tfidf_weights(np.array([[1.0, np.nan]]))


def test_stop_words_are_the_most_frequent_ties_by_lower_index():
    bow = np.array([[5, 1, 0, 2, 2], [5, 0, 1, 2, 2]])        # totals 10, 1, 1, 4, 4
    np.testing.assert_array_equal(descriptors.stop_words(bow, 0.4), [0, 3])
    np.testing.assert_array_equal(descriptors.stop_words(bow, 0.6), [0, 3, 4])
    assert len(descriptors.stop_words(bow, 0.0)) == 0
    dropped = descriptors.drop_words(bow, [0, 3])
    np.testing.assert_array_equal(dropped.toarray(), [[0, 1, 0, 0, 2], [0, 0, 1, 0, 2]])
    with pytest.raises(ValueError, match="fraction"):
        descriptors.stop_words(bow, 1.0)


def test_bow_vectors_give_cosines():
    rng = np.random.default_rng(3)
    db = rng.integers(0, 3, (20, 15)).astype(float)
    q = rng.integers(0, 3, (4, 15)).astype(float)
    d, qq = descriptors.bow_vectors(db, q, "counts")
    cos = (q @ db.T) / np.linalg.norm(q, axis=1)[:, None] / np.linalg.norm(db, axis=1)[None]
    np.testing.assert_allclose((qq @ d.T).toarray(), cos, atol=1e-12)
    d, qq = descriptors.bow_vectors(db, q, "tfidf", stop_fraction=0.2)
    stop = descriptors.stop_words(db, 0.2)
    assert np.all(d.toarray()[:, stop] == 0) and np.all(qq.toarray()[:, stop] == 0)
    idf = descriptors.idf_weights(descriptors.drop_words(db, stop))
    tq = np.where(np.isin(np.arange(15), stop), 0, q) / q.sum(1, keepdims=True)  # tf without the stop words
    tq = tq * q.sum(1, keepdims=True) / np.where(np.isin(np.arange(15), stop), 0, q).sum(1, keepdims=True) * idf
    np.testing.assert_allclose(qq.toarray(), tq / np.linalg.norm(tq, axis=1, keepdims=True), atol=1e-12)
    with pytest.raises(ValueError, match="weighting"):
        descriptors.bow_vectors(db, q, "bm25")


def test_l2_normalize_dense_and_sparse():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(descriptors.l2_normalize(x), [[0.6, 0.8], [0.0, 0.0]])
    np.testing.assert_allclose(descriptors.l2_normalize(sp.csr_matrix(x)).toarray(), [[0.6, 0.8], [0.0, 0.0]])


# ----------------------------------------------------------------------------- spatial verification

def test_word_correspondences_equal_a_double_loop():
    rng = np.random.default_rng(4)
    a, b = rng.integers(0, 12, 40), rng.integers(0, 12, 35)
    for cap in (1, 3, 100):
        ca, cb = np.bincount(a, minlength=12), np.bincount(b, minlength=12)
        naive = [(i, j) for i in range(len(a)) for j in range(len(b))
                 if a[i] == b[j] and ca[a[i]] <= cap and cb[b[j]] <= cap]
        np.testing.assert_array_equal(matching.word_correspondences(a, b, cap), np.array(naive).reshape(-1, 2))
    assert matching.word_correspondences(np.zeros(0, int), [1, 2]).shape == (0, 2)


def _similar_pair(rng, n_in=30, n_out=30, angle=0.6, scale=1.5, t=(20.0, -10.0)):
    ka = np.c_[rng.random((n_in + n_out, 2)) * 200, rng.random(n_in + n_out) * 3 + 1, rng.random(n_in + n_out) * 6]
    R = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    kb = ka.copy()
    kb[:, :2] = scale * ka[:, :2] @ R.T + t + rng.normal(0, 0.5, (len(ka), 2))
    kb[:, 2] = ka[:, 2] * scale
    kb[:, 3] = ka[:, 3] + angle
    kb[n_in:, :2] = rng.random((n_out, 2)) * 300           # outliers: anywhere
    kb[n_in:, 3] = rng.random(n_out) * 6
    pairs = np.c_[np.arange(len(ka)), np.arange(len(ka))]
    return ka, kb, pairs


@pytest.mark.parametrize("method", ["similarity", "ransac"])
def test_spatial_verification_finds_the_inliers_of_a_similarity(method):
    rng = np.random.default_rng(5)
    ka, kb, pairs = _similar_pair(rng)
    n, mask = matching.spatial_verification(ka, kb, pairs, threshold_px=4.0, method=method, max_iters=500)
    assert n == mask.sum()
    assert 28 <= n <= 32 and mask[:30].mean() > 0.9 and mask[30:].mean() < 0.1


def test_spatial_verification_single_hypotheses_survive_few_inliers():
    rng = np.random.default_rng(6)
    ka, kb, pairs = _similar_pair(rng, n_in=8, n_out=120)      # 6 % inliers: hopeless for 200 4-point samples
    n, mask = matching.spatial_verification(ka, kb, pairs, threshold_px=4.0)
    assert n >= 8 and mask[:8].all()
    assert matching.spatial_verification(ka, kb, np.zeros((0, 2), int))[0] == 0
    with pytest.raises(ValueError, match="method"):
        matching.spatial_verification(ka, kb, pairs, method="lmeds")
    with pytest.raises(ValueError, match="pairs"):
        matching.spatial_verification(ka, kb, pairs + 1000)


def test_spatial_rerank_moves_verified_images_up_and_skips_the_query():
    rng = np.random.default_rng(7)
    ka, kb, _ = _similar_pair(rng, n_in=40, n_out=0)
    words = np.arange(40)
    noise = np.c_[rng.random((40, 2)) * 200, np.ones(40), np.zeros(40)]
    def feats(kps_list):
        kps = np.concatenate(kps_list).astype(np.float32)
        return LocalFeatures(kps, np.zeros((len(kps), 128), np.uint8),
                             np.concatenate([[0], np.cumsum([len(k) for k in kps_list])]).astype(np.int64))
    db = feats([ka, noise, kb])                 # image 0 is the query itself, 1 noise, 2 the true match
    q = feats([ka])
    scores = np.array([[1.0, 0.5, 0.2]])
    new, inliers, ids = index.spatial_rerank(scores, q, words, db, np.tile(words, 3), shortlist=2,
                                            exclude=np.array([0]), threshold_px=4.0)
    np.testing.assert_array_equal(ids, [[1, 2]])
    assert inliers[0, 1] >= 35 and inliers[0, 0] == 0     # random positions: below min_inliers
    assert new[0, 2] > new[0, 1] > 1.0 and new[0, 0] == 1.0


# ----------------------------------------------------------------------------- Hamming embedding

def test_projection_is_orthonormal_and_seeded():
    P = descriptors.random_orthogonal_projection(16, 8, seed=1)
    np.testing.assert_allclose(P @ P.T, np.eye(8), atol=1e-12)
    np.testing.assert_array_equal(P, descriptors.random_orthogonal_projection(16, 8, seed=1))
    assert not np.allclose(P, descriptors.random_orthogonal_projection(16, 8, seed=2))
    with pytest.raises(ValueError, match="n_bits"):
        descriptors.random_orthogonal_projection(128, 65)


def test_thresholds_are_per_word_medians():
    rng = np.random.default_rng(8)
    z = rng.normal(size=(90, 5))
    w = rng.integers(0, 3, 90)
    t = descriptors.he_thresholds(z, w, 4)                          # word 3 has no training descriptor
    for j in range(3):
        np.testing.assert_allclose(t[j], np.median(z[w == j], axis=0))
    np.testing.assert_allclose(t[3], np.median(z, axis=0))


def test_signatures_compare_with_the_medians_strictly():
    thresholds = np.array([[0.0, 1.0, -1.0], [5.0, 5.0, 5.0]])
    z = np.array([[0.0, 1.0, -1.0],            # exactly at the medians: all bits 0
                  [0.1, 1.1, -0.9],            # just above: all bits 1
                  [6.0, 4.0, 5.0]])            # word 1: bits 1, 0, 0
    sig = descriptors.he_signatures(z, [0, 0, 1], thresholds)
    np.testing.assert_array_equal(sig, np.array([0, 7, 1], dtype=np.uint64))
    bits = np.random.default_rng(9).integers(0, 2, (20, 64)).astype(bool)
    np.testing.assert_array_equal(descriptors.unpack_bits(descriptors.pack_bits(bits)), bits)
    with pytest.raises(ValueError, match="bits"):
        descriptors.he_signatures(z[:, :2], [0, 0, 1], thresholds)


def test_hamming_distances_equal_a_naive_popcount():
    rng = np.random.default_rng(10)
    a = rng.integers(0, 2 ** 63, 12, dtype=np.uint64) * np.uint64(2) + rng.integers(0, 2, 12, dtype=np.uint64)
    b = rng.integers(0, 2 ** 63, 7, dtype=np.uint64)
    naive = np.array([[bin(int(x) ^ int(y)).count("1") for y in b] for x in a])
    np.testing.assert_array_equal(descriptors.hamming_distances(a, b), naive)
    with pytest.raises(TypeError, match="a"):
        descriptors.hamming_distances(np.array([1.5]), b)


def test_trained_embedding_splits_each_word_in_half():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(400, 16))
    words = rng.integers(0, 2, 400)
    he = descriptors.train_hamming_embedding(x, words, 2, n_bits=8, seed=0)
    bits = descriptors.unpack_bits(he.signatures(x, words), 8)
    for j in range(2):                         # each bit is 1 for half of the word's training descriptors
        np.testing.assert_allclose(bits[words == j].mean(axis=0), 0.5, atol=0.01)


# ----------------------------------------------------------------------------- VLAD

def test_vlad_aggregate_closed_forms():
    x = np.array([[1.0, 2.0], [3.0, 0.0], [-1.0, 1.0]])
    np.testing.assert_allclose(descriptors.vlad_aggregate(x, [[1.0, 1.0]]), x.sum(0) - 3 * np.array([1.0, 1.0]))
    c = np.array([[0.0, 0.0], [10.0, 0.0]])
    np.testing.assert_allclose(descriptors.vlad_aggregate([[1.0, 1.0], [11.0, 0.0]], c), [1.0, 1.0, 1.0, 0.0])
    np.testing.assert_allclose(descriptors.vlad_aggregate(np.zeros((0, 2)), c), np.zeros(4))
    with pytest.raises(ValueError, match="same dimension"):
        descriptors.vlad_aggregate(np.zeros((2, 3)), c)


def test_power_and_intra_normalisation():
    np.testing.assert_allclose(descriptors.power_normalize(np.array([-4.0, 0.0, 9.0])), [-2.0, 0.0, 3.0])
    np.testing.assert_allclose(descriptors.power_normalize(np.array([-8.0, 8.0]), alpha=1 / 3), [-2.0, 2.0])
    v = np.array([3.0, 4.0, 0.0, 0.0, 0.0, -2.0])
    np.testing.assert_allclose(descriptors.intra_normalize(v, 3), [0.6, 0.8, 0.0, 0.0, 0.0, -1.0])
    with pytest.raises(ValueError, match="multiple"):
        descriptors.intra_normalize(v, 4)
    with pytest.raises(ValueError, match="alpha"):
        descriptors.power_normalize(v, 0.0)


def test_vlad_descriptors_equal_the_per_image_definition():
    rng = np.random.default_rng(12)
    c = rng.normal(size=(5, 6))
    counts = [7, 0, 12, 3]
    x = rng.normal(size=(sum(counts), 6))
    img = np.repeat(np.arange(4), counts)
    words = descriptors.nearest_word(x, c)
    for alpha, intra in ((1.0, False), (0.5, True)):
        got = descriptors.vlad_descriptors(x, words, img, 4, c, alpha=alpha, intra=intra, batch_images=3)
        for i in range(4):
            v = descriptors.vlad_aggregate(x[img == i], c)
            if alpha != 1.0:
                v = descriptors.power_normalize(v, alpha)
            if intra:
                v = descriptors.intra_normalize(v, 5)
            n = np.linalg.norm(v)
            np.testing.assert_allclose(got[i], v / n if n > 0 else v, atol=1e-5)
    assert np.all(got[1] == 0)


def test_pca_matches_the_svd_in_both_regimes():
    rng = np.random.default_rng(13)
    for shape in ((40, 10), (8, 30)):
        x = rng.normal(size=shape) @ np.diag(np.linspace(3, 0.5, shape[1]))
        mean, comp, var = descriptors.pca_fit(x, 5)
        _, s, vt = np.linalg.svd(x - x.mean(0), full_matrices=False)
        np.testing.assert_allclose(np.abs(comp), np.abs(vt[:5]), atol=1e-9)
        np.testing.assert_allclose(var, s[:5] ** 2 / shape[0], rtol=1e-9)
        np.testing.assert_allclose(comp @ comp.T, np.eye(5), atol=1e-9)
    y = (x - mean) @ comp.T / np.sqrt(var)
    np.testing.assert_allclose(y.var(axis=0), 1.0, rtol=1e-9)          # whitening: unit variances
    np.testing.assert_allclose(np.linalg.norm(descriptors.pca_project(x, mean, comp, var), axis=1), 1.0, rtol=1e-5)
    with pytest.raises(ValueError, match="n_components"):
        descriptors.pca_fit(x, 9)


# ----------------------------------------------------------------------------- pipeline and evaluation

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


def test_embedded_scenes_evaluate_closed_form():
    es = eval.EmbeddedScenes(images=[np.zeros((4, 4, 3), np.uint8)] * 5, ids=list("abcde"),
                             groups=["g", "g", None, None, None], query_indices=np.array([0]),
                             positives=[np.array([1])], train=[])
    perfect = np.array([[9.0, 1.0, 0.5, 0.2, 0.1]])          # the query's own column is ignored
    assert es.evaluate(perfect)["mAP"] == 1.0
    worst = np.array([[9.0, 0.0, 0.5, 0.2, 0.1]])
    assert es.evaluate(worst)["mAP"] < 0.5


# ----------------------------------------------------------------------------- patches, plots, widget, fallback

def test_word_patches_are_the_keypoint_neighbourhoods():
    img = np.zeros((64, 64, 3), np.uint8)
    img[26:38, 26:38] = 255                                   # a white square of 12 px centred at (32, 32)
    kps = np.array([[32.0, 32.0, 2.0, 0.0], [5.0, 5.0, 1.0, 0.0]], np.float32)
    f = LocalFeatures(kps, np.zeros((2, 128), np.uint8), np.array([0, 2]))
    patches = descriptors.word_patches([img], f, np.array([3, 4]), word=3, size_px=16)
    assert patches.shape == (1, 16, 16) and patches.dtype == np.uint8
    # the window is 12σ = 24 px wide: the square fills its middle half
    assert patches[0, 8, 8] == 255 and patches[0, 0, 0] == 0 and patches[0, 15, 15] == 0
    assert descriptors.word_patches([img], f, np.array([3, 4]), word=7).shape == (0, 32, 32)
    with pytest.raises(ValueError, match="images"):
        descriptors.word_patches([img, img], f, np.array([3, 4]), word=3)


def test_chapter_7_plots_and_widget_draw(monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from imsearch import viz
    from imsearch import widgets

    monkeypatch.setattr(plt, "show", lambda: None)
    rng = np.random.default_rng(15)
    fig = viz.plot_visual_words([rng.integers(0, 255, (3, 8, 8), dtype=np.uint8)] * 2, ["w0", "w1"], title="t")
    assert len(fig.axes) == 6
    fig = viz.plot_word_frequencies(sp.csr_matrix(rng.integers(0, 3, (10, 20))), n_stop=2)
    assert fig.axes[0].get_xscale() == "log"
    fig = viz.plot_bag_of_words(np.zeros((20, 30, 3), np.uint8), rng.random((5, 2)) * 20, [0, 1, 1, 3, 3], 4)
    assert fig.axes[1].patches[3].get_height() == 2
    plt.close("all")
    with pytest.raises(ValueError, match="word_labels"):
        viz.plot_visual_words([np.zeros((1, 4, 4))], ["a", "b"])
    with pytest.raises(ValueError, match="words"):
        viz.plot_bag_of_words(np.zeros((20, 30, 3), np.uint8), np.zeros((1, 2)), [4], 4)

    train = _features(rng, [30] * 6)
    db = _features(rng, [20] * 5)
    pipe = eval.Pipeline(train, 4, cache=False)
    matches = eval.he_matches(pipe, db, db.select([0, 1]))
    seen = []
    w = widgets.he_threshold_slider(matches, lambda s: seen.append(s.shape) or {"mAP": float(s[0, 0])},
                                    value=10, sigma=None)
    assert len(seen) == 65 and w.children[0].value == 10
    plt.close("all")


def test_course_data_without_the_pack_falls_back_to_embedded_photos(tmp_path, monkeypatch):
    monkeypatch.delenv("IMSEARCH_DATA_MIRROR", raising=False)
    monkeypatch.setenv("IMSEARCH_CACHE_DIR", str(tmp_path))
    data = eval.course_data(progress=False)
    assert data.source == "embedded" and data.copy_detection is None
    assert "IMSEARCH_DATA_MIRROR" in data.missing and "Course data" in data.missing
    es = data.scenes
    assert len(es.images) == len(es.ids) == len(es.groups) == data.scenes_database.n_images
    assert data.scenes_queries.n_images == len(es.query_indices) == 8
    for q, pos in zip(es.query_indices, es.positives):
        assert all(es.groups[p] == es.groups[q] for p in pos)
    assert all(max(im.shape[:2]) <= 320 for im in es.images + es.train)
