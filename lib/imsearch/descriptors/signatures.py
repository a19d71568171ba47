"""Adaptive colour palettes ("signatures") and the earth mover's distance between them (chapter 6).

A signature is a few k-means colours with their weights; two are compared by the
minimal cost of moving one's weight onto the other's (OpenCV's ``EMD``).

Reference: Y. Rubner, C. Tomasi, L. Guibas. The earth mover's distance as a metric for
image retrieval. IJCV 40(2), 2000.
"""
from __future__ import annotations


import numpy as np

from .._util.validation import check_array, check_image, check_int
from .._util.progress import progress as _progress
from ..image import to_uint8
from ..descriptors.histograms import SPACES, _check_bins, _pair, _ranges, _to_space


# ----------------------------------------------------------------------------- signatures and EMD

def color_signature(image, k=8, space="lab", max_samples=4096, seed=0, n_iter=20):
    """An adaptive palette: the image's ``k`` k-means colours and the fraction of pixels of each.

    Rubner, Tomasi & Guibas call this a *signature*: instead of counting pixels in bins
    fixed for every image, each image gets its own few representative colours. Two
    signatures have different colours, so they cannot be compared bin by bin; the
    earth mover's distance (:func:`emd`) compares them.

    Parameters
    ----------
    image : (H, W, 3) uint8 or float in [0, 1]
    k : int >= 1
        Number of colours (fewer are returned when some cluster ends up empty).
    space : {"lab", "rgb", "hsv"}
        Where the colours are clustered and the ground distance measured. CIELAB
        (default) makes the Euclidean distance follow perceived colour differences.
    max_samples : int >= 1
        The palette is learnt on at most this many pixels drawn at random (all of
        them for a smaller image), and the weights are counted on the same sample.
    seed : int or numpy.random.Generator
    n_iter : int >= 1
        Lloyd iterations (:func:`imsearch.signal.quantization.kmeans`).

    Returns
    -------
    colors : (k', 3) float64
        Cluster centres in ``space`` coordinates, by decreasing weight (k' <= k).
    weights : (k',) float64
        Fraction of the (sampled) pixels nearest to each colour (positive, sum 1).
    """
    from ..signal import quantization
    from .._util.validation import as_rng

    img = to_uint8(check_image(image, "image", gray=False))
    k = check_int(k, "k", minimum=1, maximum=256)
    if not isinstance(space, str) or space not in SPACES:
        raise ValueError(f"space must be one of {', '.join(map(repr, SPACES))}, got {space!r}")
    max_samples = check_int(max_samples, "max_samples", minimum=1)
    rng = as_rng(seed)
    pixels = img.reshape(-1, 3)
    if k > len(pixels):
        raise ValueError(f"k must be <= the number of pixels ({len(pixels)}), got {k}")
    n = max(max_samples, k)
    if len(pixels) > n:
        pixels = pixels[rng.choice(len(pixels), n, replace=False)]
    x = _to_space(pixels, space)
    centres, labels = quantization.kmeans(x, k, n_iter=n_iter, seed=rng)
    counts = np.bincount(labels, minlength=len(centres)).astype(np.float64)
    keep = np.flatnonzero(counts > 0)
    keep = keep[np.argsort(-counts[keep], kind="stable")]
    return centres[keep], counts[keep] / len(x)


def histogram_signature(hist, bins, space="rgb"):
    """The non-empty bins of a joint colour histogram as a signature (bin centres and weights).

    Parameters
    ----------
    hist : (prod(bins),) array_like of float >= 0
        From :func:`color_histogram` with the same ``bins`` and ``space``.
    bins : int or tuple of 3 int
    space : {"rgb", "hsv", "lab"}

    Returns
    -------
    colors : (M, 3) float64
        Centre of each non-empty bin, in ``space`` coordinates (0..255 for RGB).
    weights : (M,) float64
        Their values in ``hist``.
    """
    if not isinstance(space, str) or space not in SPACES:
        raise ValueError(f"space must be one of {', '.join(map(repr, SPACES))}, got {space!r}")
    nbins = _check_bins(bins, 3)
    h = check_array(hist, "hist", shape=(int(np.prod(nbins)),), kinds="iuf", min_value=0.0).astype(np.float64)
    idx = np.flatnonzero(h > 0)
    if idx.size == 0:
        raise ValueError("hist must have at least one non-empty bin")
    coords = np.unravel_index(idx, nbins)
    colors = np.column_stack([lo + (c + 0.5) * (hi - lo) / n
                              for c, n, (lo, hi) in zip(coords, nbins, _ranges(space))])
    return colors, h[idx]


