"""Figures of matching and geometry (chapter 5): matches, precision-recall curves, fits, RANSAC, epipolar lines.
"""
from __future__ import annotations


import numpy as np

from .._util.validation import check_array, check_int
from ..viz.images import _imshow, _plt
from ..viz.plots import _axes


def _side_by_side(image_a, image_b, gap=10):
    from ..image import to_float

    a, b = to_float(image_a), to_float(image_b)
    a = a if a.ndim == 3 else np.repeat(a[..., None], 3, axis=2)
    b = b if b.ndim == 3 else np.repeat(b[..., None], 3, axis=2)
    h = max(a.shape[0], b.shape[0])
    canvas = np.ones((h, a.shape[1] + gap + b.shape[1], 3))
    canvas[:a.shape[0], :a.shape[1]] = a
    canvas[:b.shape[0], a.shape[1] + gap:] = b
    return canvas, a.shape[1] + gap


def plot_matches(image_a, image_b, pts_a, pts_b, correct=None, title=None, ax=None, max_lines=300,
                 seed=0, linewidth=0.8):
    """Draw two images side by side and a line for each match between them.

    Parameters
    ----------
    image_a, image_b : (H, W) or (H, W, 3) uint8 or float [0, 1] arrays
    pts_a, pts_b : (M, 2) array_like of float
        Matched pixel coordinates ``(x, y)`` in each image.
    correct : (M,) array_like of bool, optional
        Colours the lines green (correct) and red (wrong); yellow when not given.
    title : str, optional
    ax : matplotlib Axes, optional
    max_lines : int
        At most this many lines are drawn (a random subset, fixed by ``seed``); the
        title counts all of them.
    seed : int
    linewidth : float

    Returns
    -------
    matplotlib.figure.Figure
    """
    pa = check_array(pts_a, "pts_a", shape=(None, 2), kinds="iuf", allow_empty=True).astype(float)
    pb = check_array(pts_b, "pts_b", shape=(None, 2), kinds="iuf", allow_empty=True).astype(float)
    if len(pa) != len(pb):
        raise ValueError(f"pts_a and pts_b must have the same length, got {len(pa)} and {len(pb)}")
    ok = None if correct is None else check_array(correct, "correct", shape=(len(pa),), kinds="b",
                                                  allow_empty=True)
    max_lines = check_int(max_lines, "max_lines", minimum=1)
    canvas, offset = _side_by_side(image_a, image_b)
    fig, ax = _axes(ax, (10, 10 * canvas.shape[0] / canvas.shape[1] + 0.6))
    ax.imshow(canvas)
    idx = np.arange(len(pa))
    if len(idx) > max_lines:
        idx = np.sort(np.random.default_rng(seed).choice(len(idx), max_lines, replace=False))
    from matplotlib.collections import LineCollection

    segments = np.stack([pa[idx], pb[idx] + [offset, 0.0]], axis=1)          # (L, 2 ends, 2)
    colors = ["gold" if ok is None else ("lime" if ok[i] else "red") for i in idx]
    ax.add_collection(LineCollection(segments, colors=colors, linewidths=linewidth, alpha=0.8))  # one artist
    ax.plot(pa[idx, 0], pa[idx, 1], ".", color="cyan", ms=3)
    ax.plot(pb[idx, 0] + offset, pb[idx, 1], ".", color="cyan", ms=3)
    ax.set_xlim(0, canvas.shape[1])
    ax.set_ylim(canvas.shape[0], 0)
    ax.set_xlabel("x (px): image A | image B")
    ax.set_ylabel("y (px)")
    if title is None:
        title = f"{len(pa)} matches" + ("" if ok is None else f", {int(ok.sum())} correct (green)")
    ax.set_title(title, fontsize=10)
    return fig


