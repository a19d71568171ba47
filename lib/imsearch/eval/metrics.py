"""Measures of distortion and of retrieval quality.

Chapter 1 and 3: mean squared error and peak signal-to-noise ratio between images.
Chapters 6 on: average precision of a ranking, and the copy-detection metrics of DISC2021
(micro-average precision over pooled predictions, recall at a precision).
"""
from __future__ import annotations


import numpy as np

from .._util.validation import check_array, check_number, check_same_shape



from .._util.validation import check_int


from ..signal.distortion import mse, psnr  # noqa: E402,F401  chapter 1's distortion, exported here too


# ----------------------------------------------------------------------------- retrieval

def average_precision(scores, relevant) -> float:
    """Average precision of one ranked query, by the trapezoid rule over the PR curve.

    As in the INRIA Holidays and revisited-Oxford evaluations: the database is ranked
    by decreasing score; at the j-th relevant item (0-based) found at rank r, the
    precision just before it is j / r (1 when r = 0) and just after it (j + 1) / (r + 1);
    their mean times the recall step 1 / n_relevant is summed. Ties are ranked
    pessimistically (non-relevant items first). Exclude the query itself beforehand.

    Parameters
    ----------
    scores : (N,) array_like of float
        Similarity of each database item to the query (higher = more similar).
    relevant : (N,) array_like of bool
        Ground truth; at least one True.

    Returns
    -------
    float in (0, 1]
    """
    scores = check_array(scores, "scores", ndim=1, kinds="iuf")
    relevant = check_array(relevant, "relevant", shape=(scores.shape[0],), kinds="b")
    n_rel = int(relevant.sum())
    if n_rel == 0:
        raise ValueError("relevant must contain at least one True entry: AP is undefined without positives")
    order = np.lexsort((relevant, -scores.astype(np.float64)))  # by score desc, non-relevant first on ties
    ranks = np.flatnonzero(relevant[order]).astype(np.float64)
    j = np.arange(n_rel, dtype=np.float64)
    p_before = np.where(ranks > 0, j / np.maximum(ranks, 1), 1.0)
    p_after = (j + 1) / (ranks + 1)
    return float(np.sum((p_before + p_after) / 2) / n_rel)


def _as_predictions(predictions):
    """(query ids, reference ids, scores) arrays from rows or from a tuple of three arrays."""
    if isinstance(predictions, tuple) and len(predictions) == 3 and all(
            isinstance(p, np.ndarray) for p in predictions):
        q, r, s = predictions
    else:
        rows = list(predictions)
        if not rows:
            return np.array([]), np.array([]), np.zeros(0)
        if any(len(row) != 3 for row in rows[:1000]):
            raise ValueError("predictions must be (query_id, ref_id, score) rows")
        q, r, s = zip(*rows)
        q, r = np.asarray(q), np.asarray(r)
        s = np.asarray(s)
    s = check_array(s, "scores of predictions", ndim=1, kinds="iuf", allow_empty=True)
    if not (len(q) == len(r) == len(s)):
        raise ValueError(f"predictions must have as many query ids, ref ids and scores, got {len(q)}, {len(r)}, {len(s)}")
    return np.asarray(q), np.asarray(r), s.astype(np.float64)


def _pr_points(predictions, ground_truth):
    """Precision and recall after each prediction, pooled over queries and ranked by score."""
    q, r, s = _as_predictions(predictions)
    gt = {(a, b) for a, b in ground_truth}
    if not gt:
        raise ValueError("ground_truth must contain at least one (query_id, ref_id) pair")
    if len(s) == 0:
        return np.zeros(0), np.zeros(0), len(gt)
    # integer codes for the id pairs: fast duplicate detection and ground-truth lookup
    gq = np.array([a for a, _ in gt])
    gr = np.array([b for _, b in gt])
    if q.dtype.kind != gq.dtype.kind:  # e.g. int ids in one, str ids in the other
        q, gq = q.astype(str), gq.astype(str)
    if r.dtype.kind != gr.dtype.kind:
        r, gr = r.astype(str), gr.astype(str)
    all_q, q_code = np.unique(np.concatenate([q, gq]), return_inverse=True)
    all_r, r_code = np.unique(np.concatenate([r, gr]), return_inverse=True)
    keys = q_code.astype(np.int64) * len(all_r) + r_code
    pred_keys, gt_keys = keys[:len(s)], keys[len(s):]
    uniq, counts = np.unique(pred_keys, return_counts=True)
    if np.any(counts > 1):
        k = uniq[np.argmax(counts > 1)]
        raise ValueError(f"predictions contain the pair (query {all_q[k // len(all_r)]!r}, "
                         f"reference {all_r[k % len(all_r)]!r}) more than once")
    is_tp = np.isin(pred_keys, gt_keys)
    order = np.lexsort((is_tp, -s))  # score desc; on ties false positives first (pessimistic)
    tp = np.cumsum(is_tp[order])
    n = np.arange(1, len(s) + 1)
    return tp / n, tp / len(gt), len(gt)


