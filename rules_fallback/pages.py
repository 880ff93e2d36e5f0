"""Page furniture in text extracted from a PDF: page numbers and running headers between table rows.

``pdftotext`` ends each page with a form feed and keeps what the page printed around the table, so a
page break in the middle of section 三 reads

    （三）不予公开   1.属于国家秘密            0          0          0 ...
                                        - 2 -
    \\f      东湖市生态环境局2021年政府信息公开工作年度报告
                     2.其他法律行政法规        0          0          0 ...

The page number would be read as cells ("-", "2", "-") and the running header would split a label
wrapped across the break.  ``blank_page_furniture`` blanks both out (offsets unchanged).
"""
from __future__ import annotations

import re
from collections import Counter

from rules_fallback.cells import PIECE, is_cell_piece

# A page number on a line of its own: "- 2 -", "— 2 —", "－2－", "第2页", "第 2 页 共 9 页" are never a cell,
# wherever they are; "2" and "2/9" are one only next to a form feed (elsewhere "2" may be a cell on its line).
_PAGE_MARK = r"[-—–－][^\S\n]*\d{1,3}[^\S\n]*[-—–－]|第[^\S\n]*\d{1,3}[^\S\n]*页(?:[^\S\n]*[,，/]?[^\S\n]*共[^\S\n]*\d{1,3}[^\S\n]*页)?"
PAGE_NUMBER_LINE = re.compile(rf"^[ \t]*(?:{_PAGE_MARK})[ \t]*$", re.M)
_PAGE_NUMBER = re.compile(rf"[ \t]*(?:{_PAGE_MARK}|\d{{1,3}}(?:\s*/\s*\d{{1,3}})?)[ \t]*")
_LINE = re.compile(r"[^\n]*")
# A running header repeats the report's title or its body's name at the top of each page.
_TITLE_WORDS = re.compile(r"政府信息公开.*报告")


def _line_around(norm: str, position: int, forward: bool) -> tuple[int, int] | None:
    """The first line with printed text before (or after) ``position``, skipping blank lines."""
    while True:
        if forward:
            end = norm.find("\n", position)
            end = len(norm) if end < 0 else end
            start = position
            position = end + 1
        else:
            start = norm.rfind("\n", 0, position) + 1
            end = position
            position = start - 1
        if norm[start:end].strip(" \t\f"):
            return start, end
        if position < 0 or position > len(norm):
            return None


def _is_running_header(norm: str, start: int, end: int, recurring: Counter) -> bool:
    """A page's top line that repeats at other page tops or names the report, and prints no cell."""
    text = norm[start:end].strip(" \t\f")
    if any(is_cell_piece(norm, m.start(), m.end()) for m in PIECE.finditer(norm, start, end)):
        return False
    return recurring[text] > 1 or _TITLE_WORDS.search(text) is not None


def blank_page_furniture(norm: str) -> str:
    """``norm`` with page numbers, and running headers next to a form feed, replaced by spaces.

    Text from a PDF reader that drops the form feeds (pdfplumber, pypdf) still prints the page number
    between two rows of a table: "…746 12 0 0 10 1 769\n- 5 -\n法提供 2.没有现成信息…".
    """
    blanks: list[tuple[int, int]] = [match.span() for match in PAGE_NUMBER_LINE.finditer(norm)]
    if "\f" not in norm:
        return _blanked(norm, blanks)
    breaks = [match.start() for match in re.finditer("\f", norm)]
    tops = []
    for position in breaks:
        for forward in (False, True):
            line = _line_around(norm, position + forward, forward)
            if line is None:
                continue
            if _PAGE_NUMBER.fullmatch(norm, *line):
                blanks.append(line)
                if forward:  # the number printed at the page top: the header may follow it
                    line = _line_around(norm, line[1] + 1, True)
            if forward and line is not None:
                tops.append(line)
    recurring = Counter(norm[start:end].strip(" \t\f") for start, end in tops)
    blanks += [(start, end) for start, end in tops if _is_running_header(norm, start, end, recurring)]
    return _blanked(norm, blanks + [(p, p + 1) for p in breaks])


def _blanked(norm: str, blanks: list[tuple[int, int]]) -> str:
    if not blanks:
        return norm
    parts, position = [], 0
    for start, end in sorted(set(blanks)):
        if start < position:
            continue
        parts += [norm[position:start], " " * (end - start)]
        position = end
    parts.append(norm[position:])
    return "".join(parts)
