"""Figures shared by the chapters: image grids, side-by-side comparisons, curves.

Every function returns the matplotlib ``Figure`` it drew, so notebooks and tests can
inspect it; nothing here calls ``plt.show()``.
"""
from __future__ import annotations

import numpy as np

from ._validation import check_array, check_image, check_int

__all__ = ["show_images", "compare_images", "plot_curves"]


def _plt():
    import matplotlib.pyplot as plt  # imported lazily: `import imsearch` stays quick
    return plt


def _imshow(ax, image, title=None, cmap=None):
    img = check_image(image, "image")
    if img.ndim == 2:
        ax.imshow(img, cmap=cmap or "gray", vmin=0, vmax=255 if img.dtype == np.uint8 else 1.0,
                  interpolation="nearest")
    else:
        ax.imshow(img, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=10)


def show_images(images, titles=None, ncols=4, size=3.0, suptitle=None, cmap=None):
    """Draw images in a grid with optional titles.

    Parameters
    ----------
    images : sequence of (H, W) or (H, W, 3) uint8 or float [0, 1] arrays
        Images may have different sizes.
    titles : sequence of str, optional
        One title per image.
    ncols : int
        Number of columns (fewer if there are fewer images).
    size : float
        Size in inches of one cell.
    suptitle : str, optional
        Title of the whole figure.
    cmap : str, optional
        Colormap for grayscale images (default gray).

    Returns
    -------
    matplotlib.figure.Figure
    """
    images = list(images)
    if not images:
        raise ValueError("images must not be empty")
    if titles is not None:
        titles = list(titles)
        if len(titles) != len(images):
            raise ValueError(f"titles must have one entry per image ({len(images)}), got {len(titles)}")
    ncols = min(check_int(ncols, "ncols", minimum=1), len(images))
    nrows = -(-len(images) // ncols)
    plt = _plt()
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i < len(images):
            _imshow(ax, images[i], titles[i] if titles else None, cmap)
        else:
            ax.axis("off")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def compare_images(reference, others, titles=None, size=4.0, suptitle=None):
    """Show a reference image next to edited versions, each titled with its PSNR.

    Parameters
    ----------
    reference : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    others : sequence of arrays with the reference's shape and dtype
    titles : sequence of str, optional
        Names of the edits; the PSNR in dB is appended to each.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from .metrics import psnr

    reference = check_image(reference, "reference")
    others = list(others)
    if not others:
        raise ValueError("others must not be empty")
    titles = list(titles) if titles is not None else [f"image {i + 1}" for i in range(len(others))]
    if len(titles) != len(others):
        raise ValueError(f"titles must have one entry per image ({len(others)}), got {len(titles)}")
    labels = ["reference"] + [f"{t}\nPSNR = {psnr(reference, o):.2f} dB" for t, o in zip(titles, others)]
    return show_images([reference] + others, labels, ncols=len(others) + 1, size=size, suptitle=suptitle)


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

__all__ += ["plot_sampled_cosine", "plot_psnr_vs_bits", "plot_voronoi", "show_palette"]


def plot_sampled_cosine(frequency, sampling_rate, duration=1.0, ax=None):
    """Draw a cosine, its samples, and the lowest-frequency cosine through those samples (its alias).

    Sampling ``cos(2π f t)`` at rate ``f_s`` cannot tell ``f`` from ``|f - m f_s|`` for
    any integer ``m``; a reconstruction uses the lowest of them, which equals ``f`` only
    when ``f < f_s / 2`` (Nyquist 1928, Shannon 1949).

    Parameters
    ----------
    frequency : float > 0
        Frequency of the cosine (cycles per unit of time or length).
    sampling_rate : float > 0
        Samples per unit.
    duration : float > 0
        Length of the time axis shown.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    from ._validation import check_number

    f = check_number(frequency, "frequency", minimum=0.0, strict_min=True)
    fs = check_number(sampling_rate, "sampling_rate", minimum=0.0, strict_min=True)
    duration = check_number(duration, "duration", minimum=0.0, strict_min=True)
    alias = abs(f - round(f / fs) * fs)
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 2.8))
    else:
        fig = ax.figure
    t = np.linspace(0, duration, 2000)
    ts = np.arange(0, duration + 1e-12, 1.0 / fs)
    ax.plot(t, np.cos(2 * np.pi * f * t), color="0.6", lw=1, label=f"signal, f = {f:g}")
    ax.plot(t, np.cos(2 * np.pi * alias * t), "--", color="C3", lw=1.5,
            label=f"reconstruction, f = {alias:g}" + ("" if np.isclose(alias, f) else " (alias)"))
    ax.plot(ts, np.cos(2 * np.pi * f * ts), "o", color="C0", ms=5, label=f"samples, f_s = {fs:g}")
    ax.set_xlabel("t")
    ax.set_ylabel("amplitude")
    ax.set_ylim(-1.3, 1.9)
    verdict = "above" if fs > 2 * f else "below"
    ax.set_title(f"f_s = {fs:g} is {verdict} the Nyquist rate 2f = {2 * f:g}")
    ax.legend(loc="upper right", ncol=3, fontsize=8)
    return fig


