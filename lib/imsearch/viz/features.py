"""Figures of local features (chapters 4–5): keypoints, Harris maps, eigenvalue classes, repeatability.
"""
from __future__ import annotations


import numpy as np

from .._util.validation import check_array, check_image, check_int
from ..viz.images import _cell_grid, _imshow, _plt


def _ellipse_outline(x, y, m, n=64):
    """Boundary points of {p : (p − c)ᵀ m (p − c) = 1}: c + m^(−1/2) (cos t, sin t)."""
    w, V = np.linalg.eigh(m)
    root = (V / np.sqrt(np.maximum(w, 1e-300))) @ V.T
    t = np.linspace(0, 2 * np.pi, n)
    pts = root @ np.stack([np.cos(t), np.sin(t)])
    return x + pts[0], y + pts[1]


def draw_keypoints(image, keypoints, ax=None, title=None, color="yellow", max_n=300, lw=1.0):
    """Draw keypoints on an image: dots, circles of radius 3σ (with the orientation), or ellipses.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    keypoints : (N, 2), (N, 3), (N, 4) or (N, 5) float array
        ``(x, y)``, ``(x, y, scale)``, ``(x, y, scale, angle_rad)`` or ellipses
        ``(x, y, a, b, c)`` (see :mod:`imsearch.features`).
    ax : matplotlib Axes, optional
    title : str, optional
    color : str
    max_n : int
        Draw at most the first ``max_n`` keypoints.
    lw : float
        Line width.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from ..features._common import REGION_FACTOR

    img = check_image(image, "image")
    k = check_array(keypoints, "keypoints", ndim=2, kinds="iuf", allow_empty=True).astype(float)
    if k.shape[1] not in (2, 3, 4, 5):
        raise ValueError(f"keypoints must have shape (N, 2), (N, 3), (N, 4) or (N, 5), got {k.shape}")
    k = k[:check_int(max_n, "max_n", minimum=1)]
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 6 * img.shape[0] / img.shape[1]))
    else:
        fig = ax.figure
    _imshow(ax, img, title)
    if k.shape[1] == 2:
        ax.plot(k[:, 0], k[:, 1], "+", color=color, ms=6, mew=lw)
    elif k.shape[1] in (3, 4):
        t = np.linspace(0, 2 * np.pi, 40)
        for row in k:
            r = REGION_FACTOR * row[2]
            ax.plot(row[0] + r * np.cos(t), row[1] + r * np.sin(t), "-", color=color, lw=lw)
            if k.shape[1] == 4:
                ax.plot([row[0], row[0] + r * np.cos(row[3])], [row[1], row[1] + r * np.sin(row[3])], "-",
                        color=color, lw=lw)
    else:
        for row in k:
            m = np.array([[row[2], row[3]], [row[3], row[4]]])
            ex, ey = _ellipse_outline(row[0], row[1], m)
            ax.plot(ex, ey, "-", color=color, lw=lw)
    ax.set_xlim(-0.5, img.shape[1] - 0.5)
    ax.set_ylim(img.shape[0] - 0.5, -0.5)
    return fig


def plot_harris(gray, response, corners, sigma_d, sigma_i, k):
    """The Harris response map next to the corners found in it.

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
        The image, drawn under the corners.
    response : (H, W) float array
        :func:`imsearch.features.harris_response` of ``gray``.
    corners : (N, 2) float array
        ``(x, y)`` of the corners to draw (e.g. :func:`imsearch.features.harris_corners`).
    sigma_d, sigma_i, k : float
        The parameters the response was computed with, for the title.

    Returns
    -------
    matplotlib.figure.Figure
        Left: the response (image 0); right: the image with the corners (its line).
    """
    from ..image import to_gray

    img = check_image(gray, "gray")
    r = check_array(response, "response", shape=img.shape[:2], kinds="f")
    pts = check_array(corners, "corners", ndim=2, kinds="iuf", allow_empty=True)
    plt = _plt()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.6))
    lim = np.percentile(np.abs(r), 99.5) or 1.0
    im = a1.imshow(r, cmap="coolwarm", vmin=-lim, vmax=lim)
    a1.set_title(f"response R = det − {k:.3f}·trace²  (σ_d={sigma_d:.1f}, σ_i={sigma_i:.1f})", fontsize=10)
    fig.colorbar(im, ax=a1, fraction=0.046, label="R (red: corner, blue: edge)")
    draw_keypoints(to_gray(img), pts, ax=a2, title=f"the {len(pts)} strongest local maxima", color="red")
    for ax in (a1, a2):
        ax.set_xlabel("x (px)")
        ax.set_ylabel("y (px)")
    fig.tight_layout()
    return fig


def plot_corner_eigenvalues(eigenvalues, classes, threshold, k=0.05, max_points=4000, seed=0):
    """The flat / edge / corner picture: a label map and the pixels in the (λ1, λ2) plane.

    Parameters
    ----------
    eigenvalues : (2, H, W) float array
        From :func:`imsearch.features.harris.harris_eigenvalues`.
    classes : (H, W) int array
        0 flat, 1 edge, 2 corner: :func:`imsearch.features.harris.corner_classes` of
        ``eigenvalues`` with ``threshold``.
    threshold : float > 0
        The eigenvalue above which a direction counts as "strong", drawn as two lines.
    k : float
        Draws the curve ``R = λ1λ2 − k(λ1 + λ2)² = 0`` that separates corners from edges.
    max_points : int
        Pixels drawn in the scatter plot (a random subset).
    seed : int

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.colors import ListedColormap

    ev = check_array(eigenvalues, "eigenvalues", ndim=3, kinds="f")
    classes = check_array(classes, "classes", shape=ev.shape[1:], kinds="iu", min_value=0, max_value=2)
    plt = _plt()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.6))
    cmap = ListedColormap(["#dddddd", "#1f77b4", "#d62728"])
    a1.imshow(classes, cmap=cmap, vmin=0, vmax=2, interpolation="nearest")
    a1.set_title("flat (grey) · edge (blue) · corner (red)", fontsize=10)
    a1.set_xlabel("x (px)")
    a1.set_ylabel("y (px)")
    flat = ev.reshape(2, -1)
    lab = classes.ravel()
    idx = np.random.default_rng(seed).choice(flat.shape[1], min(max_points, flat.shape[1]), replace=False)
    top = float(np.percentile(flat[0], 99.9)) * 1.5 or 1.0
    low = max(top * 1e-5, float(threshold) * 1e-2)
    for c, name in enumerate(["flat", "edge", "corner"]):
        sel = idx[lab[idx] == c]
        a2.scatter(np.maximum(flat[0, sel], low), np.maximum(flat[1, sel], low), s=4,
                   color=cmap.colors[c] if c else "#999999", label=name)
    l1 = np.geomspace(low, top, 200)
    # R = 0 on λ2 = λ1·(1 − 2k − sqrt(1 − 4k)) / (2k) (the smaller root), for λ2 <= λ1
    if k > 0:
        ratio = (1 - 2 * k - np.sqrt(1 - 4 * k)) / (2 * k)
        a2.plot(l1, ratio * l1, "k--", lw=1, label=f"R = 0 (k = {k:g}): corners above")
    a2.plot(l1, l1, ":", color="0.5", lw=1)
    a2.axvline(threshold, color="0.4", lw=0.8)
    a2.axhline(threshold, color="0.4", lw=0.8)
    a2.set_xscale("log")
    a2.set_yscale("log")
    a2.set_xlim(low, top)
    a2.set_ylim(low, top)
    a2.set_xlabel("λ1 (strongest direction, log scale)")
    a2.set_ylabel("λ2 (weakest direction, log scale)")
    a2.set_title("pixels in the eigenvalue plane (λ2 <= λ1)", fontsize=10)
    a2.legend(fontsize=8, markerscale=3)
    fig.tight_layout()
    return fig


