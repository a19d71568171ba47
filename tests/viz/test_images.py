"""imsearch.viz.images: Figures of images: grids, side-by-side comparisons, rendered text, signed maps."""
import matplotlib
import numpy as np
import pytest
matplotlib.use("Agg")

from imsearch import viz
from imsearch.eval.metrics import psnr


def test_text_image_renders_dark_text_on_white():
    from imsearch import viz

    img = viz.text_image("imsearch", size_px=(40, 200))
    assert img.shape == (40, 200, 3) and img.dtype == np.uint8
    assert img[0, 0].tolist() == [255, 255, 255] and img.min() < 60
    other = viz.text_image("imsearch", size_px=(40, 200), fontfamily="sans-serif", fontstyle="italic")
    assert not np.array_equal(img, other)
    with pytest.raises(ValueError, match="text must be a non-empty str"):
        viz.text_image("")


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
    fig = viz.compare_images(ref, [noisy], [psnr(ref, noisy)], ["noise"])
    assert f"{psnr(ref, noisy):.2f} dB" in fig.axes[1].get_title()
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), ref)      # what is shown
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), noisy)
    with pytest.raises(ValueError, match="others must not be empty"):
        viz.compare_images(ref, [], [])
    with pytest.raises(ValueError, match="psnr_db"):
        viz.compare_images(ref, [noisy], [1.0, 2.0])


def test_show_as_vector_plots_the_interleaved_channels_of_the_top_row():
    img = np.random.default_rng(4).integers(0, 256, (5, 12, 3), dtype=np.uint8)
    fig = viz.show_as_vector(img, n_pixels=10)
    lines = fig.axes[1].get_lines()
    assert [ln.get_label() for ln in lines] == ["red values", "green values", "blue values"]
    np.testing.assert_array_equal(lines[1].get_xdata(), np.arange(1, 30, 3))
    np.testing.assert_array_equal(lines[1].get_ydata(), img[0, :10, 1])
    with pytest.raises(ValueError, match="image"):
        viz.show_as_vector(img[..., 0])
