"""Local features: interest-point detectors, scale space, affine normalization,
repeatability, and the SIFT descriptor.

The algorithms the course teaches are written here from their papers in numpy/scipy;
OpenCV provides the peers a practitioner would use (:func:`detect_opencv`,
:func:`opencv_sift_descriptor`).

Conventions
-----------
* Images: ``(H, W)`` grayscale or ``(H, W, 3)`` RGB, ``uint8`` or float in ``[0, 1]``;
  every detector works on the luma as float64 in ``[0, 1]`` (:func:`imsearch.image.to_gray`).
* Coordinates are pixels, ``x`` to the right (column) and ``y`` down (row), pixel
  centres at integers.
* A keypoint is ``(x, y)``, ``(x, y, scale)`` or ``(x, y, scale, angle)``: ``scale`` is
  the Gaussian σ in pixels at which it was found, and its region is the disc of radius
  ``3·scale`` (``REGION_FACTOR``); ``angle`` is in radians, measured from the +x axis
  towards +y (clockwise on screen, since y points down).
* An elliptical region is ``(x, y, a, b, c)``: the points ``p`` with
  ``a·dx² + 2b·dx·dy + c·dy² <= 1``, the format of Mikolajczyk et al.'s benchmark.

References
----------
- C. Harris, M. Stephens. A combined corner and edge detector. Alvey Vision Conf., 1988.
- T. Lindeberg. Feature detection with automatic scale selection. IJCV 30(2), 1998.
- T. Lindeberg, J. Gårding. Shape-adapted smoothing in estimation of 3-D shape cues from affine
  deformations of local 2-D brightness structure. Image and Vision Computing 15(6), 1997.
- K. Mikolajczyk, C. Schmid. Scale & affine invariant interest point detectors. IJCV 60(1), 2004.
- J. Matas, O. Chum, M. Urban, T. Pajdla. Robust wide-baseline stereo from maximally stable
  extremal regions. Image and Vision Computing 22(10), 2004.
- K. Mikolajczyk, T. Tuytelaars, C. Schmid, A. Zisserman, J. Matas, F. Schaffalitzky, T. Kadir,
  L. Van Gool. A comparison of affine region detectors. IJCV 65(1/2), 2005.
- D. Lowe. Distinctive image features from scale-invariant keypoints. IJCV 60(2), 2004.
- E. Rosten, T. Drummond. Machine learning for high-speed corner detection. ECCV 2006 (FAST).
- E. Rublee, V. Rabaud, K. Konolige, G. Bradski. ORB: an efficient alternative to SIFT or SURF. ICCV 2011.
- R. Arandjelović, A. Zisserman. Three things everyone should know to improve object
  retrieval. CVPR 2012 (RootSIFT).
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from ._guard import reference
from ._validation import as_rng, check_array, check_image, check_int, check_number
from .image import to_gray, to_uint8

__all__ = [
    "REGION_FACTOR",
    # Harris
    "structure_tensor", "harris_response", "harris_eigenvalues", "corner_classes",
    "local_maxima", "nonmax_suppression", "harris_corners", "fraction_within", "harris_vs_opencv",
    "nearest_correspondences",
    # scale space
    "gaussian_pyramid", "scale_space", "laplacian_of_gaussian", "characteristic_scale",
    "harris_laplace",
    # affine normalization
    "affine_adapt", "normalized_patch", "harris_affine", "regions_to_ellipses",
    # OpenCV peers
    "mser_regions", "detect_opencv",
    # repeatability
    "ellipse_overlap_error", "repeatability", "repeatability_curve", "repeatability_curves",
    "repeatability_sweep",
    "downscale_sequence", "synthetic_viewpoint_sequence", "affine_sequences", "OXFORD_CHANGES",
    "sequence_axis",
    # SIFT
    "dominant_orientations", "assign_orientations", "orientation_histograms", "descriptor_patch",
    "sift_descriptor", "root_sift", "opencv_sift_descriptor",
]

#: A keypoint of scale σ stands for the disc of radius ``REGION_FACTOR · σ``.
REGION_FACTOR = 3.0


# ============================================================================ helpers

def _ndi():
    import scipy.ndimage as ndi  # imported lazily: `import imsearch` stays quick
    return ndi


def _cv2():
    import cv2
    return cv2


def _gray(gray, name="gray") -> np.ndarray:
    """Validate a library image and return its luma as float64 (H, W) in [0, 1]."""
    check_image(gray, name)
    return to_gray(gray)


def _positive(value, name) -> float:
    return check_number(value, name, minimum=0.0, strict_min=True)


def _check_points(points, name, ncols=(2, 3, 4, 5), allow_empty=True) -> np.ndarray:
    """Return keypoints as float64 (N, C) with C in ``ncols``; (0, C) arrays are allowed."""
    arr = check_array(points, name, ndim=2, kinds="iuf", allow_empty=allow_empty)
    allowed = (ncols,) if isinstance(ncols, int) else tuple(ncols)
    if arr.shape[1] not in allowed:
        want = " or ".join(f"(N, {c})" for c in allowed)
        raise ValueError(f"{name} must have shape {want}, got {arr.shape}")
    return arr.astype(np.float64)


def _check_homography(H, name="H") -> np.ndarray:
    H = check_array(H, name, shape=(3, 3), kinds="iuf").astype(np.float64)
    if abs(np.linalg.det(H)) < 1e-12:
        raise ValueError(f"{name} must be invertible, got a singular matrix")
    return H


def _check_shape(shape, name) -> tuple:
    if isinstance(shape, np.ndarray) or not isinstance(shape, (tuple, list)) or len(shape) not in (2, 3):
        raise TypeError(f"{name} must be an image shape tuple (H, W) or (H, W, 3), got {shape!r}")
    h, w = shape[0], shape[1]
    check_int(h, f"{name}[0]", minimum=1)
    check_int(w, f"{name}[1]", minimum=1)
    return int(h), int(w)


def _project(H, pts):
    """Apply a homography to (N, 2) points."""
    ph = np.c_[pts, np.ones(len(pts))] @ H.T
    return ph[:, :2] / ph[:, 2:3]


def _inside(pts, shape):
    h, w = shape
    return (pts[:, 0] >= 0) & (pts[:, 0] <= w - 1) & (pts[:, 1] >= 0) & (pts[:, 1] <= h - 1)


def _sqrtm_sym(M, inverse=False):
    """(Inverse) square root of symmetric positive-definite (..., 2, 2) matrices."""
    w, V = np.linalg.eigh(M)
    w = np.maximum(w, 1e-300)
    p = -0.5 if inverse else 0.5
    return (V * w[..., None, :] ** p) @ np.swapaxes(V, -1, -2)


# ============================================================================ Harris

def _gaussian_kernel(sigma, order):
    """The sampled Gaussian (derivative) kernel of ``scipy.ndimage.gaussian_filter1d``, reversed."""
    radius = int(4.0 * sigma + 0.5)
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    phi = np.exp(-0.5 * x * x / sigma ** 2)
    phi /= phi.sum()
    if order == 1:
        phi = -x / sigma ** 2 * phi
    elif order == 2:
        phi = (x * x / sigma ** 4 - 1.0 / sigma ** 2) * phi
    return phi[::-1].copy()       # correlation with the reversed kernel = convolution


def _gaussian(img, sigma, order=(0, 0)):
    """``scipy.ndimage.gaussian_filter(img, sigma, order)`` (mode 'reflect'), computed by OpenCV.

    The same sampled kernels and border rule as scipy (equal to ~1e-15), about twice as
    fast; ``order = (order along y, order along x)``.
    """
    cv2 = _cv2()
    ky = _gaussian_kernel(sigma, order[0])
    kx = _gaussian_kernel(sigma, order[1])
    return cv2.sepFilter2D(np.ascontiguousarray(img, dtype=np.float64), cv2.CV_64F, kx, ky,
                           borderType=cv2.BORDER_REFLECT)


def _structure_tensor(img, sigma_d, sigma_i):
    ix = _gaussian(img, sigma_d, order=(0, 1))
    iy = _gaussian(img, sigma_d, order=(1, 0))
    s2 = sigma_d ** 2
    axx = s2 * _gaussian(ix * ix, sigma_i)
    axy = s2 * _gaussian(ix * iy, sigma_i)
    ayy = s2 * _gaussian(iy * iy, sigma_i)
    return axx, axy, ayy


def _harris(img, sigma_d, sigma_i, k):
    axx, axy, ayy = _structure_tensor(img, sigma_d, sigma_i)
    return axx * ayy - axy * axy - k * (axx + ayy) ** 2


def _check_scales(sigma_d, sigma_i):
    return _positive(sigma_d, "sigma_d"), _positive(sigma_i, "sigma_i")


def structure_tensor(gray, sigma_d=1.0, sigma_i=2.0):
    """The scale-normalised second-moment (structure) matrix at every pixel.

    ``M = σ_d² · G(σ_i) * [[Ix², Ix·Iy], [Ix·Iy, Iy²]]`` where ``Ix, Iy`` are the
    derivatives of the image smoothed at the derivation scale ``σ_d`` (Gaussian
    derivative filters, ``scipy.ndimage.gaussian_filter(..., order=...)`` with its default
    ``reflect`` border) and ``G(σ_i) *`` is a Gaussian average at the integration scale.
    The factor ``σ_d²`` makes responses comparable across scales (Mikolajczyk & Schmid 2004).

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
        Color images are converted to luma.
    sigma_d, sigma_i : float > 0
        Derivation and integration scales in pixels.

    Returns
    -------
    (Axx, Axy, Ayy) : three (H, W) float64 arrays
        The entries of the symmetric 2×2 matrix at each pixel.
    """
    img = _gray(gray)
    sigma_d, sigma_i = _check_scales(sigma_d, sigma_i)
    return _structure_tensor(img, sigma_d, sigma_i)


@reference("4.1")
def harris_response(gray, sigma_d=1.0, sigma_i=2.0, k=0.05):
    """The Harris corner response ``R = det(M) − k·trace(M)²`` at every pixel.

    ``M`` is the scale-normalised structure tensor of :func:`structure_tensor`. ``R`` is
    large and positive at corners (both eigenvalues large), negative along edges (one
    large eigenvalue) and near zero in flat regions (Harris & Stephens 1988).

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    sigma_d, sigma_i : float > 0
        Derivation and integration scales in pixels.
    k : float in [0, 0.25]
        The sensitivity constant (0.04–0.06 is usual).

    Returns
    -------
    (H, W) float64 array
    """
    img = _gray(gray)
    sigma_d, sigma_i = _check_scales(sigma_d, sigma_i)
    k = check_number(k, "k", minimum=0.0, maximum=0.25)
    return _harris(img, sigma_d, sigma_i, k)


def harris_eigenvalues(gray, sigma_d=1.0, sigma_i=2.0):
    """The two eigenvalues ``λ1 >= λ2 >= 0`` of the structure tensor at every pixel.

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    sigma_d, sigma_i : float > 0

    Returns
    -------
    (2, H, W) float64 array
        ``[λ1, λ2]``, closed form of the symmetric 2×2 eigenproblem.
    """
    img = _gray(gray)
    sigma_d, sigma_i = _check_scales(sigma_d, sigma_i)
    axx, axy, ayy = _structure_tensor(img, sigma_d, sigma_i)
    half_trace = 0.5 * (axx + ayy)
    root = np.sqrt(np.maximum(0.25 * (axx - ayy) ** 2 + axy ** 2, 0.0))
    return np.stack([half_trace + root, np.maximum(half_trace - root, 0.0)])


def corner_classes(eigenvalues, threshold):
    """Label each pixel flat (0), edge (1) or corner (2) from its structure-tensor eigenvalues.

    Flat: ``λ1 < threshold``; edge: ``λ1 >= threshold > λ2``; corner: ``λ2 >= threshold``
    (the picture of Harris & Stephens 1988, with a hard threshold in place of ``R``).

    Parameters
    ----------
    eigenvalues : (2, ...) float array
        ``[λ1, λ2]`` with ``λ1 >= λ2``, e.g. from :func:`harris_eigenvalues`.
    threshold : float > 0

    Returns
    -------
    (...) int64 array with values 0, 1, 2
    """
    ev = check_array(eigenvalues, "eigenvalues", kinds="f")
    if ev.ndim < 1 or ev.shape[0] != 2:
        raise ValueError(f"eigenvalues must have shape (2, ...), got {ev.shape}")
    if np.any(ev[0] < ev[1]):
        raise ValueError("eigenvalues must be ordered with eigenvalues[0] >= eigenvalues[1]")
    t = _positive(threshold, "threshold")
    out = np.zeros(ev.shape[1:], dtype=np.int64)
    out[ev[0] >= t] = 1
    out[ev[1] >= t] = 2
    return out


def _local_max_mask(response, threshold, min_distance_px=1):
    ndi = _ndi()
    size = 2 * min_distance_px + 1
    neighbourhood_max = ndi.maximum_filter(response, size=size, mode="constant", cval=-np.inf)
    return (response >= neighbourhood_max) & (response > threshold)


@reference("4.2")
def local_maxima(response, threshold, min_distance_px=1):
    """Non-maximum suppression: the pixels that are maxima of their neighbourhood and above a threshold.

    A pixel is kept when its value is ``> threshold`` and ``>=`` every value in the
    ``(2d+1) × (2d+1)`` square around it (``d = min_distance_px``; ``d = 1`` is the 3×3
    test). Pixels outside the image count as ``−inf``; ties on a plateau are all kept.

    Parameters
    ----------
    response : (H, W) float array
        A detector response such as :func:`harris_response`.
    threshold : float
    min_distance_px : int >= 1

    Returns
    -------
    (H, W) bool array
    """
    r = check_array(response, "response", ndim=2, kinds="iuf")
    threshold = check_number(threshold, "threshold")
    d = check_int(min_distance_px, "min_distance_px", minimum=1)
    return _local_max_mask(r.astype(np.float64), threshold, d)


def _nms_points(response, threshold, min_distance_px, n_best, border_px):
    mask = _local_max_mask(response, threshold, min_distance_px)
    if border_px > 0:
        mask[:border_px] = mask[-border_px:] = False
        mask[:, :border_px] = mask[:, -border_px:] = False
    rows, cols = np.nonzero(mask)
    values = response[rows, cols]
    order = np.argsort(-values, kind="stable")
    if n_best is not None:
        order = order[:n_best]
    pts = np.stack([cols[order], rows[order]], axis=1).astype(np.float64)
    return pts, values[order]


def nonmax_suppression(response, min_distance_px=1, threshold_abs=None, threshold_rel=None,
                       n_best=None, border_px=0, return_values=False):
    """Positions of the local maxima of a response map, strongest first.

    Parameters
    ----------
    response : (H, W) float array
    min_distance_px : int >= 1
        Half-size of the square neighbourhood a maximum must dominate.
    threshold_abs : float, optional
        Keep maxima ``> threshold_abs``.
    threshold_rel : float in [0, 1], optional
        Keep maxima ``> threshold_rel · max(response)``; with both thresholds the larger
        applies, with neither ``0`` is used.
    n_best : int, optional
        Keep at most this many (the strongest).
    border_px : int >= 0
        Ignore maxima closer than this to the image border.
    return_values : bool
        Also return the response at each maximum.

    Returns
    -------
    points : (N, 2) float64 array of ``(x, y)``, sorted by decreasing response
    values : (N,) float64 array, only if ``return_values``
    """
    r = check_array(response, "response", ndim=2, kinds="iuf").astype(np.float64)
    d = check_int(min_distance_px, "min_distance_px", minimum=1)
    thr = _threshold(r, threshold_abs, threshold_rel)
    n_best = None if n_best is None else check_int(n_best, "n_best", minimum=1)
    border_px = check_int(border_px, "border_px", minimum=0)
    pts, vals = _nms_points(r, thr, d, n_best, border_px)
    return (pts, vals) if return_values else pts


def _threshold(r, threshold_abs, threshold_rel):
    thr = 0.0
    if threshold_abs is not None:
        thr = check_number(threshold_abs, "threshold_abs")
    if threshold_rel is not None:
        rel = check_number(threshold_rel, "threshold_rel", minimum=0.0, maximum=1.0)
        thr = max(thr, rel * float(r.max())) if threshold_abs is not None else rel * float(r.max())
    return thr


def harris_corners(gray, sigma_d=1.0, sigma_i=2.0, k=0.05, threshold_rel=0.01, n_best=None,
                   min_distance_px=3, border_px=None, return_response=False):
    """Harris corners: the response, non-maximum suppression, a threshold or the top N.

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    sigma_d, sigma_i : float > 0
        Derivation and integration scales in pixels.
    k : float in [0, 0.25]
    threshold_rel : float in [0, 1]
        Keep corners with ``R > threshold_rel · max(R)`` (and ``R > 0``).
    n_best : int, optional
        Keep at most the ``n_best`` strongest.
    min_distance_px : int >= 1
        A corner must be the maximum of the ``(2d+1)²`` square around it.
    border_px : int, optional
        Ignore corners this close to the border (default ``min_distance_px``).
    return_response : bool
        Also return the response of each corner.

    Returns
    -------
    corners : (N, 2) float64 array of ``(x, y)``, strongest first
    response : (N,) float64 array, only if ``return_response``
    """
    img = _gray(gray)
    sigma_d, sigma_i = _check_scales(sigma_d, sigma_i)
    k = check_number(k, "k", minimum=0.0, maximum=0.25)
    rel = check_number(threshold_rel, "threshold_rel", minimum=0.0, maximum=1.0)
    n_best = None if n_best is None else check_int(n_best, "n_best", minimum=1)
    d = check_int(min_distance_px, "min_distance_px", minimum=1)
    border_px = d if border_px is None else check_int(border_px, "border_px", minimum=0)
    r = _harris(img, sigma_d, sigma_i, k)
    thr = max(0.0, rel * float(r.max()))
    pts, vals = _nms_points(r, thr, d, n_best, border_px)
    return (pts, vals) if return_response else pts


def fraction_within(points, reference_points, tol_px=2.0):
    """The fraction of ``points`` that have a point of ``reference_points`` within ``tol_px``.

    Used to measure how well two detectors agree on the same image.

    Parameters
    ----------
    points : (N, 2+) float array
        Only the first two columns ``(x, y)`` are used.
    reference_points : (M, 2+) float array
    tol_px : float > 0

    Returns
    -------
    float in [0, 1] (0.0 when ``points`` or ``reference_points`` is empty)
    """
    a = _check_points(points, "points")[:, :2]
    b = _check_points(reference_points, "reference_points")[:, :2]
    tol = _positive(tol_px, "tol_px")
    if len(a) == 0 or len(b) == 0:
        return 0.0
    from scipy.spatial import cKDTree

    dist, _ = cKDTree(b).query(a, k=1)
    return float(np.mean(dist <= tol))


def nearest_correspondences(kps1, kps2, H, tol_px=2.0):
    """Pairs (i, j) where keypoint j of image 2 is the nearest to keypoint i of image 1 mapped by ``H``.

    A simple way to follow the same scene points across two views (e.g. to compare their
    detected scales); unlike :func:`repeatability` it is not one-to-one and ignores regions.

    Parameters
    ----------
    kps1 : (N, 2+) float array
    kps2 : (M, 2+) float array
    H : (3, 3) float array
        Maps image-1 pixel coordinates to image 2.
    tol_px : float > 0
        Keep pairs whose distance after mapping is at most this.

    Returns
    -------
    (P, 2) int64 array of indices ``(i, j)``, in increasing ``i``
    """
    k1 = _check_points(kps1, "kps1")
    k2 = _check_points(kps2, "kps2")
    H = _check_homography(H)
    tol = _positive(tol_px, "tol_px")
    if len(k1) == 0 or len(k2) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    from scipy.spatial import cKDTree

    dist, j = cKDTree(k2[:, :2]).query(_project(H, k1[:, :2]), k=1)
    i = np.nonzero(dist <= tol)[0]
    return np.stack([i, j[i]], axis=1).astype(np.int64)


def harris_vs_opencv(gray, n_best=200, sigma_d=0.7, sigma_i=1.5, k=0.05, block_size=5, tol_px=2.0,
                     min_distance_px=3, repeat=3):
    """Our Harris corners next to OpenCV's ``cornerHarris`` and scikit-image's ``corner_harris``.

    The three responses go through the same non-maximum suppression and top-N
    selection; agreement is the fraction of our corners that have a corner of the other
    library within ``tol_px``. OpenCV sums Sobel derivatives over a ``block_size`` box,
    so its window differs slightly from our Gaussians (a 5×5 box has a standard deviation
    of 1.4 px, hence the default ``sigma_i = 1.5``); scikit-image uses a Gaussian of
    ``sigma_i`` as we do.

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    n_best : int
        Corners kept by each implementation.
    sigma_d, sigma_i, k :
        Our scales (pixels) and constant; OpenCV gets ``k`` and ``block_size``
        (Sobel aperture 3), scikit-image ``k`` and ``sigma = sigma_i``.
    block_size : int
    tol_px : float
    min_distance_px : int
    repeat : int >= 1
        Each response is timed as the best of ``repeat`` runs.

    Returns
    -------
    dict
        ``"ours"``, ``"opencv"``, ``"skimage"``: (N, 2) corners; ``"agreement_opencv"``,
        ``"agreement_skimage"``: floats in [0, 1]; ``"time_ours_s"``, ``"time_opencv_s"``,
        ``"time_skimage_s"``: seconds per response map.
    """
    import time

    img = _gray(gray)
    n_best = check_int(n_best, "n_best", minimum=1)
    sigma_d, sigma_i = _check_scales(sigma_d, sigma_i)
    k = check_number(k, "k", minimum=0.0, maximum=0.25)
    block_size = check_int(block_size, "block_size", minimum=2)
    tol_px = _positive(tol_px, "tol_px")
    d = check_int(min_distance_px, "min_distance_px", minimum=1)
    repeat = check_int(repeat, "repeat", minimum=1)
    cv2 = _cv2()
    from skimage.feature import corner_harris

    img32 = img.astype(np.float32)
    makers = {
        "ours": lambda: _harris(img, sigma_d, sigma_i, k),
        "opencv": lambda: cv2.cornerHarris(img32, block_size, 3, k).astype(np.float64),
        "skimage": lambda: corner_harris(img, method="k", k=k, sigma=sigma_i),
    }
    out = {}
    for name, make in makers.items():
        best = np.inf
        for _ in range(repeat):
            t0 = time.perf_counter()
            response = make()
            best = min(best, time.perf_counter() - t0)
        out[name] = _nms_points(response, 0.0, d, n_best, d)[0]
        out[f"time_{name}_s"] = best
    out["agreement_opencv"] = fraction_within(out["ours"], out["opencv"], tol_px)
    out["agreement_skimage"] = fraction_within(out["ours"], out["skimage"], tol_px)
    return out


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


def affine_adapt(gray, x, y, sigma, n_iter=20, s=0.7, tol=0.05, return_history=False):
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
    sigma : float > 0
        Integration scale in pixels (e.g. from :func:`harris_laplace`).
    n_iter : int >= 1
        Maximum number of iterations.
    s : float > 0
        Derivation scale as a fraction of ``sigma``.
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
    sigma = _positive(sigma, "sigma")
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    s = _positive(s, "s")
    tol = check_number(tol, "tol", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    out = _affine_adapt_batch(_ScaleSampler(img), np.array([[x, y]]), np.array([sigma]),
                              n_iter, s, tol, history=return_history)
    if return_history:
        return out[0][0], [hh[0] for hh in out[1]]
    return out[0]


def _check_shape_matrix(shape, name="shape"):
    m = check_array(shape, name, shape=(2, 2), kinds="iuf").astype(np.float64)
    if not np.allclose(m, m.T, rtol=1e-6, atol=1e-9) or np.linalg.eigvalsh(m)[0] <= 0:
        raise ValueError(f"{name} must be symmetric positive-definite")
    return m


def normalized_patch(gray, x, y, shape, sigma, size_px=41):
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
    sigma : float > 0
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
    sigma = _positive(sigma, "sigma")
    size = check_int(size_px, "size_px", minimum=5)
    m = m / math.sqrt(np.linalg.det(m))
    U = _sqrtm_sym(m, inverse=True)                      # det 1, maps the disc to the ellipse
    radius = REGION_FACTOR * sigma
    t = (np.arange(size) - (size - 1) / 2) * (2 * radius / size)
    gx, gy = np.meshgrid(t, t)
    offsets = np.stack([gx, gy], axis=-1) @ U.T
    spacing = 2 * radius / size * np.linalg.svd(U, compute_uv=False)[1]
    blur = max(0.5 * spacing, _IMAGE_BLUR)
    vals = _ScaleSampler(img).sample(np.array([blur]), (np.array([x, y]) + offsets)[None])[0]
    return np.clip(vals, 0.0, 1.0)


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


# ============================================================================ OpenCV peers

def mser_regions(gray, delta=5, min_area=30, max_area_frac=0.05, n_best=None):
    """Maximally stable extremal regions (OpenCV), as the ellipses of equal second moments.

    An extremal region is a connected component of the pixels above (or below) a
    threshold; it is maximally stable when its area changes least as the threshold
    sweeps over ``delta`` grey levels (Matas et al. 2004). Each region is returned as
    the ellipse with its centroid and covariance ``C`` (the boundary ``dᵀ(4C)⁻¹d = 1``
    of a filled ellipse with these moments), as in Mikolajczyk et al. (IJCV 2005).

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    delta : int >= 1
        Stability step in grey levels (of 255).
    min_area : int >= 1
        Smallest region in pixels.
    max_area_frac : float in (0, 1]
        Largest region as a fraction of the image area.
    n_best : int, optional
        Keep at most this many, the smallest regions first (OpenCV reports no stability
        score; small regions are the most localised).

    Returns
    -------
    (N, 5) float64 array of ellipses ``(x, y, a, b, c)``
    """
    img = _gray(gray)
    delta = check_int(delta, "delta", minimum=1)
    min_area = check_int(min_area, "min_area", minimum=1)
    frac = check_number(max_area_frac, "max_area_frac", minimum=0.0, maximum=1.0, strict_min=True)
    n_best = None if n_best is None else check_int(n_best, "n_best", minimum=1)
    cv2 = _cv2()
    u8 = to_uint8(img)
    max_area = max(min_area + 1, int(frac * img.size))
    mser = cv2.MSER_create(delta, min_area, max_area)
    regions, _ = mser.detectRegions(u8)
    out, areas = [], []
    for reg in regions:
        pts = reg.reshape(-1, 2).astype(np.float64)
        if len(pts) < 3:
            continue
        c = pts.mean(axis=0)
        cov = np.cov(pts.T, bias=True) + np.eye(2) / 12.0   # + the spread of a pixel
        m = np.linalg.inv(4.0 * cov)
        out.append([c[0], c[1], m[0, 0], m[0, 1], m[1, 1]])
        areas.append(len(pts))
    if not out:
        return np.zeros((0, 5))
    out = np.asarray(out)
    order = np.argsort(np.asarray(areas), kind="stable")
    if n_best is not None:
        order = order[:n_best]
    return out[order]


def _ellipse_scale(ellipses):
    """Scale σ of the disc with the ellipse's area: radius (det M)^(-1/4) = 3σ."""
    det = ellipses[:, 2] * ellipses[:, 4] - ellipses[:, 3] ** 2
    return det ** -0.25 / REGION_FACTOR


