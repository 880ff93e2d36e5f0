"""``nianbao parse`` with the real rule layer: one report in every format and encoding gives the same values.

A seed report is written as UTF-8, GBK and UTF-16 text, as HTML, as a Word file and as a PDF (reportlab,
the standard CID font STSong-Light: a real Chinese text layer with no font file needed), and the batch
parses them with two worker processes.
"""
from __future__ import annotations

import html
import json

import docx
import pytest

from nianbao.cli import main
from nianbao.paths import REAL_DEV_DIR, SEEDS_DIR

SEED = SEEDS_DIR / "003_09886ce637bf6d9d.txt"  # a seed GBK can encode


def parse(*argv) -> int:
    return main(["parse", *map(str, argv), "--system", "rules", "--no-progress"])


def write_pdf(path, lines: list[str]) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    page, top = canvas.Canvas(str(path)), 800
    for line in lines:
        if top < 40:
            page.showPage()
            top = 800
        page.setFont("STSong-Light", 8)
        page.drawString(30, top, line.replace("\t", "    "))
        top -= 12
    page.save()


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    """The seed in six formats and encodings, parsed in one batch; the records by output name."""
    folder = tmp_path_factory.mktemp("formats")
    text = SEED.read_text(encoding="utf-8")
    (folder / "utf8.txt").write_text(text, encoding="utf-8")
    (folder / "gbk.txt").write_bytes(text.encode("gbk"))
    (folder / "utf16.txt").write_bytes(text.encode("utf-16"))
    (folder / "page.html").write_text("<html><body>" + "".join(f"<p>{html.escape(line)}</p>"
                                                               for line in text.splitlines()) + "</body></html>")
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.save(str(folder / "word.docx"))
    write_pdf(folder / "printed.pdf", text.splitlines())
    (folder / "news.html").write_text("<html><body><h1>新闻</h1><p>今天召开了政务公开工作会议。</p></body></html>")
    out = folder / "out"
    status = parse(folder, "--out", out, "--workers", "2")
    records = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in out.glob("*.json")}
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    return status, records, errors


def values(record: dict) -> dict:
    return {key: field["value"] for key, field in record["fields"].items()}


@pytest.mark.parametrize("name", ["gbk", "utf16", "page", "word", "printed"])
def test_every_format_and_encoding_gives_the_values_of_the_utf8_text(parsed, name):
    _, records, _ = parsed
    assert records["utf8"]["template"] == "2019"
    assert sum(value is not None for value in values(records["utf8"]).values()) > 100
    assert values(records[name]) == values(records["utf8"])
    assert records[name]["meta"] == records["utf8"]["meta"]


def test_a_page_with_no_report_is_an_error_not_a_record_of_nulls(parsed):
    status, records, errors = parsed
    assert status == 1
    assert "news" not in records
    assert [(error["source"].rsplit("/", 1)[1], error["reason"]) for error in errors] == [
        ("news.html", "no report found: not one table cell of a report is in the text")]


def test_a_5_mb_text_is_parsed_within_bounds(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    (tmp_path / "big.txt").write_text(text * (5_000_000 // len(text.encode("utf-8")) + 1), encoding="utf-8")
    assert parse(tmp_path / "big.txt", "--out", tmp_path / "out") == 0
    record = json.loads((tmp_path / "out" / "big.json").read_text(encoding="utf-8"))
    assert record["template"] == "2019"


@pytest.mark.slow
def test_two_workers_with_the_default_system_give_the_records_of_parsing_in_process(tmp_path):
    """A worker loads the shipped model at the first report the rules do not settle (pingtan-2025's glued
    rows cut several ways; the seeds settle); what the workers write is what ``parse_document`` gives here."""
    from nianbao.pipeline import parse_document
    from nianbao.readers import read_document

    reports = [*sorted(SEEDS_DIR.glob("*.txt"))[:2], REAL_DEV_DIR / "reports" / "pingtan-2025.txt",
               REAL_DEV_DIR / "reports" / "huaian-2024.txt"]
    (tmp_path / "in").mkdir()
    for report in reports:
        (tmp_path / "in" / report.name).write_bytes(report.read_bytes())
    assert main(["parse", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--workers", "2",
                 "--no-progress"]) == 0
    by = {}
    for report in reports:
        record = json.loads((tmp_path / "out" / f"{report.stem}.json").read_text(encoding="utf-8"))
        assert record["fields"] == parse_document(read_document(report)).to_json()["fields"]
        by[report.stem] = {field["by"] for field in record["fields"].values()}
    assert "both" in by["pingtan-2025"] and all(by[seed.stem] <= {"rules", None} for seed in reports[:2])