def plot_shape_adaptation(image, x, y, sigma_px, history, half_size_px=None, ax=None, title=None):
    """The ellipses of an affine shape adaptation, one per iteration, over the image around the point.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    x, y, sigma_px : float
        The keypoint and its scale; the region of shape ``S`` is
        ``{p : (p − c)ᵀ S (p − c) <= (3σ)²}``.
    history : list of (2, 2) arrays
        From :func:`imsearch.features.affine.affine_adapt` with ``return_history=True``.
    half_size_px : float, optional
        Half-width of the crop (default 6σ).
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    from ..features._common import REGION_FACTOR

    img = check_image(image, "image")
    if not history:
        raise ValueError("history must not be empty")
    half = half_size_px or 6 * sigma_px
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 5))
    else:
        fig = ax.figure
    _imshow(ax, img, title or f"shape adaptation: {len(history) - 1} iterations")
    colors = plt.cm.viridis(np.linspace(0, 1, len(history)))
    r2 = (REGION_FACTOR * sigma_px) ** 2
    for i, (c, shape) in enumerate(zip(colors, history)):
        ex, ey = _ellipse_outline(x, y, np.asarray(shape) / r2)
        ax.plot(ex, ey, "-", color=c, lw=1.5, label="start (circle)" if i == 0 else
                ("converged" if i == len(history) - 1 else None))
    ax.set_xlim(x - half, x + half)
    ax.set_ylim(y + half, y - half)
    ax.set_xticks(np.linspace(x - half, x + half, 3).round())
    ax.set_yticks(np.linspace(y - half, y + half, 3).round())
    ax.set_xlabel("x (px)")
    ax.set_ylabel("y (px)")
    ax.legend(fontsize=8, loc="lower right")
    return fig


def plot_repeatability_curves(curves, x_values=None, xlabel="image", ncols=4, suptitle=None, size=3.2):
    """Repeatability curves, one panel per sequence, one line per detector.

    Parameters
    ----------
    curves : dict str -> dict str -> (n,) array
        ``curves[sequence][detector]``, e.g. from :func:`imsearch.features.detector_evaluation.repeatability_curves`.
    x_values : dict str -> (n,) array, optional
        The x coordinate of each point per sequence (default: image numbers 2..n+1).
    xlabel : str or dict str -> str
    ncols : int
    suptitle : str, optional
    size : float
        Panel size in inches.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(curves, dict) or not curves:
        raise ValueError("curves must be a non-empty dict {sequence: {detector: values}}")
    names = list(curves)
    ncols = min(check_int(ncols, "ncols", minimum=1), len(names))
    nrows = -(-len(names) // ncols)
    plt = _plt()
    spare_panels = nrows * ncols > len(names)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols + (0 if spare_panels else 1.5), size * nrows),
                             squeeze=False)
    markers = "osv^D<>ph*"
    handles = None
    for ax, seq in zip(axes.flat, names):
        for i, (det, values) in enumerate(curves[seq].items()):
            v = check_array(values, f"curves[{seq!r}][{det!r}]", ndim=1, kinds="iuf")
            x = np.asarray(x_values[seq]) if x_values else np.arange(2, len(v) + 2)
            ax.plot(x, 100 * v, marker=markers[i % len(markers)], ms=4, label=det)
        ax.set_title(seq, fontsize=10)
        ax.set_ylim(0, 100)
        ax.set_xlabel(xlabel[seq] if isinstance(xlabel, dict) else xlabel)
        ax.set_ylabel("repeatability (%)")
        ax.grid(True, alpha=0.3)
        handles = ax.get_legend_handles_labels()
    spare = list(axes.flat)[len(names):]
    for ax in spare:
        ax.axis("off")
    if suptitle:
        fig.suptitle(suptitle)
    if handles and spare:          # the legend fills an empty panel
        spare[0].legend(*handles, loc="center", fontsize=9, title="detector")
        fig.tight_layout()
    elif handles:
        fig.legend(*handles, loc="center right", fontsize=8)
        fig.tight_layout(rect=(0, 0, 1 - 1.5 / (size * ncols + 1.5), 1))
    else:
        fig.tight_layout()
    return fig