_OPENCV_METHODS = ("sift", "orb", "fast", "mser", "harris")


def detect_opencv(gray, method, n_best=None, with_angle=False):
    """Keypoints from OpenCV's detectors, in this module's ``(x, y, scale)`` convention.

    ``sift``: difference-of-Gaussians extrema (Lowe 2004), ``scale = size / 2`` (OpenCV's
    size is 2σ). ``orb``: FAST corners in an image pyramid ranked by the Harris measure
    (Rublee et al. 2011), ``fast``: FAST-9 corners (Rosten & Drummond 2006), ``harris``:
    ``goodFeaturesToTrack`` with the Harris measure (5×5 window, k = 0.04); for these
    three the region is the patch OpenCV describes, ``scale = size / 6`` (radius ``3σ``),
    ``harris`` gets 2 px. ``mser``: :func:`mser_regions`, the scale of the disc of equal
    area. Keypoints are sorted by OpenCV's response, strongest first (MSER: smallest first).

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    method : {"sift", "orb", "fast", "mser", "harris"}
    n_best : int, optional
        Keep at most this many.
    with_angle : bool
        Return a fourth column, the orientation in radians (this module's convention:
        from +x towards +y); only for ``sift`` and ``orb``.

    Returns
    -------
    (N, 3) or (N, 4) float64 array
    """
    img = _gray(gray)
    if not isinstance(method, str) or method not in _OPENCV_METHODS:
        raise ValueError(f"method must be one of {_OPENCV_METHODS}, got {method!r}")
    n_best = None if n_best is None else check_int(n_best, "n_best", minimum=1)
    if with_angle and method not in ("sift", "orb"):
        raise ValueError(f"with_angle is only available for 'sift' and 'orb', got method={method!r}")
    cv2 = _cv2()
    u8 = to_uint8(img)
    if method == "mser":
        e = mser_regions(img, n_best=n_best)
        return np.c_[e[:, :2], _ellipse_scale(e)]
    if method == "harris":
        pts = cv2.goodFeaturesToTrack(u8, maxCorners=n_best or 0, qualityLevel=0.01, minDistance=3,
                                      blockSize=5, useHarrisDetector=True, k=0.04)
        pts = np.zeros((0, 2)) if pts is None else pts.reshape(-1, 2).astype(np.float64)
        return np.c_[pts, np.full(len(pts), 2.0)]
    if method == "sift":
        kps = cv2.SIFT_create(nfeatures=n_best or 0).detect(u8, None)
        factor = 0.5
    elif method == "orb":
        kps = cv2.ORB_create(nfeatures=n_best or 500).detect(u8, None)
        factor = 1.0 / (2 * REGION_FACTOR)
    else:
        kps = cv2.FastFeatureDetector_create().detect(u8, None)
        factor = 1.0 / (2 * REGION_FACTOR)
    if not kps:
        return np.zeros((0, 4 if with_angle else 3))
    arr = np.array([[k.pt[0], k.pt[1], k.size * factor, k.angle, k.response] for k in kps], dtype=np.float64)
    arr = arr[np.argsort(-arr[:, 4], kind="stable")]
    if with_angle:
        out = np.c_[arr[:, :3], np.deg2rad(arr[:, 3]) % (2 * np.pi)]
    else:
        # SIFT repeats a keypoint once per dominant orientation: keep each location once
        _, first = np.unique(arr[:, :3], axis=0, return_index=True)
        out = arr[np.sort(first), :3]
    return out[:n_best] if n_best is not None else out


