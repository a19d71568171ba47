"""Nearest-neighbour search over descriptors, by brute force.

Chapter 3 searches a few hundred images by pixel thumbnails and colour histograms;
:func:`knn` compares every query with every database vector, in blocks so that
memory stays bounded. Chapters 7 and 12 add inverted files and faiss indexes, which
must return what this exhaustive search returns.

Every metric is returned as a *distance*, smaller meaning closer:

* ``"l2"``: squared Euclidean distance, as ``faiss.IndexFlatL2`` reports it;
* ``"l1"``: sum of absolute differences;
* ``"chi2"``: symmetric chi-squared distance (:func:`imsearch.globaldesc.chi2`);
* ``"intersection"``: the *negated* histogram intersection
  (:func:`imsearch.globaldesc.intersection`, a similarity), so sorting still puts
  the most similar first.
"""
from __future__ import annotations

import zlib

import numpy as np

from . import globaldesc
from ._guard import reference
from ._validation import check_array, check_int

__all__ = ["METRICS", "squared_l2", "pairwise_distances", "knn", "recall_at_k", "copy_search_accuracy"]

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


@reference("3.1")
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
    func = {"l1": globaldesc.l1, "chi2": globaldesc.chi2, "intersection": globaldesc.intersection}[metric]
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
    starts = range(0, q.shape[0], step)
    if progress:
        from tqdm.auto import tqdm
        starts = tqdm(starts, desc=f"knn ({metric})")
    for i in starts:
        d = pairwise_distances(q[i:i + step], x, metric)
        order = np.argsort(d, axis=1, kind="stable")[:, :k]
        indices[i:i + step] = order
        distances[i:i + step] = np.take_along_axis(d, order, axis=1)
    return distances, indices


@reference("3.4")
def recall_at_k(distances, true_index, k=1) -> float:
    """Fraction of queries whose true match is among their ``k`` nearest database items.

    Parameters
    ----------
    distances : (Q, N) array_like of float
        Distance of each query to each database item (smaller = closer).
    true_index : (Q,) array_like of int in [0, N)
        The database item each query should find.
    k : int
        Length of the result list, 1 <= k <= N. ``k=1`` gives the top-1 accuracy.

    Returns
    -------
    float
        In [0, 1]. Items are ranked by increasing distance, ties by increasing
        index (as a stable sort does), so a tie with a lower index ranks first.
    """
    d = check_array(distances, "distances", ndim=2, kinds="iuf")
    t = check_array(true_index, "true_index", shape=(d.shape[0],), kinds="iu",
                    min_value=0, max_value=d.shape[1] - 1)
    k = check_int(k, "k", minimum=1, maximum=d.shape[1])
    rows = np.arange(d.shape[0])
    dt = d[rows, t][:, None]
    cols = np.arange(d.shape[1])[None, :]
    rank = np.sum((d < dt) | ((d == dt) & (cols < t[:, None])), axis=1)
    return float(np.mean(rank < k))


def _edit_rng(seed: int, name: str, index: int) -> np.random.Generator:
    # One generator per (edit, original): a query does not depend on which other edits run.
    return np.random.default_rng([seed, zlib.crc32(name.encode()), index])


def copy_search_accuracy(originals, distractors, methods, edit_names=None, seed=0, progress=True) -> dict:
    """Top-1 accuracy of finding an original from an edited copy, per method and per edit.

    The database holds the originals followed by the distractors. For each edit and
    each original ``i``, the query is the edited original (random parameters from a
    generator seeded by ``(seed, edit, i)``); it succeeds when its nearest database
    item under the method is original ``i``.

    Parameters
    ----------
    originals : sequence of (H, W, 3) or (H, W) uint8 images, at least one
    distractors : sequence of images (may be empty)
    methods : dict
        ``label -> (describe, metric)``, where ``describe(image)`` returns a
        ``(D,)`` vector and ``metric`` is one of :data:`METRICS`.
    edit_names : sequence of str, optional
        Keys of :data:`imsearch.edits.EDITS` (default: all of them).
    seed : int
        Seed of the edits' parameters (>= 0).
    progress : bool
        Show progress bars.

    Returns
    -------
    dict
        ``{method label: {edit name: accuracy in [0, 1]}}``, methods and edits in
        the order given.
    """
    from . import edits

    originals, distractors = list(originals), list(distractors)
    if not originals:
        raise ValueError("originals must not be empty")
    if not isinstance(methods, dict) or not methods:
        raise ValueError("methods must be a non-empty dict label -> (describe, metric)")
    for label, spec in methods.items():
        if not (isinstance(spec, tuple) and len(spec) == 2 and callable(spec[0])):
            raise TypeError(f"methods[{label!r}] must be a pair (describe, metric), got {spec!r}")
        _check_metric(spec[1])
    edit_names = list(edits.EDITS) if edit_names is None else list(edit_names)
    if not edit_names:
        raise ValueError("edit_names must not be empty")
    for name in edit_names:
        if name not in edits.EDITS:
            raise ValueError(f"edit_names must be keys of imsearch.edits.EDITS ({', '.join(edits.EDITS)}); got {name!r}")
    seed = check_int(seed, "seed", minimum=0)

    def bar(items, desc):
        if not progress:
            return items
        from tqdm.auto import tqdm
        return tqdm(items, desc=desc)

    database = originals + distractors
    db = {label: np.stack([describe(im) for im in bar(database, f"describe database ({label})")])
          for label, (describe, _) in methods.items()}
    truth = np.arange(len(originals))
    result = {label: {} for label in methods}
    for name in bar(edit_names, "edits"):
        queries = [edits.apply_edit(name, im, seed=_edit_rng(seed, name, i)) for i, im in enumerate(originals)]
        for label, (describe, metric) in methods.items():
            q = np.stack([describe(im) for im in queries])
            _, idx = knn(q, db[label], k=1, metric=metric)
            result[label][name] = float(np.mean(idx[:, 0] == truth))
    return result
