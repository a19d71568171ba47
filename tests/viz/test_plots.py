"""imsearch.viz.plots: Generic plots with titles and labelled axes: curves, bars, histograms, score matrices."""
import matplotlib
import numpy as np
import pytest
matplotlib.use("Agg")

from imsearch import viz


def test_plot_grouped_bars_draws_one_bar_per_value():
    from imsearch.viz import plots as viz

    values = {"pixels": {"jpeg": 1.0, "flip": 0.1}, "histogram": {"jpeg": 0.9, "flip": 1.0}}
    fig = viz.plot_grouped_bars(values, xlabel="edit", ylabel="top-1 accuracy", title="t", ylim=(0, 1.05))
    ax = fig.axes[0]
    assert ax.get_xlabel() == "edit" and ax.get_ylabel() == "top-1 accuracy" and ax.get_title() == "t"
    heights = sorted(p.get_height() for p in ax.patches)
    assert heights == [0.1, 0.9, 1.0, 1.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["jpeg", "flip"]
    with pytest.raises(ValueError, match="must have the categories"):
        viz.plot_grouped_bars({"a": {"x": 1.0}, "b": {"y": 1.0}})
    with pytest.raises(ValueError, match="values must be a non-empty dict"):
        viz.plot_grouped_bars({})


def test_plot_bars_annotates_values_and_infinity():
    fig = viz.plot_bars(["4:4:4", "4:2:0"], [[np.inf, 39.7], [np.inf, 28.2]], "PSNR (dB)", title="t",
                        groups=["chroma", "luma"])
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("∞") == 2 and "39.70" in texts and "28.20" in texts
    assert ax.get_xlabel() == "PSNR (dB)" and ax.get_title() == "t"
    assert [p.get_width() for p in ax.patches] == pytest.approx([0, 39.7, 0, 28.2])
    with pytest.raises(ValueError, match="values must have one entry per label"):
        viz.plot_bars(["a"], [1.0, 2.0], "x")
    with pytest.raises(ValueError, match="NaN"):
        viz.plot_bars(["a"], [np.nan], "x")


def test_plot_curves_labels_axes():
    x = np.arange(5.0)
    fig = viz.plot_curves(x, [x, x ** 2], labels=["lin", "sq"], xlabel="k", ylabel="dB", title="t")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "k" and ax.get_ylabel() == "dB" and ax.get_title() == "t"
    assert len(ax.lines) == 2
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), x ** 2)
    with pytest.raises(ValueError, match="ys must have 5 values per curve"):
        viz.plot_curves(x, np.zeros(4))


def test_plot_rate_distortion_draws_the_curve_its_names_and_the_points():
    fig = viz.plot_rate_distortion([1000, 500, 100], [40.0, 35.0, 25.0], "JPEG", ["q90", "q50", "q5"],
                                   points={"thumbnail": (768, 22.0)}, title="t")
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), [40.0, 35.0, 25.0])
    assert [t.get_text() for t in ax.texts] == ["q90", "q50", "q5"]
    assert ax.get_lines()[1].get_xdata()[0] == 768 and ax.get_xscale() == "log"
    with pytest.raises(ValueError, match="curve_bytes must be > 0"):
        viz.plot_rate_distortion([0, 1], [1, 2], "x")
    with pytest.raises(ValueError, match="curve_names"):
        viz.plot_rate_distortion([1, 2], [1, 2], "x", ["a"])
