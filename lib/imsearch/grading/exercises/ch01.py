"""Exercises of chapter 1 — sampling and quantization."""
from __future__ import annotations

import numpy as np

from imsearch.descriptors import bow
from imsearch.grading.checks import Case, Exercise, register
from imsearch.signal import quantization, sampling


def _cases_1_1(rng):
    pair = np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    camera_like = np.clip(rng.beta(2.0, 5.0, size=(64, 64)) + 0.002 * rng.standard_normal((64, 64)), 0, 1)
    return [
        Case("k=2 on two clusters 0 and 1", (pair, 2), expected=np.array([0.0, 1.0])),
        Case("k=1: the mean (one iteration)", (np.array([0.2, 0.4, 0.9]), 1, 1), expected=np.array([0.5])),
        Case("n_iter=0: the (j + 1/2)/k quantiles", (np.arange(10.0), 4, 0),
             expected=np.quantile(np.arange(10.0), [0.125, 0.375, 0.625, 0.875])),
        Case("an empty middle cell keeps its level", (np.array([0.0] * 9 + [1.0]), 3),
             expected=np.array([0.0, 0.0, 1.0])),
        Case("an empty middle cell keeps its level (one iteration)", (np.array([0.0] * 9 + [1.0, 3.0]), 3, 1),
             expected=np.array([0.0, 0.0, 2.0])),
        Case("values on a midpoint go to the lower cell", (np.array([0.0, 1.0, 1.0, 2.0]), 2),
             expected=np.array([2.0 / 3.0, 2.0])),
        Case("k=4 on 2000 uniform values", (rng.random(2000), 4)),
        Case("k=8 on a (64, 64) image-like array, 10 iterations", (camera_like, 8, 10)),
        Case("k=5 on 3000 Gaussian values, 50 iterations", (rng.standard_normal(3000), 5, 50)),
    ]


register(Exercise(
    id="1.1", title="The Lloyd–Max quantizer: levels that follow the histogram", points=2,
    function="lloyd_max",
    signature="lloyd_max(x: float array (any shape), k: int, n_iter: int = 30) -> (k,) float array of "
              "levels, ascending: start at the (j + 1/2)/k quantiles, then n_iter times: cells between "
              "midpoints (a value on a midpoint goes to the lower cell), each level to its cell's mean, "
              "an empty cell's level unchanged",
    reference=quantization.lloyd_max, cases=_cases_1_1, rtol=1e-9, atol=1e-12,
))


def _cases_1_2(rng):
    k, m = 8, 5
    midpoints = (np.arange(m * k) + 0.5) / (m * k)  # m evenly spread values per cell
    return [
        Case("k=4, values on the cell centres (no error)", ((np.arange(4) + 0.5) / 4, 4),
             expected=float("inf")),
        Case("k=8, values on the left cell borders i/8 (error 1/16 each)", (np.arange(8) / 8.0, 8),
             expected=10 * np.log10(4 * 8 ** 2)),
        Case("k=8, 5 evenly spread values per cell", (midpoints, k),
             expected=10 * np.log10(12 * k ** 2 * m ** 2 / (m ** 2 - 1))),
        Case("k=1, the single value 0 (error 1/2)", (np.array([0.0]), 1), expected=10 * np.log10(4.0)),
        Case("k=16 on 200 random values", (rng.random(200), 16)),
        Case("k=3 on a (5, 6) array", (rng.random((5, 6)), 3)),
        Case("k=1000 on 50 random values", (rng.random(50), 1000)),
    ]


register(Exercise(
    id="1.2", title="Measured PSNR of the uniform quantizer", points=2,
    function="quantization_psnr",
    signature="quantization_psnr(x: float array in [0, 1), k: int) -> float, the PSNR in dB (Max = 1) "
              "between x and its reconstruction (floor(x·k) + 0.5) / k",
    reference=quantization.quantization_psnr, cases=_cases_1_2, rtol=1e-9, atol=1e-9,
))


def _cases_1_3(rng):
    flat = np.full((4, 4), 5 / 16)          # 5 of the 16 Bayer thresholds (b + 1/2)/16 lie below 5/16
    b4 = np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]])
    return [
        Case("a flat 5/16 gray on one 4×4 tile, 2 levels", (flat, 2),
             expected=(b4 < 5).astype(np.float64)),
        Case("black and white stay black and white", (np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]]), 2),
             expected=np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]])),
        Case("a flat 0.6 gray with 3 levels (up to 1 where b < 3, else 1/2)", (np.full((4, 4), 0.6), 3),
             expected=np.where(b4 < 3, 1.0, 0.5)),
        Case("random 8×8, 2 levels", (rng.random((8, 8)), 2)),
        Case("random 6×10 (not a multiple of 4), 2 levels", (rng.random((6, 10)), 2)),
        Case("random 9×7, 5 levels", (rng.random((9, 7)), 5)),
        Case("a horizontal ramp 4×32, 2 levels", (np.tile(np.linspace(0, 1, 32), (4, 1)), 2)),
    ]


