"""Readers: every format gives the parsers the same text, table rows kept as `` | ``-separated cells.

Bad input never reaches the parsers: it raises ``InputError`` naming the file and the reason.
"""
from __future__ import annotations

import os

import docx
import pytest

from nianbao.errors import InputError
from nianbao.paths import SEEDS_DIR
from nianbao.readers import read_document

SEED = SEEDS_DIR / "003_09886ce637bf6d9d.txt"  # a seed GBK can encode (no U+00A0, U+2002)


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def reason(path) -> str:
    with pytest.raises(InputError) as caught:
        read_document(path)
    assert caught.value.source == str(path)
    return caught.value.reason


# ------------------------------------------------------------------------------------------ plain text

@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-16-le", "utf-8-sig"])
def test_a_seed_reencoded_reads_as_the_same_text(tmp_path, encoding):
    path = tmp_path / f"seed-{encoding}.txt"
    path.write_bytes(seed_text().encode(encoding))
    document = read_document(path)
    assert document.text == seed_text()
    assert document.norm == read_document(SEED).norm


def test_the_normalised_view_maps_back_to_the_read_text(tmp_path):
    path = tmp_path / "fullwidth.txt"
    path.write_text("申请数量　３０件\r\n", encoding="utf-8")
    document = read_document(path)
    assert document.norm == "申请数量 30件\n"
    start = document.norm.index("30")
    begin, end = document.text_span(start, start + 2)
    assert document.text[begin:end] == "３０"


def test_an_unknown_suffix_is_read_as_text_when_it_decodes(tmp_path):
    path = tmp_path / "report.dat"
    path.write_text("一、总体情况\n", encoding="utf-8")
    assert read_document(path).text == "一、总体情况\n"


def test_a_very_large_text_is_read_whole(tmp_path):
    text = seed_text()
    big = text * (5_000_000 // len(text.encode("utf-8")) + 1)
    path = tmp_path / "big.txt"
    path.write_text(big, encoding="utf-8")
    document = read_document(path)
    assert len(document.text) == len(big)
    assert len(document.offsets) == len(document.norm) + 1


# ---------------------------------------------------------------------------------------- bad input

def test_a_missing_file(tmp_path):
    assert reason(tmp_path / "absent.txt") == "no such file"


def test_a_folder_is_not_a_file(tmp_path):
    assert reason(tmp_path) == "not a regular file"


@pytest.mark.parametrize("name", ["empty.txt", "empty.html", "empty.docx", "empty.pdf"])
def test_an_empty_file(tmp_path, name):
    (tmp_path / name).write_bytes(b"")
    assert reason(tmp_path / name) == "the file is empty"


def test_an_old_word_file_asks_for_docx(tmp_path):
    (tmp_path / "report.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    assert reason(tmp_path / "report.doc") == "a Word 97-2003 file: save it as .docx (or export it as PDF) and parse that"


def test_a_file_of_blanks_is_empty(tmp_path):
    (tmp_path / "blank.txt").write_bytes(b" \n\n\t ")
    assert reason(tmp_path / "blank.txt") == "the file is empty"


@pytest.mark.parametrize("data", [os.urandom(4096), b"\x89PNG\r\n\x1a\n" + os.urandom(4096), b"\x00" * 512],
                         ids=["random", "png", "nuls"])
def test_binary_data_is_not_text(tmp_path, data):
    (tmp_path / "binary.txt").write_bytes(data)
    assert reason(tmp_path / "binary.txt").startswith("binary data, not text")


# --------------------------------------------------------------------------------------------- HTML

def write_html(tmp_path, body: str, encoding: str = "utf-8"):
    path = tmp_path / "page.html"
    path.write_bytes(f"<html><head><meta charset='{encoding}'><title>网站</title>"
                     f"<style>td {{}}</style><script>var a = '脚本';</script></head>"
                     f"<body>{body}</body></html>".encode(encoding))
    return path


def test_html_tables_come_out_one_row_per_line(tmp_path):
    path = write_html(tmp_path, """
        <h2>二、主动公开政府信息情况</h2><!-- 注释 -->
        <table>
          <tr><th>信息内容</th><th>本年新<br>制作数量</th><th>本年新<p>公开数量</p></th></tr>
          <tr><td>规章</td><td> 0 </td><td>0</td></tr>
          <tr><td>规范性文件</td><td>1</td><td>1</td></tr>
        </table>
        <p>三、收到和处理政府信息公开申请情况</p>""", encoding="gbk")
    assert read_document(path).text == (
        "二、主动公开政府信息情况\n"
        "信息内容 | 本年新制作数量 | 本年新公开数量\n"
        "规章 | 0 | 0\n"
        "规范性文件 | 1 | 1\n"
        "三、收到和处理政府信息公开申请情况\n")


def test_html_rowspan_keeps_the_values_in_their_columns(tmp_path):
    path = write_html(tmp_path, """<table>
        <tr><td rowspan="2">三、本年度办理结果</td><td>（一）予以公开</td><td>5</td></tr>
        <tr><td>（二）部分公开</td><td>1</td></tr>
        <tr><td colspan="2">四、结转下年度继续办理</td><td>0</td></tr></table>""")
    assert read_document(path).text.splitlines() == [
        "三、本年度办理结果 | （一）予以公开 | 5",
        " | （二）部分公开 | 1",
        "四、结转下年度继续办理 | 0",
    ]


def test_html_script_style_and_head_are_dropped(tmp_path):
    text = read_document(write_html(tmp_path, "<div>正文<span>内容</span></div>")).text
    assert text == "正文内容\n"


def test_an_html_page_with_no_text(tmp_path):
    path = write_html(tmp_path, "<div> </div><script>document.write('报告')</script><img src='x.png'>")
    assert reason(path) == "the HTML page has no text"


# --------------------------------------------------------------------------------------------- DOCX

def seed_docx(path):
    """A Word file made from the seed: its lines as paragraphs, plus one table with merged cells."""
    document = docx.Document()
    for line in seed_text().splitlines():
        document.add_paragraph(line)
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "三、本年度办理结果"
    table.cell(0, 1).text, table.cell(0, 2).text = "（一）予以公开", "5"
    table.cell(1, 1).text, table.cell(1, 2).text = "（二）部分公开", "1"
    table.cell(2, 0).merge(table.cell(2, 1)).text = "四、结转下年度继续办理"
    table.cell(2, 2).text = "0"
    document.add_paragraph("六、其他需要报告的事项")
    document.save(str(path))


def test_docx_paragraphs_and_tables_in_document_order(tmp_path):
    seed_docx(tmp_path / "report.docx")
    lines = [line for line in read_document(tmp_path / "report.docx").text.splitlines() if line.strip()]
    seed_lines = [line.rstrip() for line in seed_text().splitlines() if line.strip()]
    assert lines[:len(seed_lines)] == seed_lines
    assert lines[len(seed_lines):] == [
        "三、本年度办理结果 | （一）予以公开 | 5",
        " | （二）部分公开 | 1",
        "四、结转下年度继续办理 | 0",
        "六、其他需要报告的事项",
    ]


def test_a_truncated_docx(tmp_path):
    seed_docx(tmp_path / "whole.docx")
    data = (tmp_path / "whole.docx").read_bytes()
    (tmp_path / "cut.docx").write_bytes(data[: len(data) // 2])
    assert reason(tmp_path / "cut.docx").startswith("not a valid DOCX: ")


def test_a_zip_that_is_not_a_word_file(tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "other.docx", "w") as archive:
        archive.writestr("readme.txt", "not a document")
    assert reason(tmp_path / "other.docx").startswith("not a valid DOCX: ")