def plot_pr_curves(curves, title="Precision-recall of descriptor matching", ax=None, marks=None):
    """Precision against recall for several matching strategies or descriptors.

    Parameters
    ----------
    curves : dict of str -> dict
        Each with ``"precision"`` and ``"recall"`` arrays (e.g. from
        :func:`imsearch.matching.matching_curves`) and optionally ``"ap"``, shown in
        the legend.
    title : str
    ax : matplotlib Axes, optional
    marks : dict of str -> (recall, precision, label), optional
        Points to highlight (e.g. the ratio 0.8 operating point).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(curves, dict) or not curves:
        raise ValueError("curves must be a non-empty dict of name -> {'precision', 'recall'}")
    fig, ax = _axes(ax, (6, 4.5))
    for name, c in curves.items():
        r = check_array(c["recall"], f"curves[{name!r}]['recall']", ndim=1, allow_empty=True)
        p = check_array(c["precision"], f"curves[{name!r}]['precision']", shape=(len(r),), allow_empty=True)
        label = name + (f" (AP {c['ap']:.3f})" if "ap" in c else "")
        ax.plot(r, p, "-", lw=1.6, label=label)
    for name, (r, p, label) in (marks or {}).items():
        ax.plot([r], [p], "o", ms=7, mfc="none", mew=2, label=label)
    ax.set_xlabel("recall (correct matches / possible correspondences)")
    ax.set_ylabel("precision (correct / accepted matches)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    return fig


def plot_transform_fits(src, dst, fits, residual_scale=1.0, ncols=5, size=3.2, suptitle=None):
    """One panel per fitted model: the targets, the mapped sources and the residuals between them.

    Parameters
    ----------
    src, dst : (N, 2) array_like of float
        Correspondences; ``fits`` map ``src`` onto ``dst``.
    fits : dict of str -> (3, 3) array
        E.g. ``{"translation": M_t, ..., "homography": H}``.
    residual_scale : float
        Residual segments are drawn this many times longer (to make small ones visible).
    ncols : int
    size : float
        Inches per panel.
    suptitle : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        Panel titles give the model and its RMS transfer error in pixels.
    """
    from ..geometry.transforms import apply_homography

    s = check_array(src, "src", shape=(None, 2), kinds="iuf").astype(float)
    d = check_array(dst, "dst", shape=(len(s), 2), kinds="iuf").astype(float)
    if not isinstance(fits, dict) or not fits:
        raise ValueError("fits must be a non-empty dict of name -> (3, 3) matrix")
    plt = _plt()
    ncols = min(check_int(ncols, "ncols", minimum=1), len(fits))
    nrows = -(-len(fits) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.4), squeeze=False)
    lo, hi = s.min(0), s.max(0)
    box = np.array([[lo[0], lo[1]], [hi[0], lo[1]], [hi[0], hi[1]], [lo[0], hi[1]], [lo[0], lo[1]]])
    for ax, (name, M) in zip(axes.flat, fits.items()):
        m = apply_homography(M, s)
        rms = float(np.sqrt(((m - d) ** 2).sum(1).mean()))
        ax.plot(d[:, 0], d[:, 1], "o", ms=4, mfc="none", color="k", label="target (dst)")
        ax.plot(m[:, 0], m[:, 1], "+", ms=5, color="C3", label="model(src)")
        for a, b in zip(m, d):
            e = a + residual_scale * (b - a)
            ax.plot([a[0], e[0]], [a[1], e[1]], "-", color="C1", lw=0.8)
        outline = apply_homography(M, box)
        ax.plot(outline[:, 0], outline[:, 1], "-", color="C0", lw=1, label="src's bounding box")
        ax.set_title(f"{name}: RMS error {rms:.1f} px", fontsize=9)
        ax.set_xlabel("x (px)")
        ax.set_ylabel("y (px)")
        ax.invert_yaxis()
        ax.set_aspect("equal", adjustable="datalim")
    for ax in list(axes.flat)[len(fits):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7, loc="best")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def plot_ransac_step(image, src, dst, step, ax=None, n_total=None):
    """One RANSAC iteration drawn on the destination image: the sample, its model's inliers.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float [0, 1] array
        The image of ``dst`` (image A for a CMP pair).
    src, dst : (N, 2) array_like of float
    step : dict
        One entry of :func:`imsearch.geometry.robust.ransac_trace`'s ``steps`` (its
        ``inliers`` are drawn).
    ax : matplotlib Axes, optional
    n_total : int, optional
        Total number of iterations, for the title.

    Returns
    -------
    matplotlib.figure.Figure
        Outliers of the hypothesis in gray, its inliers in green with their residual,
        the minimal sample as orange stars.
    """
    s = check_array(src, "src", shape=(None, 2), kinds="iuf").astype(float)
    d = check_array(dst, "dst", shape=(len(s), 2), kinds="iuf").astype(float)
    if not isinstance(step, dict) or "sample" not in step:
        raise ValueError("step must be one entry of ransac_trace's steps")
    fig, ax = _axes(ax, (6, 5))
    _imshow(ax, image)
    ax.set_xticks(np.linspace(0, image.shape[1], 5).round())
    ax.set_yticks(np.linspace(0, image.shape[0], 5).round())
    sample = np.asarray(step["sample"])
    inl = check_array(step.get("inliers", np.zeros(len(s), bool)), "step['inliers']", shape=(len(s),), kinds="b")
    ax.plot(d[~inl, 0], d[~inl, 1], ".", color="0.75", ms=4, label="outliers of this model")
    ax.plot(d[inl, 0], d[inl, 1], "o", color="lime", ms=4, mfc="none", label="inliers of this model")
    ax.plot(d[sample, 0], d[sample, 1], "*", color="orange", ms=14, mec="k", label="minimal sample")
    ax.set_xlabel("x (px)")
    ax.set_ylabel("y (px)")
    of = f"/{n_total}" if n_total else ""
    state = "degenerate sample, skipped" if step["degenerate"] else f"{step['n_inliers']} inliers"
    ax.set_title(f"iteration {step['iteration']}{of}: {state}\nbest so far {step['best_n_inliers']}, "
                 f"iterations needed {step['iterations_needed']}", fontsize=9)
    ax.legend(fontsize=7, loc="lower right")
    return fig


def plot_ransac_progress(steps, n_points, title="RANSAC: hypotheses and the adaptive stopping rule", ax=None):
    """Inliers of each hypothesis, the best so far and the iteration bound it implies.

    Parameters
    ----------
    steps : list of dict
        From :func:`imsearch.geometry.robust.ransac_trace`.
    n_points : int
        Number of correspondences (for the inlier ratio axis).
    title : str
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not steps:
        raise ValueError("steps must not be empty")
    n_points = check_int(n_points, "n_points", minimum=1)
    fig, ax = _axes(ax, (8, 4))
    it = np.array([s["iteration"] for s in steps])
    n = np.array([s["n_inliers"] for s in steps])
    deg = np.array([s["degenerate"] for s in steps])
    best = np.array([s["best_n_inliers"] for s in steps])
    need = np.array([s["iterations_needed"] for s in steps])
    ax.plot(it[~deg], n[~deg] / n_points, ".", ms=3, color="C0", label="inlier ratio of each hypothesis")
    ax.plot(it[deg], np.zeros(deg.sum()), "x", ms=3, color="0.6", label="degenerate sample (skipped)")
    ax.step(it, best / n_points, where="post", color="C2", lw=2, label="best so far")
    ax.set_xlabel("iteration")
    ax.set_ylabel("inlier ratio")
    ax.set_ylim(-0.03, 1.03)
    ax2 = ax.twinx()
    ax2.step(it, need, where="post", color="C3", lw=1.5, label="iterations needed")
    ax2.set_yscale("log")
    ax2.set_ylabel("iterations needed (log)", color="C3")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=8, loc="center right")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    return fig


