"""Where the blank cells of a row are, in text printed one cell per line.

Big bodies leave cells blank instead of printing 0, and a converter that puts every cell on a line of its
own keeps a blank cell as a line with nothing on it (an empty line, spaces, a no-break space).  Hebei's
crawled text prints each cell followed by two empty lines and each row followed by two more, so
section 四 with only its three 总计 cells printed reads

    总计\n\n\n + 4 × \n\n\n + 0\n\n\n + 4 × \n\n\n + 0 …

Reading "the first N cells" of such a row shifts every value into the wrong column.  The table's full rows
(every cell printed) show the spacing: how many line breaks stand between two cells, after a row's label and
after its last cell.  A row with fewer cells is placed by that spacing when every gap in it is a whole
number of cells; otherwise it is not placed at all (``place`` returns None).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class LineLayout:
    """Line breaks between two cells of a row, between a row's label and its first cell, and between a
    row's last cell and the next row's label, in the table's full rows."""

    cell_break: int
    lead: int
    row_break: int


@dataclass(frozen=True)
class PrintedRowSpans:
    """Where one printed row is: its label's end, its cells' spans, its width, and where the next row's label
    starts (None for the table's last row, which a section break ends, not a row break)."""

    label_end: int
    spans: list[tuple[int, int]]
    width: int
    next_start: int | None


def _breaks(norm: str, start: int, end: int) -> int:
    return norm.count("\n", start, end)


def line_layout(norm: str, rows: list[PrintedRowSpans]) -> LineLayout | None:
    """The spacing of a table printed one cell per line, from its full rows; None for any other layout."""
    cell_breaks, leads, row_breaks = set(), Counter(), Counter()
    for row in rows:
        if len(row.spans) != row.width or row.width < 2:
            continue
        gaps = [_breaks(norm, a[1], b[0]) for a, b in zip(row.spans, row.spans[1:])]
        cell_breaks.update(gaps)
        leads[_breaks(norm, row.label_end, row.spans[0][0])] += 1
        if row.next_start is not None:
            row_breaks[_breaks(norm, row.spans[-1][1], row.next_start)] += 1
    if len(cell_breaks) != 1 or 0 in cell_breaks or not row_breaks:
        return None
    return LineLayout(cell_breaks.pop(), leads.most_common(1)[0][0], row_breaks.most_common(1)[0][0])


def place(layout: LineLayout, norm: str, row: PrintedRowSpans, lead: int | None = None) -> list[int] | None:
    """The column of each printed cell of a row with blanks, or None when the spacing does not place them all.

    ``lead`` is the spacing before the first cell where the row follows something else than its own label
    (section 四 follows its header: a row break).
    """
    step = layout.cell_break
    lead = layout.lead if lead is None else lead
    before = _breaks(norm, row.label_end, row.spans[0][0]) - lead
    if before < 0 or before % step:
        return None
    columns = [before // step]
    for a, b in zip(row.spans, row.spans[1:]):
        gap = _breaks(norm, a[1], b[0])
        if gap < step or gap % step:
            return None
        columns.append(columns[-1] + gap // step)
    after = row.width - 1 - columns[-1]
    if after < 0 or (row.next_start is not None
                     and _breaks(norm, row.spans[-1][1], row.next_start) != layout.row_break + after * step):
        return None
    return columns
