"""The SIFT descriptor, written from the paper (chapter 5): orientations, gradient histograms, RootSIFT.

References: D. Lowe. Distinctive image features from scale-invariant keypoints. IJCV
60(2), 2004. R. Arandjelović, A. Zisserman. Three things everyone should know to
improve object retrieval. CVPR 2012 (RootSIFT).
"""
from __future__ import annotations



import numpy as np

from .._util.validation import check_array, check_int, check_number
from ..features._common import _check_points, _gray, _positive
from ..features.multiscale import _ScaleSampler, _patch_gradients


# ============================================================================ SIFT

_ORI_BINS = 36
_ORI_SIGMA = 1.5          # orientation window: Gaussian of 1.5σ (Lowe 2004, §5)
_ORI_RADIUS = 3 * _ORI_SIGMA
_ORI_SPACING = 0.5        # samples every σ/2
_ORI_PEAK = 0.8


def _check_keypoints(keypoints, ncols):
    k = _check_points(keypoints, "keypoints", ncols=ncols)
    if len(k) and np.any(k[:, 2] <= 0):
        raise ValueError(f"keypoints' scales (column 2) must be > 0, got a minimum of {k[:, 2].min()}")
    return k


def _orientation_histograms(sampler, kps):
    """Smoothed 36-bin gradient-orientation histograms around (N, 3+) keypoints -> (N, 36)."""
    n = len(kps)
    half = int(round(_ORI_RADIUS / _ORI_SPACING))
    g = np.arange(-half - 1, half + 2) * _ORI_SPACING
    gx, gy = np.meshgrid(g, g)
    grid = np.stack([gx, gy], axis=-1)
    sig = kps[:, 2]
    vals = sampler.sample(sig, kps[:, None, None, :2] + sig[:, None, None, None] * grid)
    dx, dy = _patch_gradients(vals)
    mag = np.hypot(dx, dy)
    ori = np.mod(np.arctan2(dy, dx), 2 * np.pi)
    u, v = gx[1:-1, 1:-1], gy[1:-1, 1:-1]
    r2 = u ** 2 + v ** 2
    weight = np.exp(-0.5 * r2 / _ORI_SIGMA ** 2) * (r2 <= _ORI_RADIUS ** 2)
    wm = (mag * weight).reshape(n, -1)
    o = ori.reshape(n, -1) * (_ORI_BINS / (2 * np.pi))
    b0 = np.floor(o).astype(int)
    frac = o - b0
    rows = np.repeat(np.arange(n), wm.shape[1]).reshape(n, -1)
    hist = np.bincount((rows * _ORI_BINS + b0 % _ORI_BINS).ravel(), (wm * (1 - frac)).ravel(),
                       minlength=n * _ORI_BINS)
    hist += np.bincount((rows * _ORI_BINS + (b0 + 1) % _ORI_BINS).ravel(), (wm * frac).ravel(),
                        minlength=n * _ORI_BINS)
    hist = hist.reshape(n, _ORI_BINS)
    # circular smoothing [1 4 6 4 1] / 16, as OpenCV's SIFT
    kernel = np.array([1, 4, 6, 4, 1]) / 16.0
    return sum(c * np.roll(hist, s, axis=1) for c, s in zip(kernel, (2, 1, 0, -1, -2)))


def _peaks(hist, peak_ratio):
    """Orientation peaks of (N, B) histograms -> list (per keypoint) of angles, strongest first."""
    left, right = np.roll(hist, 1, axis=1), np.roll(hist, -1, axis=1)
    top = hist.max(axis=1, keepdims=True)
    is_peak = (hist > left) & (hist > right) & (hist >= peak_ratio * top) & (top > 0)
    denom = left - 2 * hist + right
    offset = np.where(denom != 0, 0.5 * (left - right) / np.where(denom != 0, denom, 1.0), 0.0)
    angles = np.mod(np.arange(hist.shape[1])[None, :] + offset, hist.shape[1]) * (2 * np.pi / hist.shape[1])
    out = []
    for i in range(len(hist)):
        idx = np.nonzero(is_peak[i])[0]
        idx = idx[np.argsort(-hist[i, idx], kind="stable")]
        out.append(angles[i, idx])
    return out


