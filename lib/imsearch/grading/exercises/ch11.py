"""Exercises of chapter 11 — SSCD: KoLeo, µAP_SN, range search, the descriptor head, a threshold to choose."""
from __future__ import annotations

import math

import numpy as np

from imsearch.grading.checks import Case, Exercise, register
from imsearch.nn.extraction import as_tensor


def _t(a):
    return as_tensor(a)


def _pairs_mask(n):
    """Positives of a batch made of two views of n/2 images: view i and view i + n/2."""
    m = np.zeros((n, n), bool)
    h = n // 2
    m[np.arange(h), np.arange(h) + h] = True
    m[np.arange(h) + h, np.arange(h)] = True
    return as_tensor(m).bool()


def _cases_11_1(rng):
    line = _t([[0.0], [1.0], [3.0], [7.0]])
    mask = np.zeros((4, 4), bool)
    mask[0, 1] = mask[1, 0] = True
    angles = np.arange(8) * np.pi / 4
    circle = _t(np.stack([np.cos(angles), np.sin(angles)], 1))
    z = rng.normal(size=(12, 6))
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    no_pos = as_tensor(np.zeros((4, 4), bool)).bool()
    return [
        Case("points 0, 1, 3, 7 on a line, no positives: nearest distances 1, 1, 2, 4",
             (line, no_pos), expected=-(math.log(2) + math.log(4)) / 4),
        Case("the same points, 0 and 1 positives of each other: nearest non-positives at 3, 2, 2, 4",
             (line, as_tensor(mask).bool()), expected=-(math.log(3) + 2 * math.log(2) + math.log(4)) / 4),
        Case("8 points evenly spread on the unit circle: every nearest distance is 2 sin(π/8)",
             (circle, as_tensor(np.zeros((8, 8), bool)).bool()), expected=-math.log(2 * math.sin(math.pi / 8))),
        Case("12 random unit vectors, two views of 6 images (view i and i + 6 are positives)",
             (_t(z), _pairs_mask(12))),
        Case("20 random vectors in 3-d, no positives", (_t(rng.normal(size=(20, 3))), as_tensor(
            np.zeros((20, 20), bool)).bool())),
    ]


from imsearch.nn.losses import koleo

register(Exercise(
    id="11.1", title="The KoLeo differential-entropy regulariser", points=2,
    function="koleo_loss",
    signature="koleo_loss(z: (n, D) float tensor, positive_mask: (n, n) bool tensor) -> scalar tensor, "
              "−(1/n) Σ_i log(min over j ≠ i with positive_mask[i, j] False of ||z_i − z_j||)",
    reference=koleo, cases=_cases_11_1, rtol=1e-6, atol=1e-6,
))


