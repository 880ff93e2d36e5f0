"""The printed cells between one label and the next, however the table was flattened into text.

Converters flatten a table row in many ways; all of these are the row 规章 0 | 0 | 0:

    规章\\n\\t0\\n\\t0\\n\\t0          one cell per line with tab indents (Word -> text)
    规章 |\\n0 |\\n0 |\\n0 | |        pipes, with empty cells left over at the end
    | 规章 | 0 | 0 | 0 |            markdown; ASCII-box borders (+----+) between rows are ignored
    规章　　0　　0　　0              runs of spaces
    规章000                          glued: scraped text lost every separator

A stretch of text between two labels is cut into slots, one per printed cell: a value (one or more
numbers, "25个", "+1036"), an empty-cell mark ("－", "/", "无"), or a blank (an empty pipe cell).

A label wrapped over lines may hold its row's cells inside it (``pdftotext -layout``, w3m boxes):

    5.要求行政机关确
    认或重新出具已获      4      0      0      0      0      0      4
    取信息

so rows are read from a view of the text with the labels' own characters blanked out
(``labels.mask_labels``), starting where the label starts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from nianbao.schema import PRINTED_NUMBER, empty_cell_marks, units_pattern
from nianbao.text import CELL_BORDERS

_PIPES = re.escape(CELL_BORDERS)
PIECE = re.compile(rf"[^\s{_PIPES}]+")
_PIPE = re.compile(rf"[{_PIPES}]")
# Table borders drawn with characters: "+------+", "|:---|", "├────┼"; a lone "-" is an empty cell.
_BORDER = re.compile(r"[-=+:─━═┄┈┼├┤┌┐└┘┬┴╋┣┫┳┻]{3,}")
# A table rule pandoc draws under a header or a table: dash runs, one per column, some of them two
# dashes wide ("  ------------ -- -- --------"); its "--" is a border, not an empty cell.
_RULE_LINE = re.compile(r"[ \t]*-{2,}(?:[ \t]+-{2,})*[ \t]*")
# No count is printed with a leading zero, so "00" or "0000000" is cells run together, even where spaces
# separate other cells of the row: "结转下年度继续办理 0 0 00 00 0" is seven cells.
_RUN_TOGETHER = re.compile(r"[+-]?0\d")


@lru_cache(maxsize=1)
def _number() -> re.Pattern:
    """One printed number; a sign starts a new number, so "97+82179" is two of them."""
    return re.compile(rf"{PRINTED_NUMBER}(?:{units_pattern()})?")


@lru_cache(maxsize=1)
def _unit() -> re.Pattern:
    return re.compile(units_pattern())


def _is_unit(norm: str, start: int, end: int) -> bool:
    """Whether ``norm[start:end]`` is a unit alone on its line's stretch, after a number and a space."""
    return _unit().fullmatch(norm, start, end) is not None and norm[start - 1] in " \t"


@lru_cache(maxsize=1)
def _cell_chars() -> re.Pattern:
    """Any character a cell can be printed with: a digit or a character of an empty-cell mark."""
    marks = sorted(set("".join(empty_cell_marks())))
    return re.compile(r"[\d" + "".join(map(re.escape, marks)) + "]")


@dataclass(slots=True)
class Slot:
    """One printed cell: ``spans`` (into ``norm``) of its numbers, of its empty mark, or none (blank)."""

    kind: str  # "value", "empty", "blank" or "text"
    spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass(slots=True)
class GapCells:
    """The cells printed between two labels; ``glued`` when they touch a label with no separator at all."""

    slots: list[Slot]
    glued: bool
    # Where text ended the row, if text with cells after it follows before the next label: a row whose
    # label the matcher did not know ("2.其他法律行政止公开", a misprint) or that a converter dropped.
    rest: int | None = None


def _on_rule_line(norm: str, position: int) -> bool:
    line_end = norm.find("\n", position)
    return _RULE_LINE.fullmatch(norm, norm.rfind("\n", 0, position) + 1,
                                len(norm) if line_end < 0 else line_end) is not None