# ============================================================================ repeatability

_OVERLAP_GRID = 32
_OVERLAP_CHUNK = 4096


def _ellipse_matrices(e):
    m = np.empty((len(e), 2, 2))
    m[:, 0, 0], m[:, 0, 1], m[:, 1, 0], m[:, 1, 1] = e[:, 2], e[:, 3], e[:, 3], e[:, 4]
    return m


def _overlap_errors(c1, m1, c2, m2):
    """1 − |E1 ∩ E2| / |E1 ∪ E2| for pairs of ellipses {p : (p − c)ᵀ M (p − c) <= 1}.

    The intersection is estimated on a regular grid over E1's bounding box, as the
    fraction of E1's grid points inside E2 times E1's exact area.
    """
    out = np.empty(len(c1))
    t = (np.arange(_OVERLAP_GRID) + 0.5) / _OVERLAP_GRID * 2.0 - 1.0
    for start in range(0, len(c1), _OVERLAP_CHUNK):
        sl = slice(start, start + _OVERLAP_CHUNK)
        a1, b1, cc1 = m1[sl, 0, 0], m1[sl, 0, 1], m1[sl, 1, 1]
        a2, b2, cc2 = m2[sl, 0, 0], m2[sl, 0, 1], m2[sl, 1, 1]
        det1, det2 = a1 * cc1 - b1 ** 2, a2 * cc2 - b2 ** 2
        hw_x, hw_y = np.sqrt(cc1 / det1), np.sqrt(a1 / det1)          # bounding box of E1
        dx = hw_x[:, None, None] * t[None, None, :]
        dy = hw_y[:, None, None] * t[None, :, None]
        in1 = a1[:, None, None] * dx ** 2 + 2 * b1[:, None, None] * dx * dy + cc1[:, None, None] * dy ** 2 <= 1
        ex = dx + (c1[sl, 0] - c2[sl, 0])[:, None, None]
        ey = dy + (c1[sl, 1] - c2[sl, 1])[:, None, None]
        in2 = a2[:, None, None] * ex ** 2 + 2 * b2[:, None, None] * ex * ey + cc2[:, None, None] * ey ** 2 <= 1
        area1, area2 = np.pi / np.sqrt(det1), np.pi / np.sqrt(det2)
        inter = np.sum(in1 & in2, axis=(1, 2)) / np.maximum(np.sum(in1, axis=(1, 2)), 1) * area1
        out[sl] = 1.0 - inter / (area1 + area2 - inter)
    return np.clip(out, 0.0, 1.0)


