"""Approximate nearest-neighbour search written by hand (chapter 12): IVF, PQ, scalar quantization, recall.

The three compressions/partitions that faiss combines, in plain numpy, so that each step
can be read and checked against faiss on the same data:

* **Inverted file (IVF)**: a coarse quantizer (k-means centroids, chapter 7's visual
  vocabulary) splits the database into ``nlist`` *inverted lists*; a query visits the
  lists of its ``nprobe`` nearest centroids only (:func:`ivf_lists`, :func:`ivf_search`,
  :class:`IVFFlat`). With ``nprobe = nlist`` the search is exact.
* **Product quantization (PQ)** (Jégou, Douze & Schmid, "Product quantization for nearest
  neighbor search", TPAMI 2011): split a vector into ``m`` sub-vectors, quantize each
  with its own codebook of ``2**nbits`` centroids, store the ``m`` centroid indices
  (:func:`pq_train`, :func:`pq_encode`, :func:`pq_decode`). A query is compared with a
  code by the *asymmetric distance* (ADC): one lookup table of squared distances per
  sub-space, summed over the code (:func:`adc_tables`, :func:`adc_distances`,
  :func:`pq_search`).
* **Scalar quantization (SQ)**: chapter 1's uniform quantizer ``floor(x k)`` applied to
  each dimension after mapping its training range to ``[0, 1)``
  (:func:`sq_train`, :func:`sq_encode`, :func:`sq_decode`).
* :func:`knn_recall`: the ``k``-recall@``k`` of an approximate result against the exact one,
  as ann-benchmarks measures it.

Distances are squared Euclidean, as ``faiss.IndexFlatL2`` returns them.
"""
from __future__ import annotations

import numpy as np

from .._util.validation import as_rng, check_array, check_int
from ..signal.quantization import uniform_quantize, uniform_reconstruct


def _as_vectors(x, name, d=None, allow_empty=False) -> np.ndarray:
    a = check_array(x, name, ndim=2, kinds="iuf", allow_empty=allow_empty)
    if d is not None and a.shape[1] != d:
        raise ValueError(f"{name} must have {d} columns, got shape {a.shape}")
    return a


def _sq_dist(q: np.ndarray, x: np.ndarray) -> np.ndarray:
    """(Q, N) float64 squared distances, exact (no norm expansion)."""
    q = np.asarray(q, np.float64)
    x = np.asarray(x, np.float64)
    d = (q * q).sum(1)[:, None] + (x * x).sum(1)[None, :] - 2.0 * q @ x.T
    return np.maximum(d, 0.0)


def _top_k(d: np.ndarray, ids: np.ndarray, k: int):
    """k smallest of one row ``d`` (ties by lower id); padded with (inf, -1)."""
    order = np.lexsort((ids, d))[:k]
    dist = np.full(k, np.inf)
    out = np.full(k, -1, np.int64)
    dist[:len(order)] = d[order]
    out[:len(order)] = ids[order]
    return dist, out


# ============================================================================ recall


def knn_recall(found, truth, k: int) -> float:
    """k-recall@k: the fraction of the true ``k`` nearest neighbours found among the ``k`` returned.

    The measure of ann-benchmarks ("recall") and, for ``k = 1``, the faiss wiki's 1-recall@1:
    the fraction of queries whose first result is their nearest neighbour.

    Parameters
    ----------
    found : (Q, >= k) int array
        Database ids returned by the approximate search, best first (``-1`` = no result).
    truth : (Q, >= k) int array
        The exact nearest neighbours, nearest first.
    k : int >= 1

    Returns
    -------
    float in [0, 1]
    """
    f = check_array(found, "found", ndim=2, kinds="iu")
    t = check_array(truth, "truth", ndim=2, kinds="iu")
    k = check_int(k, "k", minimum=1)
    if f.shape[0] != t.shape[0]:
        raise ValueError(f"found and truth must have the same number of queries, got {f.shape[0]} and {t.shape[0]}")
    if f.shape[1] < k or t.shape[1] < k:
        raise ValueError(f"found and truth must have at least k = {k} columns, got {f.shape[1]} and {t.shape[1]}")
    f, t = f[:, :k].astype(np.int64), t[:, :k].astype(np.int64)
    hits = (f[:, :, None] == t[:, None, :]) & (f[:, :, None] >= 0)
    return float(hits.any(axis=2).sum() / (k * len(f)))


