"""Chapter 7 exercises: the instructor solutions pass, realistic mistakes fail, shortcuts earn nothing."""

import numpy as np
import pytest

from imsearch import descriptors
from imsearch.index import inverted_file as invindex
from imsearch.grading.checks import all_exercises, evaluate

from exercise_helpers import load_solutions, passes

IDS = ["7.1", "7.2", "7.3", "7.4", "7.5"]


SOLUTIONS = load_solutions(7)


# ----------------------------------------------------------------------------- (a) solutions pass


def test_exercises_in_notebook_order():
    assert [e.id for e in all_exercises() if e.chapter == 7] == IDS


def test_a_vectorised_alternative_also_passes_7_1():
    def vectorised(ptr, ids, weights, query_words, query_weights, n_images):
        words = np.asarray(query_words, dtype=np.int64)
        lengths = np.asarray(ptr)[words + 1] - np.asarray(ptr)[words]
        pos = np.concatenate([np.arange(ptr[w], ptr[w + 1]) for w in words] + [np.zeros(0, np.int64)])
        contrib = np.repeat(np.asarray(query_weights, float), lengths) * np.asarray(weights, float)[pos]
        return np.bincount(np.asarray(ids)[pos], weights=contrib, minlength=n_images)
    assert passes("7.1", vectorised)


def test_a_loop_over_pairs_with_the_library_distances_passes_7_3():
    # hamming_distances is no exercise's reference any more: a solution may use it
    def he_votes(query_words, query_signatures, words, signatures, image_ids, n_images, threshold=24):
        h = descriptors.hamming_distances(np.asarray(query_signatures, np.uint64), np.asarray(signatures, np.uint64))
        ok = (np.asarray(query_words)[:, None] == np.asarray(words)[None, :]) & (h <= threshold)
        return np.bincount(np.asarray(image_ids), weights=ok.sum(axis=0), minlength=n_images).astype(np.int64)
    assert passes("7.3", he_votes)


# ----------------------------------------------------------------------------- (b) wrong solutions fail

def _postings_no_query_weight(ptr, ids, weights, query_words, query_weights, n_images):
    scores = np.zeros(n_images)
    for w in query_words:
        scores[ids[ptr[w]:ptr[w + 1]]] += weights[ptr[w]:ptr[w + 1]]
    return scores


def _postings_off_by_one(ptr, ids, weights, query_words, query_weights, n_images):
    scores = np.zeros(n_images)
    for w, q in zip(query_words, query_weights):
        scores[ids[ptr[w]:ptr[w + 1] - 1]] += q * weights[ptr[w]:ptr[w + 1] - 1]
    return scores


def _postings_position_not_id(ptr, ids, weights, query_words, query_weights, n_images):
    scores = np.zeros(n_images)
    for w, q in zip(query_words, query_weights):       # the position in the list instead of the image id
        n = ptr[w + 1] - ptr[w]
        scores[:n] += q * weights[ptr[w]:ptr[w + 1]]
    return scores


def _postings_word_index(ptr, ids, weights, query_words, query_weights, n_images):
    scores = np.zeros(n_images)
    for i, q in enumerate(query_weights):               # reads list i instead of list query_words[i]
        scores[ids[ptr[i]:ptr[i + 1]]] += q * weights[ptr[i]:ptr[i + 1]]
    return scores


def _postings_touched_only(ptr, ids, weights, query_words, query_weights, n_images):
    full = SOLUTIONS.score_postings(ptr, ids, weights, query_words, query_weights, n_images)
    return full[full != 0]                               # only the images that share a word


@pytest.mark.parametrize("wrong", [_postings_no_query_weight, _postings_off_by_one, _postings_position_not_id,
                                   _postings_word_index, _postings_touched_only])
def test_7_1_wrong_solutions_fail(wrong):
    assert not passes("7.1", wrong)


def _tfidf_log10(counts):
    c = np.asarray(counts, float)
    n_d = np.maximum(c.sum(1, keepdims=True), 1)
    df = (c > 0).sum(0)
    return c / n_d * np.where(df > 0, np.log10(len(c) / np.maximum(df, 1)), 0.0)


def _tfidf_smoothed(counts):
    c = np.asarray(counts, float)
    n_d = np.maximum(c.sum(1, keepdims=True), 1)
    return c / n_d * np.log(len(c) / (1.0 + (c > 0).sum(0)))


def _tfidf_raw_counts(counts):
    c = np.asarray(counts, float)
    df = (c > 0).sum(0)
    return c * np.where(df > 0, np.log(len(c) / np.maximum(df, 1)), 0.0)


def _tfidf_total_occurrences(counts):
    c = np.asarray(counts, float)
    n_d = np.maximum(c.sum(1, keepdims=True), 1)
    total = c.sum(0)                                     # occurrences, not documents
    return c / n_d * np.where(total > 0, np.log(len(c) / np.maximum(total, 1)), 0.0)