def _check_ellipses(e, name):
    e = _check_points(e, name, ncols=5)
    det = e[:, 2] * e[:, 4] - e[:, 3] ** 2
    if np.any(e[:, 2] <= 0) or np.any(det <= 0):
        raise ValueError(f"{name} must describe ellipses: a > 0 and a·c − b² > 0")
    return e


def ellipse_overlap_error(ellipses1, ellipses2):
    """The overlap error ``1 − |E1 ∩ E2| / |E1 ∪ E2|`` of pairs of ellipses (Mikolajczyk et al. 2005).

    Parameters
    ----------
    ellipses1, ellipses2 : (N, 5) or (5,) float arrays
        ``(x, y, a, b, c)``: the points with ``a·dx² + 2b·dx·dy + c·dy² <= 1``.

    Returns
    -------
    (N,) float64 array in [0, 1], or a float for (5,) inputs
        Estimated on a 32×32 grid over the first ellipse (absolute error about 0.01).
    """
    single = np.ndim(ellipses1) == 1 and np.ndim(ellipses2) == 1
    e1 = _check_ellipses(np.atleast_2d(ellipses1), "ellipses1")
    e2 = _check_ellipses(np.atleast_2d(ellipses2), "ellipses2")
    if e1.shape != e2.shape:
        raise ValueError(f"ellipses1 and ellipses2 must have the same shape, got {e1.shape} and {e2.shape}")
    err = _overlap_errors(e1[:, :2], _ellipse_matrices(e1), e2[:, :2], _ellipse_matrices(e2))
    return float(err[0]) if single else err