def plot_psnr_vs_bits(bits, measured_psnr, title="PSNR of the uniform quantizer", ax=None):
    """Plot the law ``PSNR = 10 log10(12 k²)`` against ``log2 k`` with measured points on top.

    Parameters
    ----------
    bits : (N,) array_like of float
        ``log2 k`` of each measured quantizer.
    measured_psnr : (N,) array_like of float
        The PSNR in dB measured for each.
    title : str
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    bits = check_array(bits, "bits", ndim=1, kinds="iuf")
    measured = check_array(measured_psnr, "measured_psnr", shape=(len(bits),), kinds="iuf")
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 4))
    else:
        fig = ax.figure
    b = np.linspace(0, bits.max() + 0.5, 200)
    law = 10 * np.log10(12.0) + 20 * np.log10(2.0) * b
    ax.plot(b, law, "-", color="C0", label=r"law $10\log_{10}(12k^2) \approx 10.79 + 6.02\,\log_2 k$")
    ax.plot(bits, measured, "o", color="C3", label="measured on random samples")
    slope = np.polyfit(bits, measured, 1)[0] if len(bits) > 1 else float("nan")
    ax.text(0.98, 0.04, f"measured slope: {slope:.2f} dB per bit", transform=ax.transAxes,
            ha="right", va="bottom")
    ax.set_xlabel("bits = log2(k)")
    ax.set_ylabel("PSNR (dB)")
    ax.set_title(title)
    ax.legend(loc="upper left")
    ax.grid(True, alpha=0.3)
    return fig


def plot_voronoi(points, centroids, assignments=None, title=None, ax=None, resolution=300, margin=0.15):
    """Draw 2-D points, their centroids, and the Voronoi cells of the centroids (the quantizer's cells).

    The plane is coloured by nearest centroid on a ``resolution``² grid: each coloured
    region is the set of points a vector quantizer maps to that centroid.

    Parameters
    ----------
    points : (N, 2) array_like of float
    centroids : (k, 2) array_like of float
    assignments : (N,) array_like of int, optional
        Colours of the points; their nearest centroid when omitted.
    title : str, optional
    ax : matplotlib Axes, optional
    resolution : int
        Grid size used to paint the cells.
    margin : float
        Extra space around the data, as a fraction of its extent.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from .quantization import assign

    pts = check_array(points, "points", shape=(None, 2), kinds="iuf").astype(np.float64)
    cen = check_array(centroids, "centroids", shape=(None, 2), kinds="iuf").astype(np.float64)
    resolution = check_int(resolution, "resolution", minimum=10, maximum=2000)
    if assignments is None:
        assignments = assign(pts, cen)
    assignments = check_array(assignments, "assignments", shape=(len(pts),), kinds="iu",
                              min_value=0, max_value=len(cen) - 1)
    both = np.vstack([pts, cen])
    lo, hi = both.min(axis=0), both.max(axis=0)
    pad = margin * np.maximum(hi - lo, 1e-9)
    lo, hi = lo - pad, hi + pad
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    cells = assign(np.column_stack([gx.ravel(), gy.ravel()]), cen).reshape(gx.shape)
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.5, 5))
    else:
        fig = ax.figure
    cmap = plt.get_cmap("tab20", max(len(cen), 2)) if len(cen) > 10 else plt.get_cmap("tab10")
    ax.imshow(cells, origin="lower", extent=(lo[0], hi[0], lo[1], hi[1]), cmap=cmap,
              vmin=-0.5, vmax=cmap.N - 0.5, alpha=0.35, interpolation="nearest", aspect="auto")
    ax.scatter(pts[:, 0], pts[:, 1], c=assignments, cmap=cmap, vmin=-0.5, vmax=cmap.N - 0.5, s=8)
    ax.scatter(cen[:, 0], cen[:, 1], marker="X", s=120, c="black", edgecolors="white", linewidths=1.2,
               label="centroids")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_title(title or f"Voronoi cells of {len(cen)} centroids")
    ax.legend(loc="upper right")
    return fig


def show_palette(palette, title=None, ax=None):
    """Draw a color palette as a strip of swatches.

    Parameters
    ----------
    palette : (k, 3) uint8 array
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    pal = check_array(palette, "palette", shape=(None, 3), kinds="u", max_value=255)
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(min(12, 0.4 * len(pal) + 1), 0.9))
    else:
        fig = ax.figure
    ax.imshow(pal[None].astype(np.uint8), aspect="auto", interpolation="nearest")
    ax.set_yticks([])
    ax.set_xlabel("palette index")
    ax.set_title(title or f"palette of {len(pal)} colors", fontsize=10)
    return fig


# --- chapter 2 plots (color) ---


def _white_to(color_name):
    """A colormap from white to ``color_name`` (how a printing plate of that ink looks)."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list(f"white_to_{color_name}", ["white", color_name])


