"""The consistency rules (勾稽关系) of the tables, applied to a report's fields.

The rules are data in ``data/schema.json`` ("checks"): each says, for every column (or every row) of a
table, that the sum of some cells equals the sum of others.  ``equations`` spells them out as concrete
field keys for a template; ``run_checks`` evaluates them, and the glued-digit splitter uses the same
equations to choose between ways of cutting a run of digits.  A broken rule is flagged, never fixed:
reports were published with wrong sums.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from nianbao.records import Check, Field
from nianbao.schema import get_template, load_schema
from rules_fallback.template import section_rows


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
def equations(template: str, collapsed: bool) -> tuple[Equation, ...]:
    """Every rule of the schema applied to every row or column of ``template``, in schema order."""
    spec = get_template(template)
    found = []
    for rule in load_schema()["checks"]:
        for block in spec.block_of_section(rule["table"]):
            rows = list(section_rows(template, block.section, collapsed))
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


def _describe(keys: tuple[str, ...], fields: dict[str, Field]) -> str:
    return " + ".join(f"{key} ({fields[key].value})" for key in keys)


def run_checks(template: str, collapsed: bool, fields: dict[str, Field]) -> list[Check]:
    """One ``Check`` per rule application; ``ok`` is None where a cell is null (nothing to check)."""
    checks = []
    values = {key: field.value for key, field in fields.items()}
    for eq in equations(template, collapsed):
        sides = eq.sides(values)
        if sides is None:
            missing = [key for key in eq.keys if values.get(key) is None]
            checks.append(Check(eq.rule, eq.where, None, None, None, list(eq.keys),
                                f"not checked: {', '.join(missing)} null"))
            continue
        lhs, rhs = sides
        ok = balanced(lhs, rhs)
        message = "" if ok else (f"{eq.rule} broken at {eq.where}: {_describe(eq.lhs, fields)} = {lhs} "
                                 f"but {_describe(eq.rhs, fields)} = {rhs}")
        checks.append(Check(eq.rule, eq.where, ok, lhs, rhs, list(eq.keys), message))
    return checks
