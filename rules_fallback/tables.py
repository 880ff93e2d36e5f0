"""Reading the three tables of a report into labelled cells.

Section 二 and 三 are read row by row: a row label, then its cells up to the next label.  Section 四 is
one row of 15 numbers with no row label (行政复议 / 未经复议直接起诉 / 复议后起诉 × 结果维持 … 总计), read
from the first cells after its heading.  A row whose cells were glued together is cut by
``glued.split_glued_digits``; when several cuts fit, the table's consistency equations (the row total,
then the column balances with the other rows) choose, and a row that stays ambiguous is left out with a
warning naming it rather than guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import takewhile
from typing import NamedTuple

from nianbao.records import Cell
from nianbao.schema import Template, field_spec
from rules_fallback.blanks import LineLayout, PrintedRowSpans, line_layout, on_one_line, place, place_by_columns
from rules_fallback.cells import GapCells, Slot, read_gap
from nianbao.variants import Equation, balanced
from rules_fallback.glued import split_glued_digits
from rules_fallback.labels import Label
from rules_fallback.readings import printed_value, row_totals
from rules_fallback.sections import Region

# How sure the rule layer is of a cell, by how it was read: the mapping keeps the surer of two claims.
CONFIDENCE = {"printed": 1.0, "split": 0.95, "split_by_row_rule": 0.9, "split_by_table_rules": 0.85,
              "placed_by_spacing": 0.9, "by_row_order": 0.8, "split_by_narrative": 0.8, "split_unchecked": 0.75, "fewer_cells": 0.7}


@dataclass
class RowReading:
    """The cells of one printed row: one candidate list per way of reading it (one when unambiguous)."""

    name: str  # e.g. "requests.new" or "section 四"
    keys: list[str]
    candidates: list[list[Cell | None]]  # None: a blank cell
    notes: list[str] = field(default_factory=list)
    printed: int = 0  # how many cells (or glued runs) the row printed
    several_ways: bool = False  # its glued digits cut more ways than could all be kept
    # Where its cells are printed in ``norm``: from its label to the next row's.  Rows printed under one label
    # (the next rows of the template, whose labels a converter dropped) share it.
    extent: tuple[int, int] | None = None

    @property
    def resolved(self) -> list[Cell | None] | None:
        return self.candidates[0] if len(self.candidates) == 1 else None

    @property
    def open(self) -> bool:
        """Not read because the text allows several readings of it and nothing settled one."""
        return self.resolved is None and (len(self.candidates) > 1 or self.several_ways)


def _cell(norm: str, key: str, span: tuple[int, int], how: str) -> Cell:
    return Cell(key, span[0], span[1], norm[span[0]:span[1]], CONFIDENCE[how], "rules")


def read_row(norm: str, gap: GapCells, name: str, keys: list[str], rules: list[Equation]) -> RowReading:
    """The cells of one row from the text after its label."""
    items: list[tuple[str, tuple[int, int] | None]] = []
    for slot in gap.slots:
        if slot.kind == "blank":
            items.append(("blank", None))
        else:
            items.extend((slot.kind, span) for span in slot.spans)
    # Pipe rows carry empty cells that belong to no column: "0 | 0 | |" at the end of a row, and the
    # header's own empty cells before the values ("总计 | | | |\n0 |\n0 |...").
    while len(items) > len(keys) and items[-1][0] == "blank":
        items.pop()
    while len(items) > len(keys) and items[0][0] == "blank":
        items.pop(0)
    reading = RowReading(name, keys, [], printed=len(items))
    if not items:
        reading.candidates = [[None] * len(keys)]
    elif len(items) == len(keys):
        reading.candidates = [[None if span is None else _cell(norm, key, span, "printed")
                               for key, (_, span) in zip(keys, items)]]
    elif len(items) > len(keys):
        reading.notes.append(f"{name}: {len(items)} cells printed for {len(keys)} columns; row left out")
    elif gap.glued and all(kind == "value" for kind, _ in items):
        _split_glued(norm, reading, [span for _, span in items], rules)
    else:
        # A row printed one cell per line whose last cells were dropped: "行政事业性收费\n\t21\n" (2 columns).
        reading.candidates = [[None if span is None else _cell(norm, key, span, "fewer_cells")
                               for key, (_, span) in zip(keys, items)] + [None] * (len(keys) - len(items))]
        reading.notes.append(f"{name}: {len(items)} cells printed for {len(keys)} columns; "
                             f"read as the first {len(items)}")
    return reading


def _split_glued(norm: str, reading: RowReading, spans: list[tuple[int, int]], rules: list[Equation]) -> None:
    tokens = [norm[s:e] for s, e in spans]
    keys = reading.keys
    decimal_ok = [field_spec(key).kind == "amount" for key in keys]
    totals = row_totals(keys, rules)
    splits = split_glued_digits(tokens, len(keys), decimal_ok, limit=2)
    how = "split"
    if totals and (len(splits.splits) != 1 or not splits.exhaustive):
        splits = split_glued_digits(tokens, len(keys), decimal_ok, totals)
        how = "split_by_row_rule"
    glued = "".join(tokens)
    digits = sum(char.isdigit() for char in glued)
    if digits < len(keys):
        reading.notes.append(f"{reading.name}: glued digits {glued!r} are fewer than its {len(keys)} cells "
                             f"(blank cells were dropped from the text); row left out")
    elif not splits.exhaustive or (not totals and len(splits.splits) > 1):
        reading.notes.append(f"{reading.name}: glued digits {glued!r} can be cut into {len(keys)} cells "
                             f"in several ways; row left out")
        reading.several_ways = True
        every = split_glued_digits(tokens, len(keys), decimal_ok)
        if every.exhaustive:  # kept for what else can tell them apart (``narrative.settle_by_narrative``)
            reading.candidates = [_cells_of_split(norm, keys, spans, tokens, parts, "split") for parts in every.splits]
    elif not splits.splits:
        reading.notes.append(f"{reading.name}: glued digits {glued!r} cannot be cut into {len(keys)} cells "
                             f"that fit the row's sum; row left out")
    else:
        reading.candidates = [_cells_of_split(norm, keys, spans, tokens, parts, how) for parts in splits.splits]
        if digits == len(keys):
            _consider_a_dropped_blank(norm, reading, spans, tokens, decimal_ok, totals)


def _consider_a_dropped_blank(norm: str, reading: RowReading, spans: list[tuple[int, int]], tokens: list[str],
                              decimal_ok: list[bool], totals: dict[int, list[int]]) -> None:
    """A run with one digit per cell may also be a row whose blank cell the scraper dropped:
    "1100002" is 1|1|0|0|0|0|2, or 11|0|0|0|0|·|2 with a blank.  A reading with a blank is kept as a
    candidate when it fits the row's sums (a blank counted as nothing), so the table's sums can
    settle between them; a row without a sum keeps the one-digit reading, with a warning.
    """
    keys = reading.keys
    alternatives = []
    for parts in split_glued_digits(tokens, len(keys) - 1, [any(decimal_ok)] * (len(keys) - 1)).splits:
        for blank in range(len(keys)):
            cells: list[str | None] = [*parts[:blank], None, *parts[blank:]]
            values = [0 if cell is None else int(_leading_number(cell)) for cell in cells]
            if (all("." not in (cell or "") or ok for cell, ok in zip(cells, decimal_ok))
                    and all(values[total] == sum(values[i] for i in parts_of) for total, parts_of in totals.items())):
                alternatives.append(cells)
    if not alternatives:
        return
    cells_with_blank = [_cells_of_split(norm, keys, spans, tokens, cells, "split") for cells in alternatives]
    if totals:
        reading.candidates += cells_with_blank
        return
    for cell in reading.candidates[0]:
        cell.confidence = CONFIDENCE["split_unchecked"]
    example = " | ".join(c.raw if c else "·" for c in cells_with_blank[0])
    reading.notes.append(f"{reading.name}: glued digits {''.join(tokens)!r} read one digit per cell; a dropped "
                         f"blank cell could also explain them ({example}) and no sum tells which")


def _cells_of_split(norm: str, keys: list[str], spans: list[tuple[int, int]], tokens: list[str],
                    parts: list[str | None], how: str) -> list[Cell | None]:
    """The cells of one way to cut the glued tokens; a None part is a blank cell the text dropped."""
    cells: list[Cell | None] = []
    part_index = 0
    for (start, _), token in zip(spans, tokens):
        offset = 0
        while offset < len(token):
            part = parts[part_index]
            if part is None:
                cells.append(None)
            else:
                cells.append(_cell(norm, keys[part_index], (start + offset, start + offset + len(part)), how))
                offset += len(part)
            part_index += 1
    cells.extend([None] * (len(keys) - len(cells)))  # blanks after the last printed cell
    return cells


def _leading_number(part: str) -> str:
    return re.match(r"[+-]?\d+", part).group()


def resolve_with_table_rules(readings: list[RowReading], rules: list[Equation]) -> None:
    """Narrow ambiguous rows with the equations that link rows (column balances, result sums).

    A value is known when its row is read unambiguously, or when an equation leaves it as the only
    unknown (even for a row whose printed digits fit no cut: it is then only used to narrow others,
    never reported).  An ambiguous row keeps the cuts that agree with such a value.
    """
    if all(len(r.candidates) <= 1 for r in readings):
        return
    by_key: dict[str, RowReading] = {key: r for r in readings for key in r.keys}
    derived: dict[str, float] = {}

    def known(key: str) -> float | None:
        if key in derived:
            return derived[key]
        reading = by_key.get(key)
        cells = reading.resolved if reading else None
        if cells is None:
            return None
        cell = cells[reading.keys.index(key)]
        return cell_value(cell) if cell is not None else None

    changed = True
    while changed:
        changed = False
        for eq in rules:
            unknown = [k for k in eq.keys if known(k) is None]
            if len(unknown) != 1:
                continue
            key = unknown[0]
            reading = by_key.get(key)
            if reading is not None and reading.resolved is not None:
                continue  # a printed blank: nothing to narrow
            other = sum(known(k) for k in eq.rhs if k != key) - sum(known(k) for k in eq.lhs if k != key)
            value = other if key in eq.lhs else -other
            if reading is None or not reading.candidates:
                derived[key] = value
                changed = True
                continue
            position = reading.keys.index(key)
            kept = [c for c in reading.candidates if c[position] is not None and cell_value(c[position]) == value]
            if kept and len(kept) < len(reading.candidates):
                reading.candidates = kept
                if len(kept) == 1:
                    for cell in kept[0]:
                        if cell is not None:
                            cell.confidence = CONFIDENCE["split_by_table_rules"]
                changed = True
    _choose_jointly([r for r in readings if len(r.candidates) > 1], rules, known)


# The most ways of reading several ambiguous rows together that are tried against the equations.
_MAX_JOINT_READINGS = 4096


def _choose_jointly(ambiguous: list[RowReading], rules: list[Equation], known) -> None:
    """Rows still ambiguous after one-at-a-time narrowing may share a column equation, so neither is
    settled alone: in pingtan-2021 （一）予以公开 '270020130' and 1.本机关不掌握 '220000325' each cut two ways
    that keep their row sums, and only one pair of cuts keeps every column balance.  Every combination of
    their cuts is tried; the one that keeps the most equations (minus those it breaks) is taken when it is
    the only best and breaks none.
    """
    ways = 1
    for reading in ambiguous:
        ways *= len(reading.candidates)
    if len(ambiguous) < 2 or ways > _MAX_JOINT_READINGS:
        return
    keys = {key for reading in ambiguous for key in reading.keys}
    involved = [eq for eq in rules if keys.intersection(eq.keys)]
    fixed = {key: known(key) for eq in involved for key in eq.keys if key not in keys}
    # Each equation's two sums, split by where their terms come from: the cells outside these rows, and
    # each way of reading each row.  The combinations are then walked depth first, adding one row's terms
    # at a time, so an equation is never summed again from scratch (there may be thousands of them).
    owner = {key: index for index, reading in enumerate(ambiguous) for key in reading.keys}
    totals = [_terms(eq, fixed) for eq in involved]
    terms = [[[_terms(eq, dict(zip(reading.keys, map(_value_or_none, cells)))) for cells in reading.candidates]
              for eq in involved] for reading in ambiguous]
    equations_of = [[index for index, eq in enumerate(involved) if any(owner.get(key) == row for key in eq.keys)]
                    for row in range(len(ambiguous))]
    scored = []
    chosen: list[int] = []

    def visit(row: int) -> None:
        if row == len(ambiguous):
            states = [0 if missing else 1 if balanced(lhs, rhs) else -1 for lhs, rhs, missing in totals]
            scored.append((sum(states), -1 in states,
                           tuple(reading.candidates[way] for reading, way in zip(ambiguous, chosen))))
            return
        for way in range(len(ambiguous[row].candidates)):
            before = [(index, totals[index]) for index in equations_of[row]]
            for index in equations_of[row]:
                (lhs, rhs, missing), (more_lhs, more_rhs, more_missing) = totals[index], terms[row][index][way]
                totals[index] = (lhs + more_lhs, rhs + more_rhs, missing or more_missing)
            chosen.append(way)
            visit(row + 1)
            chosen.pop()
            for index, total in before:
                totals[index] = total

    visit(0)
    best = max(score for score, _, _ in scored)
    winners = [(broken, combination) for score, broken, combination in scored if score == best]
    if len(winners) != 1 or winners[0][0]:
        return
    for reading, cells in zip(ambiguous, winners[0][1]):
        reading.candidates = [cells]
        for cell in cells:
            if cell is not None:
                cell.confidence = CONFIDENCE["split_by_table_rules"]


def _terms(eq: Equation, values: dict[str, float | None]) -> tuple[float, float, bool]:
    """The part of ``eq``'s two sums that the keys of ``values`` make, and whether one of them is null."""
    lhs = sum(values[key] or 0 for key in eq.lhs if key in values)
    rhs = sum(values[key] or 0 for key in eq.rhs if key in values)
    return lhs, rhs, any(values[key] is None for key in eq.keys if key in values)


