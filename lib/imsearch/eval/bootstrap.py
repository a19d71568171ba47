"""Bootstrap confidence intervals over queries for retrieval benchmarks.

A benchmark score is a statistic of its queries; drawing the queries again with
replacement (a *resample*) and recomputing the score many times shows how much it
depends on which queries happened to be chosen. The 95 % percentile interval of those
scores goes with every number reported. Two methods are compared on the *same*
resamples (paired bootstrap of their difference); an ordering is claimed only when
that interval excludes zero (``interval.excludes(0)``).
[Efron & Tibshirani, "An Introduction to the Bootstrap", Chapman & Hall 1993,
ch. 6 (bootstrap of a statistic) and ch. 13 (percentile intervals)]

Every function draws its resamples through :func:`resample_indices`: the same ``seed``
and ``n_queries`` give the same resamples, whichever method is being scored.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import metrics
from .._util.validation import as_rng, check_array, check_int, check_number

__all__ = ["Interval", "resample_indices", "bootstrap_mean", "bootstrap_statistic", "paired_bootstrap",
           "paired_bootstrap_statistic", "pooled_statistic", "bootstrap_micro_ap", "paired_bootstrap_micro_ap",
           "bootstrap_recall_at_precision", "paired_bootstrap_recall_at_precision", "ns_score"]


@dataclass(frozen=True)
class Interval:
    """A point estimate with its percentile bootstrap interval.

    Attributes
    ----------
    estimate : float
        The statistic on all queries, each once.
    low, high : float
        The ``(1 - confidence) / 2`` and ``(1 + confidence) / 2`` quantiles of ``samples``.
    confidence : float
        E.g. 0.95.
    n_queries, n_resamples : int
    samples : (n_resamples,) float64
        The statistic on each resample (NaN where undefined; such resamples are left out
        of the quantiles). Not part of ``==``.
    """

    estimate: float
    low: float
    high: float
    confidence: float
    n_queries: int
    n_resamples: int
    samples: np.ndarray = field(repr=False, compare=False)

    @property
    def half_width(self) -> float:
        """``(high - low) / 2``."""
        return (self.high - self.low) / 2

    def excludes(self, value=0.0) -> bool:
        """Whether ``value`` lies outside ``[low, high]`` (for a paired difference: an ordering is supported)."""
        value = check_number(value, "value")
        return bool(value < self.low or value > self.high)

    def __str__(self) -> str:
        return f"{self.estimate:.3f} [{self.low:.3f}, {self.high:.3f}]"


def _check_options(n_resamples, confidence, progress=False):
    check_int(n_resamples, "n_resamples", minimum=1)
    check_number(confidence, "confidence", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be a bool, got {type(progress).__name__}")


def _interval(estimate, samples, confidence, n_queries) -> Interval:
    defined = samples[~np.isnan(samples)]
    if defined.size == 0:
        raise ValueError("the statistic is undefined (NaN) on every resample")
    tail = (1.0 - confidence) / 2
    low, high = np.quantile(defined, [tail, 1.0 - tail])
    return Interval(float(estimate), float(low), float(high), float(confidence), int(n_queries),
                    len(samples), samples)


def resample_indices(n_queries, n_resamples=1000, seed=0) -> np.ndarray:
    """The query indices of each bootstrap resample, drawn uniformly with replacement.

    Parameters
    ----------
    n_queries : int >= 1
    n_resamples : int >= 1
    seed : int or numpy.random.Generator
        An int gives the same resamples on every call (use one to pair separate calls).

    Returns
    -------
    (n_resamples, n_queries) int64
        Row ``i`` lists the queries of resample ``i``, values in ``[0, n_queries)``.
    """
    n_queries = check_int(n_queries, "n_queries", minimum=1)
    n_resamples = check_int(n_resamples, "n_resamples", minimum=1)
    return as_rng(seed).integers(0, n_queries, size=(n_resamples, n_queries), dtype=np.int64)


def _values(values, name, n=None) -> np.ndarray:
    shape = (None,) if n is None else (n,)
    return check_array(values, name, shape=shape, kinds="biuf").astype(np.float64)


def bootstrap_mean(values, n_resamples=1000, confidence=0.95, seed=0) -> Interval:
    """Mean of per-query values (e.g. AP per query) with its percentile bootstrap interval.

    Parameters
    ----------
    values : (n_queries,) array_like of bool/int/float, not empty, finite
    n_resamples : int >= 1
    confidence : float in (0, 1)
    seed : int or numpy.random.Generator

    Returns
    -------
    Interval
        ``estimate`` is ``values.mean()``; ``samples`` the mean of each resample.
    """
    values = _values(values, "values")
    _check_options(n_resamples, confidence)
    idx = resample_indices(len(values), n_resamples, seed)
    return _interval(values.mean(), values[idx].mean(axis=1), confidence, len(values))


def paired_bootstrap(values_a, values_b, n_resamples=1000, confidence=0.95, seed=0) -> Interval:
    """``mean(a) - mean(b)`` over the same resamples of the queries, with its interval.

    Parameters
    ----------
    values_a, values_b : (n_queries,) array_like of bool/int/float
        Per-query values of two methods on the same queries, in the same order.
    n_resamples, confidence, seed
        As in :func:`bootstrap_mean`.

    Returns
    -------
    Interval
        Its ``samples`` are those of ``bootstrap_mean(values_a)`` minus those of
        ``bootstrap_mean(values_b)`` (same seed). ``b`` is better than ``a`` when ``high < 0``.
    """
    a = _values(values_a, "values_a")
    b = _values(values_b, "values_b", len(a))
    _check_options(n_resamples, confidence)
    idx = resample_indices(len(a), n_resamples, seed)
    return _interval(a.mean() - b.mean(), a[idx].mean(axis=1) - b[idx].mean(axis=1), confidence, len(a))


def _run(statistics, n_queries, n_resamples, confidence, seed, progress):
    """Estimates and samples of ``statistics`` (a list of callables) on shared resamples."""
    names = ["statistic"] if len(statistics) == 1 else ["statistic_a", "statistic_b"]
    for name, stat in zip(names, statistics):
        if not callable(stat):
            raise TypeError(f"{name} must be callable, got {type(stat).__name__}")
    _check_options(n_resamples, confidence, progress)
    idx = resample_indices(n_queries, n_resamples, seed)
    from tqdm.auto import tqdm

    estimates = [float(stat(np.arange(idx.shape[1]))) for stat in statistics]
    samples = np.array([[float(stat(row)) for stat in statistics]
                        for row in tqdm(idx, desc="bootstrap", unit="resample", disable=not progress)])
    return estimates, samples


def bootstrap_statistic(statistic, n_queries, n_resamples=1000, confidence=0.95, seed=0,
                        progress=False) -> Interval:
    """Any statistic of a set of queries, with its percentile bootstrap interval.

    Parameters
    ----------
    statistic : callable
        ``statistic(indices) -> float``, ``indices`` a (n_queries,) int64 array of query
        indices that may repeat (a query drawn twice counts twice). May return NaN
        where undefined.
    n_queries : int >= 1
    n_resamples, confidence, seed
        As in :func:`bootstrap_mean`.
    progress : bool
        Show a progress bar over the resamples.

    Returns
    -------
    Interval
        ``estimate`` is ``statistic(arange(n_queries))``.
    """
    (estimate,), samples = _run([statistic], n_queries, n_resamples, confidence, seed, progress)
    return _interval(estimate, samples[:, 0], confidence, n_queries)


def paired_bootstrap_statistic(statistic_a, statistic_b, n_queries, n_resamples=1000, confidence=0.95,
                               seed=0, progress=False) -> Interval:
    """``statistic_a - statistic_b`` on the same resamples (see :func:`bootstrap_statistic`)."""
    (est_a, est_b), s = _run([statistic_a, statistic_b], n_queries, n_resamples, confidence, seed, progress)
    return _interval(est_a - est_b, s[:, 0] - s[:, 1], confidence, n_queries)


def pooled_statistic(predictions, ground_truth, query_ids, metric="micro_ap", precision=0.9):
    """A fast ``statistic(indices)`` for the copy-detection metrics of a resample of queries.

    Each query's predictions (sorted once, globally, by decreasing score with false
    positives first on ties, as :mod:`imsearch.eval.metrics` ranks them) and its number of
    positives are kept; a resample repeats each prediction as many times as its query
    was drawn, so the pooled ranking needs no new sort. The result equals
    :func:`imsearch.eval.metrics.micro_average_precision` (or ``recall_at_precision``) of the
    resampled predictions and ground truth with each drawn copy of a query renamed.

    Parameters
    ----------
    predictions : iterable of (query_id, ref_id, score), or a tuple of three (P,) arrays
        As in :func:`imsearch.eval.metrics.micro_average_precision`.
    ground_truth : iterable of (query_id, ref_id)
        Not empty; queries without a pair are negatives.
    query_ids : (n_queries,) array_like
        Every query of the benchmark once, including those without predictions.
    metric : {"micro_ap", "recall_at_precision"}
    precision : float in (0, 1]
        The precision of ``"recall_at_precision"``.

    Returns
    -------
    callable
        ``statistic(indices) -> float``: NaN for a resample without any positive. Its
        attribute ``n_queries`` is ``len(query_ids)``.
    """
    if metric not in ("micro_ap", "recall_at_precision"):
        raise ValueError(f"metric must be 'micro_ap' or 'recall_at_precision', got {metric!r}")
    target = check_number(precision, "precision", minimum=0.0, maximum=1.0, strict_min=True)
    qids = check_array(query_ids, "query_ids", ndim=1, kinds="biufUSO").astype(str)
    n = len(qids)
    if len(np.unique(qids)) < n:
        raise ValueError("query_ids must list each query once")
    q, r, s = metrics._as_predictions(predictions)
    gt = {(a, b) for a, b in ground_truth}
    if not gt:
        raise ValueError("ground_truth must contain at least one (query_id, ref_id) pair")
    gq, gr = (np.array([p[i] for p in gt]).astype(str) for i in (0, 1))
    sorter = np.argsort(qids)

    def query_index(ids, name):
        pos = np.minimum(np.searchsorted(qids, ids, sorter=sorter), n - 1)
        found = qids[sorter[pos]] == ids
        if not np.all(found):
            raise ValueError(f"{name} names query {str(ids[~found][0])!r}, which is not in query_ids")
        return sorter[pos]

    pq, gqi = query_index(q.astype(str), "predictions"), query_index(gq, "ground_truth")
    _, r_code = np.unique(np.concatenate([r.astype(str), gr]), return_inverse=True)
    keys = np.concatenate([pq, gqi]).astype(np.int64) * (int(r_code.max()) + 1) + r_code.ravel()
    pred_keys, gt_keys = keys[:len(s)], np.unique(keys[len(s):])
    if len(np.unique(pred_keys)) < len(pred_keys):
        raise ValueError("predictions must contain each (query_id, ref_id) pair at most once")
    n_pos = np.bincount(gqi, minlength=n)
    is_tp = np.isin(pred_keys, gt_keys)
    order = np.lexsort((is_tp, -s))
    pq, is_tp = pq[order], is_tp[order]

    def statistic(indices):
        counts = np.bincount(indices, minlength=n)
        n_gt = int(counts @ n_pos)
        if n_gt == 0:
            return float("nan")
        hits = np.repeat(is_tp, counts[pq])
        if len(hits) == 0:
            return 0.0
        tp = np.cumsum(hits)
        prec, rec = tp / np.arange(1, len(hits) + 1), tp / n_gt
        if metric == "micro_ap":
            return float(np.sum(prec * np.diff(rec, prepend=0.0)))
        ok = prec >= target
        return float(rec[ok].max()) if np.any(ok) else 0.0

    statistic.n_queries = n
    return statistic


def bootstrap_micro_ap(predictions, ground_truth, query_ids, n_resamples=1000, confidence=0.95, seed=0,
                       progress=False) -> Interval:
    """µAP (:func:`imsearch.eval.metrics.micro_average_precision`) with its bootstrap interval over queries.

    Arguments as in :func:`pooled_statistic` and :func:`bootstrap_statistic`; ``estimate``
    equals ``micro_average_precision(predictions, ground_truth)``.
    """
    stat = pooled_statistic(predictions, ground_truth, query_ids)
    return bootstrap_statistic(stat, stat.n_queries, n_resamples, confidence, seed, progress)


def paired_bootstrap_micro_ap(predictions_a, predictions_b, ground_truth, query_ids, n_resamples=1000,
                              confidence=0.95, seed=0, progress=False) -> Interval:
    """µAP of ``predictions_a`` minus µAP of ``predictions_b``, on the same resamples of the queries."""
    stats = [pooled_statistic(p, ground_truth, query_ids) for p in (predictions_a, predictions_b)]
    return paired_bootstrap_statistic(*stats, stats[0].n_queries, n_resamples, confidence, seed, progress)


def bootstrap_recall_at_precision(predictions, ground_truth, query_ids, precision=0.9, n_resamples=1000,
                                  confidence=0.95, seed=0, progress=False) -> Interval:
    """Recall at ``precision`` (:func:`imsearch.eval.metrics.recall_at_precision`) with its interval."""
    stat = pooled_statistic(predictions, ground_truth, query_ids, "recall_at_precision", precision)
    return bootstrap_statistic(stat, stat.n_queries, n_resamples, confidence, seed, progress)


def paired_bootstrap_recall_at_precision(predictions_a, predictions_b, ground_truth, query_ids, precision=0.9,
                                         n_resamples=1000, confidence=0.95, seed=0, progress=False) -> Interval:
    """Recall at ``precision`` of ``predictions_a`` minus that of ``predictions_b``, on the same resamples."""
    stats = [pooled_statistic(p, ground_truth, query_ids, "recall_at_precision", precision)
             for p in (predictions_a, predictions_b)]
    return paired_bootstrap_statistic(*stats, stats[0].n_queries, n_resamples, confidence, seed, progress)


def ns_score(ranked_ids, query_groups, database_groups) -> np.ndarray:
    """Per-query UKBench score: how many of the top 4 results are of the query's group.

    The database holds the query itself and the other 3 images of its group, so a
    perfect ranking scores 4; the UKBench N-S score is the mean over queries
    (``bootstrap_mean(ns_score(...))`` gives its interval).
    [Nistér & Stewénius, "Scalable Recognition with a Vocabulary Tree", CVPR 2006]

    Parameters
    ----------
    ranked_ids : (n_queries, K >= 4) array_like of int
        Database indices of each query's results, best first, no repeats among the top 4.
    query_groups : (n_queries,) array_like of int or str
        The group (object) of each query.
    database_groups : (n_database,) array_like of int or str

    Returns
    -------
    (n_queries,) float64
        Counts in {0, 1, 2, 3, 4}.
    """
    ranked = check_array(ranked_ids, "ranked_ids", ndim=2, kinds="iu")
    if ranked.shape[1] < 4:
        raise ValueError(f"ranked_ids must have at least 4 columns (the top 4 results), got shape {ranked.shape}")
    qg = check_array(query_groups, "query_groups", shape=(ranked.shape[0],), kinds="biuUS")
    dg = check_array(database_groups, "database_groups", ndim=1, kinds="biuUS")
    top = check_array(ranked[:, :4], "ranked_ids", min_value=0, max_value=len(dg) - 1)
    if np.any(np.diff(np.sort(top, axis=1), axis=1) == 0):
        raise ValueError("ranked_ids must not repeat a database index among a query's top 4 results")
    return (dg[top] == qg[:, None]).sum(axis=1).astype(np.float64)
