"""Figures of the image as a signal (chapters 1–2): sampling, quantization cells, palettes, colour channels.
"""
from __future__ import annotations


import numpy as np

from .._util.validation import check_array, check_int
from ..viz.images import _plt


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
    from .._util.validation import check_number

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


def plot_quantizer_thresholds(values, levels_by_name, bins=128, title=None, ax=None):
    """Draw the histogram of ``values`` with the thresholds (midpoints of the levels) of several quantizers.

    Parameters
    ----------
    values : (...) array_like of float, not empty
        The quantized data, e.g. a grayscale image in [0, 1].
    levels_by_name : dict of str -> (k,) array_like of float, ascending
        Each quantizer's levels; its thresholds are drawn as vertical lines, one colour per quantizer.
    bins : int
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    v = check_array(values, "values", kinds="iuf").ravel()
    if not isinstance(levels_by_name, dict) or not levels_by_name:
        raise TypeError("levels_by_name must be a non-empty dict of name -> levels")
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 3.8))
    else:
        fig = ax.figure
    ax.hist(v, bins=bins, color="0.65")
    for i, (name, levels) in enumerate(levels_by_name.items()):
        lv = check_array(levels, f"levels_by_name[{name!r}]", ndim=1, kinds="iuf")
        for j, t in enumerate((lv[:-1] + lv[1:]) / 2):
            ax.axvline(t, color=f"C{i}", ls=("--", "-", ":")[i % 3],
                       label=f"{name} thresholds (k = {len(lv)})" if j == 0 else None)
    ax.set_xlabel("value")
    ax.set_ylabel("count")
    if title:
        ax.set_title(title)
    if any(len(lv) > 1 for lv in levels_by_name.values()):
        ax.legend(loc="upper right")
    return fig


def show_strips(strips, titles, xlabel=None, suptitle=None, width=8.0, height=1.15):
    """Draw wide grayscale images (a ramp and its halftones) one above the other, each stretched to the width.

    Parameters
    ----------
    strips : sequence of (H, W) float arrays in [0, 1]
    titles : sequence of str
        One title per strip.
    xlabel : str, optional
        Label of the bottom strip's x axis.
    suptitle : str, optional
    width, height : float
        Figure width and the height of one strip, in inches.

    Returns
    -------
    matplotlib.figure.Figure
    """
    strips = [check_array(s, f"strips[{i}]", ndim=2, kinds="f") for i, s in enumerate(strips)]
    titles = list(titles)
    if not strips:
        raise ValueError("strips must not be empty")
    if len(titles) != len(strips):
        raise ValueError(f"titles must have one entry per strip ({len(strips)}), got {len(titles)}")
    plt = _plt()
    fig, axes = plt.subplots(len(strips), 1, figsize=(width, height * len(strips)), squeeze=False)
    for ax, strip, title in zip(axes[:, 0], strips, titles):
        ax.imshow(strip, cmap="gray", vmin=0, vmax=1, interpolation="nearest", aspect="auto")
        ax.set_title(title, fontsize=10)
        ax.set_yticks([])
    if xlabel:
        axes[-1, 0].set_xlabel(xlabel)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
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
    from ..signal.quantization import assign

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
