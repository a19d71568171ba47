"""The image itself as a descriptor (chapter 3): a small thumbnail flattened into a vector.

Very discriminative and not invariant at all: the opposite extreme of the colour
histogram (:mod:`imsearch.descriptors.histograms`).
"""
from __future__ import annotations


import numpy as np

from .._util.validation import check_image
from ..image import to_float
from ..descriptors.histograms import _check_size


def pixel_descriptor(image, size_px=(16, 16)) -> np.ndarray:
    """The image as a vector: resize to ``size_px`` (area averaging) and flatten.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    size_px : (int, int)
        ``(height, width)`` of the thumbnail, each >= 1. The aspect ratio is not kept.

    Returns
    -------
    (height·width·C,) float32 in [0, 1]
        Row-major (row, column, channel) order; C = 3 for color, 1 for grayscale.
        Squared L2 distance between two descriptors is ``D · MSE`` of the thumbnails.
    """
    img = to_float(check_image(image, "image")).astype(np.float32)
    h, w = _check_size(size_px, "size_px")
    if img.shape[:2] != (h, w):
        import cv2

        img = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(img, dtype=np.float32).ravel()
