"""Scraped real reports (data/real-unlabelled): read what can be read, warn about the rest, never crash."""

import pytest

from nianbao.paths import DATA_DIR
from nianbao.text import normalise
from rules_fallback.checks import run_checks
from rules_fallback.mapping import cells_to_fields
from rules_fallback.meta import read_meta
from rules_fallback.parser import label_cells

REAL = DATA_DIR / "real-unlabelled"


def parse(stem):
    doc = normalise(stem, (REAL / f"{stem}.txt").read_text(encoding="utf-8"))
    labels = label_cells(doc)
    fields, warnings = cells_to_fields(doc, labels.variant, labels.cells)
    run_checks(labels.variant, fields)
    return labels, {key: field.value for key, field in fields.items()}, read_meta(doc)


@pytest.mark.parametrize("path", sorted(REAL.glob("*.txt")), ids=lambda p: p.stem)
def test_every_real_report_parses(path):
    labels, values, meta = parse(path.stem)
    assert meta["year"] == int(path.stem[-4:])
    assert labels.variant.template == ("2019" if int(path.stem[-4:]) < 2021 else "2021")


def test_report_whose_tables_were_images():
    labels, values, meta = parse("hebei-rst-2022")
    assert labels.warnings[0].startswith("no report tables were found")
    assert all(value is None for value in values.values())
    # Every section is settled as null, so the hybrid does not fill it with numbers of the prose.
    assert labels.tableless_keys() == set(values)
    assert meta["agency"] == "河北省人社厅"


def test_glued_2021_tables_are_read_where_the_cuts_are_unique():
    labels, values, _ = parse("hebei-gxt-2022")
    # 一、本年新收…121010014: three cuts fit its row total; the result rows settle it as 12|1|0|1|0|0|14.
    assert [values[f"requests.new.{c}"] for c in ("natural", "commercial", "research", "social", "legal",
                                                  "other_org", "total")] == [12, 1, 0, 1, 0, 0, 14]
    assert values["requests.unable_not_held.natural"] == 8
    assert values["active.licensing.decisions"] == 194 and values["active.fees.amount_wan"] == 650.6
    assert [values[f"review.{c}"] for c in ("upheld", "total")] == [1, 1]
    # 行政规范性文件5426: 5|4|26, 5|42|6 or 54|2|6, and no rule links these columns.
    assert values["active.normative.issued"] is None
    assert labels.warnings == ["active.normative: glued digits '5426' can be cut into 3 cells in several ways; "
                               "row left out"]


def test_a_printed_total_that_fits_no_cut_is_warned_about():
    labels, values, _ = parse("hebei-kjt-2022")
    assert values["requests.new.natural"] == 11 and values["requests.total.natural"] is None
    assert labels.warnings == ["requests.total: glued digits '20000011' cannot be cut into 7 cells that fit "
                               "the row's sum; row left out"]


def test_blank_cells_dropped_by_the_scraper_and_a_sentence_instead_of_a_table():
    labels, values, _ = parse("hebei-gxt-2019")
    assert values["requests.new.natural"] is None
    assert "requests.new: glued digits '22' are fewer than its 7 cells" in " ".join(labels.warnings)
    assert any("prints no table" in w and "未发生涉及政府信息公开的行政复议、行政诉讼案件" in w for w in labels.warnings)
    assert values["review.total"] is None
    assert labels.tableless == ["review"] and "suit_after_review.upheld" in labels.tableless_keys()
