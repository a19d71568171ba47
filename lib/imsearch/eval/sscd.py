"""Chapter 11's measurements of copy-detection descriptors: range search, µAP_SN, the models' tables.

* :func:`range_search_precision_recall`: keep every (query, reference) pair whose similarity
  passes one global threshold (a *range search*) and measure the precision and recall of
  those pairs — what a calibrated descriptor (SSCD) makes possible and a badly calibrated
  one (SimCLR_CD) does not;
* :func:`threshold_at_precision`: the lowest threshold whose range search still reaches a
  target precision (chosen on one set of queries, applied to another);
* :func:`micro_ap_sn`: µAP after score normalisation from plain similarity matrices;
* :func:`singular_spectrum`: the normalised singular values of a descriptor set and of a
  uniform (isotropic) set of the same shape — the lecture's dimensional-collapse figure;
* :func:`sscd_results`: the committed models of chapter 11 (:mod:`imsearch.nn.sscd`) on
  the DISC benchmark, with cached descriptors, in one call.

References: E. Pizzi, S. D. Roy, S. N. Ravindra, P. Goyal, M. Douze. A self-supervised
descriptor for image copy detection. CVPR 2022 (Sections 3.3-3.4, Table 2-3, Figure 5).
"""
from __future__ import annotations

import numpy as np

from .._util.validation import check_array, check_int, check_number

__all__ = ["PAPER_ABLATION", "PAPER_BASELINE", "PAPER_KOLEO", "PAPER_MIXUP", "PAPER_OUTCOMES", "micro_ap_sn", "range_search_precision_recall", "singular_spectrum", "sscd_results",
           "threshold_at_precision"]


#: Pizzi et al. (CVPR 2022), the lecture's SimCLR baseline slide: (features, dimensions, µAP %, µAP_SN %)
#: on DISC2021 with a ResNet-50 trained on ImageNet.
PAPER_BASELINE = (("Multigrain (supervised)", 2048, 20.5, 41.7), ("SimCLR trunk", 2048, 13.1, 33.9),
                  ("SimCLR projection (MLP)", 128, 9.4, 17.3))

#: Pizzi et al., Table 2: the SimCLR_CD ablation, cumulative rows (row, dimensions, µAP %, µAP_SN %).
PAPER_ABLATION = (("SimCLR trunk", 2048, 13.1, 33.9), ("  + GeM pooling", 2048, 21.5, 45.3),
                  ("SimCLR projection", 128, 9.4, 17.3), ("  + GeM pooling", 128, 11.1, 18.8),
                  ("  + strong blur", 128, 14.1, 26.0), ("  + low temperature", 128, 26.0, 41.5),
                  ("  + 512-d", 512, 27.5, 43.5), ("  + linear projection = SimCLR_CD", 512, 33.0, 51.6))

#: Pizzi et al., the lecture's KoLeo table: weight λ -> (µAP %, µAP_SN %, recall@1 %, MRR %).
PAPER_KOLEO = {0: (33.0, 51.6, 58.6, 60.5), 1: (33.1, 51.9, 58.7, 60.9), 3: (38.0, 56.1, 62.9, 65.1),
               10: (45.3, 61.5, 67.7, 69.5), 30: (50.4, 64.5, 69.8, 71.4)}

#: Pizzi et al., example matches on DISC2021: share of queries whose first result is right for
#: both SSCD and SimCLR, only SSCD, only SimCLR, neither (%).
PAPER_OUTCOMES = {"both": 38.9, "only SSCD": 39.0, "only SimCLR": 0.3, "neither": 21.8}

#: Pizzi et al., the lecture's table of additional experiments: SSCD trained on ImageNet with advanced
#: augmentations, without and with mixup / CutMix (µAP %, µAP_SN %).
PAPER_MIXUP = {"advanced": (55.5, 71.0), "advanced + mixup": (56.8, 72.2)}

