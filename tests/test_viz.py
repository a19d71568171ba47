"""Shared figures and widgets."""
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from imsearch import viz, widgets  # noqa: E402
from imsearch.eval.metrics import psnr  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def test_show_images_draws_one_axes_per_image_with_titles():
    imgs = [np.zeros((8, 8), np.uint8), np.ones((4, 6, 3)), np.full((5, 5, 3), 200, np.uint8)]
    fig = viz.show_images(imgs, ["a", "b", "c"], ncols=2)
    axes = fig.axes
    assert len(axes) == 4  # 2 x 2 grid, the last one hidden
    assert [a.get_title() for a in axes[:3]] == ["a", "b", "c"]
    assert not axes[3].axison
    np.testing.assert_array_equal(axes[2].images[0].get_array(), imgs[2])


def test_show_images_bad_input():
    with pytest.raises(ValueError, match="images must not be empty"):
        viz.show_images([])
    with pytest.raises(ValueError, match="titles must have one entry per image"):
        viz.show_images([np.zeros((2, 2), np.uint8)], ["a", "b"])
    with pytest.raises(ValueError, match="image must have shape"):
        viz.show_images([np.zeros(3, np.uint8)])


def test_compare_images_titles_carry_the_psnr():
    rng = np.random.default_rng(0)
    ref = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)
    noisy = np.clip(ref.astype(int) + rng.integers(-20, 21, ref.shape), 0, 255).astype(np.uint8)
    fig = viz.compare_images(ref, [noisy], ["noise"])
    assert f"{psnr(ref, noisy):.2f} dB" in fig.axes[1].get_title()
    with pytest.raises(ValueError, match="others must not be empty"):
        viz.compare_images(ref, [])


def test_plot_curves_labels_axes():
    x = np.arange(5.0)
    fig = viz.plot_curves(x, [x, x ** 2], labels=["lin", "sq"], xlabel="k", ylabel="dB", title="t")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "k" and ax.get_ylabel() == "dB" and ax.get_title() == "t"
    assert len(ax.lines) == 2
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), x ** 2)
    with pytest.raises(ValueError, match="ys must have 5 values per curve"):
        viz.plot_curves(x, np.zeros(4))


def test_int_slider_calls_back_once_and_on_change():
    seen = []
    w = widgets.int_slider(seen.append, "k", value=3, min=1, max=10)
    assert seen == [3]
    w.children[0].value = 7
    assert seen[-1] == 7
    with pytest.raises(ValueError, match="min must be < max"):
        widgets.int_slider(print, "k", 1, 5, 5)
    with pytest.raises(ValueError, match="value must be <= 10"):
        widgets.int_slider(print, "k", 11, 1, 10)
    with pytest.raises(TypeError, match="callback must be callable"):
        widgets.int_slider(3, "k", 1, 1, 10)


# ----------------------------------------------------------------------------- chapter 1 figures and sliders

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


def test_chapter_1_sliders_draw_once_headless():
    gray = np.linspace(0, 1, 64 * 64).reshape(64, 64)
    for make in (lambda: widgets.sampling_step_slider(gray, value=2, max_step=4),
                 lambda: widgets.gray_levels_slider(gray, value=4, max_k=16),
                 lambda: widgets.color_quantization_slider(np.dstack([gray] * 3), value=4, max_k=8)):
        w = make()
        assert w.children  # a slider and its output area


def test_float_sliders_call_back_with_every_value():
    seen = []
    w = widgets.float_sliders(lambda **kw: seen.append(kw), k=(0.05, 0.01, 0.2, 0.01), sigma=(1.0, 0.5, 3.0, 0.5))
    assert seen[0] == {"k": 0.05, "sigma": 1.0}
    w.children[1].value = 2.0
    assert seen[-1]["sigma"] == 2.0
    with pytest.raises(ValueError, match="at least one slider"):
        widgets.float_sliders(print)
    with pytest.raises(TypeError, match="callback must be callable"):
        widgets.float_sliders(3, k=(1, 0, 2, 1))
