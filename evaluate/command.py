"""``nianbao evaluate``: parse reports (or load saved outputs), pair them with gold files, print the figures.

Examples::

    nianbao evaluate --gold data/gold data/seeds
    nianbao evaluate --gold data/gold --pred out/
    nianbao evaluate --gold gen/gold gen/text --compare --html eval.html --json eval.json

Pairing is by file stem: ``INPUT/<stem>.txt`` (or .html, .docx, .pdf) is scored against
``GOLD_DIR/<stem>.json``.  Inputs without gold are listed and skipped; gold without input is ignored,
so one gold folder serves any subset of reports.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from evaluate import span_scores
from evaluate.report import Results, Unavailable, render_html, render_terminal, to_json
from evaluate.gold import MANIFEST_NAME, Labels, load_json, load_gold, read_ambiguous, read_groups
from evaluate.scoring import Pair, score_reports
from nianbao.errors import InputError, UsageError

DEFAULT_COMPARED = "rules,model,hybrid"
PRED_SYSTEM_NAME = "predictions"  # the column name of saved outputs scored with --pred
EMPTY_PREDICTION = {"template": None, "meta": {}, "fields": {}}  # what an input that could not be read scores as


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="*", metavar="INPUT",
                        help="report files, folders (searched recursively), glob patterns or @list.txt, as "
                             "parse takes them, to parse and score (not with --pred)")
    parser.add_argument("--gold", required=True, metavar="GOLD_DIR", help="folder of gold files <stem>.json")
    parser.add_argument("--pred", metavar="DIR", help="score saved outputs DIR/<stem>.json instead of parsing")
    parser.add_argument("--system", default="hybrid", help="rules, model or hybrid (default: hybrid)")
    parser.add_argument("--compare", action="store_true",
                        help=f"score several systems side by side (default: {DEFAULT_COMPARED})")
    parser.add_argument("--systems", default=DEFAULT_COMPARED, metavar="A,B,C",
                        help="the systems --compare scores, comma-separated")
    parser.add_argument("--json", metavar="FILE", help="also write the full results as JSON")
    parser.add_argument("--html", metavar="FILE", help="also write the results as a self-contained HTML page")
    parser.add_argument("--by-style", action="store_true",
                        help=f"group figures by the style in {MANIFEST_NAME} (automatic when the file exists "
                             "in GOLD_DIR or its parent)")
    parser.add_argument("--max-mismatches", type=int, default=20, metavar="N",
                        help="mismatches shown per system on the terminal (default: 20)")


def run(args: argparse.Namespace) -> int:
    results = collect_results(args)
    sys.stdout.write(render_terminal(results, args.max_mismatches))
    if args.json:
        Path(args.json).write_text(json.dumps(to_json(results), ensure_ascii=False, indent=1) + "\n",
                                   encoding="utf-8")
    if args.html:
        Path(args.html).write_text(render_html(results), encoding="utf-8")
    return 0


def collect_results(args: argparse.Namespace) -> Results:
    """Check the arguments, score every requested system and gather the results."""
    gold_dir = Path(args.gold)
    if not gold_dir.is_dir():
        raise UsageError(f"gold folder {gold_dir} does not exist")
    if args.max_mismatches < 0:
        raise UsageError(f"--max-mismatches must be 0 or more, not {args.max_mismatches}")
    for option, target in (("--json", args.json), ("--html", args.html)):
        if target and not Path(target).parent.is_dir():
            raise UsageError(f"{option} {target}: folder {Path(target).parent} does not exist")
    if bool(args.pred) == bool(args.inputs):
        raise UsageError("give either INPUT files/folders to parse or --pred DIR of saved outputs, not both"
                         if args.pred else "nothing to score: give INPUT files/folders or --pred DIR")
    grouping = read_groups(gold_dir, required=args.by_style)
    grouped_by, groups = grouping if grouping is not None else (None, {})
    labels = Labels(groups, read_ambiguous(gold_dir))
    if args.pred:
        pairs, skipped = pairs_from_outputs(Path(args.pred), gold_dir, labels)
        systems = {PRED_SYSTEM_NAME: score_reports(pairs)}
        return Results(str(gold_dir), systems, skipped, grouped_by,
                       spans=span_scores.score_systems({PRED_SYSTEM_NAME: pairs}, gold_dir))

    inputs, skipped = pair_inputs(input_files(args.inputs), gold_dir)
    from nianbao.systems import SYSTEMS

    names = [name.strip() for name in args.systems.split(",") if name.strip()] if args.compare else [args.system]
    unknown = [name for name in names if name not in SYSTEMS]
    if unknown or not names:
        raise UsageError(f"unknown system {', '.join(unknown) or '(none)'}: expected {', '.join(SYSTEMS)}")
    systems = {name: system_unavailable(name) for name in names}
    runnable = [name for name in names if systems[name] is None]
    if not runnable:
        raise UsageError("; ".join(f"system {name} cannot run: {systems[name].reason}" for name in names))
    pairs = parse_inputs(inputs, runnable, labels)
    for name in runnable:
        systems[name] = score_reports(pairs[name])
    return Results(str(gold_dir), systems, skipped, grouped_by, spans=span_scores.score_systems(pairs, gold_dir))


def input_files(specs: list[str]) -> list[Path]:
    """The report files the INPUTs name, as ``nianbao parse`` reads them (``nianbao.inputs``: files, folders
    searched recursively, globs, ``@list.txt``); an INPUT that names none is an error, since scoring part of
    what was asked for would give figures of another set."""
    from nianbao.inputs import expand_inputs

    inputs = expand_inputs(specs)
    if inputs.errors:
        raise UsageError("; ".join(f"input {spec}: {reason}" for spec, reason in inputs.errors))
    return inputs.files


def pair_inputs(files: list[Path], gold_dir: Path) -> tuple[list[tuple[Path, dict]], list[str]]:
    """(input, gold) for every input with a gold file, and a note for every input without one."""
    pairs, skipped = [], []
    for path in files:
        gold_path = gold_dir / f"{path.stem}.json"
        if gold_path.is_file():
            pairs.append((path, load_gold(gold_path)))
        else:
            skipped.append(f"{path}: no {gold_path}")
    if not pairs:
        raise UsageError(f"no input has a gold file in {gold_dir} (gold files are named <input stem>.json)")
    return pairs, skipped


def pairs_from_outputs(pred_dir: Path, gold_dir: Path, labels: "Labels") -> tuple[list[Pair], list[str]]:
    """Pairs of saved outputs ``pred_dir/<stem>.json`` with their gold, reading each report's source for context."""
    if not pred_dir.is_dir():
        raise UsageError(f"--pred folder {pred_dir} does not exist")
    outputs, skipped = pair_inputs(sorted(pred_dir.glob("*.json")), gold_dir)
    pairs = []
    for path, gold in outputs:
        try:
            predicted = load_json(path)
        except InputError as error:
            pairs.append(labels.pair(path.stem, gold, EMPTY_PREDICTION, note=f"unreadable output: {error.reason}"))
            continue
        pairs.append(labels.pair(path.stem, gold, predicted, text=source_text(predicted.get("source"))))
    return pairs, skipped


