"""imsearch.viz.signal: Figures of the image as a signal (chapters 1–2): sampling, quantization cells, palettes, colour channels."""
import matplotlib
import numpy as np
import pytest
matplotlib.use("Agg")

from imsearch import viz
from imsearch.signal import color


def _rng(seed=0):
    return np.random.default_rng(seed)


def test_show_channels_draws_each_channel():
    img = _rng(15).random((6, 7, 4))
    fig = viz.show_channels(img, ["C", "M", "Y", "K"], cmaps=["ink:cyan", "ink:magenta", "ink:yellow", "ink:black"],
                            suptitle="plates")
    panels = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in panels] == ["C", "M", "Y", "K"]
    np.testing.assert_array_equal(panels[2].images[0].get_array(), img[..., 2])
    assert panels[0].images[0].cmap(1.0)[:3] == pytest.approx((0, 1, 1))  # full cyan ink
    assert panels[0].images[0].cmap(0.0)[:3] == pytest.approx((1, 1, 1))  # no ink is white paper
    with pytest.raises(ValueError, match="names must have one entry per channel"):
        viz.show_channels(img, ["a"])
    with pytest.raises(ValueError, match="channels must have 3 dimensions"):
        viz.show_channels(img[..., 0], ["a"])


def test_plot_color_swatch_pairs_and_histograms():
    fig = viz.plot_color_swatch(np.array([1.0, 0.5, 0.0]), color.describe_color("#ff8000"))
    assert fig.axes[0].images[0].get_array()[0, 0].tolist() == [1.0, 0.5, 0.0]
    assert "#ff8000" in fig._suptitle.get_text()
    a, b = np.array([[1.0, 1, 0], [0.5, 0.5, 0.5]]), np.array([[1.0, 1, 0.1], [0.5, 0.6, 0.5]])
    fig = viz.plot_color_pairs(a, b, ["x", "y"], title="pairs")
    strip = fig.axes[0].images[0].get_array()
    np.testing.assert_allclose(strip[:, 0], a)
    np.testing.assert_allclose(strip[:, 1], b)
    fig = viz.plot_histograms([np.arange(10.0), np.arange(5.0)], ["a", "b"], "ΔE", title="h", bins=5)
    assert fig.axes[0].get_xlabel() == "ΔE" and len(fig.axes[0].patches) == 10
    with pytest.raises(ValueError, match="labels must have one entry per pair"):
        viz.plot_color_pairs(a, b, ["x"])
    with pytest.raises(ValueError, match=r"rgb must have shape \(3,\)"):
        viz.plot_color_swatch(np.zeros(4), {})


def test_show_channels_light_colormap_starts_black():
    fig = viz.show_channels(np.zeros((4, 4, 1), np.uint8), ["red"], cmaps=["light:red"])
    cmap = [ax for ax in fig.axes if ax.images][0].images[0].cmap
    assert cmap(0.0)[:3] == pytest.approx((0, 0, 0)) and cmap(1.0)[:3] == pytest.approx((1, 0, 0))


def test_plot_sampled_cosine_says_whether_nyquist_holds():
    above = viz.plot_sampled_cosine(3.0, 10.0).axes[0].get_title()
    below = viz.plot_sampled_cosine(3.0, 4.0).axes[0].get_title()
    assert "2f = 6" in above and "2f = 6" in below
    assert above != below  # one above the Nyquist rate, one below


def test_plot_psnr_vs_bits_draws_the_law_and_the_points():
    bits = np.arange(1, 6)
    measured = 10 * np.log10(12 * (2.0 ** bits) ** 2)
    ax = viz.plot_psnr_vs_bits(bits, measured).axes[0]
    assert ax.get_xlabel().startswith("bits")
    ys = [line.get_ydata() for line in ax.lines]
    assert any(np.allclose(y, measured) for y in ys if len(y) == len(bits))


def test_plot_voronoi_colours_each_cell_by_its_nearest_centroid():
    rng = np.random.default_rng(0)
    pts = rng.random((50, 2))
    cen = np.array([[0.25, 0.5], [0.75, 0.5]])
    ax = viz.plot_voronoi(pts, cen, resolution=40).axes[0]
    assert ax.get_title() == "Voronoi cells of 2 centroids"
    cells = np.asarray(ax.images[0].get_array())
    # the left half of the plane belongs to centroid 0, the right half to centroid 1
    assert len(np.unique(cells[:, :5])) == 1 and len(np.unique(cells[:, -5:])) == 1
    assert cells[0, 0] != cells[0, -1]


def test_show_palette_draws_one_swatch_per_color():
    pal = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255]], np.uint8)
    ax = viz.show_palette(pal).axes[0]
    assert ax.get_title() == "palette of 3 colors"
    np.testing.assert_array_equal(np.asarray(ax.images[0].get_array()).reshape(-1, 3), pal)


def test_show_strips_draws_each_strip_stretched_with_its_title():
    ramp = np.tile(np.linspace(0, 1, 16), (3, 1))
    fig = viz.show_strips([ramp, 1 - ramp], ["ramp", "inverted"], xlabel="column", suptitle="strips")
    assert [ax.get_title() for ax in fig.axes] == ["ramp", "inverted"]
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), 1 - ramp)
    assert fig.axes[0].get_aspect() == "auto" and fig.axes[1].get_xlabel() == "column"
    with pytest.raises(ValueError, match="titles must have one entry per strip"):
        viz.show_strips([ramp], ["a", "b"])
    with pytest.raises(ValueError, match="strips must not be empty"):
        viz.show_strips([], [])


def test_plot_quantizer_thresholds_draws_one_line_per_threshold_per_quantizer():
    x = np.random.default_rng(0).random(1000)
    ax = viz.plot_quantizer_thresholds(x, {"uniform": [0.125, 0.375, 0.625, 0.875], "other": [0.1, 0.9]}).axes[0]
    lines = ax.get_lines()
    assert sorted(round(l.get_xdata()[0], 6) for l in lines) == [0.25, 0.5, 0.5, 0.75]
    assert sum(p.get_height() for p in ax.patches) == 1000
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["uniform thresholds (k = 4)", "other thresholds (k = 2)"]
    with pytest.raises(TypeError):
        viz.plot_quantizer_thresholds(x, {})
    with pytest.raises(ValueError):
        viz.plot_quantizer_thresholds(np.array([]), {"a": [0.5]})