def _signature(colors, weights, name):
    c = check_array(colors, f"colors_{name}", ndim=2, kinds="iuf")
    w = check_array(weights, f"weights_{name}", shape=(c.shape[0],), kinds="iuf", min_value=0.0)
    if w.sum() <= 0:
        raise ValueError(f"weights_{name} must have a positive sum")
    return np.column_stack([w, c]).astype(np.float32)


def _signature_pair(colors_a, weights_a, colors_b, weights_b):
    """Two OpenCV signatures (float32 rows ``[weight, colour...]``) of the same colour dimension."""
    a = _signature(colors_a, weights_a, "a")
    b = _signature(colors_b, weights_b, "b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"colors_a and colors_b must have the same dimension, got {a.shape[1] - 1} and "
                         f"{b.shape[1] - 1}")
    return a, b


def emd(colors_a, weights_a, colors_b, weights_b) -> float:
    """Earth mover's distance between two signatures, with OpenCV's transportation solver.

    The minimum total cost of moving the mass ``weights_a`` (placed at ``colors_a``)
    onto ``weights_b`` (at ``colors_b``), a unit of mass costing the Euclidean distance
    it travels, divided by the total mass moved (Rubner et al.'s normalisation; when
    the totals differ, only the smaller one moves). Signatures of different sizes and
    colours can be compared; for equal total weights it is the 1-Wasserstein distance.
    (``cv2.EMD`` itself divides the cost by the *larger* total; the two agree for
    normalised signatures.)
    ``cv2.EMD`` solves a transportation problem whose cost grows quickly with the
    number of colours (roughly cubically): fine for 8-colour palettes, seconds for
    512-bin histograms.

    Parameters
    ----------
    colors_a : (Ka, d) array_like of float
    weights_a : (Ka,) array_like of float >= 0, positive sum
    colors_b : (Kb, d) array_like of float
    weights_b : (Kb,) array_like of float >= 0, positive sum

    Returns
    -------
    float
        In the units of the colour coordinates (ΔE*76 for CIELAB).

    References
    ----------
    Y. Rubner, C. Tomasi, L. J. Guibas, "The earth mover's distance as a metric for
    image retrieval", IJCV 40(2):99–121, 2000.
    """
    import cv2

    a, b = _signature_pair(colors_a, weights_a, colors_b, weights_b)
    return _emd(cv2, a, b)


def _emd(cv2, a: np.ndarray, b: np.ndarray) -> float:
    """Rubner's EMD of two OpenCV signatures (rows ``[weight, coordinates...]``, float32)."""
    value, _, flow = cv2.EMD(a, b, cv2.DIST_L2)
    sa, sb = float(a[:, 0].sum()), float(b[:, 0].sum())
    if abs(sa - sb) <= 1e-6 * max(sa, sb):
        return float(value)
    return float(value) * max(sa, sb) / float(flow.sum())


def emd_1d(a, b) -> np.ndarray:
    """Earth mover's distance between 1-D histograms of equal mass: the L1 distance of their CDFs.

    On a line, with bins one unit apart, the cheapest plan moves across the boundary
    between bins ``j`` and ``j + 1`` exactly the mass by which the two cumulative sums
    differ there, so ``EMD = Σ_j |A_j - B_j|`` with ``A = cumsum(a)``, ``B = cumsum(b)``.

    Parameters
    ----------
    a, b : (..., D) array_like of float >= 0, broadcastable
        Histograms along the last axis with the same total mass each (e.g. both
        normalised to 1).

    Returns
    -------
    float or (...) float64 array
        In bins (multiply by the bin width for the data's units).
    """
    a, b = _pair(a, b, nonnegative=True)
    sa, sb = a.sum(axis=-1), b.sum(axis=-1)
    if not np.allclose(sa, sb, rtol=1e-9, atol=1e-12):
        raise ValueError("a and b must have the same total mass along the last axis "
                         "(normalise both, e.g. to sum to 1)")
    return np.abs(np.cumsum(a - b, axis=-1)).sum(axis=-1)


