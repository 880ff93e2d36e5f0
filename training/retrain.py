"""``nianbao train --annotations FILE...``: fine-tune the installed model on annotated reports.

    nianbao annotations check export.json
    nianbao train --annotations export.json --out runs/retrained --install

1. Read the annotations (``training.annotations``); gold files are aligned with the base model's and the
   rule layer's cells, and every value that cannot be placed is listed.  An empty annotation is skipped
   (``training.label_studio.read_annotation``); a report the gate evaluates on is named (the gate's figure
   is then no longer blind).
2. Mix in ``--generated-per-annotated`` generated reports per annotated one, of the training styles
   (``--hold-out`` styles excluded as in a full training), so the layouts the model already reads are
   rehearsed while it learns the new ones.  The annotated reports are repeated ``--annotation-repeats``
   times: a few real reports would otherwise be a small share of the windows.  An annotated report is
   labelled in its values only, so its other tokens are trained only where they could be a value
   (``training.features.VALUES_ONLY``).
3. Fine-tune from the base checkpoint (``--base-model``, default the installed one) for ``--steps`` steps
   at a learning rate made for a few reports (``LEARNING_RATE``, ``STEPS``; measured in model/README.md)
   with ``training.train.train``, which saves the checkpoint and ``training_summary.json``; write the
   model card.
4. With ``--install``, run the regression gate (``training.gate``) and install the checkpoint if it passes.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from nianbao.errors import UsageError
from nianbao.paths import MODEL_DIR

CARD_NAME = "README.md"
# Fine-tuning defaults for a handful of annotated reports (model/README.md, "Retraining on annotations").
LEARNING_RATE = {"new-tokens": 1e-3, "all": 5e-5}  # by --tune
STEPS = 200
MAX_MINUTES = 15.0
# Tuning all parameters, many distinct generated reports (each seen about once) keep the other layouts where
# they were far better than a few repeated ones (model/README.md).
GENERATED_PER_ANNOTATED = 100
ANNOTATION_REPEATS = 20
TUNE = "auto"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("fine-tuning on annotations")
    group.add_argument("--annotations", nargs="+", metavar="FILE",
                       help="Label Studio JSON exports and/or gold files: fine-tune the installed model on them "
                            "(--base-model chooses another) instead of training from scratch")
    group.add_argument("--annotations-text", metavar="DIR",
                       help="folder of the reports gold files describe (DIR/<gold stem>.txt, .html, ...)")
    group.add_argument("--steps", type=int, default=STEPS, metavar="N",
                       help="optimizer steps of the fine-tuning (default: %(default)s; --epochs is ignored)")
    group.add_argument("--tune", choices=("auto", "all", "new-tokens"), default=TUNE,
                       help="what fine-tuning changes: every parameter, only the embeddings of new layout characters "
                            "(no other layout is read differently), or auto: new-tokens where the annotated reports "
                            "have characters the vocabulary lacks, else all (default: %(default)s)")
    group.add_argument("--generated-per-annotated", type=int, default=GENERATED_PER_ANNOTATED, metavar="N",
                       help="generated reports mixed in per annotated report (default: %(default)s)")
    group.add_argument("--annotation-repeats", type=int, default=ANNOTATION_REPEATS, metavar="N",
                       help="times each annotated report is trained on per epoch (default: %(default)s)")
    group.add_argument("--install", action="store_true",
                       help="run the regression gate and, if it passes, make the new checkpoint model/checkpoint")
    group.add_argument("--force", action="store_true", help="with --install: install even when the gate refuses")
    group.add_argument("--installed", type=Path, default=MODEL_DIR, metavar="DIR",
                       help="the installed checkpoint: fine-tuned from unless --base-model, compared against by the "
                            "gate and replaced by --install (default: model/checkpoint)")
    group.add_argument("--gate-reports", type=int, default=10, metavar="N",
                       help="generated gate reports per style (default: %(default)s)")


def run(args: argparse.Namespace, train_styles: list[str]) -> int:
    from model.checkpoint_files import checkpoint_version
    from model.inference import Labeller
    from training.annotations import load_annotations
    from training.command import generate
    from training.gate import compare, gate_reports_among, install_if_passed
    from training.train import train

    if not args.annotations:
        raise UsageError("--install and --force go with --annotations (`nianbao gate CHECKPOINT "
                         "--install` gates a checkpoint trained from scratch)")
    base = Path(args.base_model) if args.base_model else args.installed
    if not (base / "config.json").is_file():
        raise UsageError(f"no checkpoint to fine-tune in {base} (--base-model PATH)")
    if Path(args.out).resolve() == args.installed.resolve():
        raise UsageError("--out must not be the installed checkpoint; --install puts it there after the gate")
    annotations = load_annotations(args.annotations, args.annotations_text, Labeller.load(base))
    for note in annotations.notes:
        print(f"annotations: {note}", flush=True)
    if not annotations.examples:
        raise UsageError("no usable annotated report (`nianbao annotations check FILE` says why)")
    for source, report in gate_reports_among(annotations.examples, args.gate_reports):
        print(f"annotations: warning: {source} is the gate's report {report}; trained on, its gate figure is no "
              "longer a measurement of new reports", flush=True)
    tune = args.tune if args.tune != "auto" else \
        "new-tokens" if new_layout_characters(base, annotations.examples) else "all"
    learning_rate, max_minutes = args.learning_rate or LEARNING_RATE[tune], args.max_minutes or MAX_MINUTES
    # Tuning new tokens alone, generated reports (which hold none of them) would teach nothing.
    generated = generate(len(annotations.examples) * args.generated_per_annotated, train_styles, args.seed) \
        if args.generated_per_annotated and tune == "all" else []
    print(f"{len(annotations.examples)} annotated reports (x{args.annotation_repeats}) and {len(generated)} "
          "generated" + (f" ({', '.join(train_styles)})" if generated else f"; tuning {tune}"), flush=True)
    summary = train(annotations.examples * args.annotation_repeats + generated, {"annotated": annotations.examples},
                    args.out, base_model=str(base), stride=args.stride, steps=args.steps,
                    batch_size=args.batch_size, learning_rate=learning_rate, seed=args.seed,
                    max_minutes=max_minutes, tune=tune, log=lambda message: print(message, flush=True))
    summary["annotations"] = {"files": list(args.annotations), "reports": [e["source"] for e in annotations.examples],
                              "spans": sum(len(e["spans"]) for e in annotations.examples),
                              "notes": annotations.notes, "repeats": args.annotation_repeats,
                              "generated": len(generated), "generated_styles": train_styles,
                              "base_version": checkpoint_version(base)}
    verdict = None
    if args.install:  # the gate's figures go into the card before the checkpoint is copied into place
        verdict = compare(args.out, args.installed, args.gate_reports)
        summary["gate"] = {"lines": verdict.lines(), "accepted": verdict.accepted}
        print("\n".join(summary["gate"]["lines"]), flush=True)
    Path(args.out, "training_summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n",
                                                       encoding="utf-8")
    Path(args.out, CARD_NAME).write_text(model_card(summary), encoding="utf-8")
    if verdict is not None and not install_if_passed(args.out, verdict, args.force, args.installed):
        return 1
    return 0


def new_layout_characters(base: Path, examples: list[dict]) -> list[str]:
    """The layout characters of the annotated reports that the base checkpoint's vocabulary lacks."""
    from transformers import AutoTokenizer

    from training.features import example_document
    from training.vocabulary import layout_characters

    tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)
    return layout_characters(tokenizer, [example_document(example)[0].norm for example in examples])