def _value_or_none(cell: Cell | None) -> float | None:
    return None if cell is None else cell_value(cell)


def cell_value(cell: Cell) -> float | None:
    """The value of a cell the rule layer read (None when its text is no value)."""
    return printed_value(cell.raw, cell.key)


def _row_end(labels: list[Label], index: int, rows: tuple[str, ...], end: int) -> int:
    """Where the cells of the row labelled ``labels[index]`` end: at the next label that is not only a
    row group.  A group label can sit inside a wrapped row label, before the row's cells:

        1.申请人无正当理由逾期不补正
        （六）其他处理  、行政机关不再处理其政府信息   0     0     0
    """
    for label in labels[index + 1:]:
        if label.means("row", rows) or any(kind not in ("row", "row_group") for kind, _ in label.meanings):
            return label.start
    return end


class FoundRow(NamedTuple):
    """A row label of a table, the row it names, where its cells end, the cells after it and their spans
    (``_spans_of``)."""

    label: Label
    row: str
    end: int
    gap: GapCells
    spans: list[tuple[int, int]] | None


def _row_gaps(norm: str, masked: str, region: Region, rows: tuple[str, ...]) -> list[FoundRow]:
    """Every row label of a table with the cells after it, in text order.

    A label that is both a column and a row ("总计") is a row once a row label has been seen: the column
    header comes first.
    """
    found, seen_row = [], False
    for index, label in enumerate(region.labels):
        row = label.means("row", rows)
        if row is None or (label.means("column") and not seen_row):
            continue
        seen_row = True
        end = _row_end(region.labels, index, rows, region.end)
        gap = read_gap(norm, masked, label.start, end)
        found.append(FoundRow(label, row, end, gap, _spans_of(gap)))
    return found


