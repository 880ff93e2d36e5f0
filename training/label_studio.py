"""Label Studio's side of annotation: the labelling config, tasks with pre-annotations, annotated exports.

A task's text is the report's normalised text (``Document.norm``), not the reader's text:

- it is what the model reads, so an annotated span trains the model on exactly the characters it will see
  (``normalise`` of a normalised text changes no offset, so ``training.features`` moves nothing);
- it has no ``\\r``, BOM or zero-width characters, which a browser shows or counts differently from
  Python, and its digits are half-width, so the annotator sees "187" and not "１８７".

Offsets: Label Studio (1.23, measured with a real server and browser) counts a region's ``start``/``end``
in code points, as Python does, both in the regions it renders from a prediction and in those an
annotator draws.  Tasks are written in code points.  Exports and scripts written against other versions
may count UTF-16 code units (JavaScript string indices), where a character outside the Basic
Multilingual Plane (a CJK Extension B character in a body's name, an emoji in a scraped page) is two
units: on reading, a region is placed by whichever convention reproduces its ``text``
(``region_offsets``), and a task read in UTF-16 units says so.

Region ids become CSS class names in Label Studio's text view, so they hold only letters, digits, ``-``
and ``_`` (a ``.`` or ``@`` in an id leaves the region without its highlight).
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

from nianbao.paths import DATA_DIR
from nianbao.schema import all_field_keys, field_spec, load_schema

TO_NAME = "text"  # the <Text> tag's name: a result's to_name, and the key of the text in a task's data
SECTIONS = ("active", "requests", "review")  # one <Labels> group each; its name is a result's from_name
CONFIG_PATH = DATA_DIR / "label_studio.xml"
CODE_POINTS, UTF16 = "code points", "UTF-16 code units"


def section_of(key: str) -> str:
    """The ``<Labels>`` group (a result's ``from_name``) of a field key."""
    return field_spec(key).section


def label_hint(key: str) -> str:
    """The printed row and column a key stands for ("行政许可 / 本年新制作数量"), shown on hover and filtered on."""
    schema, spec = load_schema(), field_spec(key)
    return f"{schema['rows'][spec.row]['label']} / {schema['columns'][spec.column]['label']}"


def labelling_config() -> str:
    """The labelling config: the report on the left, on the first screen; on the right one group of labels per
    section, each with a filter box over its field keys (Label Studio filters on a label's value: type
    "licensing" or "new.natural"); hovering a label shows the printed row and column it stands for.  Regions show their label's name (``showLabels``), so on a glued row each digit run says
    which field it is.  Whitespace is kept (tabs and spaces are how many layouts print a table)."""
    sections = {row["key"]: row["label"] for row in load_schema()["sections"]}
    groups = []
    for section in SECTIONS:
        labels = "".join(f"        <Label value={quoteattr(key)} "
                         f"hint={quoteattr(label_hint(key))}/>\n"
                         for key in all_field_keys() if section_of(key) == section)
        groups.append(
            f'      <Header value={quoteattr(sections[section] + " (" + section + ")")} size="5"/>\n'
            f'      <Filter name="filter_{section}" toName="{section}" minlength="0" '
            f'placeholder="filter {section} keys: licensing, new.natural, ..."/>\n'
            f'      <Labels name="{section}" toName="{TO_NAME}" showInline="false">\n{labels}      </Labels>\n')
    return ('<View>\n'
            '  <Style>.htx-text { white-space: pre-wrap; tab-size: 8; font-family: monospace; }</Style>\n'
            '  <View style="display: flex; align-items: flex-start; gap: 1em">\n'
            '    <View style="flex: 3; min-width: 0">\n'
            f'      <Text name="{TO_NAME}" value="${TO_NAME}" showLabels="true"/>\n'
            '    </View>\n'
            '    <View style="flex: 1; position: sticky; top: 0; max-height: 90vh; overflow-y: auto">\n'
            + "".join(groups) +
            '    </View>\n  </View>\n</View>\n')


class Utf16Offsets:
    """Converts character offsets of one text between Python (code points) and UTF-16 code units."""

    def __init__(self, text: str):
        self.units = [0]  # units[i] = UTF-16 length of text[:i]
        for char in text:
            self.units.append(self.units[-1] + (2 if ord(char) > 0xFFFF else 1))

    @property
    def differ(self) -> bool:
        """Whether the two conventions differ anywhere in this text (it holds a character outside the BMP)."""
        return self.units[-1] != len(self.units) - 1

    def to_utf16(self, index: int) -> int:
        return self.units[index]

    def from_utf16(self, unit: int) -> int:
        """The Python index at UTF-16 offset ``unit``; ValueError inside a surrogate pair or past the end."""
        index = bisect_left(self.units, unit)
        if index == len(self.units) or self.units[index] != unit:
            raise ValueError(f"offset {unit} is not a character boundary of the text (UTF-16 length {self.units[-1]})")
        return index


def place(text: str, value: dict, convention: str, utf16: Utf16Offsets) -> tuple[int, int]:
    """A region's (start, end) in code points, its offsets read in ``convention``; ValueError unless they fall
    on character boundaries and the text there is the region's ``text`` (where it carries one)."""
    start, end = value.get("start"), value.get("end")
    if not (isinstance(start, int) and isinstance(end, int)):
        raise ValueError("start and end are not integers")
    if convention == UTF16:
        start, end = utf16.from_utf16(start), utf16.from_utf16(end)
    if not 0 <= start < end <= len(text):
        raise ValueError(f"no text between offsets {start} and {end} (the text is {len(text)} characters)")
    if "text" in value and text[start:end] != value["text"]:
        raise ValueError(f"the text at these offsets is {text[start:end]!r}")
    return start, end


def region_id(key: str, start: int) -> str:
    """A region id that is a valid CSS class name: ``requests-new-natural-854``."""
    return f"{key.replace('.', '-')}-{start}"


def region(key: str, start: int, end: int, text: str, score: float | None = None) -> dict:
    """One labelled span of ``text`` (code-point offsets) as a Label Studio result."""
    item = {"id": region_id(key, start), "from_name": section_of(key), "to_name": TO_NAME, "type": "labels",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [key]}}
    if score is not None:
        item["score"] = round(float(score), 4)
    return item


