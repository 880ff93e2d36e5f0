"""Annotated reports -> training examples in the generator's contract: ``{"text", "spans", "style", "source"}``.

Two kinds of annotation file are read, told apart by shape:

- a Label Studio JSON export (a list of tasks, ``training.label_studio``): the spans are the annotator's;
- a gold file (the gold format of ARCHITECTURE.md, a dict with ``fields``): values only.  Its report text is found by
  ``--annotations-text DIR`` (``DIR/<stem>.*``), else the gold's ``source``, else a same-stem report file
  beside it.  Each value's printed cell is then found by ``align_gold``.

An annotation is only trained on when every value in it has a place in the text: a printed value left
unlabelled would teach the model that the cell is nothing.  Everything skipped or doubtful is said in
``Annotations.notes``, one line each, so nothing is dropped or guessed silently.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from evaluate.scoring import same_value
from nianbao.contracts import TableFacts
from nianbao.errors import InputError
from nianbao.readers import KNOWN_SUFFIXES, read_document
from nianbao.records import Cell
from nianbao.schema import field_spec
from nianbao.variants import variant_of_fields
from nianbao.text import Document
from rules_fallback.labels import find_labels
from rules_fallback.parser import label_cells
from rules_fallback.values import normalise_value
from training.features import VALUES_ONLY
from training.label_studio import read_export

ANNOTATED_STYLE = "annotated"  # the style of imported examples, so training metrics show them as a group
SHOWN_PLACES = 5  # candidate places listed in an ambiguity note


@dataclass
class Annotations:
    """Training examples read from annotation files, and a note on everything skipped or doubtful."""

    examples: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Alignment:
    """Where each gold value is printed (``spans`` index ``Document.norm``) and the values that have no one place."""

    spans: list[dict]
    ambiguities: list[str]
    overruled: int = 0  # places the model gave values the rule layer placed elsewhere


def load_annotations(paths: list[str | Path], text_dir: str | Path | None = None, labeller=None) -> Annotations:
    """Read every annotation file; ``labeller`` (a ``model.inference.Labeller``) gives the model's cells, which
    place the values of gold files that the rule layer does not (``align_gold``)."""
    loaded = Annotations()
    for path in map(Path, paths):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise InputError(str(path), f"not a readable JSON file ({error})") from None
        if isinstance(data, list):
            _add_export(loaded, data, str(path))
        elif isinstance(data, dict) and isinstance(data.get("fields"), dict):
            _add_gold(loaded, path, data, text_dir, labeller)
        else:
            raise InputError(str(path), "neither a Label Studio JSON export (a list of tasks) nor a gold file")
    return loaded


def _add_export(loaded: Annotations, tasks: list, origin: str) -> None:
    read, notes = read_export(tasks, origin)
    loaded.notes.extend(notes)
    for task in read:
        if task.problems:
            loaded.notes.extend(f"{task.name}: {problem}" for problem in task.problems)
            loaded.notes.append(f"{task.name}: skipped ({len(task.problems)} problem(s) above)")
        else:
            loaded.examples.append({"text": task.text, "spans": task.spans, "style": ANNOTATED_STYLE,
                                    "labelled": VALUES_ONLY, "source": task.name, "report": task.source,
                                    "convention": task.convention})


def _add_gold(loaded: Annotations, path: Path, gold: dict, text_dir, labeller) -> None:
    try:
        variant_of_fields(gold["fields"])
        doc = read_document(gold_text_path(path, gold, text_dir))
    except InputError as error:  # names the file it is about
        loaded.notes.append(f"{error}; skipped")
        return
    except ValueError as error:
        loaded.notes.append(f"{path}: {error}; skipped")
        return
    alignment = align_gold(doc, gold["fields"], rule_cells_for_gold(doc, gold["fields"]),
                           labeller.label(doc, TableFacts(keys=gold["fields"])) if labeller is not None else [])
    name = f"{path} ({doc.source})"
    if alignment.overruled:
        loaded.notes.append(f"{name}: the model also read {alignment.overruled} value(s) at other places; the rule "
                            "layer's places were used")
    if alignment.ambiguities:
        loaded.notes.extend(f"{name}: {line}" for line in alignment.ambiguities)
        loaded.notes.append(f"{name}: skipped ({len(alignment.ambiguities)} value(s) without one place in the "
                            "text; label it in Label Studio with `nianbao export-tasks` instead)")
        return
    spans = []
    tables = label_cells(doc).regions
    for span in alignment.spans + label_spans(doc.norm, alignment.spans, tables):
        start, end = doc.text_span(span["start"], span["end"])
        spans.append({**span, "start": start, "end": end})
    loaded.examples.append({"text": doc.text, "spans": spans, "style": ANNOTATED_STYLE, "labelled": VALUES_ONLY,
                            "source": name, "report": doc.source})


# A label's meaning (``rules_fallback.labels.Label.meanings``) -> the span kind of generated examples.
_LABEL_KINDS = {"row": "row", "row_group": "row", "column": "column", "section": "section", "block": "block"}


def label_spans(norm: str, values: list[dict], tables: dict[str, tuple[int, int]]) -> list[dict]:
    """The headings of the report's ``tables`` (section -> where the rule layer found its table) and the row
    labels and column headers in them (offsets into ``norm``) as the rule layer finds them, for the spans of a gold file's report: it is then trained on its scaffolding as well
    as its values.  A label overlapping a value (a cell inside a wrapped label) is left out, and so are the
    words of the prose that read as labels ("…对现行有效的规范性文件进行清理")."""
    spans = []
    for label in find_labels(norm):
        kind = _LABEL_KINDS.get(label.meanings[0][0])
        inside = any(start <= label.start < end for start, end in tables.values())
        if kind and (inside or kind == "section" and label.meanings[0][1] in tables) \
                and not any(v["start"] < label.end and label.start < v["end"] for v in values):
            spans.append({"start": label.start, "end": label.end, "kind": kind, "key": label.meanings[0][1]})
    return spans


def rule_cells_for_gold(doc: Document, fields: dict) -> list[Cell]:
    """The rule layer's cells of ``doc``, with each row the text leaves open (glued digits that cut several ways
    nothing in the text tells apart) read the way its gold values say, where one of its readings does."""
    rules = label_cells(doc)
    cells = list(rules.cells)
    for reading in rules.open_rows:
        for candidate in reading.candidates:
            read = [cell for cell in candidate if cell is not None]
            if read and all(same_value(fields.get(cell.key), normalise_value(cell.raw, field_spec(cell.key).kind))
                            for cell in read):
                cells.extend(read)
                break
    return cells


def gold_text_path(path: Path, gold: dict, text_dir: str | Path | None) -> Path:
    """The report a gold file describes: ``text_dir/<stem>.*``, else its ``source``, else ``<stem>.*`` beside it."""
    if text_dir is not None:
        return _report_file(Path(text_dir), path.stem) or Path(text_dir) / f"{path.stem}.txt"
    source = gold.get("source")
    if source:
        for candidate in (Path(source), path.parent / source):
            if candidate.is_file():
                return candidate
    found = _report_file(path.parent, path.stem)
    if found is None:
        raise InputError(str(path), "no report text: give --annotations-text DIR, a 'source' in the gold file, "
                                    f"or put {path.stem}.txt beside it")
    return found


def _report_file(folder: Path, stem: str) -> Path | None:
    """``folder/<stem><suffix>`` for the first known report suffix that exists (.txt first)."""
    return next((folder / f"{stem}{suffix}" for suffix in KNOWN_SUFFIXES if (folder / f"{stem}{suffix}").is_file()),
                None)


def align_gold(doc: Document, fields: dict, rule_cells: list[Cell], model_cells: list[Cell] = ()) -> Alignment:
    """Find the printed cell of every gold value among the labellers' cells (offsets into ``doc.norm``).

    A candidate is a cell claiming the field whose printed text reads as the gold value.  Overlapping
    candidates are two readings of one printed cell ("25" and "25个") and become their union, the
    generator's convention that a value span covers its unit.

    The rule layer's candidates decide and the model's are consulted only for values the rule layer did
    not place: the rule layer reads a cell from its row label and column, while the model to be retrained
    is by definition unsure of the layout and, under-trained, claims a field at every "0" in sight; its
    places elsewhere are counted in ``overruled``.  A non-null value with no candidate, or whose deciding
    labeller puts it at several places (a row printed twice), is an ambiguity; so is one place claimed by
    two fields.  A null value with no candidate was not printed, or printed blank: nothing to label.
    """
    rule_places, model_places = _places(rule_cells), _places(model_cells)
    chosen, ambiguities, overruled = {}, [], 0
    for key, value in fields.items():
        by_rules = _merge_overlapping([place for place, read in rule_places[key] if same_value(value, read)])
        by_model = _merge_overlapping([place for place, read in model_places[key] if same_value(value, read)])
        if len(by_rules) == 1:
            joined = _merge_overlapping(by_rules + by_model)
            chosen[key] = next(place for place in joined if place[0] <= by_rules[0][0] < place[1])
            overruled += len(joined) - 1
            continue
        places, labeller = (by_rules, "the rule layer") if by_rules else (by_model, "the model")
        if len(places) == 1:
            chosen[key] = places[0]
        elif places:
            shown = ", ".join(f"{start}-{end} {doc.norm[start:end]!r}" for start, end in places[:SHOWN_PLACES])
            more = f" and {len(places) - SHOWN_PLACES} more" if len(places) > SHOWN_PLACES else ""
            ambiguities.append(f"{key} = {value}: {labeller} reads it at {len(places)} places ({shown}{more})")
        elif value is not None:
            read = sorted({doc.norm[start:end] for (start, end), _ in rule_places[key] + model_places[key]})
            ambiguities.append(f"{key} = {value}: no labelled cell prints it"
                               + (f" (cells read for it: {', '.join(map(repr, read[:SHOWN_PLACES]))})" if read else ""))
    clashing, reach_key, reach_end = set(), None, -1
    for key, (start, end) in sorted(chosen.items(), key=lambda item: item[1]):
        if start < reach_end:  # overlaps the earlier place reaching furthest, so some earlier place
            clashing |= {key, reach_key}
        if end > reach_end:
            reach_key, reach_end = key, end
    for key in sorted(clashing):
        start, end = chosen.pop(key)
        ambiguities.append(f"{key} = {fields[key]}: its cell {start}-{end} {doc.norm[start:end]!r} is claimed by "
                           "another field too")
    spans = [{"start": start, "end": end, "kind": "value", "key": key} for key, (start, end) in chosen.items()]
    return Alignment(sorted(spans, key=lambda span: span["start"]), ambiguities, overruled)


def _places(cells: list[Cell]) -> dict[str, list[tuple[tuple[int, int], object]]]:
    """key -> ((start, end), value read) of every cell whose text reads as a value of its field."""
    places = defaultdict(list)
    for cell in cells:
        try:
            places[cell.key].append(((cell.start, cell.end), normalise_value(cell.raw, field_spec(cell.key).kind)))
        except (KeyError, ValueError):
            continue  # a key of no template, or text that is no number: reads as no value at all
    return places


def _merge_overlapping(places: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(set(places)):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
