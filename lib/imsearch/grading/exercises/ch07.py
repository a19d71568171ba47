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


def _cases_7_3(rng):
    full = np.uint64(2 ** 64 - 1)
    return [
        Case("small values and the all-ones signature",
             (np.array([0, 1, 3, full], dtype=np.uint64), np.array([0, 2 ** 63], dtype=np.uint64)),
             expected=np.array([[0, 1], [1, 2], [2, 3], [64, 63]])),
        Case("a signature against itself", (np.array([0xF0F0F0F0F0F0F0F0], dtype=np.uint64),
                                            np.array([0xF0F0F0F0F0F0F0F0, 0x0F0F0F0F0F0F0F0F], dtype=np.uint64)),
             expected=np.array([[0, 64]])),
        Case("bits above 32 count too", (np.array([2 ** 40, 2 ** 32 + 1], dtype=np.uint64),
                                         np.array([0, 2 ** 40 + 2 ** 32], dtype=np.uint64)),
             expected=np.array([[1, 1], [2, 2]])),
        Case("an empty set", (np.zeros(0, np.uint64), np.array([5], dtype=np.uint64)),
             expected=np.zeros((0, 1), np.int64)),
        Case("random 64-bit signatures, 7 × 9",
             (rng.integers(0, 2 ** 63, 7, dtype=np.uint64) * np.uint64(2) + rng.integers(0, 2, 7, dtype=np.uint64),
              rng.integers(0, 2 ** 63, 9, dtype=np.uint64) * np.uint64(2) + rng.integers(0, 2, 9, dtype=np.uint64))),
        Case("random signatures, 20 × 3", (rng.integers(0, 2 ** 63, 20, dtype=np.uint64),
                                           rng.integers(0, 2 ** 63, 3, dtype=np.uint64) | np.uint64(2 ** 63))),
    ]


register(Exercise(
    id="7.3", title="Hamming distances between 64-bit signatures", points=2,
    function="hamming_distances",
    signature="hamming_distances(a: (M,) uint64, b: (N,) uint64) -> (M, N) int array: the number of bits "
              "that differ between a[i] and b[j]",
    reference=descriptors.hamming_distances, cases=_cases_7_3, rtol=0, atol=0,
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
