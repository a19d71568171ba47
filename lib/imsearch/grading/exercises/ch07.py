"""Exercises of chapter 7 — bags of visual words."""
from __future__ import annotations

import numpy as np

from imsearch import descriptors
from imsearch.descriptors import bow
from imsearch.grading.checks import Case, Exercise, register
from imsearch.index import inverted_file as invindex


def _random_postings(rng, n_words, n_images, density):
    """Posting lists (ptr, ids, weights) of a random sparse (n_images, n_words) matrix, by word."""
    dense = rng.random((n_images, n_words)) * (rng.random((n_images, n_words)) < density)
    rows, cols = np.nonzero(dense)
    order = np.lexsort((rows, cols))
    ptr = np.concatenate([[0], np.cumsum(np.bincount(cols, minlength=n_words))]).astype(np.int64)
    return ptr, rows[order].astype(np.int64), dense[rows[order], cols[order]]


def _random_query(rng, n_words, m):
    words = rng.choice(n_words, size=m, replace=False).astype(np.int64)
    return words, rng.random(m) + 0.1


def _cases_7_1(rng):
    ptr = np.array([0, 2, 3, 6])                        # word 0: images 0, 2; word 1: image 1; word 2: 0, 1, 3
    ids = np.array([0, 2, 1, 0, 1, 3])
    weights = np.array([1.0, 0.5, 2.0, 0.25, 1.0, 3.0])
    cases = [
        Case("two query words: 2·word 0 + 1·word 2", (ptr, ids, weights, np.array([0, 2]), np.array([2.0, 1.0]), 4),
             expected=np.array([2.25, 1.0, 1.0, 3.0])),
        Case("the same words given in the other order", (ptr, ids, weights, np.array([2, 0]), np.array([1.0, 2.0]), 4),
             expected=np.array([2.25, 1.0, 1.0, 3.0])),
        Case("an image in no posting list scores 0", (ptr, ids, weights, np.array([1]), np.array([0.5]), 5),
             expected=np.array([0.0, 1.0, 0.0, 0.0, 0.0])),
        Case("an empty query", (ptr, ids, weights, np.zeros(0, np.int64), np.zeros(0), 4), expected=np.zeros(4)),
        Case("a word with an empty posting list", (np.array([0, 0, 2]), np.array([1, 2]), np.array([1.0, 1.0]),
                                                   np.array([0, 1]), np.array([5.0, 2.0]), 3),
             expected=np.array([0.0, 2.0, 2.0])),
    ]
    for n_words, n_images, density, m in ((20, 15, 0.2, 5), (50, 40, 0.1, 12), (8, 30, 0.5, 8)):
        ptr, ids, weights = _random_postings(rng, n_words, n_images, density)
        words, qw = _random_query(rng, n_words, m)
        cases.append(Case(f"random: {n_words} words, {n_images} images, {m} query words",
                          (ptr, ids, weights, words, qw, n_images)))
    return cases


register(Exercise(
    id="7.1", title="The inverted-index query: scores accumulated from posting lists", points=2,
    function="score_postings",
    signature="score_postings(ptr: (k+1,) int, ids: (P,) int, weights: (P,) float, query_words: (m,) int, "
              "query_weights: (m,) float, n_images: int) -> (n_images,) float array of dot products; the "
              "posting list of word w is ids[ptr[w]:ptr[w+1]] with weights[ptr[w]:ptr[w+1]]",
    reference=invindex.score_postings, cases=_cases_7_1, rtol=1e-9, atol=1e-12,
    siblings=(invindex._accumulate,),
))


