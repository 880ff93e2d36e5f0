"""``nianbao review``: one report as an HTML page, every labelled cell highlighted where it was printed.

Example::

    nianbao review data/seeds/004_4c36db1c4b6f0da5.txt --gold data/gold/004_4c36db1c4b6f0da5.json \\
        --system rules --out review.html

A wrong value is usually a right number read from the wrong place (a shifted column, a glued row), and
that shows at a glance when each cell is marked in the text it came from, with its key beside it.  The
page is our own Jinja2 template rather than displaCy's span renderer: displaCy lays a text out token by
token (a flattened table's line structure is lost) and colours spans by label only, while a reviewer
needs the lines kept, a tooltip per cell and red for the cells that disagree with gold.
"""
from __future__ import annotations

import argparse
import re
import sys
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from evaluate.command import load_gold
from evaluate.scoring import Mismatch, Pair, ReportScore, score_report
from nianbao.errors import InputError
from nianbao.pipeline import SYSTEMS, parse_document
from nianbao.readers import read_document
from nianbao.records import Report
from nianbao.text import Document

DEFAULT_SYSTEM = "hybrid"
FALLBACK_SYSTEM = "rules"
PROSE_CHARS = 120  # a line without any cell longer than this is folded, so the tables stay in view
PROSE_HEAD = 40  # characters of a folded line shown while it is folded
_BLANK_RUN = re.compile(r"\n(?:[ \t\u3000]*\n){2,}")  # two or more blank lines

_ENVIRONMENT = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent),
                                  autoescape=True, undefined=jinja2.StrictUndefined)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="INPUT", help="one report file (.txt, .html, .docx or .pdf)")
    parser.add_argument("--gold", metavar="FILE", help="the report's gold file (SCHEMA.md gold format)")
    parser.add_argument("--system", choices=SYSTEMS, default=DEFAULT_SYSTEM,
                        help=f"the parser to review (default: {DEFAULT_SYSTEM}; {FALLBACK_SYSTEM} when no "
                             "model checkpoint is installed)")
    parser.add_argument("--out", required=True, metavar="FILE.html", help="where to write the page")


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if not out.parent.is_dir():
        raise InputError(str(out), f"folder {out.parent} does not exist")
    gold = load_gold(Path(args.gold)) if args.gold else None
    doc = read_document(args.input)
    report, system = parse_or_fall_back(doc, args.system)
    out.write_text(render_review(doc, report, system, gold), encoding="utf-8")
    print(f"wrote {out}")
    return 0


def parse_or_fall_back(doc: Document, system: str) -> tuple[Report, str]:
    """The report and a description of the system that produced it.

    A model-based system without an installed checkpoint falls back to the rule layer, with a note, so a
    review is possible on a fresh checkout.
    """
    try:
        return parse_document(doc, system), system
    except FileNotFoundError as error:
        print(f"nianbao review: {system} needs the model ({error}); reviewing {FALLBACK_SYSTEM} instead",
              file=sys.stderr)
        return parse_document(doc, FALLBACK_SYSTEM), f"{FALLBACK_SYSTEM} ({system} asked for: no model checkpoint)"


@dataclass
class Annotation:
    """One field read from a marked span, and how it compares with gold."""

    key: str
    value: int | float | None
    raw: str | None
    by: str | None
    confidence: float
    gold: int | float | None = None
    wrong: bool = False  # differs from gold
    failed_check: bool = False  # part of a consistency rule the report breaks

    @property
    def tooltip(self) -> str:
        parts = [f"{self.key} = {show(self.value)} (printed {self.raw!r})", f"by {self.by}",
                 f"confidence {self.confidence:.2f}"] + [f"gold {show(self.gold)}"] * self.wrong
        return " · ".join(parts)


@dataclass
class Mark:
    """A highlighted span of ``Document.text``; fields whose spans overlap share one mark."""

    start: int
    end: int
    annotations: list[Annotation] = field(default_factory=list)

    @property
    def classes(self) -> str:
        first = self.annotations[0]
        names = [f"by-{first.by}"]
        names += ["null"] * all(a.value is None for a in self.annotations)
        names += ["wrong"] * any(a.wrong for a in self.annotations)
        names += ["failed"] * any(a.failed_check for a in self.annotations)
        return " ".join(names)


