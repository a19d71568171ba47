"""Exercises of chapter 3 — comparing pixels."""
from __future__ import annotations

import numpy as np

from imsearch import eval, index, matching
from imsearch.descriptors import histograms as globaldesc
from imsearch.grading.checks import Case, Exercise, register
from imsearch.index import ann, brute_force


def _cases_3_1(rng):
    return [
        Case("uint8 vectors 100 vs 80 (D=300): D·20² = 120000, no uint8 wrap-around",
             (np.full((1, 300), 100, np.uint8), np.full((1, 300), 80, np.uint8)), expected=np.array([[120000.0]])),
        Case("uint8 vectors 80 vs 100, the other way round",
             (np.full((1, 300), 80, np.uint8), np.full((1, 300), 100, np.uint8)), expected=np.array([[120000.0]])),
        Case("uint8 black vs white, D=12: 12·255²",
             (np.zeros((1, 12), np.uint8), np.full((2, 12), 255, np.uint8)), expected=np.full((1, 2), 12 * 255.0 ** 2)),
        Case("2-D points by hand",
             (np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[3.0, 4.0], [1.0, 1.0], [0.0, 1.0]])),
             expected=np.array([[25.0, 2.0, 1.0], [13.0, 0.0, 1.0]])),
        Case("3 random 4×4×3 uint8 thumbnails vs 5", (rng.integers(0, 256, (3, 48), dtype=np.uint8),
                                                       rng.integers(0, 256, (5, 48), dtype=np.uint8))),
        Case("4 random float vectors vs 6 (D=10)", (rng.normal(size=(4, 10)), rng.normal(size=(6, 10)))),
        Case("1 uint8 query vs 7 (D=12)", (rng.integers(0, 256, (1, 12), dtype=np.uint8),
                                           rng.integers(0, 256, (7, 12), dtype=np.uint8))),
    ]


register(Exercise(
    id="3.1", title="Images as vectors: squared Euclidean distances", points=2,
    function="squared_distances",
    signature="squared_distances(queries: (Q, D) array, uint8 or float, database: (N, D) array) -> "
              "(Q, N) float array, entry [i, j] = sum over d of (queries[i, d] - database[j, d])²",
    reference=index.squared_l2, cases=_cases_3_1, rtol=1e-9, atol=1e-6,
    siblings=(ann._sq_dist, brute_force.pairwise_distances, matching._squared_distances),
))


def _two_colour_image():
    img = np.zeros((4, 4, 3), np.uint8)
    img[:, :2] = (255, 0, 0)
    img[:, 2:] = (0, 0, 255)
    return img


def _cases_3_2(rng):
    ramp = np.zeros((1, 256, 3), np.uint8)
    ramp[0, :, 0] = np.arange(256)
    ramp_expected = np.zeros(64)
    ramp_expected[[0, 16, 32, 48]] = 0.25
    return [
        Case("a 2-colour image (red | blue), 2 bins per channel", (_two_colour_image(), 2),
             expected=np.array([0, 0.5, 0, 0, 0.5, 0, 0, 0])),
        Case("a flat (100, 150, 200) image, 4 bins: bin 1·16 + 2·4 + 3 = 27", (np.full((3, 3, 3), (100, 150, 200),
                                                                                  np.uint8), 4),
             expected=np.eye(64)[27]),
        Case("red levels 0..255, 4 bins: 64 levels per bin", (ramp, 4), expected=ramp_expected),
        Case("random 16×16 image, 8 bins", (rng.integers(0, 256, (16, 16, 3), dtype=np.uint8), 8)),
        Case("random 12×20 image, 5 bins", (rng.integers(0, 256, (12, 20, 3), dtype=np.uint8), 5)),
        Case("random 10×10 image, 3 bins", (rng.integers(0, 256, (10, 10, 3), dtype=np.uint8), 3)),
    ]


register(Exercise(
    id="3.2", title="The joint RGB colour histogram", points=2,
    function="color_histogram",
    signature="color_histogram(image: (H, W, 3) uint8, bins: int) -> (bins**3,) float array summing to 1; "
              "level v is in bin v*bins // 256; pixel (r, g, b) counts in bin (i_r*bins + i_g)*bins + i_b",
    reference=globaldesc.color_histogram, cases=_cases_3_2, rtol=0, atol=1e-12,
))


def _cases_3_3(rng):
    h = rng.random(16)
    h /= h.sum()
    db = rng.random((5, 64)) * (rng.random((5, 64)) < 0.5) + 1e-3
    db /= db.sum(axis=1, keepdims=True)
    q = rng.random(64) * (rng.random(64) < 0.5)
    q /= q.sum()
    return [
        Case("[1, 0, 0, 0] ∩ [0.5, 0.5, 0, 0] = 0.5",
             (np.array([1.0, 0, 0, 0]), np.array([0.5, 0.5, 0, 0])), expected=0.5),
        Case("counts [2, 1, 0] ∩ [1, 1, 2] = (1 + 1) / 4 (normalised by the model b)",
             (np.array([2, 1, 0]), np.array([1, 1, 2])), expected=0.5),
        Case("a histogram with itself = 1", (h, h.copy()), expected=1.0),
        Case("one histogram vs 5 database histograms (D=64)", (q, db)),
        Case("random counts, 4 pairs row by row (D=27)",
             (rng.integers(0, 20, (4, 27)), rng.integers(1, 20, (4, 27)))),
    ]


register(Exercise(
    id="3.3", title="Histogram intersection (Swain & Ballard)", points=2,
    function="histogram_intersection",
    signature="histogram_intersection(a: (..., D) array >= 0, b: (..., D) array >= 0) -> "
              "sum(min(a, b)) / sum(b) along the last axis (a float, or an array of the broadcast leading shape)",
    reference=globaldesc.intersection, cases=_cases_3_3, rtol=1e-9, atol=1e-12,
))


def _cases_3_4(rng):
    d = np.array([[0.1, 0.5, 0.9],
                  [0.7, 0.2, 0.4],
                  [0.3, 0.3, 0.8]])
    return [
        Case("3 queries by hand, k=1 (query 2 ties with a lower index: a miss)", (d, np.array([0, 2, 1]), 1),
             expected=1 / 3),
        Case("the same, k=2", (d, np.array([0, 2, 1]), 2), expected=1.0),
        Case("each query at distance 0 from its own item, k=1", (1.0 - np.eye(4), np.arange(4), 1), expected=1.0),
        Case("each query farthest from its item, k=3 of 4", (np.eye(4), np.arange(4), 3), expected=0.0),
        Case("20 random queries, 15 items, k=1", (rng.random((20, 15)), rng.integers(0, 15, 20), 1)),
        Case("20 random queries, 15 items, k=5", (rng.random((20, 15)), rng.integers(0, 15, 20), 5)),
        Case("50 random queries, 30 items, k=10", (rng.random((50, 30)), rng.integers(0, 30, 50), 10)),
    ]


register(Exercise(
    id="3.4", title="Recall at k (top-1 accuracy for k = 1)", points=2,
    function="recall_at_k",
    signature="recall_at_k(distances: (Q, N) float array, true_index: (Q,) int array, k: int) -> float, the "
              "fraction of queries whose true item is among the k smallest distances (ties: lower index first)",
    reference=eval.recall_at_k, cases=_cases_3_4, rtol=1e-12, atol=1e-12,
))
