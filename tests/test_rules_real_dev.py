"""What published reports do that generated ones don't: each test is a snippet of a report in data/real-dev.

Pages crawled from Pingtan's site (cells glued), Hebei's crawled text (blank cells dropped), and the PDFs of
淮安市 and 洪泽区 read back as text (page numbers inside the tables, labels cut by a page break).
"""
from pathlib import Path

from nianbao.text import normalise
from rules_fallback.mapping import cells_to_fields
from rules_fallback.parser import label_cells

COLUMNS = ("natural", "commercial", "research", "social", "legal", "other_org", "total")

# Section 三 of 淮安市人民政府2024年政府信息公开工作年度报告 as pypdf extracts it (huaian-2024).
HUAIAN_HEADER = ("三、收到和处理政府信息公开申请情况\n（本列数据的勾稽关系为：第一项加第二项之和，\n等于第三项加第四项之和）\n"
                 "申请人情况\n自然人\n法人或其他组织\n总计商 业 企\n业\n科研机\n构\n社 会 公 益\n组织\n法 律 服 务\n机构\n其他\n"
                 "一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119\n二、上年结转政府信息公开申请数量 34 0 0 0 0 0 34\n"
                 "三、\n本\n年\n度\n办\n理\n结\n果\n（一）予以公开 1288 21 0 0 50 3 1362\n")
HUAIAN_DENIED = ("（三）不\n予公开\n1.属于国家秘密 2 0 0 0 0 0 2\n2.其他法律行政法规禁止公开 30 1 0 0 0 0 31\n"
                 "3.危及“三安全一稳定” 5 0 0 0 0 0 5\n4.保护第三方合法权益 6 0 0 0 0 0 6\n5.属于三类内部事务信息 7 1 0 0 0 0 8\n"
                 "6.属于四类过程性信息 12 0 0 0 0 0 12\n7.属于行政执法案卷 9 0 0 0 0 0 9\n8.属于行政查询事项 105 0 0 0 0 0 105\n")
HUAIAN_UNABLE = ("（四）无 1.本机关不掌握相关政府信息 746 12 0 0 10 1 769\n- 5 -\n法提供 2.没有现成信息需要另行制作 11 0 0 0 0 0 11\n"
                 "3.补正后申请内容仍不明确 1 0 0 0 0 0 1\n")
HUAIAN_OTHER = ("（六）其\n他处理\n1、申请人无正当理由逾期不补\n正、行政机关不再处理其政府信\n息公开申请\n67 3 0 0 1 0 71\n"
                "2、申请人逾期未按收费通知要\n求缴纳费用、行政机关不再处理\n其政府信息公开申请\n6 0 0 0 0 0 6\n"
                "3、其他 108 2 0 0 0 0 110\n（七）总计 2932 53 0 0 61 4 3050\n四、结转下年度继续办理 103 0 0 0 0 0 103\n"
                "四、政府信息公开行政复议、行政诉讼情况\n")


def rule_values(text: str) -> tuple[dict, list[str]]:
    doc = normalise("report.txt", text)
    labels = label_cells(doc)
    fields, _ = cells_to_fields(doc, labels.variant, labels.cells)
    return {key: field.value for key, field in fields.items()}, labels.warnings


def row(values: dict, name: str) -> list:
    return [values[f"requests.{name}.{column}"] for column in COLUMNS]


def test_a_page_number_between_two_rows_is_not_a_cell():
    values, warnings = rule_values(HUAIAN_HEADER + HUAIAN_UNABLE + HUAIAN_OTHER)
    assert row(values, "unable_not_held") == [746, 12, 0, 0, 10, 1, 769]
    assert row(values, "unable_create") == [11, 0, 0, 0, 0, 0, 11]
    assert not [w for w in warnings if "cells printed" in w]


def test_a_block_label_cut_by_a_page_break_does_not_end_the_row_before_it():
    # "（四）无" … "法提供": the page break cut 无法提供; 无 is part of the label, not an empty cell of row 8.
    values, _ = rule_values(HUAIAN_HEADER + HUAIAN_DENIED + HUAIAN_UNABLE + HUAIAN_OTHER)
    assert row(values, "denied_query") == [105, 0, 0, 0, 0, 0, 105]
    assert row(values, "unable_not_held") == [746, 12, 0, 0, 10, 1, 769]


