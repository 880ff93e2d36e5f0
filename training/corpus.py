"""Many synthetic examples at once: as files for people and the evaluator, or as a ``datasets`` dataset
for training.

``nianbao generate --n 300 --styles glued,pdf_layout --seed 7 --out training/corpus/dev`` writes, per
report, ``text/<stem>.txt``, ``gold/<stem>.json`` (the gold format of ARCHITECTURE.md and nothing else) and
``spans/<stem>.json``, plus ``manifest.jsonl`` (stem, style, template, collapsed).  Example ``i`` of a run
is drawn from its own ``random.Random`` seeded from (seed, i), so a corpus is reproducible and any one
report can be regenerated alone.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import datasets

from nianbao.errors import UsageError
from nianbao.variants import variant_of_fields
from training.generator import draw_example
from training.styles import STYLES, missing_converter


def example_rng(seed: int, index: int) -> random.Random:
    """The rng of example ``index`` of a corpus drawn with ``seed``."""
    return random.Random(f"{seed}:{index}")


def iter_examples(n: int, styles: list[str], seed: int, template: str | None = None):
    """``(stem, example)`` pairs, cycling through ``styles`` so each gets an equal share."""
    check_styles(styles)
    for index in range(n):
        style = styles[index % len(styles)]
        example, _ = draw_example(example_rng(seed, index), style, template)
        yield f"gen_{style}_{seed}_{index}", example


def check_styles(styles: list[str]) -> None:
    """Fail early, naming the problem, on an unknown style or a converter that is not installed."""
    if not styles:
        raise ValueError("no styles given")
    unknown = [s for s in styles if s not in STYLES]
    if unknown:
        raise ValueError(f"unknown style(s) {', '.join(unknown)}: expected some of {', '.join(sorted(STYLES))}")
    missing = {s: missing_converter(s) for s in styles if missing_converter(s)}
    if missing:
        raise ValueError("converters not installed: " + ", ".join(f"{s} needs {p}" for s, p in missing.items())
                         + " (setup.sh installs them; or leave these styles out)")


def to_dataset(examples) -> datasets.Dataset:
    """A ``datasets.Dataset`` of ``(stem, example)`` pairs, with columns stem, style, text, gold (JSON text) and spans."""
    rows = {"stem": [], "style": [], "text": [], "gold": [], "spans": []}
    for stem, example in examples:
        rows["stem"].append(stem)
        rows["style"].append(example["style"])
        rows["text"].append(example["text"])
        rows["gold"].append(json.dumps(example["gold"], ensure_ascii=False))
        rows["spans"].append(example["spans"])
    return datasets.Dataset.from_dict(rows)


def save_to_disk(dataset: datasets.Dataset, path: str | Path) -> None:
    dataset.save_to_disk(str(path))


def write_corpus(out: Path, examples) -> list[dict]:
    """Write the text/gold/spans files of ``(stem, example)`` pairs and the manifest; returns its rows."""
    for folder in ("text", "gold", "spans"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    manifest = []
    for stem, example in examples:
        (out / "text" / f"{stem}.txt").write_text(example["text"], encoding="utf-8")
        _write_json(out / "gold" / f"{stem}.json", example["gold"])
        _write_json(out / "spans" / f"{stem}.json", example["spans"])
        variant = variant_of_fields(example["gold"]["fields"])
        manifest.append({"stem": stem, "style": example["style"], "template": variant.template,
                         "collapsed": variant.collapsed})
    with open(out / "manifest.jsonl", "w", encoding="utf-8") as handle:
        for row in manifest:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return manifest


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


# --- nianbao generate ------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--n", type=int, default=100, help="number of reports (default 100)")
    parser.add_argument("--styles", default="all",
                        help=f"comma-separated layout styles, or 'all' (default): {','.join(STYLES)}")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--template", choices=["2019", "2021"], help="force one template (default: by year)")
    parser.add_argument("--out", required=True, type=Path, help="output folder")
    parser.add_argument("--dataset", action="store_true", help="also save a datasets dataset under OUT/dataset")


def run(args: argparse.Namespace) -> int:
    styles = list(STYLES) if args.styles == "all" else [s.strip() for s in args.styles.split(",") if s.strip()]
    if args.n < 1:
        raise UsageError("--n must be at least 1")
    try:
        check_styles(styles)
    except ValueError as error:
        raise UsageError(str(error)) from error
    examples = iter_examples(args.n, styles, args.seed, args.template)
    if args.dataset:  # keep the examples in memory once rather than generating them twice
        examples = list(examples)
        save_to_disk(to_dataset(examples), args.out / "dataset")
    manifest = write_corpus(args.out, examples)
    print(f"nianbao generate: {len(manifest)} reports in {len(styles)} style(s) -> {args.out}")
    return 0
