"""The consistency rules (勾稽关系) of the tables, applied to a report's fields.

The rules are data in ``data/schema.json`` ("checks"): each says, for every column (or every row) of a
table, that the sum of some cells equals the sum of others.  ``Variant.equations`` spells them out as
concrete field keys for a template (``nianbao.variants``); ``run_checks`` evaluates them, and the
glued-digit splitter uses the same equations to choose between ways of cutting a run of digits.  A
broken rule is flagged, never fixed: reports were published with wrong sums.
"""
from __future__ import annotations

from nianbao.records import Check, Field
from nianbao.variants import Variant, balanced


def _describe(keys: tuple[str, ...], fields: dict[str, Field]) -> str:
    return " + ".join(f"{key} ({fields[key].value})" for key in keys)


def run_checks(variant: Variant, fields: dict[str, Field]) -> list[Check]:
    """One ``Check`` per rule application; ``ok`` is None where a cell is null (nothing to check)."""
    checks = []
    values = {key: field.value for key, field in fields.items()}
    for eq in variant.equations:
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
