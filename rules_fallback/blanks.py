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

import unicodedata
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


# Text aligned in columns (pdftotext -layout, lynx, a w3m table without borders): a row with blank cells
# prints fewer numbers on its line, each under its own column.  The columns are where the cells of the
# nearest full row above stand; a page may shift them, so only that row is the measure.  lynx and w3m
# align by display width (a CJK character is two columns), pdftotext -layout by characters.
def _column(norm: str, position: int, wide: bool) -> float:
    """Where ``position`` is on its line, in characters or (``wide``) display columns."""
    line_start = norm.rfind("\n", 0, position) + 1
    if not wide:
        return position - line_start
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in norm[line_start:position])


def _centres(norm: str, spans: list[tuple[int, int]], wide: bool) -> list[float]:
    return [(_column(norm, start, wide) + _column(norm, end, wide)) / 2 for start, end in spans]


def on_one_line(norm: str, spans: list[tuple[int, int]]) -> bool:
    return "\n" not in norm[spans[0][0]:spans[-1][1]]


def _nearest_columns(centres: list[float], reference: list[float]) -> tuple[int, ...] | None:
    tolerance = min(b - a for a, b in zip(reference, reference[1:])) / 2
    columns: list[int] = []
    for centre in centres:
        nearest = min(range(len(reference)), key=lambda c: abs(reference[c] - centre))
        if abs(reference[nearest] - centre) >= tolerance or (columns and nearest <= columns[-1]):
            return None
        columns.append(nearest)
    return tuple(columns)


def place_by_columns(norm: str, spans: list[tuple[int, int]], reference: list[tuple[int, int]]) -> list[int] | None:
    """The column of each cell of a short row on one line, by the nearest centre of the ``reference`` row's
    cells, or None when a cell stands between columns, two share one, or the two ways of counting columns
    place them differently."""
    if not on_one_line(norm, spans) or not on_one_line(norm, reference):
        return None
    placements = {_nearest_columns(_centres(norm, spans, wide), _centres(norm, reference, wide))
                  for wide in (True, False)} - {None}
    return list(placements.pop()) if len(placements) == 1 else None