def _copy_problem(rng, q=40, r=30, b=25, d=8, noise=0.8):
    refs = rng.normal(size=(r, d))
    truth = np.where(rng.random(q) < 0.5, rng.integers(0, r, q), -1)
    queries = rng.normal(size=(q, d))
    queries[truth >= 0] = refs[truth[truth >= 0]] + noise * rng.normal(size=(int((truth >= 0).sum()), d))
    queries[: q // 4] *= 3  # some "busy" queries close to everything
    bg = rng.normal(size=(b, d))
    return queries @ refs.T, queries @ bg.T, truth


def _cases_11_2(rng):
    sim = np.array([[0.9, 0.2, 0.6], [0.3, 0.5, 0.8], [0.7, 0.1, 0.1]])
    truth = np.array([0, 1, -1])
    bg = np.array([[0.5] * 4, [0.0] * 4, [0.5] * 4])
    s1, b1, t1 = _copy_problem(rng)
    s2, b2, t2 = _copy_problem(rng, q=60, r=50, b=10, noise=1.5)
    return [
        Case("a zero background changes nothing: top-1 predictions 0.9 (true), 0.8, 0.7 -> µAP 1/2",
             (sim, np.zeros((3, 4)), truth, 1), expected=0.5),
        Case("queries 0 and 2 are busy (background 0.5): the true pair of query 1 now ranks second",
             (sim, bg, truth, 2), expected=0.5 * 0.5 + 0.5 * 2 / 3),
        Case("40 random queries, k = 10", (s1, b1, t1, 10)),
        Case("60 random queries, k = 3", (s2, b2, t2, 3)),
    ]


from imsearch.eval.sscd import micro_ap_sn

register(Exercise(
    id="11.2", title="µAP after score normalisation (µAP_SN)", points=3,
    function="micro_ap_sn",
    signature="micro_ap_sn(similarity: (Q, R), background_similarity: (Q, B), copy_of: (Q,) int (-1: distractor), "
              "k: int) -> float: subtract from each query's similarities the mean of its 3 largest background "
              "similarities, keep its k best references as predictions, pool all predictions and return µAP "
              "(imsearch.eval.micro_average_precision may be used)",
    reference=micro_ap_sn, cases=_cases_11_2, rtol=1e-9, atol=1e-12,
))


def _cases_11_3(rng):
    sim = np.array([[0.9, 0.2, 0.6], [0.3, 0.5, 0.8], [0.7, 0.1, 0.1]])
    truth = np.array([0, 1, -1])
    s1, _, t1 = _copy_problem(rng)
    return [
        Case("threshold 0.6: four detections, one true; one of two copies found", (sim, truth, 0.6),
             expected=(0.25, 0.5, 4)),
        Case("threshold 0.85: one detection, true", (sim, truth, 0.85), expected=(1.0, 0.5, 1)),
        Case("a threshold above everything: nothing detected, precision 1 by convention", (sim, truth, 0.95),
             expected=(1.0, 0.0, 0)),
        Case("40 random queries, threshold 2", (s1, t1, 2.0)),
        Case("40 random queries, threshold 6", (s1, t1, 6.0)),
    ]


from imsearch.eval.sscd import range_search_precision_recall

register(Exercise(
    id="11.3", title="Range search at one global threshold: precision and recall", points=2,
    function="range_search_pr",
    signature="range_search_pr(similarity: (Q, R), copy_of: (Q,) int (-1: distractor), threshold: float) -> "
              "(precision, recall, n_detections): every (query, reference) pair with similarity >= threshold is "
              "detected; precision = true detections / detections (1.0 if none); recall = true detections / copy "
              "queries",
    reference=range_search_precision_recall, cases=_cases_11_3, rtol=1e-12, atol=1e-12,
))


def _cases_11_4(rng):
    x = _t(rng.random((2, 6, 3, 3)) + 0.05)
    w = _t(rng.normal(size=(4, 6)))
    b = _t(rng.normal(size=4))
    const = _t(np.full((1, 2, 2, 2), 2.0))
    return [
        Case("a constant map 2, GeM = 2; W = [[3, 0], [0, 4]]: (6, 8) / 10",
             (const, 3.0, _t([[3.0, 0.0], [0.0, 4.0]]), _t([0.0, 0.0])), expected=np.array([[0.6, 0.8]])),
        Case("the bias alone decides when W = 0", (const, 3.0, _t(np.zeros((2, 2))), _t([0.0, -5.0])),
             expected=np.array([[0.0, -1.0]])),
        Case("random map, p = 3, 6 -> 4 dimensions", (x, 3.0, w, b)),
        Case("random map, p = 1 (average pooling)", (x, 1.0, w, b)),
    ]


from imsearch.nn.sscd import gem_linear_l2

register(Exercise(
    id="11.4", title="The SSCD descriptor head: GeM, linear projection, L2", points=2,
    function="sscd_head",
    signature="sscd_head(x: (N, C, H, W) tensor > 0, p: float, weight: (D, C) tensor, bias: (D,) tensor) -> "
              "(N, D) tensor: GeM-pool x with exponent p, multiply by weight transposed, add bias, L2-normalise rows",
    reference=gem_linear_l2, cases=_cases_11_4, rtol=1e-6, atol=1e-9,
))


def _cases_11_5(rng):
    sim = np.array([[0.9, 0.2, 0.6], [0.3, 0.5, 0.8], [0.7, 0.1, 0.1]])
    truth = np.array([0, 1, -1])
    s1, _, t1 = _copy_problem(rng, q=80, r=40)
    return [
        Case("precision 1: only the 0.9 pair may be kept", (sim, truth, 1.0), expected=0.9),
        Case("precision 1/4: down to 0.2 (2 true of 7 detections); at 0.1, 2 of 9 is too few",
             (sim, truth, 0.25), expected=0.2),
        Case("80 random queries, 90 % precision", (s1, t1, 0.9)),
        Case("80 random queries, 50 % precision", (s1, t1, 0.5)),
    ]


from imsearch.eval.sscd import threshold_at_precision

register(Exercise(
    id="11.5", title="Choose the threshold for 90 % precision (then check it on held-out queries)", points=2,
    function="choose_threshold",
    signature="choose_threshold(similarity: (Q, R), copy_of: (Q,) int (-1: distractor), precision: float) -> float, "
              "the lowest similarity value t of the matrix such that the range search at t still has a precision "
              ">= precision (inf if none); detections at equal scores are kept or dropped together",
    reference=threshold_at_precision, cases=_cases_11_5, rtol=0, atol=0,
))