def _spans_of(gap: GapCells) -> list[tuple[int, int]] | None:
    """The spans of a row's cells when each is one printed value or empty mark (no pipes, nothing glued)."""
    if gap.glued or any(slot.kind == "blank" or len(slot.spans) != 1 for slot in gap.slots):
        return None
    return [slot.spans[0] for slot in gap.slots]


def _table_layout(norm: str, found: list[FoundRow], widths: dict[str, int]) -> LineLayout | None:
    """The one-cell-a-line spacing of a table from its rows (``blanks.line_layout``), None for other layouts."""
    printed = []
    for position, row in enumerate(found):
        if row.spans and row.row in widths:
            following = found[position + 1].label.start if position + 1 < len(found) else None
            printed.append(PrintedRowSpans(row.label.end, row.spans, widths[row.row], following))
    return line_layout(norm, printed)


def _with_blanks(norm: str, gap: GapCells, spans: list[tuple[int, int]] | None, layout: LineLayout | None,
                 label_end: int, width: int, next_start: int | None, lead: int | None = None,
                 reference: list[tuple[int, int]] | None = None) -> GapCells | None:
    """The row's cells (``spans``: ``_spans_of(gap)``) with its blank cells put back where the spacing
    shows them (one cell a line), or where the columns of the ``reference`` row above do (aligned text);
    None if neither does."""
    if not spans or len(spans) >= width:
        return None
    columns = layout and place(layout, norm, PrintedRowSpans(label_end, spans, width, next_start), lead)
    if not columns and reference is not None:
        columns = place_by_columns(norm, spans, reference)
    if not columns:
        return None
    slots = [Slot("blank") for _ in range(width)]
    for column, slot in zip(columns, gap.slots):
        slots[column] = slot
    return GapCells(slots, False, gap.rest)


