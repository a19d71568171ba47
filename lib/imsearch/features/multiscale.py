"""Scale space (chapter 4): Gaussian pyramids, the scale-normalised Laplacian, characteristic scales, Harris-Laplace.

References: T. Lindeberg. Feature detection with automatic scale selection. IJCV 30(2),
1998. K. Mikolajczyk, C. Schmid. Scale & affine invariant interest point detectors.
IJCV 60(1), 2004.
"""
from __future__ import annotations


import math

import numpy as np

from .._util.validation import check_array, check_int, check_number
from ..features._common import _gaussian, _gray, _ndi, _positive
from ..features.harris import _harris, _nms_points


# ============================================================================ scale space

def _check_sigmas(sigmas, name="sigmas"):
    s = check_array(sigmas, name, ndim=1, kinds="iuf").astype(np.float64)
    if np.any(s <= 0):
        raise ValueError(f"{name} must be > 0, got a minimum of {s.min()}")
    return s


def gaussian_pyramid(gray, n_levels=4, downscale=2.0, sigma_px=None):
    """A Gaussian image pyramid: smooth, subsample, repeat.

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    n_levels : int >= 1
        Number of levels, the input included.
    downscale : float > 1
        Size ratio between consecutive levels.
    sigma_px : float, optional
        Anti-aliasing blur before each subsampling (default ``downscale / 2``, i.e.
        one pixel of the coarser level; Burt & Adelson 1983 use a 5-tap kernel of about this width).

    Returns
    -------
    list of (H_l, W_l) float64 arrays in [0, 1]
        Level ``l`` has size ``≈ (H, W) / downscale**l`` (resampled with linear interpolation).
    """
    img = _gray(gray)
    n_levels = check_int(n_levels, "n_levels", minimum=1)
    downscale = check_number(downscale, "downscale", minimum=1.0, strict_min=True)
    sigma = downscale / 2 if sigma_px is None else _positive(sigma_px, "sigma_px")
    ndi = _ndi()
    levels = [img]
    for _ in range(n_levels - 1):
        prev = levels[-1]
        h, w = prev.shape
        nh, nw = max(1, int(round(h / downscale))), max(1, int(round(w / downscale)))
        smooth = ndi.gaussian_filter(prev, sigma)
        # sample the centres of the coarse pixels (pixel-centre convention)
        ys = (np.arange(nh) + 0.5) * (h / nh) - 0.5
        xs = (np.arange(nw) + 0.5) * (w / nw) - 0.5
        grid = np.meshgrid(ys, xs, indexing="ij")
        levels.append(np.clip(ndi.map_coordinates(smooth, grid, order=1, mode="nearest"), 0, 1))
    return levels


def scale_space(gray, sigmas):
    """The Gaussian scale space ``L(x, y, σ) = G(σ) * I`` at the given scales.

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    sigmas : (S,) float array, > 0
        Scales in pixels.

    Returns
    -------
    (S, H, W) float64 array
    """
    img = _gray(gray)
    sigmas = _check_sigmas(sigmas)
    ndi = _ndi()
    return np.stack([ndi.gaussian_filter(img, s) for s in sigmas])


def _log(img, sigma):
    return sigma ** 2 * (_gaussian(img, sigma, order=(2, 0)) + _gaussian(img, sigma, order=(0, 2)))


def laplacian_of_gaussian(gray, sigmas):
    """The scale-normalised Laplacian ``σ²·(Lxx + Lyy)`` at each scale (Lindeberg 1998).

    Its magnitude peaks over scale at a blob's characteristic scale: a Gaussian blob of
    standard deviation ``s`` gives its extremum at ``σ = s`` exactly.

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    sigmas : (S,) float array, > 0

    Returns
    -------
    (S, H, W) float64 array
    """
    img = _gray(gray)
    sigmas = _check_sigmas(sigmas)
    return np.stack([_log(img, s) for s in sigmas])