# ============================================================================ inverted file


def ivf_lists(assignments, nlist: int):
    """Inverted lists from the coarse assignment of every database vector (a CSR layout).

    Parameters
    ----------
    assignments : (N,) int array in [0, nlist)
        The list (nearest centroid) of each database vector.
    nlist : int >= 1

    Returns
    -------
    list_ptr : (nlist + 1,) int64
        List ``j`` holds ``list_ids[list_ptr[j]:list_ptr[j + 1]]``.
    list_ids : (N,) int64
        Database ids, list after list, increasing within a list.
    """
    nlist = check_int(nlist, "nlist", minimum=1)
    a = check_array(assignments, "assignments", ndim=1, kinds="iu", allow_empty=True, min_value=0,
                    max_value=nlist - 1).astype(np.int64)
    counts = np.bincount(a, minlength=nlist)
    ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return ptr, np.argsort(a, kind="stable").astype(np.int64)


def coarse_assign(x, centroids, nprobe: int = 1) -> np.ndarray:
    """The ``nprobe`` nearest centroids of each vector, nearest first (ties by lower index).

    Parameters
    ----------
    x : (N, D) float array
    centroids : (nlist, D) float array
    nprobe : int in [1, nlist]

    Returns
    -------
    (N, nprobe) int64
    """
    c = _as_vectors(centroids, "centroids")
    v = _as_vectors(x, "x", c.shape[1], allow_empty=True)
    nprobe = check_int(nprobe, "nprobe", minimum=1, maximum=len(c))
    out = np.empty((len(v), nprobe), np.int64)
    for a in range(0, len(v), 4096):
        d = _sq_dist(v[a:a + 4096], c)
        out[a:a + 4096] = np.argsort(d, axis=1, kind="stable")[:, :nprobe]
    return out


def ivf_search(queries, centroids, list_ptr, list_ids, database, k: int, nprobe: int):
    """IVF search: scan the inverted lists of the ``nprobe`` nearest centroids, keep the ``k`` nearest.

    Parameters
    ----------
    queries : (Q, D) float array
    centroids : (nlist, D) float array
        The coarse quantizer.
    list_ptr : (nlist + 1,) int, list_ids : (N,) int
        The inverted lists (:func:`ivf_lists`).
    database : (N, D) float array
        The vectors, indexed by the ids of the lists.
    k : int >= 1
    nprobe : int in [1, nlist]

    Returns
    -------
    distances : (Q, k) float64
        Squared L2, increasing; ``inf`` where fewer than ``k`` vectors were visited.
    ids : (Q, k) int64
        Database ids (ties by lower id); ``-1`` where fewer than ``k`` were visited.
    """
    c = _as_vectors(centroids, "centroids")
    q = _as_vectors(queries, "queries", c.shape[1], allow_empty=True)
    x = _as_vectors(database, "database", c.shape[1], allow_empty=True)
    ptr = check_array(list_ptr, "list_ptr", shape=(len(c) + 1,), kinds="iu").astype(np.int64)
    ids = check_array(list_ids, "list_ids", ndim=1, kinds="iu", allow_empty=True).astype(np.int64)
    if ptr[0] != 0 or ptr[-1] != len(ids) or np.any(np.diff(ptr) < 0):
        raise ValueError("list_ptr must start at 0, increase and end at len(list_ids)")
    k = check_int(k, "k", minimum=1)
    probes = coarse_assign(q, c, nprobe)
    dist = np.empty((len(q), k))
    out = np.empty((len(q), k), np.int64)
    for i in range(len(q)):
        cand = np.concatenate([ids[ptr[j]:ptr[j + 1]] for j in probes[i]])
        dist[i], out[i] = _top_k(_sq_dist(q[i:i + 1], x[cand])[0], cand, k)
    return dist, out


