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

# --- chapter 2 plots (color) ---

# --- chapter 3 plots (comparing pixels) ---