def emd_lower_bound(colors_a, weights_a, colors_b, weights_b) -> float:
    """Rubner et al.'s centroid lower bound of the EMD: the distance between the weighted mean colours.

    For signatures of equal total weight and a ground distance given by a norm (here
    Euclidean), ``‖Σ wᵃ cᵃ / Σ wᵃ − Σ wᵇ cᵇ / Σ wᵇ‖ <= EMD(a, b)`` (Rubner, Tomasi & Guibas,
    IJCV 2000, sec. 4.2): moving mass never moves the centre of mass further than the
    mass travels. It costs one subtraction where the EMD solves a transportation problem.

    Parameters
    ----------
    colors_a : (Ka, d) array_like of float
    weights_a : (Ka,) array_like of float >= 0, positive sum
    colors_b : (Kb, d) array_like of float
    weights_b : (Kb,) array_like of float >= 0, positive sum

    Returns
    -------
    float
        In the units of the colour coordinates.
    """
    a, b = _signature_pair(colors_a, weights_a, colors_b, weights_b)
    return float(np.linalg.norm(_centroid(a) - _centroid(b)))


def _centroid(sig: np.ndarray) -> np.ndarray:
    """The weighted mean colour of a signature, in float64."""
    sig = sig.astype(np.float64)
    return sig[:, 0] @ sig[:, 1:] / sig[:, 0].sum()


def emd_knn(query, database, k: int):
    """The ``k`` database signatures nearest to a query by EMD, skipping EMDs the lower bound rules out.

    The candidates are visited in increasing order of :func:`emd_lower_bound` (ties: lower
    index first); once ``k`` exact EMDs are known and the next candidate's bound is at
    least the ``k``-th smallest of them, no remaining candidate can enter the top ``k``
    and the search stops (Rubner et al., IJCV 2000: lower bounds to filter EMD queries).
    Signatures must have equal total weights (e.g. all normalised to 1).

    Parameters
    ----------
    query : (colors (K, d), weights (K,))
    database : sequence of N (colors (Ki, d), weights (Ki,)) pairs
    k : int, 1 <= k <= N

    Returns
    -------
    indices : (k,) int64 array
        The nearest signatures, by increasing EMD (ties: in visiting order).
    n_exact : int
        How many exact EMDs were computed (``k <= n_exact <= N``).
    """
    import cv2

    q = _signature(*query, "query")
    x = [_signature(c, w, f"database[{i}]") for i, (c, w) in enumerate(database)]
    k = check_int(k, "k", minimum=1, maximum=max(len(x), 1))
    if not x:
        raise ValueError("database must not be empty")
    if {s.shape[1] for s in x} != {q.shape[1]}:
        raise ValueError("every signature must have the query's colour dimension")
    cq = _centroid(q)
    bounds = np.array([np.linalg.norm(cq - _centroid(s)) for s in x])
    found: list = []  # (emd, visit rank, index)
    for rank, i in enumerate(np.argsort(bounds, kind="stable")):
        if len(found) >= k and bounds[i] >= found[k - 1][0]:
            break
        found.append((_emd(cv2, q, x[i]), rank, int(i)))
        found.sort()
    return np.array([i for _, _, i in found[:k]], dtype=np.int64), len(found)


def emd_distances(queries, database, progress=False) -> np.ndarray:
    """EMD between every query signature and every database signature, one ``cv2.EMD`` call each.

    Parameters
    ----------
    queries, database : sequence of (colors, weights) pairs
        Signatures (:func:`color_signature`), all with the same colour dimension.
    progress : bool
        Show a progress bar over the queries.

    Returns
    -------
    (Q, N) float64
        Distances (smaller is closer).
    """
    import cv2

    def as_arrays(sigs, name):
        sigs = list(sigs)
        if not sigs:
            raise ValueError(f"{name} must not be empty")
        return [_signature(c, w, f"{name}[{i}]") for i, (c, w) in enumerate(sigs)]

    q, x = as_arrays(queries, "queries"), as_arrays(database, "database")
    dims = {s.shape[1] for s in q + x}
    if len(dims) != 1:
        raise ValueError("every signature must have the same colour dimension")
    rows = _progress(range(len(q)), "EMD", enabled=progress, unit="query", mininterval=1.0)
    out = np.empty((len(q), len(x)))
    for i in rows:
        for j, sig in enumerate(x):
            out[i, j] = _emd(cv2, q[i], sig)
    return out