def test_sub_rows_numbered_with_a_comma_are_rows():
    values, _ = rule_values(HUAIAN_HEADER + HUAIAN_OTHER)
    assert row(values, "other_no_correction") == [67, 3, 0, 0, 1, 0, 71]
    assert row(values, "other_misc") == [108, 2, 0, 0, 0, 0, 110]
    assert row(values, "total") == [2932, 53, 0, 0, 61, 4, 3050]


def test_zeros_run_together_in_a_spaced_row_are_cut_one_digit_a_cell():
    # pingtan-2019 and pingtan-2022: "结转下年度继续办理 0 0 00 00 0", "结转下年度继续办理 0000000 四、…".
    for printed in ("0 0 00 00 0", "0000000"):
        text = HUAIAN_HEADER + HUAIAN_OTHER.replace("四、结转下年度继续办理 103 0 0 0 0 0 103",
                                                    f"四、结转下年度继续办理 {printed} ")
        values, _ = rule_values(text)
        assert row(values, "carry_forward") == [0] * 7, printed


# Section 三 of 淮安市洪泽区人民政府2024年政府信息公开工作年度报告 as pdfplumber reads the PDF (hongze-2024).
HONGZE_HEADER = ("三、收到和处理政府信息公开申请情况\n(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况\n"
                 "自然人 | 法人或其他组织 | 总计\n商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他\n"
                 "一、本年新收政府信息公开申请数量 | 95 | 0 | 0 | 0 | 0 | 0 | 95\n"
                 "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
                 "三、本年度办理结果 | (一)予以公开 | 50 | 0 | 0 | 0 | 0 | 0 | 50\n")
HONGZE_DENIED = ("(三)不予公开 | 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
                 "2.其他法律行政止公开 | 2 | 0 | 0 | 0 | 0 | 0 | 2\n"
                 "3.危及“三安全一稳定” | 1 | 0 | 0 | 0 | 0 | 0 | 1\n"
                 "4.保护第三方合法权益 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n")


def test_a_misprinted_row_label_between_two_known_rows_is_the_template_row_between_them():
    # The report prints "2.其他法律行政止公开" (法规禁 left out); its 其他 is not the column header 其他.
    values, warnings = rule_values(HONGZE_HEADER + HONGZE_DENIED)
    assert row(values, "denied_secret") == [0] * 7
    assert row(values, "denied_law") == [2, 0, 0, 0, 0, 0, 2]
    assert row(values, "denied_safety") == [1, 0, 0, 0, 0, 0, 1]
    assert any("requests.denied_law: no label of this row was recognised" in w for w in warnings)


def test_a_row_whose_label_the_converter_dropped_is_placed_by_the_template_order():
    dropped = HONGZE_DENIED.replace("2.其他法律行政止公开 | ", "")
    values, _ = rule_values(HONGZE_HEADER + dropped)
    assert row(values, "denied_law") == [2, 0, 0, 0, 0, 0, 2]
    assert row(values, "denied_safety") == [1, 0, 0, 0, 0, 0, 1]


# Section 三 of 平潭综合实验区2021年度政府信息公开工作年度报告 as the crawled page prints it (pingtan-2021).
PINGTAN_2021 = ("三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况"
                "自然人法人或其他组织总计 商业企业科研机构社会公益组织法律服务机构其他一、本年新收政府信息公开申请数量640020470"
                "二、上年结转政府信息公开申请数量0000000三、本年度办理结果（一）予以公开270020130（二）部分公开（区分处理的，"
                "只计这一情形，不计其他情形）500000 5（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开0000000"
                "3.危及“三安全一稳定”00000004.保护第三方合法权益00000005.属于三类内部事务信息10000016.属于四类过程性信息0000000"
                "7.属于行政执法案卷60000068.属于行政查询事项1000001（四）无法提供1.本机关不掌握相关政府信息220000325"
                "2.没有现成信息需要另行制作00000003.补正后申请内容仍不明确0000000（五）不予处理1.信访举报投诉类申请0000000"
                "2.重复申请00000003.要求提供公开出版物00000004.无正当理由大量反复申请0000000"
                "5.要求行政机关确认或重新出具已获取信息0000000（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府"
                "信息公开申请00000002.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请00000003.其他1000001"
                "（七）总计630020469四、结转下年度继续办理1000001 四、政府信息公开行政复议、行政诉讼情况")


