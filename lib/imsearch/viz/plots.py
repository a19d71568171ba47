"""Generic plots with titles and labelled axes: curves, bars, histograms, score matrices.
"""
from __future__ import annotations


import numpy as np

from .._util.validation import check_array, check_int
from ..viz.images import _plt


def plot_curves(x, ys, labels=None, xlabel="x", ylabel="y", title=None, logx=False, ax=None, styles=None):
    """Plot one or more curves ``y(x)`` with labelled axes.

    Parameters
    ----------
    x : (N,) array_like of float
    ys : (N,) array or sequence of (N,) arrays
    labels : sequence of str, optional
    xlabel, ylabel, title : str
    logx : bool
        Logarithmic x axis.
    ax : matplotlib Axes, optional
        Draw into this axes instead of a new figure.
    styles : sequence of str, optional
        Matplotlib format strings, one per curve (e.g. ``"o"`` for points).

    Returns
    -------
    matplotlib.figure.Figure
    """
    x = check_array(x, "x", ndim=1)
    ys = np.atleast_2d(check_array(ys, "ys", ndim=(1, 2)))
    if ys.shape[1] != x.shape[0]:
        raise ValueError(f"ys must have {x.shape[0]} values per curve like x, got {ys.shape[1]}")
    labels = list(labels) if labels is not None else [None] * len(ys)
    styles = list(styles) if styles is not None else ["-"] * len(ys)
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 4))
    else:
        fig = ax.figure
    for y, label, style in zip(ys, labels, styles):
        ax.plot(x, y, style, label=label)
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if any(labels):
        ax.legend()
    ax.grid(True, alpha=0.3)
    return fig

# --- chapter 1 plots (sampling, quantization) ---



