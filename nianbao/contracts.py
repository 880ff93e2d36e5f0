"""The contracts between the rule layer, the model and the pipeline: what the rule layer tells a labeller of
a report's tables (``TableFacts``), and what a labeller is (``Labeller``).

Part of the core: it imports only the record and text types, so that the rule layer, which provides the
facts, and the model, which reads them, each depend on it and never on one another.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Protocol

from nianbao.records import Cell
from nianbao.text import Document


class PrintedRows(NamedTuple):
    """Where one or more table rows are printed (``norm[start:end]``) and their keys in printed order: one row
    under its label, or several when a converter dropped the labels of the rows after it.  ``columns``: the
    key the rule layer gave the cell starting at each offset, where it read the rows; a row with blank cells
    is placed by the table's spacing (``rules_fallback.blanks``), not in order."""

    rows: tuple[tuple[str, ...], ...]
    start: int
    end: int
    columns: dict[int, str]


class RowCut(NamedTuple):
    """One reading of a glued run as a whole printed row: the row's keys in printed order, and the run cut
    into one number per key (a cut that keeps the row's sums, where it has any)."""

    keys: tuple[str, ...]
    parts: list[str]


# ``readings_for(glued text, the model's keys for its cells)``: every ``RowCut`` of the run, for the printed
# rows sharing the most keys with the model's (``rules_fallback.readings.row_readings``).
ReadingsFor = Callable[[str, list[str]], list[RowCut]]
# ``balance(raw text by key, keys)``: how many of the table's equations involving ``keys`` the printed
# cells keep, minus those they break (``rules_fallback.readings.table_balance``).
Balance = Callable[[dict[str, str], set[str]], int]


@dataclass(frozen=True)
class TableFacts:
    """What the rule layer knows of a report's tables, for decoding a model's labels into cells.

    ``keys``: the fields of the report's template, the only keys a cell may take.  ``where``: for a key,
    the characters of ``doc.norm`` its table lies in (under its section's heading); a cell of that key
    lies there, never in the prose before or in another table.  ``readings_for`` and ``balance``: the
    cuts of a glued run that a printed row allows, and how well cells keep the table's equations.
    ``printed_rows``: every table row found, with its keys and where it is printed, what a model of the
    ``roles`` labels maps its cells onto (``model.placement``).  ``read``: the ``[start, end)`` character
    ranges a labeller need read, the tables of the sections the rules left to it (None: the whole text).
    Every fact is optional: without them the model's labels stand alone (and a ``roles`` model names no
    field).
    """

    keys: Iterable[str] | None = None
    where: Mapping[str, tuple[int, int]] | None = None
    readings_for: ReadingsFor | None = None
    balance: Balance | None = None
    printed_rows: Sequence[PrintedRows] | None = None
    read: Sequence[tuple[int, int]] | None = None


class Labeller(Protocol):
    """What the pipeline asks of a model: cells of a document, given the rule layer's facts, and which
    checkpoint it is (for its calibration, ``checkpoint``; and for the key a resumed batch keeps its
    records by, ``version``).  ``model.inference.Labeller`` is the shipped one."""

    checkpoint: Path | None
    version: str

    def label(self, doc: Document, facts: TableFacts) -> list[Cell]:
        ...
