"""The regression gate: a new checkpoint replaces the installed one only where it scores no worse.

Both checkpoints parse the same reports with the model-only and the hybrid system, and each figure
(field accuracy, ``evaluate.scoring``) of the new one must be at least the old one's:

- ``seeds``: the real reports of ``data/seeds`` against ``data/gold``;
- ``generated``: a fixed held-out set, ``REPORTS_PER_STYLE`` generated reports of every style from seed
  ``GATE_SEED`` (``training.corpus`` draws report i from "2024:i"; training draws from ``random.Random(13)``
  and friends, so no training report is among them);
- ``real-dev <source>``: the real reports of ``data/real-dev``, one figure per source (fields of
  ``AMBIGUOUS.txt`` apart): real reports are the measure, and a checkpoint that reads generated layouts
  better can read a real source worse.  A checkpoint fine-tuned on some of them is warned about
  (``gate_reports_among``): its figure on those is no longer a measurement.

A tie passes: a retraining aimed at one layout should leave the others where they were, not improve them.
``--force`` installs a refused checkpoint anyway.  The replaced checkpoint is moved to
``model/previous/<version>/`` (git-ignored; ``version`` is its files' fingerprint,
``model.checkpoint_files.checkpoint_version``), from where it is reinstated by moving it back.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import NamedTuple
from pathlib import Path

from evaluate.gold import load_gold, read_ambiguous, read_groups
from evaluate.scoring import Evaluation, Pair, Tally, score_reports
from nianbao.confidence import CALIBRATION_FILE
from nianbao.errors import EXIT_FINDINGS, EXIT_OK
from nianbao.paths import GOLD_DIR, MODEL_DIR, REAL_DEV_DIR, SEEDS_DIR

GATE_SEED = 2024
REPORTS_PER_STYLE = 10
SYSTEMS = ("model", "hybrid")
PREVIOUS = "previous"  # replaced checkpoints are kept in <installed folder's parent>/previous/<version>


@dataclass
class Figure:
    """One gate figure: field accuracy of one system on one report set, before and after."""

    reports: str
    system: str
    old: Tally | None  # None: no checkpoint was installed
    new: Tally

    @property
    def worse(self) -> bool:
        return self.old is not None and self.old.rate is not None and (self.new.rate or 0.0) < self.old.rate


@dataclass
class Verdict:
    figures: list[Figure]
    by_style: dict[str, dict[str, tuple[Tally | None, Tally]]]  # system -> style -> (old, new), generated set

    @property
    def accepted(self) -> bool:
        return not any(figure.worse for figure in self.figures)

    def lines(self) -> list[str]:
        out = [f"{'reports':<18} {'system':<7} {'installed':>22} {'new':>22}"]
        for figure in self.figures:
            old = str(figure.old) if figure.old is not None else "(none)"
            out.append(f"{figure.reports:<18} {figure.system:<7} {old:>22} {str(figure.new):>22}"
                       + ("  WORSE" if figure.worse else ""))
        for system, styles in self.by_style.items():
            out.append(f"generated, {system}, by style: " + ", ".join(
                f"{style} {_percent(old)}->{_percent(new)}" for style, (old, new) in styles.items()))
        out.append("gate: " + ("passed" if self.accepted else "refused (a figure got worse)"))
        if not self.accepted:
            out.extend(self.advice())
        return out

    def advice(self) -> list[str]:
        """What to try when the gate refuses, from which figures got worse."""
        worse = {(figure.reports, figure.system) for figure in self.figures if figure.worse}
        tips = []
        if any(system == "model" for _, system in worse):
            tips.append("the model forgot some of what it read: fewer --steps or a lower --learning-rate, or more "
                        "--generated-per-annotated (generated reports rehearse the layouts it already reads)")
        if ("seeds", "model") in worse or ("seeds", "hybrid") in worse:
            tips.append("the real seeds got worse: annotate a few more real reports like them rather than more "
                        "of one layout")
        if any(reports.startswith("real-dev") for reports, _ in worse):
            tips.append("a real source reads worse: better generated figures do not make up for it; annotate "
                        "reports like that source's and fine-tune on them (`nianbao train --annotations`)")
        if any(system == "hybrid" for _, system in worse) and not any(system == "model" for _, system in worse):
            tips.append("the model improved but the hybrid did not: compare the two with "
                        "`nianbao evaluate --compare` on the reports that got worse before forcing")
        return [f"try: {tip}" for tip in tips]


def _percent(tally: Tally | None) -> str:
    return "-" if tally is None or tally.rate is None else f"{100 * tally.rate:.1f}"


class GateReport(NamedTuple):
    """One report the gate scores: its document, gold, group (style or source) and fields scored apart."""

    doc: object
    gold: dict
    group: str | None = None
    ambiguous: frozenset[str] = frozenset()


def gate_reports(per_style: int = REPORTS_PER_STYLE) -> dict[str, list[GateReport]]:
    """The gate's report sets by name."""
    from nianbao.readers import read_document
    from nianbao.text import normalise
    from training.corpus import iter_examples
    from training.styles import STYLES, missing_converter

    seeds = [GateReport(read_document(path), load_gold(GOLD_DIR / f"{path.stem}.json"))
             for path in sorted(SEEDS_DIR.glob("*.txt"))]
    styles = [style for style in STYLES if not missing_converter(style)]
    generated = [GateReport(normalise(stem, example["text"]), example["gold"], example["style"])
                 for stem, example in iter_examples(per_style * len(styles), styles, GATE_SEED)]
    gold_dir = REAL_DEV_DIR / "gold"
    _, sources = read_groups(gold_dir, required=True)
    ambiguous = read_ambiguous(gold_dir)
    real = [GateReport(read_document(path), load_gold(gold_dir / f"{path.stem}.json"), sources[path.stem],
                       ambiguous.get(path.stem, frozenset()))
            for path in sorted((REAL_DEV_DIR / "reports").iterdir()) if path.stem in sources]
    return {"seeds": seeds, "generated": generated, "real-dev": real}


