"""Table sections found under any numbering of their headings, or by their content when a heading is missing.

``arabic-headings-2019.txt``: a 2019-template report in space-aligned columns whose sections are numbered
"1、 总体情况", "2、主动公开政府信息情况", "3.收到和处理…", "4.政府信息公开行政复议…", "5、存在的主要问题…";
the overview mentions "（一）主动公开情况", which is no heading.
"""
from pathlib import Path

import pytest

from nianbao.text import normalise
from rules_fallback.mapping import cells_to_fields
from rules_fallback.parser import label_cells

FIXTURE = Path(__file__).parent / "fixtures" / "rules" / "arabic-headings-2019.txt"
COLUMNS = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
REVIEW = [f"{group}.{column}" for group in ("review", "suit_direct", "suit_after_review")
          for column in ("upheld", "corrected", "other", "pending", "total")]


def parse(text):
    doc = normalise("report.txt", text)
    labels = label_cells(doc)
    fields, warnings = cells_to_fields(doc, labels.variant, labels.cells)
    return {key: field.value for key, field in fields.items()}, labels.warnings + warnings


def row(values, name):
    return [values[f"requests.{name}.{column}"] for column in COLUMNS]


def test_sections_numbered_with_arabic_numbers():
    values, warnings = parse(FIXTURE.read_text(encoding="utf-8"))
    assert warnings == []
    assert [values[f"active.coercion.{c}"] for c in ("prev_items", "change", "decisions")] == [5, -13, 2]
    assert values["active.procurement.amount_wan"] == 135.96
    assert row(values, "new") == [94, 8, 1, 0, 4, 6, 113]
    assert row(values, "unable_not_held") == [26, 6, 1, 0, 1, 3, 37]
    assert row(values, "carry_forward") == [5, 0, 0, 0, 0, 0, 5]
    # the last cell (7) comes right before "5、存在的主要问题": it stays a cell
    assert [values[key] for key in REVIEW] == [0, 0, 0, 0, 0, 4, 2, 3, 0, 9, 3, 0, 2, 2, 7]


def test_arabic_number_glued_to_the_last_cell_of_a_table():
    text = ("2.主动公开政府信息情况第二十条第(九)项信息内容采购项目数量采购总金额政府集中采购349343、收到和处理政府信息公开申请情况"
            "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)申请人情况自然人法人或其他组织总计商业企业科研机构"
            "社会公益组织法律服务机构其他一、本年新收政府信息公开申请数量21710000218")
    values, _ = parse(text)
    assert row(values, "new") == [217, 1, 0, 0, 0, 0, 218]


def test_tables_without_headings_are_found_by_their_labels():
    text = FIXTURE.read_text(encoding="utf-8")
    text = text.replace("3.收到和处理政府信息公开申请情况", "3.依申请办理情况统计").replace(
        "4.政府信息公开行政复议、行政诉讼情况", "4.复议诉讼情况")
    values, warnings = parse(text)
    assert row(values, "new") == [94, 8, 1, 0, 4, 6, 113]
    assert row(values, "total") == [89, 10, 1, 0, 4, 7, 111]
    assert [values[key] for key in REVIEW] == [0, 0, 0, 0, 0, 4, 2, 3, 0, 9, 3, 0, 2, 2, 7]
    assert warnings == [f"no heading of section {name} found; its table was read where its labels are"
                        for name in ("收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况")]


def test_a_narrative_naming_review_and_suits_is_no_table():
    text = "一、总体情况\n本年度未发生因政府信息公开引起的行政复议、行政诉讼案件，行政复议结果维持0件。\n"
    values, warnings = parse(text)
    assert all(values[key] is None for key in REVIEW)
    assert "no heading of section 政府信息公开行政复议、行政诉讼情况 found; its fields are null" in warnings
    assert "review" in label_cells(normalise("x", text)).tableless  # settled: the model may not fill it


@pytest.mark.parametrize("body, tableless, says", [
    ("2020年，本机关未发生政府信息公开引起的行政复议、行政诉讼案件。", True, "prints no table"),
    ("行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计0000/0000000000", False, "numbers are printed"),
])
def test_a_section_without_a_table_is_told_from_a_table_that_could_not_be_read(body, tableless, says):
    text = f"四、政府信息公开行政复议、行政诉讼情况\n{body}\n五、存在的主要问题及改进情况\n无\n"
    labels = label_cells(normalise("x", text))
    assert ("review" in labels.tableless) is tableless
    assert {"active", "requests"} <= set(labels.tableless)  # not in the text at all
    assert any(says in warning for warning in labels.warnings if "行政复议、行政诉讼情况" in warning)