def model_card(summary: dict) -> str:
    """The checkpoint's README: what it was fine-tuned from and on, how long, and what the gate said."""
    notes = summary["annotations"]
    fit = summary["eval"].get("annotated", {}).get("all", {})
    lines = [
        "# nianbao token-classification model (fine-tuned on annotations)", "",
        f"- base checkpoint: `{summary['base_model']}` (version {notes['base_version']})",
        f"- annotation files: {', '.join(f'`{name}`' for name in notes['files'])}",
        f"- annotated reports trained on: {len(notes['reports'])} ({notes['spans']} value spans), each "
        f"{notes['repeats']}x per epoch; mixed with {notes['generated']} generated reports of "
        f"{', '.join(notes['generated_styles'])}",
        f"- training: {summary['steps']} steps ({summary['epochs']} epochs) in {summary['train_minutes']} min, "
        f"batch {summary['batch_size']}, peak learning rate {summary['learning_rate']}, seed {summary['seed']}",
        f"- fit on the annotated reports (token-level seqeval): precision {fit.get('precision', 0):.3f}, "
        f"recall {fit.get('recall', 0):.3f}, F1 {fit.get('f1', 0):.3f}",
    ]
    if notes["notes"]:
        lines += ["", "## Annotation notes (skipped or doubtful)", ""] + [f"- {note}" for note in notes["notes"]]
    if "gate" in summary:
        lines += ["", "## Regression gate", "", "```", *summary["gate"]["lines"], "```"]
    return "\n".join(lines) + "\n"
