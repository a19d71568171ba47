"""Exercises of chapter 6 — global descriptors."""
from __future__ import annotations

import numpy as np

from imsearch import descriptors
from imsearch.descriptors import spatial_envelope as gist
from imsearch.grading.checks import Case, Exercise, register
from imsearch.index import reranking as rerank


def _cases_6_1(rng):
    hue = rng.random(60)
    weights = rng.random(60)
    return [
        Case("two hues on the centres of bins 0 and 1 (4 bins)", (np.array([0.125, 0.375]), np.ones(2), 4),
             expected=np.array([0.5, 0.5, 0.0, 0.0])),
        Case("hue 0 (red) is half-way between the centres of the last and the first bin",
             (np.array([0.0]), np.array([1.0]), 4), expected=np.array([0.5, 0.0, 0.0, 0.5])),
        Case("hue 1.0 is hue 0 again", (np.array([1.0]), np.array([3.0]), 4), expected=np.array([0.5, 0.0, 0.0, 0.5])),
        Case("hues 0.99 and 0.01 (two reds), 8 bins: half in bin 7, half in bin 0",
             (np.array([0.99, 0.01]), np.array([1.0, 1.0]), 8), expected=np.eye(8)[[0, 7]].sum(axis=0) / 2),
        Case("a gray pixel with weight 0 does not count; hue 0.6 with 5 bins sits between bins 2 and 3",
             (np.array([0.3, 0.6]), np.array([0.0, 2.0]), 5), expected=np.array([0.0, 0.0, 0.5, 0.5, 0.0])),
        Case("a quarter of the way from centre 1 to centre 2 (4 bins)", (np.array([0.4375]), np.array([1.0]), 4),
             expected=np.array([0.0, 0.75, 0.25, 0.0])),
        Case("one bin: everything in it", (rng.random(7), rng.random(7) + 0.1, 1), expected=np.array([1.0])),
        Case("60 random hues and weights, 12 bins", (hue, weights, 12)),
        Case("60 random hues, weights 1, 36 bins", (hue, np.ones(60), 36)),
        Case("hues near the wrap-around, 6 bins", (np.concatenate([rng.random(10) * 0.05, 1 - rng.random(10) * 0.05]),
                                                  rng.random(20), 6)),
    ]


register(Exercise(
    id="6.1", title="A soft hue histogram that wraps around", points=2,
    function="soft_hue_histogram",
    signature="soft_hue_histogram(hue: (N,) floats in [0, 1], weights: (N,) floats >= 0, bins: int) -> (bins,) "
              "float array summing to 1; bin j is centred on (j + 0.5)/bins; u = hue·bins - 0.5 gives (1 - t)·w to "
              "bin floor(u) mod bins and t·w to the next bin (mod bins), t = u - floor(u)",
    reference=descriptors.soft_hue_histogram, cases=_cases_6_1, rtol=1e-9, atol=1e-12,
))


def _palettes(rng, n, d=3, spread=25.0):
    """n random signatures of 2-8 colours with weights summing to 1 (CIELAB-like coordinates)."""
    out = []
    for _ in range(n):
        k = int(rng.integers(2, 9))
        centre = rng.uniform([20, -40, -40], [80, 40, 40])[:d]
        out.append((centre + rng.normal(0, spread, (k, d)), rng.dirichlet(np.ones(k))))
    return out


def _cases_6_2(rng):
    one = (np.array([[0.0, 0.0, 0.0]]), np.array([1.0]))
    line = [(np.array([[float(x), 0.0, 0.0]]), np.array([1.0])) for x in (5.0, -1.0, 3.0, 10.0, 2.0)]
    cases = [
        # one-colour signatures: EMD = lower bound = |x|; visiting order -1, 2, 3, 5, 10: after 2 exact EMDs
        # (1 and 2) the next bound 3 >= the 2nd best 2, so the search stops
        Case("one-colour signatures on a line, k = 2", (one, line, 2), expected=(np.array([1, 4]), 2)),
        Case("the same, k = 5: every EMD is needed", (one, line, 5), expected=(np.array([1, 4, 2, 0, 3]), 5)),
        Case("k = 1 finds the nearest after one EMD", (one, line, 1), expected=(np.array([1]), 1)),
    ]
    for n, k, spread in ((30, 3, 25.0), (60, 5, 15.0), (40, 1, 40.0)):
        database = _palettes(rng, n, spread=spread)
        cases.append(Case(f"{n} random palettes, k = {k}", (_palettes(rng, 1, spread=spread)[0], database, k)))
    counts = [(c, 100.0 * w) for c, w in _palettes(rng, 25)]  # weights in pixels (sum 100), not fractions
    cases.append(Case("25 palettes weighted by pixel counts (sum 100), k = 4", (counts[0], counts[1:], 4)))
    return cases


