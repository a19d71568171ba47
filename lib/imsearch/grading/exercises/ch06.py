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


def _normalised(rng, shape):
    h = rng.random(shape) * (rng.random(shape) < 0.7) + 1e-3
    return h / h.sum(axis=-1, keepdims=True)


def _cases_6_2(rng):
    return [
        Case("all the mass moves from bin 0 to bin 2: EMD 2", (np.array([1.0, 0, 0]), np.array([0, 0, 1.0])),
             expected=2.0),
        Case("[.5, .5, 0] -> [0, .5, .5]: everything moves one bin: EMD 1",
             (np.array([0.5, 0.5, 0]), np.array([0, 0.5, 0.5])), expected=1.0),
        Case("[.25, .75] -> [.75, .25]: half the mass moves one bin",
             (np.array([0.25, 0.75]), np.array([0.75, 0.25])), expected=0.5),
        Case("a histogram and itself: 0", (np.array([0.1, 0.2, 0.3, 0.4]), np.array([0.1, 0.2, 0.3, 0.4])),
             expected=0.0),
        Case("counts with equal totals: [3, 0, 0, 1] -> [0, 0, 1, 3]: 1 unit moves 2 bins, 2 units 3 bins",
             (np.array([3.0, 0, 0, 1]), np.array([0.0, 0, 1, 3])), expected=8.0),
        Case("two random histograms of 20 bins", (_normalised(rng, 20), _normalised(rng, 20))),
        Case("4 pairs row by row (16 bins)", (_normalised(rng, (4, 16)), _normalised(rng, (4, 16)))),
        Case("one histogram against 5 (broadcasting, 12 bins)", (_normalised(rng, 12), _normalised(rng, (5, 12)))),
    ]


register(Exercise(
    id="6.2", title="The earth mover's distance in one dimension", points=2,
    function="emd_1d",
    signature="emd_1d(a: (..., D) array >= 0, b: (..., D) array >= 0 with the same sums) -> sum over the last axis of "
              "|cumsum(a) - cumsum(b)| (bins one unit apart); a float or an array of the broadcast leading shape",
    reference=descriptors.emd_1d, cases=_cases_6_2, rtol=1e-9, atol=1e-12,
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
    sim = rng.random((6, 40))
    rel = rng.random((6, 40)) < 0.15
    rel[np.arange(6), rng.integers(0, 40, 6)] = True
    return [
        Case("one query: top 2 of [.9, .1, .5, .3] are items 0 and 2; relevant 1 and 2: recall 1/2",
             (np.array([[0.9, 0.1, 0.5, 0.3]]), np.array([[False, True, True, False]]), 2), expected=0.5),
        Case("the same with the whole list: recall 1",
             (np.array([[0.9, 0.1, 0.5, 0.3]]), np.array([[False, True, True, False]]), 4), expected=1.0),
        Case("ties go to the lower index: top 2 of three equal scores are items 0 and 1",
             (np.ones((1, 3)), np.array([[False, False, True]]), 2), expected=0.0),
        Case("mean over queries, not pooled: 1/1 and 1/3 give 2/3",
             (np.array([[0.9, 0.8, 0.1, 0.0], [0.9, 0.8, 0.1, 0.0]]),
              np.array([[True, False, False, False], [True, False, True, True]]), 1), expected=2 / 3),
        Case("6 random queries, 40 items, shortlist 5", (sim, rel, 5)),
        Case("6 random queries, 40 items, shortlist 12", (sim, rel, 12)),
        Case("scores with ties (rounded), shortlist 8", (np.round(sim, 1), rel, 8)),
    ]


register(Exercise(
    id="6.4", title="Recall of a shortlist", points=2,
    function="shortlist_recall",
    signature="shortlist_recall(similarity: (Q, N) float array (higher = closer), relevant: (Q, N) bool array, "
              "length: int) -> float, the mean over queries of the fraction of their relevant items among their "
              "`length` most similar (ties: lower index first)",
    reference=rerank.shortlist_recall, cases=_cases_6_4, rtol=1e-12, atol=1e-12,
    siblings=(rerank.shortlist_recall_curve,),
))