class IVFFlat:
    """An inverted file of raw vectors (faiss's ``IndexIVFFlat``), written with numpy.

    Parameters
    ----------
    centroids : (nlist, D) float array
        The coarse quantizer (e.g. k-means on training vectors, or faiss's trained one).
    """

    def __init__(self, centroids):
        self.centroids = np.array(_as_vectors(centroids, "centroids"), np.float32)
        self.vectors = np.zeros((0, self.centroids.shape[1]), np.float32)
        self.list_ptr, self.list_ids = ivf_lists(np.zeros(0, np.int64), self.nlist)

    @property
    def nlist(self) -> int:
        return len(self.centroids)

    def add(self, x) -> None:
        """Assign ``(N, D)`` vectors to their nearest centroid and rebuild the lists."""
        x = np.asarray(_as_vectors(x, "x", self.centroids.shape[1]), np.float32)
        self.vectors = np.concatenate([self.vectors, x])
        self.list_ptr, self.list_ids = ivf_lists(coarse_assign(self.vectors, self.centroids, 1)[:, 0], self.nlist)

    def list_sizes(self) -> np.ndarray:
        """(nlist,) int64: the number of vectors in each list."""
        return np.diff(self.list_ptr)

    def search(self, queries, k: int, nprobe: int = 1):
        """``(distances, ids)`` of the ``k`` nearest among the lists of the ``nprobe`` nearest centroids."""
        return ivf_search(queries, self.centroids, self.list_ptr, self.list_ids, self.vectors, k, nprobe)


# ============================================================================ product quantization


def _check_codebooks(codebooks) -> np.ndarray:
    cb = check_array(codebooks, "codebooks", ndim=3, kinds="f")
    return cb


def pq_train(x, m: int, nbits: int = 8, n_iter: int = 20, seed=0) -> np.ndarray:
    """Product-quantizer codebooks: k-means with ``2**nbits`` centroids in each of ``m`` sub-spaces.

    Parameters
    ----------
    x : (N, D) float array, D divisible by m, N >= 2**nbits
        Training vectors.
    m : int >= 1
        Number of sub-quantizers (bytes per code when nbits = 8).
    nbits : int in [1, 12]
    n_iter : int
    seed : int

    Returns
    -------
    (m, 2**nbits, D // m) float32
        ``codebooks[j]`` quantizes dimensions ``j*D/m : (j+1)*D/m``.
    """
    import faiss

    v = _as_vectors(x, "x")
    m = check_int(m, "m", minimum=1, maximum=v.shape[1])
    nbits = check_int(nbits, "nbits", minimum=1, maximum=12)
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    if v.shape[1] % m:
        raise ValueError(f"m must divide the dimension {v.shape[1]}, got {m}")
    ksub, dsub = 2 ** nbits, v.shape[1] // m
    if len(v) < ksub:
        raise ValueError(f"x must have at least 2**nbits = {ksub} rows, got {len(v)}")
    v = np.ascontiguousarray(v, np.float32)
    out = np.empty((m, ksub, dsub), np.float32)
    for j in range(m):
        km = faiss.Kmeans(dsub, ksub, niter=n_iter, seed=seed + j, verbose=False)
        km.train(np.ascontiguousarray(v[:, j * dsub:(j + 1) * dsub]))
        out[j] = km.centroids
    return out


def pq_encode(x, codebooks) -> np.ndarray:
    """PQ codes: the index of the nearest sub-centroid in each sub-space (ties by lower index).

    Parameters
    ----------
    x : (N, D) float array
    codebooks : (m, ksub, D // m) float array

    Returns
    -------
    (N, m) uint8 (uint16 when ksub > 256)
    """
    cb = _check_codebooks(codebooks)
    m, ksub, dsub = cb.shape
    v = _as_vectors(x, "x", m * dsub, allow_empty=True)
    codes = np.empty((len(v), m), np.uint8 if ksub <= 256 else np.uint16)
    for j in range(m):
        sub = v[:, j * dsub:(j + 1) * dsub]
        for a in range(0, len(v), 8192):
            codes[a:a + 8192, j] = np.argmin(_sq_dist(sub[a:a + 8192], cb[j]), axis=1)
    return codes


def pq_decode(codes, codebooks) -> np.ndarray:
    """Reconstruction of PQ codes: the concatenated sub-centroids, ``(N, D)`` float32."""
    cb = _check_codebooks(codebooks)
    m, ksub, dsub = cb.shape
    c = check_array(codes, "codes", shape=(None, m), kinds="iu", allow_empty=True, max_value=ksub - 1)
    return np.concatenate([cb[j][c[:, j].astype(np.int64)] for j in range(m)], axis=1).astype(np.float32)


