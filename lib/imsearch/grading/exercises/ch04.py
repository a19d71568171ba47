"""Exercises of chapter 4 — local detectors."""
from __future__ import annotations

import numpy as np

from imsearch import features
from imsearch.features import _common, harris
from imsearch.grading.checks import Case, Exercise, register


def _smooth_random(rng, shape, sigma=1.5):
    """A random image in [0, 1] with structure at a few pixels (blobs, corners, edges)."""
    import scipy.ndimage as ndi

    img = ndi.gaussian_filter(rng.random(shape), sigma)
    img -= img.min()
    return img / img.max()


# ----------------------------------------------------------------------------- 4.1

def _cases_4_1(rng):
    x_only = np.tile(np.linspace(0.0, 1.0, 20) ** 2, (14, 1))      # varies along x only: Iy = 0
    square = np.zeros((24, 24))
    square[8:, 8:] = 1.0                                          # one corner at (8, 8)
    return [
        Case("a constant image: no gradient, R = 0 everywhere", (np.full((12, 16), 0.5), 1.0, 2.0, 0.05),
             expected=np.zeros((12, 16))),
        Case("an image varying along x only with k = 0: det M = 0, so R = 0", (x_only, 1.0, 2.0, 0.0),
             expected=np.zeros((14, 20))),
        Case("the corner of a bright square, σ_d=1, σ_i=2, k=0.05", (square, 1.0, 2.0, 0.05)),
        Case("random 20×24 image, σ_d=1, σ_i=2, k=0.04", (_smooth_random(rng, (20, 24)), 1.0, 2.0, 0.04)),
        Case("random 16×16 image, σ_d=0.7, σ_i=1.5, k=0.06", (_smooth_random(rng, (16, 16)), 0.7, 1.5, 0.06)),
        Case("random 18×12 image, σ_d=2, σ_i=3, k=0.05", (_smooth_random(rng, (18, 12), 2.5), 2.0, 3.0, 0.05)),
    ]


register(Exercise(
    id="4.1", title="The Harris response from the structure tensor", points=3,
    function="harris_response",
    signature="harris_response(gray: (H, W) float array, sigma_d: float, sigma_i: float, k: float) -> "
              "(H, W) float array R = det(M) − k·trace(M)², M = sigma_d² · G(sigma_i) * [[Ix², IxIy], [IxIy, Iy²]], "
              "Ix = gaussian_filter(gray, sigma_d, order=(0, 1)), Iy = gaussian_filter(gray, sigma_d, order=(1, 0))",
    reference=features.harris_response, cases=_cases_4_1, rtol=1e-6, atol=1e-13,
    siblings=(harris._harris,),
))


# ----------------------------------------------------------------------------- 4.2

def _cases_4_2(rng):
    peak = np.zeros((7, 7))
    peak[3, 4] = 2.0
    peak_expected = np.zeros((7, 7), dtype=bool)
    peak_expected[3, 4] = True
    plateau = np.zeros((5, 6))
    plateau[2, 2] = plateau[2, 3] = 1.0
    plateau_expected = plateau > 0
    corner = np.array([[5.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 3.0]])
    corner_expected = np.array([[True, False, False], [False, False, False], [False, False, True]])
    return [
        Case("one peak of 2 in zeros, threshold 1", (peak, 1.0), expected=peak_expected),
        Case("the same peak above a threshold of 2: not strictly above, so nothing", (peak, 2.0),
             expected=np.zeros((7, 7), dtype=bool)),
        Case("a plateau of two equal maxima: both kept", (plateau, 0.5), expected=plateau_expected),
        Case("maxima on the border and in a corner count (outside = −inf)", (corner, 0.5), expected=corner_expected),
        Case("a constant map below the threshold: every pixel ties with its neighbours", (np.full((4, 4), 0.3), 0.0),
             expected=np.ones((4, 4), dtype=bool)),
        Case("random 12×12 map, threshold 0.5", (rng.random((12, 12)), 0.5)),
        Case("random 9×15 map with negatives, threshold 0", (rng.normal(size=(9, 15)), 0.0)),
        Case("random 10×10 map of small integers (ties), threshold 1", (rng.integers(0, 4, (10, 10)).astype(float), 1.0)),
    ]


