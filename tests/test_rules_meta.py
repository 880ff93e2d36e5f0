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
