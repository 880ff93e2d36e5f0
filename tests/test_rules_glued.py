"""Rows whose cells were glued together by a scraper: split where the table's sums make it unique."""
from nianbao.variants import Variant
from nianbao.text import normalise
from rules_fallback.glued import split_glued_digits
from rules_fallback.mapping import cells_to_fields
from rules_fallback.parser import label_cells
from rules_fallback.readings import row_readings, row_specs

ROW_TOTAL = {6: [0, 1, 2, 3, 4, 5]}  # the total column is the sum of the six applicant columns

HEADER = ("三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
          "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他")
LABELS = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果（一）予以公开",
          "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "（三）不予公开1.属于国家秘密",
          "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益", "5.属于三类内部事务信息",
          "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项", "（四）无法提供1.本机关不掌握相关政府信息",
          "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确", "（五）不予处理1.信访举报投诉类申请", "2.重复申请",
          "3.要求提供公开出版物", "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息", "（六）其他处理",
          "（七）总计", "四、结转下年度继续办理"]
TAIL = "四、政府信息公开行政复议、行政诉讼情况"


def glued_requests(rows: dict[int, str]) -> str:
    """Section 三 scraped with no separators; rows not given print seven zeros."""
    return HEADER + "".join(label + rows.get(i, "0000000") for i, label in enumerate(LABELS)) + TAIL


def parse(text):
    doc = normalise("glued", text)
    labels = label_cells(doc)
    fields, _ = cells_to_fields(doc, labels.variant, labels.cells)
    return labels, {key: field.value for key, field in fields.items()}


def test_digits_split_uniquely_by_the_row_total():
    assert split_glued_digits(["21710000218"], 7, [False] * 7, ROW_TOTAL).splits == \
        [["217", "1", "0", "0", "0", "0", "218"]]


def test_a_long_run_is_searched_to_the_end():
    # Twenty digits into seven cells: tried suffix by suffix as the total, the search ends with the one split.
    found = split_glued_digits(["19504354242106992674"], 7, [False] * 7, ROW_TOTAL)
    assert found.exhaustive and found.splits == [["1950", "435", "42", "42", "106", "99", "2674"]]
    # A unit ends a cell; both ways the six cells can add up to 216 are found.
    found = split_glued_digits(["1583632项", "611项", "216项"], 7, [False] * 7, ROW_TOTAL)
    assert found.exhaustive and [parts[:3] for parts in found.splits] == [["158", "3", "6"], ["158", "36", "3"]]


def test_thousands_separators_in_a_glued_row():
    # A group has three digits, so "1,219" ends before the 3 glued to it; the total's separator leaves
    # "1,863", "61,863" or "661,863" as the last cell, and only the first adds up.
    found = split_glued_digits(["1,2193363317921661,863"], 7, [False] * 7, ROW_TOTAL)
    assert found.exhaustive and found.splits == [["1,219", "336", "33", "17", "92", "166", "1,863"]]
    assert split_glued_digits(["5,008.284"], 1, [True]).splits == [["5,008.284"]]  # one formatted number
    assert split_glued_digits(["12,34"], 2, [False] * 2).splits == []  # not a group of three


def test_a_split_with_several_fits_returns_all_of_them():
    found = split_glued_digits(["110000011"], 7, [False] * 7, ROW_TOTAL)
    assert found.exhaustive and found.splits == [["1", "10", "0", "0", "0", "0", "11"],
                                                 ["11", "0", "0", "0", "0", "0", "11"]]


def test_decimals_only_in_amount_cells_and_signs_start_a_cell():
    assert split_glued_digits(["1", "-10"], 3, [False] * 3).splits == [["1", "-1", "0"]]
    assert split_glued_digits(["56742.1644万元"], 2, [False, True]).splits[0] == ["5", "6742.1644万元"]


def test_glued_row_in_a_report_and_the_next_labels_item_number():
    # "...禁止公开" follows "0000000": the "2." belongs to the label, not to the last cell.
    rows = {0: "21710000218", 2: "21710000218", 21: "21710000218"}
    labels, values = parse(glued_requests(rows))
    assert [values[f"requests.new.{c}"] for c in ("natural", "commercial", "research", "social", "legal",
                                                  "other_org", "total")] == [217, 1, 0, 0, 0, 0, 218]
    assert values["requests.denied_secret.total"] == 0 and values["requests.denied_law.natural"] == 0
    assert values["requests.total.total"] == 218
    assert not [w for w in labels.warnings if "requests" in w]


def test_ambiguous_row_is_warned_about_not_guessed():
    # 110000011 is 11|0|0|0|0|0|11 or 1|10|0|0|0|0|11; nothing else in the table tells which.
    rows = {0: "110000011", 1: "110000011"}
    labels, values = parse(glued_requests(rows))
    assert values["requests.new.natural"] is None and values["requests.new.total"] is None
    assert any(w.startswith("requests.new: glued digits can be cut 2 ways") for w in labels.warnings)