register(Exercise(
    id="4.2", title="Non-maximum suppression: 3×3 local maxima above a threshold", points=2,
    function="local_maxima",
    signature="local_maxima(response: (H, W) float array, threshold: float) -> (H, W) bool array, True where "
              "response > threshold and response >= each of its (up to 8) neighbours inside the image",
    reference=features.local_maxima, cases=_cases_4_2, rtol=0, atol=0,
    siblings=(harris._local_max_mask,),
))


# ----------------------------------------------------------------------------- 4.3

def _translation(dx, dy):
    return np.array([[1.0, 0.0, dx], [0.0, 1.0, dy], [0.0, 0.0, 1.0]])


def _random_case_4_3(rng, n1=30, size=(40, 50)):
    h, w = size
    pts1 = rng.uniform([0, 0], [w - 1, h - 1], (n1, 2))
    H = _translation(*rng.uniform(-6, 6, 2))
    H[:2, :2] += rng.normal(0, 0.03, (2, 2))
    H[2, :2] = rng.normal(0, 2e-4, 2)
    mapped = _common._project(H, pts1)
    keep = rng.random(n1) < 0.7
    pts2 = np.concatenate([mapped[keep] + rng.normal(0, 1.0, (keep.sum(), 2)),
                           rng.uniform([0, 0], [w - 1, h - 1], (8, 2))])
    return pts1, pts2[rng.permutation(len(pts2))], H, size


def _cases_4_3(rng):
    pts = np.array([[3.0, 4.0], [10.0, 12.0], [25.0, 7.5], [17.0, 17.0]])
    by_hand1 = np.array([[2.0, 2.0], [10.0, 10.0], [18.0, 5.0]])
    by_hand2 = np.array([[7.0, 2.5], [15.0, 12.0], [1.0, 1.0]])
    # two points of image 1 near one point of image 2: one correspondence only
    crowd1 = np.array([[5.0, 5.0], [5.5, 5.0], [12.0, 9.0]])
    crowd2 = np.array([[5.2, 5.0], [30.0, 3.0]])
    cases = [
        Case("identity, the same points: repeatability 1", (pts, pts.copy(), np.eye(3), (20, 30), (20, 30), 1.5),
             expected=1.0),
        Case("a translation by (+4, −1) px, points moved with it: 1",
             (pts, pts + [4.0, -1.0], _translation(4, -1), (20, 30), (20, 30), 1.5), expected=1.0),
        Case("by hand: 2 + 2 points in the common part, 1 correspondence -> 0.5",
             (by_hand1, by_hand2, _translation(5, 0), (20, 20), (20, 20), 1.5), expected=0.5),
        Case("one-to-one: 2 points near one point, the other point far -> 1 / 2",
             (crowd1, crowd2, np.eye(3), (20, 40), (20, 40), 1.5), expected=0.5),
        Case("everything leaves the image: no common part -> 0",
             (pts, pts.copy(), _translation(100, 0), (20, 30), (20, 30), 1.5), expected=0.0),
    ]
    for i, eps in enumerate((1.5, 2.5, 1.0)):
        p1, p2, H, size = _random_case_4_3(rng)
        cases.append(Case(f"random homography {i + 1}, {len(p1)} vs {len(p2)} points, eps {eps}",
                          (p1, p2, H, size, size, eps)))
    return cases