def plot_epipolar_lines(image_a, image_b, pts_a, pts_b, F, n_lines=12, seed=0):
    """Points of image A and their epipolar lines ``F·x`` in image B, on which their matches lie.

    Parameters
    ----------
    image_a, image_b : (H, W) or (H, W, 3) uint8 or float [0, 1] arrays
    pts_a, pts_b : (N, 2) array_like of float
        Matches (inliers of ``F``), with ``x_bᵀ F x_a = 0``.
    F : (3, 3) array_like of float
    n_lines : int
        Number of matches drawn (a random subset fixed by ``seed``).
    seed : int

    Returns
    -------
    matplotlib.figure.Figure
    """
    pa = check_array(pts_a, "pts_a", shape=(None, 2), kinds="iuf").astype(float)
    pb = check_array(pts_b, "pts_b", shape=(len(pa), 2), kinds="iuf").astype(float)
    F = check_array(F, "F", shape=(3, 3), kinds="iuf").astype(float)
    k = min(check_int(n_lines, "n_lines", minimum=1), len(pa))
    idx = np.random.default_rng(seed).choice(len(pa), k, replace=False)
    plt = _plt()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.5))
    _imshow(a1, image_a, "image A: points")
    _imshow(a2, image_b, "image B: epipolar lines F·x and the matches")
    w = image_b.shape[1]
    xs = np.array([0.0, w - 1.0])
    colors = plt.cm.tab20(np.linspace(0, 1, k))
    for c, i in zip(colors, idx):
        a1.plot(pa[i, 0], pa[i, 1], "o", color=c, ms=6, mec="k")
        l = F @ np.array([pa[i, 0], pa[i, 1], 1.0])
        if abs(l[1]) > 1e-12:
            a2.plot(xs, -(l[0] * xs + l[2]) / l[1], "-", color=c, lw=1)
        a2.plot(pb[i, 0], pb[i, 1], "o", color=c, ms=6, mec="k")
    a2.set_xlim(0, w)
    a2.set_ylim(image_b.shape[0], 0)
    for ax in (a1, a2):
        ax.set_xlabel("x (px)")
        ax.set_ylabel("y (px)")
    fig.tight_layout()
    return fig

# --- chapter 4 plots (local detectors) ---

