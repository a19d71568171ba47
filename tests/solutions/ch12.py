"""Instructor solutions of chapter 12 (one function per exercise, named as in the notebook).

Each function is self-contained: it may use ``np`` (imported by the notebook's first
cell); any other import is inside its body. None calls the library's reference.
"""
import numpy as np


def ivf_search(queries, centroids, list_ptr, list_ids, database, k, nprobe):
    """For each query: its nprobe nearest centroids, the union of their lists, exact distances, the k best."""
    q = np.asarray(queries, dtype=np.float64)
    c = np.asarray(centroids, dtype=np.float64)
    x = np.asarray(database, dtype=np.float64)
    distances = np.full((len(q), k), np.inf)
    ids = np.full((len(q), k), -1, dtype=np.int64)
    for i, v in enumerate(q):
        probes = np.argsort(((c - v) ** 2).sum(axis=1), kind="stable")[:nprobe]
        cand = np.concatenate([np.asarray(list_ids[list_ptr[j]:list_ptr[j + 1]], dtype=np.int64) for j in probes])
        d = ((x[cand] - v) ** 2).sum(axis=1)
        order = np.lexsort((cand, d))[:k]
        distances[i, :len(order)] = d[order]
        ids[i, :len(order)] = cand[order]
    return distances, ids


def pq_encode(x, codebooks):
    """In each sub-space, the index of the nearest sub-centroid (argmin keeps the lower index on ties)."""
    x = np.asarray(x, dtype=np.float64)
    cb = np.asarray(codebooks, dtype=np.float64)
    m, ksub, dsub = cb.shape
    codes = np.zeros((len(x), m), dtype=np.int64)
    for j in range(m):
        sub = x[:, j * dsub:(j + 1) * dsub]
        d = ((sub[:, None, :] - cb[j][None, :, :]) ** 2).sum(axis=2)
        codes[:, j] = np.argmin(d, axis=1)
    return codes


def adc_distances(tables, codes):
    """Sum, over the sub-spaces, of the table entry selected by each code."""
    t = np.asarray(tables, dtype=np.float64)
    c = np.asarray(codes, dtype=np.int64)
    out = np.zeros((t.shape[0], len(c)))
    for j in range(t.shape[1]):
        out += t[:, j, c[:, j]] if len(c) else 0.0
    return out


def knn_recall(found, truth, k):
    """Count, query by query, how many of the first k results are among the first k true neighbours."""
    hits = 0
    for f, t in zip(np.asarray(found)[:, :k], np.asarray(truth)[:, :k]):
        hits += len(set(int(v) for v in f if v >= 0) & set(int(v) for v in t))
    return hits / (k * len(found))


def choose_nprobe(found, truth, nprobes, k, target):
    """Recall of each setting, then the smallest nprobe whose recall reaches the target (-1 if none)."""
    best = -1
    for ids, nprobe in zip(found, nprobes):
        if knn_recall(ids, truth, k) >= target and (best == -1 or nprobe < best):
            best = int(nprobe)
    return best