def _cases_7_2(rng):
    log = np.log
    return [
        Case("two images, three words", (np.array([[2, 0, 1], [0, 1, 1]]),),
             expected=np.array([[2 / 3 * log(2), 0.0, 0.0], [0.0, 0.5 * log(2), 0.0]])),
        Case("a word in no image and an image with no word", (np.array([[1, 0, 0], [0, 0, 0], [1, 1, 0]]),),
             expected=np.array([[log(1.5), 0.0, 0.0], [0.0, 0.0, 0.0], [0.5 * log(1.5), 0.5 * log(3.0), 0.0]])),
        Case("one image: every word is in every image (idf 0)", (np.array([[3, 1, 4]]),), expected=np.zeros((1, 3))),
        Case("float counts", (np.array([[0.0, 2.0], [4.0, 0.0], [1.0, 1.0], [0.0, 1.0]]),),
             expected=np.array([[0.0, log(4 / 3)], [log(2.0), 0.0], [0.5 * log(2.0), 0.5 * log(4 / 3)],
                                [0.0, log(4 / 3)]])),
        Case("random counts, 6 images × 10 words", (rng.integers(0, 4, (6, 10)),)),
        Case("random sparse counts, 20 images × 50 words",
             (rng.integers(0, 5, (20, 50)) * (rng.random((20, 50)) < 0.2),)),
    ]


register(Exercise(
    id="7.2", title="TF-IDF weights of bags of words", points=2,
    function="tfidf_weights",
    signature="tfidf_weights(counts: (N, k) non-negative counts) -> (N, k) float array "
              "(n_id / n_d) · log(N / n_i), zero rows for images without words and 0 for words in no image",
    reference=descriptors.tfidf_weights, cases=_cases_7_2, rtol=1e-9, atol=1e-12,
    siblings=(bow.tfidf,),
))


def _random_signatures(rng, n):
    return rng.integers(0, 2 ** 63, n, dtype=np.uint64) * np.uint64(2) + rng.integers(0, 2, n, dtype=np.uint64)


