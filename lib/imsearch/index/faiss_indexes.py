"""Thin helpers around faiss for chapter 12 and ``benchmarks/ann.py``: build, tune, measure.

* :func:`build_index`: an index from a faiss *factory string* (``"IVF1024,Flat"``,
  ``"IVF1024,PQ16"``, ``"HNSW32"``, ``"OPQ16,IVF1024,PQ16"``, ``"SQ8"``...), trained and
  filled, with its build time.
* :func:`set_search_params`: ``nprobe``, ``efSearch``, ``k_factor`` (re-ranking depth) —
  the knobs that move an index along its recall / speed curve.
* :func:`bytes_per_vector`: the serialized size of the index divided by its vectors
  (codes, ids, graph links and coarse quantizer included).
* :func:`timed_search`: a search with a given number of threads, returning queries per second.
* :func:`pareto_front`: the settings not beaten on both recall and speed.

The factory strings and what each family stores are those of the faiss wiki
("The index factory", "Guidelines to choose an index"; Douze et al., "The Faiss library", 2024).
"""
from __future__ import annotations

import time
from contextlib import contextmanager

import numpy as np

from .._util.validation import check_array, check_int


def _f32(x, name) -> np.ndarray:
    a = check_array(x, name, ndim=2, kinds="iuf")
    return np.ascontiguousarray(a, dtype=np.float32)


def build_index(factory: str, train, database, metric: str = "l2", **build_params):
    """Train a faiss index described by a factory string on ``train`` and add ``database``.

    Parameters
    ----------
    factory : str
        A faiss factory string, e.g. ``"Flat"``, ``"IVF1024,Flat"``, ``"HNSW32"``.
    train : (T, D) float array
        Training vectors (for k-means, PQ codebooks, SQ ranges); ignored when the index
        needs no training.
    database : (N, D) float array
    metric : {"l2", "ip"}
    **build_params
        Build-time parameters set through ``faiss.ParameterSpace`` before training, e.g.
        ``efConstruction=200`` (HNSW: the candidate list while the graph is built).

    Returns
    -------
    index : faiss.Index
    seconds : dict
        ``{"train": s, "add": s}`` wall-clock seconds.
    """
    import faiss

    if not isinstance(factory, str) or not factory:
        raise TypeError(f"factory must be a non-empty string, got {factory!r}")
    if metric not in ("l2", "ip"):
        raise ValueError(f"metric must be 'l2' or 'ip', got {metric!r}")
    x = _f32(database, "database")
    t = _f32(train, "train")
    if t.shape[1] != x.shape[1]:
        raise ValueError(f"train must have {x.shape[1]} columns, got shape {t.shape}")
    index = faiss.index_factory(x.shape[1], factory, faiss.METRIC_L2 if metric == "l2" else faiss.METRIC_INNER_PRODUCT)
    set_search_params(index, **build_params)
    start = time.perf_counter()
    if not index.is_trained:
        index.train(t)
    mid = time.perf_counter()
    index.add(x)
    end = time.perf_counter()
    return index, {"train": mid - start, "add": end - mid}


def set_search_params(index, **params) -> None:
    """Set search-time parameters by their ``faiss.ParameterSpace`` names.

    ``nprobe`` (IVF), ``efSearch`` (HNSW), ``k_factor_rf`` (shortlist length / k of a
    ``Refine`` wrapper), ``k_factor`` (IVFPQR)... ``ParameterSpace`` reaches through
    pre-transforms (OPQ) and refine wrappers to the index that owns the parameter.
    """
    import faiss

    ps = faiss.ParameterSpace()
    for name, value in params.items():
        if value is None:
            continue
        ps.set_index_parameter(index, name, float(value))


def bytes_per_vector(index) -> float:
    """Serialized size of ``index`` (bytes) divided by its number of vectors."""
    import faiss

    if index.ntotal == 0:
        raise ValueError("index must hold at least one vector")
    return float(faiss.serialize_index(index).size) / index.ntotal


@contextmanager
def faiss_threads(n: int | None):
    """Run a block with ``n`` OpenMP threads in faiss (``None``: leave as is)."""
    import faiss

    if n is None:
        yield
        return
    n = check_int(n, "n", minimum=1)
    old = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(n)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(old)


def timed_search(index, queries, k: int, threads: int | None = None, min_seconds: float = 0.2):
    """Search all ``queries`` (one batch) and measure the throughput.

    The batch is searched again until ``min_seconds`` have passed, and the best run is kept
    (ann-benchmarks keeps the best of several runs too).

    Parameters
    ----------
    index : faiss.Index
    queries : (Q, D) float array
    k : int >= 1
    threads : int, optional
        OpenMP threads for this search (1 = single-thread figures).
    min_seconds : float

    Returns
    -------
    distances : (Q, k) float32
    ids : (Q, k) int64
    queries_per_second : float
    """
    q = _f32(queries, "queries")
    k = check_int(k, "k", minimum=1)
    best = np.inf
    spent = 0.0
    with faiss_threads(threads):
        while True:
            t = time.perf_counter()
            d, i = index.search(q, k)
            dt = time.perf_counter() - t
            best = min(best, dt)
            spent += dt
            if spent >= min_seconds:
                break
    return d, i, len(q) / max(best, 1e-9)


def pareto_front(recall, qps) -> np.ndarray:
    """Indices of the points not dominated (no other point has both higher recall and higher speed).

    Parameters
    ----------
    recall, qps : (P,) float arrays

    Returns
    -------
    (F,) int64, sorted by increasing recall
    """
    r = check_array(recall, "recall", ndim=1, kinds="f")
    s = check_array(qps, "qps", shape=r.shape, kinds="f")
    order = np.lexsort((-s, -r))          # recall descending, then speed descending
    keep, best = [], -np.inf
    for i in order:
        if s[i] > best:
            keep.append(i)
            best = s[i]
    return np.array(sorted(keep, key=lambda i: (r[i], -s[i])), np.int64)
