"""Label Studio formats: the labelling config, UTF-16 offsets, tasks and annotated exports (no model needed)."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from nianbao.records import Cell
from nianbao.schema import all_field_keys
from training.label_studio import CONFIG_PATH, Utf16Offsets, labelling_config, make_task, read_export

# U+20BB7 𠮷 (a CJK Extension B character, in names such as 𠮷野家) is two UTF-16 code units.
TEXT = "𠮷城县人民政府\n行政许可\t187\t0\n行政处罚\t𠮷\t25个\n"


def test_committed_config_is_the_one_the_schema_gives():
    assert CONFIG_PATH.read_text(encoding="utf-8") == labelling_config(), \
        "data/label_studio.xml is out of date: run `python -m training.label_studio`"
    root = ET.fromstring(labelling_config())
    labels = root.find("Labels")
    assert labels.get("name") == "label" and labels.get("toName") == "text"
    assert [label.get("value") for label in labels] == list(all_field_keys())
    assert root.find("Text").get("value") == "$text"


def test_utf16_offsets_count_characters_outside_the_bmp_twice():
    offsets = Utf16Offsets(TEXT)
    start = TEXT.index("187")
    assert offsets.to_utf16(start) == start + 1
    assert offsets.from_utf16(start + 1) == start
    last = TEXT.index("25个")
    assert offsets.to_utf16(last) == last + 2  # two 𠮷 before it
    assert [offsets.from_utf16(offsets.to_utf16(i)) for i in range(len(TEXT) + 1)] == list(range(len(TEXT) + 1))
    with pytest.raises(ValueError, match="not a character boundary"):
        offsets.from_utf16(1)  # between the two halves of 𠮷
    with pytest.raises(ValueError):
        offsets.from_utf16(offsets.to_utf16(len(TEXT)) + 1)


def cells() -> list[Cell]:
    start = TEXT.index("187")
    other = TEXT.index("25个")
    return [Cell("active.licensing.prev_items", start, start + 3, "187", 0.9, "model"),
            Cell("active.penalty.decisions", other, other + 3, "25个", 0.6, "model")]


def test_a_task_holds_the_text_and_the_cells_in_utf16_offsets():
    task = make_task(TEXT, cells(), "model-abc", source="x.txt")
    assert task["data"] == {"text": TEXT, "source": "x.txt"}
    prediction = task["predictions"][0]
    assert prediction["model_version"] == "model-abc" and prediction["score"] == 0.6
    value = prediction["result"][1]["value"]
    assert value == {"start": TEXT.index("25个") + 2, "end": TEXT.index("25个") + 5, "text": "25个",
                     "labels": ["active.penalty.decisions"]}
    js_units = TEXT.encode("utf-16-le")  # what a browser indexes
    assert js_units[2 * value["start"]:2 * value["end"]].decode("utf-16-le") == "25个"
    assert {item["from_name"] for item in prediction["result"]} == {"label"}


def annotated(result: list, **annotation) -> dict:
    task = make_task(TEXT, [], "rules")
    task["annotations"] = [{"id": 1, "result": result, **annotation}]
    return task


def test_an_annotation_reads_back_as_python_offsets():
    predicted = make_task(TEXT, cells(), "model-abc")["predictions"][0]["result"]
    tasks = [annotated(predicted), make_task(TEXT, cells(), "model-abc"), annotated(predicted, was_cancelled=True)]
    read, notes = read_export(tasks, "export.json")
    assert len(read) == 1 and not read[0].problems
    assert [(s["key"], TEXT[s["start"]:s["end"]]) for s in read[0].spans] == [
        ("active.licensing.prev_items", "187"), ("active.penalty.decisions", "25个")]
    assert len(notes) == 2 and all("not annotated" in note for note in notes)


def test_wrong_offsets_unknown_labels_and_overlaps_are_problems():
    start = TEXT.index("187")
    bad = [
        # offsets counted in code points, as a careless script would: the text there is not "187"
        {"from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": start, "end": start + 3, "text": "187", "labels": ["active.licensing.prev_items"]}},
        {"from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": start + 1, "end": start + 4, "text": "187", "labels": ["行政许可"]}},
    ]
    overlapping = make_task(TEXT, [cells()[0], Cell("active.licensing.change", start + 1, start + 2, "8")],
                            "m")["predictions"][0]["result"]
    read, _ = read_export([annotated(bad), annotated(overlapping)], "export.json")
    assert "the text at these offsets is '\\t18'" in read[0].problems[0]
    assert "are not one field key" in read[0].problems[1]
    assert "overlap" in read[1].problems[0]


def test_of_several_annotations_the_last_updated_is_used_and_said():
    first, second = (make_task(TEXT, [cell], "m")["predictions"][0]["result"] for cell in cells())
    task = annotated(first, updated_at="2024-05-02T10:00:00Z")
    task["annotations"].append({"id": 2, "result": second, "updated_at": "2024-05-01T10:00:00Z"})
    read, notes = read_export([task], "export.json")
    assert [s["key"] for s in read[0].spans] == ["active.licensing.prev_items"]
    assert notes == ["export.json task 0: 2 annotations; used the last updated (id 1)"]
