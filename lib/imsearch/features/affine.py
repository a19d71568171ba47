"""Affine adaptation (chapter 4): shape-adapted second-moment matrices, normalised patches, Harris-Affine.

References: T. Lindeberg, J. Gårding. Shape-adapted smoothing in estimation of 3-D shape
cues from affine deformations of local 2-D brightness structure. Image and Vision
Computing 15(6), 1997. K. Mikolajczyk, C. Schmid. Scale & affine invariant interest
point detectors. IJCV 60(1), 2004.
"""
from __future__ import annotations


import math

import numpy as np

from .._util.validation import check_array, check_int, check_number
from ..features._common import REGION_FACTOR, _check_points, _gray, _ndi, _positive, _sqrtm_sym
from ..features.multiscale import _IMAGE_BLUR, _ScaleSampler, harris_laplace


# ============================================================================ affine normalization


_AFFINE_SPC = 4            # samples per integration scale in the normalised frame
_AFFINE_PRE = 0.25         # fraction of the derivation blur applied before resampling (anti-aliasing)
_MAX_ANISOTROPY = 6.0      # Mikolajczyk & Schmid (2004) reject regions more elongated than this


def _affine_adapt_batch(sampler, centers, sigmas, n_iter, s, tol, history=False):
    """Shape adaptation of many keypoints at once; returns (N, 2, 2) shape matrices of det 1.

    ``U`` maps the normalised frame (where the neighbourhood is isotropic) to image
    offsets; each iteration measures the second-moment matrix ``μ`` in the normalised
    frame (derivation ``s·σ``, integration ``σ``, both isotropic there) and updates
    ``U ← U · μ^(−1/2)`` (det 1), until ``λ_min(μ) / λ_max(μ) > 1 − tol``.
    """
    ndi = _ndi()
    n = len(centers)
    U = np.tile(np.eye(2), (n, 1, 1))
    done = np.zeros(n, dtype=bool)
    half = 3 * _AFFINE_SPC + 3
    g = np.arange(-half, half + 1) / _AFFINE_SPC                     # units of σ_i
    gx, gy = np.meshgrid(g, g)
    grid = np.stack([gx, gy], axis=-1)                                # (P, P, 2)
    weight = np.exp(-0.5 * (gx ** 2 + gy ** 2))                       # Gaussian of σ_i
    sd = s * _AFFINE_SPC                                              # derivation scale in samples
    sd_extra = sd * math.sqrt(1.0 - _AFFINE_PRE ** 2)
    hist = [U.copy()]
    for _ in range(n_iter):
        todo = np.nonzero(~done)[0]
        if len(todo) == 0:
            break
        Ut = U[todo]
        s_min = np.linalg.svd(Ut, compute_uv=False)[:, 1]
        pos = centers[todo, None, None, :] + sigmas[todo, None, None, None] * np.einsum("nij,pqj->npqi", Ut, grid)
        vals = sampler.sample(_AFFINE_PRE * s * sigmas[todo] * s_min, pos)
        dx = ndi.gaussian_filter(vals, (0, sd_extra, sd_extra), order=(0, 0, 1))
        dy = ndi.gaussian_filter(vals, (0, sd_extra, sd_extra), order=(0, 1, 0))
        mu = np.empty((len(todo), 2, 2))
        mu[:, 0, 0] = np.sum(weight * dx * dx, axis=(1, 2))
        mu[:, 0, 1] = mu[:, 1, 0] = np.sum(weight * dx * dy, axis=(1, 2))
        mu[:, 1, 1] = np.sum(weight * dy * dy, axis=(1, 2))
        ev = np.linalg.eigvalsh(mu)                                   # ascending
        ok = (ev[:, 1] > 0) & (ev[:, 0] > 1e-9 * ev[:, 1])
        isotropy = np.where(ok, ev[:, 0] / np.where(ok, ev[:, 1], 1.0), 0.0)
        det = np.where(ok, np.linalg.det(mu), 1.0)
        mu_n = np.where(ok[:, None, None], mu / np.sqrt(np.abs(det))[:, None, None], np.eye(2))
        newU = Ut @ _sqrtm_sym(mu_n, inverse=True)
        newU /= np.sqrt(np.abs(np.linalg.det(newU)))[:, None, None]
        sv = np.linalg.svd(newU, compute_uv=False)
        sane = ok & (sv[:, 0] / sv[:, 1] <= _MAX_ANISOTROPY)
        U[todo[sane]] = newU[sane]
        done[todo[(isotropy > 1.0 - tol) | ~sane]] = True
        if history:
            hist.append(U.copy())

    def to_shape(u):
        shape = np.linalg.inv(u @ np.swapaxes(u, 1, 2))
        return shape / np.sqrt(np.linalg.det(shape))[:, None, None]

    shapes = to_shape(U)
    if history:
        return shapes, [to_shape(h) for h in hist]
    return shapes


