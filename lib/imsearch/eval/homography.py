"""Chapter 5's estimator study: how good is an estimated homography on a benchmark pair?

Per pair, the transfer error of the estimate on the ground-truth correspondences and the
precision/recall of its inliers (:func:`homography_pair_metrics` for CMP ``homogr`` pairs with a
ground-truth model, :func:`labelled_pair_metrics` for EVD pairs with labelled matches); over
pairs and estimators (ours, OpenCV's RANSAC, MAGSAC): :func:`evaluate_homography_estimators`
and :func:`summarize_homography_results`. The estimators themselves live in
:mod:`imsearch.geometry`.
"""
from __future__ import annotations


import math
import time

import numpy as np

from .._util.validation import check_array, check_number
from ..geometry.transforms import _matrix33, _transfer


# ----------------------------------------------------------------------------- the pairs

#: Embedded photos standing in for the CMP pairs without the data pack (``homogr``, ``evd``).
STAND_IN_PHOTOS = {"homogr": ("astronaut", "coffee", "chelsea", "rocket", "china", "grace_hopper", "brick", "camera"),
                   "evd": ("astronaut", "coffee", "chelsea", "rocket", "china", "grace_hopper")}


def benchmark_pairs(kind: str = "homogr", progress: bool = True) -> list:
    """Chapter 5's benchmark pairs: the CMP pairs of the data pack, or synthetic stand-ins.

    Parameters
    ----------
    kind : {"homogr", "evd"}
        ``"homogr"``: the 16 pairs with a ground-truth homography and their images (stand-in:
        8 embedded photos warped by random homographies, 30 % random outliers added);
        ``"evd"``: the 15 extreme-view pairs, matches and labels only (stand-in: 6 photos
        under stronger warps with 85 % outliers).
    progress : bool
        Show a ``tqdm.auto`` progress bar while loading or making the pairs.

    Returns
    -------
    list of dict
        As :func:`imsearch.data.loaders.load_cmp_pair` returns them, with ``"name"`` added
        (an ``evd`` pair keeps only ``name``, ``matches`` and ``labels``).
    """
    from tqdm.auto import tqdm

    from ..data.loaders import cmp_pair_names, load_cmp_pair
    from ..data.pack import have_dataset
    from ..data.photos import load_default_image
    from ..matching import synthetic_homography_pair

    if kind not in STAND_IN_PHOTOS:
        raise ValueError(f"kind must be 'homogr' or 'evd', got {kind!r}")
    hard = kind == "evd"
    pairs = []
    if have_dataset("cmp_homography_pairs"):
        for name in tqdm(cmp_pair_names(kind), desc=f"loading {kind} pairs", disable=not progress):
            pair = {"name": name, **load_cmp_pair(name, kind)}
            pairs.append({k: pair[k] for k in ("name", "matches", "labels")} if hard else pair)
        return pairs
    for k, name in enumerate(tqdm(STAND_IN_PHOTOS[kind], desc=f"making {kind} stand-ins", disable=not progress)):
        pair = synthetic_homography_pair(load_default_image(name), seed=10 * hard + k, strength=0.45 if hard else 0.3,
                                         outlier_fraction=0.85 if hard else 0.3)
        pairs.append({"name": name, "matches": pair["matches"], "labels": pair["labels"]} if hard
                     else {"name": name, **pair})
    return pairs


# ----------------------------------------------------------------------------- evaluation

