"""Tables: numbers shown as a Markdown table in a notebook (chapters 5-7)."""
from __future__ import annotations

import numbers


def markdown_table(header, rows, caption: str = "", fmt: str = "{:.3f}"):
    """A Markdown table of text and numbers, displayed by the notebook as rich output.

    Parameters
    ----------
    header : sequence of str
        Column titles.
    rows : sequence of sequences
        One per table row, as long as ``header``; a real number is formatted with ``fmt``,
        anything else with ``str``.
    caption : str
        A line shown above the table.
    fmt : str
        Format of the real numbers (integers are shown as they are).

    Returns
    -------
    IPython.display.Markdown
        Its ``.data`` is the Markdown text.
    """
    from IPython.display import Markdown

    header = [str(h) for h in header]
    if not header:
        raise ValueError("header must not be empty")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for i, row in enumerate(rows):
        row = list(row)
        if len(row) != len(header):
            raise ValueError(f"rows[{i}] must have {len(header)} cells, got {len(row)}")
        cells = [fmt.format(c) if isinstance(c, numbers.Real) and not isinstance(c, (bool, numbers.Integral))
                 else str(c) for c in row]
        lines.append("| " + " | ".join(cells) + " |")
    return Markdown((caption + "\n\n" if caption else "") + "\n".join(lines))