@dataclass
class TableReading:
    """The rows read of one table, and its one-cell-a-line spacing (None when it is printed otherwise)."""

    rows: list[RowReading]
    layout: LineLayout | None


def read_labelled_rows(norm: str, masked: str, region: Region, template: Template, rows: tuple[str, ...],
                       rules: list[Equation], layout: LineLayout | None = None) -> TableReading:
    """Rows of section 二 or 三: each row label in the region, then its cells up to the next label.

    ``masked`` is ``norm`` with the labels blanked out (``labels.mask_labels``): a row's cells may lie inside
    its wrapped label.  In text printed one cell per line, a row with blank cells is placed by the table's
    spacing (``layout``, from its own full rows when not given).
    """
    blocks = {row: block for block in template.block_of_section(region.section) for row in block.rows}
    for block in template.block_of_section(region.section):
        if block.collapsed_into:
            blocks[block.collapsed_into] = block
    labelled = {row for label in region.labels if (row := label.means("row", rows))}
    found = _row_gaps(norm, masked, region, rows)
    layout = layout or _table_layout(norm, found, {row: len(block.columns) for row, block in blocks.items()})
    readings = []
    full_rows: dict[int, list[tuple[int, int]]] = {}  # width -> the cells of the last full row on one line
    for position, (label, row, end, gap, spans) in enumerate(found):
        unlabelled = [r for r in _unlabelled_rows_after(row, rows, labelled) if blocks[r] is blocks[row]]
        width = len(blocks[row].columns)
        following = found[position + 1].label.start if position + 1 < len(found) else None
        if spans and len(spans) == width and on_one_line(norm, spans):
            full_rows[width] = spans
        placed = _with_blanks(norm, gap, spans, layout, label.end, width, following, reference=full_rows.get(width))
        # Two rows' cells under one label: the converter dropped the second row's label.
        chunks = [placed] if placed else _whole_rows(gap, width, 1 + len(unlabelled))
        reading = _read_template_row(norm, chunks[0], template, region.section, row, blocks[row], rules)
        reading.extent = (label.start, end)
        if placed:
            _lower_confidence(reading, "placed_by_spacing")
        readings.append(reading)
        # Rows the text prints after this one without a label the matcher knows: the template's next rows
        # that no label names, in their order, as long as the text holds another run of cells for each.
        for index, unlabelled_row in enumerate(unlabelled, 1):
            if index < len(chunks):
                gap = chunks[index]
            elif gap.rest is not None:
                gap = read_gap(norm, masked, gap.rest, end)
            else:
                break
            if not gap.slots:
                break
            reading = _read_template_row(norm, gap, template, region.section, unlabelled_row, blocks[row], rules)
            reading.extent = (label.start, end)
            _lower_confidence(reading, "by_row_order")
            reading.notes.append(f"{reading.name}: no label of this row was recognised; the cells after the "
                                 f"row before it read as this row, the next in the template")
            readings.append(reading)
    return TableReading(readings, layout)


