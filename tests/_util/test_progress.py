"""imsearch._util.progress: the one progress bar."""
from imsearch._util.progress import progress


def test_disabled_progress_returns_the_items_themselves():
    items = [1, 2, 3]
    assert progress(items, "x", enabled=False) is items


def test_enabled_progress_yields_every_item_and_a_total_bar_counts_updates():
    assert list(progress(range(5), "x", leave=False)) == [0, 1, 2, 3, 4]
    bar = progress(None, "y", total=7, leave=False)
    bar.update(3)
    assert bar.n == 3 and bar.total == 7
    bar.close()
    off = progress(None, "z", total=2, enabled=False)
    off.update(1)
    off.close()