def adc_tables(queries, codebooks) -> np.ndarray:
    """ADC lookup tables: squared distance of each query sub-vector to each sub-centroid.

    Parameters
    ----------
    queries : (Q, D) float array
    codebooks : (m, ksub, D // m) float array

    Returns
    -------
    (Q, m, ksub) float32
        ``tables[i, j, c] = ||q_i^(j) - codebooks[j, c]||²``.
    """
    cb = _check_codebooks(codebooks)
    m, ksub, dsub = cb.shape
    q = _as_vectors(queries, "queries", m * dsub, allow_empty=True)
    t = np.empty((len(q), m, ksub), np.float32)
    for j in range(m):
        t[:, j] = _sq_dist(q[:, j * dsub:(j + 1) * dsub], cb[j])
    return t


def adc_distances(tables, codes) -> np.ndarray:
    """Asymmetric distances: for each query and code, the sum over sub-spaces of ``tables[j, code_j]``.

    Parameters
    ----------
    tables : (Q, m, ksub) float array (:func:`adc_tables`)
    codes : (N, m) int array

    Returns
    -------
    (Q, N) float32
        The squared distance between each query and each code's reconstruction
        (Jégou et al. 2011, eq. 13), summed in float32 as faiss does.
    """
    t = check_array(tables, "tables", ndim=3, kinds="f", allow_empty=True)
    c = check_array(codes, "codes", shape=(None, t.shape[1]), kinds="iu", allow_empty=True,
                    max_value=t.shape[2] - 1).astype(np.int64)
    out = np.zeros((t.shape[0], len(c)), np.float32)
    for j in range(t.shape[1]):
        out += t[:, j, :][:, c[:, j]].astype(np.float32)
    return out


def pq_search(queries, codebooks, codes, k: int):
    """Exhaustive PQ search with ADC: ``(distances (Q, k) float32, ids (Q, k) int64)``, ties by lower id."""
    k = check_int(k, "k", minimum=1)
    d = adc_distances(adc_tables(queries, codebooks), codes)
    k_eff = min(k, d.shape[1])
    ids = np.full((d.shape[0], k), -1, np.int64)
    dist = np.full((d.shape[0], k), np.inf, np.float32)
    order = np.argsort(d, axis=1, kind="stable")[:, :k_eff]
    ids[:, :k_eff] = order
    dist[:, :k_eff] = np.take_along_axis(d, order, axis=1)
    return dist, ids


def faiss_pq_codebooks(pq) -> np.ndarray:
    """The codebooks of a trained ``faiss.ProductQuantizer`` as ``(m, ksub, dsub)`` float32."""
    import faiss

    return faiss.vector_to_array(pq.centroids).reshape(pq.M, pq.ksub, pq.dsub).astype(np.float32)


def rerank_exact(queries, database, candidates, k: int):
    """Re-rank shortlists by exact distance: ``(distances (Q, k) float64, ids (Q, k) int64)``.

    Parameters
    ----------
    queries : (Q, D) float array
    database : (N, D) float array
    candidates : (Q, S) int array
        Shortlist of each query (``-1`` entries are ignored), e.g. from :func:`pq_search`.
    k : int >= 1
    """
    q = _as_vectors(queries, "queries", allow_empty=True)
    x = _as_vectors(database, "database", q.shape[1])
    c = check_array(candidates, "candidates", shape=(len(q), None), kinds="iu", min_value=-1,
                    max_value=len(x) - 1).astype(np.int64)
    k = check_int(k, "k", minimum=1)
    dist = np.empty((len(q), k))
    out = np.empty((len(q), k), np.int64)
    for i in range(len(q)):
        cand = c[i][c[i] >= 0]
        dist[i], out[i] = _top_k(_sq_dist(q[i:i + 1], x[cand])[0], cand, k)
    return dist, out


# ============================================================================ scalar quantization


def sq_train(x):
    """The range of each dimension on training vectors: ``(vmin, vmax)``, two ``(D,)`` float64 arrays."""
    v = _as_vectors(x, "x")
    return v.min(axis=0).astype(np.float64), v.max(axis=0).astype(np.float64)