# A number spaced from the 年 after it is a year in a sentence ("2021 年收到和处理…" as a PDF reader
# spaces digits from Chinese), never a cell.
_YEAR_AFTER = re.compile(r"[ \t]*年")


def _classify(norm: str, start: int, end: int) -> Slot | None:
    piece = norm[start:end]
    if piece.isdigit() and piece.isascii():  # the common case, "0"
        if _YEAR_AFTER.match(norm, end):
            return Slot("text", [(start, end)])
        return Slot("value", [(start, end)])
    if piece in empty_cell_marks():
        if piece.count("-") == len(piece) > 1 and _on_rule_line(norm, start):
            return None
        return Slot("empty", [(start, end)])
    if _BORDER.fullmatch(piece):
        return None
    spans, position = [], start
    for match in _number().finditer(norm, start, end):
        if match.start() != position:
            break
        spans.append((match.start(), match.end()))
        position = match.end()
    if spans and position == end:
        return Slot("value", spans)
    return Slot("text", [(start, end)])


@lru_cache(maxsize=1)
def _cell_first_chars() -> frozenset[str]:
    """The characters a cell or a border can start with; a piece of narrative starts with none but 无."""
    return frozenset("0123456789+-" + "".join(mark[0] for mark in empty_cell_marks()) + "=:─━═┄┈┼├┤┌┐└┘┬┴╋┣┫┳┻")


def is_cell_piece(norm: str, start: int, end: int) -> bool:
    """Whether the piece ``norm[start:end]`` (a ``PIECE`` match) is printed as a cell or a border, not as text."""
    if norm[start] not in _cell_first_chars():
        return False
    slot = _classify(norm, start, end)
    return slot is None or slot.kind != "text"


def _segments(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """Pipe-separated cells of the gap; the first one is what is left of the label's own cell."""
    bounds, position = [], start
    for index in range(start, end):
        if norm[index] in _PIPES:
            bounds.append((position, index))
            position = index + 1
    bounds.append((position, end))
    return bounds


def read_gap(norm: str, masked: str, start: int, end: int) -> GapCells:
    """The cells printed in ``masked[start:end]`` (a label and the text after it, up to the next label).

    ``masked`` is ``norm`` with the labels' characters blanked out.  Text before the first cell is
    skipped (the rest of a label the matcher did not take); text after a cell ends the row, so a
    paragraph after the table is never read as cells.  A row is glued when a value touches a label
    in ``norm`` with no separator at all ("…申请数量21710000218").
    """
    if _cell_chars().search(masked, start, end) is None:  # header labels follow each other: nothing between
        return GapCells([], False)
    piped = _PIPE.search(masked, start, end) is not None
    slots: list[Slot] = []
    for index, (seg_start, seg_end) in enumerate(_segments(masked, start, end) if piped else [(start, end)]):
        found = []
        for m in PIECE.finditer(masked, seg_start, seg_end):
            if found and found[-1].kind == "value" and _is_unit(masked, m.start(), m.end()):
                # the unit of the number before, spaced from it ("63 宗", "12345 元": pdftotext)
                found[-1].spans[-1] = (found[-1].spans[-1][0], m.end())
                continue
            if (slot := _classify(masked, m.start(), m.end())) is not None:
                found.append(slot)
        if piped and not found:
            if index > 0:
                slots.append(Slot("blank"))
            continue
        slots.extend(found)
    cells: list[Slot] = []
    rest = None
    for slot in slots:
        if slot.kind == "text":
            if any(s.kind in ("value", "empty") for s in cells):
                rest = slot.spans[0][0]
                break
            cells.clear()  # blanks before the label's leftover text belong to the label
            continue
        cells.append(slot)
    if not any(s.kind in ("value", "empty") for s in cells):
        return GapCells([], False)
    values = [s for s in cells if s.kind == "value"]
    glued = not piped and bool(values) and (not norm[values[0].spans[0][0] - 1].isspace()
                                            or values[-1].spans[-1][1] == end
                                            or any(_RUN_TOGETHER.match(norm, start) for slot in values
                                                   for start, _ in slot.spans))
    return GapCells(cells, glued, rest)