def characteristic_scale(gray, x, y, sigmas):
    """The scale at which ``|σ²·∇²L|`` is largest at one pixel (automatic scale selection).

    The maximum over the sampled scales is refined by a parabola through its two
    neighbours in ``log σ`` (Lindeberg 1998).

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    x, y : float
        The point, rounded to the nearest pixel.
    sigmas : (S,) float array, increasing, S >= 3

    Returns
    -------
    float
        The characteristic scale in pixels.
    """
    img = _gray(gray)
    sigmas = _check_sigmas(sigmas)
    if len(sigmas) < 3 or np.any(np.diff(sigmas) <= 0):
        raise ValueError("sigmas must hold at least 3 increasing values")
    h, w = img.shape
    x = check_number(x, "x", minimum=0, maximum=w - 1)
    y = check_number(y, "y", minimum=0, maximum=h - 1)
    r, c = int(round(y)), int(round(x))
    values = np.abs([_log(img, s)[r, c] for s in sigmas])
    i = int(np.argmax(values))
    logs = np.log(sigmas)
    if 0 < i < len(sigmas) - 1:
        y0, y1, y2 = values[i - 1], values[i], values[i + 1]
        x0, x1, x2 = logs[i - 1], logs[i], logs[i + 1]
        denom = (x0 - x1) * (x0 - x2) * (x1 - x2)
        a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / denom
        b = (x2 * x2 * (y0 - y1) + x1 * x1 * (y2 - y0) + x0 * x0 * (y1 - y2)) / denom
        if a < 0:
            return float(np.exp(np.clip(-b / (2 * a), x0, x2)))
    return float(sigmas[i])


