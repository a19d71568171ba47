"""imsearch.descriptors.bow: Bags of visual words (chapter 7): vocabulary, visual words, term counts, TF-IDF, stop words."""
import numpy as np
import pytest
import scipy.sparse as sp

from imsearch import descriptors, signal
from imsearch.features import LocalFeatures


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
    words, ref = descriptors.assign_words(q, c1), signal.assign(q, c1)
    d = ((q[:, None].astype(float) - c1[None]) ** 2).sum(-1)
    # equal, except where two centroids are equally near in float32
    differ = words != ref
    np.testing.assert_allclose(d[differ, words[differ]], d[differ, ref[differ]], rtol=1e-5)
    assert differ.mean() < 0.01
    with pytest.raises(ValueError, match="at least k"):
        descriptors.train_vocabulary(x[:3], 4)
    with pytest.raises(ValueError, match="same dimension"):
        descriptors.assign_words(q[:, :5], c1)


def test_assign_words_ties_go_to_the_lower_index_and_empty_input_gives_no_words():
    c = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 0.0]])
    np.testing.assert_array_equal(descriptors.assign_words([[1.0, 0.0], [0.0, 0.1], [3.0, 0.0]], c), [0, 0, 1])
    assert descriptors.assign_words(np.zeros((0, 2)), c).shape == (0,)


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
