"""PDF reader: the text layer page by page, ruled tables one row per line; scans and broken files refused.

The PDFs are made here with reportlab (a test dependency), which draws Chinese in the standard Adobe CID
font STSong-Light: no font file is needed on the machine and the PDF carries a real Chinese text layer.
"""
from __future__ import annotations

import pytest

from nianbao.errors import InputError
from nianbao.readers import read_document


def reason(path) -> str:
    with pytest.raises(InputError) as caught:
        read_document(path)
    return caught.value.reason


def seed_pdf(path, with_text: bool = True):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cjk", fontName="STSong-Light", fontSize=10, wordWrap="CJK")
    table = Table([["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
                   ["规章", "0", "0", "0"],
                   ["规范性文件", "1", "", "1"]])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 9),
                               ("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    story = [Paragraph("二、主动公开政府信息情况", style), table, PageBreak(),
             Paragraph("三、收到和处理政府信息公开申请情况", style)] if with_text else [PageBreak()]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


def test_pdf_text_layer_with_table_rows(tmp_path):
    seed_pdf(tmp_path / "report.pdf")
    assert read_document(tmp_path / "report.pdf").text == (
        "二、主动公开政府信息情况\n"
        "信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量\n"
        "规章 | 0 | 0 | 0\n"
        "规范性文件 | 1 |  | 1\n"
        "三、收到和处理政府信息公开申请情况\n")


def test_a_pdf_without_text_layer_needs_ocr(tmp_path):
    from reportlab.pdfgen import canvas

    scan = canvas.Canvas(str(tmp_path / "scan.pdf"))
    scan.rect(72, 72, 300, 400, fill=1)  # a scanned page: pictures, no characters
    scan.save()
    assert reason(tmp_path / "scan.pdf") == "no text layer: needs OCR"


@pytest.mark.parametrize("keep", [0.5, 0.1])
def test_a_truncated_pdf(tmp_path, keep):
    seed_pdf(tmp_path / "whole.pdf")
    data = (tmp_path / "whole.pdf").read_bytes()
    (tmp_path / "cut.pdf").write_bytes(data[: int(len(data) * keep)])
    assert reason(tmp_path / "cut.pdf").startswith("not a valid PDF: ")


def test_a_password_protected_pdf(tmp_path):
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    locked = canvas.Canvas(str(tmp_path / "locked.pdf"), encrypt=StandardEncryption("secret"))
    locked.drawString(72, 720, "2020 30")
    locked.save()
    assert reason(tmp_path / "locked.pdf") == "the PDF is password-protected"
