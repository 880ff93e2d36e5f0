"""A template variant: the tables a report prints, as one value that every stage shares.

A report prints the "2019" or the "2021" template, and a "2021" report may print （六）其他处理 as one row
instead of its three sub-rows (``collapsed``): its fields are then ``requests.other.*``.  ``Variant``
carries what follows from that pair: the field keys in printed order, the rows of each section, every
printed row's keys, and the template's arithmetic (勾稽关系) spelled out as ``Equation``s, each knowing
whether it sums one row or one column.  All of it comes from ``data/schema.json`` and is worked out once
per variant.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from nianbao.schema import TEMPLATES, FieldSpec, Template, get_template, load_schema


@dataclass(frozen=True)
class Variant:
    """One printed form of a template (``template``: "2019" or "2021"; ``collapsed``: （六） as one row)."""

    template: str
    collapsed: bool = False

    @property
    def spec(self) -> Template:
        return get_template(self.template)

    @property
    def fields(self) -> list[FieldSpec]:
        return self.spec.fields(self.collapsed)

    @property
    def keys(self) -> tuple[str, ...]:
        """Every field key in printed order."""
        return _keys(self)

    def section_rows(self, section: str) -> tuple[str, ...]:
        """The rows of one table section in printed order."""
        return _section_rows(self, section)

    def section_keys(self, section: str) -> tuple[str, ...]:
        """The field keys of one table section in printed order."""
        return _section_keys(self, section)

    @property
    def rows(self) -> tuple[tuple[str, ...], ...]:
        """The field keys of every printed table row, in printed order: each row of each block, and section
        四 also as the template prints it, one row of 15 numbers."""
        return _rows(self)

    @property
    def equations(self) -> tuple[Equation, ...]:
        """Every rule of the schema applied to every row or column of the variant's tables, in schema order."""
        return _equations(self)


def variant_of_fields(keys) -> Variant:
    """The variant whose field set is ``keys`` exactly: how a gold file names its variant (ValueError: none)."""
    wanted = set(keys)
    for name in TEMPLATES:
        for collapsed in (False, True):
            if set(Variant(name, collapsed).keys) == wanted:
                return Variant(name, collapsed)
    raise ValueError("field keys match neither template")


@lru_cache(maxsize=None)
def _keys(variant: Variant) -> tuple[str, ...]:
    return tuple(variant.spec.field_keys(variant.collapsed))


@lru_cache(maxsize=None)
def _section_rows(variant: Variant, section: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(spec.row for spec in variant.fields if spec.section == section))


@lru_cache(maxsize=None)
def _section_keys(variant: Variant, section: str) -> tuple[str, ...]:
    return tuple(spec.key for spec in variant.fields if spec.section == section)


@lru_cache(maxsize=None)
def _rows(variant: Variant) -> tuple[tuple[str, ...], ...]:
    spec = variant.spec
    rows = []
    for block in spec.blocks:
        for row in variant.section_rows(block.section):
            if row in block.rows or row == block.collapsed_into:
                rows.append(tuple(spec.field_key(block.section, row, column) for column in block.columns))
    return (*rows, variant.section_keys("review"))


@dataclass(frozen=True)
class Equation:
    """sum(lhs) == sum(rhs), one application of a rule to one row or column."""

    rule: str
    where: str  # the row or column it applies to, e.g. "requests.total" or "natural"
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    per: str = "column"  # "row": its cells are one row's (a row total); "column": one column's, down rows

    @property
    def keys(self) -> tuple[str, ...]:
        return self.lhs + self.rhs

    def sides(self, values: Mapping[str, float | None]) -> tuple[float, float] | None:
        """(sum of lhs, sum of rhs) of ``values`` by key; None when a cell is missing or null."""
        lhs = rhs = 0
        for key in self.lhs:  # a plain loop: the glued-row search asks this hundreds of thousands of times
            term = values.get(key)
            if term is None:
                return None
            lhs += term
        for key in self.rhs:
            term = values.get(key)
            if term is None:
                return None
            rhs += term
        return lhs, rhs

    def holds(self, values: Mapping[str, float | None]) -> bool | None:
        """Whether the equation holds for ``values``; None when a cell is missing or null (cannot tell)."""
        sides = self.sides(values)
        return None if sides is None else balanced(*sides)

    def state(self, values: Mapping[str, float | None]) -> int:
        """+1 the equation holds for ``values``, -1 it is broken, 0 a cell is missing or null."""
        return {True: 1, False: -1, None: 0}[self.holds(values)]


def balanced(lhs: float, rhs: float) -> bool:
    """Whether two sums are equal, up to the rounding of decimal amounts."""
    return abs(lhs - rhs) < 1e-6


def _rows_of(names, rows: list[str]) -> list[str]:
    """The rows a rule names; "result_rows" is granted … the row before total (（六） in either form)."""
    if names != "result_rows":
        return list(names)
    span = load_schema()["result_rows"]
    return rows[rows.index(span["first"]):rows.index(span["last_before"])]


@lru_cache(maxsize=None)
def _equations(variant: Variant) -> tuple[Equation, ...]:
    spec = variant.spec
    found = []
    for rule in load_schema()["checks"]:
        for block in spec.block_of_section(rule["table"]):
            rows = list(variant.section_rows(block.section))
            table, prefix = rule["table"], spec.prefixes[rule["table"]]
            if rule["per"] == "column":
                for column in block.columns:
                    found.append(Equation(rule["name"], column,
                                          tuple(spec.field_key(table, r, column) for r in _rows_of(rule["lhs"], rows)),
                                          tuple(spec.field_key(table, r, column) for r in _rows_of(rule["rhs"], rows)),
                                          "column"))
            else:
                for row in rows:
                    found.append(Equation(rule["name"], f"{prefix}.{row}" if prefix else row,
                                          tuple(spec.field_key(table, row, c) for c in rule["lhs"]),
                                          tuple(spec.field_key(table, row, c) for c in rule["rhs"]), "row"))
    return tuple(found)