def test_column_balances_settle_rows_the_row_total_cannot():
    # new and total print 110000011 (11|0|0|0|0|0|11 or 1|10|0|0|0|0|11). granted 9 and partial 2 make
    # the total row's natural column 11, and new + carried_over = total + carry_forward then fixes new.
    labels, values = parse(glued_requests({0: "110000011", 2: "9000009", 3: "2000002", 21: "110000011"}))
    for row in ("new", "total"):
        assert [values[f"requests.{row}.{c}"] for c in ("natural", "commercial", "total")] == [11, 0, 11]
    assert not [w for w in labels.warnings if "requests" in w]


def test_rows_ambiguous_together_stay_out():
    # granted and total both print 110000011: the column sums tie them to each other, not to a value.
    labels, values = parse(glued_requests({0: "110000011", 2: "110000011", 21: "110000011"}))
    assert values["requests.granted.natural"] is None and values["requests.new.natural"] is None
    assert {w.split(":")[0] for w in labels.warnings if w.startswith("requests")} == \
        {"requests.new", "requests.granted", "requests.total"}


def test_review_row_of_fifteen_glued_digits():
    text = ("四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉"
            "复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计100010000010001"
            "五、存在的主要问题及改进情况")
    _, values = parse(text)
    assert [values[f"{g}.{c}"] for g in ("review", "suit_direct", "suit_after_review")
            for c in ("upheld", "corrected", "other", "pending", "total")] == \
        [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]


def test_one_digit_per_cell_settled_by_the_row_total():
    # 1100002 could be 11|0|0|0|0|·|2 with a dropped blank, but 11 is not 2: one digit per cell.
    labels, values = parse(glued_requests({0: "1100002"}))
    assert [values[f"requests.new.{c}"] for c in ("natural", "commercial", "research", "social", "legal",
                                                  "other_org", "total")] == [1, 1, 0, 0, 0, 0, 2]
    assert not [w for w in labels.warnings if w.startswith("requests.new")]


def test_one_digit_per_cell_without_a_sum_is_warned_about():
    # 规章 prints 999 under three columns with no sum between them: 9|9|9, or ·|9|99 with a dropped blank.
    text = ("二、主动公开政府信息情况第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量规章999"
            "规范性文件000三、收到和处理政府信息公开申请情况")
    labels, values = parse(text)
    assert [values[f"active.rules.{c}"] for c in ("new_made", "new_published", "total_published")] == [9, 9, 9]
    assert labels.warnings[0] == ("active.rules: glued digits '999' read one digit per cell; a dropped blank "
                                  "cell could also explain them (· | 9 | 99) and no sum tells which")
    assert not [w for w in labels.warnings if w.startswith("active.normative")]  # 0|0|0: no "00" cell


def test_readings_offered_to_the_model_are_the_cuts_of_a_row_that_keep_its_sums():
    assert len(Variant("2021", False).rows[-1]) == 15  # section 四 as one printed row
    rows = row_specs(Variant("2021", False))
    assert rows[-1].keys == Variant("2021", False).rows[-1] and rows[-1].totals == {4: [0, 1, 2, 3], 9: [5, 6, 7, 8],
                                                                                     14: [10, 11, 12, 13]}
    readings = row_readings("318002142", ["requests.new.natural", "requests.new.total"], rows)
    assert [(keys[0], parts) for keys, parts in readings] == \
        [("requests.new.natural", ["31", "8", "0", "0", "2", "1", "42"])]
    # A row of section 二 has no sum to check: every cut into its cells is offered.
    assert row_readings("000", ["active.rules.issued"], rows) == [(rows[0].keys, ["0", "0", "0"])]
    rows_2019 = row_specs(Variant("2019", False))  # 上一年项目数量 | 本年增/减 | 处理决定数量
    assert [parts for _, parts in row_readings("97+82179", ["active.licensing.prev_items"], rows_2019)] == \
        [["9", "7", "+82179"], ["97", "+8", "2179"], ["97", "+82", "179"], ["97", "+821", "79"], ["97", "+8217", "9"]]
    # 1|10|0|0|0|0|11 and 11|0|0|0|0|0|11 both add up: both are offered, for the model to choose.
    assert [parts[:2] for _, parts in row_readings("110000011", ["requests.new.natural"], rows)] == \
        [["1", "10"], ["11", "0"]]


def test_a_total_printed_with_a_unit_is_checked_against_its_parts_like_one_without():
    # Section 四 scraped into one run, counts with 宗: review 4|0|2|2|8, suits 6|2|3|2|13 and 0|0|0|0|0.
    totals = {4: [0, 1, 2, 3], 9: [5, 6, 7, 8], 14: [10, 11, 12, 13]}
    found = split_glued_digits(["4宗", "02宗", "28宗", "623213宗", "00000"], 15, [False] * 15, totals)
    assert found.splits == [["4宗", "0", "2宗", "2", "8宗", "6", "2", "3", "2", "13宗", "0", "0", "0", "0", "0"]]
