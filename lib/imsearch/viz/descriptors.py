"""Figures of descriptors (chapters 3, 6, 7): histograms, palettes, Gabor filters, GIST, visual words.
"""
from __future__ import annotations


import numpy as np

from .._util.validation import check_array, check_image, check_int
from ..viz.images import _cell_grid, _imshow, _plt


def plot_color_histogram(hist, bins, title=None, ax=None):
    """Bar chart of a joint RGB histogram, each bar painted with the colour at its bin's centre.

    Parameters
    ----------
    hist : (b_r·b_g·b_b,) array_like of non-negative float
        As returned by :func:`imsearch.descriptors.histograms.color_histogram` (bin
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


def _signature_rgb(colors, space):
    """(k, 3) signature colours in ``space`` -> (k, 3) float RGB in [0, 1], for drawing."""
    c = np.asarray(colors, dtype=np.float64)
    if space == "lab":
        import skimage.color

        return np.clip(skimage.color.lab2rgb(c[None])[0], 0, 1)
    if space == "hsv":
        from ..signal.color import hsv_to_rgb

        return np.clip(hsv_to_rgb(c), 0, 1)
    return np.clip(c / 255.0, 0, 1)


def plot_signatures(images, signatures, titles=None, space="lab", size=2.6):
    """Each image next to its adaptive palette, drawn as a bar split in proportion to the weights.

    Parameters
    ----------
    images : sequence of N images
    signatures : sequence of N ``(colors (k, 3), weights (k,))`` pairs
        From :func:`imsearch.descriptors.signatures.color_signature`.
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


def plot_gabor_bank(bank, peaks, thetas, n_orientations):
    """The GIST filter bank: transfer functions in the frequency plane, and the filters in space.

    Parameters
    ----------
    bank : (n_scales · n_orientations, S, S) float array
        Transfer functions (:func:`imsearch.descriptors.gabor_filters`), FFT layout.
    peaks, thetas : (n_scales · n_orientations,) float arrays
        Peak frequency (cycles / pixel) and orientation (radians) of each filter
        (:func:`imsearch.descriptors.gabor_parameters`).
    n_orientations : int
        Filters per scale (the columns of the right panel).

    Returns
    -------
    matplotlib.figure.Figure
        Left: every transfer function (maximum over the bank) and each one's half-height
        contour, zero frequency in the centre. Right: the real part of each filter in
        space (scales in rows, orientations in columns), cropped to its scale.
    """
    bank = check_array(bank, "bank", ndim=3, kinds="f")
    size_px = bank.shape[1]
    n_orientations = check_int(n_orientations, "n_orientations", minimum=1)
    if len(bank) % n_orientations or bank.shape[2] != size_px:
        raise ValueError(f"bank must have shape (n_scales · {n_orientations}, S, S), got {bank.shape}")
    n_scales = len(bank) // n_orientations
    peaks = check_array(peaks, "peaks", shape=(len(bank),), kinds="f")
    thetas = check_array(thetas, "thetas", shape=(len(bank),), kinds="f")
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


def plot_gabor_response(prefiltered, energy, cells, index, peaks, thetas):
    """One Gabor filter of GIST on an image: the prefiltered image, the response magnitude and its grid means.

    Parameters
    ----------
    prefiltered : (S, S) float array
        :func:`imsearch.descriptors.prefilter` of the square image.
    energy : (n, S, S) float array
        :func:`imsearch.descriptors.gabor_energy` of ``prefiltered`` (n filters).
    cells : (n, grid, grid) float array
        :func:`imsearch.descriptors.grid_pool` of ``energy``.
    index : int
        Filter shown, ``scale · n_orientations + orientation``.
    peaks, thetas : (n,) float arrays
        :func:`imsearch.descriptors.gabor_parameters`, for the title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    pre = check_array(prefiltered, "prefiltered", ndim=2, kinds="f")
    energy = check_array(energy, "energy", shape=(None,) + pre.shape, kinds="f")
    n = len(energy)
    cells = check_array(cells, "cells", ndim=3, kinds="f")
    if len(cells) != n or cells.shape[1] != cells.shape[2]:
        raise ValueError(f"cells must have shape ({n}, grid, grid), got {cells.shape}")
    grid = cells.shape[1]
    index = check_int(index, "index", minimum=0, maximum=n - 1)
    peaks = check_array(peaks, "peaks", shape=(n,), kinds="f")
    thetas = check_array(thetas, "thetas", shape=(n,), kinds="f")
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
        a.set_xlabel(f"x (pixels of the {pre.shape[1]}-px square)" if a is not axes[2] else "cell column")
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
        A gray GIST (:func:`imsearch.descriptors.spatial_envelope.gist`).
    n_scales, n_orientations, grid : int
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    from ..descriptors.spatial_envelope import gabor_parameters
    from ..image import to_gray

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
    _cell_grid(ax, grid, 0.6)
    ax.set_title(title or "GIST: oriented energy per cell", fontsize=10)
    return fig


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
