"""Figures of search results (chapters 3, 6, 7): a query and its ranked answers.
"""
from __future__ import annotations


import numpy as np

from ..viz.images import _imshow, _plt


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