register(Exercise(
    id="1.3", title="Ordered dithering with the 4×4 Bayer matrix", points=2,
    function="ordered_dither",
    signature="ordered_dither(gray: (H, W) float array in [0, 1], levels: int) -> (H, W) float array "
              "of values in {0, 1/(levels-1), ..., 1}",
    reference=quantization.ordered_dither, cases=_cases_1_3, rtol=0, atol=1e-12,
))


def _cases_1_4(rng):
    return [
        Case("1-D: a point half-way between two centroids goes to the lower index",
             (np.array([[0.5], [0.2], [0.9]]), np.array([[0.0], [1.0]])), expected=np.array([0, 0, 1])),
        Case("2-D: the corners of a square and its centre",
             (np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0], [4.0, 4.0], [2.0, 2.0]]),
              np.array([[4.0, 4.0], [0.0, 0.0], [2.1, 2.0], [4.0, 0.0]])),
             expected=np.array([1, 3, 2, 0, 2])),
        Case("a duplicated centroid: ties go to the lower index",
             (np.array([[1.0, 1.0], [3.0, 3.0]]), np.array([[3.0, 3.0], [1.0, 1.0], [1.0, 1.0]])),
             expected=np.array([1, 0])),
        Case("60 random 2-D points, 5 centroids", (rng.normal(size=(60, 2)), rng.normal(size=(5, 2)))),
        Case("40 random 8-D points, 7 centroids", (rng.random((40, 8)), rng.random((7, 8)))),
        Case("30 random 3-D points, one centroid", (rng.normal(size=(30, 3)), rng.normal(size=(1, 3)))),
    ]


register(Exercise(
    id="1.4", title="Vector quantization: assign each point to its nearest centroid", points=2,
    function="assign",
    signature="assign(points: (N, d) array, centroids: (k, d) array) -> (N,) int array of indices in 0..k-1 "
              "(nearest in Euclidean distance, ties to the lower index)",
    reference=quantization.assign, cases=_cases_1_4, rtol=0, atol=0,
    siblings=(bow.assign_words,),
))


def _cases_1_5(rng):
    per_bit = 20 * np.log10(2.0)
    return [
        Case("k=1: one cell, reconstructed at 1/2", (1,),
             expected=(1 / 12, 10 * np.log10(12.0), per_bit)),
        Case("k=256 (8 bits)", (256,), expected=(1 / (12 * 256 ** 2), 10 * np.log10(12 * 256 ** 2), per_bit)),
        Case("k=10 (not a power of 2)", (10,)),
        Case("a random k up to 5000", (int(rng.integers(2, 5000)),)),
    ]


register(Exercise(
    id="1.5", title="Predict the error of the uniform quantizer (predict)", points=2,
    function="predict_quantizer",
    signature="predict_quantizer(k: int) -> (mse: float, psnr_db: float, db_per_bit: float): for x uniform "
              "in [0, 1), quantized with k cells of width 1/k and reconstructed at the best value of each "
              "cell, the expected squared error, the PSNR (Max = 1), and the PSNR gained per extra bit "
              "(exact, not rounded)",
    reference=quantization.quantizer_law, cases=_cases_1_5, rtol=1e-4, atol=0,
))


def _cases_1_6(rng):
    return [
        Case("step 4, tolerating the raw aliasing 0.4 (no blur needed)", (4, 0.4), expected=0.0),
        Case("step 4, aliasing RMS at most 0.05", (4, 0.05)),
        Case("step 2, aliasing RMS at most 0.05", (2, 0.05)),
        Case("step 8, aliasing RMS at most 0.03", (8, 0.03)),
        Case("a random step 3..6, a random tolerance 0.03..0.1",
             (int(rng.integers(3, 7)), float(np.round(rng.uniform(0.03, 0.1), 3)))),
    ]


register(Exercise(
    id="1.6", title="Choose the smallest blur that removes aliasing (choose)", points=2,
    function="choose_prefilter_sigma",
    signature="choose_prefilter_sigma(step: int, max_alias_rms: float) -> float, the smallest Gaussian "
              "sigma (pixels, within 2 %) for which signal.zone_plate_alias_rms(step, sigma) <= max_alias_rms "
              "(0.0 when no blur is needed)",
    reference=sampling.smallest_antialias_sigma, cases=_cases_1_6, rtol=0.02, atol=1e-3,
))
