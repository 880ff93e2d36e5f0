"""``nianbao export-tasks``: reports -> Label Studio tasks pre-annotated with what ``nianbao parse`` reads.

    nianbao export-tasks reports/ --out tasks.json
    # Label Studio: create a project with data/label_studio.xml as its labelling config, import
    # tasks.json, correct the spans, export as JSON; then:
    nianbao annotations check export.json
    nianbao train --annotations export.json --out runs/retrained --install

Annotators correct the parser rather than label from nothing, which is several times faster and shows
them where it is wrong.  The pre-annotations are the fields of the system ``parse`` uses (the hybrid;
the rule layer alone when no checkpoint is installed), each region scored with the field's calibrated
confidence (``nianbao.confidence``: the probability that the value is right).  A task's score is the
share of the report's fields expected to be right (the mean of those probabilities), so sorting tasks by
prediction score, lowest first, puts the reports that most need a person first.  A text ``parse``
rejects as "no report found" becomes a task without regions and with a note saying so.  Task text and
offsets: see ``training.label_studio``.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from nianbao.errors import InputError
from nianbao.paths import MODEL_DIR
from nianbao.text import Document
from training.label_studio import CONFIG_PATH, make_task

NO_REPORT = "no report found: not one table cell of a report is in the text"  # what `nianbao parse` says


@dataclass
class Span:
    """A pre-annotated region: a field's printed cell in the task's text and its calibrated confidence."""

    key: str
    start: int
    end: int
    confidence: float


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="report files, folders, glob patterns or @list.txt")
    parser.add_argument("--out", required=True, type=Path, help="the tasks file to write (JSON list)")
    parser.add_argument("--model", metavar="PATH",
                        help="checkpoint whose hybrid parse pre-annotates the tasks (default: model/checkpoint, "
                             "or the rule layer when none is installed)")


class PreAnnotator:
    """Parses a document as ``nianbao parse`` does and turns the record into a Label Studio task."""

    def __init__(self, model: str | Path | None = None):
        """``model``: the checkpoint whose hybrid parse pre-annotates (default: the installed one; the rule layer
        when none is installed).  A ``model`` given that does not load is an error, not a quiet fall back."""
        from model.checkpoint_files import checkpoint_version
        from model.inference import Labeller

        path = Path(model) if model else MODEL_DIR
        try:
            self.labeller = Labeller.load(path)
        except FileNotFoundError:
            if model:
                raise InputError(str(model), "no model checkpoint here (expected config.json, model.safetensors)") \
                    from None
            print(f"nianbao export-tasks: no checkpoint in {path}; pre-annotating with the rule layer", file=sys.stderr)
            self.labeller, self.system, self.version = None, "rules", "rules"
        else:
            self.system, self.version = "hybrid", f"hybrid-{checkpoint_version.__wrapped__(path)}"

    def task(self, doc: Document, source: str | None = None) -> dict:
        """The task of ``doc``, its text ``doc.text`` (give a document of normalised text: see the module)."""
        return make_task(doc.text, *self.prediction(doc), source=source)

    def prediction(self, doc: Document) -> tuple[list[Span], str, float, str | None]:
        """(regions on ``doc.text``, model version, task score, note) of the record ``parse`` makes of ``doc``."""
        from nianbao.pipeline import found_report, parse_document

        report = parse_document(doc, self.system, self.labeller)
        fields = report.fields.values()
        if not found_report(report):  # what `nianbao parse` rejects
            return [], self.version, 0.0, NO_REPORT
        spans = [Span(key, field.start, field.end, field.confidence)
                 for key, field in report.fields.items() if field.raw is not None and field.start is not None]
        return spans, self.version, sum(field.confidence for field in fields) / len(fields), None


def run(args: argparse.Namespace) -> int:
    from nianbao.inputs import expand_inputs
    from nianbao.readers import read_document
    from nianbao.text import normalise

    if not args.out.parent.is_dir():
        raise InputError(str(args.out), f"folder {args.out.parent} does not exist")
    inputs = expand_inputs(args.inputs)
    for spec, reason in inputs.errors:
        print(f"nianbao export-tasks: {spec}: {reason}", file=sys.stderr)
    annotator = PreAnnotator(args.model)
    tasks, failed = [], 0
    for path in inputs.files:
        try:
            doc = read_document(path)
        except InputError as error:
            print(f"nianbao export-tasks: {error}; skipped", file=sys.stderr)
            failed += 1
            continue
        tasks.append(annotator.task(normalise(str(path), doc.norm), source=str(path)))
    args.out.write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"nianbao export-tasks: {len(tasks)} tasks ({annotator.version}) -> {args.out}; labelling config: {CONFIG_PATH}")
    return 0 if tasks and not failed and not inputs.errors else 1
