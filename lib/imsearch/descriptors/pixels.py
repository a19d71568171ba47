"""Global descriptors: one vector per image, and distances between them.

Chapter 3 compares two extremes: the image's pixels themselves (a thumbnail
flattened into a vector; very discriminative, not invariant) and its global colour
histogram (Swain & Ballard, "Color indexing", IJCV 1991; very invariant, not
discriminative). Chapter 6 adds other colour spaces (HSV, CIELAB), a soft hue histogram
that knows the hue circle wraps around, and adaptive palettes ("signatures": a few
k-means colours with their weights) compared with the earth mover's distance (Rubner,
Tomasi & Guibas, ICCV 1998 / IJCV 2000). GIST is in :mod:`imsearch.descriptors.spatial_envelope`.

Histogram distances work on the last axis and broadcast over the leading ones, so
``chi2(h, database)`` compares one ``(D,)`` histogram with every row of an
``(N, D)`` array.
"""
from __future__ import annotations


import numpy as np

from .._util.validation import check_image
from ..image import to_float
from ..descriptors.histograms import _check_size


def pixel_descriptor(image, size=(16, 16)) -> np.ndarray:
    """The image as a vector: resize to ``size`` (area averaging) and flatten.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    size : (int, int)
        ``(height, width)`` of the thumbnail, each >= 1. The aspect ratio is not kept.

    Returns
    -------
    (height·width·C,) float32 in [0, 1]
        Row-major (row, column, channel) order; C = 3 for color, 1 for grayscale.
        Squared L2 distance between two descriptors is ``D · MSE`` of the thumbnails.
    """
    img = to_float(check_image(image, "image")).astype(np.float32)
    h, w = _check_size(size)
    if img.shape[:2] != (h, w):
        import cv2

        img = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(img, dtype=np.float32).ravel()