register(Exercise(
    id="4.3", title="Repeatability of detected points under a known homography", points=3,
    function="repeatability",
    signature="repeatability(pts1: (N, 2), pts2: (M, 2), H: (3, 3), shape1: (H, W), shape2: (H, W), eps_px: float) "
              "-> float: one-to-one correspondences (distance <= eps_px, greedy by increasing distance) "
              "/ min(#pts1 whose H-image is inside image 2, #pts2 whose H⁻¹-image is inside image 1); 0 if that is 0",
    reference=features.repeatability, cases=_cases_4_3, rtol=1e-9, atol=1e-12,
))


# ----------------------------------------------------------------------------- 4.4

def _cases_4_4(rng):
    ones = np.ones((16, 16))
    east = np.zeros(128)
    east[0::8] = 16.0
    half = np.zeros(128)
    half[0::8] = half[1::8] = 8.0
    south = np.zeros(128)
    south[6::8] = 16.0
    one_cell = np.zeros((16, 16))
    one_cell[4:8, 8:12] = 2.0                      # cell (row 1, column 2) only
    cell_expected = np.zeros(128)
    cell_expected[(1 * 4 + 2) * 8 + 3] = 32.0       # orientation 3·45°
    return [
        Case("unit gradients at 0 rad: 16 votes in bin 0 of every cell", (ones, np.zeros((16, 16))), expected=east),
        Case("unit gradients at 22.5°: split half and half between bins 0 and 1",
             (ones, np.full((16, 16), np.pi / 8)), expected=half),
        Case("orientation −90° is 270°: bin 6", (ones, np.full((16, 16), -np.pi / 2)), expected=south),
        Case("gradients in one cell only, at 135°", (one_cell, np.full((16, 16), 3 * np.pi / 4)), expected=cell_expected),
        Case("random 16×16 patch", (rng.random((16, 16)), rng.uniform(-np.pi, 3 * np.pi, (16, 16)))),
        Case("random 8×8 patch, 2×2 cells, 4 bins", (rng.random((8, 8)), rng.uniform(0, 2 * np.pi, (8, 8))),
             {"n_cells": 2, "n_bins": 4}),
        Case("random 12×12 patch, 4×4 cells of 3 pixels", (rng.random((12, 12)) * 3, rng.normal(0, 2, (12, 12)))),
    ]


register(Exercise(
    id="4.4", title="The 4×4×8 orientation histogram of a patch", points=3,
    function="orientation_histograms",
    signature="orientation_histograms(magnitude: (P, P), orientation_rad: (P, P), n_cells=4, n_bins=8) -> "
              "(n_cells·n_cells·n_bins,) float array, index (cell_row·n_cells + cell_col)·n_bins + bin; "
              "o = (θ mod 2π)·n_bins/2π votes m·(1 − frac(o)) into ⌊o⌋ and m·frac(o) into (⌊o⌋ + 1) mod n_bins",
    reference=features.orientation_histograms, cases=_cases_4_4, rtol=1e-9, atol=1e-9,
))


def _cases_4_5(rng):
    return [
        Case("k = 0: every point with λ2 > 0 has R > 0", (0.0,), expected=0.0),
        Case("k = 0.05 (this chapter's)", (0.05,), expected=(0.9 - np.sqrt(0.8)) / 0.1),
        Case("k = 0.04", (0.04,)),
        Case("k = 0.15 (strict)", (0.15,)),
        Case("a random k in [0.01, 0.2]", (float(np.round(rng.uniform(0.01, 0.2), 4)),)),
    ]


register(Exercise(
    id="4.5", title="Which eigenvalue ratio makes a corner? (explain with a number)", points=2,
    function="smallest_corner_ratio",
    signature="smallest_corner_ratio(k: float in [0, 0.25)) -> float, the smallest ratio λ2 / λ1 (λ1 >= λ2 > 0) for "
              "which the Harris response R = λ1 λ2 - k (λ1 + λ2)² is positive (to 0.01 %)",
    reference=harris.corner_ratio_threshold, cases=_cases_4_5, rtol=1e-4, atol=1e-7,
))