def _jacobians(H, pts):
    """The local affine approximation (2×2 Jacobian) of a homography at (N, 2) points."""
    ph = np.c_[pts, np.ones(len(pts))] @ H.T
    w = ph[:, 2]
    proj = ph[:, :2] / w[:, None]
    return (H[None, :2, :2] - proj[:, :, None] * H[None, 2, None, :2]) / w[:, None, None]


def _lens_area(r1, r2, d):
    """Area of the intersection of two discs of radii r1, r2 whose centres are d apart."""
    r1, r2, d = np.broadcast_arrays(np.asarray(r1, float), np.asarray(r2, float), np.asarray(d, float))
    out = np.zeros(r1.shape)
    inside = d <= np.abs(r1 - r2)
    out[inside] = np.pi * np.minimum(r1, r2)[inside] ** 2
    part = ~inside & (d < r1 + r2)
    a, b, c = r1[part], r2[part], d[part]
    alpha = np.arccos(np.clip((c ** 2 + a ** 2 - b ** 2) / (2 * c * a), -1, 1))
    beta = np.arccos(np.clip((c ** 2 + b ** 2 - a ** 2) / (2 * c * b), -1, 1))
    tri = 0.5 * np.sqrt(np.maximum((-c + a + b) * (c + a - b) * (c - a + b) * (c + a + b), 0))
    out[part] = a ** 2 * alpha + b ** 2 * beta - tri
    return out


def _greedy_one_to_one(i, j, cost):
    """Greedy one-to-one assignment of candidate pairs by increasing cost; returns the count."""
    order = np.lexsort((j, i, cost))
    used_i, used_j = set(), set()
    for k in order:
        a, b = int(i[k]), int(j[k])
        if a not in used_i and b not in used_j:
            used_i.add(a)
            used_j.add(b)
    return len(used_i)


def _repeatability(k1, k2, H, shape1, shape2, eps_px, max_overlap_error, normalize_radius_px):
    Hinv = np.linalg.inv(H)
    p1 = _project(H, k1[:, :2]) if len(k1) else np.zeros((0, 2))
    keep1 = _inside(p1, shape2)
    keep2 = _inside(_project(Hinv, k2[:, :2]), shape1) if len(k2) else np.zeros(0, dtype=bool)
    n1, n2 = int(keep1.sum()), int(keep2.sum())
    if min(n1, n2) == 0:
        return 0.0, 0, n1, n2
    k1, p1, k2 = k1[keep1], p1[keep1], k2[keep2]
    diff = p1[:, None, :] - k2[None, :, :2]
    dist = np.sqrt(np.sum(diff ** 2, axis=-1))
    if max_overlap_error is None:
        i, j = np.nonzero(dist <= eps_px)
        n_corr = _greedy_one_to_one(i, j, dist[i, j])
        return n_corr / min(n1, n2), n_corr, n1, n2
    e1 = regions_to_ellipses(k1)
    e2 = regions_to_ellipses(k2)
    # project region 1 with the local affine approximation of H: M' = A^-T M A^-1
    A_inv = np.linalg.inv(_jacobians(H, k1[:, :2]))
    m1 = np.swapaxes(A_inv, 1, 2) @ _ellipse_matrices(e1) @ A_inv
    m2 = _ellipse_matrices(e2)
    # normalise: scale each pair so that projected region 1 has radius normalize_radius_px
    # (the scale factor applies to the regions about their centres, not to their distance)
    r1 = np.linalg.det(m1) ** -0.25
    f = normalize_radius_px / r1                                    # (n1,)
    det2 = np.linalg.det(m2)
    area1 = np.pi * normalize_radius_px ** 2
    area2 = np.pi / np.sqrt(det2)[None, :] * f[:, None] ** 2        # (n1, n2)
    # candidates: the area ratio alone bounds the error from below; the centres must be close
    lower = 1.0 - np.minimum(area1, area2) / np.maximum(area1, area2)
    reach1 = 1.0 / np.sqrt(np.linalg.eigvalsh(m1)[:, 0]) * f        # circumscribed radii after scaling
    reach2 = 1.0 / np.sqrt(np.linalg.eigvalsh(m2)[:, 0])[None, :] * f[:, None]
    i, j = np.nonzero((lower < max_overlap_error) & (dist < reach1[:, None] + reach2))
    if len(i) == 0:
        return 0.0, 0, n1, n2
    # a sharper bound: the intersection is at most that of the circumscribed circles
    a2 = area2[i, j]
    inter_max = np.minimum(_lens_area(reach1[i], reach2[i, j], dist[i, j]), np.minimum(area1, a2))
    bound = 1.0 - inter_max / (area1 + a2 - inter_max)
    keep = bound < max_overlap_error
    i, j = i[keep], j[keep]
    if len(i) == 0:
        return 0.0, 0, n1, n2
    fi = f[i]
    err = _overlap_errors(p1[i], m1[i] / fi[:, None, None] ** 2, k2[j, :2], m2[j] / fi[:, None, None] ** 2)
    ok = err < max_overlap_error
    n_corr = _greedy_one_to_one(i[ok], j[ok], err[ok])
    return n_corr / min(n1, n2), n_corr, n1, n2