def _lower_confidence(reading: RowReading, how: str) -> None:
    for cell in (c for candidate in reading.candidates for c in candidate if c is not None):
        cell.confidence = min(cell.confidence, CONFIDENCE[how])


def _whole_rows(gap: GapCells, width: int, most: int) -> list[GapCells]:
    """The gap's cells as whole rows of ``width`` when it printed two to ``most`` rows of them, else the gap."""
    slots = gap.slots
    while slots and slots[0].kind == "blank":  # the label's own pipe cells: "(三)不予公开 | 1.属于国家秘密 | 0 …"
        slots = slots[1:]
    count = len(slots)
    if most < 2 or count <= width or count % width or count // width > most or gap.glued \
            or any(len(slot.spans) != 1 for slot in slots):
        return [gap]
    return [GapCells(slots[i:i + width], False, gap.rest if i + width == count else None)
            for i in range(0, count, width)]


def _read_template_row(norm: str, gap: GapCells, template: Template, section: str, row: str, block,
                       rules: list[Equation]) -> RowReading:
    keys = [template.field_key(section, row, column) for column in block.columns]
    return read_row(norm, gap, f"{template.prefixes[section] or section}.{row}", keys, rules)


def _unlabelled_rows_after(row: str, rows: tuple[str, ...], labelled: set[str]) -> list[str]:
    """The rows that follow ``row`` in the template up to the next one a label in the text names."""
    following = rows[rows.index(row) + 1:]
    return list(takewhile(lambda r: r not in labelled, following))


