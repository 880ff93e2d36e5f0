"""Gold-format annotations: values placed in the report text through the labellers' cells, ambiguities listed."""
from __future__ import annotations

import json

from evaluate.scoring import same_value
from nianbao.records import Cell
from nianbao.schema import field_spec
from nianbao.text import normalise
from rules_fallback.values import normalise_value
from training.annotations import align_gold, load_annotations
from training.corpus import example_rng
from training.generator import generate_example


def write_report(folder, stem: str, text: str, gold: dict) -> None:
    (folder / "text").mkdir(exist_ok=True)
    (folder / "gold").mkdir(exist_ok=True)
    (folder / "text" / f"{stem}.txt").write_text(text, encoding="utf-8")
    (folder / "gold" / f"{stem}.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")


def tsv_report(index: int = 1) -> dict:
    return generate_example(example_rng(5, index), style="tsv")


def test_gold_values_are_placed_on_their_printed_cells(tmp_path):
    example = tsv_report()
    write_report(tmp_path, "a", example["text"], example["gold"])
    loaded = load_annotations([tmp_path / "gold" / "a.json"], tmp_path / "text")
    assert loaded.notes == []
    [imported] = loaded.examples
    assert imported["text"] == example["text"] and imported["style"] == "annotated"
    values = [span for span in imported["spans"] if span["kind"] == "value"]
    for span in values:
        printed = example["text"][span["start"]:span["end"]]
        assert same_value(example["gold"]["fields"][span["key"]], normalise_value(printed, field_spec(span["key"]).kind))
    # every printed number of the generator's spans is found, at the generator's place
    truth = {(s["key"], s["start"]) for s in example["spans"] if s["kind"] == "value"}
    assert truth == {(s["key"], s["start"]) for s in values}
    # and the scaffolding the rule layer finds, so that the report also teaches row labels and headers
    labels = {(s["kind"], s["key"]) for s in imported["spans"] if s["kind"] != "value"}
    assert {("row", "penalty"), ("row", "new"), ("section", "active"), ("section", "requests")} <= labels
    headings = [example["text"][s["start"]:s["end"]] for s in imported["spans"] if s["kind"] == "section"]
    assert not any(text.startswith("一、") for text in headings)  # no table under it


def test_a_row_printed_twice_is_reported_and_the_report_not_trained_on(tmp_path):
    example = tsv_report()
    text = example["text"]
    row_start = text.index("\n行政处罚\t")
    row_end = text.index("\n", row_start + 1)
    twice = text[:row_end] + text[row_start:row_end] + text[row_end:]  # the 行政处罚 row printed twice
    write_report(tmp_path, "twice", twice, example["gold"])
    loaded = load_annotations([tmp_path / "gold" / "twice.json"], tmp_path / "text")
    assert loaded.examples == []
    value = example["gold"]["fields"]["active.penalty.decisions"]
    assert any(note.startswith(f"{tmp_path / 'gold' / 'twice.json'}") and
               f"active.penalty.decisions = {value}: the rule layer reads it at 2 places" in note for note in loaded.notes)
    assert "skipped (" in loaded.notes[-1]


def test_the_report_is_found_beside_the_gold_file_or_said_missing(tmp_path):
    example = tsv_report()
    (tmp_path / "b.txt").write_text(example["text"], encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(example["gold"], ensure_ascii=False), encoding="utf-8")
    (tmp_path / "lost.json").write_text(json.dumps(example["gold"], ensure_ascii=False), encoding="utf-8")
    loaded = load_annotations([tmp_path / "b.json", tmp_path / "lost.json"])
    assert len(loaded.examples) == 1
    assert loaded.notes == [f"{tmp_path / 'lost.json'}: no report text: give --annotations-text DIR, a 'source' "
                            "in the gold file, or put lost.txt beside it; skipped"]


def test_readings_of_one_cell_merge_and_a_cell_claimed_twice_is_an_ambiguity():
    doc = normalise("x", "行政许可\t25个\t25\n")
    fields = {"active.licensing.prev_items": 25, "active.licensing.change": 25, "active.licensing.decisions": None}
    rules = [Cell("active.licensing.prev_items", 5, 7, "25"), Cell("active.licensing.change", 5, 7, "25")]
    model = [Cell("active.licensing.prev_items", 5, 8, "25个", by="model")]
    alignment = align_gold(doc, fields, rules, model)
    assert alignment.spans == []
    assert alignment.ambiguities == [
        "active.licensing.change = 25: its cell 5-7 '25' is claimed by another field too",
        "active.licensing.prev_items = 25: its cell 5-8 '25个' is claimed by another field too"]
    rules[1] = Cell("active.licensing.change", 9, 11, "25")
    alignment = align_gold(doc, fields, rules + [Cell("active.licensing.decisions", 9, 11, "25")], model)
    assert [(s["key"], s["start"], s["end"]) for s in alignment.spans] == [
        ("active.licensing.prev_items", 5, 8), ("active.licensing.change", 9, 11)]
    assert alignment.ambiguities == []  # a null with no matching cell: not printed, nothing to label
    alignment = align_gold(doc, {"active.licensing.prev_items": 30}, rules, model)
    assert alignment.ambiguities == ["active.licensing.prev_items = 30: no labelled cell prints it "
                                     "(cells read for it: '25', '25个')"]


def test_the_rule_layer_decides_and_the_model_fills_in():
    doc = normalise("x", "行政许可\t0\t0\t0\n行政处罚\t0\t0\t0\n")
    fields = {"active.licensing.prev_items": 0, "active.licensing.change": 0, "active.penalty.prev_items": 0}
    rules = [Cell("active.licensing.prev_items", 5, 6, "0")]
    model = [Cell(key, start, start + 1, "0", by="model") for key, start in (
        ("active.licensing.prev_items", 7), ("active.licensing.change", 7), ("active.penalty.prev_items", 16),
        ("active.penalty.prev_items", 18))]
    alignment = align_gold(doc, fields, rules, model)
    assert [(s["key"], s["start"]) for s in alignment.spans] == [("active.licensing.prev_items", 5),
                                                                ("active.licensing.change", 7)]
    assert alignment.overruled == 1
    assert alignment.ambiguities == ["active.penalty.prev_items = 0: the model reads it at 2 places "
                                     "(16-17 '0', 18-19 '0')"]