def _black_to(color_name):
    """A colormap from black to ``color_name`` (how a channel of emitted light looks)."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list(f"black_to_{color_name}", ["black", color_name])


def show_channels(channels, names, cmaps=None, ranges=None, suptitle=None, size=3.0):
    """Draw each channel of a multi-channel image as its own panel with a colorbar.

    Parameters
    ----------
    channels : (H, W, C) float or uint8 array
        For example an RGB photo, its HSV or YUV conversion, or CMYK ink coverages.
    names : sequence of C str
        Panel titles.
    cmaps : sequence of C colormaps, optional
        Matplotlib colormap names or objects; ``"ink:cyan"`` means white -> cyan (a
        printing plate), ``"light:red"`` black -> red (a channel of a screen). Default gray.
    ranges : sequence of C (vmin, vmax) pairs, optional
        Color scale of each panel; default the data range of uint8 (0, 255) or (0, 1).
    suptitle : str, optional
    size : float
        Inches per panel.

    Returns
    -------
    matplotlib.figure.Figure
    """
    x = check_array(channels, "channels", ndim=3, kinds="uif")
    n = x.shape[2]
    names = list(names)
    if len(names) != n:
        raise ValueError(f"names must have one entry per channel ({n}), got {len(names)}")
    cmaps = list(cmaps) if cmaps is not None else ["gray"] * n
    if len(cmaps) != n:
        raise ValueError(f"cmaps must have one entry per channel ({n}), got {len(cmaps)}")
    default = (0, 255) if x.dtype == np.uint8 else (0.0, 1.0)
    ranges = list(ranges) if ranges is not None else [default] * n
    if len(ranges) != n:
        raise ValueError(f"ranges must have one entry per channel ({n}), got {len(ranges)}")
    plt = _plt()
    fig, axes = plt.subplots(1, n, figsize=(size * n, size * 0.95), squeeze=False)
    for c, ax in enumerate(axes[0]):
        cmap = cmaps[c]
        if isinstance(cmap, str) and cmap.startswith("ink:"):
            cmap = _white_to(cmap[4:])
        elif isinstance(cmap, str) and cmap.startswith("light:"):
            cmap = _black_to(cmap[6:])
        vmin, vmax = ranges[c]
        im = ax.imshow(x[..., c], cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
        ax.set_title(names[c], fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
        fig.colorbar(im, ax=ax, fraction=0.046, pad=0.03)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
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


def plot_color_swatch(rgb, values, title=None):
    """A patch of one color next to a table of its coordinates in several color spaces.

    Parameters
    ----------
    rgb : (3,) float array in [0, 1] or uint8
    values : dict str -> sequence of float
        Rows of the table, e.g. ``{"HSV": (210.0, 0.8, 0.9)}``.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    c = check_array(rgb, "rgb", shape=(3,), kinds="uf")
    c = c / 255.0 if c.dtype == np.uint8 else c
    if c.min() < 0 or c.max() > 1:
        raise ValueError(f"rgb is float, so its values must lie in [0, 1], got {c}")
    if not isinstance(values, dict):
        raise TypeError(f"values must be a dict of name -> numbers, got {type(values).__name__}")
    plt = _plt()
    fig, (ax_c, ax_t) = plt.subplots(1, 2, figsize=(7.5, 2.6), gridspec_kw={"width_ratios": [1, 2.2]})
    ax_c.imshow(np.ones((8, 8, 3)) * c)
    ax_c.set_xticks([])
    ax_c.set_yticks([])
    ax_c.set_title("swatch", fontsize=10)
    ax_t.axis("off")
    rows = [[name, "  ".join(f"{float(v):8.3f}" for v in np.ravel(vals))] for name, vals in values.items()]
    table = ax_t.table(cellText=rows, colLabels=["space", "coordinates"], loc="center", cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    table.scale(1.0, 1.4)
    fig.suptitle(title or f"color #{''.join(f'{int(round(v * 255)):02x}' for v in c)}")
    fig.tight_layout()
    return fig


def plot_color_pairs(first, second, labels, title=None):
    """Pairs of colors as adjacent swatches, one pair per row, each with a label.

    Parameters
    ----------
    first, second : (N, 3) float arrays in [0, 1]
        The two colors of each pair.
    labels : sequence of N str
        Text drawn beside each pair (e.g. the pair's RGB distance and ΔE).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    a = check_array(first, "first", ndim=2, kinds="f", min_value=0.0, max_value=1.0)
    b = check_array(second, "second", ndim=2, kinds="f", min_value=0.0, max_value=1.0)
    if a.shape[1] != 3 or a.shape != b.shape:
        raise ValueError(f"first and second must both have shape (N, 3), got {a.shape} and {b.shape}")
    labels = list(labels)
    if len(labels) != len(a):
        raise ValueError(f"labels must have one entry per pair ({len(a)}), got {len(labels)}")
    plt = _plt()
    n = len(a)
    fig, ax = plt.subplots(figsize=(8.5, 0.55 * n + 0.8))
    strip = np.ones((n, 2, 3))
    strip[:, 0], strip[:, 1] = a, b
    ax.imshow(strip, extent=(0, 2, n, 0), interpolation="nearest", aspect="auto")
    for i, text in enumerate(labels):
        ax.text(2.08, i + 0.5, text, va="center", fontsize=9, family="monospace")
    ax.set_xlim(0, 5.6)
    ax.set_xticks([0.5, 1.5])
    ax.set_xticklabels(["color 1", "color 2"])
    ax.set_yticks([])
    for s in ("top", "right", "left"):
        ax.spines[s].set_visible(False)
    if title:
        ax.set_title(title)
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


def plot_color_histogram(hist, bins, title=None, ax=None):
    """Bar chart of a joint RGB histogram, each bar painted with the colour at its bin's centre.

    Parameters
    ----------
    hist : (b_r·b_g·b_b,) array_like of non-negative float
        As returned by :func:`imsearch.globaldesc.color_histogram` (bin
        ``(i_r·b_g + i_g)·b_b + i_b``).
    bins : int or (int, int, int)
        Bins per channel used to build ``hist``.
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    if isinstance(bins, (int, np.integer)) and not isinstance(bins, bool):
        bins = (int(bins),) * 3
    if not (isinstance(bins, (tuple, list)) and len(bins) == 3):
        raise ValueError(f"bins must be an int or a tuple of 3 ints, got {bins!r}")
    bins = tuple(check_int(b, f"bins[{i}]", minimum=1, maximum=256) for i, b in enumerate(bins))
    n = int(np.prod(bins))
    hist = check_array(hist, "hist", shape=(n,), min_value=0)
    idx = np.unravel_index(np.arange(n), bins)
    centres = np.stack([(i + 0.5) / b for i, b in zip(idx, bins)], axis=1)
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 3))
    else:
        fig = ax.figure
    ax.bar(np.arange(n), hist, width=1.0, color=centres, edgecolor="none")
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_xlabel(f"joint RGB bin (r·{bins[1] * bins[2]} + g·{bins[2]} + b)")
    ax.set_ylabel("fraction of pixels")
    ax.set_title(title or f"RGB histogram, {bins[0]}×{bins[1]}×{bins[2]} bins")
    fig.tight_layout()
    return fig


