"""Label Studio's side of annotation: the labelling config, tasks with pre-annotations, annotated exports.

A task's text is the report's normalised text (``Document.norm``), not the reader's text:

- it is what the model reads, so the model's cells go into a task without any offset mapping, and an
  annotated span trains the model on exactly the characters it will see (``normalise`` of a normalised
  text changes no offset, so ``training.features`` moves nothing);
- it has no ``\\r``, BOM or zero-width characters, which a browser shows or counts differently from
  Python, and its digits are half-width, so the annotator sees "187" and not "１８７".

Label Studio counts span offsets in JavaScript string indices, i.e. UTF-16 code units, where Python counts
code points: a character outside the Basic Multilingual Plane (a CJK Extension B character in a body's
name, an emoji in a scraped page) is one Python character but two UTF-16 units.  Every offset crossing
between the two goes through ``Utf16Offsets``.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

from nianbao.paths import DATA_DIR
from nianbao.schema import all_field_keys

FROM_NAME = "label"  # the <Labels> tag's name: a result's from_name
TO_NAME = "text"  # the <Text> tag's name: a result's to_name, and the key of the text in a task's data
CONFIG_PATH = DATA_DIR / "label_studio.xml"


def labelling_config() -> str:
    """The labelling config: one label per field key of both templates, over the task's text."""
    labels = "".join(f"    <Label value={quoteattr(key)}/>\n" for key in all_field_keys())
    return (f'<View>\n  <Labels name="{FROM_NAME}" toName="{TO_NAME}">\n{labels}  </Labels>\n'
            f'  <Text name="{TO_NAME}" value="${TO_NAME}"/>\n</View>\n')


class Utf16Offsets:
    """Converts character offsets of one text between Python (code points) and Label Studio (UTF-16 units)."""

    def __init__(self, text: str):
        self.units = [0]  # units[i] = UTF-16 length of text[:i]
        for char in text:
            self.units.append(self.units[-1] + (2 if ord(char) > 0xFFFF else 1))

    def to_utf16(self, index: int) -> int:
        return self.units[index]

    def from_utf16(self, unit: int) -> int:
        """The Python index at UTF-16 offset ``unit``; ValueError inside a surrogate pair or past the end."""
        index = bisect_left(self.units, unit)
        if index == len(self.units) or self.units[index] != unit:
            raise ValueError(f"offset {unit} is not a character boundary of the text (UTF-16 length {self.units[-1]})")
        return index


def make_task(text: str, cells, model_version: str, source: str | None = None) -> dict:
    """A task whose prediction holds ``cells`` (anything with key, start, end, confidence; offsets index ``text``).

    The prediction's score is its least confident cell's: Label Studio sorts tasks by it, and one doubtful
    cell is what makes a report worth an annotator's time.
    """
    offsets = Utf16Offsets(text)
    result = [{
        "id": f"{cell.key}@{cell.start}", "from_name": FROM_NAME, "to_name": TO_NAME, "type": "labels",
        "value": {"start": offsets.to_utf16(cell.start), "end": offsets.to_utf16(cell.end),
                  "text": text[cell.start:cell.end], "labels": [cell.key]},
        "score": round(float(cell.confidence), 4),
    } for cell in sorted(cells, key=lambda c: (c.start, c.end))]
    score = min((item["score"] for item in result), default=0.0)
    data = {TO_NAME: text, **({"source": source} if source else {})}
    return {"data": data, "predictions": [{"model_version": model_version, "score": score, "result": result}]}


@dataclass
class AnnotatedTask:
    """One task read back from an export: its text, its value spans (Python offsets) and what was wrong."""

    name: str  # where it came from, for messages: "export.json task 3 (source)"
    text: str
    spans: list[dict] = field(default_factory=list)  # {"start", "end", "kind": "value", "key"}
    problems: list[str] = field(default_factory=list)  # non-empty: the task is not usable


def read_export(tasks: list, origin: str) -> tuple[list[AnnotatedTask], list[str]]:
    """Tasks of a Label Studio JSON export that carry an annotation, and a note for every task skipped.

    Only annotations count: a task holding nothing but predictions was never checked by a person.  A
    cancelled annotation ("skip" in the interface) is ignored; of several, the last updated is used and
    the choice is noted.
    """
    read, notes = [], []
    for number, task in enumerate(tasks):
        data = task.get("data") if isinstance(task, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get(TO_NAME), str):
            notes.append(f"{origin} task {number}: no data.{TO_NAME}; skipped")
            continue
        name = f"{origin} task {task.get('id', number)}" + (f" ({data['source']})" if data.get("source") else "")
        annotations = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
        if not annotations:
            notes.append(f"{name}: not annotated (predictions are not annotations); skipped")
            continue
        annotation = max(enumerate(annotations), key=lambda pair: (pair[1].get("updated_at") or "", pair[0]))[1]
        if len(annotations) > 1:
            notes.append(f"{name}: {len(annotations)} annotations; used the last updated "
                         f"(id {annotation.get('id', '?')})")
        read.append(read_annotation(name, data[TO_NAME], annotation.get("result") or []))
    return read, notes


def read_annotation(name: str, text: str, result: list) -> AnnotatedTask:
    """The value spans of one annotation's results, checked against the text and the schema."""
    task = AnnotatedTask(name, text)
    offsets = Utf16Offsets(text)
    keys = set(all_field_keys())
    for item in result:
        if item.get("type") != "labels" or item.get("from_name") != FROM_NAME:
            continue  # relations, text areas or another tag's results carry no value span
        value = item.get("value") or {}
        labels = value.get("labels") or []
        where = f"span {value.get('start')}-{value.get('end')} {value.get('text')!r}"
        if len(labels) != 1 or labels[0] not in keys:
            task.problems.append(f"{where}: labels {labels} are not one field key")
            continue
        try:
            start, end = offsets.from_utf16(value["start"]), offsets.from_utf16(value["end"])
        except (KeyError, TypeError, ValueError) as error:
            task.problems.append(f"{where}: {error}")
            continue
        if not start < end or ("text" in value and text[start:end] != value["text"]):
            task.problems.append(f"{where}: the text at these offsets is {text[start:end]!r}")
            continue
        task.spans.append({"start": start, "end": end, "kind": "value", "key": labels[0]})
    task.spans.sort(key=lambda span: (span["start"], span["end"]))
    for before, after in zip(task.spans, task.spans[1:]):
        if after["start"] < before["end"]:
            task.problems.append(f"spans {before['key']} {before['start']}-{before['end']} and {after['key']} "
                                 f"{after['start']}-{after['end']} overlap")
    return task


if __name__ == "__main__":  # python -m training.label_studio: rewrite the committed config from the schema
    CONFIG_PATH.write_text(labelling_config(), encoding="utf-8")
    print(f"wrote {CONFIG_PATH}")
