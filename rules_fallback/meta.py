"""A report's metadata: reporting year, the body that reports, and its title line.

Reports name themselves in a few set ways.  The title is looked for above the first section heading:

- a title line: "袁州区2020年政府信息公开工作年度报告", centred, wrapped by a PDF's line width
  ("北云县…2019年政府信息公开" / "工作报告"), printed over two lines with the body on the first
  ("淮安市洪泽区人民政府" / "2024 年政府信息公开工作年度报告"), with spaces between the digits and 年,
  glued to what follows ("…工作报告一、总体情况", "…工作报告根据《…》"), after a crawled page's
  breadcrumbs ("当前位置：首页…年报 平潭综合实验区2021年度…报告 来源：…");
- failing that, the ``标题:`` line of a crawled page's header block.

The body is the part of the title before the year.  A report without a title names itself elsewhere, tried
in this order: the opening sentence ("2020年，殷都区人民政府在市委…", "2020年,在区委、区政府的正确领导下,
区国资委贯彻…"), its own name quoted in the preface ("…编写了《河北省工业和信息化厅2019年度…报告》"),
the compiler line ("本报告由淮安市人民政府办公室…编制": the 人民政府 whose office compiled it), and the
signature at the end ("河北省教育厅2020年1月15日").  A body the opening names by its short form
("省教育厅") is given the full form the report prints elsewhere ("《河北省教育厅政务公开实施办法》").

The year is the title's, else the statistics period's ("统计期限自 2024 年 1 月 1 日"), else the first
year of the opening.  A report without a title line has title null; a body the text never names is null.
"""
from __future__ import annotations

import re
from collections import Counter

from nianbao.text import Document

# How far from the top the title may be: above the first section heading, within this many characters.
_TITLE_ZONE = 1500
_FIRST_HEADING = re.compile(r"(?:^|(?<=[\s。]))(?:一|1)\s*[、.．]\s*(?:总体情况|概述|基本情况)")
_MAX_BODY = 40
_NAME_CHAR = r"[^\s\d。,，；;:：、《》<>“”\"'‘’()（）【】\[\]|]"
# A title: [the body] the year 年[度] 政府信息公开…(年度报告|年报|工作报告).  It starts a line, follows a
# space or a "标题:" label, and ends at a space, the line's end, or where glued text runs straight on into
# the first heading or the preface.
_TITLE = re.compile(
    rf"(?:^|(?<=[\s:：#*>]))(?P<body>{_NAME_CHAR}{{2,{_MAX_BODY}}}?)?\s*(?P<year>20\d\d)\s*年\s*度?\s*"
    r"(?:政府信息公开|政务公开)(?:\s*[^\s。,，；;《》]){0,12}?\s*(?:年度报告|年报|工作报告)"
    r"(?=\s|$|(?:[一二三四五六七八九十]+|\d+)\s*[、.．]|根据|依据|按照)", re.M)
_LABEL_LINE = re.compile(r"[^\S\n]*[\u4e00-\u9fff]{1,4}[:：][^\S\n]*$")
_YEAR = re.compile(r"(20\d\d)\s*年")
_PERIOD_YEAR = re.compile(r"统计期限[^。]{0,8}?(20\d\d)\s*年")
# The body's name ends with one of these; it is followed by what it did (在/坚持/贯彻…).
_BODY_ENDS = ("人民政府|政府|委员会|办公室|办事处|街道|管委会|局|厅|部|委|办|中心|镇|乡|区|县|市|院|署|所|站|队")
_BODY_DOES = ("在|坚持|深入|认真|严格|贯彻|按照|围绕|以|紧紧|全面|始终|高度|进一步|不断|积极|立足|聚焦|持续|扎实|"
              "切实|着力|主动|依法|继续|根据|结合|编写|编制|共")
_OPENING_BODY = re.compile(
    rf"20\d\d\s*年(?:度|以来)?[,，]\s*(?:在[^,，。]{{0,30}}(?:领导|指导)下[,，]\s*)?"
    rf"(?P<body>[\u4e00-\u9fff]{{2,30}}?(?:{_BODY_ENDS}))(?={_BODY_DOES})")