def harris_laplace(gray, sigma_0=1.5, n_scales=12, scale_ratio=2 ** 0.25, s=0.7, k=0.05,
                   threshold_rel=0.01, log_threshold=0.02, n_best=500, min_distance_px=1,
                   return_response=False):
    """The Harris–Laplace scale-invariant detector (Mikolajczyk & Schmid 2004).

    At each scale ``σ_n = sigma_0 · scale_ratio**n`` the Harris response is computed with
    integration scale ``σ_n`` and derivation scale ``s·σ_n``; its spatial maxima
    (8-neighbourhood, above ``threshold_rel`` times the largest response over all
    scales) are candidates. A candidate is kept only where the scale-normalised
    Laplacian ``|σ²∇²L|`` has a maximum over scale (larger than at ``σ_{n−1}`` and
    ``σ_{n+1}``, and above ``log_threshold``): the per-scale maximum that selects the
    characteristic scale (Lindeberg 1998). This is the simplified, non-iterative version
    of the paper's algorithm.

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    sigma_0 : float > 0
        Smallest integration scale in pixels.
    n_scales : int >= 3
    scale_ratio : float > 1
        Ratio between consecutive scales; ``2**0.25`` samples each octave four times, so
        that zooming by 2 shifts the scale index by exactly 4.
    s : float > 0
        Ratio derivation / integration scale.
    k : float in [0, 0.25]
    threshold_rel : float in [0, 1]
    log_threshold : float >= 0
        Minimum ``|σ²∇²L|`` (images in [0, 1]).
    n_best : int, optional
        Keep the strongest ``n_best`` by Harris response (None keeps all).
    min_distance_px : int >= 1
        Spatial non-maximum suppression radius at each scale.
    return_response : bool
        Also return each keypoint's Harris response.

    Returns
    -------
    keypoints : (N, 3) float64 array of ``(x, y, scale)``, strongest first
    response : (N,) float64, only if ``return_response``
    """
    img = _gray(gray)
    sigma_0 = _positive(sigma_0, "sigma_0")
    n_scales = check_int(n_scales, "n_scales", minimum=3)
    scale_ratio = check_number(scale_ratio, "scale_ratio", minimum=1.0, strict_min=True)
    s = _positive(s, "s")
    k = check_number(k, "k", minimum=0.0, maximum=0.25)
    rel = check_number(threshold_rel, "threshold_rel", minimum=0.0, maximum=1.0)
    log_threshold = check_number(log_threshold, "log_threshold", minimum=0.0)
    n_best = None if n_best is None else check_int(n_best, "n_best", minimum=1)
    d = check_int(min_distance_px, "min_distance_px", minimum=1)
    sigmas = sigma_0 * scale_ratio ** np.arange(n_scales)
    responses = np.stack([_harris(img, s * sg, sg, k) for sg in sigmas])
    logs = np.abs(np.stack([_log(img, sg) for sg in sigmas]))
    thr = max(0.0, rel * float(responses.max()))
    out, vals = [], []
    for n in range(1, n_scales - 1):
        border = int(min(np.ceil(sigmas[n]), min(img.shape) // 2 - 1))
        pts, v = _nms_points(responses[n], thr, d, None, max(border, d))
        if len(pts) == 0:
            continue
        c, r = pts[:, 0].astype(int), pts[:, 1].astype(int)
        lap = logs[n, r, c]
        keep = (lap > logs[n - 1, r, c]) & (lap > logs[n + 1, r, c]) & (lap > log_threshold)
        out.append(np.c_[pts[keep], np.full(keep.sum(), sigmas[n])])
        vals.append(v[keep])
    if not out:
        kps, vals = np.zeros((0, 3)), np.zeros(0)
    else:
        kps, vals = np.concatenate(out), np.concatenate(vals)
        order = np.argsort(-vals, kind="stable")[:n_best]
        kps, vals = kps[order], vals[order]
    return (kps, vals) if return_response else kps


# ============================================================================ sampling at a scale

_OCTAVE_BLUR = 1.0        # blur (in pixels of the octave) before each 2× subsampling
_LEVELS_PER_OCTAVE = 4    # blur levels are quantised to 2**(1/4) steps
_IMAGE_BLUR = 0.5         # blur assumed present in the input image (Lowe 2004)


class _ScaleSampler:
    """Samples an image blurred at (about) a requested σ, from a lazily built pyramid.

    Octave ``o`` holds the image subsampled by ``2**o`` after blurring to
    ``_OCTAVE_BLUR · 2**o`` pixels; a level of blur ``σ`` (quantised to a quarter octave)
    is taken from the coarsest octave whose pixels are at most ``σ / 2`` wide, and
    blurred the rest of the way there. Bilinear sampling at subpixel positions.
    """

    def __init__(self, img):
        self.octaves = [img]
        self.levels = {}

    def _octave(self, o):
        ndi = _ndi()
        while len(self.octaves) <= o:
            prev = self.octaves[-1]
            # previous octave has blur _OCTAVE_BLUR (or _IMAGE_BLUR for the input) in its pixels
            have = _IMAGE_BLUR if len(self.octaves) == 1 else _OCTAVE_BLUR
            extra = math.sqrt(max((2 * _OCTAVE_BLUR) ** 2 - have ** 2, 0.0))
            self.octaves.append(ndi.gaussian_filter(prev, extra)[::2, ::2])
        return self.octaves[o]

    @staticmethod
    def quantise(sigma):
        return np.round(np.log2(np.maximum(sigma, 1e-6)) * _LEVELS_PER_OCTAVE).astype(int)

    def level(self, q):
        if q not in self.levels:
            sigma = 2.0 ** (q / _LEVELS_PER_OCTAVE)
            o = max(0, int(math.floor(math.log2(sigma / 2.0))))
            base = self._octave(o)
            step = 2 ** o
            have = _IMAGE_BLUR if o == 0 else _OCTAVE_BLUR
            extra = math.sqrt(max((sigma / step) ** 2 - have ** 2, 0.0))
            img = _ndi().gaussian_filter(base, extra) if extra > 0.05 else base
            self.levels[q] = (img, step)
        return self.levels[q]

    def sample(self, sigma, positions):
        """Values at ``positions`` (N, ..., 2) (x, y) in image pixels, blur per keypoint ``sigma`` (N,)."""
        ndi = _ndi()
        sigma = np.asarray(sigma, dtype=np.float64)
        out = np.empty(positions.shape[:-1])
        qs = self.quantise(sigma)
        for q in np.unique(qs):
            idx = np.nonzero(qs == q)[0]
            img, step = self.level(int(q))
            pos = positions[idx] / step
            coords = np.stack([pos[..., 1].ravel(), pos[..., 0].ravel()])
            vals = ndi.map_coordinates(img, coords, order=1, mode="nearest")
            out[idx] = vals.reshape(pos.shape[:-1])
        return out


def _patch_gradients(values):
    """Central differences inside sampled patches (N, P+2, P+2) -> gx, gy of (N, P, P)."""
    gx = 0.5 * (values[:, 1:-1, 2:] - values[:, 1:-1, :-2])
    gy = 0.5 * (values[:, 2:, 1:-1] - values[:, :-2, 1:-1])
    return gx, gy