def _cases_7_3(rng):
    full = np.uint64(2 ** 64 - 1)
    words = np.array([0, 0, 1, 1, 2])
    sigs = np.array([0, 7, 0, full, 2 ** 40], dtype=np.uint64)     # 0 bits, 3 bits, 0 bits, 64 bits, 1 bit from 0
    images = np.array([0, 1, 1, 2, 0])
    cases = [
        Case("one query descriptor (word 0, signature 0), h_t = 3: images 0 and 1 (3 bits: within)",
             (np.array([0]), np.zeros(1, np.uint64), words, sigs, images, 3, 3), expected=np.array([1, 1, 0])),
        Case("the same with h_t = 2: only image 0", (np.array([0]), np.zeros(1, np.uint64), words, sigs, images, 3, 2),
             expected=np.array([1, 0, 0])),
        Case("same signature, another word: no match (word 2's descriptor is 1 bit away but word 1's is 0)",
             (np.array([1]), np.zeros(1, np.uint64), words, sigs, images, 3, 0), expected=np.array([0, 1, 0])),
        Case("two query descriptors on word 0: every pair votes (image 0 gets 2, image 1 gets 2), h_t = 64",
             (np.array([0, 0]), np.array([0, full], dtype=np.uint64), words, sigs, images, 3, 64),
             expected=np.array([2, 2, 0])),
        Case("an image without descriptors and a word missing from the database",
             (np.array([2, 5]), np.array([0, 0], dtype=np.uint64), words, sigs, images, 4, 1),
             expected=np.array([1, 0, 0, 0])),
    ]
    for n_db, n_q, k, n_images, t in ((60, 15, 5, 6, 24), (200, 40, 8, 10, 30), (120, 30, 3, 4, 20)):
        db_words, q_words = rng.integers(0, k, n_db), rng.integers(0, k, n_q)
        db_sigs, q_sigs = _random_signatures(rng, n_db), _random_signatures(rng, n_q)
        near = rng.choice(n_db, n_q // 3, replace=False)          # some true matches: a few flipped bits
        q_words[: len(near)] = db_words[near]
        flips = [np.uint64(sum(1 << int(b) for b in rng.choice(64, int(rng.integers(0, 20)), replace=False)))
                 for _ in near]
        q_sigs[: len(near)] = db_sigs[near] ^ np.array(flips, dtype=np.uint64)
        cases.append(Case(f"random: {n_db} database descriptors in {n_images} images, {n_q} query descriptors, "
                          f"h_t = {t}", (q_words, q_sigs, db_words, db_sigs, rng.integers(0, n_images, n_db),
                                         n_images, t)))
    return cases


register(Exercise(
    id="7.3", title="Hamming embedding: votes of matching descriptors", points=3,
    function="he_votes",
    signature="he_votes(query_words (m,) int, query_signatures (m,) uint64, words (M,) int, signatures (M,) uint64, "
              "image_ids (M,) int, n_images int, threshold int) -> (n_images,) int array: for every pair of a query "
              "and a database descriptor with the same word and at most `threshold` differing bits, one vote for "
              "the database descriptor's image",
    reference=invindex.he_votes, cases=_cases_7_3, rtol=0, atol=0,
))


def _cases_7_4(rng):
    two = np.array([[0.0, 0.0], [10.0, 0.0]])
    return [
        Case("one centroid: the sum of the descriptors minus n times the centroid",
             (np.array([[1.0, 2.0, 0.0], [3.0, 0.0, 1.0]]), np.array([[1.0, 1.0, 1.0]])),
             expected=np.array([2.0, 0.0, -1.0])),
        Case("two centroids in 2-D", (np.array([[1.0, 1.0], [2.0, -1.0], [9.0, 2.0], [11.0, 0.0]]), two),
             expected=np.array([3.0, 0.0, 0.0, 2.0])),
        Case("a centroid without descriptors gives a zero block", (np.array([[1.0, 1.0], [-1.0, 3.0]]), two),
             expected=np.array([0.0, 4.0, 0.0, 0.0])),
        Case("half-way between two centroids: the lower index", (np.array([[5.0, 1.0]]), two),
             expected=np.array([5.0, 1.0, 0.0, 0.0])),
        Case("no descriptors", (np.zeros((0, 2)), two), expected=np.zeros(4)),
        Case("random: 30 descriptors in 4-D, 3 centroids", (rng.normal(size=(30, 4)), rng.normal(size=(3, 4)))),
        Case("random: 50 descriptors in 8-D, 5 centroids", (rng.random((50, 8)), rng.random((5, 8)))),
    ]


register(Exercise(
    id="7.4", title="VLAD: sums of residuals to the nearest centroid", points=2,
    function="vlad_aggregate",
    signature="vlad_aggregate(descriptors: (M, d) float, centroids: (k, d) float) -> (k·d,) float array: "
              "block j holds the sum of x - c_j over the descriptors x whose nearest centroid is c_j "
              "(ties to the lower index); no normalisation",
    reference=descriptors.vlad_aggregate, cases=_cases_7_4, rtol=1e-9, atol=1e-9,
))


def _cases_7_5(rng):
    from math import comb
    return [
        Case("2 bits, h_t = 1: 3 of the 4 pairs of bit strings are within 1 bit", (2, 1), expected=0.75),
        Case("4 bits, h_t = 0: the signatures must be equal", (4, 0), expected=1 / 16),
        Case("4 bits, h_t = 4: always", (4, 4), expected=1.0),
        Case("8 bits, h_t = 2: (1 + 8 + 28) / 256", (8, 2), expected=37 / 256),
        Case("64 bits, h_t = 32: a little more than half", (64, 32),
             expected=sum(comb(64, i) for i in range(33)) / 2 ** 64),
        Case("64 bits, h_t = 24 (the chapter's threshold)", (64, 24)),
        Case("64 bits, h_t = 16", (64, 16)),
        Case("32 bits, h_t = 10", (32, 10)),
    ] + [Case(f"random signature length and threshold #{i}", (n, int(rng.integers(0, n // 2 + 1))))
         for i, n in enumerate(rng.integers(8, 129, 3).tolist())]


register(Exercise(
    id="7.5", title="Predict the rate of chance Hamming matches", points=2,
    function="chance_match_probability",
    signature="chance_match_probability(n_bits: int, threshold: int) -> float, the probability that two "
              "independent signatures of n_bits fair random bits differ in at most `threshold` bits",
    reference=descriptors.chance_match_probability, cases=_cases_7_5, rtol=1e-9, atol=1e-15,
))