def _tfidf_nan_rows(counts):
    c = np.asarray(counts, float)
    df = (c > 0).sum(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return c / c.sum(1, keepdims=True) * np.where(df > 0, np.log(len(c) / np.maximum(df, 1)), 0.0)


def _tfidf_idf_over_axis_1(counts):
    c = np.asarray(counts, float)
    n_d = np.maximum(c.sum(1, keepdims=True), 1)
    df = (c > 0).sum(1, keepdims=True)                   # wrong axis
    return c / n_d * np.where(df > 0, np.log(c.shape[1] / np.maximum(df, 1)), 0.0)


@pytest.mark.parametrize("wrong", [_tfidf_log10, _tfidf_smoothed, _tfidf_raw_counts, _tfidf_total_occurrences,
                                   _tfidf_nan_rows, _tfidf_idf_over_axis_1])
def test_7_2_wrong_solutions_fail(wrong):
    assert not passes("7.2", wrong)


def _votes_variant(strict=False, any_word=False, once_per_query=False, per_query_image=False):
    """The instructor's he_votes with one realistic mistake switched on."""
    def he_votes(query_words, query_signatures, words, signatures, image_ids, n_images, threshold=24):
        words, sigs, imgs = np.asarray(words), np.asarray(signatures, np.uint64), np.asarray(image_ids)
        votes = np.zeros(n_images, dtype=np.int64)
        for w, s in zip(np.asarray(query_words), np.asarray(query_signatures, np.uint64)):
            same = np.ones(len(words), bool) if any_word else words == w
            bits = np.bitwise_count(sigs[same] ^ s)
            hit = imgs[same][(bits < threshold) if strict else (bits <= threshold)]
            if once_per_query:
                hit = np.unique(hit)       # one vote per image and query descriptor
            np.add.at(votes, hit, 1)
        if per_query_image:
            votes = (votes > 0).astype(np.int64)
        return votes
    return he_votes


@pytest.mark.parametrize("wrong", [_votes_variant(strict=True), _votes_variant(any_word=True),
                                   _votes_variant(once_per_query=True), _votes_variant(per_query_image=True)])
def test_7_3_wrong_solutions_fail(wrong):
    assert not passes("7.3", wrong)


def test_7_3_the_variant_without_mistakes_passes():
    assert passes("7.3", _votes_variant())


def _chance_strict(n_bits, threshold):  # P(h < t) instead of P(h <= t)
    from math import comb
    return sum(comb(n_bits, i) for i in range(min(threshold, n_bits + 1))) / 2 ** n_bits


def _chance_normal(n_bits, threshold):  # the normal approximation, without continuity correction
    from math import erf, sqrt
    return 0.5 * (1 + erf((threshold - n_bits / 2) / sqrt(n_bits / 4) / sqrt(2)))


def _chance_point(n_bits, threshold):  # only h = t exactly
    from math import comb
    return comb(n_bits, threshold) / 2 ** n_bits if threshold <= n_bits else 0.0


def _chance_linear(n_bits, threshold):  # "t bits out of n": t / n
    return min(threshold / n_bits, 1.0)


@pytest.mark.parametrize("wrong", [_chance_strict, _chance_normal, _chance_point, _chance_linear])
def test_7_5_wrong_solutions_fail(wrong):
    assert not passes("7.5", wrong)


def _assign(x, c):
    return np.argmin(((np.asarray(x, float)[:, None] - np.asarray(c, float)[None]) ** 2).sum(-1), axis=1)


def _vlad_wrong_sign(descriptors, centroids):
    x, c = np.asarray(descriptors, float), np.asarray(centroids, float)
    v = np.zeros_like(c)
    if len(x):
        w = _assign(x, c)
        np.add.at(v, w, c[w] - x)
    return v.ravel()


def _vlad_mean(descriptors, centroids):
    x, c = np.asarray(descriptors, float), np.asarray(centroids, float)
    v = np.zeros_like(c)
    if len(x):
        w = _assign(x, c)
        np.add.at(v, w, x - c[w])
        v /= np.maximum(np.bincount(w, minlength=len(c)), 1)[:, None]
    return v.ravel()


def _vlad_normalised(descriptors, centroids):
    v = SOLUTIONS.vlad_aggregate(descriptors, centroids)
    n = np.linalg.norm(v)
    return v / n if n > 0 else v


def _vlad_dimension_major(descriptors, centroids):
    x, c = np.asarray(descriptors, float), np.asarray(centroids, float)
    v = np.zeros_like(c)
    if len(x):
        w = _assign(x, c)
        np.add.at(v, w, x - c[w])
    return v.T.ravel()                                  # dimension by dimension instead of centroid by centroid


def _vlad_sum_without_centroid(descriptors, centroids):
    x, c = np.asarray(descriptors, float), np.asarray(centroids, float)
    v = np.zeros_like(c)
    if len(x):
        np.add.at(v, _assign(x, c), x)                   # forgets to subtract the centroid
    return v.ravel()


@pytest.mark.parametrize("wrong", [_vlad_wrong_sign, _vlad_mean, _vlad_normalised, _vlad_dimension_major,
                                   _vlad_sum_without_centroid])
def test_7_4_wrong_solutions_fail(wrong):
    assert not passes("7.4", wrong)


# ----------------------------------------------------------------------------- (c) calling the reference

def _via_index(ptr, ids, weights, query_words, query_weights, n_images):
    import scipy.sparse as sp

    index = invindex.InvertedIndex(len(ptr) - 1)
    index.add(sp.csc_matrix((weights, ids, ptr), shape=(n_images, len(ptr) - 1)).tocsr())
    q = np.zeros(len(ptr) - 1)
    q[np.asarray(query_words, dtype=np.int64)] = query_weights
    return index.scores(q)[0]


@pytest.mark.parametrize("ex_id,cheat", [
    ("7.1", lambda *args: invindex.score_postings(*args)),
    ("7.1", _via_index),
    ("7.2", lambda counts: descriptors.tfidf_weights(counts)),
    ("7.2", lambda counts: descriptors.tfidf(counts).toarray()),
    ("7.3", lambda *args: invindex.he_votes(*args)),
    ("7.5", lambda n, t: descriptors.chance_match_probability(n, t)),
    ("7.4", lambda x, centroids: descriptors.vlad_aggregate(x, centroids)),
])
def test_calling_the_reference_earns_nothing(ex_id, cheat):
    result = evaluate(ex_id, cheat)
    assert result.points == 0 and result.status == "failed"
    assert "reference" in result.feedback


# ----------------------------------------------------------------------------- (d) stubs


# ----------------------------------------------------------------------------- (e) closed forms agree