def test_two_glued_rows_that_each_cut_two_ways_are_settled_together_by_the_column_sums():
    # '270020130' is 2|7|0|0|20|1|30 or 27|0|0|2|0|1|30, '220000325' 2|20|0|0|0|3|25 or 22|0|0|0|0|3|25: each
    # keeps its row sum, and only one pair keeps every column of the table.
    values, warnings = rule_values(PINGTAN_2021)
    assert row(values, "granted") == [27, 0, 0, 2, 0, 1, 30]
    assert row(values, "unable_not_held") == [22, 0, 0, 0, 0, 3, 25]
    assert not [w for w in warnings if "ways" in w]


# Section 二 of the 河北省教育厅 report for 2021 as the crawled text prints it (hebei-edu-2021), and its prose.
HEBEI_EDU_2021 = ("一、总体情况（一）加大政策公开力度。动态清理规范性文件，对现有206件规范性文件实施了7次清理，保留部门规范性文件"
                  "181件，废止25件，清理结果已按规定向省司法厅备案。（二）依申请公开。全年收到公民、法人和其他组织政府信息公开申请"
                  "共37件。二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000"
                  "行政规范性文件725181第二十条第（五）项信息内容本年处理决定数量行政许可5658第二十条第（六）项信息内容"
                  "本年处理决定数量行政处罚19行政强制0第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费1163.54"
                  "三、收到和处理政府信息公开申请情况")


def test_the_prose_settles_a_glued_row_its_table_leaves_open():
    values, warnings = rule_values(HEBEI_EDU_2021)
    assert [values[f"active.normative.{c}"] for c in ("issued", "repealed", "in_force")] == [7, 25, 181]
    assert any("cut as the text says" in w for w in warnings)
    # Without the prose the run cuts several ways and is left out, not guessed.
    values, _ = rule_values(HEBEI_EDU_2021.replace("保留部门规范性文件181件，废止25件", ""))
    assert values["active.normative.in_force"] is None


def test_the_prose_is_checked_against_the_table_and_never_replaces_a_cell():
    from nianbao.pipeline import parse_document

    text = HUAIAN_HEADER.replace("三、收到和处理", "2024 年，区政府办代表区政府受理政府\n信息公开申请 17 件。\n三、收到和处理")
    report = parse_document(normalise("report.txt", text + HUAIAN_OTHER), "rules")
    assert report.fields["requests.new.total"].value == 3119
    check = next(c for c in report.checks if c.rule == "text_vs_table")
    assert (check.ok, check.lhs, check.rhs, check.keys) == (False, 17, 3119, ["requests.new.total"])
    assert "“受理政府信息公开申请 17 件”" in check.message and "the table prints 3119" in check.message


def test_carriage_returns_alone_end_lines():
    # Hebei's crawled text ends its lines with a bare CR: one cell a line, not "规范性文件161616" glued.
    text = HEBEI_EDU_2021.replace("行政规范性文件725181", "行政规范性文件\r\r\r7\r\r\r25\r\r\r181\r\r\r\r\r")
    values, _ = rule_values(text.replace("保留部门规范性文件181件，废止25件", ""))
    assert [values[f"active.normative.{c}"] for c in ("issued", "repealed", "in_force")] == [7, 25, 181]


FIXTURES = Path(__file__).parent / "fixtures" / "real-dev"


