"""imsearch.index.inverted_file: Inverted indexes: posting lists per visual word, scoring only the images that share words."""
import numpy as np
import pytest
import scipy.sparse as sp

from imsearch.index import inverted_file as invindex
from imsearch.index import HammingInvertedFile, InvertedIndex, brute_force_scores, ranking, top_k


def _random_bow(rng, n, k, density=0.1, integer=False):
    mask = rng.random((n, k)) < density
    values = rng.integers(1, 4, (n, k)).astype(float) if integer else rng.random((n, k))
    return sp.csr_matrix(values * mask)


def _naive_he(qw, qs, qi, nq, dw, ds, di, nd, weights, threshold, sigma):
    acc = np.zeros((nq, nd))
    for a in range(len(qw)):
        for b in range(len(dw)):
            if qw[a] == dw[b]:
                h = bin(int(qs[a]) ^ int(ds[b])).count("1")
                if h <= threshold:
                    acc[qi[a], di[b]] += (1.0 if sigma is None else np.exp(-h * h / sigma ** 2)) * weights[qw[a]] ** 2
    def norms(w, img, n):
        c = np.zeros((n, len(weights)))
        np.add.at(c, (img, w), 1)
        return np.sqrt(((c * weights) ** 2).sum(1))
    den = norms(qw, qi, nq)[:, None] * norms(dw, di, nd)[None]
    return np.divide(acc, den, out=np.zeros_like(acc), where=den > 0)


def _random_descriptors(rng, n_images, per_image, k):
    words = rng.integers(0, k, n_images * per_image)
    sig = rng.integers(0, 2 ** 63, n_images * per_image, dtype=np.uint64) * np.uint64(2)
    sig |= rng.integers(0, 2, n_images * per_image, dtype=np.uint64)
    img = np.repeat(np.arange(n_images), per_image)
    return words, sig, img


@pytest.mark.parametrize("integer", [False, True])
def test_scores_and_rankings_equal_brute_force(integer):
    rng = np.random.default_rng(0)
    db = _random_bow(rng, 300, 80, 0.08, integer)
    queries = _random_bow(rng, 25, 80, 0.1, integer)
    index = InvertedIndex(80)
    index.add(db)
    got, ref = index.scores(queries), brute_force_scores(queries, db)
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(got, ref)          # same additions in the same order: bit-identical
    np.testing.assert_array_equal(ranking(got), ranking(ref))
    # integer weights make exact ties: both break them by the lower image id
    if integer:
        assert any(len(np.unique(row)) < len(row) for row in got)


def test_brute_force_is_the_dense_dot_product():
    rng = np.random.default_rng(1)
    db, q = _random_bow(rng, 40, 30, 0.3), _random_bow(rng, 5, 30, 0.3)
    np.testing.assert_allclose(brute_force_scores(q, db), q.toarray() @ db.toarray().T, atol=1e-12)
    np.testing.assert_allclose(brute_force_scores(q.toarray()[0], db), q.toarray()[:1] @ db.toarray().T, atol=1e-12)


def test_adding_in_chunks_and_batch_sizes_change_nothing():
    rng = np.random.default_rng(2)
    db, q = _random_bow(rng, 120, 50, 0.1), _random_bow(rng, 9, 50, 0.1)
    whole = InvertedIndex(50)
    whole.add(db)
    parts = InvertedIndex(50)
    ids = [parts.add(db[:40]), parts.add(db[40:41].toarray()), parts.add(db[41:])]
    np.testing.assert_array_equal(np.concatenate(ids), np.arange(120))
    ref = whole.scores(q)
    np.testing.assert_array_equal(parts.scores(q), ref)
    for b in (1, 2, 100):
        np.testing.assert_array_equal(whole.scores(q, batch_size=b), ref)


def test_posting_lists_hold_the_columns_sorted_by_image():
    rng = np.random.default_rng(3)
    db = _random_bow(rng, 60, 20, 0.2)
    index = InvertedIndex(20)
    index.add(db)
    dense = db.toarray()
    for w in range(20):
        ids, weights = index.posting_list(w)
        np.testing.assert_array_equal(ids, np.flatnonzero(dense[:, w]))
        np.testing.assert_array_equal(weights, dense[ids, w])
    np.testing.assert_array_equal(index.posting_lengths(), (dense > 0).sum(axis=0))
    assert index.n_postings == db.nnz


def test_score_postings_is_the_dot_product_with_the_database():
    rng = np.random.default_rng(4)
    db = _random_bow(rng, 50, 30, 0.2)
    index = InvertedIndex(30)
    index.add(db)
    ptr, ids, weights = index.postings()
    words = np.array([7, 2, 19, 3])                  # in any order
    qw = rng.random(4)
    q = np.zeros(30)
    q[words] = qw
    np.testing.assert_allclose(invindex.score_postings(ptr, ids, weights, words, qw, 50), db.toarray() @ q,
                               rtol=1e-12, atol=1e-15)


