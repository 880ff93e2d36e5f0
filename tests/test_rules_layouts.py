"""Hand-written reports in layouts the seeds do not have, parsed completely.

``markdown-2021.md``: a 2021-template report as markdown tables (separator rows, two label columns,
units in cells "3件" "36.5万元", "1,204", dashes "－"/"—", one blank cell).
``aligned-2021-collapsed.txt``: whitespace-aligned columns, （六）其他处理 printed as one row, sections
shifted to 三/四/五 by an extra section, labels broken by line breaks, an amount in 元.
``pdf-layout-2021.txt``: ``pdftotext -layout`` columns; row labels wrapped over two to five lines with
the row's cells on one of them, group labels （三）不予公开 / （六）其他处理 beside them, a page break
("- 2 -", a form feed, the title as running header) between two rows of section 三.
"""
from pathlib import Path

from nianbao.variants import Variant
from nianbao.text import normalise
from rules_fallback.checks import run_checks
from rules_fallback.mapping import cells_to_fields
from rules_fallback.meta import read_meta
from rules_fallback.parser import label_cells

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
ZERO_ROW = dict.fromkeys(["natural", "commercial", "research", "social", "legal", "other_org", "total"], 0)


def parse(name):
    doc = normalise(name, (FIXTURES / name).read_text(encoding="utf-8"))
    labels = label_cells(doc)
    fields, warnings = cells_to_fields(doc, labels.variant, labels.cells)
    return doc, labels, fields, labels.warnings + warnings


def requests_row(fields, row):
    return {column: fields[f"requests.{row}.{column}"].value for column in ZERO_ROW}


def test_markdown_2021_report():
    doc, labels, fields, warnings = parse("markdown-2021.md")
    assert (labels.variant, warnings) == (Variant("2021", False), [])
    assert read_meta(doc) == {"year": 2022, "agency": "东湖市生态环境局",
                              "title": "东湖市生态环境局2022年政府信息公开工作年度报告"}
    values = {key: field.value for key, field in fields.items()}
    assert {k: v for k, v in values.items() if k.startswith("active.")} == {
        "active.rules.issued": 0, "active.rules.repealed": 0, "active.rules.in_force": 0,
        "active.normative.issued": 3, "active.normative.repealed": 1, "active.normative.in_force": 12,
        "active.licensing.decisions": 1204, "active.penalty.decisions": 87,
        "active.coercion.decisions": None, "active.fees.amount_wan": 36.5}
    assert fields["active.coercion.decisions"].raw == "－"
    assert requests_row(fields, "new") == {**ZERO_ROW, "natural": 217, "commercial": 1, "total": 218}
    assert requests_row(fields, "granted") == {**ZERO_ROW, "natural": 120, "commercial": 1, "total": 121}
    assert requests_row(fields, "denied_law") == {**ZERO_ROW, "commercial": None}  # a blank pipe cell
    assert requests_row(fields, "rejected_publication") == {**ZERO_ROW, "research": None}  # printed "—"
    assert requests_row(fields, "other_no_correction") == {**ZERO_ROW, "natural": 4, "total": 4}
    assert requests_row(fields, "other_misc") == {**ZERO_ROW, "natural": 2, "total": 2}
    assert requests_row(fields, "total") == {**ZERO_ROW, "natural": 211, "commercial": 1, "total": 212}
    assert requests_row(fields, "carry_forward") == {**ZERO_ROW, "natural": 11, "total": 11}
    assert [values[f"{group}.{column}"] for group in ("review", "suit_direct", "suit_after_review")
            for column in ("upheld", "corrected", "other", "pending", "total")] == \
        [2, 1, 0, 1, 4, 1, 0, 0, 1, 2, 0, 0, 0, 0, 0]
    assert sum(value is None for value in values.values()) == 3
    checks = run_checks(labels.variant, fields)
    assert not [c for c in checks if c.ok is False]