def plot_orientation_histograms(histograms, patch=None, n_cells=4, n_bins=8, title=None):
    """Draw a SIFT-like descriptor as Lowe's figure does: 8 arrows per cell, length ∝ the bin.

    Parameters
    ----------
    histograms : (n_cells·n_cells·n_bins,) float array
        Ordered by cell row, cell column, orientation bin; bin ``b`` points at ``2πb/n_bins``
        counterclockwise on screen (see :func:`imsearch.features.sift.sift_descriptor`).
    patch : (P, P) float array, optional
        Drawn underneath (e.g. from :func:`imsearch.features.sift.descriptor_patch`).
    n_cells, n_bins : int
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    n_cells = check_int(n_cells, "n_cells", minimum=1)
    n_bins = check_int(n_bins, "n_bins", minimum=2)
    h = check_array(histograms, "histograms", shape=(n_cells * n_cells * n_bins,), kinds="iuf").astype(float)
    h = h.reshape(n_cells, n_cells, n_bins)
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5, 5))
    if patch is not None:
        p = check_array(patch, "patch", ndim=2, kinds="iuf")
        ax.imshow(p, cmap="gray", extent=(0, n_cells, n_cells, 0))
    scale = 0.5 / (h.max() or 1.0)
    angles = 2 * np.pi * np.arange(n_bins) / n_bins
    for r in range(n_cells):
        for c in range(n_cells):
            for a, v in zip(angles, h[r, c]):
                # counterclockwise on screen: y decreases
                ax.arrow(c + 0.5, r + 0.5, scale * v * np.cos(a), -scale * v * np.sin(a), color="gold",
                         width=0.01, head_width=0.05, length_includes_head=True)
    _cell_grid(ax, n_cells, 0.5, "cell column (along the keypoint's orientation)")
    ax.set_title(title or f"{n_cells}×{n_cells} cells × {n_bins} orientations", fontsize=10)
    return fig


# --- chapter 6 plots ---



def plot_threshold_sweep(image, masks, shown_thresholds, thresholds, areas, stable, seed=None, window_px=None,
                         size=2.6):
    """MSER's definition in one figure: a dark extremal region at several thresholds and its area curve.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    masks : sequence of (H, W) bool arrays
        The region at each of ``shown_thresholds`` (drawn in red over the image).
    shown_thresholds : sequence of int
    thresholds, areas : (T,) arrays
        The whole sweep (areas <= 0 are not drawn).
    stable : (low, high) or None
        The stable run of thresholds, shaded.
    seed : (x, y), optional
        The seed pixel, marked on every panel.
    window_px : int, optional
        Show only the square of half-side ``window_px`` around ``seed`` in the image panels
        (a small region is invisible on the whole image).
    size : float
        Inches per image panel.

    Returns
    -------
    matplotlib.figure.Figure
    """
    img = check_image(image, "image")
    masks = [check_array(m, f"masks[{i}]", shape=img.shape[:2], kinds="b") for i, m in enumerate(masks)]
    shown = list(shown_thresholds)
    if len(shown) != len(masks) or not masks:
        raise ValueError(f"shown_thresholds must have one entry per mask ({len(masks)}), got {len(shown)}")
    t = check_array(thresholds, "thresholds", ndim=1, kinds="iuf")
    a = check_array(areas, "areas", shape=(len(t),), kinds="iuf")
    if window_px is not None:
        window_px = check_int(window_px, "window_px", minimum=1)
        if seed is None:
            raise ValueError("window_px needs a seed to centre the window on")
    plt = _plt()
    n = len(masks)
    fig = plt.figure(figsize=(size * n, size * 1.9))
    grid = fig.add_gridspec(2, n, height_ratios=[1, 0.9])
    gray = img if img.ndim == 2 else img.mean(axis=2)
    for i, (mask, level) in enumerate(zip(masks, shown)):
        ax = fig.add_subplot(grid[0, i])
        _imshow(ax, gray.astype(np.uint8) if img.dtype == np.uint8 else gray,
                f"t = {level}: {int(mask.sum())} px" + (" (stable)" if stable and stable[0] <= level <= stable[1] else ""))
        overlay = np.zeros(mask.shape + (4,))
        overlay[mask] = (1.0, 0.1, 0.1, 0.6)
        ax.imshow(overlay, interpolation="nearest")
        if seed is not None:
            ax.plot(seed[0], seed[1], "+", color="yellow", ms=8)
            if window_px is not None:
                ax.set_xlim(seed[0] - window_px, seed[0] + window_px)
                ax.set_ylim(seed[1] + window_px, seed[1] - window_px)
    ax = fig.add_subplot(grid[1, :])
    keep = a > 0
    ax.semilogy(t[keep], a[keep], "-", color="C0", label="area of the region holding the seed")
    if stable is not None:
        ax.axvspan(stable[0], stable[1], color="C2", alpha=0.2, label=f"stable: t = {stable[0]}..{stable[1]}")
    for level in shown:
        ax.axvline(level, color="C3", lw=0.8, ls=":")
    ax.set_xlabel("threshold t (grey level): the region is the component of pixels <= t")
    ax.set_ylabel("area (pixels, log)")
    ax.set_title("Sweeping the threshold: the region grows, stays put, then merges")
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    return fig
