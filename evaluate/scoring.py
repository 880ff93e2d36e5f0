"""Score parsed reports against gold files: the accuracy figures (README, "evaluate"), their breakdowns, and
mismatches.

Everything here is a pure function of gold dicts (the gold format of ARCHITECTURE.md) and predictions (a ``Report`` or
its ``to_json()`` dict), so the same scoring serves the ``nianbao evaluate`` command, the tests and any
notebook.  A figure is a ``Tally`` (right out of total) rather than a bare rate, because "196/198" tells a
reader how much evidence a percentage rests on.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from numbers import Real
from typing import NamedTuple

from nianbao.records import Report
from nianbao.schema import field_spec

META_KEYS = ("year", "template", "agency")  # the metadata figures evaluate reports, each on its own
REPORTED_META_KEYS = META_KEYS + ("title",)  # title is scored and shown, but is not one of the three
SECTIONS = ("active", "requests", "review")
CONTEXT_CHARS = 40  # characters of source text shown on each side of a mismatched value
AMOUNT_DECIMALS = 6  # 万元 amounts carry at most 4 printed decimals (1 元); 6 absorbs float noise only
SURE = 0.99  # a field this confident should be right: how often it is, is scored (ambiguous fields too)


@dataclass
class Tally:
    """``right`` out of ``total``; adds up across reports and groups."""

    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += bool(ok)
        self.total += 1

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.right + other.right, self.total + other.total)

    @property
    def rate(self) -> float | None:
        """The share right, or None when nothing was counted (a rate of 0/0 is not 0%)."""
        return self.right / self.total if self.total else None

    def __str__(self) -> str:
        if not self.total:
            return "0/0 (n/a)"
        return f"{self.right}/{self.total} ({100 * self.right / self.total:.2f}%)"


class Context(NamedTuple):
    """The source text around a predicted value: ``before``, the predicted ``span`` itself, ``after``."""

    before: str
    span: str
    after: str


@dataclass
class Mismatch:
    """One field whose predicted value differs from gold, with what the parser saw there."""

    stem: str
    key: str
    gold: int | float | None
    predicted: int | float | None
    raw: str | None  # the printed text the parser read, when it reported one
    missing: bool = False  # the prediction has no such key at all
    context: Context | None = None


@dataclass
class ReportScore:
    """The score of one report."""

    stem: str
    group: str | None
    fields: Tally
    nonzero: Tally
    sections: dict[str, Tally]
    meta: dict[str, bool]  # META_KEYS and title -> right or wrong
    mismatches: list[Mismatch]
    gold_meta: dict
    predicted_meta: dict
    note: str | None = None  # e.g. why the parser produced nothing for this input
    ambiguous: Tally = field(default_factory=Tally)  # the fields the text alone does not determine, scored apart
    sure: Tally = field(default_factory=Tally)  # the fields given confidence >= SURE, ambiguous ones included

    @property
    def exact(self) -> bool:
        return self.fields.right == self.fields.total


@dataclass
class Summary:
    """The accuracy figures over a set of reports, with the per-section breakdown."""

    reports: int
    fields: Tally
    nonzero: Tally
    exact: Tally
    meta: dict[str, Tally]
    sections: dict[str, Tally]
    ambiguous: Tally = field(default_factory=Tally)
    sure: Tally = field(default_factory=Tally)


@dataclass
class Evaluation:
    """Every report's score, the overall summary and one summary per group label."""

    reports: list[ReportScore]
    summary: Summary
    groups: dict[str, Summary] = field(default_factory=dict)

    @property
    def mismatches(self) -> list[Mismatch]:
        return [m for report in self.reports for m in report.mismatches]


@dataclass
class Pair:
    """One report to score: its gold, the prediction, and optionally the source text and a group label."""

    stem: str
    gold: dict
    predicted: dict | Report
    text: str | None = None  # the reader's text, which predicted start/end index
    group: str | None = None  # e.g. the layout style the report was generated with
    note: str | None = None
    # Fields the text alone does not determine (a gold folder's AMBIGUOUS.txt): scored apart, in no other figure.
    ambiguous: frozenset[str] = frozenset()


