"""The consistency rules flag exactly the rows and columns a wrong printed number breaks."""
from nianbao.variants import Variant
from nianbao.paths import SEEDS_DIR
from nianbao.records import Field
from nianbao.text import normalise
from rules_fallback.checks import run_checks
from rules_fallback.mapping import cells_to_fields
from rules_fallback.parser import label_cells
from rules_fallback.readings import table_balance

SEED = SEEDS_DIR / "001_321816853e0a54d9.txt"


def checks_of(text):
    doc = normalise("seed", text)
    labels = label_cells(doc)
    fields, _ = cells_to_fields(doc, labels.variant, labels.cells)
    return fields, run_checks(labels.variant, fields)


def test_seed_as_printed_passes_every_check():
    fields, checks = checks_of(SEED.read_text(encoding="utf-8"))
    assert len(checks) == 40 and all(check.ok for check in checks)


def test_one_altered_number_breaks_only_the_checks_that_involve_it():
    text = SEED.read_text(encoding="utf-8")
    printed = "（一）予以公开\n\t31\n"
    assert text.count(printed) == 1
    fields, checks = checks_of(text.replace(printed, "（一）予以公开\n\t32\n"))
    assert fields["requests.granted.natural"].value == 32
    broken = {(check.rule, check.where) for check in checks if check.ok is False}
    assert broken == {("requests_results_sum", "natural"), ("requests_applicants_sum", "requests.granted")}
    results = next(c for c in checks if (c.rule, c.where) == ("requests_results_sum", "natural"))
    assert (results.lhs, results.rhs) == (54, 55)
    assert "requests.total.natural (54)" in results.message and "requests.granted.natural (32)" in results.message


def test_review_group_total():
    text = SEED.read_text(encoding="utf-8")
    fields, checks = checks_of(text)
    fields["suit_direct.total"] = Field(value=3)
    broken = [c for c in run_checks(Variant("2019", False), fields) if c.ok is False]
    assert [(c.rule, c.where, c.lhs, c.rhs) for c in broken] == [("review_group_sum", "suit_direct", 3, 0)]


def test_a_null_cell_makes_its_checks_uncheckable_not_broken():
    fields, _ = checks_of(SEED.read_text(encoding="utf-8"))
    fields["requests.carry_forward.legal"] = Field(value=None)
    checks = run_checks(Variant("2019", False), fields)
    unchecked = {(c.rule, c.where) for c in checks if c.ok is None}
    assert unchecked == {("requests_balance", "legal"), ("requests_applicants_sum", "requests.carry_forward")}
    assert not [c for c in checks if c.ok is False]


def test_table_balance_counts_the_equations_through_some_cells_that_hold_and_that_break():
    fields, _ = checks_of(SEED.read_text(encoding="utf-8"))
    raw = {key: str(field.value) for key, field in fields.items() if field.value is not None}
    # requests.granted.natural is in its row's sum and its column's results sum: both hold as printed.
    assert table_balance(raw, {"requests.granted.natural"}, Variant("2019", False)) == 2
    assert table_balance(raw | {"requests.granted.natural": "32"}, {"requests.granted.natural"}, Variant("2019", False)) == -2
    # Printed 32件 or unreadable: the unit is read, the unreadable cell counts neither way.
    assert table_balance(raw | {"requests.granted.natural": "31件"}, {"requests.granted.natural"}, Variant("2019", False)) == 2
    assert table_balance(raw | {"requests.granted.natural": "abc"}, {"requests.granted.natural"}, Variant("2019", False)) == 0
