"""imsearch.viz.tables: Markdown tables of numbers."""
import numpy as np
import pytest

from imsearch import viz


def test_markdown_table_formats_reals_and_keeps_integers_and_text():
    t = viz.markdown_table(["method", "AP", "pairs"], [["ours", 0.12345, 16], ["cv", np.float64(0.5), np.int64(3)]],
                           caption="Table 1")
    assert t.data.splitlines() == ["Table 1", "", "| method | AP | pairs |", "|---|---|---|",
                                   "| ours | 0.123 | 16 |", "| cv | 0.500 | 3 |"]


def test_markdown_table_custom_format_and_no_caption():
    t = viz.markdown_table(["x"], [[0.5]], fmt="{:.0%}")
    assert t.data == "| x |\n|---|\n| 50% |"


def test_markdown_table_bad_rows():
    with pytest.raises(ValueError, match=r"rows\[1\] must have 2 cells"):
        viz.markdown_table(["a", "b"], [[1, 2], [3]])
    with pytest.raises(ValueError, match="header must not be empty"):
        viz.markdown_table([], [])
