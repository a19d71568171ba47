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


# ----------------------------------------------------------------------------- 5.4 RANSAC

def _matches_with_outliers(rng, n, inlier_ratio, noise_px):
    """n correspondences under a random homography, a fraction replaced by uniform outliers."""
    H = geometry.random_transformation("homography", seed=rng, center=(320.0, 240.0), scale_px=400.0, strength=0.3)
    src = rng.uniform(0, 640, (n, 2))
    dst = geometry.apply_homography(H, src) + rng.normal(0, noise_px, (n, 2))
    out = rng.permutation(n)[: int(round(n * (1 - inlier_ratio)))]
    dst[out] = rng.uniform(0, 640, (len(out), 2))
    return H, src, dst


def _cases_5_4(rng):
    H, src, _ = _matches_with_outliers(rng, 12, 1.0, 0.0)
    exact = geometry.apply_homography(H, src)
    cases = [
        # every pair is an inlier: the first sample explains all 12, N(w = 1) = 1, the refit is exact
        Case("12 exact correspondences: one sample is enough", (src, exact, 3.0, 0.99, 1000, 0),
             expected=(H / H[2, 2], np.ones(12, bool), 1)),
    ]
    for n, w, noise, p, cap, seed in ((60, 0.6, 0.3, 0.99, 3000, 1), (100, 0.4, 0.5, 0.999, 3000, 2),
                                      (150, 0.3, 1.0, 0.99, 3000, 3), (80, 0.15, 0.5, 0.99, 150, 4)):
        _, src, dst = _matches_with_outliers(rng, n, w, noise)
        what = "max_iters stops it" if cap < 1000 else f"p = {p}"
        cases.append(Case(f"{n} matches, {w:.0%} inliers, {noise:g} px noise, {what}", (src, dst, 3.0, p, cap, seed)))
    from imsearch import data  # the CMP pair when the course data pack is there
    if data.have_dataset("cmp_homography_pairs"):
        pair = data.load_cmp_pair("BostonLib")
        cases.append(Case("the CMP pair 'BostonLib' (B -> A), p = 0.99, at most 2000 samples",
                          (pair["matches"][:, 2:], pair["matches"][:, :2], 3.0, 0.99, 2000, 0)))
    return cases


register(Exercise(
    id="5.4", title="Write RANSAC", points=4, function="ransac_homography",
    signature="ransac_homography(src: (N, 2), dst: (N, 2), threshold_px, confidence, max_iters, seed) -> "
              "(H (3, 3) with H[2, 2] = 1, inliers (N,) bool, n_samples int): rng = np.random.default_rng(seed); "
              "each sample rng.choice(N, 4, replace=False), degenerate ones skipped but counted; inliers: transfer "
              "error < threshold_px; a model with more inliers becomes the best and sets N = ransac_iterations(w, 4, p); "
              "stop after min(N, max_iters) samples; refit on the inliers while the inlier set changes without "
              "shrinking (at most 5 refits)",
    reference=geometry.ransac_homography_counted, cases=_cases_5_4, rtol=1e-6, atol=1e-8,
    siblings=(robust._ransac, robust._sampled_hypotheses, robust.ransac, robust.ransac_homography,
              robust.ransac_trace),
))


# ----------------------------------------------------------------------------- 5.5 choosing the ratio

def _cases_5_5(rng):
    r = np.array([0.30, 0.40, 0.50, 0.60, 0.70, 0.80, 0.90])
    cases = [
        # kept (<= t) and precision: .3: 1/1, .4: 2/2, .5: 2/3, .6: 3/4, .7: 4/5, .8: 5/6, .9: 5/7
        Case("precision dips at 0.5 and recovers to 5/6 at 0.8: target 0.8",
             (r, np.array([1, 1, 0, 1, 1, 1, 0], bool), 0.8), expected=0.8),
        Case("the same matches, target 0.9: only the first two", (r, np.array([1, 1, 0, 1, 1, 1, 0], bool), 0.9),
             expected=0.4),
        Case("the matches in another order (the threshold is on the ratio, not the position)",
             (r[::-1], np.array([0, 1, 1, 1, 0, 1, 1], bool), 0.8), expected=0.8),
        Case("ties are kept together: at 0.5 one right and one wrong (1/2), at 0.6 3/4",
             (np.array([0.2, 0.5, 0.5, 0.6, 0.6]), np.array([0, 1, 0, 1, 1], bool), 0.5), expected=0.6),
        Case("a tie that fails the target: 0.0", (np.array([0.5, 0.5]), np.array([1, 0], bool), 0.9),
             expected=0.0),
        Case("the best match is wrong but later ones recover", (r[:4], np.array([0, 1, 1, 1], bool), 0.75),
             expected=0.6),
        Case("every match correct: the largest ratio", (r, np.ones(7, bool), 0.9), expected=0.9),
    ]
    for m, target in ((200, 0.9), (500, 0.8)):
        ratios = np.round(rng.random(m), 3)
        correct = rng.random(m) > ratios ** 0.5  # low ratios are mostly right
        cases.append(Case(f"{m} random matches, target {target}", (ratios, correct, target)))
    return cases


register(Exercise(
    id="5.5", title="Choose the ratio threshold for a target precision", points=2, function="ratio_for_precision",
    signature="ratio_for_precision(ratios: (M,) float, correct: (M,) bool, precision: float) -> float, the "
              "largest t among the ratios such that the matches with ratio <= t have at least that precision; "
              "0.0 if none",
    reference=matching.threshold_for_precision, cases=_cases_5_5, rtol=1e-12, atol=1e-12,
))
