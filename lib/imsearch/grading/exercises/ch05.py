"""Exercises of chapter 5 — descriptors, matching and RANSAC."""
from __future__ import annotations

import numpy as np

from imsearch import geometry, matching
from imsearch.geometry import robust, transforms
from imsearch.grading.checks import Case, Exercise, register

# ----------------------------------------------------------------------------- 5.1 ratio test

def _cases_5_1(rng):
    desc2 = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [0.0, 11.0]])
    desc1 = np.array([[1.0, 0.0], [0.0, 10.4], [0.0, 10.5], [5.0, 0.0], [0.0, 10.45]])
    # distances: row 0 -> 1 and 9 (ratio 0.11), row 1 -> 0.4 and 0.6 (0.67), row 2 -> 0.5 and
    # 0.5 (1.0), row 3 -> 5 and 5 (1.0), row 4 -> 0.45 and 0.55 (0.818)
    cases = [
        Case("hand-built, ratio 0.8", (desc1, desc2, 0.8),
             expected=(np.array([[0, 0], [1, 2]]), np.array([1.0, 0.4]))),
        Case("hand-built, ratio 0.85", (desc1, desc2, 0.85),
             expected=(np.array([[0, 0], [1, 2], [4, 2]]), np.array([1.0, 0.4, 0.45]))),
        Case("exact duplicates in image 2 are ambiguous, ratio 1.0",
             (np.array([[1.0, 1.0], [3.0, 2.0]]), np.array([[1.0, 1.0], [1.0, 1.0], [3.0, 3.0]]), 1.0),
             expected=(np.array([[1, 2]]), np.array([1.0]))),
    ]
    for n1, n2, d, ratio in ((20, 30, 8, 0.8), (40, 25, 16, 0.7)):
        d2 = rng.normal(size=(n2, d))
        # half of image 1's descriptors are noisy copies of image 2's: clear matches
        d1 = np.vstack([d2[rng.permutation(n2)[: n1 // 2]] + 0.2 * rng.normal(size=(n1 // 2, d)),
                        rng.normal(size=(n1 - n1 // 2, d))])
        cases.append(Case(f"{n1} vs {n2} random {d}-d descriptors, ratio {ratio}", (d1, d2, ratio)))
    return cases


register(Exercise(
    id="5.1", title="Lowe's ratio test", points=2, function="ratio_test",
    signature="ratio_test(desc1: (N1, D) float, desc2: (N2, D) float, ratio: float) -> "
              "(matches (M, 2) int [i, j], distances (M,) float), keeping i -> j when d1 < ratio * d2",
    reference=matching.ratio_test, cases=_cases_5_1, rtol=1e-6, atol=1e-9,
))


# ----------------------------------------------------------------------------- 5.2 affine

def _noisy_pairs(rng, model, n, noise_px):
    M = geometry.random_transformation(model, seed=rng, center=(160.0, 120.0), scale_px=200.0, strength=0.3)
    src = rng.uniform(0, 320, (n, 2))
    dst = geometry.apply_homography(M, src) + rng.normal(0, noise_px, (n, 2))
    return src, dst


def _cases_5_2(rng):
    square = np.array([[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0]])
    tri = np.array([[1.0, 1.0], [3.0, 1.0], [1.0, 2.0]])
    cases = [
        Case("a pure translation by (2, 3)", (square, square + [2.0, 3.0]),
             expected=np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 3.0], [0.0, 0.0, 1.0]])),
        Case("a scaling by 2 about the origin", (square, 2.0 * square),
             expected=np.diag([2.0, 2.0, 1.0])),
        Case("three points, x' = x + 2y, y' = 3y - 1 (exact)",
             (tri, np.column_stack([tri[:, 0] + 2 * tri[:, 1], 3 * tri[:, 1] - 1])),
             expected=np.array([[1.0, 2.0, 0.0], [0.0, 3.0, -1.0], [0.0, 0.0, 1.0]])),
    ]
    for n, noise in ((10, 1.0), (30, 2.0)):
        cases.append(Case(f"{n} noisy pairs ({noise:g} px) under a random affine map",
                          _noisy_pairs(rng, "affine", n, noise)))
    return cases


register(Exercise(
    id="5.2", title="Least-squares affine transformation", points=2, function="fit_affine",
    signature="fit_affine(src: (N, 2) float, dst: (N, 2) float) -> (3, 3) float "
              "[[a11, a12, tx], [a21, a22, ty], [0, 0, 1]] minimising the squared residuals",
    reference=geometry.fit_affine, cases=_cases_5_2, rtol=1e-6, atol=1e-8,
    siblings=(transforms._fit_affine,),
))


# ----------------------------------------------------------------------------- 5.3 DLT

def _cases_5_3(rng):
    square = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    H_true = geometry.random_transformation("homography", seed=rng, center=(160.0, 120.0),
                                            scale_px=200.0, strength=0.3)
    pts = rng.uniform(0, 320, (6, 2))
    cases = [
        Case("four corners moved by (5, -2): a translation", (square, square + [5.0, -2.0]),
             expected=np.array([[1.0, 0.0, 5.0], [0.0, 1.0, -2.0], [0.0, 0.0, 1.0]])),
        Case("four corners scaled by 3", (square, 3.0 * square), expected=np.diag([3.0, 3.0, 1.0])),
        Case("the unit square onto the trapezoid (0,0) (2,0) (1.5,1) (0.5,1)",
             (square, np.array([[0.0, 0.0], [2.0, 0.0], [1.5, 1.0], [0.5, 1.0]])),
             # solved by hand from the 8 equations: c = f = d = g = 0, a = 2, b = 1, e = 2, h = 1;
             # e.g. (1, 1) -> ((2 + 1) / 2, 2 / 2) = (1.5, 1), (0, 1) -> (1 / 2, 2 / 2) = (0.5, 1)
             expected=np.array([[2.0, 1.0, 0.0], [0.0, 2.0, 0.0], [0.0, 1.0, 1.0]])),
        Case("6 exact pairs under a random homography", (pts, geometry.apply_homography(H_true, pts)),
             expected=H_true),
    ]
    for n, noise in ((12, 1.0), (40, 2.0)):
        src, dst = _noisy_pairs(rng, "homography", n, noise)
        cases.append(Case(f"{n} noisy pairs ({noise:g} px) in pixel coordinates", (src + 300.0, dst + 300.0)))
    return cases


register(Exercise(
    id="5.3", title="The normalised DLT for a homography", points=3, function="fit_homography",
    signature="fit_homography(src: (N, 2) float, dst: (N, 2) float) -> (3, 3) float H with H[2, 2] = 1, "
              "by the DLT on points normalised to centroid 0 and mean distance sqrt(2)",
    reference=geometry.fit_homography, cases=_cases_5_3, rtol=1e-6, atol=1e-9,
    siblings=(transforms._fit_homography, transforms.fit_model),
))


# ----------------------------------------------------------------------------- 5.4 RANSAC iterations

def _cases_5_4(rng):
    cases = [
        # ceil(log(0.01) / log(1 - 0.5**4)) = ceil(-4.6052 / -0.064539) = ceil(71.36)
        Case("w = 0.5, s = 4, p = 0.99", (0.5, 4, 0.99), expected=72),
        # ceil(log(0.05) / log(1 - 0.64)) = ceil(-2.9957 / -1.0217) = ceil(2.93)
        Case("w = 0.8, s = 2, p = 0.95", (0.8, 2, 0.95), expected=3),
        # every correspondence is an inlier: the first sample is always good
        Case("w = 1, s = 4, p = 0.999", (1.0, 4, 0.999), expected=1),
        # ceil(log(0.01) / log(1 - 1/256)) = ceil(-4.6052 / -0.0039139) = ceil(1176.6)
        Case("w = 0.5, s = 8 (fundamental matrix), p = 0.99", (0.5, 8, 0.99), expected=1177),
    ]
    while len(cases) < 8:
        w = float(np.round(rng.uniform(0.15, 0.95), 3))
        s = int(rng.integers(1, 9))
        p = float(rng.choice([0.9, 0.95, 0.99, 0.995, 0.999]))
        n = np.log(1 - p) / np.log(1 - w ** s)
        if abs(n - np.round(n)) > 1e-6:  # no case on the edge of the ceiling (rounding could flip it)
            cases.append(Case(f"random w, s, p #{len(cases) - 3}", (w, s, p)))
    return cases


register(Exercise(
    id="5.4", title="How many RANSAC samples?", points=1, function="ransac_iterations",
    signature="ransac_iterations(inlier_ratio: float, sample_size: int, confidence: float) -> int "
              "N = ceil(log(1 - p) / log(1 - w**s)), at least 1",
    reference=geometry.ransac_iterations, cases=_cases_5_4, rtol=0, atol=0,
    siblings=(robust._n_iters,),
))
