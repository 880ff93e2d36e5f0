"""Specification of synthetic report content: numbers obey the schema's consistency rules except in
the small share of reports that break them on purpose, and the template follows the year."""
from __future__ import annotations

import random

from nianbao.schema import get_template, load_schema
from training.content import random_report


def broken_rules(values: dict, template: str, collapsed: bool) -> list[str]:
    """The consistency rules of schema.json "checks" that ``values`` break (null cells skip a rule)."""
    schema = load_schema()
    specs = get_template(template).fields(collapsed)
    requests = [s for s in specs if s.section == "requests"]
    rows = list(dict.fromkeys(s.row for s in requests))
    columns = list(dict.fromkeys(s.column for s in requests))
    results = rows[rows.index(schema["result_rows"]["first"]):rows.index(schema["result_rows"]["last_before"])]
    broken = []

    def check(name, lhs, rhs):
        cells = lhs + rhs
        if all(values[k] is not None for k in cells) and sum(values[k] for k in lhs) != sum(values[k] for k in rhs):
            broken.append(name)

    for rule in schema["checks"]:
        if rule["table"] == "requests" and rule["per"] == "column":
            right = results if rule["rhs"] == "result_rows" else rule["rhs"]
            for column in columns:
                check(rule["name"], [f"requests.{r}.{column}" for r in rule["lhs"]],
                      [f"requests.{r}.{column}" for r in right])
        elif rule["table"] == "requests":
            for row in rows:
                check(rule["name"], [f"requests.{row}.{c}" for c in rule["lhs"]], [f"requests.{row}.{c}" for c in rule["rhs"]])
        else:
            for group in get_template(template).block_of_section("review")[0].rows:
                check(rule["name"], [f"{group}.{c}" for c in rule["lhs"]], [f"{group}.{c}" for c in rule["rhs"]])
    return broken


def test_numbers_add_up_unless_the_report_is_broken_on_purpose():
    reports = [random_report(random.Random(seed)) for seed in range(300)]
    for report in reports:
        if not report.broken:
            assert broken_rules(report.values, report.template, report.collapsed) == [], report.values
    share = sum(r.broken for r in reports) / len(reports)
    assert 0.01 < share < 0.12
    assert any(broken_rules(r.values, r.template, r.collapsed) for r in reports if r.broken)


def test_template_follows_the_year_with_a_share_keeping_the_old_layout():
    reports = [random_report(random.Random(seed)) for seed in range(300)]
    assert all(r.template == "2019" for r in reports if r.year <= 2020)
    late = [r for r in reports if r.year >= 2021]
    old = sum(r.template == "2019" for r in late)
    assert 0 < old < len(late) * 0.25
    assert any(r.collapsed for r in reports) and not any(r.collapsed for r in reports if r.template == "2019")


def test_a_report_without_a_review_table_has_null_review_fields():
    reports = [random_report(random.Random(seed), "2021") for seed in range(200)]
    without = [r for r in reports if not r.review_table]
    assert without
    for report in without:
        review = [k for k in report.values if k.split(".")[0] in ("review", "suit_direct", "suit_after_review")]
        assert len(review) == 15 and all(report.values[k] is None for k in review)
        assert any("行政复议、行政诉讼案件" in p for s in report.sections if s.key == "review" for p in s.paragraphs)


def test_small_bodies_print_mostly_zeros_and_large_ones_thousands():
    reports = [random_report(random.Random(seed)) for seed in range(200)]
    small = [v for r in reports if r.size == "small" for v in r.values.values() if v is not None]
    large = [v for r in reports if r.size == "large" for v in r.values.values() if v is not None]
    assert sum(v == 0 for v in small) / len(small) > 0.7
    assert max(large) >= 1000


def test_meta_names_the_agency_the_title_names():
    for seed in range(100):
        report = random_report(random.Random(seed))
        if report.title:
            assert report.title.startswith(report.agency) and str(report.year) in report.title


def test_a_body_that_leaves_zero_rows_blank_blanks_whole_rows_only():
    """hebei-edu-2019 prints nothing in a row of zeros and every zero of a row with a count in it."""
    from training.content import _blank_zero_rows

    specs = get_template("2021").fields(False)
    rows = {}
    for spec in specs:
        if spec.section == "requests":
            rows.setdefault(spec.row, []).append(spec.key)
    values = {spec.key: 0 for spec in specs}
    values["requests.new.natural"] = 3
    values["requests.new.total"] = 3
    blanked = 0
    for seed in range(10):
        result = dict(values)
        _blank_zero_rows(random.Random(seed), specs, result)
        assert [result[key] for key in rows["new"]] == [3, 0, 0, 0, 0, 0, 3]
        for keys in rows.values():
            assert len({result[key] is None for key in keys}) == 1  # a row is blank whole or not at all
        assert all(result[spec.key] == 0 for spec in specs if spec.section == "active")
        blanked += sum(result[key] is None for key in rows["granted"])
    assert blanked >= 7 * 5  # most zero rows go blank


def test_the_prose_states_the_normative_counts_its_table_prints():
    """"保留N件，废止M件" says the table's 2021 normative counts where the table prints them."""
    import re

    checked = 0
    for seed in range(300):
        content = random_report(random.Random(seed), "2021")
        for paragraph in (p for section in content.sections for p in section.paragraphs):
            for kept, repealed in re.findall(r"保留(\d+)件，废止(\d+)件", paragraph):
                for key, said in (("active.normative.in_force", kept), ("active.normative.repealed", repealed)):
                    if content.values[key] is not None:
                        assert int(said) == content.values[key]
                        checked += 1
    assert checked >= 20