def read_review_rows(norm: str, masked: str, region: Region, template: Template, rows: tuple[str, ...],
                     keys: list[str], name: str, rules: list[Equation],
                     layout: LineLayout | None = None) -> list[RowReading]:
    """Section 四, printed as the template prints it or as three labelled rows of five numbers:

        行政复议                 行政诉讼                                    (the template: one row
        结果维持 … 总计  未经复议直接起诉 … 复议后起诉 …                      of 15 numbers under a
        0 0 0 0 0  1 0 0 0 1  0 0 0 0 0                                       two-level header)

                        结果维持 结果纠正 其他结果 尚未审结 总计
        行政复议            0        0        0        0      0             (three rows)
        行政诉讼 未经复议直接起诉 1   0        0        0      1
                 复议后起诉  0        0        0        0      0

    The labelled reading is taken when some group label is followed by its cells and none by more
    cells than its five columns; otherwise the row of 15 after the header is read.  ``layout`` is the
    one-cell-a-line spacing of section 三, which places the blank cells of a row printed that way.
    """
    labelled = read_labelled_rows(norm, masked, region, template, rows, rules, layout).rows
    if any(r.printed for r in labelled) and all(r.printed <= len(r.keys) for r in labelled):
        return labelled
    row = read_unlabelled_row(norm, masked, region, keys, name, rules, layout)
    return [row] if row else []


def read_unlabelled_row(norm: str, masked: str, region: Region, keys: list[str], name: str,
                        rules: list[Equation], layout: LineLayout | None = None) -> RowReading | None:
    """Section 四: the first cells after the heading's column headers, one row for every key."""
    bounds = [region.start] + [label.start for label in region.labels]
    ends = [region.start] + [label.end for label in region.labels]
    for index, start in enumerate(bounds):
        end = region.labels[index].start if index < len(region.labels) else region.end
        gap = read_gap(norm, masked, start, end)
        if gap.slots:
            # The row follows its header as one row follows another: a row break before its first cell.
            placed = layout and _with_blanks(norm, gap, _spans_of(gap), layout, ends[index], len(keys), None,
                                             layout.row_break)
            reading = read_row(norm, placed or gap, name, keys, rules)
            reading.extent = (start, end)
            if placed:
                _lower_confidence(reading, "placed_by_spacing")
            return reading
    return None