def _sq_unit(x, vmin, vmax) -> np.ndarray:
    vmin = check_array(vmin, "vmin", ndim=1, kinds="iuf").astype(np.float64)
    vmax = check_array(vmax, "vmax", shape=vmin.shape, kinds="iuf").astype(np.float64)
    v = _as_vectors(x, "x", len(vmin), allow_empty=True)
    span = np.where(vmax > vmin, vmax - vmin, 1.0)
    u = (np.asarray(v, np.float64) - vmin) / span
    return np.clip(u, 0.0, np.nextafter(1.0, 0.0))


def sq_encode(x, vmin, vmax, nbits: int = 8) -> np.ndarray:
    """Scalar quantization: chapter 1's uniform quantizer with ``2**nbits`` cells on each dimension.

    Each value is mapped to ``[0, 1)`` by its dimension's training range (values outside it
    are clipped), then quantized by ``floor(u k)`` (:func:`imsearch.signal.uniform_quantize`).

    Parameters
    ----------
    x : (N, D) float array
    vmin, vmax : (D,) float arrays (:func:`sq_train`)
    nbits : int in [1, 8]

    Returns
    -------
    (N, D) uint8
    """
    nbits = check_int(nbits, "nbits", minimum=1, maximum=8)
    u = _sq_unit(x, vmin, vmax)
    return uniform_quantize(u, 2 ** nbits).astype(np.uint8)


def sq_decode(codes, vmin, vmax, nbits: int = 8) -> np.ndarray:
    """Reconstruction of SQ codes at the centres of their cells, ``(N, D)`` float32."""
    nbits = check_int(nbits, "nbits", minimum=1, maximum=8)
    vmin = check_array(vmin, "vmin", ndim=1, kinds="iuf").astype(np.float64)
    vmax = check_array(vmax, "vmax", shape=vmin.shape, kinds="iuf").astype(np.float64)
    c = check_array(codes, "codes", shape=(None, len(vmin)), kinds="iu", allow_empty=True,
                    max_value=2 ** nbits - 1)
    u = uniform_reconstruct(c.astype(np.int64), 2 ** nbits)
    return (vmin + u * np.where(vmax > vmin, vmax - vmin, 0.0)).astype(np.float32)


# ============================================================================ choosing a setting


def smallest_setting(recalls, settings, target: float):
    """The smallest setting whose recall reaches ``target``, or ``None`` when none does.

    Parameters
    ----------
    recalls : (S,) float array
        Recall measured at each setting.
    settings : (S,) int array
        The settings (e.g. ``nprobe`` values), any order.
    target : float in [0, 1]
    """
    r = check_array(recalls, "recalls", ndim=1, kinds="f")
    s = check_array(settings, "settings", shape=r.shape, kinds="iu")
    ok = s[r >= target]
    return int(ok.min()) if len(ok) else None


def choose_setting(found, truth, settings, k: int = 10, target: float = 0.9) -> int:
    """The smallest setting (e.g. ``nprobe``) whose k-recall@k on these queries reaches ``target``.

    Parameters
    ----------
    found : (S, Q, >= k) int array
        The ids returned with each of the ``S`` settings, for the same ``Q`` queries.
    truth : (Q, >= k) int array
        The exact neighbours.
    settings : (S,) int array
    k : int >= 1
    target : float in [0, 1]

    Returns
    -------
    int
        The smallest such setting, or ``-1`` when none reaches the target.
    """
    f = check_array(found, "found", ndim=3, kinds="iu")
    s = check_array(settings, "settings", shape=(f.shape[0],), kinds="iu")
    recalls = np.array([knn_recall(f[j], truth, k) for j in range(len(s))])
    best = smallest_setting(recalls, s, float(target))
    return -1 if best is None else best


def sample_rows(n: int, size: int, seed=0) -> np.ndarray:
    """``size`` distinct row indices out of ``n``, sorted (a seeded training sample)."""
    n = check_int(n, "n", minimum=1)
    size = check_int(size, "size", minimum=1)
    rng = as_rng(seed)
    return np.sort(rng.choice(n, size=min(size, n), replace=False))
