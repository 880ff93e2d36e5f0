"""Template detection reads the printed column headers and the （六） sub-rows, not the year."""
from nianbao.variants import Variant
from rules_fallback.template import detect_template

ACTIVE_2019 = "第二十条第（一）项\n信息内容\t本年新\n制作数量\t本年新\n公开数量\t对外公开总数量\n规章\t0\t0\t0\n"
ACTIVE_2021 = "第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n"
SIX_SUB_ROWS = ("（六）其他处理\n1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请\t0\n"
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请\t0\n3.其他\t0\n")
SIX_ONE_ROW = "（六）其他处理\t0\t0\t0\t0\t0\t0\t0\n（七）总计\t0\n"


def test_2019_headers_even_in_a_2021_report():
    assert detect_template("2021年度政府信息公开工作年度报告\n" + ACTIVE_2019 + SIX_ONE_ROW) == Variant("2019", False)


def test_2021_headers_with_the_three_sub_rows():
    assert detect_template(ACTIVE_2021 + SIX_SUB_ROWS) == Variant("2021", False)


def test_2021_headers_with_other_processing_as_one_row():
    assert detect_template(ACTIVE_2021 + SIX_ONE_ROW) == Variant("2021", True)


def test_glued_scraped_2021_table():
    assert detect_template("信息内容本年制发件数本年废止件数现行有效件数规章000") == Variant("2021", False)


def test_no_table_falls_back_to_the_current_template():
    assert detect_template("二、主动公开政府信息情况三、收到和处理政府信息公开申请情况") == Variant("2021", False)
