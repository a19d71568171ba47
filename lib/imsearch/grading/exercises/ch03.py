"""Exercises of chapter 3 — comparing pixels."""
from __future__ import annotations

import numpy as np

from imsearch import index, matching
from imsearch.descriptors import histograms as globaldesc, pixels
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
    return [
        Case("noise of 255 levels, variance 255²/2, no correlation: both 0 dB", (255.0, 255.0 ** 2 / 2, 0.0),
             expected=(0.0, 0.0)),
        Case("noise σ = 25; a photo with variance 2000 and neighbour correlation 0.95", (25.0, 2000.0, 0.95),
             expected=(20 * np.log10(255 / 25), 10 * np.log10(255 ** 2 / (2 * 2000 * 0.05)))),
        Case("noise σ = 5; a smooth photo: variance 900, correlation 0.99", (5.0, 900.0, 0.99)),
        Case("noise σ = 50; a texture: variance 3000, correlation 0.6", (50.0, 3000.0, 0.6)),
        Case("random statistics", (float(np.round(rng.uniform(1, 50), 2)), float(np.round(rng.uniform(100, 4000), 1)),
                                   float(np.round(rng.uniform(0.5, 0.99), 3)))),
    ]


register(Exercise(
    id="3.4", title="Predict the PSNR of noise and of a one-pixel shift (predict)", points=2,
    function="predict_psnr",
    signature="predict_psnr(noise_sigma: float, variance: float, correlation: float) -> (psnr_noise_db, "
              "psnr_shift_db): the PSNR (peak 255, clipping ignored) of adding Gaussian noise of std noise_sigma, "
              "and of comparing each pixel with its neighbour when pixels have this variance and neighbour correlation",
    reference=pixels.predicted_edit_psnr, cases=_cases_3_4, rtol=1e-6, atol=1e-9,
))
