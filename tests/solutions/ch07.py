"""Instructor solutions of chapter 7 (one function per exercise, named as in the notebook).

Each function is self-contained: it may use ``np`` (imported by the notebook's first
cell); any other import is inside its body. None calls the library's reference.
"""
import numpy as np


def score_postings(ptr, ids, weights, query_words, query_weights, n_images):
    """Walk the posting list of each query word and add query weight × posting weight to each image."""
    scores = np.zeros(n_images)
    for w, q in sorted(zip(np.asarray(query_words).tolist(), np.asarray(query_weights, dtype=float).tolist())):
        start, stop = ptr[w], ptr[w + 1]
        scores[ids[start:stop]] += q * np.asarray(weights[start:stop], dtype=float)
    return scores


def tfidf_weights(counts):
    """Term frequency (count / words in the image) times log(N / images containing the word)."""
    c = np.asarray(counts, dtype=np.float64)
    n_d = c.sum(axis=1, keepdims=True)
    tf = np.zeros_like(c)
    np.divide(c, n_d, out=tf, where=n_d > 0)
    df = np.count_nonzero(c, axis=0)
    idf = np.zeros(c.shape[1])
    np.log(len(c) / np.maximum(df, 1), out=idf, where=df > 0)
    return tf * idf


def he_votes(query_words, query_signatures, words, signatures, image_ids, n_images, threshold=24):
    """For each query descriptor: the database descriptors of its word within `threshold` bits vote for their image."""
    words = np.asarray(words)
    signatures = np.asarray(signatures, dtype=np.uint64)
    image_ids = np.asarray(image_ids)
    votes = np.zeros(n_images, dtype=np.int64)
    for w, s in zip(np.asarray(query_words), np.asarray(query_signatures, dtype=np.uint64)):
        same = words == w
        bits = np.bitwise_count(signatures[same] ^ s)
        np.add.at(votes, image_ids[same][bits <= threshold], 1)
    return votes


def vlad_aggregate(descriptors, centroids):
    """Assign each descriptor to its nearest centroid, sum the residuals per centroid, concatenate."""
    x = np.asarray(descriptors, dtype=np.float64)
    c = np.asarray(centroids, dtype=np.float64)
    v = np.zeros_like(c)
    for row in x:
        j = int(np.argmin(((c - row) ** 2).sum(axis=1)))     # argmin returns the first (lowest) index on ties
        v[j] += row - c[j]
    return v.reshape(-1)


def chance_match_probability(n_bits, threshold):
    """The Hamming distance of two random signatures is Binomial(n_bits, 1/2): sum its first threshold + 1 terms."""
    from math import comb
    return sum(comb(n_bits, i) for i in range(min(threshold, n_bits) + 1)) / 2 ** n_bits