register(Exercise(
    id="6.2", title="Nearest palettes by EMD, pruned by a lower bound", points=3,
    function="emd_knn",
    signature="emd_knn(query: (colors (K, 3), weights (K,)), database: list of N such pairs, k: int) -> "
              "(indices (k,) int by increasing EMD, n_exact int): visit the database in increasing order of the "
              "centroid bound ||Σw·c/Σw − Σw'·c'/Σw'|| (stable); stop when k EMDs are known and the next bound "
              ">= the k-th smallest EMD; EMDs with descriptors.emd",
    reference=descriptors.emd_knn, cases=_cases_6_2, rtol=0, atol=0,
))


def _cases_6_3(rng):
    rows = np.repeat(np.arange(5.0)[:, None], 5, axis=1)   # value = row index
    return [
        Case("4×4 ramp 0..15, 2×2 cells", (np.arange(16.0).reshape(4, 4), 2),
             expected=np.array([[2.5, 4.5], [10.5, 12.5]])),
        Case("a constant 7×9 map, 3×3 cells: all ones", (np.ones((7, 9)), 3), expected=np.ones((3, 3))),
        Case("value = row index on 6×6, 3×3 cells", (np.repeat(np.arange(6.0)[:, None], 6, axis=1), 3),
             expected=np.repeat(np.array([[0.5], [2.5], [4.5]]), 3, axis=1)),
        Case("5 rows in 2 cells: rows 0-1 and 2-4 (floor(i·5/2))", (rows, 2),
             expected=np.array([[0.5, 0.5], [3.0, 3.0]])),
        Case("one cell: the mean", (np.arange(12.0).reshape(3, 4), 1), expected=np.array([[5.5]])),
        Case("a random 16×16 map, 4×4 cells", (rng.random((16, 16)), 4)),
        Case("3 random 12×12 maps (one per filter), 4×4 cells", (rng.random((3, 12, 12)), 4)),
        Case("2 random 10×13 maps, 3×3 cells (unequal cells)", (rng.random((2, 10, 13)), 3)),
    ]


register(Exercise(
    id="6.3", title="GIST cells: the mean energy on a grid", points=2,
    function="grid_pool",
    signature="grid_pool(energy: (..., H, W) float array, grid: int) -> (..., grid, grid) float array; cell (i, j) is "
              "the mean of rows floor(i·H/grid) .. floor((i+1)·H/grid) - 1 and the same for the columns",
    reference=gist.grid_pool, cases=_cases_6_3, rtol=1e-9, atol=1e-12,
    siblings=(gist._pool,),
))


def _cases_6_4(rng):
    sim = rng.random((8, 50))
    rel = rng.random((8, 50)) < 0.12
    rel[np.arange(8), rng.integers(0, 50, 8)] = True
    # four queries, one positive each, found at ranks 1, 2, 4 and 6 of [.9 .8 .7 .6 .5 .4 .3]
    ranks = np.array([[1, 0, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0, 0], [0, 0, 0, 0, 0, 1, 0]], bool)
    four = np.tile(np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3]), (4, 1))
    six = np.tile(np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4]), (2, 1))
    six_rel = np.array([[1, 0, 0, 0, 0, 0], [0, 1, 1, 1, 1, 0]], bool)
    return [
        Case("positives at ranks 1, 2, 4, 6: mean recall 0.5 at L = 2", (four, ranks, 0.5), expected=2),
        Case("the same, target 0.75: L = 4", (four, ranks, 0.75), expected=4),
        Case("the same, target 1: L = 6", (four, ranks, 1.0), expected=6),
        Case("the mean over queries, not the pooled fraction: (1/1 + 0/4) / 2 = 0.5 at L = 1 (pooled: 1/5)",
             (six, six_rel, 0.5), expected=1),
        Case("a query's own -inf entry still takes a place only at the end",
             (np.array([[-np.inf, 0.9, 0.2, 0.5]]), np.array([[False, False, True, True]]), 1.0), expected=3),
        Case("8 random queries, 50 items, target 0.9", (sim, rel, 0.9)),
        Case("8 random queries, target 0.6", (sim, rel, 0.6)),
        Case("scores with ties (rounded), target 0.8", (np.round(sim, 1), rel, 0.8)),
    ]


register(Exercise(
    id="6.4", title="Choose the shortlist length for a target recall", points=2,
    function="shortlist_length",
    signature="shortlist_length(similarity: (Q, N) float array (higher = closer), relevant: (Q, N) bool array, "
              "recall: float) -> int, the smallest L such that the mean over queries of the fraction of their "
              "relevant items among their L most similar (ties: lower index first) is >= recall",
    reference=rerank.shortlist_length, cases=_cases_6_4, rtol=0, atol=0,
))
