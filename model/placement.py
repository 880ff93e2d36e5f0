"""Cells the model found without naming their fields (the ``roles`` labels) -> keyed cells, by the printed rows.

The rule layer knows the schema and where each table row is printed (``TableFacts.printed_rows``: a row
label and the text up to the next one, with the row's keys in printed order).  The model knows where the
cells are.  Each row takes the model's cells printed in it, in order:

- as many cells as the row has columns: one per column, unless they are one glued run that does not keep the
  row's sums;
- a glued run (``申请数量21710000218``, the model's cells touching, no separator between them) that does not
  make the row as the model cut it: the cuts of the run that make a whole printed row and keep its sums
  (``TableFacts.readings_for``) are scored by the model (log P(begin) where a cell starts, log P(inside)
  where it goes on) and the best is taken; where the row's sums allow several, the table's equations
  choose among them (``TableFacts.balance``), 2 nats per equation held or broken, as in ``model.decoding``;
- fewer cells than columns, not glued: the columns the rule layer put the same cells in where it read the row
  (``columns``: a row with blank cells is placed by the table's spacing), else the first columns, as the
  rule layer reads a row it cannot place;
- more cells than columns: none (the row is not read).

A cell never runs past its row's text: the tokens of a span that reach into the next row's label are not
part of it.  A glued run is read on over the digits touching its end that the model left out, up to the row's
end, so a last cell the model missed is among the cuts offered.

Rows printed under one label (their labels dropped by a converter) share a stretch of text: its cells go
to them in order when they number exactly their columns.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from model.decoding import EQUATION_WEIGHT, ValueSpan
from nianbao.contracts import Balance, PrintedRows, ReadingsFor

_EPSILON = 1e-9


class Placed(NamedTuple):
    span: ValueSpan
    key: str
    confidence: float


def place_cells(spans: list[ValueSpan], begin: np.ndarray, inside: np.ndarray, offsets: list[tuple[int, int]],
                text: str, printed_rows: Sequence[PrintedRows], readings_for: ReadingsFor | None = None,
                balance: Balance | None = None) -> list[Placed]:
    """Keyed cells for the model's value ``spans`` (token ranges, ``model.decoding.cell_spans``) by the rows
    the rule layer found (``printed_rows``: items with ``rows``, the keys of each row, and ``start``/``end`` in
    ``text``, as ``nianbao.contracts.PrintedRows``); cells outside every row are left out."""
    log_begin, log_inside = np.log(begin + _EPSILON), np.log(inside + _EPSILON)
    def _start(span: ValueSpan) -> int:
        return offsets[span.first][0]

    starts = list(map(_start, spans))
    placed: list[Placed] = []
    open_rows: list[tuple[list[Placed], list[tuple[float, list[Placed]]]]] = []  # (chosen, scored readings)
    for printed in printed_rows:
        mine = [_within(span, printed.end, offsets) for span, start in zip(spans, starts)
                if printed.start <= start < printed.end]
        keys = [key for row in printed.rows for key in row]
        if not mine:
            continue
        in_order = [Placed(span, key, span.value_probability) for span, key in zip(mine, keys)]
        scored = _scored_readings(mine, _widened(mine, offsets, text, printed.end), keys, log_begin, log_inside,
                                  offsets, text, readings_for) \
            if readings_for is not None and len(printed.rows) == 1 and _glued(mine, offsets) else []
        cuts = [[(cell.span.first, cell.span.last) for cell in cells] for _, cells in scored]
        if scored and (len(mine) != len(keys) or [(s.first, s.last) for s in mine] not in cuts):
            chosen = list(scored[0][1])
            placed += chosen
            if len(scored) > 1:
                open_rows.append((chosen, scored))
        elif len(mine) < len(keys) and all(start in printed.columns for start in map(_start, mine)):
            placed += [Placed(span, printed.columns[_start(span)], span.value_probability) for span in mine]
        elif len(mine) == len(keys) or (len(mine) < len(keys) and len(printed.rows) == 1):
            placed += in_order
    if balance is not None:
        _balance(placed, open_rows, text, offsets, balance)
    return placed


def _within(span: ValueSpan, end: int, offsets: list[tuple[int, int]]) -> ValueSpan:
    """The span without its tokens past ``end``, where the next row's label starts: a glued run can take in the
    item number of the next label (``…申请 1000001`` then ``2.申请人…`` read as ``10000012``), and no cell
    runs on into another row."""
    last = span.last
    while last > span.first + 1 and offsets[last - 1][1] > end:
        last -= 1
    return span if last == span.last else ValueSpan(span.first, last, span.value_probability)


def _glued(spans: list[ValueSpan], offsets: list[tuple[int, int]]) -> bool:
    """Whether the spans are one run of touching text (one span alone counts: it may hold a whole row)."""
    return all(offsets[a.last - 1][1] == offsets[b.first][0] for a, b in zip(spans, spans[1:]))


def _widened(mine: list[ValueSpan], offsets: list[tuple[int, int]], text: str, row_end: int) -> int:
    """The end (token index) of a glued run taken on over the digits touching it that the model left out, up to
    the row's end (``…申请 200000`` + ``2`` of ``2000002``, the last cell missed)."""
    end = mine[-1].last
    while (end < len(offsets) and offsets[end][0] == offsets[end - 1][1] and offsets[end][1] <= row_end
           and text[offsets[end][0]:offsets[end][1]].isdigit()):
        end += 1
    return end


