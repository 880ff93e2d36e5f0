"""``nianbao export-tasks``: reports -> Label Studio tasks pre-annotated with the current model's cells.

    nianbao export-tasks reports/ --out tasks.json
    # Label Studio: create a project with data/label_studio.xml as its labelling config, import
    # tasks.json, correct the spans, export as JSON; then:
    nianbao train --annotations export.json --out runs/retrained --install

Annotators correct the model rather than label from nothing, which is several times faster and shows
them where the model is wrong.  Without a checkpoint the rule layer's cells are the pre-annotations
(model_version "rules").  Task text and offsets: see ``training.label_studio``.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from nianbao.errors import InputError
from nianbao.paths import MODEL_DIR
from training.label_studio import CONFIG_PATH, make_task


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="report files, folders, glob patterns or @list.txt")
    parser.add_argument("--out", required=True, type=Path, help="the tasks file to write (JSON list)")
    parser.add_argument("--model", metavar="PATH",
                        help="checkpoint whose cells pre-annotate the tasks (default: model/checkpoint, "
                             "or the rule layer when none is installed)")


def pre_annotator(model: str | None):
    """(label function doc -> cells, model_version): the checkpoint's labeller, or the rule layer's when none is
    installed.  A ``--model`` that does not load is an error, not a quiet fall back to the rules."""
    from model.inference import Labeller, checkpoint_version
    from nianbao.pipeline import model_cells
    from rules_fallback.parser import label_cells

    path = Path(model) if model else MODEL_DIR
    try:
        labeller = Labeller.load(path)
    except FileNotFoundError:
        if model:
            raise InputError(model, "no model checkpoint here (expected config.json, model.safetensors)") from None
        print(f"nianbao export-tasks: no checkpoint in {path}; pre-annotating with the rule layer", file=sys.stderr)
        return (lambda doc: label_cells(doc).cells), "rules"
    # The model labels the fields of the template the rule layer detects in the printed headers.
    return (lambda doc: model_cells(doc, label_cells(doc), labeller)), f"model-{checkpoint_version(path)}"


def run(args: argparse.Namespace) -> int:
    from nianbao.inputs import expand_inputs
    from nianbao.readers import read_document

    if not args.out.parent.is_dir():
        raise InputError(str(args.out), f"folder {args.out.parent} does not exist")
    inputs = expand_inputs(args.inputs)
    for spec, reason in inputs.errors:
        print(f"nianbao export-tasks: {spec}: {reason}", file=sys.stderr)
    label, version = pre_annotator(args.model)
    tasks, failed = [], 0
    for path in inputs.files:
        try:
            doc = read_document(path)
        except InputError as error:
            print(f"nianbao export-tasks: {error}; skipped", file=sys.stderr)
            failed += 1
            continue
        tasks.append(make_task(doc.norm, label(doc), version, source=str(path)))
    args.out.write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"nianbao export-tasks: {len(tasks)} tasks ({version}) -> {args.out}; labelling config: {CONFIG_PATH}")
    return 0 if tasks and not failed and not inputs.errors else 1
