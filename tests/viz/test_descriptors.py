"""imsearch.viz.descriptors: Figures of descriptors (chapters 3, 6, 7): histograms, palettes, Gabor filters, GIST, visual words."""
import numpy as np
import pytest
import scipy.sparse as sp
import matplotlib
matplotlib.use("Agg")

from imsearch import descriptors, eval
from imsearch.features import LocalFeatures


def _features(rng, counts, dim=128):
    m = int(sum(counts))
    kps = np.c_[rng.random((m, 2)) * 100, rng.random(m) * 3 + 1, rng.random(m) * 6].astype(np.float32)
    desc = rng.integers(0, 256, (m, dim)).astype(np.uint8)
    return LocalFeatures(kps, desc, np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))


def test_chapter_7_plots_and_widget_draw(monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from imsearch import viz
    from imsearch import widgets

    monkeypatch.setattr(plt, "show", lambda: None)
    rng = np.random.default_rng(15)
    fig = viz.plot_visual_words([rng.integers(0, 255, (3, 8, 8), dtype=np.uint8)] * 2, ["w0", "w1"], title="t")
    assert len(fig.axes) == 6
    fig = viz.plot_word_frequencies(sp.csr_matrix(rng.integers(0, 3, (10, 20))), n_stop=2)
    assert fig.axes[0].get_xscale() == "log"
    fig = viz.plot_bag_of_words(np.zeros((20, 30, 3), np.uint8), rng.random((5, 2)) * 20, [0, 1, 1, 3, 3], 4)
    assert fig.axes[1].patches[3].get_height() == 2
    plt.close("all")
    with pytest.raises(ValueError, match="word_labels"):
        viz.plot_visual_words([np.zeros((1, 4, 4))], ["a", "b"])
    with pytest.raises(ValueError, match="words"):
        viz.plot_bag_of_words(np.zeros((20, 30, 3), np.uint8), np.zeros((1, 2)), [4], 4)

    train = _features(rng, [30] * 6)
    db = _features(rng, [20] * 5)
    pipe = eval.Pipeline(train, 4, cache=False)
    matches = eval.he_matches(pipe, db, db.select([0, 1]))
    seen = []
    w = widgets.he_threshold_slider(matches, lambda s: seen.append(s.shape) or {"mAP": float(s[0, 0])},
                                    value=10, sigma=None)
    assert len(seen) == 65 and w.children[0].value == 10
    plt.close("all")


def test_plot_color_histogram_paints_bars_with_bin_colours():
    from imsearch import viz

    img = np.zeros((4, 4, 3), np.uint8)
    img[:, :2] = (255, 0, 0)
    fig = viz.plot_color_histogram(descriptors.color_histogram(img, 2), 2, title="two colours")
    ax = fig.axes[0]
    assert ax.get_title() == "two colours" and ax.get_ylabel() == "fraction of pixels" and ax.get_xlabel()
    bars = ax.patches
    assert len(bars) == 8
    assert bars[4].get_height() == 0.5 and bars[0].get_height() == 0.5
    np.testing.assert_allclose(bars[4].get_facecolor()[:3], (0.75, 0.25, 0.25))  # centre of bin (1, 0, 0)
    with pytest.raises(ValueError, match=r"hist must have shape \(8,\)"):
        viz.plot_color_histogram(np.ones(9) / 9, 2)