def text_image(text, size=(64, 320), fontfamily="serif", fontstyle="normal", fontweight="normal",
               color="black", background="white", fontsize=None):
    """Render a line of text into an RGB image with matplotlib (offline, no font files needed).

    Parameters
    ----------
    text : str
        Non-empty text, drawn centred.
    size : (int, int)
        ``(height, width)`` in pixels.
    fontfamily, fontstyle, fontweight : str
        Matplotlib font properties, e.g. ``"serif"`` / ``"italic"`` / ``"bold"``.
    color, background : matplotlib colours
    fontsize : float, optional
        Size in points; default fits the height.

    Returns
    -------
    (height, width, 3) uint8
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not isinstance(text, str) or not text:
        raise ValueError(f"text must be a non-empty str, got {text!r}")
    if not (isinstance(size, (tuple, list)) and len(size) == 2):
        raise ValueError(f"size must be a pair (height, width), got {size!r}")
    h, w = (check_int(s, f"size[{i}]", minimum=8) for i, s in enumerate(size))
    dpi = 100
    fig = Figure(figsize=(w / dpi, h / dpi), dpi=dpi, facecolor=background)
    canvas = FigureCanvasAgg(fig)
    fig.text(0.5, 0.5, text, ha="center", va="center", color=color, family=fontfamily,
             style=fontstyle, weight=fontweight, fontsize=fontsize or 0.45 * h * 72 / dpi)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    return np.ascontiguousarray(rgba[:h, :w, :3])

# --- chapter 5 plots (matching, RANSAC) ---

__all__ += ["plot_matches", "plot_pr_curves", "plot_transform_fits", "plot_ransac_step",
            "plot_ransac_progress", "plot_score_matrix", "plot_epipolar_lines"]


def _side_by_side(image_a, image_b, gap=10):
    from .image import to_float

    a, b = to_float(image_a), to_float(image_b)
    a = a if a.ndim == 3 else np.repeat(a[..., None], 3, axis=2)
    b = b if b.ndim == 3 else np.repeat(b[..., None], 3, axis=2)
    h = max(a.shape[0], b.shape[0])
    canvas = np.ones((h, a.shape[1] + gap + b.shape[1], 3))
    canvas[:a.shape[0], :a.shape[1]] = a
    canvas[:b.shape[0], a.shape[1] + gap:] = b
    return canvas, a.shape[1] + gap


def _axes(ax, figsize):
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
    else:
        fig = ax.figure
    return fig, ax


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
    for i in idx:
        color = "gold" if ok is None else ("lime" if ok[i] else "red")
        ax.plot([pa[i, 0], pb[i, 0] + offset], [pa[i, 1], pb[i, 1]], "-", color=color, lw=linewidth, alpha=0.8)
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
    from .geometry import apply_homography

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


def plot_ransac_step(image, src, dst, step, threshold=3.0, ax=None, n_total=None):
    """One RANSAC iteration drawn on the destination image: the sample, its model's inliers.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float [0, 1] array
        The image of ``dst`` (image A for a CMP pair).
    src, dst : (N, 2) array_like of float
    step : dict
        One entry of :func:`imsearch.geometry.ransac_trace`'s ``steps``.
    threshold : float
        The inlier threshold used (pixels).
    ax : matplotlib Axes, optional
    n_total : int, optional
        Total number of iterations, for the title.

    Returns
    -------
    matplotlib.figure.Figure
        Outliers of the hypothesis in gray, its inliers in green with their residual,
        the minimal sample as orange stars.
    """
    from .geometry import transfer_error

    s = check_array(src, "src", shape=(None, 2), kinds="iuf").astype(float)
    d = check_array(dst, "dst", shape=(len(s), 2), kinds="iuf").astype(float)
    if not isinstance(step, dict) or "sample" not in step:
        raise ValueError("step must be one entry of ransac_trace's steps")
    fig, ax = _axes(ax, (6, 5))
    _imshow(ax, image)
    ax.set_xticks(np.linspace(0, image.shape[1], 5).round())
    ax.set_yticks(np.linspace(0, image.shape[0], 5).round())
    sample = np.asarray(step["sample"])
    if step["model"] is not None:
        inl = transfer_error(step["model"], s, d) < threshold
    else:
        inl = np.zeros(len(s), bool)
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
        From :func:`imsearch.geometry.ransac_trace`.
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

__all__ += ["draw_keypoints", "plot_harris", "plot_corner_eigenvalues", "plot_shape_adaptation",
            "plot_repeatability_curves"]


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
        ``(x, y, a, b, c)`` (see :mod:`imsearch.local`).
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
    from .local import REGION_FACTOR

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


def plot_harris(gray, sigma_d=1.0, sigma_i=2.0, k=0.05, n_best=150):
    """The Harris response map next to the strongest corners it gives.

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    sigma_d, sigma_i : float
        Derivation and integration scales in pixels.
    k : float
    n_best : int
        Corners drawn.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from .image import to_gray
    from .local import harris_corners, harris_response

    r = harris_response(gray, sigma_d, sigma_i, k)
    pts = harris_corners(gray, sigma_d, sigma_i, k, threshold_rel=0.0, n_best=n_best)
    plt = _plt()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.6))
    lim = np.percentile(np.abs(r), 99.5) or 1.0
    im = a1.imshow(r, cmap="coolwarm", vmin=-lim, vmax=lim)
    a1.set_title(f"response R = det − {k:.3f}·trace²  (σ_d={sigma_d:.1f}, σ_i={sigma_i:.1f})", fontsize=10)
    fig.colorbar(im, ax=a1, fraction=0.046, label="R (red: corner, blue: edge)")
    draw_keypoints(to_gray(gray), pts, ax=a2, title=f"the {len(pts)} strongest local maxima", color="red")
    for ax in (a1, a2):
        ax.set_xlabel("x (px)")
        ax.set_ylabel("y (px)")
    fig.tight_layout()
    return fig