def affine_adapt(gray, x, y, sigma_px, n_iter=20, s=0.7, tol=0.05, return_history=False):
    """Affine shape adaptation: the iterative estimate of a keypoint's elliptical neighbourhood.

    Starting from a circle, the second-moment matrix ``μ`` of the neighbourhood is
    measured in a normalised frame, and the frame is stretched by ``μ^(−1/2)`` until
    ``μ`` becomes isotropic (``λ_min/λ_max > 1 − tol``); the circle in the normalised
    frame is then an ellipse in the image that follows an affine deformation of the
    scene (Lindeberg & Gårding 1997; Mikolajczyk & Schmid 2004). The location and scale
    are kept fixed here (the paper re-detects them at each iteration).

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    x, y : float
        Keypoint position in pixels.
    sigma_px : float > 0
        Integration scale in pixels (e.g. from :func:`harris_laplace`).
    n_iter : int >= 1
        Maximum number of iterations.
    s : float > 0
        Derivation scale as a fraction of ``sigma_px``.
    tol : float in (0, 1)
        Stop when the eigenvalue ratio of ``μ`` exceeds ``1 − tol``.
    return_history : bool
        Also return the shape after each iteration.

    Returns
    -------
    shape : (2, 2) float64 array
        Symmetric positive-definite, determinant 1. The region is the ellipse
        ``{p : (p − c)ᵀ shape (p − c) <= (3σ)²}`` (same area as the initial disc); its
        anisotropy ``sqrt(λ_max / λ_min)`` is the ratio of the ellipse's axes.
    history : list of (2, 2) float64 arrays, only if ``return_history``
        The shape before the first and after every iteration.
    """
    img = _gray(gray)
    h, w = img.shape
    x = check_number(x, "x", minimum=0, maximum=w - 1)
    y = check_number(y, "y", minimum=0, maximum=h - 1)
    sigma_px = _positive(sigma_px, "sigma_px")
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    s = _positive(s, "s")
    tol = check_number(tol, "tol", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    out = _affine_adapt_batch(_ScaleSampler(img), np.array([[x, y]]), np.array([sigma_px]),
                              n_iter, s, tol, history=return_history)
    if return_history:
        return out[0][0], [hh[0] for hh in out[1]]
    return out[0]


def _check_shape_matrix(shape, name="shape"):
    m = check_array(shape, name, shape=(2, 2), kinds="iuf").astype(np.float64)
    if not np.allclose(m, m.T, rtol=1e-6, atol=1e-9) or np.linalg.eigvalsh(m)[0] <= 0:
        raise ValueError(f"{name} must be symmetric positive-definite")
    return m


def normalized_patch(gray, x, y, shape, sigma_px, size_px=41):
    """Resample a keypoint's elliptical region into a square patch where it becomes a disc.

    The ellipse ``{p : (p − c)ᵀ shape (p − c) <= (3σ)²}`` is mapped onto the disc
    inscribed in the patch by ``shape^(−1/2)`` (its symmetric square root): the affine
    normalisation removes the deformation up to a rotation, which a dominant orientation
    (:func:`dominant_orientations`) fixes afterwards (Mikolajczyk & Schmid 2004).

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    x, y : float
        Centre in pixels.
    shape : (2, 2) float array
        Symmetric positive-definite, e.g. from :func:`affine_adapt` (the identity gives a
        plain circular patch).
    sigma_px : float > 0
        Scale in pixels; the patch covers the region of radius ``3σ``.
    size_px : int >= 5
        Side of the output patch (odd sizes put the centre on a pixel).

    Returns
    -------
    (size_px, size_px) float64 array in [0, 1]
    """
    img = _gray(gray)
    x = check_number(x, "x")
    y = check_number(y, "y")
    m = _check_shape_matrix(shape)
    sigma_px = _positive(sigma_px, "sigma_px")
    size = check_int(size_px, "size_px", minimum=5)
    m = m / math.sqrt(np.linalg.det(m))
    U = _sqrtm_sym(m, inverse=True)                      # det 1, maps the disc to the ellipse
    radius = REGION_FACTOR * sigma_px
    t = (np.arange(size) - (size - 1) / 2) * (2 * radius / size)
    gx, gy = np.meshgrid(t, t)
    offsets = np.stack([gx, gy], axis=-1) @ U.T
    spacing = 2 * radius / size * np.linalg.svd(U, compute_uv=False)[1]
    blur = max(0.5 * spacing, _IMAGE_BLUR)
    vals = _ScaleSampler(img).sample(np.array([blur]), (np.array([x, y]) + offsets)[None])[0]
    return np.clip(vals, 0.0, 1.0)


def region_patch(gray, region, size_px=41):
    """The normalised patch of one elliptical region ``(x, y, a, b, c)``, as :func:`harris_affine` returns them.

    The region ``{d : dᵀ [[a, b], [b, c]] d <= 1}`` is resampled by :func:`normalized_patch`
    with the scale of the disc of equal area (radius ``3σ``).

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    region : (5,) array_like of float
        ``(x, y, a, b, c)`` with ``[[a, b], [b, c]]`` positive definite.
    size_px : int >= 5

    Returns
    -------
    (size_px, size_px) float64 array in [0, 1]
    """
    r = _check_points(np.asarray(region, dtype=np.float64)[None], "region", ncols=(5,))[0]
    m = np.array([[r[2], r[3]], [r[3], r[4]]])
    det = np.linalg.det(m)
    if not (r[2] > 0 and det > 0):
        raise ValueError(f"region must be (x, y, a, b, c) with [[a, b], [b, c]] positive definite, got {r}")
    sigma = det ** -0.25 / REGION_FACTOR                 # the disc of equal area has radius 3σ
    return normalized_patch(gray, r[0], r[1], m, sigma, size_px)


def regions_to_ellipses(keypoints):
    """Turn keypoints into elliptical regions ``(x, y, a, b, c)``.

    Parameters
    ----------
    keypoints : (N, 3), (N, 4) or (N, 5) float array
        ``(x, y, scale[, angle])`` become discs of radius ``3·scale``
        (``a = c = 1 / (3·scale)²``, ``b = 0``); ``(N, 5)`` ellipses are returned unchanged.

    Returns
    -------
    (N, 5) float64 array
    """
    k = _check_points(keypoints, "keypoints", ncols=(3, 4, 5))
    if k.shape[1] == 5:
        return k.copy()
    if np.any(k[:, 2] <= 0):
        raise ValueError("keypoints' scales must be > 0")
    inv_r2 = 1.0 / (REGION_FACTOR * k[:, 2]) ** 2
    return np.c_[k[:, :2], inv_r2, np.zeros(len(k)), inv_r2]


def harris_affine(gray, n_best=300, n_iter=10, tol=0.05, **harris_laplace_kwargs):
    """Harris-Affine regions: Harris–Laplace keypoints followed by affine shape adaptation.

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    n_best : int
        Number of Harris–Laplace keypoints to adapt.
    n_iter : int >= 1
    tol : float in (0, 1)
    **harris_laplace_kwargs
        Passed to :func:`harris_laplace`.

    Returns
    -------
    (N, 5) float64 array of ellipses ``(x, y, a, b, c)``, each of the area of the disc of
    radius ``3σ`` (Mikolajczyk & Schmid 2004; IJCV 2005).
    """
    img = _gray(gray)
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    tol = check_number(tol, "tol", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    kps = harris_laplace(img, n_best=n_best, **harris_laplace_kwargs)
    if len(kps) == 0:
        return np.zeros((0, 5))
    shapes = _affine_adapt_batch(_ScaleSampler(img), kps[:, :2], kps[:, 2], n_iter, 0.7, tol)
    m = shapes / (REGION_FACTOR * kps[:, 2, None, None]) ** 2
    return np.c_[kps[:, :2], m[:, 0, 0], m[:, 0, 1], m[:, 1, 1]]
