"""``nianbao loso``: leave-one-source-out on real reports, the protocol every real-report model figure uses.

    nianbao loso --work runs/loso                   # data/real-dev, the installed checkpoint
    nianbao loso --checkpoint runs/x --no-fine-tune # score a checkpoint as it is, per source

The reports of a gold folder come from a few sources (``manifest.jsonl``: ``{"stem", "source"}``), each
with layouts of its own (a crawler's glued pages, a CMS, PDFs).  A figure on reports of a source the
model was trained on says little about a new one, so for every source in turn:

1. score its reports with the checkpoint as given (model only, hybrid, and the rules for reference);
2. fine-tune the checkpoint on the gold of the *other* sources (``training.retrain``'s recipe: annotated
   reports, repeated, mixed with generated ones) and score the held-out source again.

The figures are printed per source and overall, with the reports where the hybrid reads fewer fields
right than the rules, and the model's mismatches sorted by kind (``evaluate.error_kinds``).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from evaluate.error_kinds import mismatch_kinds
from evaluate.gold import Labels, load_gold, read_ambiguous, read_groups
from evaluate.scoring import Evaluation, Pair, Tally, score_reports
from nianbao.errors import UsageError
from nianbao.paths import MODEL_DIR, REAL_DEV_DIR
from nianbao.systems import SYSTEMS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--gold", type=Path, default=REAL_DEV_DIR / "gold",
                        help="gold folder; its parent (or itself) holds manifest.jsonl with each report's source "
                             "(default: data/real-dev/gold)")
    parser.add_argument("--reports", type=Path, default=REAL_DEV_DIR / "reports",
                        help="folder of the reports, <stem>.txt/.html/.pdf… (default: data/real-dev/reports)")
    parser.add_argument("--checkpoint", type=Path, default=MODEL_DIR,
                        help="the checkpoint scored and fine-tuned from (default: the installed one)")
    parser.add_argument("--work", type=Path, default=Path("runs/loso"),
                        help="where each fold's fine-tuned checkpoint is written (default: %(default)s)")
    parser.add_argument("--no-fine-tune", action="store_true", help="only score the checkpoint as it is")
    parser.add_argument("--sources", nargs="*", metavar="SOURCE", help="hold out only these sources")
    parser.add_argument("--steps", type=int, default=200, help="fine-tuning steps per fold (default: %(default)s)")
    parser.add_argument("--learning-rate", type=float, default=1e-4,
                        help="peak learning rate of the fine-tuning (default: %(default)s)")
    parser.add_argument("--generated-per-annotated", type=int, default=20, metavar="N",
                        help="generated reports mixed in per annotated one (default: %(default)s)")
    parser.add_argument("--annotation-repeats", type=int, default=20, metavar="N",
                        help="times each annotated report is trained on (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=13, help="seed of generation and training (default: %(default)s)")
    parser.add_argument("--json", type=Path, help="also write every figure as JSON")


@dataclass
class Scored:
    """One system's figures on the reports of a fold, and its mismatches by kind."""

    evaluation: Evaluation
    kinds: Counter


@dataclass
class Fold:
    """One held-out source: its reports' scores by system, before and after fine-tuning."""

    source: str
    stems: list[str]
    before: dict[str, Scored]
    after: dict[str, Scored] = field(default_factory=dict)
    trained_on: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def sources_of(gold_dir: Path) -> dict[str, list[str]]:
    """source -> its stems, from the gold folder's manifest."""
    grouping = read_groups(gold_dir, required=True)
    kind, groups = grouping
    if kind != "source":
        raise UsageError(f"the manifest of {gold_dir} labels reports by {kind}, not by source")
    by_source: dict[str, list[str]] = {}
    for stem, source in sorted(groups.items()):
        if (gold_dir / f"{stem}.json").is_file():
            by_source.setdefault(source, []).append(stem)
    if len(by_source) < 2:
        raise UsageError(f"leave-one-source-out needs reports of two sources or more; {gold_dir} has {len(by_source)}")
    return by_source


def score(stems: list[str], reports_dir: Path, gold_dir: Path, labels: Labels, labeller,
          systems=SYSTEMS) -> dict[str, Scored]:
    """Parse each report once per system (model and hybrid share the model's reading) and score it."""
    from model.inference import CellsOnce
    from nianbao.pipeline import parse_document
    from nianbao.readers import read_document
    from training.annotations import _report_file

    pairs: dict[str, list[Pair]] = {name: [] for name in systems}
    kinds: dict[str, Counter] = {name: Counter() for name in systems}
    for stem in stems:
        path = _report_file(reports_dir, stem)
        if path is None:
            raise UsageError(f"no report {stem}.* in {reports_dir}")
        doc, gold, cells = read_document(path), load_gold(gold_dir / f"{stem}.json"), CellsOnce(labeller)
        for name in systems:
            record = parse_document(doc, name, cells).to_json()
            pairs[name].append(labels.pair(stem, gold, record, text=doc.text))
            kinds[name] += mismatch_kinds(doc, gold["fields"], record["fields"], labels.ambiguous.get(stem, frozenset()))
    return {name: Scored(score_reports(pairs[name]), kinds[name]) for name in systems}


