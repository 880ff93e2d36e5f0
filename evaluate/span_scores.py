"""Span-level scores beside field accuracy: was each field read from the characters gold marks for it?

Field accuracy asks whether a value is right; a span score asks whether it came from the right printed
cell.  The two part where a right value is read from the wrong place (a 0 of another row, a cell of a
shifted column) or where the parser read a printed cell gold marks as another field.  Gold spans exist
for generated reports: ``nianbao generate --out DIR`` writes ``DIR/spans/<stem>.json`` (character spans of
kind ``value``, keyed by field) beside ``DIR/gold``.  Each report becomes a spaCy ``Example`` (the
prediction's fields and the gold's value spans as ``doc.spans["nianbao"]`` of the same text) and
``spacy.scorer.Scorer.score_spans`` scores them, over all fields and per section.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.scorer import Scorer
from spacy.training import Example

from evaluate.scoring import SECTIONS, Pair
from nianbao.records import Report
from nianbao.schema import field_spec
from nianbao.spacy_component import SPANS_KEY, field_spans, set_record, set_spans

SPANS_FOLDER = "spans"  # beside the gold folder, as ``nianbao generate`` writes it
ALL_FIELDS = "all fields"


@dataclass
class SpanScore:
    """Span precision, recall and F1 of one set of spans, with how many gold and predicted spans there were."""

    precision: float | None
    recall: float | None
    f1: float | None
    gold: int
    predicted: int

    def __str__(self) -> str:
        if not self.gold and not self.predicted:
            return "n/a (no spans)"
        return f"P {100 * self.precision:.2f}% R {100 * self.recall:.2f}% F1 {100 * self.f1:.2f}%"


@dataclass
class SpanScores:
    """One system's span scores over the reports whose gold has spans."""

    reports: int
    scores: dict[str, SpanScore]  # ALL_FIELDS, then one per section


def spans_dir_of(gold_dir: Path) -> Path | None:
    """``GOLD_DIR/../spans`` when it exists (a generated corpus), else None."""
    folder = gold_dir.parent / SPANS_FOLDER
    return folder if folder.is_dir() else None


def gold_spans(spans_dir: Path, stem: str) -> list[tuple[str, int, int]] | None:
    """(field key, start, end) of every value span gold marks in report ``stem``; None without a spans file."""
    path = spans_dir / f"{stem}.json"
    if not path.is_file():
        return None
    return [(span["key"], span["start"], span["end"])
            for span in json.loads(path.read_text(encoding="utf-8")) if span["kind"] == "value"]


@lru_cache(maxsize=1)
def _tokenizer():
    """spaCy's Chinese tokenizer, character by character (no download): every cell boundary is a token's."""
    return spacy.blank("zh")


def example_of(pair: Pair, spans: list[tuple[str, int, int]]) -> Example:
    """The prediction of ``pair`` and the gold ``spans`` as one spaCy Example over the report's text."""
    nlp = _tokenizer()
    predicted, reference = nlp.make_doc(pair.text), nlp.make_doc(pair.text)
    record = pair.predicted.to_json() if isinstance(pair.predicted, Report) else pair.predicted
    set_record(predicted, record)
    set_spans(reference, spans)
    return Example(predicted, reference)


def _section_spans(doc, section: str):
    return [span for span in field_spans(doc) if field_spec(span.label_).section == section]


def _score(examples: list[Example], attr: str, getter) -> SpanScore:
    found = Scorer.score_spans(examples, attr, getter=getter, allow_overlap=True)
    gold = sum(len(getter(example.reference, attr)) for example in examples)
    predicted = sum(len(getter(example.predicted, attr)) for example in examples)
    return SpanScore(found[f"{attr}_p"], found[f"{attr}_r"], found[f"{attr}_f"], gold, predicted)


def score_pairs(pairs: list[Pair], spans_dir: Path) -> SpanScores | None:
    """Span scores of the pairs with gold spans and the report's text; None when not one has both."""
    examples = []
    for pair in pairs:
        spans = gold_spans(spans_dir, pair.stem)
        if spans is not None and pair.text is not None:
            examples.append(example_of(pair, spans))
    if not examples:
        return None
    scores = {ALL_FIELDS: _score(examples, f"spans_{SPANS_KEY}", field_spans)}
    scores.update({section: _score(examples, section, _section_spans) for section in SECTIONS})
    return SpanScores(len(examples), scores)


def score_systems(pairs: dict[str, list[Pair]], gold_dir: Path) -> dict[str, SpanScores]:
    """Span scores per system, for the systems whose reports have gold spans (none outside a generated corpus)."""
    spans_dir = spans_dir_of(gold_dir)
    if spans_dir is None:
        return {}
    scored = {name: score_pairs(system_pairs, spans_dir) for name, system_pairs in pairs.items()}
    return {name: scores for name, scores in scored.items() if scores is not None}


def rows(spans: dict[str, SpanScores]) -> list[tuple[str, dict[str, SpanScore]]]:
    """(label, score per system) for the overall figure and each section: the rows every view shows."""
    labels = [ALL_FIELDS] + [f"{section} fields" for section in SECTIONS]
    keys = [ALL_FIELDS, *SECTIONS]
    return [(label, {name: scores.scores[key] for name, scores in spans.items()}) for label, key in zip(labels, keys)]


def terminal_lines(spans: dict[str, SpanScores]) -> list[str]:
    """The span figures as the terminal report prints them (nothing when no gold has spans)."""
    if not spans:
        return []
    names = list(spans)
    table = rows(spans)
    heading = "spans by section"
    width = max(len(heading), *(len(label) for label, _ in table)) + 4
    cells = {(label, name): str(score[name]) for label, score in table for name in names}
    widths = {name: max(len(name), *(len(cells[label, name]) for label, _ in table)) + 2 for name in names}
    reports = max(scores.reports for scores in spans.values())
    lines = ["", f"span scores (spaCy Scorer.score_spans) on the {reports} reports with gold spans",
             (heading.ljust(width) + "".join(name.ljust(widths[name]) for name in names)).rstrip()]
    lines += [(("  " + label).ljust(width) + "".join(cells[label, name].ljust(widths[name]) for name in names)).rstrip()
              for label, _ in table]
    lines += [f"  {name}: {scores.scores[ALL_FIELDS].predicted} spans predicted, {scores.scores[ALL_FIELDS].gold} in gold"
              for name, scores in spans.items()]
    return lines


def to_json(spans: dict[str, SpanScores]) -> dict:
    return {name: {"reports": scores.reports,
                   "scores": {key: vars(score) for key, score in scores.scores.items()}}
            for name, scores in spans.items()}
