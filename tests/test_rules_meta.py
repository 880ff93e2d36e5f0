"""Year, body and title read from the top of a report, however the title line was printed."""
from nianbao.text import normalise
from rules_fallback.meta import read_meta


def meta(text):
    return read_meta(normalise("report.txt", text))


def test_title_centred_with_leading_spaces():
    text = ("            中惠县人民政府2019年度政府信息公开工作年度报告\n一、总体情况\n"
            "    2019年,中惠县人民政府认真贯彻落实《中华人民共和国政府信息公开条例》。\n")
    assert meta(text) == {"year": 2019, "agency": "中惠县人民政府",
                          "title": "中惠县人民政府2019年度政府信息公开工作年度报告"}


def test_title_wrapped_over_two_lines_by_the_page_width():
    text = ("   　　                    北云县人力资源和社会保障局2019年政府信息公开\n   工作报告\n"
            "   　　根据《中华人民共和国政府信息公开条例》（以下简称《条例》）有关规\n   定，现公布本年度报告。\n")
    assert meta(text) == {"year": 2019, "agency": "北云县人力资源和社会保障局",
                          "title": "北云县人力资源和社会保障局2019年政府信息公开工作报告"}


def test_title_glued_to_the_first_heading_or_the_preface():
    assert meta("海水区人民政府2024年度政府信息公开工作报告一、总体情况2024年,海水区人民政府在上级的正确领导下")[
        "title"] == "海水区人民政府2024年度政府信息公开工作报告"
    assert meta(" 南平区人民政府2024年政府信息公开工作报告 一、总体情况 2024年，南平区人民政府坚持")[
        "title"] == "南平区人民政府2024年政府信息公开工作报告"
    assert meta("新德市统计局2019年度政府信息公开工作年度报告根据《中华人民共和国政府信息公开条例》，编制本报告。") == {
        "year": 2019, "agency": "新德市统计局", "title": "新德市统计局2019年度政府信息公开工作年度报告"}


def test_no_title_line_and_a_ministry_named_in_the_opening_sentence():
    text = ("        　　根据《中华人民共和国政府信息公开条例》有关规定，编制本报告。\n        　　1、 总体情况\n"
            "        2021年，水利部严格落实《中华人民共和国政府信息公开条例》。\n")
    assert meta(text) == {"year": 2021, "agency": "水利部", "title": None}


def test_a_sentence_naming_the_report_is_no_title():
    text = "一、总体情况\n现将本机关2020年政府信息公开工作年度报告公布如下，请予监督。\n"
    assert meta(text)["title"] is None


# Real snippets (data/real-dev): the PDFs of 洪泽区 and 淮安市, Pingtan's crawled pages, Hebei's crawled text.

def test_title_over_two_lines_with_spaces_before_the_year_character():
    text = ("淮安市洪泽区人民政府\n2024 年政府信息公开工作年度报告\n本报告由淮安市洪泽区人民政府办公室根据《中华人民共和\n"
            "国政府信息公开条例》（国令第 711 号）（以下简称《条例》）\n要求编制此报告。报告中所列数据统计期限自 2024 年 1 月 1 日\n"
            "起至 2024 年 12 月 31 日止。\n一、总体情况\n2024 年，淮安市洪泽区人民政府坚持以习近平新时代中国特\n")
    assert meta(text) == {"year": 2024, "agency": "淮安市洪泽区人民政府",
                          "title": "淮安市洪泽区人民政府2024年政府信息公开工作年度报告"}


def test_a_page_number_above_the_title_is_not_in_the_way():
    text = ("- 1 -\n淮安市人民政府\n2024 年政府信息公开工作年度报告\n本报告由淮安市人民政府办公室根据《中华人民共和国政府\n"
            "信息公开条例》（国令第 711 号）（以下简称《条例》）规定编\n制。\n一、总体情况\n2024 年，我市坚持以习近平新时代\n")
    assert meta(text) == {"year": 2024, "agency": "淮安市人民政府", "title": "淮安市人民政府2024年政府信息公开工作年度报告"}


CRAWLED_HEADER = ("标题: 平潭综合实验区2021年度政府信息公开工作年度报告\n发布时间: 2022-02-08 16:34\n文号: \n发布机构: \n"
                  "栏目: 政府信息公开年报\n原文链接: https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202202/t20220208_80613.htm\n"
                  "==================== 正文 ====================\n")


def test_the_body_title_after_a_crawled_pages_breadcrumbs_wins_over_the_page_title():
    text = CRAWLED_HEADER + ("当前位置： 首页政务公开政府信息公开政府信息公开年报 平潭综合实验区2019年政府信息公开工作年度报告 "
                             "来源：平潭县人民政府 时间：2022-02-08 16:34 微信 微博 根据《中华人民共和国政府信息公开条例》")
    assert meta(text) == {"year": 2019, "agency": "平潭综合实验区", "title": "平潭综合实验区2019年政府信息公开工作年度报告"}


def test_the_title_line_of_a_crawled_page_when_the_body_prints_none():
    text = CRAWLED_HEADER + ("本报告根据《中华人民共和国政府信息公开条例》（国务院令第711号）要求编制。一、总体情况2021年，"
                             "平潭综合实验区深入贯彻落实党中央、国务院关于政务公开工作的决策部署。")
    assert meta(text) == {"year": 2021, "agency": "平潭综合实验区", "title": "平潭综合实验区2021年度政府信息公开工作年度报告"}


def test_a_body_named_by_its_short_form_gets_the_full_form_the_report_prints():
    text = ("本报告根据《中华人民共和国政府信息公开条例》要求编制。本年度报告中所列数据统计期限从2022年1月1日起至2022年12月31日止。"
            "一、总体情况2022年，省教育厅坚持以习近平新时代中国特色社会主义思想为指导。（五）监督保障情况严格执行"
            "《河北省教育厅政务公开实施办法》，强化组织领导。六、其他需要报告的事项无。")
    assert meta(text) == {"year": 2022, "agency": "河北省教育厅", "title": None}


def test_no_title_and_no_body_in_the_opening_the_signature_names_it():
    text = ("根据《中华人民共和国政府信息公开条例》和省政府有关政府信息公开的要求，我厅编写了2019年政府信息公开工作年度报告。"
            "本年度报告中所列数据的统计期限自2019年1月1日起至2019年12月31日止。一、总体情况（一）主动公开。按照要求……"
            "更加主动地接受社会公众和新闻舆论的监督。河北省教育厅2020年1月15日")
    assert meta(text) == {"year": 2019, "agency": "河北省教育厅", "title": None}


def test_no_title_the_compiler_line_names_the_government_whose_office_compiled_it():
    text = ("本报告由淮安市人民政府办公室根据《中华人民共和国政府信息公开条例》规定编制。报告所列统计期限自 2024 年 1 月 1 日至"
            " 2024 年 12 月 31 日。\n一、总体情况\n2024 年，我市坚持以习近平新时代中国特色社会主义思想为指导\n")
    assert meta(text) == {"year": 2024, "agency": "淮安市人民政府", "title": None}
