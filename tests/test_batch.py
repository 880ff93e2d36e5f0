"""``nianbao parse`` as a batch: every good file gives a record, every bad one a line in errors.jsonl.

The parser is replaced by a small stand-in here (the runs are in-process: one worker and no limits), so these tests
specify the batch machinery alone: outputs, errors, resume, formats and exit codes.  The real parser
runs in ``test_batch_real.py`` and ``test_batch_resume.py``.
"""
from __future__ import annotations

import json
import zipfile

import pandas as pd
import pytest

from nianbao import pipeline, systems
from nianbao.cli import main
from nianbao.records import Check, Field, Report

CALLS: list[str] = []


def stand_in_parser(doc, system="hybrid", labeller=None):
    """A report whose one field is the count of lines; "崩溃" makes it raise, "核对" fails a check, "新闻"
    finds no table cell."""
    CALLS.append(doc.source)
    if "崩溃" in doc.norm:
        raise RuntimeError("stand-in parser tripped")
    lines = doc.norm.count("\n")
    if "新闻" in doc.norm:  # no table cell found: every field unprinted
        return Report(doc.source, "2021", {}, {"requests.new.natural": Field(None)})
    checks = [Check("sum", "requests.total", "核对" not in doc.norm, 1, 2, ["requests.total.total"])]
    return Report(source=doc.source, template="2019", meta={"year": 2020, "agency": None, "title": None},
                  fields={"requests.new.natural": Field(lines, raw=str(lines), by="rules")}, checks=checks,
                  warnings=["短"] if lines < 2 else [])


@pytest.fixture(autouse=True)
def stand_in(monkeypatch):
    CALLS.clear()
    monkeypatch.setattr(pipeline, "parse_document", stand_in_parser)
    monkeypatch.setattr(systems, "system_version", lambda system: f"{system}-test-1")


def parse(*argv) -> int:
    return main(["parse", *map(str, argv), "--no-progress", "--timeout", "0", "--max-memory", "0"])


def write(folder, name, data):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def errors_of(out):
    return [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]


def summary_of(capsys) -> str:
    return capsys.readouterr().out.splitlines()[0]


@pytest.fixture
def mixed(tmp_path):
    """Good reports beside broken files of every kind."""
    folder = tmp_path / "in"
    write(folder, "good1.txt", "一、总体情况\n二、主动公开\n")
    write(folder, "good2.html", "<p>一、总体情况</p><p>二、主动公开</p><p>核对</p>")
    write(folder, "short.txt", "一、总体情况")
    write(folder, "empty.txt", b"")
    write(folder, "binary.txt", bytes(range(256)) * 16)
    write(folder, "cut.docx", b"PK\x03\x04" + b"\x00" * 40)
    write(folder, "cut.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog")
    write(folder, "crash.txt", "崩溃\n")
    return folder


def test_a_batch_with_broken_files_writes_every_good_result_and_lists_every_broken_one(mixed, tmp_path, capsys):
    out = tmp_path / "out"
    assert parse(mixed, tmp_path / "absent.txt", "--out", out) == 1
    assert sorted(p.name for p in out.glob("*.json")) == ["good1.json", "good2.json", "short.json"]
    record = json.loads((out / "good1.json").read_text(encoding="utf-8"))
    assert record["source"] == str(mixed / "good1.txt")
    assert record["fields"]["requests.new.natural"]["value"] == 2
    reasons = {error["source"]: error["reason"] for error in errors_of(out)}
    assert reasons == {
        str(tmp_path / "absent.txt"): "no such file or folder",
        str(mixed / "empty.txt"): "the file is empty",
        str(mixed / "binary.txt"): reasons[str(mixed / "binary.txt")],
        str(mixed / "cut.docx"): reasons[str(mixed / "cut.docx")],
        str(mixed / "cut.pdf"): reasons[str(mixed / "cut.pdf")],
        str(mixed / "crash.txt"): "parser failed: RuntimeError: stand-in parser tripped",
    }
    assert reasons[str(mixed / "binary.txt")].startswith("binary data, not text")
    assert reasons[str(mixed / "cut.docx")].startswith("not a valid DOCX: ")
    assert reasons[str(mixed / "cut.pdf")].startswith("not a valid PDF: ")
    assert summary_of(capsys) == ("nianbao parse: 9 files: 3 parsed, 0 skipped (already done), 6 failed; "
                                  "1 reports with failing checks, 1 with warnings")


def test_all_parsed_exits_0_and_leaves_an_empty_error_list(tmp_path):
    write(tmp_path / "in", "a.txt", "一\n二\n")
    assert parse(tmp_path / "in", "--out", tmp_path / "out") == 0
    assert errors_of(tmp_path / "out") == []


