"""Shared figures and widgets."""
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from imsearch import viz, widgets  # noqa: E402
from imsearch.metrics import psnr  # noqa: E402


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
