"""What the rule layer tells the model of a report's tables beyond where they lie: the cuts of a glued run
that make a whole printed row (``row_readings``) and how well printed cells keep the table's equations
(``table_balance``), wired into the facts a labeller is given (``table_facts``).

The table reader (``rules_fallback.tables``) reads rows on its own; these are the questions a model's
reading of a table is checked against, asked of the rule layer because it knows the schema.
"""
from __future__ import annotations

import re
from functools import lru_cache, partial
from typing import NamedTuple

from nianbao.contracts import PrintedRows, RowCut, TableFacts
from nianbao.schema import field_spec
from nianbao.variants import Equation, Variant
from rules_fallback.glued import split_glued_digits
from rules_fallback.values import normalise_value


def table_facts(variant: Variant, where, rows: list[PrintedRows]) -> TableFacts:
    """The facts of one report's tables for a labeller: its variant's keys, ``where`` each key's table
    lies, the ``rows`` found printed, and the row cuts and table balance of its variant."""
    return TableFacts(keys=variant.keys, where=where, printed_rows=rows,
                      readings_for=partial(row_readings, rows=row_specs(variant)),
                      balance=partial(table_balance, variant=variant))


def row_totals(keys: list[str], rules: list[Equation]) -> dict[int, list[int]]:
    """Equations inside one row ("total = sum of the six applicant columns") as cell positions."""
    index = {key: i for i, key in enumerate(keys)}
    return {index[eq.lhs[0]]: [index[k] for k in eq.rhs] for eq in rules
            if len(eq.lhs) == 1 and all(k in index for k in eq.keys)}


# Glued cells up to a unit or the next sign: a run of digits may hold several cells, a unit ends one.
_GLUED_CELLS = re.compile(r"[+-]?\d[\d.,]*[^\d+-]*")


class PrintedRow(NamedTuple):
    """A printed row: its keys in printed order, its sum rule as cell positions (none for the rows of
    section 二), which cells may hold a decimal."""

    keys: tuple[str, ...]
    totals: dict[int, list[int]]
    decimal_ok: list[bool]


@lru_cache(maxsize=None)
def row_specs(variant: Variant) -> tuple[PrintedRow, ...]:
    """The printed rows of ``variant`` (``Variant.rows``) with their sum rules."""
    rules = list(variant.equations)
    return tuple(PrintedRow(keys, row_totals(list(keys), rules), [field_spec(key).kind == "amount" for key in keys])
                 for keys in variant.rows)


def row_readings(glued: str, model_keys: list[str], rows: tuple[PrintedRow, ...]) -> list[RowCut]:
    """Every reading of a glued run as a whole printed row that keeps the row's sums, if it has any, for the
    rows of ``rows`` (``row_specs``) that share the most keys with ``model_keys``.

    The model proposes cells for a glued run and which field each is; this is the rule layer's part of
    choosing where to cut it (``model.decoding.recut_glued_runs``): which rows can be meant, how many
    cells they have, and which cuts add up.
    """
    tokens = _GLUED_CELLS.findall(glued)  # a unit ends a cell: "1583632项611项216项"
    if "".join(tokens) != glued:
        return []
    shared = [len(set(model_keys).intersection(row.keys)) for row in rows]
    readings = []
    for row, count in zip(rows, shared):
        if count and count == max(shared):
            splits = split_glued_digits(tokens, len(row.keys), row.decimal_ok, row.totals).splits
            readings += [RowCut(row.keys, parts) for parts in splits]
    return readings


def table_balance(raw_by_key: dict[str, str], keys: set[str], variant: Variant) -> int:
    """How well printed cells (raw text by field key) keep the table's equations that involve any of
    ``keys``: those that hold minus those broken; one with a cell missing or unreadable counts neither way.

    All the cuts ``row_readings`` gives a glued row keep the row's own sums; the column equations (new
    + carried over = results + carried forward, results add up to 总计) tell them apart.
    """
    involved = {eq for key in keys for eq in _equations_of(variant).get(key, ())}
    values = {key: printed_value(raw_by_key[key], key) for eq in involved for key in eq.keys if key in raw_by_key}
    return sum(eq.state(values) for eq in involved)


@lru_cache(maxsize=65536)
def printed_value(raw: str, key: str) -> int | float | None:
    """A cell's value, None when it cannot be read as one (cached: ``table_balance`` asks again and again)."""
    try:
        return normalise_value(raw, field_spec(key).kind)
    except ValueError:
        return None


@lru_cache(maxsize=None)
def _equations_of(variant: Variant) -> dict[str, tuple[Equation, ...]]:
    """The equations of ``variant`` each key appears in."""
    found: dict[str, list[Equation]] = {}
    for eq in variant.equations:
        for key in eq.keys:
            found.setdefault(key, []).append(eq)
    return {key: tuple(eqs) for key, eqs in found.items()}
