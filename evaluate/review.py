"""``nianbao review``: one report as an HTML page, every field marked where it was printed, by displaCy.

Example::

    nianbao review data/seeds/004_4c36db1c4b6f0da5.txt --gold data/gold/004_4c36db1c4b6f0da5.json \\
        --system rules --out review.html

A wrong value is usually a right number read from the wrong place (a shifted column, a glued row), and
that shows at a glance when each cell is marked in the text it came from, with its key beside it.  Each
section's table is drawn by displaCy's span renderer (``displacy.render(style="span")``) from a spaCy Doc
whose span group holds that section's fields, labelled with their keys; a field's colour says whether it
differs from gold, is in a failed check, is null, or which reader found it.  Beside the tables: the
figures, the gold differences and the failed checks.
"""
from __future__ import annotations

import argparse
import sys
from functools import lru_cache
from pathlib import Path

import jinja2
import spacy
from spacy import displacy
from spacy.tokens import Doc

from evaluate.gold import load_gold
from evaluate.scoring import SECTIONS, Mismatch, Pair, ReportScore, score_report
from nianbao.errors import InputError
from nianbao.pipeline import parse_document
from nianbao.systems import SYSTEMS
from nianbao.readers import read_document
from nianbao.records import Report
from nianbao.schema import field_spec, load_schema
from nianbao.spacy_component import SPANS_KEY, set_spans
from nianbao.text import Document

DEFAULT_SYSTEM = "hybrid"
FALLBACK_SYSTEM = "rules"
COLOURS = {"by-rules": "#ffd866", "by-model": "#9fd0ff", "by-both": "#a8e6a1", "null": "#d6d6d6",
           "failed": "#ffa94d", "wrong": "#ff6b6b"}
CONTEXT_CHARS = 30  # text shown before a section's first field and after its last, where no line ends sooner
# displaCy's span templates (``spacy.displacy.templates``) with the label in the flow of the text, under
# its cell, rather than absolutely placed: cells of a table row sit a few characters apart, and labels
# placed on top of each other could not be read.  No line breaks between the tags: the text keeps its
# own (white-space: pre-wrap), and these would show too.
SPAN_TEMPLATES = {
    "span": '<span style="font-weight: bold; display: inline-block; position: relative; vertical-align: top; '
            'padding-bottom: 2px;">{text}{span_slices}{span_starts}</span>',
    "slice": '<span style="background: {bg}; top: {top_offset}px; height: 4px; left: -1px; width: calc(100% + 2px); '
             'position: absolute;"></span>',
    "start": '<span style="display: block; background: {bg}; color: #000; margin-top: 3px; padding: 2px 3px; '
             'font-size: 0.62em; font-weight: bold; line-height: 1; border-radius: 3px; white-space: nowrap;">'
             '{label}{kb_link}</span>',
}

_ENVIRONMENT = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent),
                                  autoescape=True, undefined=jinja2.StrictUndefined)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="INPUT", help="one report file (.txt, .html, .docx or .pdf)")
    parser.add_argument("--gold", metavar="FILE", help="the report's gold file (the gold format of ARCHITECTURE.md)")
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


def show(value) -> str:
    return "null" if value is None else str(value)


def colours(report: Report, score: ReportScore | None) -> dict[str, str]:
    """Each field's colour, by its ``short_label``: by what a reviewer should look at first — differs
    from gold, in a failed check, null — and otherwise by which reader found it."""
    wrong = {m.key for m in score.mismatches} if score else set()
    in_failed = {key for check in report.checks if check.ok is False for key in check.keys}
    found = {}
    for key, field in report.fields.items():
        state = ("wrong" if key in wrong else "failed" if key in in_failed else
                 "null" if field.value is None else f"by-{field.by}")
        found[short_label(key)] = COLOURS[state]
    return found


def section_docs(doc: Document, report: Report) -> list[Doc]:
    """A spaCy Doc per section holding a table, from its first field read to its last (widened to whole
    lines, or by ``CONTEXT_CHARS`` in a text without line breaks there), with that section's fields as
    its span group, labelled by key without the section's own prefix, and the section as displaCy's title."""
    located = [(key, field.start, field.end) for key, field in report.fields.items() if field.start is not None]
    docs = []
    for section in SECTIONS:
        spans = [(key, start, end) for key, start, end in located if field_spec(key).section == section]
        if not spans:
            continue
        first, last = min(start for _, start, _ in spans), max(end for _, _, end in spans)
        first = max(doc.text.rfind("\n", 0, first) + 1, first - CONTEXT_CHARS)
        line_end = doc.text.find("\n", last)
        last = min(len(doc.text) if line_end < 0 else line_end, last + CONTEXT_CHARS)
        section_doc = _display_tokenizer().make_doc(doc.text[first:last])
        set_spans(section_doc, [(short_label(key), start - first, end - first) for key, start, end in spans])
        section_doc.user_data["title"] = f"{section_title(section)}: {len(spans)} fields read"
        docs.append(section_doc)
    return docs


def section_title(section: str) -> str:
    """The section's printed heading and its key, e.g. ``主动公开政府信息情况 (active)``."""
    label = next(entry["label"] for entry in load_schema()["sections"] if entry["key"] == section)
    return f"{label} ({section})"


def short_label(key: str) -> str:
    """A field key as its section's view labels it: ``requests.new.natural`` -> ``new.natural``."""
    section = field_spec(key).section
    return key.removeprefix(f"{section}.")


@lru_cache(maxsize=1)
def _display_tokenizer():
    """spaCy's rule-based tokenizer, which keeps a run of Chinese text one token: displaCy puts a space
    after every token, and one per character (``spacy.blank("zh")``) would space the text out."""
    return spacy.blank("xx")


def render_sections(docs: list[Doc], colours_by_key: dict[str, str]) -> str:
    """displaCy's span view of the section Docs, labels shown, coloured by ``colours``."""
    if not docs:
        return ""
    return displacy.render(docs, style="span", page=False, options={
        "spans_key": SPANS_KEY, "colors": colours_by_key, "template": SPAN_TEMPLATES,
        "top_offset": 24, "top_offset_step": 6})


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
        failed=[c for c in report.checks if c.ok is False],
        sections=render_sections(section_docs(doc, report), colours(report, score)),
        colours=COLOURS, located_wrong=located_wrong, unlocated=unlocated, show=show)