_QUOTED_NAME = re.compile(r"《(?P<body>[\u4e00-\u9fff]{2,30}?)20\d\d\s*年度?政府信息公开工作(?:年度)?报告》")
_COMPILER = re.compile(r"本报告由\s*(?P<body>[\u4e00-\u9fff]{2,30}?(?:人民政府|政府)?)(?:办公室|办公厅)?\s*"
                       r"(?:根据|依据|按照)")
_SIGNATURE = re.compile(rf"(?P<body>[\u4e00-\u9fff]{{2,30}}?(?:{_BODY_ENDS}))\s*20\d\d\s*年\s*\d{{1,2}}\s*月"
                        r"\s*\d{1,2}\s*日\s*$")
_SIGNATURE_ZONE = 200
_SELF_REFERENCE = ("我", "本")
_OPENING_CHARS = 600
# A short form names the body by its level alone ("省教育厅", "区国资委"); the full form adds the place.
_SHORT_FORM_START = tuple("省市区县州镇乡")
_FULL_FORM_BEFORE = r"(?:^|(?<=[^\u4e00-\u9fff]))(?P<place>[\u4e00-\u9fff]{2,6}?)"
_WHITESPACE = re.compile(r"\s+")


def _title_zone(norm: str) -> int:
    heading = _FIRST_HEADING.search(norm, 0, _TITLE_ZONE)
    return heading.start() if heading else min(len(norm), _TITLE_ZONE)


def _title(norm: str) -> re.Match | None:
    """The body's own title line if it has one, else a crawled page's ``标题:`` line."""
    labelled = None
    for match in _TITLE.finditer(norm, 0, _title_zone(norm)):
        line_start = norm.rfind("\n", 0, match.start()) + 1
        if not _LABEL_LINE.fullmatch(norm, line_start, match.start()):
            return match
        labelled = labelled or match
    return labelled


def _full_form(norm: str, short: tuple[int, int]) -> tuple[int, int]:
    """The most printed full form of a short-form body name, or the short form when the text has none."""
    name = norm[slice(*short)]
    if not name.startswith(_SHORT_FORM_START):
        return short
    forms = Counter()
    first = {}
    for match in re.finditer(_FULL_FORM_BEFORE + re.escape(name), norm):
        forms[match.group()] += 1
        first.setdefault(match.group(), match.span())
    if not forms:
        return short
    return first[forms.most_common(1)[0][0]]


def _body_from_text(norm: str) -> tuple[int, int] | None:
    opening = norm[:_OPENING_CHARS]
    for pattern in (_OPENING_BODY, _QUOTED_NAME, _COMPILER):
        for match in pattern.finditer(opening):
            if not match["body"].startswith(_SELF_REFERENCE):
                return _full_form(norm, match.span("body"))
    signature = _SIGNATURE.search(norm, max(0, len(norm.rstrip()) - _SIGNATURE_ZONE), len(norm.rstrip()))
    return signature.span("body") if signature else None


def read_meta(doc: Document) -> dict:
    """{"year": int | None, "agency": str | None, "title": str | None}, strings as the reader's text prints them.

    Title and agency keep every printed character but whitespace: a title printed over two lines, or
    with spaces around its year, is one string.
    """
    norm = doc.norm
    title = _title(norm)
    agency = title.span("body") if title is not None and title["body"] else _body_from_text(norm)
    year = (title["year"] if title is not None else None) or next(
        (match.group(1) for match in (_PERIOD_YEAR.search(norm), _YEAR.search(norm, 0, _OPENING_CHARS)) if match),
        None)

    def printed(span):
        return _WHITESPACE.sub("", doc.text[slice(*doc.text_span(*span))]) if span else None

    return {"year": int(year) if year else None, "agency": printed(agency),
            "title": printed(title.span()) if title is not None else None}
