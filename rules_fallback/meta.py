"""A report's metadata: reporting year, the body that reports, and its title line.

Reports name themselves in a few set ways, tried in this order:

- a title line near the top: "袁州区2020年政府信息公开工作年度报告" (the body is the part before the year);
- the opening sentence: "2020年，殷都区人民政府在市委…的正确领导下" or
  "2020年,在区委、区政府的正确领导下,区国资委贯彻落实…" (the body is the subject after the year);
- the report's own name quoted in the preface: "…编写了《河北省工业和信息化厅2019年度政府信息公开工作报告》".

A report without a title line has title null; a body the text never names is null.
"""
from __future__ import annotations

import re
from itertools import islice

from nianbao.text import Document

# How far from the top a title line may be, and how long it may be.
_TOP_SEGMENTS = 6
_MAX_TITLE = 60
# Lines, or the stretches between runs of (full-width) spaces that scraped text keeps instead of lines.
# A segment starts at a printed character, so a centred title line ("        东湖市…年度报告") is one
# segment, not eight segments of spaces.
_SEGMENT = re.compile(r"\S[^\n]*?(?=\s{2,}|\n|$)")
# A title names the body and the year, then the report: "南平区人民政府2024年政府信息公开工作报告".  It
# starts its line and ends at a space, the line's end, or where glued text runs straight on into the
# first heading or the preface: "南平区人民政府2024年政府信息公开工作报告 一、总体情况 2024年，…",
# "海水区人民政府2024年度政府信息公开工作报告一、总体情况2024年,…", "…工作报告根据《中华人民共和国…".
_TITLE = re.compile(rf"[^\s。,，；;]{{0,{_MAX_TITLE}}}?政府信息公开[^\s。,，；;]*?(?:年度报告|年报|工作报告)"
                    r"(?=\s|$|(?:[一二三四五六七八九十]+|\d+)[、.]|根据|依据|按照)")
_TITLE_START = re.compile(rf"[^\s。,，；;]{{0,{_MAX_TITLE}}}?政府信息公开[^\s。,，；;]*")
_LINE_BREAK = re.compile(r"\s*\n\s*")
_YEAR = re.compile(r"(20\d\d)年")
_PERIOD_YEAR = re.compile(r"统计期限[^。]{0,8}?(20\d\d)年")
# The body's name ends with one of these; it is followed by what it did (在/坚持/贯彻…).
_BODY_ENDS = ("人民政府|政府|委员会|办公室|办事处|街道|管委会|局|厅|部|委|办|中心|镇|乡|区|县|市|院|署|所|站|队")
_BODY_DOES = ("在|坚持|深入|认真|严格|贯彻|按照|围绕|以|紧紧|全面|始终|高度|进一步|不断|积极|立足|聚焦|持续|扎实|"
              "切实|着力|主动|依法|继续|根据|结合|编写|编制|共")
_OPENING_BODY = re.compile(
    rf"20\d\d年(?:度|以来)?[,，]\s*(?:在[^,，。]{{0,30}}(?:领导|指导)下[,，]\s*)?"
    rf"(?P<body>[\u4e00-\u9fff]{{2,30}}?(?:{_BODY_ENDS}))(?={_BODY_DOES})")
_QUOTED_NAME = re.compile(r"《(?P<body>[\u4e00-\u9fff]{2,30}?)20\d\d年度?政府信息公开工作(?:年度)?报告》")
_SELF_REFERENCE = ("我", "本")
_OPENING_CHARS = 600


def _title_at(line: str) -> int | None:
    """Length of the title that ``line`` starts with, or None."""
    match = _TITLE.match(line)
    return match.end() if match else None


def _title_span(norm: str) -> tuple[int, int] | None:
    segments = list(islice(_SEGMENT.finditer(norm), _TOP_SEGMENTS + 1))
    for index, match in enumerate(segments[:_TOP_SEGMENTS]):
        line = match.group()
        skip = len(line) - len(line.lstrip("#*> \t"))  # a markdown heading: "# 东湖市…年度报告"
        start = match.start() + skip
        length = _title_at(line[skip:])
        if length is not None:
            return start, start + length
        # A title wrapped by a PDF's line width: "北云县人力资源和社会保障局2019年政府信息公开\n   工作报告".
        following = segments[index + 1] if index + 1 < len(segments) else None
        if (following is not None and _TITLE_START.fullmatch(line[skip:])
                and norm[match.end():following.start()].count("\n") == 1):
            length = _title_at(line[skip:] + following.group())
            if length is not None and length > len(line) - skip:
                return start, following.start() + length - (len(line) - skip)
    return None


def _body_from_text(norm: str) -> tuple[int, int] | None:
    opening = norm[:_OPENING_CHARS]
    for pattern in (_OPENING_BODY, _QUOTED_NAME):
        for match in pattern.finditer(opening):
            if not match["body"].startswith(_SELF_REFERENCE):
                return match.span("body")
    return None


def read_meta(doc: Document) -> dict:
    """{"year": int | None, "agency": str | None, "title": str | None}, strings as the reader's text prints them."""
    norm = doc.norm
    title = _title_span(norm)
    agency = None
    year_match = None
    if title is not None:
        year_match = _YEAR.search(norm, *title)
        if year_match is not None and norm[title[0]:year_match.start()].strip():
            agency = (title[0], year_match.start())
    if agency is None:
        agency = _body_from_text(norm)
    if year_match is None:
        year_match = _PERIOD_YEAR.search(norm) or _YEAR.search(norm, 0, _OPENING_CHARS)

    def printed(span):
        return doc.text[slice(*doc.text_span(*span))].strip() if span else None

    title_text = printed(title)
    return {"year": int(year_match.group(1)) if year_match else None,
            "agency": printed(agency), "title": title_text and _LINE_BREAK.sub("", title_text)}