def plot_corner_eigenvalues(eigenvalues, threshold, k=0.05, max_points=4000, seed=0):
    """The flat / edge / corner picture: a label map and the pixels in the (λ1, λ2) plane.

    Parameters
    ----------
    eigenvalues : (2, H, W) float array
        From :func:`imsearch.local.harris_eigenvalues`.
    threshold : float > 0
        The eigenvalue above which a direction counts as "strong" (see
        :func:`imsearch.local.corner_classes`).
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

    from .local import corner_classes

    ev = check_array(eigenvalues, "eigenvalues", ndim=3, kinds="f")
    classes = corner_classes(ev, threshold)
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


def plot_shape_adaptation(image, x, y, sigma, history, half_size_px=None, ax=None, title=None):
    """The ellipses of an affine shape adaptation, one per iteration, over the image around the point.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    x, y, sigma : float
        The keypoint and its scale; the region of shape ``S`` is
        ``{p : (p − c)ᵀ S (p − c) <= (3σ)²}``.
    history : list of (2, 2) arrays
        From :func:`imsearch.local.affine_adapt` with ``return_history=True``.
    half_size_px : float, optional
        Half-width of the crop (default 6σ).
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    from .local import REGION_FACTOR

    img = check_image(image, "image")
    if not history:
        raise ValueError("history must not be empty")
    half = half_size_px or 6 * sigma
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 5))
    else:
        fig = ax.figure
    _imshow(ax, img, title or f"shape adaptation: {len(history) - 1} iterations")
    colors = plt.cm.viridis(np.linspace(0, 1, len(history)))
    r2 = (REGION_FACTOR * sigma) ** 2
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
        ``curves[sequence][detector]``, e.g. from :func:`imsearch.local.repeatability_curves`.
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


__all__ += ["show_maps"]


def show_maps(maps, titles=None, cmap="coolwarm", symmetric=True, ncols=4, size=3.2, suptitle=None):
    """Draw float maps (gradients, structure-tensor entries, responses) side by side with colour bars.

    Parameters
    ----------
    maps : sequence of (H, W) float arrays
        Any range; each map gets its own colour scale.
    titles : sequence of str, optional
    cmap : str
    symmetric : bool
        Centre each colour scale on 0 (for signed maps such as derivatives and R).
    ncols : int
    size : float
    suptitle : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    maps = [check_array(m, f"maps[{i}]", ndim=2, kinds="iuf") for i, m in enumerate(maps)]
    if not maps:
        raise ValueError("maps must not be empty")
    titles = list(titles) if titles is not None else [None] * len(maps)
    if len(titles) != len(maps):
        raise ValueError(f"titles must have one entry per map ({len(maps)}), got {len(titles)}")
    ncols = min(check_int(ncols, "ncols", minimum=1), len(maps))
    nrows = -(-len(maps) // ncols)
    plt = _plt()
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols * 1.15, size * nrows), squeeze=False)
    for ax, m, t in zip(axes.flat, maps, titles):
        if symmetric:
            lim = float(np.percentile(np.abs(m), 99.5)) or 1.0
            im = ax.imshow(m, cmap=cmap, vmin=-lim, vmax=lim)
        else:
            im = ax.imshow(m, cmap=cmap)
        fig.colorbar(im, ax=ax, fraction=0.046)
        ax.set_xticks([])
        ax.set_yticks([])
        if t:
            ax.set_title(t, fontsize=10)
    for ax in list(axes.flat)[len(maps):]:
        ax.axis("off")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


__all__ += ["plot_orientation_histograms"]


def plot_orientation_histograms(histograms, patch=None, n_cells=4, n_bins=8, title=None):
    """Draw a SIFT-like descriptor as Lowe's figure does: 8 arrows per cell, length ∝ the bin.

    Parameters
    ----------
    histograms : (n_cells·n_cells·n_bins,) float array
        Ordered by cell row, cell column, orientation bin; bin ``b`` points at ``2πb/n_bins``
        counterclockwise on screen (see :func:`imsearch.local.sift_descriptor`).
    patch : (P, P) float array, optional
        Drawn underneath (e.g. from :func:`imsearch.local.descriptor_patch`).
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
    for t in range(n_cells + 1):
        ax.axhline(t, color="w", lw=0.5)
        ax.axvline(t, color="w", lw=0.5)
    ax.set_xlim(0, n_cells)
    ax.set_ylim(n_cells, 0)
    ax.set_xlabel("cell column (along the keypoint's orientation)")
    ax.set_ylabel("cell row")
    ax.set_title(title or f"{n_cells}×{n_cells} cells × {n_bins} orientations", fontsize=10)
    return fig