def dominant_orientations(gray, x, y, scale, peak_ratio=0.8):
    """The dominant gradient orientations around a keypoint (Lowe 2004, §5).

    Gradients of the image smoothed at ``scale`` are collected in a disc of radius
    ``4.5·scale`` into a 36-bin orientation histogram, weighted by their magnitude and a
    Gaussian window of ``1.5·scale`` (each vote split linearly between its two nearest
    bins), and the histogram is smoothed circularly by ``[1 4 6 4 1]/16``. Every local
    peak of at least ``peak_ratio`` times the highest gives an orientation, refined by a
    parabola through the peak and its two neighbours.

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    x, y : float
        Keypoint position in pixels.
    scale : float > 0
        Keypoint scale σ in pixels.
    peak_ratio : float in (0, 1]

    Returns
    -------
    (K,) float64 array
        Angles in radians in ``[0, 2π)``, measured from +x towards +y, strongest first;
        empty where the patch is flat.
    """
    img = _gray(gray)
    x, y = check_number(x, "x"), check_number(y, "y")
    scale = _positive(scale, "scale")
    peak_ratio = check_number(peak_ratio, "peak_ratio", minimum=0.0, maximum=1.0, strict_min=True)
    hist = _orientation_histograms(_ScaleSampler(img), np.array([[x, y, scale]]))
    return _peaks(hist, peak_ratio)[0]


def assign_orientations(gray, keypoints, peak_ratio=0.8):
    """Give each keypoint its dominant orientations, one output row per orientation.

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    keypoints : (N, 3+) float array of ``(x, y, scale, ...)``
    peak_ratio : float in (0, 1]
        See :func:`dominant_orientations`.

    Returns
    -------
    (M, 4) float64 array of ``(x, y, scale, angle)``
        Keypoints in input order, each repeated once per orientation (strongest first);
        keypoints on a flat patch are dropped.
    """
    img = _gray(gray)
    k = _check_keypoints(keypoints, (3, 4, 5))
    peak_ratio = check_number(peak_ratio, "peak_ratio", minimum=0.0, maximum=1.0, strict_min=True)
    if len(k) == 0:
        return np.zeros((0, 4))
    peaks = _peaks(_orientation_histograms(_ScaleSampler(img), k[:, :3]), peak_ratio)
    rows = [np.c_[np.tile(k[i, :3], (len(p), 1)), p] for i, p in enumerate(peaks) if len(p)]
    return np.concatenate(rows) if rows else np.zeros((0, 4))