def _check_sim_truth(similarity, copy_of):
    sim = check_array(similarity, "similarity", ndim=2, kinds="iuf").astype(np.float64)
    truth = check_array(copy_of, "copy_of", shape=(sim.shape[0],), kinds="iu").astype(np.int64)
    if np.any(truth < -1) or np.any(truth >= sim.shape[1]):
        raise ValueError(f"copy_of must hold reference indices in 0..{sim.shape[1] - 1} or -1")
    if not np.any(truth >= 0):
        raise ValueError("copy_of must contain at least one copy query (an index >= 0)")
    return sim, truth


def range_search_precision_recall(similarity, copy_of, threshold) -> tuple:
    """Precision and recall of a range search: every pair with ``similarity >= threshold`` is a detection.

    Parameters
    ----------
    similarity : (Q, R) array_like of float
        Higher = more similar (e.g. cosine of L2-normalised descriptors).
    copy_of : (Q,) array_like of int
        The reference each query copies, ``-1`` for a distractor query.
    threshold : float
        One global threshold for every query.

    Returns
    -------
    (precision, recall, n_detections) : (float, float, int)
        ``precision`` = true pairs detected / pairs detected (1.0 when nothing is detected);
        ``recall`` = true pairs detected / copy queries.
    """
    sim, truth = _check_sim_truth(similarity, copy_of)
    t = check_number(threshold, "threshold")
    hits = sim >= t
    n = int(hits.sum())
    rows = np.flatnonzero(truth >= 0)
    tp = int(hits[rows, truth[rows]].sum())
    return (tp / n if n else 1.0), tp / len(rows), n


def threshold_at_precision(similarity, copy_of, precision=0.9) -> float:
    """The lowest global threshold whose range search keeps ``precision`` (the most recall at that precision).

    Parameters
    ----------
    similarity : (Q, R) array_like of float
    copy_of : (Q,) array_like of int (-1 for distractors)
    precision : float in (0, 1]

    Returns
    -------
    float
        A similarity value of the matrix; ``inf`` when no threshold reaches ``precision``.
    """
    sim, truth = _check_sim_truth(similarity, copy_of)
    target = check_number(precision, "precision", minimum=0.0, maximum=1.0, strict_min=True)
    is_true = np.zeros(sim.shape, bool)
    rows = np.flatnonzero(truth >= 0)
    is_true[rows, truth[rows]] = True
    s, y = sim.ravel(), is_true.ravel()
    order = np.lexsort((y, -s))          # by decreasing score, false pairs first on ties (pessimistic)
    s, y = s[order], y[order]
    last_of_tie = np.r_[s[1:] != s[:-1], True]   # a threshold keeps whole groups of equal scores
    prec = np.cumsum(y) / np.arange(1, len(y) + 1)
    ok = np.flatnonzero(last_of_tie & (prec >= target))
    return float(s[ok[-1]]) if len(ok) else float("inf")


def micro_ap_sn(similarity, background_similarity, copy_of, k=10, beta=1.0, first=0, last=2) -> float:
    """µAP after score normalisation (µAP_SN) from a query × reference and a query × background similarity.

    Each query's similarities are shifted by ``beta`` × the mean of its ``first..last`` most
    similar background images (:func:`imsearch.eval.metrics.score_normalize`); its ``k``
    best references become predictions, pooled over all queries into µAP
    (:func:`imsearch.eval.metrics.micro_average_precision`).

    Parameters
    ----------
    similarity : (Q, R) array_like of float
    background_similarity : (Q, B) array_like of float
    copy_of : (Q,) array_like of int (-1 for distractors)
    k : int
    beta : float >= 0
    first, last : int

    Returns
    -------
    float in [0, 1]
    """
    from .metrics import micro_average_precision, score_normalize

    sim, truth = _check_sim_truth(similarity, copy_of)
    k = check_int(k, "k", minimum=1, maximum=sim.shape[1])
    s = score_normalize(sim, background_similarity, beta, first, last)
    top = np.argsort(-s, axis=1, kind="stable")[:, :k]
    q = np.repeat(np.arange(len(s)), k)
    r = top.ravel()
    preds = (q.astype(str), r.astype(str), s[q, r])
    gt = [(str(i), str(t)) for i, t in enumerate(truth) if t >= 0]
    return micro_average_precision(preds, gt)


