"""Measure the retraining recipe: do three annotated reports of a layout the model reads badly fix it?

    flock /work/cpu.lock .venv/bin/python benchmarks/retrain_recipe.py --work /tmp/issue-18/recipe

1. Three generated reports of ``--style`` (seed ``--annotated-seed``) become a Label Studio export whose
   annotations are their value spans (what an annotator who corrects every region leaves), in code points.
2. ``nianbao annotations check`` reads the export, then ``nianbao train --annotations ... --install`` fine-tunes
   the installed model with the default recipe (extra options after ``--``) and gates it.  The gate
   compares against, and installs into, a copy of ``model/checkpoint`` under ``--work``: this script
   never replaces the shipped model.
3. Model-only and hybrid field accuracy on ``--eval-reports`` other reports of the style (seed
   ``--eval-seed``; neither seed is the gate's, 2024, nor training's generated ones) before and after.
"""
from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

from nianbao.cli import main as nianbao
from nianbao.paths import MODEL_DIR
from nianbao.text import normalise
from training.corpus import iter_examples
from training.features import example_document
from training.gate import score_checkpoint
from training.label_studio import make_task, region


def annotated_export(examples: list[dict]) -> list[dict]:
    """Tasks as Label Studio exports them once an annotator has labelled every value of each report."""
    tasks = []
    for number, example in enumerate(examples):
        doc, spans = example_document(example)
        task = make_task(doc.norm, [], "none", 0.0, source=f"annotated_{number}")
        task["id"] = number + 1
        task["annotations"] = [{"id": number + 1, "was_cancelled": False, "result": [
            region(span["key"], span["start"], span["end"], doc.norm) for span in spans if span["kind"] == "value"]}]
        tasks.append(task)
    return tasks


def accuracy(path: Path, triples: list[tuple]) -> dict[str, str]:
    scored = score_checkpoint(path, {"style": triples})
    return {system: str(evaluation.summary.fields) for (_, system), evaluation in scored.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/nianbao-recipe"), help="folder for every output")
    parser.add_argument("--style", default="ascii_box", help="the layout (default: %(default)s)")
    parser.add_argument("--annotated", type=int, default=3, help="annotated reports (default: %(default)s)")
    parser.add_argument("--annotated-seed", type=int, default=31)
    parser.add_argument("--eval-reports", type=int, default=20)
    parser.add_argument("--eval-seed", type=int, default=32)
    parser.add_argument("--candidate", type=Path, metavar="CHECKPOINT",
                        help="measure this checkpoint (fine-tuned on the same annotated reports, e.g. by "
                             "benchmarks/label_studio_e2e.py) instead of training one")
    parser.add_argument("train_options", nargs="*", help="after --: more `nianbao train` options")
    args = parser.parse_args()

    args.work.mkdir(parents=True, exist_ok=True)
    installed = args.work / "model" / "checkpoint"
    shutil.rmtree(args.work / "model", ignore_errors=True)
    shutil.copytree(MODEL_DIR, installed)
    annotated = [example for _, example in iter_examples(args.annotated, [args.style], args.annotated_seed)]
    export = args.work / "export.json"
    export.write_text(json.dumps(annotated_export(annotated), ensure_ascii=False), encoding="utf-8")
    evaluation = [(normalise(stem, example["text"]), example["gold"], args.style)
                  for stem, example in iter_examples(args.eval_reports, [args.style], args.eval_seed)]

    before = accuracy(installed, evaluation)
    print(f"before: {args.eval_reports} {args.style} reports: " + ", ".join(f"{k} {v}" for k, v in before.items()),
          flush=True)
    candidate = args.candidate or args.work / "candidate"
    if not args.candidate:
        nianbao(["annotations", "check", str(export)])
        started = time.time()
        status = nianbao(["train", "--annotations", str(export), "--installed", str(installed), "--out",
                          str(candidate), "--install", *args.train_options])
        print(f"nianbao train exit {status} after {(time.time() - started) / 60:.1f} min", flush=True)
    after = accuracy(candidate, evaluation)
    print(f"after:  {args.eval_reports} {args.style} reports: " + ", ".join(f"{k} {v}" for k, v in after.items()))


if __name__ == "__main__":
    main()