# --- chapter 6 plots ---

__all__ += ["plot_signatures", "plot_gabor_bank", "plot_gabor_response", "plot_gist", "plot_ranking"]


def _signature_rgb(colors, space):
    """(k, 3) signature colours in ``space`` -> (k, 3) float RGB in [0, 1], for drawing."""
    c = np.asarray(colors, dtype=np.float64)
    if space == "lab":
        import skimage.color

        return np.clip(skimage.color.lab2rgb(c[None])[0], 0, 1)
    if space == "hsv":
        from .color import hsv_to_rgb

        return np.clip(hsv_to_rgb(c), 0, 1)
    return np.clip(c / 255.0, 0, 1)


def plot_signatures(images, signatures, titles=None, space="lab", size=2.6):
    """Each image next to its adaptive palette, drawn as a bar split in proportion to the weights.

    Parameters
    ----------
    images : sequence of N images
    signatures : sequence of N ``(colors (k, 3), weights (k,))`` pairs
        From :func:`imsearch.globaldesc.color_signature`.
    titles : sequence of N str, optional
    space : {"lab", "rgb", "hsv"}
        The space of the signature colours.
    size : float
        Height of a row, inches.

    Returns
    -------
    matplotlib.figure.Figure
    """
    images, signatures = list(images), list(signatures)
    if not images or len(images) != len(signatures):
        raise ValueError(f"images and signatures must be non-empty and of the same length, got {len(images)} "
                         f"and {len(signatures)}")
    titles = list(titles) if titles is not None else [f"image {i}" for i in range(len(images))]
    plt = _plt()
    fig, axes = plt.subplots(len(images), 2, figsize=(2.6 * size, size * len(images)), squeeze=False,
                             gridspec_kw={"width_ratios": [1, 1.6]})
    for (ax_im, ax_bar), img, (colors, weights), title in zip(axes, images, signatures, titles):
        _imshow(ax_im, img, title)
        w = check_array(weights, "weights", ndim=1, kinds="iuf", min_value=0)
        rgb = _signature_rgb(colors, space)
        left = np.concatenate([[0.0], np.cumsum(w)[:-1]]) / w.sum()
        ax_bar.barh(0, w / w.sum(), left=left, color=rgb, edgecolor="k", height=0.8)
        for x0, wi, col in zip(left, w / w.sum(), rgb):
            if wi > 0.06:
                ax_bar.text(x0 + wi / 2, 0, f"{wi:.0%}", ha="center", va="center", fontsize=8,
                            color="w" if col.mean() < 0.5 else "k")
        ax_bar.set_xlim(0, 1)
        ax_bar.set_yticks([])
        ax_bar.set_xlabel("fraction of the pixels")
        ax_bar.set_title(f"palette of {len(w)} colours", fontsize=10)
    fig.tight_layout()
    return fig


