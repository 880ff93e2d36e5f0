"""Mutations of the seed reports for fuzzing, shared by ``tests/test_fuzz.py`` and ``benchmarks/bench_fuzz.py``.

Seed reports are mutated as text (characters inserted, deleted, repeated; digit runs of hundreds; lines
glued as a scraper glues a row's label and cells) and as files (bytes of a DOCX, a PDF and an HTML page
of a seed flipped, cut, truncated, repeated).  ``parsed_or_named`` is the property every mutant keeps.
"""
from __future__ import annotations

import html
import io

import docx
from hypothesis import strategies as st

from nianbao.errors import InputError
from nianbao.paths import SEEDS_DIR
from nianbao.pipeline import parse_document
from nianbao.readers import read_document

SEEDS = sorted(SEEDS_DIR.glob("*.txt"))
# Characters a mutation inserts: what tables and reports are made of, and what breaks readers.
PIECES = ["0", "1", "9", "12", " | ", "\n", "\t", "、", "（一）", "总计", "申请", "万元", ".", ",", "-", "\x00",
          "\ufffd", "年", "一、", "三、收到和处理政府信息公开申请情况", "<", "&", "\u200b", "㈠", "１"]
ENCODINGS = ["utf-8", "utf-8 with a stray byte", "gb18030"]


def parsed_or_named(path, system: str = "rules", labeller=None) -> None:
    """Read and parse ``path``: an ``InputError`` with a reason, or a report whose every field quotes the
    reader's text (``raw == text[start:end]``); anything else raises."""
    try:
        doc = read_document(path)
    except InputError as error:
        assert error.reason
        return
    report = parse_document(doc, system, labeller)
    for key, field in report.fields.items():
        if field.raw is not None:
            assert doc.text[field.start:field.end] == field.raw, key


def encoded(text: str, encoding: str) -> bytes:
    """A mutated text as a file's bytes: UTF-8, UTF-8 with one stray byte in its middle, or GB18030."""
    data = text.encode("gb18030" if encoding == "gb18030" else "utf-8", errors="replace")
    if encoding == "utf-8 with a stray byte":
        data = data[:len(data) // 2] + b"\xff" + data[len(data) // 2:]
    return data


@st.composite
def mutated_text(draw) -> str:
    text = SEEDS[draw(st.integers(0, len(SEEDS) - 1))].read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "repeat", "digits", "glue", "glue"]))
        if kind == "insert":
            text = text[:at] + "".join(draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8))) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 400)):]
        elif kind == "repeat":
            text = text[:at] + text[at:at + draw(st.integers(1, 200))] * draw(st.integers(2, 20)) + text[at:]
        elif kind == "digits":  # a run of digits, up to far longer than any printed row
            text = text[:at] + draw(st.text("0123456789", min_size=20, max_size=400)) + text[at:]
        else:  # lines joined with their spacing dropped: a scraper that glued a row's label and cells
            lines = text.split("\n")
            first = draw(st.integers(0, len(lines) - 1))
            last = first + draw(st.integers(2, 80))
            glued = "".join(line.strip() for line in lines[first:last])
            if draw(st.booleans()):  # and one of its digits repeated into a run of hundreds
                digit = next((i for i, ch in enumerate(glued) if ch.isdigit()), None)
                if digit is not None:
                    glued = glued[:digit] + glued[digit] * draw(st.integers(100, 400)) + glued[digit:]
            text = "\n".join([*lines[:first], glued, *lines[last:]])
    return text


def mutate_bytes(data: bytes, draw) -> bytes:
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["flip", "cut", "truncate", "repeat"]))
        if kind == "flip":
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
        elif kind == "cut":
            data = data[:at] + data[at + draw(st.integers(1, 2000)):]
        elif kind == "truncate":
            data = data[:at]
        else:
            data = data[:at] + data[at:at + draw(st.integers(1, 500))] * draw(st.integers(2, 5)) + data[at:]
    return data


def seed_files() -> dict[str, bytes]:
    """A seed as a DOCX, a PDF and an HTML page, the bytes mutations start from."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    lines = SEEDS[0].read_text(encoding="utf-8").splitlines()
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    word = io.BytesIO()
    document.save(word)
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    printed = io.BytesIO()
    page = canvas.Canvas(printed)
    page.setFont("STSong-Light", 8)
    for row, line in enumerate(lines[:60]):
        page.drawString(30, 800 - 12 * row, line.replace("\t", "    "))
    page.save()
    page_html = "<html><body>" + "".join(f"<p>{html.escape(line)}</p>" for line in lines) + "</body></html>"
    return {".docx": word.getvalue(), ".pdf": printed.getvalue(), ".html": page_html.encode("utf-8")}
