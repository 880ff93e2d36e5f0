"""``nianbao annotations check`` on a bad export: every problem named, and what training would use."""
from __future__ import annotations

import json

from nianbao.cli import main
from nianbao.paths import SEEDS_DIR
from nianbao.readers import read_document
from training.features import example_document
from training.label_studio import Utf16Offsets, make_task, region

from conftest import report


def annotated_task(task_id: int, text: str, result: list) -> dict:
    task = make_task(text, [], "hybrid-x", 0.0, source=f"r{task_id}.txt")
    return {**task, "id": task_id, "annotations": [{"id": task_id, "result": result, "was_cancelled": False}]}


def value_regions(text: str, spans: list[dict]) -> list[dict]:
    return [region(span["key"], span["start"], span["end"], text) for span in spans if span["kind"] == "value"]


def test_a_bad_export_is_taken_apart(tmp_path, capsys):
    good_doc, good_spans = example_document(report(1))
    rare = "𠮷" + good_doc.norm  # a character outside the BMP, and regions counted in UTF-16 units after it
    utf16 = Utf16Offsets(rare)
    shifted = [{**item, "value": {**item["value"], "start": utf16.to_utf16(item["value"]["start"] + 1),
                                  "end": utf16.to_utf16(item["value"]["end"] + 1)}}
               for item in value_regions(good_doc.norm, good_spans)]
    partial_doc, partial_spans = example_document(report(2))
    wrong = value_regions(partial_doc.norm, partial_spans)[:1]
    wrong[0]["value"].update(start=wrong[0]["value"]["start"] - 1, end=wrong[0]["value"]["end"] - 1)  # off by one
    seed = read_document(sorted(SEEDS_DIR.glob("*.txt"))[0])
    tasks = [annotated_task(1, good_doc.norm, value_regions(good_doc.norm, good_spans)),
             annotated_task(2, rare, shifted),
             annotated_task(3, partial_doc.norm, wrong + value_regions(partial_doc.norm, partial_spans)[1:5]),
             annotated_task(4, "本网讯 2020年12月1日召开会议。\n", []),
             make_task(good_doc.norm, [], "hybrid-x", 0.9, source="r5.txt"),
             annotated_task(6, seed.norm, [region("active.rules.new_made", seed.norm.index("0"),
                                                  seed.norm.index("0") + 1, seed.norm)])]
    export = tmp_path / "export.json"
    export.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")

    assert main(["annotations", "check", str(export), "--gate-reports", "1"]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert any("task 3 (r3.txt): span" in line and "the text at these offsets is" in line for line in lines)
    assert any("task 3 (r3.txt): skipped (1 problem(s) above)" in line for line in lines)
    assert any("task 4 (r4.txt): empty annotation" in line for line in lines)
    assert any("task 4 (r4.txt): skipped (1 problem(s) above)" in line for line in lines)
    assert f"skipped or doubtful: {export} task 4 (r5.txt): not annotated (predictions are not annotations); skipped" in lines
    assert "warning: " + f"{export} task 2 (r2.txt): offsets read as UTF-16 code units" in out
    assert any(line.startswith("warning:") and "task 6" in line and f"seeds:{seed.source}" in line for line in lines)
    assert any(line.startswith("warning:") and "task 6" in line and "value spans where the rule layer reads" in line
               for line in lines)
    used = len(value_regions(good_doc.norm, good_spans))  # tasks 1 and 2, and the one span of task 6
    assert lines[-1].startswith(f"training would use 3 annotated report(s), {2 * used + 1} value spans of ")