def prediction(text: str, spans, model_version: str, score: float) -> dict:
    """A Label Studio prediction labelling ``spans`` of ``text`` (anything with key, start, end, confidence)
    with the task score ``score``."""
    result = [region(span.key, span.start, span.end, text, span.confidence)
              for span in sorted(spans, key=lambda s: (s.start, s.end))]
    return {"model_version": model_version, "score": round(score, 4), "result": result}


def make_task(text: str, spans, model_version: str, score: float, note: str | None = None,
              source: str | None = None) -> dict:
    """A task holding ``text`` and its ``prediction``; ``note`` (why it has no spans) goes in its data, where the
    annotator and the task list see it."""
    data = {TO_NAME: text, **({"source": source} if source else {}), **({"note": note} if note else {})}
    return {"data": data, "predictions": [prediction(text, spans, model_version, score)]}


@dataclass
class AnnotatedTask:
    """One task read back from an export: its text, its value spans (Python offsets) and what was wrong."""

    name: str  # where it came from, for messages: "export.json task 3 (source)"
    text: str
    source: str | None = None  # the task's data.source: the report file it was made from
    spans: list[dict] = field(default_factory=list)  # {"start", "end", "kind": "value", "key"}
    problems: list[str] = field(default_factory=list)  # non-empty: the task is not usable
    convention: str = CODE_POINTS  # how its regions' offsets were counted (UTF16 only where that alone fits)


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
        read.append(read_annotation(name, data[TO_NAME], annotation.get("result") or [], data.get("source")))
    return read, notes


def read_annotation(name: str, text: str, result: list, source: str | None = None) -> AnnotatedTask:
    """The value spans of one annotation's results, checked against the text and the schema.

    An annotation without one value span is a problem, not an example: submitted empty (by mistake, or
    for a page that is no report), it would teach the model that every cell of the report is nothing.
    """
    task = AnnotatedTask(name, text, source)
    keys = set(all_field_keys())
    values = []
    for item in result:
        if item.get("type") != "labels" or item.get("from_name") not in SECTIONS:
            continue  # relations, text areas or another tag's results carry no value span
        value = item.get("value") or {}
        labels = value.get("labels") or []
        where = f"span {value.get('start')}-{value.get('end')} {value.get('text')!r}"
        if len(labels) != 1 or labels[0] not in keys:
            task.problems.append(f"{where}: labels {labels} are not one field key")
        else:
            values.append((where, value, labels[0]))
    utf16 = Utf16Offsets(text)
    placed = {convention: _place_all(text, values, convention, utf16)
              for convention in ((CODE_POINTS, UTF16) if utf16.differ else (CODE_POINTS,))}
    # The convention under which the most regions hold their text; code points, Label Studio's, on a tie.
    task.convention = min(placed, key=lambda convention: len(placed[convention][1]))
    task.spans, problems = placed[task.convention]
    task.problems.extend(problems)
    if not task.spans and not task.problems:
        task.problems.append("empty annotation: not one value span (a report is trained on only with its values "
                             "labelled; skip the task in Label Studio instead of submitting it empty)")
    task.spans.sort(key=lambda span: (span["start"], span["end"]))
    for before, after in zip(task.spans, task.spans[1:]):
        if after["start"] < before["end"]:
            task.problems.append(f"spans {before['key']} {before['start']}-{before['end']} and {after['key']} "
                                 f"{after['start']}-{after['end']} overlap")
    return task


def _place_all(text: str, values: list, convention: str, utf16: Utf16Offsets) -> tuple[list[dict], list[str]]:
    spans, problems = [], []
    for where, value, key in values:
        try:
            start, end = place(text, value, convention, utf16)
        except ValueError as error:
            problems.append(f"{where}: {error}" + (f" (offsets read as {convention})" if utf16.differ else ""))
        else:
            spans.append({"start": start, "end": end, "kind": "value", "key": key})
    return spans, problems


if __name__ == "__main__":  # python -m training.label_studio: rewrite the committed config from the schema
    CONFIG_PATH.write_text(labelling_config(), encoding="utf-8")
    print(f"wrote {CONFIG_PATH}")
