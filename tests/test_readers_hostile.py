"""Readers against hostile files: caps refused with a reason before the memory goes, damage named,
deep nesting read, and nearly-valid UTF-8 read as text."""
from __future__ import annotations

import io
import zipfile

import docx
import pytest

from nianbao import readers
from nianbao.errors import InputError
from nianbao.readers import read_document

ROW = "行政许可 | 187 | 0 | 4677"


def docx_file(path, lines, extra: dict[str, bytes] | None = None):
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))
    if extra:
        with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
            for name, data in extra.items():
                archive.writestr(name, data)
    return path


def reason(path) -> str:
    with pytest.raises(InputError) as caught:
        read_document(path)
    return caught.value.reason


def test_a_docx_that_unpacks_past_the_cap_is_refused_before_it_is_inflated(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "DOCX_MAX_UNPACKED_MB", 1)
    path = docx_file(tmp_path / "bomb.docx", [ROW], {"word/media/zeros.bin": bytes(2 * 2**20)})
    assert reason(path) == "the DOCX unpacks to 3 MB, over the 1 MB a report can take (a zip bomb?)"  # 2 MB + the template


def test_a_docx_body_of_too_many_elements_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "DOCX_MAX_TAGS", 500)
    path = docx_file(tmp_path / "many.docx", [ROW] * 200)
    assert reason(path) == "the DOCX body has over 500 XML elements, far more than a report (millions of empty paragraphs?)"
    monkeypatch.setattr(readers, "DOCX_MAX_TAGS", 100_000)
    assert read_document(path).text.count(ROW) == 200


def pdf_file(path, pages: list[list[str]]):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    page = canvas.Canvas(str(path), pageCompression=1)
    for lines in pages:
        page.setFont("STSong-Light", 10)
        for row, line in enumerate(lines):
            page.drawString(40, 800 - 14 * row, line)
        page.showPage()
    page.save()
    return path


def test_a_pdf_of_more_pages_than_the_cap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "PDF_MAX_PAGES", 2)
    path = pdf_file(tmp_path / "long.pdf", [["一、总体情况"]] * 3)
    assert reason(path) == "the PDF has 3 pages, over the 2 a report can have"


def test_a_pdf_whose_content_inflates_past_the_cap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "PDF_MAX_STREAM_MB", 1)
    path = pdf_file(tmp_path / "bomb.pdf", [["一、总体情况", *[" " * 100_000] * 20]])  # 2 MB of spaces, compressed
    assert path.stat().st_size < 100_000
    assert reason(path) == "a page of the PDF inflates to over 1 MB of content (a PDF bomb?)"


def test_html_nested_a_thousand_deep_is_read(tmp_path):
    page = "<html><body>" + "<div>" * 1000 + "<p>一、总体情况</p><table><tr><td>行政许可</td><td>187</td></tr></table>" \
        + "</div>" * 1000 + "</body></html>"
    (tmp_path / "deep.html").write_text(page, encoding="utf-8")
    assert read_document(tmp_path / "deep.html").text == "一、总体情况\n行政许可 | 187\n"


@pytest.mark.parametrize("stray", [b"\x00", b"\xff"])
def test_utf8_with_one_stray_byte_is_text_with_a_warning(tmp_path, stray):
    text = "一、总体情况\n" + f"{ROW}\n" * 400
    (tmp_path / "report.txt").write_bytes(text[:10].encode("utf-8") + stray + text[10:].encode("utf-8"))
    doc = read_document(tmp_path / "report.txt")
    assert doc.text == text[:10] + "\ufffd" + text[10:]
    nul = stray == b"\x00"
    assert doc.warnings == [f"the file is UTF-8 but for {int(not nul)} undecodable byte sequence(s) and "
                            f"{int(nul)} NUL byte(s), read as U+FFFD"]


def test_bytes_mostly_not_utf8_are_still_binary(tmp_path):
    (tmp_path / "noise.txt").write_bytes(bytes(range(256)) * 40)
    assert reason(tmp_path / "noise.txt").startswith("binary data, not text")


def test_a_damaged_docx_that_trips_its_library_is_named_as_damaged(tmp_path):
    path = docx_file(tmp_path / "report.docx", [ROW])
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["word/document.xml"] = members["word/document.xml"].replace(b"<w:body>", b"<w:body><w:tbl><w:tr>", 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    assert reason(path).startswith(("not a valid DOCX: ", "damaged DOCX: "))