def _scored_readings(mine: list[ValueSpan], end: int, keys: list[str], log_begin: np.ndarray, log_inside: np.ndarray,
                     offsets: list[tuple[int, int]], text: str, readings_for: ReadingsFor) -> list[tuple[float, list[Placed]]]:
    """The readings of the row's glued run (its cells, then up to token ``end``) as the row itself, best first:
    (score, cells)."""
    first = mine[0].first
    run_start = offsets[first][0]
    token_at = {offsets[index][0] - run_start: index for index in range(first, end)}
    scored = []
    for row_keys, parts in readings_for(text[run_start:offsets[end - 1][1]], keys):
        if list(row_keys) != keys:
            continue
        positions = np.cumsum([0, *map(len, parts)])[:-1]
        if not all(int(p) in token_at for p in positions):
            continue  # a cut inside a token
        cuts = [token_at[int(p)] for p in positions]
        tokens = np.arange(first + 1, end)
        score = float(np.where(np.isin(tokens, cuts), log_begin[tokens], log_inside[tokens]).sum())
        cells = []
        for a, b, key in zip(cuts, [*cuts[1:], end], keys):
            probability = float(np.exp(min(log_begin[a], *(log_inside[a + 1:b] if b > a + 1 else [0.0]))))
            cells.append(Placed(ValueSpan(a, b, min(probability, 1.0)), key, 1.0))
        scored.append((score, cells))
    scored.sort(key=lambda item: -item[0])
    return scored


def _balance(placed: list[Placed], open_rows: list, text: str, offsets: list[tuple[int, int]], balance: Balance) -> None:
    """Where a glued row's sums allow several cuts, take the one whose cells best keep the table's equations."""
    def raw(cell: Placed) -> str:
        return text[offsets[cell.span.first][0]:offsets[cell.span.last - 1][1]]

    for chosen, scored in open_rows:
        others = {cell.key: raw(cell) for cell in placed if cell not in chosen}
        keys = {cell.key for cell in chosen}
        best = max(scored, key=lambda item: item[0] + EQUATION_WEIGHT * balance(
            {**others, **{cell.key: raw(cell) for cell in item[1]}}, keys))
        if best[1] != chosen:
            placed[:] = [cell for cell in placed if cell not in chosen] + best[1]
            chosen[:] = best[1]