def _is_number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def normalise_number(value):
    """The canonical form of a field value: None, an int, or a float rounded to ``AMOUNT_DECIMALS``.

    Integral floats become ints so 30 == 30.0; a string or a bool is not a number and stays itself,
    so it can never equal a gold number.
    """
    if not _is_number(value):
        return value
    if float(value).is_integer():
        return int(value)
    return round(float(value), AMOUNT_DECIMALS)


def same_value(gold, predicted) -> bool:
    """True when both are null, or both are numbers equal after normalisation (a string "30" is not 30)."""
    if gold is None or predicted is None:
        return gold is None and predicted is None
    return _is_number(gold) and _is_number(predicted) and normalise_number(gold) == normalise_number(predicted)


def _same_meta(key: str, gold, predicted) -> bool:
    """Year as a number, template and names as text with surrounding space ignored; null equals only null."""
    if key == "year":
        return same_value(gold, predicted)
    if isinstance(gold, str) and isinstance(predicted, str):
        return gold.strip() == predicted.strip()
    return gold is None and predicted is None


def _context(text: str | None, start: int | None, end: int | None) -> Context | None:
    """``CONTEXT_CHARS`` of text either side of the predicted span; None without text or span."""
    if text is None or start is None or end is None or not 0 <= start <= end <= len(text):
        return None
    return Context(text[max(0, start - CONTEXT_CHARS):start], text[start:end], text[end:end + CONTEXT_CHARS])


def score_report(pair: Pair) -> ReportScore:
    """Compare every gold field and the metadata of one report with the prediction."""
    predicted = pair.predicted.to_json() if isinstance(pair.predicted, Report) else pair.predicted
    predicted_fields = predicted.get("fields") or {}
    predicted_meta = dict(predicted.get("meta") or {}, template=predicted.get("template"))
    gold_meta = dict(pair.gold.get("meta") or {}, template=pair.gold.get("template"))

    fields, nonzero, ambiguous, sure = Tally(), Tally(), Tally(), Tally()
    sections = {section: Tally() for section in SECTIONS}
    mismatches = []
    for key, gold_value in pair.gold["fields"].items():
        cell = predicted_fields.get(key)
        value = cell.get("value") if cell else None
        ok = cell is not None and same_value(gold_value, value)
        if cell is not None and (cell.get("confidence") or 0) >= SURE:
            sure.add(ok)
        if key in pair.ambiguous:
            ambiguous.add(ok)
            continue
        fields.add(ok)
        sections[field_spec(key).section].add(ok)
        if gold_value is not None and gold_value != 0:
            nonzero.add(ok)
        if not ok:
            cell = cell or {}
            mismatches.append(Mismatch(pair.stem, key, gold_value, value, cell.get("raw"), missing=not cell,
                                       context=_context(pair.text, cell.get("start"), cell.get("end"))))
    meta = {key: _same_meta(key, gold_meta.get(key), predicted_meta.get(key)) for key in REPORTED_META_KEYS}
    return ReportScore(pair.stem, pair.group, fields, nonzero, sections, meta, mismatches,
                       gold_meta, predicted_meta, pair.note, ambiguous, sure)


def summarise(scores: list[ReportScore]) -> Summary:
    """Add up report scores into the accuracy figures."""
    summary = Summary(len(scores), Tally(), Tally(), Tally(), {key: Tally() for key in REPORTED_META_KEYS},
                      {section: Tally() for section in SECTIONS})
    for score in scores:
        summary.fields += score.fields
        summary.nonzero += score.nonzero
        summary.ambiguous += score.ambiguous
        summary.sure += score.sure
        summary.exact.add(score.exact)
        for key, ok in score.meta.items():
            summary.meta[key].add(ok)
        for section, tally in score.sections.items():
            summary.sections[section] += tally
    return summary


def score_reports(pairs) -> Evaluation:
    """Score every pair; reports with a group label are also summarised per group (sorted by label)."""
    scores = [score_report(pair) for pair in pairs]
    by_group: dict[str, list[ReportScore]] = defaultdict(list)
    for score in scores:
        if score.group is not None:
            by_group[score.group].append(score)
    return Evaluation(scores, summarise(scores), {label: summarise(by_group[label]) for label in sorted(by_group)})
