"""Figures of images: grids, side-by-side comparisons, rendered text, signed maps.
"""
from __future__ import annotations


import numpy as np

from .._util.validation import check_array, check_image, check_int


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


def _cell_grid(ax, n: int, lw: float, xlabel: str = "cell column") -> None:
    """White lines around the ``n × n`` cells of an axes spanning ``[0, n]²`` (row 0 on top)."""
    for t in range(n + 1):
        ax.axhline(t, color="w", lw=lw)
        ax.axvline(t, color="w", lw=lw)
    ax.set_xlim(0, n)
    ax.set_ylim(n, 0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("cell row")


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


def show_as_vector(image, n_pixels=200):
    """An RGB image next to the start of the vector it becomes when read row by row (r, g, b, r, g, b, ...).

    Parameters
    ----------
    image : (H, W, 3) uint8 array
    n_pixels : int >= 1
        How many pixels of the top row to plot (each gives three values).

    Returns
    -------
    matplotlib.figure.Figure
    """
    img = check_image(image, "image", gray=False)
    n_pixels = check_int(n_pixels, "n_pixels", minimum=1)
    vector = np.asarray(img).reshape(-1)
    n = min(3 * n_pixels, vector.size)
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(11, 3), gridspec_kw={"width_ratios": [1, 2.2]})
    _imshow(axes[0], img, "the image (H × W × 3)")
    for c, color in enumerate(["red", "green", "blue"]):
        axes[1].plot(np.arange(c, n, 3), vector[c:n:3], ".-", color=color, ms=3, lw=0.6, label=f"{color} values")
    axes[1].set_xlabel(f"index in the vector (first {n // 3} pixels of the top row)")
    axes[1].set_ylabel("value")
    axes[1].set_title("the same image as a vector")
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    return fig


def compare_images(reference, others, psnr_db, titles=None, size=4.0, suptitle=None):
    """Show a reference image next to edited versions, each titled with its PSNR.

    Parameters
    ----------
    reference : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    others : sequence of arrays with the reference's shape and dtype
    psnr_db : sequence of float
        The PSNR of each edited version against the reference, in dB
        (:func:`imsearch.eval.psnr`).
    titles : sequence of str, optional
        Names of the edits; the PSNR is appended to each.

    Returns
    -------
    matplotlib.figure.Figure
    """
    reference = check_image(reference, "reference")
    others = list(others)
    if not others:
        raise ValueError("others must not be empty")
    titles = list(titles) if titles is not None else [f"image {i + 1}" for i in range(len(others))]
    if len(titles) != len(others):
        raise ValueError(f"titles must have one entry per image ({len(others)}), got {len(titles)}")
    values = check_array(psnr_db, "psnr_db", shape=(len(others),), kinds="iuf", finite=False)
    labels = ["reference"] + [f"{t}\nPSNR = {p:.2f} dB" for t, p in zip(titles, values)]
    return show_images([reference] + others, labels, ncols=len(others) + 1, size=size, suptitle=suptitle)


def text_image(text, size_px=(64, 320), fontfamily="serif", fontstyle="normal", fontweight="normal",
               color="black", background="white", fontsize=None):
    """Render a line of text into an RGB image with matplotlib (offline, no font files needed).

    Parameters
    ----------
    text : str
        Non-empty text, drawn centred.
    size_px : (int, int)
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
    if not (isinstance(size_px, (tuple, list)) and len(size_px) == 2):
        raise ValueError(f"size_px must be a pair (height, width), got {size_px!r}")
    h, w = (check_int(s, f"size_px[{i}]", minimum=8) for i, s in enumerate(size_px))
    dpi = 100
    fig = Figure(figsize=(w / dpi, h / dpi), dpi=dpi, facecolor=background)
    canvas = FigureCanvasAgg(fig)
    fig.text(0.5, 0.5, text, ha="center", va="center", color=color, family=fontfamily,
             style=fontstyle, weight=fontweight, fontsize=fontsize or 0.45 * h * 72 / dpi)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    return np.ascontiguousarray(rgba[:h, :w, :3])

# --- chapter 5 plots (matching, RANSAC) ---



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