def homography_pair_metrics(H, inlier_mask, matches, H_gt, verified, threshold_px=3.0, success_px=5.0) -> dict:
    """Quality of an estimated homography on one benchmark pair with a ground-truth model.

    Parameters
    ----------
    H : (3, 3) array_like of float or None
        The estimate, mapping the ``src`` columns of ``matches`` onto the ``dst`` columns.
    inlier_mask : (N,) array_like of bool
        The estimator's inliers among the tentative matches.
    matches : (N, 4) array_like of float
        Tentative correspondences ``[x_dst, y_dst, x_src, y_src]`` — the CMP layout
        ``[xA, yA, xB, yB]`` with models mapping B (src) → A (dst).
    H_gt : (3, 3) array_like of float
        Ground-truth model B → A.
    verified : (K, 4) array_like of float
        Manually verified correspondences in the same layout, on which the transfer
        error is measured (the image corners are a poor yardstick where matches
        cover only part of the image).
    threshold_px : float
        Ground-truth inliers are the tentative matches whose transfer error under
        ``H_gt`` is below this.
    success_px : float
        A pair is a success when the mean transfer error of ``H`` on ``verified`` is
        below this.

    Returns
    -------
    dict
        ``found`` (bool), ``error_px`` (mean transfer error on the verified pairs, inf if
        not found), ``success`` (bool), ``n_inliers``, ``n_gt_inliers``, ``precision``,
        ``recall`` (of the inlier mask against the ground-truth inliers; precision is 0
        for an empty mask).
    """
    m = check_array(matches, "matches", shape=(None, 4), kinds="iuf").astype(np.float64)
    v = check_array(verified, "verified", shape=(None, 4), kinds="iuf").astype(np.float64)
    mask = check_array(inlier_mask, "inlier_mask", shape=(len(m),), kinds="b", allow_empty=True)
    Hg = _matrix33(H_gt, "H_gt")
    threshold_px = check_number(threshold_px, "threshold_px", minimum=0.0, strict_min=True)
    success_px = check_number(success_px, "success_px", minimum=0.0, strict_min=True)
    gt = _transfer(Hg, m[:, 2:], m[:, :2]) < threshold_px
    found = H is not None
    err = float(_transfer(_matrix33(H), v[:, 2:], v[:, :2]).mean()) if found else math.inf
    tp = int((mask & gt).sum())
    return {
        "found": found,
        "error_px": err,
        "success": bool(found and err < success_px),
        "n_inliers": int(mask.sum()),
        "n_gt_inliers": int(gt.sum()),
        "precision": tp / int(mask.sum()) if mask.any() else 0.0,
        "recall": tp / int(gt.sum()) if gt.any() else 0.0,
    }


def labelled_pair_metrics(H, inlier_mask, labels, matches, success_px=5.0) -> dict:
    """Quality of an estimate on a pair whose tentative matches are labelled (e.g. CMP EVD).

    Parameters
    ----------
    H : (3, 3) array_like of float or None
        The estimate, mapping the ``src`` columns of ``matches`` onto the ``dst`` columns.
    inlier_mask : (N,) array_like of bool
    labels : (N,) array_like of int
        > 0 for a correct match (an inlier), 0 for a wrong one.
    matches : (N, 4) array_like of float
        ``[x_dst, y_dst, x_src, y_src]`` (CMP ``[xA, yA, xB, yB]``).
    success_px : float > 0
        A pair is a success when the median transfer error of the labelled inliers
        under ``H`` is below this: the model explains the correct matches.

    Returns
    -------
    dict
        ``found``, ``error_px`` (median transfer error of the labelled inliers; inf if
        not found, NaN without labelled inliers), ``success``, ``n_inliers``,
        ``n_labelled``, ``precision`` and ``recall`` of the mask against the labels.
    """
    lab = check_array(labels, "labels", ndim=1, kinds="biuf") > 0
    mask = check_array(inlier_mask, "inlier_mask", shape=(len(lab),), kinds="b")
    m = check_array(matches, "matches", shape=(len(lab), 4), kinds="iuf").astype(np.float64)
    success_px = check_number(success_px, "success_px", minimum=0.0, strict_min=True)
    found = H is not None
    tp = int((mask & lab).sum())
    if not lab.any():
        err = math.nan
    elif found:
        err = float(np.median(_transfer(_matrix33(H), m[lab, 2:], m[lab, :2])))
    else:
        err = math.inf
    return {"found": found, "error_px": err, "success": bool(found and err < success_px),
            "n_inliers": int(mask.sum()), "n_labelled": int(lab.sum()),
            "precision": tp / int(mask.sum()) if mask.any() else 0.0,
            "recall": tp / int(lab.sum()) if lab.any() else 0.0}