def test_blank_cells_of_a_one_cell_a_line_table_are_placed_by_its_spacing():
    # Sections 三 and 四 of the 河北省教育厅 report for 2019 (hebei-edu-2019), CR line ends kept: each cell is
    # followed by two empty lines; section 四 prints only its three 总计 cells, each after four blank cells.
    text = (FIXTURES / "hebei-edu-2019-sections-3-4.txt").read_text(encoding="utf-8")
    values, _ = rule_values(text)
    review = [values[f"{group}.{column}"] for group in ("review", "suit_direct", "suit_after_review")
              for column in ("upheld", "corrected", "other", "pending", "total")]
    assert review == [None, None, None, None, 0] * 3
    assert row(values, "granted") == [9, 0, 0, 0, 0, 0, 9]
    assert row(values, "partial") == [None] * 7  # a row of blank cells


def test_a_no_break_space_line_is_a_blank_cell():
    lines = "\n".join(["三、收到和处理政府信息公开申请情况", "申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构",
                       "社会公益组织", "法律服务机构", "其他", "一、本年新收政府信息公开申请数量", "3", "1", "0", "0", "0", "0", "4",
                       "二、上年结转政府信息公开申请数量", "0", "0", "0", "0", "0", "0", "0",
                       "三、本年度办理结果", "（一）予以公开", "2", "\xa0", "\xa0", "\xa0", "\xa0", "\xa0", "2",
                       "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "1", "1", "0", "0", "0", "0", "2",
                       "四、政府信息公开行政复议、行政诉讼情况"])
    values, _ = rule_values(lines)
    assert row(values, "granted") == [2, None, None, None, None, None, 2]
    assert row(values, "partial") == [1, 1, 0, 0, 0, 0, 2]


def test_blank_cells_of_an_aligned_table_are_read_from_the_column_they_stand_under():
    # hongze-2024.pdf through `pdftotext -layout`, its row 3.危及… with the zeros left blank, as big bodies
    # print it: 1 under 自然人 and 1 under 总计, never "the first two cells".
    text = (FIXTURES / "hongze-2024-pdftotext-layout-section-3.txt").read_text(encoding="utf-8")
    printed = "3.危及“三安全一稳定”     1     0         0     0   0   0     1"
    assert printed in text
    values, _ = rule_values(text.replace(printed, printed.replace("0", " ")))
    assert row(values, "denied_safety") == [1, None, None, None, None, None, 1]
    assert row(values, "denied_secret") == [0] * 7
    assert row(values, "new") == [95, 0, 0, 0, 0, 0, 95]


def test_fields_of_a_glued_row_the_text_leaves_open_are_marked_as_a_choice_for_the_confidence():
    from nianbao.confidence import FEATURES
    from nianbao.paths import REAL_DEV_DIR
    from nianbao.pipeline import parse_with_evidence
    from nianbao.readers import read_document

    # pingtan-2025 prints 规范性文件 '5845546': issued | repealed | in force cut many ways, none settled.
    doc = read_document(REAL_DEV_DIR / "reports" / "pingtan-2025.txt")
    parsed = parse_with_evidence(doc, "rules")
    report, features = parsed.report, parsed.features
    column = FEATURES.index("text_open")
    assert features["active.normative.issued"][column] == 1.0
    assert report.fields["active.normative.issued"].value is None
    assert features["requests.new.total"][column] == 0.0


def test_a_running_header_at_a_page_break_inside_the_table_is_no_cell():
    header = "- 5 -\n淮安市人民政府2024年政府信息公开工作年度报告\n"
    between_rows = HUAIAN_UNABLE.replace("- 5 -\n", header)
    inside_a_row = ("（四）无 1.本机关不掌握相关政府信息\n" + header + "746 12 0 0 10 1 769\n"
                    "法提供 2.没有现成信息需要另行制作 11 0 0 0 0 0 11\n")
    for unable in (between_rows, inside_a_row):
        values, _ = rule_values(HUAIAN_HEADER + unable + HUAIAN_OTHER)
        assert row(values, "unable_not_held") == [746, 12, 0, 0, 10, 1, 769]
        assert row(values, "unable_create") == [11, 0, 0, 0, 0, 0, 11]