def test_a_rerun_skips_what_is_done_and_retries_what_failed(mixed, tmp_path, capsys):
    out = tmp_path / "out"
    parse(mixed, "--out", out)
    capsys.readouterr()
    before = (out / "good1.json").stat().st_mtime_ns
    CALLS.clear()
    assert parse(mixed, "--out", out) == 1
    assert summary_of(capsys).startswith("nianbao parse: 8 files: 0 parsed, 3 skipped (already done), 5 failed; "
                                         "1 reports with failing checks, 1 with warnings")
    assert sorted(CALLS) == [str(mixed / "crash.txt")]  # only the file that failed in the parser is parsed again
    assert (out / "good1.json").stat().st_mtime_ns == before


def test_a_rerun_parses_again_a_record_that_does_not_read_back(mixed, tmp_path, capsys):
    """Records are synced once at a batch's end, not one by one: one a power cut tore before that is
    parsed again by the next run, not kept."""
    out = tmp_path / "out"
    parse(mixed, "--out", out)
    capsys.readouterr()
    whole = (out / "good2.json").read_bytes()
    (out / "good1.json").write_bytes(b"")
    (out / "good2.json").write_bytes(whole[: len(whole) // 2])
    CALLS.clear()
    parse(mixed, "--out", out)
    assert "2 parsed, 1 skipped (already done)" in summary_of(capsys)
    assert sorted(CALLS) == sorted(str(mixed / name) for name in ("crash.txt", "good1.txt", "good2.html"))
    assert (out / "good2.json").read_bytes() == whole


def test_a_changed_file_a_new_system_version_and_force_parse_again(tmp_path, capsys, monkeypatch):
    folder, out = tmp_path / "in", tmp_path / "out"
    write(folder, "a.txt", "一\n")
    write(folder, "b.txt", "一\n")
    parse(folder, "--out", out)
    write(folder, "a.txt", "一\n二\n三\n")
    CALLS.clear()
    parse(folder, "--out", out)
    assert CALLS == [str(folder / "a.txt")]
    assert json.loads((out / "a.json").read_text(encoding="utf-8"))["fields"]["requests.new.natural"]["value"] == 3
    CALLS.clear()
    parse(folder, "--out", out, "--force")
    assert CALLS == [str(folder / "a.txt"), str(folder / "b.txt")]
    monkeypatch.setattr(systems, "system_version", lambda system: f"{system}-test-2")
    CALLS.clear()
    parse(folder, "--out", out)
    assert len(CALLS) == 2


def test_the_state_journal_keeps_one_line_per_record(tmp_path):
    write(tmp_path / "in", "a.txt", "一\n")
    for _ in range(3):
        parse(tmp_path / "in", "--out", tmp_path / "out", "--force")
    lines = (tmp_path / "out" / ".nianbao-state.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["record"] == "a.json"


def test_a_torn_journal_line_and_stale_temporaries_do_not_stop_a_run(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    write(folder, "a.txt", "一\n")
    write(folder, "b.txt", "一\n")
    parse(folder, "--out", out)
    state = out / ".nianbao-state.jsonl"
    state.write_text(state.read_text(encoding="utf-8")[:-20], encoding="utf-8")  # a kill mid-append
    write(out, ".b.json.999.nianbao-tmp", '{"source": ')
    CALLS.clear()
    assert parse(folder, "--out", out) == 0
    assert CALLS == [str(folder / "b.txt")]
    assert not list(out.glob(".*nianbao-tmp"))


def test_colliding_stems_get_one_output_each_and_a_note(tmp_path, capsys):
    write(tmp_path / "in" / "2020", "report.txt", "一\n")
    write(tmp_path / "in" / "2021", "report.txt", "一\n二\n")
    assert parse(tmp_path / "in", "--out", tmp_path / "out") == 0
    assert sorted(p.name for p in (tmp_path / "out").glob("*.json")) == ["2020__report_txt.json",
                                                                        "2021__report_txt.json"]
    assert "2 files share the name 'report'" in capsys.readouterr().err


@pytest.mark.parametrize("output_format", ["jsonl", "csv", "parquet"])
def test_collection_formats_hold_every_good_report_in_input_order(mixed, tmp_path, output_format):
    out = tmp_path / "out"
    assert parse(mixed, "--out", out, "--format", output_format) == 1
    assert not list(out.glob("*.json"))
    if output_format == "jsonl":
        sources = [json.loads(line)["source"] for line in (out / "reports.jsonl").read_text("utf-8").splitlines()]
    else:
        read = pd.read_csv if output_format == "csv" else pd.read_parquet
        sources = read(out / f"reports.{output_format}")["source"].tolist()
        long = read(out / f"fields_long.{output_format}")
        assert long["field"].tolist() == ["requests.new.natural"] * 3
    assert sources == [str(mixed / name) for name in ("good1.txt", "good2.html", "short.txt")]
    CALLS.clear()
    parse(mixed, "--out", out, "--format", output_format)  # resumed: the collection is whole again
    assert CALLS == [str(mixed / "crash.txt")]
    if output_format == "jsonl":
        assert len((out / "reports.jsonl").read_text("utf-8").splitlines()) == 3


def test_bad_usage_exits_2(tmp_path, capsys):
    write(tmp_path, "a.txt", "一\n")
    with pytest.raises(SystemExit) as caught:
        parse(tmp_path / "a.txt", "--out", tmp_path / "out", "--workers", "0")
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        parse(tmp_path / "a.txt", "--out", tmp_path / "out", "--format", "xml")
    assert caught.value.code == 2
    assert parse(tmp_path / "a.txt", "--out", tmp_path / "a.txt") == 2
    assert "--out must be a folder" in capsys.readouterr().err


def test_a_list_of_inputs(tmp_path):
    write(tmp_path / "in", "a.txt", "一\n")
    write(tmp_path, "list.txt", "in/a.txt\nin/absent.txt\n")
    assert parse(f"@{tmp_path / 'list.txt'}", "--out", tmp_path / "out") == 1
    assert (tmp_path / "out" / "a.json").is_file()
    assert errors_of(tmp_path / "out") == [{"source": str(tmp_path / "in" / "absent.txt"),
                                          "reason": "no such file or folder"}]


def test_a_zip_renamed_docx_is_one_error_among_good_files(tmp_path):
    with zipfile.ZipFile(tmp_path / "odd.docx", "w") as archive:
        archive.writestr("x.txt", "x")
    write(tmp_path, "a.txt", "一\n")
    assert parse(tmp_path / "odd.docx", tmp_path / "a.txt", "--out", tmp_path / "out") == 1
    assert [e["source"] for e in errors_of(tmp_path / "out")] == [str(tmp_path / "odd.docx")]


def test_a_text_with_no_report_in_it_is_an_error(tmp_path):
    write(tmp_path, "news.html", "<h1>新闻</h1>")
    assert parse(tmp_path / "news.html", "--out", tmp_path / "out") == 1
    assert errors_of(tmp_path / "out") == [{"source": str(tmp_path / "news.html"),
                                            "reason": "no report found: not one table cell of a report is in the text"}]
    assert not (tmp_path / "out" / "news.json").exists()


def test_a_system_that_cannot_load_stops_the_run_before_any_file(tmp_path, capsys, monkeypatch):
    def no_checkpoint(system):
        raise FileNotFoundError("no model checkpoint installed in model/checkpoint (run `nianbao train`)")

    monkeypatch.setattr(systems, "system_version", no_checkpoint)
    write(tmp_path, "a.txt", "一\n")
    assert parse(tmp_path / "a.txt", "--out", tmp_path / "out", "--system", "hybrid") == 2
    assert "--system hybrid: no model checkpoint installed" in capsys.readouterr().err
    assert CALLS == [] and not (tmp_path / "out").exists()


def test_workers_are_forked_unless_a_model_runtime_is_loaded():
    """The command's process forks its workers (it never runs the model); a process that has loaded a
    runtime spawns them, as a fork of it would hang at its first forward pass."""
    import subprocess
    import sys

    script = ("from nianbao.workers import start_method; print(start_method()); "
              "import onnxruntime; print(start_method())")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["fork", "spawn"]


def test_forked_workers_read_with_the_model(tmp_path):
    """A fresh ``nianbao parse`` with two forked workers: one report the rules settle, one the model reads."""
    import subprocess
    import sys

    from nianbao.paths import REAL_DEV_DIR, SEEDS_DIR

    seed = sorted(SEEDS_DIR.glob("*.txt"))[0]
    unsettled = REAL_DEV_DIR / "reports" / "pingtan-2025.txt"
    subprocess.run([sys.executable, "-m", "nianbao", "parse", str(seed), str(unsettled), "--out", str(tmp_path),
                    "--workers", "2", "--no-progress"], check=True, capture_output=True, timeout=120)
    record = json.loads((tmp_path / "pingtan-2025.json").read_text(encoding="utf-8"))
    assert record["fields"]["active.normative.issued"]["value"] == 58
    assert record["fields"]["active.normative.issued"]["by"] in ("model", "both")
    assert json.loads((tmp_path / f"{seed.stem}.json").read_text(encoding="utf-8"))["fields"]
