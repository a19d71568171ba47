"""The image itself as a descriptor (chapter 3): a small thumbnail flattened into a vector.

Very discriminative and not invariant at all: the opposite extreme of the colour
histogram (:mod:`imsearch.descriptors.histograms`).
"""
from __future__ import annotations


import numpy as np

from .._util.validation import check_image, check_number
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


def predicted_edit_psnr(noise_sigma, variance, correlation, peak=255.0):
    """The PSNR that two edits should score against the original, predicted from image statistics.

    * Gaussian noise of standard deviation ``noise_sigma`` (clipping ignored): the error
      of each pixel is the noise, ``MSE = noise_sigma²``.
    * A shift by one pixel (what a crop followed by a rescaling does locally): each pixel
      is compared with its neighbour; if both have variance ``v`` and correlation ``ρ``,
      ``MSE = E[(x - y)²] = 2 v (1 - ρ)``.

    Parameters
    ----------
    noise_sigma : float > 0
        In gray levels.
    variance : float > 0
        Variance of the pixel values (gray levels²).
    correlation : float in [-1, 1)
        Correlation of a pixel with its neighbour.
    peak : float > 0
        The largest possible value (255 for 8-bit images).

    Returns
    -------
    psnr_noise_db, psnr_shift_db : float
        ``10 log10(peak² / MSE)`` of each edit.
    """
    noise_sigma = check_number(noise_sigma, "noise_sigma", minimum=0.0, strict_min=True)
    variance = check_number(variance, "variance", minimum=0.0, strict_min=True)
    correlation = check_number(correlation, "correlation", minimum=-1.0, maximum=1.0, strict_max=True)
    peak = check_number(peak, "peak", minimum=0.0, strict_min=True)
    psnr_noise = 10.0 * np.log10(peak ** 2 / noise_sigma ** 2)
    psnr_shift = 10.0 * np.log10(peak ** 2 / (2.0 * variance * (1.0 - correlation)))
    return float(psnr_noise), float(psnr_shift)