def evaluate_homography_estimators(pairs, estimators, threshold_px=3.0, success_px=5.0, progress=True):
    """Run several homography estimators on benchmark pairs and measure each on each pair.

    Parameters
    ----------
    pairs : sequence of dict
        Each with ``"name"`` and ``"matches"`` ((N, 4) ``[xA, yA, xB, yB]``), and either
        ``"H_BtoA"`` + ``"verified"`` (a ground-truth model: :func:`homography_pair_metrics`)
        or ``"labels"`` only (:func:`labelled_pair_metrics`; the success criterion is then
        the median error of the labelled inliers). ``imsearch.data.loaders.load_cmp_pair``
        returns such dicts.
    estimators : dict of str -> callable
        ``estimator(src, dst) -> (H or None, inlier_mask)``, called with ``src`` = B's
        points and ``dst`` = A's, so ``H`` maps B → A like the ground truth.
    threshold_px, success_px : float
        See :func:`homography_pair_metrics` (``threshold_px`` is also the inlier
        threshold the estimators should use; it is not passed to them).
    progress : bool
        Show a ``tqdm.auto`` progress bar over the pairs.

    Returns
    -------
    list of dict
        One row per (pair, estimator): ``pair``, ``method``, ``time_s`` and the metrics.
    """
    from tqdm.auto import tqdm

    pairs = list(pairs)
    if not isinstance(estimators, dict) or not estimators:
        raise ValueError("estimators must be a non-empty dict of name -> callable")
    for name, est in estimators.items():
        if not callable(est):
            raise TypeError(f"estimators[{name!r}] must be callable, got {type(est).__name__}")
    rows = []
    for pair in tqdm(pairs, desc="pairs", disable=not progress):
        if not isinstance(pair, dict) or "matches" not in pair:
            raise ValueError("each pair must be a dict with a 'matches' (N, 4) array")
        m = check_array(pair["matches"], "matches", shape=(None, 4), kinds="iuf").astype(np.float64)
        src, dst = m[:, 2:], m[:, :2]
        for name, est in estimators.items():
            t0 = time.perf_counter()
            H, mask = est(src, dst)
            dt = time.perf_counter() - t0
            mask = np.asarray(mask, dtype=bool).ravel()
            if "H_BtoA" in pair:
                met = homography_pair_metrics(H, mask, m, pair["H_BtoA"], pair["verified"],
                                              threshold_px, success_px)
            else:
                met = labelled_pair_metrics(H, mask, pair["labels"], m, success_px)
            rows.append({"pair": pair.get("name", str(len(rows))), "method": name, "time_s": dt, **met})
    return rows


def summarize_homography_results(rows) -> list:
    """Aggregate :func:`evaluate_homography_estimators` rows per method.

    Parameters
    ----------
    rows : list of dict
        One per (pair, method), with ``method``, ``success``, ``error_px``,
        ``precision``, ``recall`` and ``time_s``.

    Returns
    -------
    list of dict
        One per method, in first-seen order: ``method``, ``n_pairs``, ``success_rate``,
        ``median_error_px`` (over all pairs; inf counts as a failure),
        ``mean_error_success_px`` (mean over the successful pairs, NaN if none),
        ``precision`` and ``recall`` (means over pairs), ``time_ms`` (mean per pair).
    """
    rows = list(rows)
    if not rows:
        raise ValueError("rows must not be empty")
    out = []
    for method in dict.fromkeys(r["method"] for r in rows):
        rs = [r for r in rows if r["method"] == method]
        err = np.array([r["error_px"] for r in rs], dtype=np.float64)
        ok = np.array([r["success"] for r in rs], dtype=bool)
        out.append({
            "method": method,
            "n_pairs": len(rs),
            "success_rate": float(ok.mean()),
            "median_error_px": float(np.median(err)),
            "mean_error_success_px": float(err[ok].mean()) if ok.any() else math.nan,
            "precision": float(np.mean([r["precision"] for r in rs])),
            "recall": float(np.mean([r["recall"] for r in rs])),
            "time_ms": 1000.0 * float(np.mean([r["time_s"] for r in rs])),
        })
    return out