def _checked_repeatability(kps1, kps2, H, shape1, shape2, eps_px, max_overlap_error, normalize_radius_px):
    cols = (2, 3, 4, 5) if max_overlap_error is None else (3, 4, 5)
    k1 = _check_points(kps1, "kps1", ncols=cols)
    k2 = _check_points(kps2, "kps2", ncols=cols)
    H = _check_homography(H)
    shape1, shape2 = _check_shape(shape1, "shape1"), _check_shape(shape2, "shape2")
    eps_px = _positive(eps_px, "eps_px")
    if max_overlap_error is not None:
        max_overlap_error = check_number(max_overlap_error, "max_overlap_error", minimum=0.0, maximum=1.0,
                                         strict_min=True, strict_max=True)
        for k, name in ((k1, "kps1"), (k2, "kps2")):
            if k.shape[1] in (3, 4) and np.any(k[:, 2] <= 0):
                raise ValueError(f"{name}' scales must be > 0")
            if k.shape[1] == 5:
                _check_ellipses(k, name)
    normalize_radius_px = _positive(normalize_radius_px, "normalize_radius_px")
    return _repeatability(k1, k2, H, shape1, shape2, eps_px, max_overlap_error, normalize_radius_px)


@reference("4.3")
def repeatability(kps1, kps2, H, shape1, shape2, eps_px=1.5, max_overlap_error=None,
                  normalize_radius_px=30.0, return_counts=False):
    """Repeatability of a detector between two images related by a homography (Mikolajczyk et al. 2005).

    Keypoints of image 1 are mapped into image 2 by ``H``; only keypoints in the part
    of the scene visible in both images count (those of image 1 that ``H`` maps inside
    image 2, those of image 2 that ``H⁻¹`` maps inside image 1). Pairs are
    corresponding when the mapped point lies within ``eps_px`` of the other (``<=``) or,
    if ``max_overlap_error`` is given, when their regions overlap with an error below it
    (region 1 mapped by the local affine approximation of ``H`` at its centre, both
    regions scaled about their centres so that region 1 has a radius of
    ``normalize_radius_px``, as in the benchmark's code). Each keypoint takes part in at
    most one correspondence; pairs are assigned greedily, best first.

    repeatability = #correspondences / min(#keypoints of image 1 in the common part,
    #keypoints of image 2 in the common part)  (0.0 when either is empty).

    Parameters
    ----------
    kps1, kps2 : (N, 2), (N, 3), (N, 4) or (N, 5) float arrays
        Points ``(x, y)``, keypoints ``(x, y, scale[, angle])`` (discs of radius
        ``3·scale``) or ellipses ``(x, y, a, b, c)``; may be empty.
    H : (3, 3) float array
        Maps image-1 pixel coordinates to image 2, ``[x', y', w]ᵀ = H [x, y, 1]ᵀ``.
    shape1, shape2 : tuple
        Image shapes ``(H, W)`` or ``(H, W, 3)``.
    eps_px : float > 0
        Distance tolerance in pixels (point criterion).
    max_overlap_error : float in (0, 1), optional
        Use the region criterion instead (0.4 in the paper); keypoints need a scale.
    normalize_radius_px : float > 0
    return_counts : bool
        Also return ``(n_correspondences, n1_common, n2_common)``.

    Returns
    -------
    float in [0, 1], or ``(float, int, int, int)`` with ``return_counts``
    """
    out = _checked_repeatability(kps1, kps2, H, shape1, shape2, eps_px, max_overlap_error,
                                 normalize_radius_px)
    return out if return_counts else out[0]


def repeatability_curve(detect, images, homographies, eps_px=1.5, max_overlap_error=0.4):
    """Repeatability of one detector from the first image of a sequence to each of the others.

    Parameters
    ----------
    detect : callable
        ``detect(image) -> (N, 2..5) float array`` of keypoints (see :func:`repeatability`).
    images : sequence of (H, W) or (H, W, 3) arrays
        ``images[0]`` is the reference.
    homographies : dict int -> (3, 3) float array
        ``{n: H}`` mapping ``images[0]`` to ``images[n − 1]`` (the Oxford ``H1to{n}p``
        numbering, n = 2..len(images)).
    eps_px, max_overlap_error :
        As in :func:`repeatability` (``max_overlap_error=None`` uses the point criterion).

    Returns
    -------
    (len(homographies),) float64 array, in increasing ``n``
    """
    if not callable(detect):
        raise TypeError(f"detect must be callable, got {type(detect).__name__}")
    images = list(images)
    ns = _check_sequence(images, homographies)
    kps = [np.asarray(detect(images[0]))]
    out = []
    for n in ns:
        k2 = np.asarray(detect(images[n - 1]))
        out.append(_checked_repeatability(kps[0], k2, homographies[n], images[0].shape, images[n - 1].shape,
                                          eps_px, max_overlap_error, 30.0)[0])
    return np.asarray(out, dtype=np.float64)


def _check_sequence(images, homographies):
    if len(images) < 2:
        raise ValueError(f"images must hold at least 2 images, got {len(images)}")
    for i, im in enumerate(images):
        check_image(im, f"images[{i}]")
    if not isinstance(homographies, dict) or not homographies:
        raise TypeError("homographies must be a non-empty dict {n: (3, 3) array}")
    ns = sorted(homographies)
    for n in ns:
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 2 <= n <= len(images):
            raise ValueError(f"homographies keys must be image numbers 2..{len(images)}, got {n!r}")
        _check_homography(homographies[n], f"homographies[{n}]")
    return ns


def repeatability_curves(detectors, sequences, eps_px=1.5, max_overlap_error=0.4, progress=True):
    """Repeatability curves of several detectors along several image sequences.

    Every detector runs once on every image; the curves are those of
    :func:`repeatability_curve` (Mikolajczyk et al. 2005, Fig. 7–13).

    Parameters
    ----------
    detectors : dict str -> callable
        ``detect(image) -> keypoints`` per name.
    sequences : dict str -> (images, homographies)
        E.g. the output of :func:`affine_sequences`.
    eps_px, max_overlap_error :
        As in :func:`repeatability`.
    progress : bool
        Show a ``tqdm.auto`` progress bar over the sequences.

    Returns
    -------
    dict str -> dict str -> (n,) float64 array
        ``curves[sequence][detector]``.
    """
    if not isinstance(detectors, dict) or not detectors:
        raise TypeError("detectors must be a non-empty dict {name: callable}")
    if not isinstance(sequences, dict) or not sequences:
        raise TypeError("sequences must be a non-empty dict {name: (images, homographies)}")
    for name, det in detectors.items():
        if not callable(det):
            raise TypeError(f"detectors[{name!r}] must be callable, got {type(det).__name__}")
    items = list(sequences.items())
    if progress:
        from tqdm.auto import tqdm

        items = tqdm(items, desc="sequences")
    curves = {}
    for seq, (images, homographies) in items:
        images = list(images)
        ns = _check_sequence(images, homographies)
        curves[seq] = {}
        for name, det in detectors.items():
            kps = [np.asarray(det(im)) for im in images]
            curves[seq][name] = np.array([
                _checked_repeatability(kps[0], kps[n - 1], homographies[n], images[0].shape,
                                       images[n - 1].shape, eps_px, max_overlap_error, 30.0)[0]
                for n in ns])
    return curves


def _similarity_about_centre(shape, zoom, angle_rad):
    h, w = shape[:2]
    centre = np.array([(w - 1) / 2, (h - 1) / 2])
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    H = np.eye(3)
    H[:2, :2] = zoom * np.array([[c, -s], [s, c]])
    H[:2, 2] = centre - H[:2, :2] @ centre
    return H