def micro_average_precision(predictions, ground_truth) -> float:
    """Micro-average precision (µAP) of copy-detection predictions, as in DISC2021.

    All ``(query, reference, score)`` predictions of all queries are pooled and ranked
    by decreasing score (ties pessimistically: false positives first); µAP is
    ``sum_i precision(i) * (recall(i) - recall(i-1))`` with recall relative to all
    ground-truth pairs, so missed pairs and negative queries count.
    [Douze et al., "The 2021 Image Similarity Dataset and Challenge", arXiv 2106.09672]

    Parameters
    ----------
    predictions : iterable of (query_id, ref_id, score), or a tuple of three (P,) arrays
        Each (query_id, ref_id) pair at most once; higher score = more similar.
    ground_truth : iterable of (query_id, ref_id)
        The true copy pairs (not empty).

    Returns
    -------
    float in [0, 1]; 0 for no predictions.
    """
    precision, recall, _ = _pr_points(predictions, ground_truth)
    if len(precision) == 0:
        return 0.0
    d_recall = np.diff(recall, prepend=0.0)
    return float(np.sum(precision * d_recall))


def recall_at_precision(predictions, ground_truth, precision=0.9) -> float:
    """Highest recall reached at a score threshold whose precision is at least ``precision``.

    Parameters
    ----------
    predictions, ground_truth
        As in :func:`micro_average_precision`.
    precision : float in (0, 1]

    Returns
    -------
    float in [0, 1]; 0 when no threshold reaches the precision.
    """
    target = check_number(precision, "precision", minimum=0.0, maximum=1.0, strict_min=True)
    prec, rec, _ = _pr_points(predictions, ground_truth)
    ok = prec >= target
    return float(rec[ok].max()) if np.any(ok) else 0.0


def score_normalize(scores, background_similarities, beta=1.0, first=0, last=2) -> np.ndarray:
    """Score normalisation of copy-detection similarities against a background set (µAP_SN).

    A query that looks like many images gets high similarities to everything; comparing
    scores across queries (as µAP's pooled ranking does) then favours such queries. SSCD
    subtracts from each query's scores the similarity of that query to its nearest
    neighbours in a background set of unrelated photos:

        s'(q, r) = s(q, r) - beta * mean_{n = first..last} s(q, b_(n))

    where ``b_(n)`` is the query's (n+1)-th most similar background image.
    [Pizzi et al., "A Self-Supervised Descriptor for Image Copy Detection", CVPR 2022,
    arXiv 2202.10261, eq. 8 (beta); the defaults beta = 1 and neighbours 0..2 are those of
    their evaluation code, github.com/facebookresearch/sscd-copy-detection,
    ``sscd/disc_eval.py``, option ``--score_norm 1.0[0,2]``, which adds the correction as an
    extra descriptor dimension]

    Parameters
    ----------
    scores : (Q, K) array_like of float
        Similarities (higher = more similar) of each query to its K candidate references.
    background_similarities : (Q, B) array_like of float
        Similarities of each query to every background image (or at least to its
        ``last + 1`` most similar ones), in the same units as ``scores``; B > ``last``.
    beta : float
        Weight of the correction (>= 0; 0 leaves the scores unchanged).
    first, last : int
        0-based ranks of the first and last background neighbours averaged
        (0 <= first <= last < B).

    Returns
    -------
    (Q, K) float64
        The normalised scores; each row is shifted by one constant, so every query's
        own ranking of references is unchanged (only the pooled ranking changes).
    """
    s = check_array(scores, "scores", ndim=2, kinds="iuf").astype(np.float64)
    bg = check_array(background_similarities, "background_similarities", ndim=2, kinds="iuf").astype(np.float64)
    if bg.shape[0] != s.shape[0]:
        raise ValueError(f"background_similarities must have one row per query ({s.shape[0]}), got {bg.shape[0]}")
    beta = check_number(beta, "beta", minimum=0.0)
    from .._util.validation import check_int

    first = check_int(first, "first", minimum=0)
    last = check_int(last, "last", minimum=first, maximum=bg.shape[1] - 1)
    top = -np.sort(-bg, axis=1)[:, first:last + 1]  # the query's most similar background images
    return s - beta * top.mean(axis=1, keepdims=True)


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
