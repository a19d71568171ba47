"""imsearch.viz.retrieval: Figures of search results (chapters 3, 6, 7): a query and its ranked answers."""
import pytest



def _photo(name):
    from imsearch.data import load_default_image
    from imsearch.edits import downscale

    return downscale(load_default_image(name), 256)


def test_plot_ranking_frames_correct_results():
    import matplotlib

    matplotlib.use("Agg")
    from imsearch import viz

    img = _photo("camera")
    fig = viz.plot_ranking(img, [img, img], ["#1", "#2"], correct=[True, False], suptitle="s")
    assert len(fig.axes) == 3 and fig.axes[1].get_title() == "#1"
    assert fig.axes[1].spines["top"].get_edgecolor()[:3] != fig.axes[2].spines["top"].get_edgecolor()[:3]
    with pytest.raises(ValueError, match="titles must have one entry per result"):
        viz.plot_ranking(img, [img], ["a", "b"])
    matplotlib.pyplot.close("all")
