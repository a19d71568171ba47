"""Inverting local descriptors (chapter 5): an image rebuilt from its SIFT descriptors alone.

A descriptor is not a one-way hash: Weinzaepfel, Jégou & Pérez (CVPR 2011) reconstructed
recognisable images from SIFT descriptors and their keypoints only, by pasting at each
keypoint the patch of the most similar descriptor of *other* images. This module is that
experiment in miniature: a bank of oriented patches cut from other photos at their
keypoints (:func:`patch_bank`), and the reconstruction that pastes, at every keypoint of the
image, the bank patch of its nearest descriptor, scaled and rotated to the keypoint and
blended with a Gaussian window (:func:`invert_descriptors`).

Reference: P. Weinzaepfel, H. Jégou, P. Pérez. Reconstructing an image from its local
descriptors. CVPR 2011.
"""
from __future__ import annotations


import numpy as np

from .._util.validation import check_array, check_int

#: Half-side of the square region a keypoint stands for, in units of its scale σ (SIFT's 4×4
#: cells of 3σ each span 12σ).
HALF_SIDE_SIGMAS = 6.0


def _patch_to_image(keypoint, size_px):
    """(2, 3) affine map from patch pixels to image pixels for a keypoint ``[x, y, σ, angle]``."""
    x, y, sigma, angle = (float(v) for v in keypoint[:4])
    s = 2.0 * max(2.0, HALF_SIDE_SIGMAS * sigma) / size_px
    c, n = np.cos(angle), np.sin(angle)
    A = s * np.array([[c, -n], [n, c]])
    t = np.array([x, y]) - A @ np.array([size_px / 2.0, size_px / 2.0])
    return np.column_stack([A, t])


def _keypoints(kps, name):
    k = check_array(kps, name, ndim=2, kinds="iuf", allow_empty=True)
    if k.shape[1] < 4:
        raise ValueError(f"{name} must have shape (N, 4) [x, y, sigma, angle_rad], got {k.shape}")
    return k.astype(np.float64)


def patch_bank(images, keypoints, size_px: int = 32) -> np.ndarray:
    """Gray patches of the regions of oriented keypoints, in each keypoint's own frame.

    Parameters
    ----------
    images : sequence of (H, W) or (H, W, 3) images (uint8 or float in [0, 1])
    keypoints : sequence of (N_i, 4) arrays ``[x, y, σ, angle_rad]``, one per image
        (:func:`imsearch.features.opencv_sift`).
    size_px : int >= 4
        Side of the patches.

    Returns
    -------
    (sum N_i, size_px, size_px) float32 array in [0, 1]
        Patch ``i`` covers the square of side ``12 σ`` centred on keypoint ``i``, rotated by its
        angle, so that patches of corresponding keypoints look alike.
    """
    import cv2

    from ..image import to_float, to_gray

    size_px = check_int(size_px, "size_px", minimum=4)
    images, keypoints = list(images), list(keypoints)
    if len(images) != len(keypoints):
        raise ValueError(f"images and keypoints must have the same length, got {len(images)} and {len(keypoints)}")
    out = []
    for i, (image, kps) in enumerate(zip(images, keypoints)):
        gray = np.ascontiguousarray(to_gray(to_float(image)), dtype=np.float32)
        for kp in _keypoints(kps, f"keypoints[{i}]"):
            out.append(cv2.warpAffine(gray, _patch_to_image(kp, size_px), (size_px, size_px),
                                      flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REFLECT))
    return np.array(out, dtype=np.float32).reshape(-1, size_px, size_px)


def invert_descriptors(shape, keypoints, descriptors, bank_descriptors, bank_patches):
    """Rebuild an image from its keypoints and descriptors with a bank of other images' patches.

    Each keypoint receives the bank patch of its nearest descriptor (Euclidean), scaled to
    ``12 σ`` and rotated by the keypoint's angle; overlapping patches are averaged with
    Gaussian weights (σ = a quarter of the patch side). Nothing of the image itself is used
    but the keypoints and descriptors.

    Parameters
    ----------
    shape : (H, W)
        Size of the image to rebuild.
    keypoints : (N, 4) array_like ``[x, y, σ, angle_rad]``
    descriptors : (N, D) array_like of float
    bank_descriptors : (M, D) array_like of float
    bank_patches : (M, S, S) array_like of float in [0, 1]
        From :func:`patch_bank`, in the order of ``bank_descriptors``.

    Returns
    -------
    image : (H, W) float64 array in [0, 1]
        The reconstruction; 0.5 (gray) where no patch reaches.
    coverage : (H, W) float64 array
        The summed blending weights (0 where nothing was pasted).
    nearest : (N,) int64 array
        The bank patch used for each keypoint.
    """
    import cv2

    from ..matching import nearest_neighbors

    if len(shape) < 2:
        raise ValueError(f"shape must be (H, W), got {shape!r}")
    h, w = check_int(shape[0], "shape[0]", minimum=1), check_int(shape[1], "shape[1]", minimum=1)
    kps = _keypoints(keypoints, "keypoints")
    desc = check_array(descriptors, "descriptors", shape=(len(kps), None), kinds="iuf", allow_empty=True)
    bank = check_array(bank_descriptors, "bank_descriptors", ndim=2, kinds="iuf")
    patches = check_array(bank_patches, "bank_patches", ndim=3, kinds="iuf").astype(np.float32)
    if len(patches) != len(bank) or patches.shape[1] != patches.shape[2]:
        raise ValueError(f"bank_patches must have shape ({len(bank)}, S, S), got {patches.shape}")
    if len(kps) and desc.shape[1] != bank.shape[1]:
        raise ValueError(f"descriptors and bank_descriptors must have the same dimension, got {desc.shape[1]} "
                         f"and {bank.shape[1]}")
    size = patches.shape[1]
    yy, xx = np.mgrid[0:size, 0:size] - (size - 1) / 2.0
    window = np.exp(-(xx ** 2 + yy ** 2) / (2.0 * (size / 4.0) ** 2)).astype(np.float32)
    total, weight = np.zeros((h, w), np.float64), np.zeros((h, w), np.float64)
    nearest = nearest_neighbors(desc, bank, k=1)[1][:, 0] if len(kps) else np.zeros(0, np.int64)
    for kp, j in zip(kps, nearest):
        M = _patch_to_image(kp, size)
        total += cv2.warpAffine(patches[j] * window, M, (w, h), flags=cv2.INTER_LINEAR)
        weight += cv2.warpAffine(window, M, (w, h), flags=cv2.INTER_LINEAR)
    image = np.where(weight > 1e-6, total / np.maximum(weight, 1e-6), 0.5)
    return np.clip(image, 0.0, 1.0), weight, np.asarray(nearest, dtype=np.int64)
