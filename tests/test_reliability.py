"""The reliability table: within each confidence band, how many fields and how often right."""
import pytest

from evaluate.reliability import at_least, reliability_table, render_reliability

CONFIDENCES = [0.2, 0.6, 0.95, 0.99, 1.0, 0.995]
CORRECT = [False, True, True, True, True, False]


def test_each_field_falls_in_one_band_and_the_last_band_holds_1():
    rows = {row["band"]: row for row in reliability_table(CONFIDENCES, CORRECT)}
    assert [row["fields"] for row in rows.values()] == [1, 1, 0, 1, 3]
    assert rows["[0.00, 0.50)"]["accuracy"] == 0.0 and rows["[0.50, 0.90)"]["accuracy"] == 1.0
    assert rows["[0.90, 0.95)"]["accuracy"] is None and rows["[0.90, 0.95)"]["mean_confidence"] is None
    assert rows["[0.95, 0.99)"]["mean_confidence"] == 0.95
    assert rows["[0.99, 1.00]"]["accuracy"] == pytest.approx(2 / 3)
    assert rows["[0.99, 1.00]"]["mean_confidence"] == pytest.approx((0.99 + 1.0 + 0.995) / 3)


def test_at_least_counts_the_fields_from_a_threshold_up():
    assert at_least(CONFIDENCES, CORRECT, 0.99) == (3, pytest.approx(2 / 3))
    assert at_least(CONFIDENCES, CORRECT, 0.95) == (4, 0.75)
    assert at_least(CONFIDENCES, CORRECT, 1.01) == (0, None)


def test_the_rendered_table_names_the_system_and_its_bands():
    lines = render_reliability("hybrid", CONFIDENCES, CORRECT).splitlines()
    assert lines[0] == "hybrid: 6 fields, 66.67% right"
    assert lines[2].split() == ["[0.00,", "0.50)", "1", "0.00%", "0.200"]
    assert lines[4].split() == ["[0.90,", "0.95)", "0", "-", "-"]
    assert lines[-1] == "  confidence ≥ 0.99: 3 fields, 66.67% right"