def source_text(source: str | None) -> str | None:
    """The reader's text of a saved output's source file, which its field offsets index; None if it is gone."""
    if not source or not Path(source).is_file():
        return None
    from nianbao.readers import read_document

    try:
        return read_document(source).text
    except InputError:
        return None


def system_unavailable(system: str) -> Unavailable | None:
    """Why ``system`` cannot run here (no model checkpoint, a component missing), or None when it can.

    Asking for the system's version loads what the system depends on, so it fails the way a parse would.
    """
    from nianbao.systems import system_version

    try:
        system_version(system)
    except (ImportError, OSError, RuntimeError) as error:
        return Unavailable(f"{type(error).__name__}: {error}")
    return None


def shared_model_cells():
    """The shipped model behind a per-document cache: model and hybrid then share one reading of a report."""
    from model.inference import CellsOnce
    from nianbao.pipeline import default_labeller

    return CellsOnce(default_labeller())


def parse_inputs(inputs: list[tuple[Path, dict]], systems: list[str], labels: "Labels") -> dict[str, list[Pair]]:
    """Read each input once and parse it with every system; an input that cannot be read or parsed scores as an
    empty record, with a note saying why."""
    from nianbao.pipeline import parse_document
    from nianbao.readers import read_document

    pairs: dict[str, list[Pair]] = {name: [] for name in systems}
    reads_model = any(name != "rules" for name in systems)
    for path, gold in inputs:
        try:
            doc = read_document(path)
        except InputError as error:
            for name in systems:
                pairs[name].append(labels.pair(path.stem, gold, EMPTY_PREDICTION,
                                               note=f"could not be read: {error.reason}"))
            continue
        labeller = shared_model_cells() if reads_model else None
        for name in systems:
            try:
                predicted, note = parse_document(doc, name, labeller), None
            except Exception as error:  # a parser bug on one report is a figure, not the end of the run
                predicted, note = EMPTY_PREDICTION, f"the {name} parser failed: {type(error).__name__}: {error}"
            pairs[name].append(labels.pair(path.stem, gold, predicted, text=doc.text, note=note))
    return pairs