def test_whitespace_aligned_collapsed_2021_report():
    doc, labels, fields, warnings = parse("aligned-2021-collapsed.txt")
    assert (labels.variant, warnings) == (Variant("2021", True), [])
    # The title is printed over two lines, the body on the first: one title, as real-dev's gold joins it.
    assert read_meta(doc) == {"year": 2021, "agency": "青山县市场监督管理局",
                              "title": "青山县市场监督管理局2021年度政府信息公开工作年度报告"}
    values = {key: field.value for key, field in fields.items()}
    assert "requests.other.natural" in values and "requests.other_misc.natural" not in values
    assert {k: v for k, v in values.items() if k.startswith("active.")} == {
        "active.rules.issued": 0, "active.rules.repealed": 0, "active.rules.in_force": 0,
        "active.normative.issued": 2, "active.normative.repealed": None, "active.normative.in_force": 7,
        "active.licensing.decisions": 3056, "active.penalty.decisions": 412, "active.coercion.decisions": 15,
        "active.fees.amount_wan": 12.5}
    assert requests_row(fields, "new") == {**ZERO_ROW, "natural": 12, "commercial": 3, "legal": 1, "total": 16}
    assert requests_row(fields, "partial") == {**ZERO_ROW, "natural": 1, "total": 1}
    assert requests_row(fields, "unable_not_held") == {**ZERO_ROW, "natural": 3, "commercial": 1, "total": 4}
    assert requests_row(fields, "rejected_confirm") == ZERO_ROW  # label broken across two lines
    assert requests_row(fields, "other") == {**ZERO_ROW, "natural": 2, "total": 2}
    assert requests_row(fields, "carry_forward") == {**ZERO_ROW, "natural": 1, "total": 1}
    assert values["review.upheld"] == 1 and values["review.total"] == 1
    assert [v for v in values.values() if v is None] == [None]
    assert all(c.ok for c in run_checks(labels.variant, fields))


def test_pdf_layout_report_with_wrapped_labels_and_a_page_break():
    doc, labels, fields, warnings = parse("pdf-layout-2021.txt")
    assert (labels.variant, warnings) == (Variant("2021", False), [])
    assert read_meta(doc) == {"year": 2023, "agency": "永川镇人民政府",
                              "title": "永川镇人民政府2023年政府信息公开工作年度报告"}
    values = {key: field.value for key, field in fields.items()}
    assert [values[f"active.normative.{c}"] for c in ("issued", "repealed", "in_force")] == [2, 4, 2]
    assert values["active.penalty.decisions"] is None and fields["active.penalty.decisions"].raw == "—-"
    # "2.其他法律行政法\n规禁止公开" and "4.保护第三方合法   2 … 2\n权益": cells on the label's first line
    assert requests_row(fields, "denied_law") == ZERO_ROW
    assert requests_row(fields, "denied_third_party") == {**ZERO_ROW, "natural": 2, "total": 2}
    # the rows after the page break: the page number is no cell, the running header splits no label
    assert requests_row(fields, "denied_enforcement") == ZERO_ROW
    assert requests_row(fields, "unable_not_held") == {**ZERO_ROW, "natural": 4, "commercial": 1, "total": 5}
    # "1.申请人无正当理\n（六）其他处理   由逾期不补正、行   0 …": the group label sits inside the row label;
    # "2.申请人逾期未按\n收费通知要求缴纳\n费用、行政机关不   0 …": the cells on the label's third line
    assert requests_row(fields, "other_no_correction") == ZERO_ROW
    assert requests_row(fields, "other_no_fee") == ZERO_ROW
    assert requests_row(fields, "other_misc") == {**ZERO_ROW, "other_org": 1, "total": 1}
    assert requests_row(fields, "total") == {**ZERO_ROW, "natural": 7, "commercial": 2, "other_org": 2, "total": 11}
    assert [values[f"{group}.{column}"] for group in ("review", "suit_direct", "suit_after_review")
            for column in ("upheld", "corrected", "other", "pending", "total")] == \
        [0, 1, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 3, 0, 3]
    assert [key for key, value in values.items() if value is None] == ["active.penalty.decisions"]
