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


def hamming_distances(a, b):
    """Popcount of a XOR b, by unpacking the 8 bytes of each 64-bit word into bits."""
    x = np.asarray(a, dtype=np.uint64)[:, None] ^ np.asarray(b, dtype=np.uint64)[None, :]
    as_bytes = x.reshape(x.shape + (1,)).view(np.uint8)          # (M, N, 8)
    return np.unpackbits(as_bytes, axis=-1).sum(axis=-1).astype(np.int64)


def vlad_aggregate(descriptors, centroids):
    """Assign each descriptor to its nearest centroid, sum the residuals per centroid, concatenate."""
    x = np.asarray(descriptors, dtype=np.float64)
    c = np.asarray(centroids, dtype=np.float64)
    v = np.zeros_like(c)
    for row in x:
        j = int(np.argmin(((c - row) ** 2).sum(axis=1)))     # argmin returns the first (lowest) index on ties
        v[j] += row - c[j]
    return v.reshape(-1)