def fine_tune(train_stems: list[str], args: argparse.Namespace, out: Path, labeller) -> tuple[Path, list[str], list[str]]:
    """Fine-tune ``args.checkpoint`` on the gold of ``train_stems``: (checkpoint, reports used, notes)."""
    from training.annotations import load_annotations
    from training.command import DEFAULT_HELD_OUT, generate
    from training.styles import STYLES
    from training.train import train

    annotations = load_annotations([args.gold / f"{stem}.json" for stem in train_stems], args.reports, labeller)
    if not annotations.examples:
        raise UsageError(f"no report of {', '.join(train_stems)} could be aligned with its gold: "
                         + "; ".join(annotations.notes[-3:]))
    styles = [style for style in sorted(STYLES) if style not in DEFAULT_HELD_OUT]
    generated = generate(len(annotations.examples) * args.generated_per_annotated, styles, args.seed)
    train(annotations.examples * args.annotation_repeats + generated, {}, out, base_model=str(args.checkpoint),
          steps=args.steps, learning_rate=args.learning_rate, seed=args.seed, max_minutes=60.0,
          log=lambda message: print(f"  {message}", flush=True))
    return out, [example["report"] for example in annotations.examples], annotations.notes


def run(args: argparse.Namespace) -> int:
    from model.inference import Labeller

    try:
        by_source = sources_of(args.gold)
        unknown = sorted(set(args.sources or ()) - set(by_source))
        if unknown:
            raise UsageError(f"unknown source(s) {', '.join(unknown)}: the manifest has {', '.join(by_source)}")
        labels = Labels({}, read_ambiguous(args.gold))
        base = Labeller.load(args.checkpoint)
        folds = []
        for source in args.sources or by_source:
            stems = by_source[source]
            print(f"{source}: {len(stems)} reports held out", flush=True)
            fold = Fold(source, stems, score(stems, args.reports, args.gold, labels, base))
            if not args.no_fine_tune:
                train_stems = [stem for other, group in by_source.items() if other != source for stem in group]
                checkpoint, fold.trained_on, fold.notes = fine_tune(train_stems, args, args.work / source, base)
                fold.after = score(stems, args.reports, args.gold, labels, Labeller.load(checkpoint),
                                   systems=("model", "hybrid"))
            folds.append(fold)
    except UsageError as error:
        print(f"nianbao loso: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(render(folds))
    if args.json:
        args.json.write_text(json.dumps(to_json(folds), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


def _columns(fold: Fold) -> dict[str, Scored]:
    columns = {name: fold.before[name] for name in SYSTEMS}
    columns.update({f"{name}, fine-tuned": scored for name, scored in fold.after.items()})
    return columns


def _total(folds: list[Fold], column: str, figure: str) -> Tally:
    return sum((getattr(_columns(fold)[column].evaluation.summary, figure) for fold in folds if column in _columns(fold)), Tally())


def render(folds: list[Fold]) -> str:
    """The per-source table (non-zero fields and all fields), the hybrid-below-rules reports, the error kinds."""
    columns = list(_columns(folds[0]))
    lines = ["leave-one-source-out: each source scored by a checkpoint not fine-tuned on it", ""]
    for figure, title in (("nonzero", "non-zero fields"), ("fields", "fields")):
        lines.append(f"{title:<22}" + "".join(f"{column:>24}" for column in columns))
        for fold in folds:
            row = _columns(fold)
            lines.append(f"{fold.source:<22}"
                         + "".join(f"{str(getattr(row[c].evaluation.summary, figure)):>24}" for c in columns))
        lines.append(f"{'all':<22}" + "".join(f"{str(_total(folds, c, figure)):>24}" for c in columns))
        lines.append("")
    below = [(fold.source, rules.stem, hybrid.fields, rules.fields) for fold in folds
             for column in ("hybrid", "hybrid, fine-tuned") if column in _columns(fold)
             for rules, hybrid in zip(fold.before["rules"].evaluation.reports, _columns(fold)[column].evaluation.reports)
             if hybrid.fields.right < rules.fields.right]
    lines.append("reports where the hybrid reads fewer fields than the rules: "
                 + (", ".join(f"{stem} ({h} < {r})" for _, stem, h, r in below) or "none"))
    for column in ("model", "model, fine-tuned"):
        if column in columns:
            kinds = sum((_columns(fold)[column].kinds for fold in folds), Counter())
            lines.append(f"{column} mismatches by kind: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    for fold in folds:
        if fold.trained_on:
            lines.append(f"{fold.source}: fine-tuned on {len(fold.trained_on)} reports"
                         + (f"; {len(fold.notes)} alignment note(s), first: {fold.notes[0]}" if fold.notes else ""))
    return "\n".join(lines) + "\n"


def to_json(folds: list[Fold]) -> dict:
    return {"folds": [{"source": fold.source, "reports": fold.stems, "trained_on": fold.trained_on,
                       "notes": fold.notes,
                       "figures": {column: {"fields": _pair(s.evaluation.summary.fields),
                                            "non_zero": _pair(s.evaluation.summary.nonzero),
                                            "error_kinds": dict(s.kinds)}
                                   for column, s in _columns(fold).items()}} for fold in folds]}


def _pair(tally: Tally) -> list[int]:
    return [tally.right, tally.total]
