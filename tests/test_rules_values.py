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


def test_a_unit_spaced_from_its_number_is_part_of_the_cell():
    """``pdftotext`` spaces digits from Chinese: "63 宗" is one cell and "12345 元" still 1.2345 万元."""
    from nianbao.text import normalise
    from rules_fallback.mapping import cells_to_fields
    from rules_fallback.parser import label_cells

    doc = normalise("t", "二、主动公开政府信息情况\n第二十条第（九）项\n信息内容 采购项目数量 采购总金额\n"
                         "政府集中采购 258 宗 12345 元\n")
    labels = label_cells(doc)
    fields, _ = cells_to_fields(doc, labels.variant, labels.cells)
    assert fields["active.procurement.projects"].value == 258
    assert fields["active.procurement.amount_wan"].value == 1.2345


def test_a_year_in_the_sentence_over_a_table_is_no_cell():
    """"2021 年政府信息公开行政复议、行政诉讼情况见下表" (a PDF's text layer): 2021 is a year."""
    from nianbao.text import normalise
    from rules_fallback.mapping import cells_to_fields
    from rules_fallback.parser import label_cells

    numbers = [3, 0, 1, 0, 4, 2, 0, 0, 0, 2, 0, 0, 0, 1, 1]
    doc = normalise("t", "四、政府信息公开行政复议、行政诉讼情况\n2021 年政府信息公开行政复议、行政诉讼情况见下表：\n"
                         "行政复议 行政诉讼\n结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉\n"
                         "结果维持 结果纠正 其他结果 尚未审结 总计 结果维持 结果纠正 其他结果 尚未审结 总计\n"
                         + " ".join(map(str, numbers)) + "\n")
    labels = label_cells(doc)
    fields, _ = cells_to_fields(doc, labels.variant, labels.cells)
    review = [fields[f"{row}.{column}"].value for row in ("review", "suit_direct", "suit_after_review")
              for column in ("upheld", "corrected", "other", "pending", "total")]
    assert review == numbers


def test_a_group_label_printed_between_the_parts_of_its_rows_labels_lets_them_be_read():
    """``pdftotext -layout``: （四）无法提供 sits in a column left of its rows' wrapped labels, on their lines."""
    from nianbao.text import normalise
    from rules_fallback.mapping import cells_to_fields
    from rules_fallback.parser import label_cells

    text = ("三、收到和处理政府信息公开申请情况\n"
            "                     自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计\n"
            "           8.属于行政查询事项 1         0    0   0   0   0   1\n"
            "           1.本机关不掌握相关\n"
            "                      13        5    0   1   0   1   20\n"
            "           政府信息\n"
            "       （四）\n"
            "           2.没有现成信息需要\n"
            "       无法提            4         0    0   0   0   0   4\n"
            "           另行制作\n"
            "       供\n"
            "           3.补正后申请内容仍\n"
            "                      0         0    0   0   0   0   0\n"
            "           不明确\n")
    doc = normalise("t", text)
    labels = label_cells(doc)
    fields, _ = cells_to_fields(doc, labels.variant, labels.cells)
    columns = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
    assert [fields[f"requests.unable_create.{c}"].value for c in columns] == [4, 0, 0, 0, 0, 0, 4]
    assert [fields[f"requests.unable_not_held.{c}"].value for c in columns] == [13, 5, 0, 1, 0, 1, 20]
    assert [fields[f"requests.unable_unclear.{c}"].value for c in columns] == [0] * 7
