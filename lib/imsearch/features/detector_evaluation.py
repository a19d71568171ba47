"""How good is a detector (chapter 4): overlap error of two regions, repeatability and its curves.

Sequences are the Oxford affine ones (with their homographies) or synthetic ones
(downscaling, viewpoint changes).

Reference: K. Mikolajczyk, T. Tuytelaars, C. Schmid, A. Zisserman, J. Matas, F.
Schaffalitzky, T. Kadir, L. Van Gool. A comparison of affine region detectors.
IJCV 65(1/2), 2005.
"""
from __future__ import annotations


import math
import numbers

import numpy as np

from .._util.validation import as_rng, check_array, check_image, check_int, check_number
from .._util.progress import progress as _progress
from ..image import to_uint8
from ..features._common import _check_homography, _check_points, _check_shape, _cv2, _inside, _positive, _project
from ..features.affine import regions_to_ellipses


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
    items = _progress(list(sequences.items()), "sequences", enabled=progress)
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
    items = _progress(values, transform, enabled=progress)
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
        ``imsearch.data.pack.have_dataset("oxford_affine")``.
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
    from ..data import loaders as _loaders
    from ..data import pack as _pack
    from ..data import photos as _photos

    if isinstance(names, str):
        names = (names,)
    names = list(names)
    for nm in names:
        if nm not in OXFORD_CHANGES:
            raise ValueError(f"names must be Oxford sequences {tuple(OXFORD_CHANGES)}, got {nm!r}")
    downscale = check_number(downscale, "downscale", minimum=1.0)
    if use_pack is None:
        use_pack = _pack.have_dataset("oxford_affine")
    cv2 = _cv2()
    out = {}
    for i, nm in enumerate(names):
        if use_pack:
            images, Hs = _loaders.load_oxford_affine(nm)
        else:
            photo = _photos.load_default_image(_FALLBACK_PHOTOS[nm])
            h, w = photo.shape[:2]
            f = 800.0 / max(h, w)
            photo = cv2.resize(photo, (int(round(w * f)), int(round(h * f))), interpolation=cv2.INTER_AREA)
            images, Hs = synthetic_viewpoint_sequence(photo, n=5, seed=int(seed) + i, kind=OXFORD_CHANGES[nm])
        out[nm] = downscale_sequence(images, Hs, downscale) if downscale > 1 else (images, Hs)
    return out, ("oxford_affine" if use_pack else "synthetic")
