"""The canonical schema, loaded from ``data/schema.json``.

Every part of nianbao derives keys, labels and rules from here, so the schema lives in one data file
and this module only gives it a typed, queryable shape.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from nianbao.paths import DATA_DIR

TEMPLATES = ("2019", "2021")


@dataclass(frozen=True)
class FieldSpec:
    """One canonical field: where it sits in the printed table and what kind of number it holds."""

    key: str  # e.g. "requests.denied_secret.natural" or "suit_direct.pending"
    section: str  # "active", "requests" or "review"
    row: str
    column: str
    kind: str  # "count" (integer) or "amount" (万元, decimal)


@dataclass(frozen=True)
class Block:
    """A group of rows sharing one column header, e.g. 第二十条第（五）项."""

    section: str
    label: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    collapsible_rows: tuple[str, ...] = ()
    collapsed_into: str | None = None


@dataclass(frozen=True)
class Template:
    """One template version ("2019" or "2021") with its blocks and ordered field list."""

    name: str
    blocks: tuple[Block, ...]
    prefixes: dict
    markers: tuple[str, ...]

    def field_key(self, section: str, row: str, column: str) -> str:
        prefix = self.prefixes[section]
        return f"{prefix}.{row}.{column}" if prefix else f"{row}.{column}"

    def fields(self, collapsed_other: bool = False) -> list[FieldSpec]:
        """All fields in printed order; ``collapsed_other`` gives the 2021 variant printing （六） as one row."""
        columns = load_schema()["columns"]
        specs = []
        for block in self.blocks:
            rows = list(block.rows)
            if collapsed_other and block.collapsible_rows:
                first = rows.index(block.collapsible_rows[0])
                rows = [r for r in rows if r not in block.collapsible_rows]
                rows.insert(first, block.collapsed_into)
            for row in rows:
                for column in block.columns:
                    specs.append(FieldSpec(self.field_key(block.section, row, column), block.section, row,
                                           column, columns[column]["kind"]))
        return specs

    def field_keys(self, collapsed_other: bool = False) -> list[str]:
        return [spec.key for spec in self.fields(collapsed_other)]

    def block_of_section(self, section: str) -> list[Block]:
        return [b for b in self.blocks if b.section == section]


@lru_cache(maxsize=1)
def load_schema() -> dict:
    """The raw schema document (cached: it is read once per process)."""
    with open(DATA_DIR / "schema.json", encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def empty_cell_marks() -> frozenset[str]:
    """The printed forms of an empty cell, NFKC-normalised like the text the parsers read."""
    return frozenset(unicodedata.normalize("NFKC", mark) for mark in load_schema()["empty_cell_marks"])


# The Arabic item number printed before a row label ("3.其他", "2、"), in normalised text (NFKC: "２．" is
# "2."): one digit, as a table has fewer than ten items.  The rule layer reads it as part of the label;
# model decoding never reads it as a cell.
ARABIC_ITEM_NUMBER = r"\d[、.]"
# One printed number: a sign, then digits (in groups of three after a thousands comma, or not), then
# decimals.  The rule layer reads cells with it and the value rules normalise what it matches.
PRINTED_NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"


@lru_cache(maxsize=1)
def units_pattern() -> str:
    """The units a cell may print after its number (``data/schema.json``), as a regex alternation, longest
    first so that 亿元 and 万元 are not read as 元."""
    return "|".join(map(re.escape, sorted(load_schema()["units"], key=len, reverse=True)))


@lru_cache(maxsize=None)
def get_template(name: str) -> Template:
    if name not in TEMPLATES:
        raise ValueError(f"unknown template {name!r}: expected one of {', '.join(TEMPLATES)}")
    raw = load_schema()["templates"][name]
    blocks, prefixes = [], {}
    for table in raw["tables"]:
        prefixes[table["section"]] = table["prefix"]
        for block in table["blocks"]:
            collapsible = block.get("collapsible", {})
            blocks.append(Block(table["section"], block["label"], tuple(block["rows"]), tuple(block["columns"]),
                                tuple(collapsible.get("rows", ())), collapsible.get("into")))
    return Template(name, tuple(blocks), prefixes, tuple(raw["markers"]))


@lru_cache(maxsize=None)
def field_spec(key: str) -> FieldSpec:
    """The spec of a field key of either template (keys shared by both have the same spec)."""
    for name in TEMPLATES:
        for collapsed in (False, True):
            for spec in get_template(name).fields(collapsed):
                if spec.key == key:
                    return spec
    raise KeyError(f"unknown field key {key!r}")


@lru_cache(maxsize=1)
def all_field_keys() -> tuple[str, ...]:
    """Every field key of both templates (and the collapsed （六） row), in a stable order: the model's label set."""
    keys: dict[str, None] = {}
    for name in TEMPLATES:
        for collapsed in (False, True):
            for key in get_template(name).field_keys(collapsed):
                keys.setdefault(key)
    return tuple(keys)