def repeatability_sweep(image, detectors, transform, values, eps_px=1.5, max_overlap_error=0.4,
                        progress=True):
    """Repeatability as a function of a controlled zoom or rotation of one image.

    Image 2 is ``image`` zoomed by a factor (``transform="scale"``) or rotated by an angle
    in degrees (``"rotation"``) about its centre, by ``cv2.warpAffine`` with bilinear
    interpolation and reflected borders (outside the common part, so not counted); the
    homography is exact, so only the detectors are measured — the experiment behind the
    "repeatability under scale change / rotation" plots (Mikolajczyk & Schmid 2004;
    Mikolajczyk et al. 2005).

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    detectors : dict str -> callable
        ``detect(image) -> keypoints``.
    transform : {"scale", "rotation"}
    values : (V,) float array
        Zoom factors (> 0) or angles in degrees.
    eps_px, max_overlap_error :
        As in :func:`repeatability`.
    progress : bool
        Show a ``tqdm.auto`` progress bar over the values.

    Returns
    -------
    dict str -> (V,) float64 array
    """
    img = to_uint8(check_image(image))
    if not isinstance(detectors, dict) or not detectors:
        raise TypeError("detectors must be a non-empty dict {name: callable}")
    for name, det in detectors.items():
        if not callable(det):
            raise TypeError(f"detectors[{name!r}] must be callable, got {type(det).__name__}")
    if transform not in ("scale", "rotation"):
        raise ValueError(f"transform must be 'scale' or 'rotation', got {transform!r}")
    values = check_array(values, "values", ndim=1, kinds="iuf").astype(np.float64)
    if transform == "scale" and np.any(values <= 0):
        raise ValueError("values must be > 0 for transform='scale'")
    cv2 = _cv2()
    h, w = img.shape[:2]
    base = {name: np.asarray(det(img)) for name, det in detectors.items()}
    out = {name: [] for name in detectors}
    items = values
    if progress:
        from tqdm.auto import tqdm

        items = tqdm(values, desc=transform)
    for v in items:
        zoom, angle = (v, 0.0) if transform == "scale" else (1.0, np.deg2rad(v))
        H = _similarity_about_centre(img.shape, zoom, angle)
        warped = cv2.warpAffine(img, H[:2], (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
        for name, det in detectors.items():
            k2 = np.asarray(det(warped))
            out[name].append(_checked_repeatability(base[name], k2, H, img.shape, warped.shape, eps_px,
                                                    max_overlap_error, 30.0)[0])
    return {name: np.asarray(v, dtype=np.float64) for name, v in out.items()}


def downscale_sequence(images, homographies, factor=2.0):
    """Shrink every image of a sequence and update its homographies to match.

    With per-image scales ``S_n`` (pixel centres kept: ``x' = (x + 0.5)·s − 0.5``),
    ``H' = S_n · H · S_1⁻¹``.

    Parameters
    ----------
    images : sequence of (H, W) or (H, W, 3) uint8 or float arrays
    homographies : dict int -> (3, 3) array, ``{n: H1to{n}}``
    factor : float >= 1
        Sizes are divided by ``factor`` (area interpolation).

    Returns
    -------
    (list of images, dict int -> (3, 3) float64)
    """
    images = list(images)
    ns = _check_sequence(images, homographies)
    factor = check_number(factor, "factor", minimum=1.0)
    cv2 = _cv2()

    def scaling(old, new):
        sx, sy = new[1] / old[1], new[0] / old[0]
        return np.array([[sx, 0, 0.5 * sx - 0.5], [0, sy, 0.5 * sy - 0.5], [0, 0, 1.0]])

    small, S = [], []
    for im in images:
        h, w = im.shape[:2]
        nw, nh = max(1, int(round(w / factor))), max(1, int(round(h / factor)))
        src = np.asarray(im)
        small.append(src.copy() if (nw, nh) == (w, h) else cv2.resize(src, (nw, nh), interpolation=cv2.INTER_AREA))
        S.append(scaling((h, w), (nh, nw)))
    Hs = {n: S[n - 1] @ np.asarray(homographies[n], dtype=np.float64) @ np.linalg.inv(S[0]) for n in ns}
    return small, Hs


_SYNTHETIC_KINDS = ("viewpoint", "zoom_rotation", "blur", "light", "jpeg")


def synthetic_viewpoint_sequence(image, n=5, seed=0, kind="viewpoint", noise_std=0.01):
    """A synthetic benchmark sequence: one photo transformed by known, increasing changes.

    Stands in for the Oxford sequences when the data pack is absent. ``viewpoint``: the
    photo is a plane that turns by 20° to 60° about its vertical axis in front of a camera
    (focal length and distance = the image's larger side), with a random few degrees about
    the horizontal axis, as in Oxford's ``graf``; ``zoom_rotation``: zoom up to 2.5× with a rotation
    up to 45° about the centre; ``blur``: Gaussian blur σ = 1..5 px; ``light``: darkening
    ``I → a·I + b`` with ``a`` down to 0.3; ``jpeg``: JPEG quality 40 down to 2. The
    geometric kinds also change the intensity a little (``a ∈ [0.8, 1.1]``,
    ``b ∈ [−0.05, 0.05]``); every image, the first included, gets Gaussian noise.
    Borders are filled by reflection (content outside the original view, which the
    repeatability ignores), not with black edges that would create spurious corners.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    n : int in [1, 10]
        Number of transformed images (the sequence has ``n + 1``).
    seed : int or numpy.random.Generator
    kind : {"viewpoint", "zoom_rotation", "blur", "light", "jpeg"}
    noise_std : float >= 0
        Standard deviation of the noise, in [0, 1] intensity units.

    Returns
    -------
    images : list of n + 1 uint8 arrays shaped like ``image``
    homographies : dict int -> (3, 3) float64
        ``{k: H}`` mapping image 1 to image k, for k = 2..n + 1 (Oxford numbering).
    """
    img = to_uint8(check_image(image))
    n = check_int(n, "n", minimum=1, maximum=10)
    rng = as_rng(seed)
    if not isinstance(kind, str) or kind not in _SYNTHETIC_KINDS:
        raise ValueError(f"kind must be one of {_SYNTHETIC_KINDS}, got {kind!r}")
    noise_std = check_number(noise_std, "noise_std", minimum=0.0)
    cv2 = _cv2()
    h, w = img.shape[:2]
    corners = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float64)
    side = rng.choice([-1.0, 1.0])

    def finish(x):
        x = x.astype(np.float64) + rng.normal(0.0, noise_std * 255.0, x.shape)
        return np.clip(np.round(x), 0, 255).astype(np.uint8)

    images, Hs = [finish(img)], {}
    for k in range(1, n + 1):
        t = k / n
        H = np.eye(3)
        out = img
        if kind == "viewpoint":
            # the photo is a plane seen face-on by a camera of focal length f at distance f; the
            # plane turns about its vertical axis by 20°..60° (and a few degrees about the other)
            f = float(max(h, w))
            yaw = np.deg2rad(20.0 + 40.0 * (k - 1) / max(n - 1, 1)) * side + rng.normal(0.0, np.deg2rad(2.0))
            pitch = rng.normal(0.0, np.deg2rad(5.0))
            cy_, sy_, cp, sp = np.cos(yaw), np.sin(yaw), np.cos(pitch), np.sin(pitch)
            R = np.array([[cy_, 0, sy_], [0, 1, 0], [-sy_, 0, cy_]]) @ np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
            centre = np.array([(w - 1) / 2, (h - 1) / 2])
            plane = np.c_[corners - centre, np.zeros(4)]          # plane coordinates = pixels at distance f
            cam = plane @ R.T + [0.0, 0.0, f]
            dst = f * cam[:, :2] / cam[:, 2:] + centre
            H = cv2.getPerspectiveTransform(corners.astype(np.float32), dst.astype(np.float32)).astype(np.float64)
        elif kind == "zoom_rotation":
            H = _similarity_about_centre(img.shape, 1.0 + 1.5 * t, side * np.deg2rad(45.0 * t))
        if kind in ("viewpoint", "zoom_rotation"):
            out = cv2.warpPerspective(img, H, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
            a, b = rng.uniform(0.8, 1.1), rng.uniform(-0.05, 0.05) * 255
            out = out.astype(np.float64) * a + b
        elif kind == "blur":
            out = cv2.GaussianBlur(img, (0, 0), 1.0 + 4.0 * (k - 1) / max(n - 1, 1))
        elif kind == "light":
            out = img.astype(np.float64) * (1.0 - 0.7 * t)
        else:
            quality = int(round(40 * (2 / 40) ** ((k - 1) / max(n - 1, 1))))
            bgr = img[..., ::-1] if img.ndim == 3 else img
            _, buf = cv2.imencode(".jpg", np.ascontiguousarray(bgr), [cv2.IMWRITE_JPEG_QUALITY, quality])
            dec = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
            out = dec[..., ::-1] if img.ndim == 3 else dec
        images.append(finish(np.clip(out, 0, 255)))
        Hs[k + 1] = H
    return images, Hs


#: The Oxford sequences the chapter uses, with the change each one measures.
OXFORD_CHANGES = {"graf": "viewpoint", "wall": "viewpoint", "boat": "zoom_rotation",
                  "bark": "zoom_rotation", "bikes": "blur", "trees": "blur", "leuven": "light",
                  "ubc": "jpeg"}
_FALLBACK_PHOTOS = {"graf": "astronaut", "wall": "brick", "boat": "coffee", "bark": "chelsea",
                    "bikes": "rocket", "trees": "grass", "leuven": "china", "ubc": "grace_hopper"}


_OXFORD_AXES = {"graf": ([20, 30, 40, 50, 60], "viewpoint angle (°)"),
                "wall": ([20, 30, 40, 50, 60], "viewpoint angle (°)"),
                "ubc": ([60, 80, 90, 95, 98], "JPEG compression (%)")}
_CHANGE_LABELS = {"viewpoint": "image (the plane tilts more)", "blur": "image (increasing blur)",
                  "light": "image (decreasing light)", "jpeg": "image (lower JPEG quality)"}


def sequence_axis(name, homographies, source="oxford_affine"):
    """What changes along a benchmark sequence: the x values and label of its repeatability curve.

    Oxford ``graf``/``wall``: viewpoint angles 20–60°; ``ubc``: JPEG compression 60–98 %
    (Mikolajczyk et al. 2005, §2). Zoom sequences (``boat``, ``bark``, and their synthetic
    stand-ins): the scale change ``max(z, 1/z)`` with ``z = sqrt|det A|`` of the
    homography's linear part (Oxford's zoom out, the synthetic ones zoom in). Otherwise
    the image number.

    Parameters
    ----------
    name : str
        An Oxford sequence name (see ``OXFORD_CHANGES``).
    homographies : dict int -> (3, 3) array
    source : {"oxford_affine", "synthetic"}

    Returns
    -------
    (values : (n,) float64 array, label : str)
    """
    if name not in OXFORD_CHANGES:
        raise ValueError(f"name must be one of {tuple(OXFORD_CHANGES)}, got {name!r}")
    if source not in ("oxford_affine", "synthetic"):
        raise ValueError(f"source must be 'oxford_affine' or 'synthetic', got {source!r}")
    if not isinstance(homographies, dict) or not homographies:
        raise TypeError("homographies must be a non-empty dict {n: (3, 3) array}")
    ns = sorted(homographies)
    kind = OXFORD_CHANGES[name]
    if kind == "zoom_rotation":
        zoom = np.array([math.sqrt(abs(np.linalg.det(_check_homography(homographies[n])[:2, :2]))) for n in ns])
        return np.maximum(zoom, 1.0 / zoom), "scale change (zoom in or out)"
    if source == "oxford_affine" and name in _OXFORD_AXES and len(ns) == 5:
        values, label = _OXFORD_AXES[name]
        return np.asarray(values, dtype=np.float64), label
    return np.asarray(ns, dtype=np.float64), _CHANGE_LABELS[kind]


def affine_sequences(names=("graf", "boat", "bark", "bikes", "trees", "leuven", "ubc"), downscale=2.0,
                     use_pack=None, seed=0):
    """The benchmark sequences of the chapter: Oxford affine if the data pack is there, else synthetic.

    Parameters
    ----------
    names : sequence of str
        Oxford sequence names (``graf wall boat bark bikes trees leuven ubc``).
    downscale : float >= 1
        Divide image sizes by this (the homographies follow, :func:`downscale_sequence`).
    use_pack : bool, optional
        Force (True) or forbid (False) the data pack; by default use it when
        ``imsearch.data.have_dataset("oxford_affine")``.
    seed : int
        Seed of the synthetic fallback.

    Returns
    -------
    sequences : dict str -> (list of 6 uint8 images, dict int -> (3, 3) float64)
    source : str
        ``"oxford_affine"`` or ``"synthetic"``. A synthetic stand-in for sequence ``s`` is
        an embedded photo transformed by :func:`synthetic_viewpoint_sequence` with the
        change ``OXFORD_CHANGES[s]``, at about 512 px wide before ``downscale``.
    """
    from . import data

    if isinstance(names, str):
        names = (names,)
    names = list(names)
    for nm in names:
        if nm not in OXFORD_CHANGES:
            raise ValueError(f"names must be Oxford sequences {tuple(OXFORD_CHANGES)}, got {nm!r}")
    downscale = check_number(downscale, "downscale", minimum=1.0)
    if use_pack is None:
        use_pack = data.have_dataset("oxford_affine")
    cv2 = _cv2()
    out = {}
    for i, nm in enumerate(names):
        if use_pack:
            images, Hs = data.load_oxford_affine(nm)
        else:
            photo = data.load_default_image(_FALLBACK_PHOTOS[nm])
            h, w = photo.shape[:2]
            f = 800.0 / max(h, w)
            photo = cv2.resize(photo, (int(round(w * f)), int(round(h * f))), interpolation=cv2.INTER_AREA)
            images, Hs = synthetic_viewpoint_sequence(photo, n=5, seed=int(seed) + i, kind=OXFORD_CHANGES[nm])
        out[nm] = downscale_sequence(images, Hs, downscale) if downscale > 1 else (images, Hs)
    return out, ("oxford_affine" if use_pack else "synthetic")


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


@reference("4.4")
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


def _opencv_keypoints(k):
    """(N, 4) keypoints -> cv2.KeyPoint list, with the octave/layer OpenCV's SIFT expects."""
    cv2 = _cv2()
    out = []
    for x, y, sigma, angle in k:
        t = 3.0 * math.log2(max(sigma, 1e-6) / 1.6)     # = 3·octave + layer (+ subpixel)
        octave = int(math.floor((t - 0.5) / 3.0))
        layer = int(min(3, max(1, round(t - 3 * octave))))
        if octave < -1:
            octave, layer = -1, 1
        packed = (octave & 255) | (layer << 8) | (128 << 16)
        out.append(cv2.KeyPoint(float(x), float(y), float(2.0 * sigma), float(np.rad2deg(angle) % 360.0),
                                0.0, packed))
    return out


def opencv_sift_descriptor(gray, keypoints):
    """OpenCV's SIFT descriptors of given keypoints, for comparison with :func:`sift_descriptor`.

    Keypoints are converted to ``cv2.KeyPoint`` with ``size = 2σ``,
    ``angle = degrees(angle_rad)`` (both measured from +x towards +y, since image y points
    down) and the pyramid octave/layer that OpenCV's SIFT would have assigned to σ.

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    keypoints : (N, 4) float array of ``(x, y, scale, angle_rad)``

    Returns
    -------
    (N, 128) float32 array
        OpenCV's vectors scaled to unit norm (OpenCV stores them ×512, saturated to 255).
    """
    img = _gray(gray)
    k = _check_keypoints(keypoints, 4)
    if len(k) == 0:
        return np.zeros((0, 128), dtype=np.float32)
    cv2 = _cv2()
    kps, desc = cv2.SIFT_create().compute(to_uint8(img), _opencv_keypoints(k))
    if desc is None or len(kps) != len(k):
        raise RuntimeError("OpenCV dropped keypoints while describing them")
    desc = desc.astype(np.float64)
    norm = np.linalg.norm(desc, axis=1, keepdims=True)
    return (desc / np.where(norm > 0, norm, 1.0)).astype(np.float32)
