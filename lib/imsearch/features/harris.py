"""The Harris corner detector (chapter 4): structure tensor, response, eigenvalue classes, corners.

Also the agreement of our corners with OpenCV's ``cornerHarris`` and scikit-image's
``corner_harris`` on the same image.

Reference: C. Harris, M. Stephens. A combined corner and edge detector. Alvey Vision
Conference, 1988.
"""
from __future__ import annotations



import numpy as np

from .._util.validation import check_array, check_int, check_number
from ..features._common import _check_homography, _check_points, _cv2, _gaussian, _gray, _ndi, _positive, _project


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


def corner_ratio_threshold(k):
    """The smallest eigenvalue ratio ``λ2 / λ1`` that the Harris response accepts (``R > 0``) for a given ``k``.

    With ``r = λ2 / λ1``, ``R = λ1 λ2 - k (λ1 + λ2)² = λ1² (r - k (1 + r)²)``, positive
    exactly when ``r / (1 + r)² > k``: for ``r`` in ``[0, 1]`` that is ``r > r_k``, the
    smaller root ``r_k = (1 - 2k - sqrt(1 - 4k)) / (2k)``. Larger ``k`` demands a larger
    ratio: fewer, more corner-like points (the dashed curve of
    :func:`imsearch.viz.plot_corner_eigenvalues`).

    Parameters
    ----------
    k : float in [0, 0.25)
        Harris's constant (0.04–0.06 in practice). At 0.25 even ``r = 1`` gives ``R = 0``.

    Returns
    -------
    float in [0, 1)
        ``r_k``; 0 for ``k = 0`` (every point with ``λ2 > 0`` is accepted).
    """
    k = check_number(k, "k", minimum=0.0, maximum=0.25, strict_max=True)
    if k == 0.0:
        return 0.0
    return float((1.0 - 2.0 * k - np.sqrt(1.0 - 4.0 * k)) / (2.0 * k))


def _local_max_mask(response, threshold, min_distance_px=1):
    ndi = _ndi()
    size = 2 * min_distance_px + 1
    neighbourhood_max = ndi.maximum_filter(response, size=size, mode="constant", cval=-np.inf)
    return (response >= neighbourhood_max) & (response > threshold)


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


def harris_implementations(gray, sigma_d=0.7, sigma_i=1.5, k=0.05, block_size=5) -> dict:
    """Three Harris response maps of one image, each as a function to call (so that a chapter can time them).

    Ours (:func:`harris_response`'s computation), OpenCV's ``cornerHarris`` (Sobel
    derivatives summed over a ``block_size`` box, aperture 3) and scikit-image's
    ``corner_harris`` (a Gaussian window of ``sigma_i``, as ours).

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    sigma_d, sigma_i : float > 0
        Our derivative and integration scales, pixels.
    k : float in [0, 0.25]
    block_size : int >= 2
        OpenCV's window.

    Returns
    -------
    dict
        ``"ours"``, ``"opencv"``, ``"skimage"`` -> callable with no argument returning an
        (H, W) float64 response map.
    """
    img = _gray(gray)
    sigma_d, sigma_i = _check_scales(sigma_d, sigma_i)
    k = check_number(k, "k", minimum=0.0, maximum=0.25)
    block_size = check_int(block_size, "block_size", minimum=2)
    cv2 = _cv2()
    from skimage.feature import corner_harris

    img32 = img.astype(np.float32)
    return {
        "ours": lambda: _harris(img, sigma_d, sigma_i, k),
        "opencv": lambda: cv2.cornerHarris(img32, block_size, 3, k).astype(np.float64),
        "skimage": lambda: corner_harris(img, method="k", k=k, sigma=sigma_i),
    }


def harris_vs_opencv(gray, n_best=200, sigma_d=0.7, sigma_i=1.5, k=0.05, block_size=5, tol_px=2.0,
                     min_distance_px=3):
    """Our Harris corners next to OpenCV's ``cornerHarris`` and scikit-image's ``corner_harris``.

    The three responses (:func:`harris_implementations`) go through the same
    non-maximum suppression and top-N selection; agreement is the fraction of our
    corners that have a corner of the other library within ``tol_px``. OpenCV sums
    Sobel derivatives over a ``block_size`` box, so its window differs slightly from our
    Gaussians (a 5×5 box has a standard deviation of 1.4 px, hence the default
    ``sigma_i = 1.5``); scikit-image uses a Gaussian of ``sigma_i`` as we do.

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    n_best : int
        Corners kept by each implementation.
    sigma_d, sigma_i, k, block_size :
        As for :func:`harris_implementations`.
    tol_px : float
    min_distance_px : int

    Returns
    -------
    dict
        ``"ours"``, ``"opencv"``, ``"skimage"``: (N, 2) corners; ``"agreement_opencv"``,
        ``"agreement_skimage"``: floats in [0, 1].
    """
    n_best = check_int(n_best, "n_best", minimum=1)
    tol_px = _positive(tol_px, "tol_px")
    d = check_int(min_distance_px, "min_distance_px", minimum=1)
    out = {name: _nms_points(make(), 0.0, d, n_best, d)[0]
           for name, make in harris_implementations(gray, sigma_d, sigma_i, k, block_size).items()}
    out["agreement_opencv"] = fraction_within(out["ours"], out["opencv"], tol_px)
    out["agreement_skimage"] = fraction_within(out["ours"], out["skimage"], tol_px)
    return out