def gate_reports_among(examples: list[dict], per_style: int = REPORTS_PER_STYLE) -> list[tuple[str, str]]:
    """(example source, gate report) for every example whose normalised text is one the gate scores."""
    from nianbao.text import normalise

    gate = {report.doc.norm: f"{name}:{report.doc.source}" for name, reports in gate_reports(per_style).items()
            for report in reports}
    found = ((example.get("source", "?"), gate.get(normalise("", example["text"]).norm)) for example in examples)
    return [(source, report) for source, report in found if report]


def score_checkpoint(path: str | Path, reports: dict[str, list[GateReport]]) -> dict[tuple[str, str], Evaluation]:
    """(report set, system) -> evaluation of the checkpoint at ``path``."""
    from model.inference import CellsOnce, Labeller
    from nianbao.pipeline import parse_document

    labeller = CellsOnce(Labeller.load(path))
    return {(name, system): score_reports([Pair(r.doc.source, r.gold, parse_document(r.doc, system, labeller),
                                                r.doc.text, r.group, ambiguous=r.ambiguous) for r in triples])
            for name, triples in reports.items() for system in SYSTEMS}


def compare(new: str | Path, old: str | Path = MODEL_DIR, per_style: int = REPORTS_PER_STYLE) -> Verdict:
    """Score ``new`` beside ``old`` (which may not exist: then every figure passes)."""
    reports = gate_reports(per_style)
    after = score_checkpoint(new, reports)
    before = score_checkpoint(old, reports) if (Path(old) / "config.json").is_file() else {}
    figures = [Figure(name, system, before[(name, system)].summary.fields if before else None,
                      evaluation.summary.fields) for (name, system), evaluation in after.items()
               if name != "real-dev"]
    figures += [Figure(f"real-dev {source}", system,
                       before[("real-dev", system)].groups[source].fields if before else None, summary.fields)
                for system in SYSTEMS for source, summary in after[("real-dev", system)].groups.items()]
    by_style = {system: {style: (before[("generated", system)].groups[style].fields if before else None,
                                 summary.fields)
                         for style, summary in after[("generated", system)].groups.items()}
                for system in SYSTEMS}
    return Verdict(figures, by_style)


def install(new: str | Path, target: Path = MODEL_DIR) -> Path | None:
    """Make ``new`` the checkpoint at ``target``; the one there moves to ``../previous/<version>``, which is returned.

    The new checkpoint is copied beside the old one first and swapped in by renames, so a failure half way
    leaves the old one in place.  A checkpoint without a calibration inherits the old one's
    (``nianbao.confidence``): fitted for the old model, it is still better than raw scores until
    ``nianbao calibrate`` refits it.  A checkpoint without an exported graph gets one
    (``model.onnx_export``), which ``nianbao parse`` then reads with.
    """
    from model.checkpoint_files import checkpoint_version
    from model.network import ONNX_FILE
    from model.onnx_export import export_onnx

    previous = target.parent / PREVIOUS
    previous.mkdir(parents=True, exist_ok=True)
    staging = previous / ".installing"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(new, staging)
    if not (staging / ONNX_FILE).is_file():
        export_onnx(staging)
    kept = None
    if target.exists():
        if (target / CALIBRATION_FILE).is_file() and not (staging / CALIBRATION_FILE).is_file():
            shutil.copy2(target / CALIBRATION_FILE, staging / CALIBRATION_FILE)
        kept = previous / checkpoint_version.__wrapped__(target)  # uncached: the weights there are about to change
        if kept.exists():  # the same weights were kept before
            shutil.rmtree(target)
        else:
            target.rename(kept)
    staging.rename(target)
    return kept


def install_if_passed(new: str | Path, verdict: Verdict, force: bool = False, target: Path = MODEL_DIR,
                      log=print) -> bool:
    """Install ``new`` if the gate passed (or ``force``), saying what happened; whether it was installed."""
    if not verdict.accepted and not force:
        log(f"not installed: {new} stays where it is (--force installs it anyway)")
        return False
    kept = install(new, target)
    log(f"installed {new} as {target}" + (" (forced past the gate)" if not verdict.accepted else "")
        + (f"; the previous checkpoint is kept in {kept}" if kept else ""))
    return True


def add_arguments(parser) -> None:
    parser.add_argument("checkpoint", help="the new checkpoint folder")
    parser.add_argument("--install", action="store_true", help="install it if the gate passes")
    parser.add_argument("--force", action="store_true", help="with --install: install even when the gate refuses")
    parser.add_argument("--per-style", type=int, default=REPORTS_PER_STYLE,
                        help="generated reports per style (default: %(default)s)")


def run(args) -> int:
    """Gate ``args.checkpoint`` against the installed one; 0 when it passed, 1 when refused."""
    verdict = compare(args.checkpoint, MODEL_DIR, args.per_style)
    print("\n".join(verdict.lines()))
    if args.install:
        install_if_passed(args.checkpoint, verdict, args.force)
    return EXIT_OK if verdict.accepted else EXIT_FINDINGS


def main(argv: list[str] | None = None) -> int:
    """``python -m training.gate CHECKPOINT [--install [--force]]`` (or ``nianbao gate``): gate a checkpoint trained earlier."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m training.gate", description=main.__doc__.split(": ", 1)[1])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
