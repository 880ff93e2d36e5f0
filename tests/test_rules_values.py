"""Printed cell text -> value (``rules_fallback.values``)."""
import pytest

from rules_fallback.values import normalise_value


@pytest.mark.parametrize("raw, kind, value", [
    ("25个", "count", 25),
    ("56742.1644万元", "amount", 56742.1644),
    ("5,008.284", "amount", 5008.284),
    ("+1036", "count", 1036),
    ("-3", "count", -3),
    ("－3", "count", -3),
    ("１２３", "count", 123),           # full-width digits
    (" 30\xa0", "count", 30),
    ("12345元", "amount", 1.2345),      # 元 -> 万元
    ("1.5亿元", "amount", 15000),       # 亿元 -> 万元
    ("0", "amount", 0),
    ("－", "count", None), ("-", "count", None), ("—", "count", None), ("/", "amount", None),
    ("无", "count", None), ("", "count", None), ("   ", "amount", None),
])
def test_printed_cells(raw, kind, value):
    assert normalise_value(raw, kind) == value


def test_counts_are_integers_and_amounts_keep_decimals():
    assert type(normalise_value("7", "count")) is int
    assert type(normalise_value("4166.18", "amount")) is float


@pytest.mark.parametrize("raw, kind, message", [
    ("abc", "count", "not a number"),
    ("3.5", "count", "not a whole number"),
    ("5万元", "count", "amount of money"),
    ("1 2", "count", "not a number"),
])
def test_text_that_is_not_a_value_is_refused_clearly(raw, kind, message):
    with pytest.raises(ValueError, match=message):
        normalise_value(raw, kind)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown value kind 'money'"):
        normalise_value("1", "money")
