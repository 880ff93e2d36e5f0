"""Label Studio formats: the labelling config, offsets in either convention, tasks and annotated exports."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from nianbao.records import Cell
from nianbao.schema import all_field_keys, field_spec
from training.label_studio import (CODE_POINTS, CONFIG_PATH, SECTIONS, UTF16, Utf16Offsets, labelling_config,
                                   make_task, read_export, region)

# U+20BB7 𠮷 (a CJK Extension B character, in names such as 𠮷野家) is one code point and two UTF-16 units;
# 😀 (an emoji in a scraped page) likewise.
TEXT = "𠮷城县人民政府\n行政许可\t187\t0\n行政处罚\t😀\t25个\n"


def test_committed_config_is_the_one_the_schema_gives():
    assert CONFIG_PATH.read_text(encoding="utf-8") == labelling_config(), \
        "data/label_studio.xml is out of date: run `python -m training.label_studio`"


def test_the_config_groups_labels_by_section_each_with_a_filter_and_puts_the_text_first():
    root = ET.fromstring(labelling_config())
    groups = root.findall(".//Labels")
    assert [group.get("name") for group in groups] == list(SECTIONS)
    assert all(group.get("toName") == "text" for group in groups)
    assert sorted(label.get("value") for group in groups for label in group) == sorted(all_field_keys())
    assert all(field_spec(label.get("value")).section == group.get("name") for group in groups for label in group)
    filters = root.findall(".//Filter")
    assert [(f.get("name"), f.get("toName")) for f in filters] == [(f"filter_{s}", s) for s in SECTIONS]
    text = root.find(".//Text")
    assert text.get("value") == "$text" and text.get("showLabels") == "true"
    first_column = root.find("View").find("View")  # the left column of the two holds the text, nothing else
    assert [child.tag for child in first_column] == ["Text"]
    licensing = root.find(".//Label[@value='active.licensing.prev_items']")
    assert licensing.get("hint") == "行政许可 / 上一年项目数量"


def test_offsets_round_trip_through_non_bmp_characters_both_ways():
    offsets = Utf16Offsets(TEXT)
    start = TEXT.index("187")
    assert offsets.to_utf16(start) == start + 1
    last = TEXT.index("25个")
    assert offsets.to_utf16(last) == last + 2  # 𠮷 and 😀 before it
    assert [offsets.from_utf16(offsets.to_utf16(i)) for i in range(len(TEXT) + 1)] == list(range(len(TEXT) + 1))
    cells = [Cell("active.licensing.prev_items", start, start + 3, "187"),
             Cell("active.penalty.decisions", last, last + 3, "25个")]
    for convention in (CODE_POINTS, UTF16):  # what Label Studio writes, and what older scripts wrote
        result = []
        for cell in cells:
            item = region(cell.key, cell.start, cell.end, TEXT)
            if convention == UTF16:
                item["value"].update(start=offsets.to_utf16(cell.start), end=offsets.to_utf16(cell.end))
            result.append(item)
        [task], _ = read_export([annotated(result)], "export.json")
        assert task.convention == convention and not task.problems
        assert [(s["key"], TEXT[s["start"]:s["end"]]) for s in task.spans] == [
            ("active.licensing.prev_items", "187"), ("active.penalty.decisions", "25个")]


def test_a_task_holds_the_text_and_the_spans_in_code_points_with_valid_region_ids():
    start = TEXT.index("25个")
    task = make_task(TEXT, [Cell("active.penalty.decisions", start, start + 3, "25个", 0.6)], "hybrid-abc", 0.97,
                     source="x.txt")
    assert task["data"] == {"text": TEXT, "source": "x.txt"}
    prediction = task["predictions"][0]
    assert prediction["model_version"] == "hybrid-abc" and prediction["score"] == 0.97
    [item] = prediction["result"]
    assert item["value"] == {"start": start, "end": start + 3, "text": "25个", "labels": ["active.penalty.decisions"]}
    assert item["from_name"] == "active" and item["score"] == 0.6
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", item["id"])  # a CSS class name: no '.', no '@'


def annotated(result: list, **annotation) -> dict:
    task = make_task(TEXT, [], "rules", 0.0)
    task["annotations"] = [{"id": 1, "result": result, **annotation}]
    return task


def test_offsets_that_hold_the_text_in_neither_convention_unknown_labels_overlaps_and_empty_are_problems():
    start = TEXT.index("187")
    bad = [
        {"from_name": "active", "to_name": "text", "type": "labels",
         "value": {"start": start - 1, "end": start + 2, "text": "187", "labels": ["active.licensing.prev_items"]}},
        {"from_name": "active", "to_name": "text", "type": "labels",
         "value": {"start": start, "end": start + 3, "text": "187", "labels": ["行政许可"]}},
    ]
    overlapping = [region("active.licensing.prev_items", start, start + 3, TEXT),
                   region("active.licensing.change", start + 1, start + 2, TEXT)]
    read, notes = read_export([annotated(bad), annotated(overlapping), annotated([])], "export.json")
    assert "the text at these offsets is '\\t18' (offsets read as code points)" in read[0].problems[1]
    assert "are not one field key" in read[0].problems[0]
    assert "overlap" in read[1].problems[0]
    assert read[2].problems[0].startswith("empty annotation")


def test_only_annotations_count_and_of_several_the_last_updated_is_used_and_said():
    start = TEXT.index("187")
    first = [region("active.licensing.prev_items", start, start + 3, TEXT)]
    second = [region("active.licensing.change", start, start + 3, TEXT)]
    task = annotated(first, updated_at="2024-05-02T10:00:00Z")
    task["annotations"].append({"id": 2, "result": second, "updated_at": "2024-05-01T10:00:00Z"})
    cancelled = annotated(second, was_cancelled=True)
    read, notes = read_export([task, make_task(TEXT, [], "m", 0.0), cancelled], "export.json")
    assert [s["key"] for s in read[0].spans] == ["active.licensing.prev_items"]
    assert notes[0] == "export.json task 0: 2 annotations; used the last updated (id 1)"
    assert [note.split(": ", 1)[1] for note in notes[1:]] == ["not annotated (predictions are not annotations); skipped"] * 2