def plot_rate_distortion(curve_bytes, curve_psnr, curve_label, curve_names=None, points=None,
                         title="Bytes against reconstruction", ax=None):
    """PSNR of a rebuilt image against the bytes it was rebuilt from: a codec's curve and single points.

    Parameters
    ----------
    curve_bytes, curve_psnr : (N,) array_like of float
        Sizes (bytes, > 0) and PSNRs (dB) of one codec at several settings, joined by a line.
    curve_label : str
        Legend of the curve.
    curve_names : sequence of str, optional
        A short annotation per curve point (e.g. ``"q75"``).
    points : dict, optional
        ``label -> (bytes, psnr_db)`` of single representations, drawn as markers.
    title : str
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    b = check_array(curve_bytes, "curve_bytes", ndim=1, kinds="iuf", min_value=0, allow_empty=False)
    p = check_array(curve_psnr, "curve_psnr", shape=(len(b),), kinds="iuf")
    if np.any(b <= 0):
        raise ValueError("curve_bytes must be > 0 (a log axis)")
    names = list(curve_names) if curve_names is not None else []
    if names and len(names) != len(b):
        raise ValueError(f"curve_names must have one entry per point ({len(b)}), got {len(names)}")
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4))
    else:
        fig = ax.figure
    ax.semilogx(b, p, "o-", label=curve_label)
    for name, x, y in zip(names, b, p):
        ax.annotate(name, (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8)
    for marker, (label, (x, y)) in zip("s^vDP*", (points or {}).items()):
        ax.semilogx([x], [y], marker, ms=9, label=label)
    ax.set_xlabel("size (bytes, log scale)")
    ax.set_ylabel("PSNR of the rebuilt image (dB)")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(True, which="both", alpha=0.3)
    return fig


def plot_bars(labels, values, xlabel, title=None, groups=None, ax=None, fmt="{:.2f}"):
    """Horizontal bar chart of one or several series, each bar annotated with its value.

    Parameters
    ----------
    labels : sequence of N str
        One label per row.
    values : (N,) or (G, N) array_like of float
        One series, or G series drawn side by side; ``inf`` is drawn as an empty bar
        annotated "∞" (e.g. the PSNR of a lossless result).
    xlabel : str
        What the values are, with units (e.g. "PSNR (dB)").
    title : str, optional
    groups : sequence of G str, optional
        Legend entries of the series.
    ax : matplotlib Axes, optional
    fmt : str
        Format of the annotations.

    Returns
    -------
    matplotlib.figure.Figure
    """
    labels = list(labels)
    v = np.atleast_2d(check_array(values, "values", ndim=(1, 2), kinds="iuf", finite=False)).astype(float)
    if np.isnan(v).any():
        raise ValueError("values must not contain NaN")
    if v.shape[1] != len(labels):
        raise ValueError(f"values must have one entry per label ({len(labels)}), got {v.shape[1]}")
    groups = list(groups) if groups is not None else [None] * len(v)
    if len(groups) != len(v):
        raise ValueError(f"groups must have one entry per series ({len(v)}), got {len(groups)}")
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * len(labels) * len(v)))
    else:
        fig = ax.figure
    height = 0.8 / len(v)
    rows = np.arange(len(labels))
    finite = v[np.isfinite(v)]
    top = float(finite.max()) if finite.size else 1.0
    for g, (series, name) in enumerate(zip(v, groups)):
        pos = rows - 0.4 + height * (g + 0.5)
        shown = np.where(np.isfinite(series), series, 0.0)
        ax.barh(pos, shown, height=height * 0.9, label=name)
        for y, val in zip(pos, series):
            text = "∞" if np.isinf(val) else fmt.format(val)
            ax.text((val if np.isfinite(val) else 0.0) + 0.01 * top, y, text, va="center", fontsize=8)
    ax.set_yticks(rows)
    ax.set_yticklabels(labels)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.15)
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title)
    if any(groups):
        ax.legend(loc="lower right", fontsize=8)
    ax.grid(True, axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_histograms(samples, labels, xlabel, title=None, bins=40, ax=None):
    """Overlaid histograms of several samples on shared bins.

    Parameters
    ----------
    samples : sequence of (N_i,) arrays of float
    labels : sequence of str, one per sample
    xlabel : str
    title : str, optional
    bins : int
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    samples = [check_array(s, f"samples[{i}]", ndim=1, kinds="iuf") for i, s in enumerate(samples)]
    if not samples:
        raise ValueError("samples must not be empty")
    labels = list(labels)
    if len(labels) != len(samples):
        raise ValueError(f"labels must have one entry per sample ({len(samples)}), got {len(labels)}")
    bins = check_int(bins, "bins", minimum=1)
    lo = min(float(s.min()) for s in samples)
    hi = max(float(s.max()) for s in samples)
    edges = np.linspace(lo, hi if hi > lo else lo + 1.0, bins + 1)
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.5, 3.8))
    else:
        fig = ax.figure
    for s, label in zip(samples, labels):
        ax.hist(s, bins=edges, alpha=0.55, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("count")
    if title:
        ax.set_title(title)
    ax.legend()
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    return fig

# --- chapter 3 plots (comparing pixels) ---


def plot_grouped_bars(values, xlabel="", ylabel="", title=None, ylim=None, ax=None, fmt="{:.2f}"):
    """Grouped bar chart: one group of bars per category, one bar colour per series.

    Parameters
    ----------
    values : dict
        ``{series label: {category: number}}``, e.g. ``{method: {edit: top-1 accuracy}}``;
        every series must have the same categories (the first series gives their order).
    xlabel, ylabel, title : str
    ylim : (float, float), optional
        Limits of the y axis.
    ax : matplotlib Axes, optional
        Draw into this axes instead of a new figure.
    fmt : str or None
        Format of the value written above each bar (``None``: no labels).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(values, dict) or not values:
        raise ValueError("values must be a non-empty dict {series: {category: number}}")
    series = list(values)
    categories = list(values[series[0]])
    if not categories:
        raise ValueError("values must hold at least one category per series")
    for s in series:
        if not isinstance(values[s], dict) or list(values[s]) != categories:
            raise ValueError(f"values[{s!r}] must have the categories {categories}")
    heights = check_array([[values[s][c] for c in categories] for s in series], "values")
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(categories) * max(1, len(series)) / 1.6), 4))
    else:
        fig = ax.figure
    width = 0.8 / len(series)
    x = np.arange(len(categories))
    for i, (s, h) in enumerate(zip(series, heights)):
        bars = ax.bar(x + (i - (len(series) - 1) / 2) * width, h, width, label=str(s))
        if fmt:
            ax.bar_label(bars, labels=[fmt.format(v) for v in h], fontsize=8, padding=1)
    ax.set_xticks(x)
    ax.set_xticklabels([str(c) for c in categories], rotation=20, ha="right")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if title:
        ax.set_title(title)
    if len(series) > 1:
        ax.legend(loc="upper center", ncol=min(len(series), 4), fontsize=9)
    ax.grid(True, axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def _axes(ax, figsize):
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
    else:
        fig = ax.figure
    return fig, ax


def plot_score_matrix(scores, row_labels, col_labels=None, title=None, cbar_label="score", ax=None, fmt="{:.0f}"):
    """A matrix of scores between images (e.g. RANSAC inlier counts), annotated cell by cell.

    Parameters
    ----------
    scores : (R, C) array_like of float
    row_labels : sequence of str, length R
    col_labels : sequence of str, length C, optional (default: ``row_labels``)
    title, cbar_label : str
    ax : matplotlib Axes, optional
    fmt : str
        Format of the numbers written in the cells.

    Returns
    -------
    matplotlib.figure.Figure
    """
    S = check_array(scores, "scores", ndim=2).astype(float)
    rows = list(row_labels)
    cols = rows if col_labels is None else list(col_labels)
    if len(rows) != S.shape[0] or len(cols) != S.shape[1]:
        raise ValueError(f"labels must match scores' shape {S.shape}, got {len(rows)} and {len(cols)}")
    fig, ax = _axes(ax, (1.0 + 0.6 * S.shape[1], 0.8 + 0.5 * S.shape[0]))
    im = ax.imshow(S, cmap="viridis")
    for (i, j), v in np.ndenumerate(S):
        ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=8,
                color="k" if v > S.max() * 0.6 else "w")
    ax.set_xticks(range(len(cols)))
    ax.set_xticklabels(cols, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(rows, fontsize=8)
    ax.set_xlabel("image B")
    ax.set_ylabel("image A")
    fig.colorbar(im, ax=ax, label=cbar_label)
    if title:
        ax.set_title(title)
    return fig