@dataclass
class Piece:
    """A stretch of the page's text: plain ``text``, a ``mark``, or a folded ``prose`` line or ``blank`` run."""

    kind: str
    text: str
    mark: Mark | None = None


def show(value) -> str:
    return "null" if value is None else str(value)


def marks_of(report: Report, score: ReportScore | None) -> list[Mark]:
    """A mark per printed span, in text order, each annotated with the fields read from it."""
    wrong = {m.key: m.gold for m in score.mismatches} if score else {}
    in_failed = {key for check in report.checks if check.ok is False for key in check.keys}
    located = sorted((f.start, f.end, key, f) for key, f in report.fields.items() if f.start is not None)
    marks: list[Mark] = []
    for start, end, key, f in located:
        annotation = Annotation(key, f.value, f.raw, f.by, f.confidence, wrong.get(key), key in wrong,
                                key in in_failed)
        if marks and start < marks[-1].end:
            marks[-1].end = max(marks[-1].end, end)
        else:
            marks.append(Mark(start, end))
        marks[-1].annotations.append(annotation)
    return marks


def pieces_of(text: str, marks: list[Mark]) -> list[Piece]:
    """The whole text cut into plain stretches, marks, and what is folded to keep the tables in view.

    Folded are long lines without a cell (``prose``) and runs of blank lines (``blank``, shown as one:
    text extracted from Word files often has ten in a row between sections).
    """
    line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
    marked_lines = {bisect_right(line_starts, m.start) - 1 for m in marks}
    stops: list[tuple[int, int, str, Mark | None]] = [(m.start, m.end, "mark", m) for m in marks]
    for number, start in enumerate(line_starts):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if end - start > PROSE_CHARS and number not in marked_lines:
            stops.append((start, end, "prose", None))
    stops += [(match.start(), match.end(), "blank", None) for match in _BLANK_RUN.finditer(text)]
    pieces, position = [], 0
    for start, end, kind, mark in sorted(stops, key=lambda stop: stop[0]):
        if start > position:
            pieces.append(Piece("text", text[position:start]))
        pieces.append(Piece(kind, text[start:end], mark))
        position = end
    if position < len(text):
        pieces.append(Piece("text", text[position:]))
    return pieces


def split_mismatches(report: Report, score: ReportScore | None) -> tuple[list[Mismatch], list[Mismatch]]:
    """Gold disagreements a mark shows, and those none can: the parser found no printed cell for the field."""
    def marked(mismatch: Mismatch) -> bool:
        return not mismatch.missing and report.fields[mismatch.key].start is not None

    if score is None:
        return [], []
    return [m for m in score.mismatches if marked(m)], [m for m in score.mismatches if not marked(m)]


def render_review(doc: Document, report: Report, system: str, gold: dict | None = None) -> str:
    """The self-contained review page of one parsed report, compared with ``gold`` when given."""
    score = score_report(Pair(Path(doc.source).stem, gold, report, text=doc.text)) if gold else None
    marks = marks_of(report, score)
    values = [f.value for f in report.fields.values()]
    counts = {"fields": len(values), "with a value": sum(v is not None for v in values),
              "null": sum(v is None for v in values),
              "highlighted in the text": sum(f.start is not None for f in report.fields.values())}
    located_wrong, unlocated = split_mismatches(report, score)
    checks = {"checked": sum(c.ok is not None for c in report.checks),
              "failed": sum(c.ok is False for c in report.checks),
              "not checkable (a cell is null)": sum(c.ok is None for c in report.checks)}
    return _ENVIRONMENT.get_template("review.html.j2").render(
        report=report, system=system, gold=gold, score=score, counts=counts, checks=checks,
        failed=[c for c in report.checks if c.ok is False], pieces=pieces_of(doc.text, marks),
        located_wrong=located_wrong, unlocated=unlocated, prose_head=PROSE_HEAD, show=show)