def test_score_postings_hand_case_and_bad_inputs():
    ptr, ids, w = np.array([0, 2, 3]), np.array([0, 2, 1]), np.array([1.0, 0.5, 2.0])
    np.testing.assert_allclose(invindex.score_postings(ptr, ids, w, [0, 1], [2.0, 1.0], 3), [2.0, 2.0, 1.0])
    with pytest.raises(ValueError, match="repeat"):
        invindex.score_postings(ptr, ids, w, [0, 0], [1.0, 1.0], 3)
    with pytest.raises(ValueError, match="query_words"):
        invindex.score_postings(ptr, ids, w, [2], [1.0], 3)       # word 2 does not exist
    with pytest.raises(ValueError, match="ids"):
        invindex.score_postings(ptr, ids, w, [0], [1.0], 2)       # image 2 >= n_images
    with pytest.raises(ValueError, match="ptr"):
        invindex.score_postings(np.array([0, 3, 2]), ids, w, [0], [1.0], 3)
    with pytest.raises(ValueError, match="same length"):
        invindex.score_postings(ptr, ids, w, [0, 1], [1.0], 3)
    with pytest.raises(TypeError, match="query_words"):
        invindex.score_postings(ptr, ids, w, [0.5], [1.0], 3)


def test_touched_images_are_those_sharing_a_word():
    rng = np.random.default_rng(5)
    db, q = _random_bow(rng, 80, 40, 0.05), _random_bow(rng, 6, 40, 0.05)
    index = InvertedIndex(40)
    index.add(db)
    naive = ((q.toarray() > 0).astype(int) @ (db.toarray() > 0).T.astype(int) > 0).sum(axis=1)
    np.testing.assert_array_equal(index.n_touched(q), naive)


def test_search_returns_the_top_of_the_ranking_with_ties_by_lower_id():
    db = sp.csr_matrix(np.array([[1.0, 0, 0], [0, 1.0, 0], [1.0, 0, 0], [1.0, 1.0, 0], [0, 0, 1.0]]))
    index = InvertedIndex(3)
    index.add(db)
    scores, ids = index.search(np.array([1.0, 0.0, 0.0]), k=4)
    np.testing.assert_array_equal(ids, [[0, 2, 3, 1]])          # three ties at 1, then zeros by id
    np.testing.assert_array_equal(scores, [[1.0, 1.0, 1.0, 0.0]])
    rng = np.random.default_rng(6)
    s = rng.integers(0, 4, (7, 30)).astype(float)
    for k in (1, 5, 30, 100):
        top_scores, top_ids = top_k(s, k)
        np.testing.assert_array_equal(top_ids, ranking(s)[:, :min(k, 30)])
        np.testing.assert_array_equal(top_scores, np.take_along_axis(s, top_ids, 1))


def test_index_bad_inputs():
    with pytest.raises(ValueError, match="n_words"):
        InvertedIndex(0)
    with pytest.raises(TypeError, match="n_words"):
        InvertedIndex(2.5)
    index = InvertedIndex(4)
    with pytest.raises(ValueError, match="empty"):
        index.search(np.ones(4))
    with pytest.raises(ValueError, match="4 columns"):
        index.add(np.ones((2, 5)))
    with pytest.raises(ValueError, match="finite"):
        index.add(np.array([[np.nan, 0, 0, 1.0]]))
    with pytest.raises(TypeError, match="vectors"):
        index.add("not a matrix")
    index.add(np.eye(4))
    with pytest.raises(ValueError, match="4 columns"):
        index.scores(np.ones((1, 3)))
    with pytest.raises(ValueError, match="word"):
        index.posting_list(4)
    with pytest.raises(ValueError, match="NaN"):
        ranking(np.array([0.1, np.nan]))


@pytest.mark.parametrize("threshold,sigma", [(24, 16.0), (30, None), (0, None), (64, 8.0)])
def test_hamming_scores_equal_a_naive_double_loop(threshold, sigma):
    rng = np.random.default_rng(7)
    k = 6
    dw, ds, di = _random_descriptors(rng, 5, 12, k)
    qw, qs, qi = _random_descriptors(rng, 3, 10, k)
    qs[:4] = ds[:4]                                   # a few exact matches (distance 0)
    qw[:4] = dw[:4]
    weights = rng.random(k) + 0.5
    hif = HammingInvertedFile(k, weights)
    hif.add(dw, ds, di, 5)
    got = hif.scores(qw, qs, qi, 3, threshold=threshold, sigma=sigma, max_pairs=7)  # small blocks
    np.testing.assert_allclose(got, _naive_he(qw, qs, qi, 3, dw, ds, di, 5, weights, threshold, sigma), atol=1e-12)


