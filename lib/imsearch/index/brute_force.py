"""Nearest-neighbour search over descriptors, by brute force.

Chapter 3 searches a few hundred images by pixel thumbnails and colour histograms;
:func:`knn` compares every query with every database vector, in blocks so that
memory stays bounded. Chapters 7 and 12 add inverted files and faiss indexes, which
must return what this exhaustive search returns.

Every metric is returned as a *distance*, smaller meaning closer:

* ``"l2"``: squared Euclidean distance, as ``faiss.IndexFlatL2`` reports it;
* ``"l1"``: sum of absolute differences;
* ``"chi2"``: symmetric chi-squared distance (:func:`imsearch.descriptors.chi2`);
* ``"intersection"``: the *negated* histogram intersection
  (:func:`imsearch.descriptors.intersection`, a similarity), so sorting still puts
  the most similar first.
"""
from __future__ import annotations



import numpy as np

from .. import descriptors
from .._util.ranking import ranking, top_k  # noqa: F401  the single top-k, re-exported as index.ranking and index.top_k
from .._util.validation import check_array, check_int
from .._util.progress import progress as _progress




METRICS = ("l2", "l1", "chi2", "intersection")

# Largest number of float64 elements a temporary block may hold (about 32 MB).
_BLOCK_ELEMENTS = 1 << 22


def _check_pair(queries, database):
    queries = check_array(queries, "queries", ndim=2)
    database = check_array(database, "database", ndim=2)
    if queries.shape[1] != database.shape[1]:
        raise ValueError(f"queries and database must have the same dimension, "
                         f"got {queries.shape[1]} and {database.shape[1]}")
    return queries, database


def _check_metric(metric) -> str:
    if not isinstance(metric, str) or metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}; got {metric!r}")
    return metric


def squared_l2(queries, database) -> np.ndarray:
    """Squared Euclidean distances between every query and every database vector.

    Parameters
    ----------
    queries : (Q, D) array_like of bool/int/float (e.g. uint8 pixel vectors)
    database : (N, D) array_like of bool/int/float

    Returns
    -------
    (Q, N) float64
        ``||q_i - x_j||²``, computed in float64 (no uint8 wrap-around) as
        ``||q||² + ||x||² - 2 q·x``, clipped at 0. Divided by D it is the MSE.
    """
    q, x = _check_pair(queries, database)
    q = q.astype(np.float64)
    x = x.astype(np.float64)
    d = (q * q).sum(axis=1)[:, None] + (x * x).sum(axis=1)[None, :] - 2.0 * (q @ x.T)
    return np.maximum(d, 0.0)


def pairwise_distances(queries, database, metric="l2") -> np.ndarray:
    """All query–database distances for one of :data:`METRICS`.

    Parameters
    ----------
    queries : (Q, D) array_like of bool/int/float
    database : (N, D) array_like of bool/int/float
        Non-negative for ``"chi2"`` and ``"intersection"``.
    metric : {"l2", "l1", "chi2", "intersection"}
        See the module docstring (``"l2"`` is squared; ``"intersection"`` negated).

    Returns
    -------
    (Q, N) float64
    """
    q, x = _check_pair(queries, database)
    metric = _check_metric(metric)
    if metric == "l2":
        return squared_l2(q, x)
    if metric in ("chi2", "intersection"):
        for arr, name in ((q, "queries"), (x, "database")):
            check_array(arr, name, min_value=0)
    if metric == "intersection" and np.any(x.sum(axis=1) <= 0):
        raise ValueError("database rows must have positive sums for the intersection (each is a model histogram)")
    func = {"l1": descriptors.l1, "chi2": descriptors.chi2, "intersection": descriptors.intersection}[metric]
    out = np.empty((q.shape[0], x.shape[0]))
    step = max(1, _BLOCK_ELEMENTS // max(1, x.shape[0] * x.shape[1]))
    col_step = max(1, _BLOCK_ELEMENTS // max(1, x.shape[1]))
    for i in range(0, q.shape[0], step):
        for j in range(0, x.shape[0], col_step):
            out[i:i + step, j:j + col_step] = func(q[i:i + step, None, :], x[None, j:j + col_step, :])
    return -out if metric == "intersection" else out


def knn(queries, database, k=1, metric="l2", progress=False):
    """The ``k`` nearest database vectors of every query, by exhaustive search.

    Parameters
    ----------
    queries : (Q, D) array_like of bool/int/float
    database : (N, D) array_like of bool/int/float, N >= 1
    k : int
        Neighbours per query, 1 <= k <= N.
    metric : {"l2", "l1", "chi2", "intersection"}
        ``"l2"`` gives squared distances (like ``faiss.IndexFlatL2``);
        ``"intersection"`` gives negated similarities.
    progress : bool
        Show a progress bar over the blocks of queries.

    Returns
    -------
    distances : (Q, k) float64
        Sorted in increasing order along each row.
    indices : (Q, k) int64
        Database rows of the neighbours; ties are broken by the lower index.
    """
    q, x = _check_pair(queries, database)
    metric = _check_metric(metric)
    k = check_int(k, "k", minimum=1, maximum=x.shape[0])
    step = max(1, _BLOCK_ELEMENTS // x.shape[0])
    distances = np.empty((q.shape[0], k))
    indices = np.empty((q.shape[0], k), dtype=np.int64)
    starts = _progress(range(0, q.shape[0], step), f"knn ({metric})", enabled=progress)
    for i in starts:
        neg, indices[i:i + step] = top_k(-pairwise_distances(q[i:i + step], x, metric), k)
        distances[i:i + step] = -neg
    return distances, indices
