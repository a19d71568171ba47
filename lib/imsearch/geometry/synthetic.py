"""Matching local descriptors between two images, and measuring the matches.

Chapter 5. A descriptor of image 1 is matched to its nearest neighbour in image 2
(a small exact vector search); the nearest neighbour is always *some* descriptor,
so the matches must be filtered: keep only mutual nearest neighbours, or apply
Lowe's ratio test, which compares the best distance with the second best — a
correct match stands out from the background of wrong ones, an ambiguous one
(repeated structure) does not.

With a ground-truth homography a match is correct when the first keypoint, mapped
into image 2, lands within ``threshold_px`` of the second; precision and recall of
the matches then follow (Mikolajczyk & Schmid, "A performance evaluation of local
descriptors", TPAMI 27(10), 2005).

References: D. Lowe, "Distinctive image features from scale-invariant keypoints",
IJCV 60(2), 2004 (sec. 7.1, the ratio test).
"""
from __future__ import annotations


import numpy as np

from .._util.validation import as_rng, check_image, check_int, check_number
from ..matching import tentative_matches


def synthetic_homography_pair(image, seed=0, strength=0.25, noise_std=0.02, outlier_fraction=0.0,
                              n_features: int = 1500, ratio=0.85, n_verified: int = 8, threshold_px=3.0) -> dict:
    """A benchmark pair in the layout of the CMP ``homogr`` pairs, made from one photo.

    Image B is ``image`` warped by a random homography (:func:`imsearch.geometry.transforms.random_transformation`),
    with an intensity change ``a·I + b`` (``a ∈ [0.7, 1.2]``, ``b ∈ [−0.1, 0.1]``) and
    Gaussian noise; tentative matches come from OpenCV SIFT and the ratio test
    (:func:`tentative_matches`). It stands in for the real pairs when the data pack is
    absent: the ground truth is known exactly.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float [0, 1] array
        Image A.
    seed : int or numpy.random.Generator
    strength : float >= 0
        How far the homography is from the identity (see ``random_transformation``).
    noise_std : float >= 0
        Noise added to B, in [0, 1] intensity units.
    outlier_fraction : float in [0, 1)
        If positive, random matches are appended until they make up this fraction of
        all matches (a hard case, like the extreme-view pairs).
    n_features : int
        SIFT keypoints per image.
    ratio : float
        Ratio-test threshold for the tentative matches.
    n_verified : int >= 4
        Number of "manually verified" correspondences: random points of A inside B's
        view, with their exact positions in B.
    threshold_px : float
        Tentative matches within this transfer error of the ground truth are labelled 1.

    Returns
    -------
    dict
        ``"A"``, ``"B"`` (uint8 RGB or gray like ``image``), ``"matches"`` (N, 4)
        ``[xA, yA, xB, yB]``, ``"labels"`` (N,) int (1 = inlier of the ground truth),
        ``"H_BtoA"`` (3, 3), ``"verified"`` (n_verified, 4).
    """
    import cv2

    from ..geometry.transforms import apply_homography, random_transformation, transfer_error
    from ..image import to_uint8

    A = to_uint8(check_image(image, "image"))
    rng = as_rng(seed)
    strength = check_number(strength, "strength", minimum=0.0)
    noise_std = check_number(noise_std, "noise_std", minimum=0.0)
    outlier_fraction = check_number(outlier_fraction, "outlier_fraction", minimum=0.0, maximum=1.0, strict_max=True)
    n_verified = check_int(n_verified, "n_verified", minimum=4)
    h, w = A.shape[:2]
    H_AtoB = random_transformation("homography", seed=rng, center=((w - 1) / 2, (h - 1) / 2),
                                   scale_px=0.5 * float(np.hypot(h, w)), strength=strength)
    B = cv2.warpPerspective(A, H_AtoB, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    a, b = rng.uniform(0.7, 1.2), rng.uniform(-0.1, 0.1) * 255
    B = B.astype(np.float64) * a + b + rng.normal(0.0, noise_std * 255.0, B.shape)
    B = np.clip(np.round(B), 0, 255).astype(np.uint8)
    H_BtoA = np.linalg.inv(H_AtoB)
    H_BtoA /= H_BtoA[2, 2]
    m = tentative_matches(A, B, ratio, n_features)
    if outlier_fraction > 0 and len(m):
        n_out = int(np.ceil(outlier_fraction * len(m) / (1.0 - outlier_fraction)))
        rand = np.column_stack([rng.uniform(0, w, n_out), rng.uniform(0, h, n_out),
                                rng.uniform(0, w, n_out), rng.uniform(0, h, n_out)])
        m = np.vstack([m, rand])[rng.permutation(len(m) + n_out)]
    # verified points: inside A, mapped inside B, away from the borders
    pts = np.zeros((0, 2))
    while len(pts) < n_verified:
        cand = rng.uniform([0.1 * w, 0.1 * h], [0.9 * w, 0.9 * h], (4 * n_verified, 2))
        q = apply_homography(H_AtoB, cand)
        inside = (q[:, 0] > 0.05 * w) & (q[:, 0] < 0.95 * w) & (q[:, 1] > 0.05 * h) & (q[:, 1] < 0.95 * h)
        pts = np.vstack([pts, cand[inside]])
    pts = pts[:n_verified]
    verified = np.column_stack([pts, apply_homography(H_AtoB, pts)])
    labels = (transfer_error(H_BtoA, m[:, 2:], m[:, :2]) < threshold_px).astype(np.int64) if len(m) \
        else np.zeros(0, np.int64)
    return {"A": A, "B": B, "matches": m, "labels": labels, "H_BtoA": H_BtoA, "verified": verified}