def test_hamming_with_every_match_is_the_cosine_of_weighted_bags_of_words():
    rng = np.random.default_rng(8)
    k = 10
    dw, ds, di = _random_descriptors(rng, 8, 15, k)
    qw, qs, qi = _random_descriptors(rng, 4, 15, k)
    weights = rng.random(k)
    hif = HammingInvertedFile(k, weights)
    hif.add(dw, ds, di)
    he = hif.scores(qw, qs, qi, threshold=64, sigma=None)
    def vectors(w, img, n):
        c = np.zeros((n, k))
        np.add.at(c, (img, w), 1)
        v = c * weights
        return v / np.linalg.norm(v, axis=1, keepdims=True)
    np.testing.assert_allclose(he, vectors(qw, qi, 4) @ vectors(dw, di, 8).T, atol=1e-12)


def test_match_histograms_count_the_pairs_per_distance():
    rng = np.random.default_rng(9)
    dw, ds, di = _random_descriptors(rng, 4, 10, 3)
    qw, qs, qi = _random_descriptors(rng, 2, 10, 3)
    hif = HammingInvertedFile(3)
    hif.add(dw, ds, di)
    hist = hif.match_histograms(qw, qs, qi)
    assert hist.shape == (2, 4, 65)
    same_word = (qw[:, None] == dw[None, :])
    pairs = np.zeros((2, 4))
    np.add.at(pairs, (np.repeat(qi, len(dw)), np.tile(di, len(qw))), same_word.ravel())
    np.testing.assert_array_equal(hist.sum(axis=2), pairs)
    np.testing.assert_allclose(hif.scores_from_histograms(hist, hif.query_norms(qw, qi), 20, 10.0),
                               hif.scores(qw, qs, qi, threshold=20, sigma=10.0), atol=1e-12)


def test_hamming_file_bad_inputs():
    hif = HammingInvertedFile(4)
    with pytest.raises(TypeError, match="uint64"):
        hif.add([0, 1], np.array([1, 2], dtype=np.uint32), [0, 0])
    with pytest.raises(ValueError, match="same length"):
        hif.add([0, 1], np.array([1], dtype=np.uint64), [0, 0])
    with pytest.raises(ValueError, match="words"):
        hif.add([5], np.array([1], dtype=np.uint64), [0])
    with pytest.raises(ValueError, match="n_images"):
        hif.add([1], np.array([1], dtype=np.uint64), [3], n_images=2)
    hif.add([1], np.array([1], dtype=np.uint64), [0])
    with pytest.raises(ValueError, match="threshold"):
        hif.scores([1], np.array([1], dtype=np.uint64), [0], threshold=65)
    with pytest.raises(ValueError, match="sigma"):
        hif.scores([1], np.array([1], dtype=np.uint64), [0], sigma=0.0)
    with pytest.raises(ValueError, match="word_weights"):
        HammingInvertedFile(4, word_weights=np.ones(3))


@pytest.mark.parametrize("threshold", [0, 20, 32, 64])
def test_he_votes_equal_the_hamming_file_histograms_and_a_loop(threshold):
    rng = np.random.default_rng(11)
    dw, ds, di = _random_descriptors(rng, 6, 20, 4)
    qw, qs, _ = _random_descriptors(rng, 1, 12, 4)
    qw[:3], qs[:3] = dw[:3], ds[:3]                               # exact matches
    votes = invindex.he_votes(qw, qs, dw, ds, di, 6, threshold)
    hif = HammingInvertedFile(4)
    hif.add(dw, ds, di, 6)
    hist = hif.match_histograms(qw, qs, np.zeros(len(qw), np.int64), 1)
    np.testing.assert_array_equal(votes, hist[0, :, :threshold + 1].sum(axis=1))
    loop = np.zeros(6, np.int64)
    for w, s in zip(qw, qs):
        for w2, s2, i in zip(dw, ds, di):
            loop[i] += w == w2 and bin(int(s) ^ int(s2)).count("1") <= threshold
    np.testing.assert_array_equal(votes, loop)


def test_he_votes_bad_inputs():
    w, s = np.array([0, 1]), np.array([1, 2], np.uint64)
    with pytest.raises(ValueError, match="image_ids"):
        invindex.he_votes(w, s, w, s, np.array([0, 3]), 2)
    with pytest.raises(ValueError, match="threshold"):
        invindex.he_votes(w, s, w, s, np.array([0, 1]), 2, threshold=65)
    assert invindex.he_votes(w[:0], s[:0], w, s, np.array([0, 1]), 2).tolist() == [0, 0]