def plot_gabor_bank(size_px=128, n_scales=4, n_orientations=8):
    """The GIST filter bank: transfer functions in the frequency plane, and the filters in space.

    Parameters
    ----------
    size_px : int
        Size of the square grid the filters are built for.
    n_scales, n_orientations : int

    Returns
    -------
    matplotlib.figure.Figure
        Left: every transfer function (maximum over the bank) and each one's half-height
        contour, zero frequency in the centre. Right: the real part of each filter in
        space (scales in rows, orientations in columns), cropped to its scale.
    """
    from .gist import gabor_filters, gabor_parameters

    bank = gabor_filters(size_px, n_scales, n_orientations)
    peaks, thetas = gabor_parameters(n_scales, n_orientations)
    plt = _plt()
    fig = plt.figure(figsize=(12, 5))
    grid = fig.add_gridspec(n_scales, n_orientations + 4)
    ax = fig.add_subplot(grid[:, :4])
    f = np.fft.fftshift(np.fft.fftfreq(size_px))
    shifted = np.fft.fftshift(bank, axes=(1, 2))
    ax.imshow(shifted.max(axis=0), extent=(f[0], f[-1], f[-1], f[0]), cmap="magma")
    for g in shifted:
        ax.contour(f, f, g, levels=[0.5], colors="c", linewidths=0.5)
    ax.set_xlabel("horizontal frequency f_x (cycles / pixel)")
    ax.set_ylabel("vertical frequency f_y (cycles / pixel, down)")
    ax.set_title(f"{len(bank)} Gabor transfer functions\n({n_scales} scales × {n_orientations} orientations)",
                 fontsize=10)
    for i, g in enumerate(bank):
        s, o = divmod(i, n_orientations)
        kernel = np.fft.fftshift(np.real(np.fft.ifft2(g)))
        half = int(min(size_px // 2, max(6, 1.5 / peaks[i])))
        c = size_px // 2
        a = fig.add_subplot(grid[s, 4 + o])
        a.imshow(kernel[c - half:c + half, c - half:c + half], cmap="gray")
        a.set_xticks([])
        a.set_yticks([])
        if s == 0:
            a.set_title(f"{np.degrees(thetas[i]):.0f}°", fontsize=8)
        if o == 0:
            a.set_ylabel(f"{peaks[i]:.3f} c/px", fontsize=8)
    fig.suptitle("The GIST filter bank (right: real part in space; rows = scales, columns = orientations "
                 "of the frequency)", fontsize=10)
    return fig


def plot_gabor_response(image, index, size_px=128, n_scales=4, n_orientations=8, grid=4):
    """One Gabor filter of GIST on an image: the prefiltered image, the response magnitude and its grid means.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float [0, 1]
    index : int
        Filter index, ``scale · n_orientations + orientation``.
    size_px, n_scales, n_orientations, grid
        As for :func:`imsearch.gist.gist`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from . import gist

    n = n_scales * n_orientations
    index = check_int(index, "index", minimum=0, maximum=n - 1)
    pre = gist.prefilter(gist.square(image, size_px))
    energy = gist.gabor_energy(pre, n_scales, n_orientations)
    cells = gist.grid_pool(energy, grid)
    peaks, thetas = gist.gabor_parameters(n_scales, n_orientations)
    plt = _plt()
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.8))
    axes[0].imshow(pre, cmap="gray")
    axes[0].set_title("prefiltered (whitened, contrast-normalised)", fontsize=10)
    vmax = float(energy.max())
    axes[1].imshow(energy[index], cmap="magma", vmin=0, vmax=vmax)
    axes[1].set_title(f"|response| of filter {index}: {peaks[index]:.3f} c/px, {np.degrees(thetas[index]):.0f}°",
                      fontsize=10)
    im = axes[2].imshow(cells[index], cmap="magma", vmin=0, vmax=float(cells.max()))
    axes[2].set_title(f"mean over {grid}×{grid} cells: {grid * grid} of the {n * grid * grid} numbers", fontsize=10)
    fig.colorbar(im, ax=axes[2], fraction=0.046, pad=0.03, label="mean |response|")
    for a in axes:
        a.set_xlabel("x (pixels of the 128-px square)" if a is not axes[2] else "cell column")
        a.set_ylabel("y" if a is not axes[2] else "cell row")
    fig.tight_layout()
    return fig


def plot_gist(image, descriptor, n_scales=4, n_orientations=8, grid=4, title=None, ax=None):
    """A GIST descriptor drawn over its image: in each cell, a segment per orientation.

    The segments point along the *structure* a filter responds to (perpendicular to its
    frequency vector: orientation 0 responds to vertical edges and is drawn vertical), with
    a length proportional to the cell's energy summed over the scales.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) image, shown stretched to a square
    descriptor : (n_scales·n_orientations·grid²,) array_like
        A gray GIST (:func:`imsearch.gist.gist`).
    n_scales, n_orientations, grid : int
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    from .gist import gabor_parameters
    from .image import to_gray

    d = check_array(descriptor, "descriptor", shape=(n_scales * n_orientations * grid * grid,), kinds="iuf",
                    min_value=0)
    e = d.reshape(n_scales, n_orientations, grid, grid).sum(axis=0)       # (orientation, row, col)
    _, thetas = gabor_parameters(1, n_orientations)
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(4.5, 4.5))
    else:
        fig = ax.figure
    ax.imshow(to_gray(check_image(image, "image")), cmap="gray", extent=(0, grid, grid, 0), alpha=0.6,
              aspect="auto")
    scale = 0.45 / (e.max() or 1.0)
    for r in range(grid):
        for c in range(grid):
            for th, v in zip(thetas, e[:, r, c]):
                dx, dy = -np.sin(th) * v * scale, np.cos(th) * v * scale   # along the stripes
                ax.plot([c + 0.5 - dx, c + 0.5 + dx], [r + 0.5 - dy, r + 0.5 + dy], color="orangered", lw=1.5)
    for t in range(grid + 1):
        ax.axhline(t, color="w", lw=0.6)
        ax.axvline(t, color="w", lw=0.6)
    ax.set_xlim(0, grid)
    ax.set_ylim(grid, 0)
    ax.set_xlabel("cell column")
    ax.set_ylabel("cell row")
    ax.set_title(title or "GIST: oriented energy per cell", fontsize=10)
    return fig


def plot_ranking(query, results, titles, query_title="query", suptitle=None, correct=None, size=2.2):
    """A query followed by its first results, correct ones framed in green, wrong ones in red.

    Parameters
    ----------
    query : image
    results : sequence of images
    titles : sequence of str, one per result
    query_title : str
    suptitle : str, optional
    correct : sequence of bool, optional
        Frame colours; no frame when omitted.
    size : float

    Returns
    -------
    matplotlib.figure.Figure
    """
    results = list(results)
    titles = list(titles)
    if len(titles) != len(results):
        raise ValueError(f"titles must have one entry per result ({len(results)}), got {len(titles)}")
    plt = _plt()
    fig, axes = plt.subplots(1, len(results) + 1, figsize=(size * (len(results) + 1), size * 0.95))
    axes = np.atleast_1d(axes)
    _imshow(axes[0], query, query_title)
    for k, (ax, img, t) in enumerate(zip(axes[1:], results, titles)):
        _imshow(ax, img, t)
        if correct is not None:
            for side in ax.spines.values():
                side.set_visible(True)
                side.set_color("tab:green" if correct[k] else "tab:red")
                side.set_linewidth(4)
    if suptitle:
        fig.suptitle(suptitle, fontsize=10)
    fig.tight_layout()
    return fig

# --- chapter 7 plots ---

__all__ += ["plot_visual_words", "plot_word_frequencies", "plot_bag_of_words"]


def plot_visual_words(patches, word_labels, title=None, size=0.9):
    """A grid of image patches, one row per visual word: what the descriptors of a word look like.

    Parameters
    ----------
    patches : sequence of (n_i, s, s) or (n_i, s, s, 3) arrays
        The patches of each word (rows may hold different numbers).
    word_labels : sequence of str, one per row
    title : str, optional
    size : float
        Inches per patch.

    Returns
    -------
    matplotlib.figure.Figure
    """
    rows = [np.asarray(p) for p in patches]
    labels = list(word_labels)
    if not rows:
        raise ValueError("patches must not be empty")
    if len(labels) != len(rows):
        raise ValueError(f"word_labels must have one entry per row ({len(rows)}), got {len(labels)}")
    ncols = max(1, max(len(r) for r in rows))
    plt = _plt()
    fig, axes = plt.subplots(len(rows), ncols, figsize=(size * ncols + 1.2, size * len(rows) + 0.6), squeeze=False)
    for i, (row, label) in enumerate(zip(rows, labels)):
        for j in range(ncols):
            ax = axes[i, j]
            ax.set_xticks([])
            ax.set_yticks([])
            if j < len(row):
                ax.imshow(row[j], cmap="gray" if row[j].ndim == 2 else None, vmin=0,
                          vmax=255 if row[j].dtype == np.uint8 else 1)
            else:
                ax.axis("off")
        axes[i, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_word_frequencies(bow, n_stop=0, title=None, ax=None):
    """Rank–frequency plot of visual words (log–log): how many images contain each word, most frequent first.

    Parameters
    ----------
    bow : (N, k) array or scipy sparse matrix of counts
    n_stop : int
        Marks the first ``n_stop`` ranks (the stop list).
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    import scipy.sparse

    m = scipy.sparse.csr_matrix(bow)
    df = np.sort(np.bincount(m.nonzero()[1], minlength=m.shape[1]))[::-1]
    total = np.sort(np.asarray(m.sum(axis=0)).ravel())[::-1]
    n_stop = check_int(n_stop, "n_stop", minimum=0, maximum=m.shape[1])
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.5, 3.8))
    else:
        fig = ax.figure
    ranks = np.arange(1, m.shape[1] + 1)
    ax.loglog(ranks, np.maximum(total, 0.5), "-", label="occurrences of the word")
    ax.loglog(ranks, np.maximum(df, 0.5), "-", label="images containing the word")
    ax.axhline(m.shape[0], color="gray", ls=":", lw=1, label=f"number of images ({m.shape[0]})")
    if n_stop:
        ax.axvspan(1, n_stop + 0.5, color="tab:red", alpha=0.15, label=f"stop list ({n_stop} words)")
    ax.set_xlabel("word rank (most frequent first)")
    ax.set_ylabel("count")
    ax.set_title(title or "Visual word frequencies")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_bag_of_words(image, keypoints, words, n_words, title=None, max_points=300):
    """An image with its keypoints coloured by visual word, next to its bag of words (the histogram).

    Parameters
    ----------
    image : (H, W) or (H, W, 3) image
    keypoints : (M, >=2) array of ``x, y, ...``
    words : (M,) int array of visual words
    n_words : int
        Vocabulary size ``k``.
    title : str, optional
    max_points : int

    Returns
    -------
    matplotlib.figure.Figure
    """
    img = check_image(image, "image")
    kps = check_array(keypoints, "keypoints", ndim=2, kinds="iuf", allow_empty=True)
    n_words = check_int(n_words, "n_words", minimum=1)
    w = check_array(words, "words", shape=(len(kps),), kinds="iu", allow_empty=True, min_value=0,
                    max_value=n_words - 1)
    plt = _plt()
    fig, (a0, a1) = plt.subplots(1, 2, figsize=(11, 3.8), gridspec_kw={"width_ratios": [1, 1.4]})
    _imshow(a0, img, f"{len(kps)} keypoints, coloured by word")
    shown = slice(0, max_points)
    a0.scatter(kps[shown, 0], kps[shown, 1], c=w[shown], cmap="tab20", s=14, edgecolors="white", linewidths=0.3,
               vmin=0, vmax=max(n_words - 1, 1))
    counts = np.bincount(w, minlength=n_words)
    a1.bar(np.arange(n_words), counts, width=1.0, color="tab:blue")
    a1.set_xlim(-0.5, n_words - 0.5)
    a1.set_xlabel(f"visual word (0 .. {n_words - 1})")
    a1.set_ylabel("count in this image")
    a1.set_title(f"bag of words: {int((counts > 0).sum())} of {n_words} words used")
    a1.grid(True, axis="y", alpha=0.3)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