def orientation_histograms(magnitude, orientation_rad, n_cells=4, n_bins=8):
    """The cell-wise orientation histograms at the heart of the SIFT descriptor (simplified).

    The ``P × P`` patch is cut into ``n_cells × n_cells`` square cells; every pixel votes
    with its gradient magnitude into its own cell (no spatial interpolation), split
    linearly between the two nearest of ``n_bins`` orientation bins: with
    ``o = (θ mod 2π) · n_bins / 2π``, bin ``⌊o⌋`` receives ``m·(1 − (o − ⌊o⌋))`` and bin
    ``(⌊o⌋ + 1) mod n_bins`` receives ``m·(o − ⌊o⌋)`` (bin ``b`` is centred on
    ``2πb / n_bins``). Lowe (2004, §6.1) also interpolates between cells
    (:func:`sift_descriptor` does).

    Parameters
    ----------
    magnitude : (P, P) float array, >= 0
    orientation_rad : (P, P) float array
        Gradient orientations in radians (any real value; taken modulo 2π).
    n_cells : int >= 1
        Cells per side; ``P`` must be a multiple of it.
    n_bins : int >= 2

    Returns
    -------
    (n_cells · n_cells · n_bins,) float64 array
        Ordered by cell row, cell column, then orientation bin (OpenCV's order); not normalised.
    """
    m = check_array(magnitude, "magnitude", ndim=2, kinds="iuf", min_value=0).astype(np.float64)
    th = check_array(orientation_rad, "orientation_rad", ndim=2, kinds="iuf").astype(np.float64)
    if m.shape != th.shape:
        raise ValueError(f"magnitude and orientation_rad must have the same shape, got {m.shape} and {th.shape}")
    if m.shape[0] != m.shape[1]:
        raise ValueError(f"magnitude must be a square (P, P) patch, got {m.shape}")
    n_cells = check_int(n_cells, "n_cells", minimum=1)
    n_bins = check_int(n_bins, "n_bins", minimum=2)
    p = m.shape[0]
    if p % n_cells:
        raise ValueError(f"the patch side ({p}) must be a multiple of n_cells ({n_cells})")
    c = p // n_cells
    cell = (np.arange(p) // c)
    cell_index = cell[:, None] * n_cells + cell[None, :]
    o = np.mod(th, 2 * np.pi) * (n_bins / (2 * np.pi))
    b0 = np.floor(o).astype(int) % n_bins
    frac = o - np.floor(o)
    hist = np.bincount((cell_index * n_bins + b0).ravel(), (m * (1 - frac)).ravel(), minlength=n_cells ** 2 * n_bins)
    hist += np.bincount((cell_index * n_bins + (b0 + 1) % n_bins).ravel(), (m * frac).ravel(),
                        minlength=n_cells ** 2 * n_bins)
    return hist


_DESC_CELLS = 4
_DESC_BINS = 8
_DESC_CELL_WIDTH = 3.0    # a cell is 3σ wide (Lowe 2004; OpenCV's SIFT_DESCR_SCL_FCTR)
_DESC_CLIP = 0.2


def _descriptor_samples(sampler, kps, spc):
    """The rotated sample grid of (N, 4) keypoints: values, weighted magnitudes, orientations, cell coords.

    Returns ``vals`` (N, P, P), ``w`` (N, P, P) gradient magnitude × Gaussian window,
    ``ori`` (N, P, P) in [0, 2π) relative to the keypoint, and the sample centres
    ``cx, cy`` (P, P) in cell units (−2..2), with ``P = 4·spc``.
    """
    side = _DESC_CELLS * spc
    # sample centres in cell units, in (-2, 2), plus one ring for the central differences
    u = (np.arange(-1, side + 1) + 0.5) / spc - _DESC_CELLS / 2
    ux, uy = np.meshgrid(u, u)
    cos_t, sin_t = np.cos(kps[:, 3]), np.sin(kps[:, 3])
    width = _DESC_CELL_WIDTH * kps[:, 2]
    # p = c + width · R(θ) (ux, uy): the patch's x axis points along the keypoint's orientation
    px = kps[:, 0, None, None] + width[:, None, None] * (cos_t[:, None, None] * ux - sin_t[:, None, None] * uy)
    py = kps[:, 1, None, None] + width[:, None, None] * (sin_t[:, None, None] * ux + cos_t[:, None, None] * uy)
    vals = sampler.sample(kps[:, 2], np.stack([px, py], axis=-1))
    gx, gy = _patch_gradients(vals)                  # gradient in the rotated frame
    mag = np.hypot(gx, gy)
    # orientation bins turn from the patch's +x axis towards its −y axis (counterclockwise
    # on screen), the layout of OpenCV's descriptor, so the two can be compared entry by entry
    ori = np.mod(np.arctan2(-gy, gx), 2 * np.pi)
    cx, cy = ux[1:-1, 1:-1], uy[1:-1, 1:-1]
    weight = np.exp(-(cx ** 2 + cy ** 2) / (2 * (_DESC_CELLS / 2) ** 2))   # σ = half the window
    return vals[:, 1:-1, 1:-1], mag * weight, ori, cx, cy


def _sift_core(sampler, kps, samples_per_cell):
    """Vectorised SIFT descriptors of (N, 4) keypoints -> (N, 128) float32."""
    n = len(kps)
    _, w, ori, cx, cy = _descriptor_samples(sampler, kps, samples_per_cell)
    # trilinear interpolation: cell coordinates with cell centres at integers 0..3
    bx, by = cx + _DESC_CELLS / 2 - 0.5, cy + _DESC_CELLS / 2 - 0.5
    bo = ori * (_DESC_BINS / (2 * np.pi))
    x0, y0, o0 = np.floor(bx).astype(int), np.floor(by).astype(int), np.floor(bo).astype(int)
    fx, fy, fo = bx - x0, by - y0, bo - o0
    pad = _DESC_CELLS + 2                            # cells -1..4 (outside ones discarded)
    hist = np.zeros(n * pad * pad * _DESC_BINS)
    base = (np.arange(n) * pad * pad * _DESC_BINS)[:, None, None]
    for dy_, wy in ((0, 1 - fy), (1, fy)):
        for dx_, wx in ((0, 1 - fx), (1, fx)):
            cell = ((y0 + dy_ + 1) * pad + (x0 + dx_ + 1)) * _DESC_BINS
            for do, wo in ((0, 1 - fo), (1, fo)):
                idx = base + cell + (o0 + do) % _DESC_BINS
                hist += np.bincount(idx.ravel(), (w * (wy * wx)[None] * wo).ravel(), minlength=hist.size)
    hist = hist.reshape(n, pad, pad, _DESC_BINS)[:, 1:-1, 1:-1].reshape(n, -1)
    return _normalize_clip(hist)


def _normalize_clip(hist):
    norm = np.linalg.norm(hist, axis=1, keepdims=True)
    hist = hist / np.where(norm > 0, norm, 1.0)
    hist = np.minimum(hist, _DESC_CLIP)
    norm = np.linalg.norm(hist, axis=1, keepdims=True)
    return (hist / np.where(norm > 0, norm, 1.0)).astype(np.float32)


def descriptor_patch(gray, keypoint, samples_per_cell=4):
    """The oriented patch a SIFT descriptor is computed from, with its weighted gradients.

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    keypoint : (4,) float array ``(x, y, scale, angle_rad)``
    samples_per_cell : int >= 1

    Returns
    -------
    patch : (P, P) float64 array, ``P = 4·samples_per_cell``
        The image smoothed at σ, sampled on the grid rotated by the keypoint's angle
        (rows along the patch's y axis).
    magnitude : (P, P) float64
        Gradient magnitudes times the Gaussian window (σ = half the window).
    orientation : (P, P) float64
        Gradient orientations in [0, 2π) relative to the keypoint's angle, counterclockwise
        on screen as in :func:`sift_descriptor`; with ``magnitude`` the input of
        :func:`orientation_histograms`.
    """
    img = _gray(gray)
    kp = check_array(keypoint, "keypoint", shape=(4,), kinds="iuf").astype(np.float64)
    if kp[2] <= 0:
        raise ValueError(f"keypoint's scale must be > 0, got {kp[2]}")
    spc = check_int(samples_per_cell, "samples_per_cell", minimum=1)
    vals, w, ori, _, _ = _descriptor_samples(_ScaleSampler(img), kp[None], spc)
    return vals[0], w[0], ori[0]


def sift_descriptor(gray, keypoints, samples_per_cell=4):
    """SIFT descriptors of oriented keypoints, written from Lowe (2004, §6).

    For a keypoint ``(x, y, σ, θ)`` the image smoothed at ``σ`` is sampled on a grid
    rotated by ``θ`` that covers ``4 × 4`` cells of ``3σ × 3σ`` pixels
    (``samples_per_cell²`` samples per cell, bilinear interpolation), and gradients are
    taken in that rotated frame, so orientations are relative to ``θ`` (bins ordered
    counterclockwise on screen, as in OpenCV, so that the two implementations can be
    compared entry by entry). Each gradient,
    weighted by its magnitude and a Gaussian of half the window's width, votes into
    ``4 × 4`` cells × 8 orientation bins with trilinear interpolation. The 128-vector is
    normalised to unit length, clipped at 0.2 (to damp large gradient magnitudes from
    non-linear illumination) and normalised again.

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    keypoints : (N, 4) float array of ``(x, y, scale, angle_rad)``
        ``scale`` is σ in pixels (OpenCV's ``KeyPoint.size / 2``); ``angle_rad`` from +x
        towards +y (OpenCV's ``KeyPoint.angle`` in radians). ``N`` may be 0.
    samples_per_cell : int >= 1
        Samples per cell side (4 gives Lowe's 16 × 16 sample array).

    Returns
    -------
    (N, 128) float32 array
        Unit-norm rows (zero rows for flat patches), ordered by cell row, cell column,
        orientation bin like OpenCV's.
    """
    img = _gray(gray)
    k = _check_keypoints(keypoints, 4)
    spc = check_int(samples_per_cell, "samples_per_cell", minimum=1)
    if len(k) == 0:
        return np.zeros((0, 128), dtype=np.float32)
    return _sift_core(_ScaleSampler(img), k, spc)


def root_sift(descriptors):
    """RootSIFT: L1-normalise, then take the square root (Arandjelović & Zisserman 2012).

    Comparing RootSIFT vectors with the Euclidean distance compares the original
    histograms with the Hellinger kernel ``Σ sqrt(a_i · b_i)``.

    Parameters
    ----------
    descriptors : (N, D) float array, >= 0

    Returns
    -------
    (N, D) float32 array with unit L2-norm rows (zero rows stay zero)
    """
    d = check_array(descriptors, "descriptors", ndim=2, kinds="iuf", min_value=0, allow_empty=True)
    d = d.astype(np.float64)
    l1 = d.sum(axis=1, keepdims=True)
    return np.sqrt(d / np.where(l1 > 0, l1, 1.0)).astype(np.float32)
