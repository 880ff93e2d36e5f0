"""Printed cell text -> number, with the units and empty-cell marks of ``data/schema.json``.

Cells carry decoration the tables were never meant to hold ("25个", "56742.1644万元", "5,008.284",
"+1036"), and empty cells are printed as a dash, a slash or 无.  This module is the one place that turns
such text into the value of a field; the units and empty-cell marks it knows are data in
``data/schema.json``.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

from nianbao.schema import PRINTED_NUMBER, empty_cell_marks, load_schema, units_pattern

KINDS = ("count", "amount")

# U+2212 MINUS SIGN survives NFKC; reports typed in formula editors print it for negative changes.
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\ufe63": "-"})


@lru_cache(maxsize=1)
def _number_pattern() -> re.Pattern:
    return re.compile(rf"(?P<number>{PRINTED_NUMBER})\s*(?P<unit>{units_pattern()})?")


@lru_cache(maxsize=4096)  # tables repeat the same few cell texts ("0", "1") over and over
def normalise_value(raw: str, kind: str) -> int | float | None:
    """The value of a printed cell: an int for a count, a number in 万元 for an amount, None for an empty cell.

    >>> normalise_value("56742.1644万元", "amount"), normalise_value("+1036", "count"), normalise_value("－", "count")
    (56742.1644, 1036, None)
    """
    if kind not in KINDS:
        raise ValueError(f"unknown value kind {kind!r}: expected one of {', '.join(KINDS)}")
    text = unicodedata.normalize("NFKC", raw or "").translate(_MINUS_SIGNS).strip()
    if not text or text in empty_cell_marks():
        return None
    match = _number_pattern().fullmatch(text)
    if match is None:
        raise ValueError(f"cell text {raw!r} is not a number")
    number = Decimal(match["number"].replace(",", "").lstrip("+"))
    factor = load_schema()["units"].get(match["unit"]) if match["unit"] else None
    if kind == "count":
        if factor is not None:
            raise ValueError(f"cell text {raw!r} is an amount of money ({match['unit']}), not a count")
        if number != number.to_integral_value():
            raise ValueError(f"cell text {raw!r} is not a whole number, but the field is a count")
        return int(number)
    if factor is not None:
        number *= Decimal(str(factor))
    return int(number) if number == number.to_integral_value() else float(number)
