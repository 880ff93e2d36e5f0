"""``nianbao annotations check FILE...``: what training would make of annotation files, before it trains.

    nianbao annotations check export.json

For every task: whether it is used, and if not why (not annotated, an empty annotation, offsets that do
not hold the region's text, labels that are no field key, overlapping regions); which offset convention
its regions were read in where that matters (``training.label_studio``); a report that looks partly
annotated (far fewer value spans than the rule layer reads cells: every printed number left unlabelled is
trained as "not a value"); and reports the regression gate evaluates on.  It ends with what training
would use.  Exit 0 when every annotated task is usable, 1 otherwise.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter

from training.label_studio import UTF16, section_of

PARTLY_ANNOTATED = 0.5  # fewer value spans than this share of the rule layer's cells: say so


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["check"], help="check: validate the files and say what training would use")
    parser.add_argument("files", nargs="+", metavar="FILE", help="Label Studio JSON exports and/or gold files")
    parser.add_argument("--annotations-text", metavar="DIR", help="folder of the reports gold files describe")
    parser.add_argument("--gate-reports", type=int, default=10, metavar="N",
                        help="generated gate reports per style, as `nianbao train --gate-reports` (default: %(default)s)")


def run(args: argparse.Namespace) -> int:
    from training.annotations import load_annotations
    from training.gate import gate_reports_among

    loaded = load_annotations(args.files, args.annotations_text)
    for note in loaded.notes:
        print(f"skipped or doubtful: {note}")
    warnings = [f"{example['source']}: offsets read as {UTF16} (Label Studio writes code points)"
                for example in loaded.examples if example.get("convention") == UTF16]
    warnings += partly_annotated(loaded.examples)
    warnings += [f"{source} is the gate's report {report}: trained on, its gate figure no longer measures new reports"
                 for source, report in gate_reports_among(loaded.examples, args.gate_reports)]
    for warning in warnings:
        print(f"warning: {warning}")
    spans = [span for example in loaded.examples for span in example["spans"]]
    sections = Counter(section_of(span["key"]) for span in spans)
    print(f"training would use {len(loaded.examples)} annotated report(s), {len(spans)} value spans of "
          f"{len({span['key'] for span in spans})} field keys ({', '.join(f'{k} {n}' for k, n in sections.items())})")
    skipped = sum(": skipped (" in note for note in loaded.notes)  # tasks with problems (not merely unannotated)
    if not loaded.examples:
        print("nothing to train on", file=sys.stderr)
        return 1
    return 1 if skipped or warnings else 0


def partly_annotated(examples: list[dict]) -> list[str]:
    """A warning for each example labelling far fewer values than the rule layer reads cells in its text."""
    from nianbao.text import normalise
    from rules_fallback.parser import label_cells

    out = []
    for example in examples:
        read = len(label_cells(normalise("", example["text"])).cells)
        if read and len(example["spans"]) < PARTLY_ANNOTATED * read:
            out.append(f"{example['source']}: {len(example['spans'])} value spans where the rule layer reads {read} "
                       "cells; a printed number left unlabelled is trained as 'not a value'")
    return out