def singular_spectrum(descriptors, seed=0) -> tuple:
    """Normalised singular values of a centred descriptor set, and of a uniform set of the same shape.

    Parameters
    ----------
    descriptors : (N, D) array_like of float
    seed : int
        Seeds the uniform reference: ``N`` points drawn uniformly on the unit sphere of ``R^D``.

    Returns
    -------
    (values, uniform) : two (min(N, D),) float64 arrays, each divided by its largest value
    """
    from .._util.validation import as_rng

    x = check_array(descriptors, "descriptors", ndim=2, kinds="iuf").astype(np.float64)
    if x.shape[0] < 2:
        raise ValueError(f"descriptors must have at least 2 rows, got {x.shape[0]}")
    u = as_rng(seed).normal(size=x.shape)
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    out = []
    for a in (x, u):
        s = np.linalg.svd(a - a.mean(0), compute_uv=False)
        out.append(s / s[0] if s[0] > 0 else s)
    return out[0], out[1]


def sscd_results(names, disc=None, features=("projection",), n_resamples=1000, progress=True) -> dict:
    """The committed chapter-11 models on the DISC benchmark (descriptors cached).

    Parameters
    ----------
    names : sequence of str
        Models of :data:`imsearch.nn.sscd.RECIPES` (committed under ``data/models``).
    disc : imsearch.eval.DISC, optional
        Default :func:`imsearch.eval.load_disc`.
    features : sequence of {"projection", "trunk_avg", "trunk_gem"}
    n_resamples : int
        Bootstrap resamples of every metric's interval (0: none).
    progress : bool

    Returns
    -------
    dict ``(name, feature) -> dict`` with the entries of :meth:`imsearch.eval.DISC.evaluate_similarity`
    plus ``"similarity"`` (Q, R), ``"background_similarity"`` (Q, B), ``"queries"`` (Q, D) and
    ``"references"`` (R, D) descriptors, ``"card"`` (the model's card).
    """
    from ..nn.sscd import RECIPES, disc_descriptors, weights_id
    from ..nn.zoo import load_model, read_card
    from .benchmarks import similarity_matrix
    from .disc import load_disc

    disc = load_disc(progress=progress) if disc is None else disc
    out = {}
    for name in names:
        if name not in RECIPES:
            raise ValueError(f"names must be models of imsearch.nn.sscd.RECIPES, got {name!r}")
        model, _, _ = load_model(name)
        d = disc_descriptors(model, disc, weights_id(model), RECIPES[name].extra["size"], progress)
        for f in features:
            q, r, b = d["queries"][f], d["references"][f], d["background"][f]
            sim = similarity_matrix(q, r, "cosine")
            bsim = similarity_matrix(q, b, "cosine")
            res = disc.evaluate_similarity(sim, bsim, n_resamples=n_resamples)
            res.update(similarity=sim, background_similarity=bsim, queries=q, references=r, card=read_card(name))
            out[(name, f)] = res
    return out


# ----------------------------------------------------------------------------- the models' training and scores

def _train(name, recipe, progress):
    """Train a chapter-11 recipe on the DISC benchmark's training pool (one torch thread)."""
    from ..nn.sscd import train_sscd
    from .disc import load_disc

    return train_sscd(recipe, load_disc(progress=progress).train, progress, threads=1)


def _evaluate(name, model, progress=False):
    """The scores a chapter-11 card records: the model's projection on the DISC benchmark."""
    from ..nn.sscd import RECIPES, evaluate_disc, weights_id
    from .disc import load_disc

    res = evaluate_disc(model, load_disc(progress=progress), weights_id(model), size=RECIPES[name].extra["size"],
                        progress=progress)
    return {f"disc_{k}": float(res[k]) for k in ("uAP", "uAP_SN", "recall_at_p90", "recall_at_1", "MRR")}


def register_models() -> None:
    """Register the chapter-11 models in :mod:`imsearch.nn.zoo` with their DISC training and scoring.

    Called when this module is imported; ``nn`` alone can load them but not train or score them.
    """
    from ..nn import zoo
    from ..nn.sscd import zoo_family

    zoo.register_family(zoo_family(train=_train, evaluate=_evaluate))


register_models()
