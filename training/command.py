"""``nianbao train``: generate synthetic reports, train the token-classification model, save a checkpoint.

Training data is generated in-process by ``training.generator`` from a fixed seed, so a run is
reproduced by its command line alone and no corpus needs to be stored.  Two layout styles are held out
of training by default: their reports are only ever evaluated on, which is the "new layout" figure of
the model card.  The seeds and gold files under ``data/`` are never trained on.
"""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from nianbao.errors import UsageError
from training import retrain
from training.train import SMALL_CONFIG, train

DEFAULT_HELD_OUT = ("ascii_box", "lynx_rows")
SCRATCH_LEARNING_RATE = 1e-3
SCRATCH_MINUTES = 30.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default=time.strftime("runs/train-%Y%m%d-%H%M%S"),
                        help="checkpoint folder to write, never the installed model: `nianbao gate "
                             "CHECKPOINT --install` puts it there after the regression gate (default: runs/train-<time>)")
    parser.add_argument("--train-reports", type=int, default=3000, help="generated training reports (default: %(default)s)")
    parser.add_argument("--eval-reports", type=int, default=200,
                        help="generated validation reports in the training styles (default: %(default)s)")
    parser.add_argument("--held-out-reports", type=int, default=100,
                        help="generated reports per held-out style (default: %(default)s)")
    parser.add_argument("--hold-out", nargs="*", default=list(DEFAULT_HELD_OUT), metavar="STYLE",
                        help="layout styles never trained on, evaluated as new layouts (default: %(default)s)")
    parser.add_argument("--weight", action="append", default=[], metavar="STYLE=N", type=_style_weight,
                        help="draw N training reports of STYLE for every one of each other style (repeatable; "
                             "default: every style 1): more of the layouts a model reads worst")
    parser.add_argument("--seed", type=int, default=13, help="seed of data generation and training (default: %(default)s)")
    parser.add_argument("--epochs", type=float, default=1.0, help="passes over the training windows (default: %(default)s)")
    parser.add_argument("--batch-size", type=int, default=16, help="windows per step (default: %(default)s)")
    parser.add_argument("--learning-rate", type=float,
                        help=f"peak AdamW learning rate (default: {SCRATCH_LEARNING_RATE} from scratch; fine-tuning "
                             f"on annotations: {retrain.LEARNING_RATE['new-tokens']} tuning new tokens, "
                             f"{retrain.LEARNING_RATE['all']} tuning all)")
    parser.add_argument("--stride", type=int, default=384, help="tokens between training window starts (default: %(default)s)")
    parser.add_argument("--max-minutes", type=float,
                        help=f"stop training after this many minutes (default: {SCRATCH_MINUTES:g} from scratch, "
                             f"{retrain.MAX_MINUTES:g} fine-tuning on annotations)")
    parser.add_argument("--tokenizer", choices=("char", "bpe"), default="bpe",
                        help="a byte-pair vocabulary learnt on the training text (measured better: model/README.md), "
                             "or character-level (default: %(default)s)")
    parser.add_argument("--labels", choices=("keys", "roles"),
                        help="label design (model/labels.py): a tag per field key, or cell roles the rule layer maps "
                             "to keys (default: the base model's, else roles)")
    parser.add_argument("--base-model", metavar="PATH",
                        help="fine-tune a local Hugging Face checkpoint (and its tokenizer) instead of training from scratch")
    for name, value in SMALL_CONFIG.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value,
                            help="model size when training from scratch (default: %(default)s)")
    retrain.add_arguments(parser)


def _style_weight(text: str) -> tuple[str, int]:
    """``STYLE=N`` of ``--weight``, N a whole number of at least 1."""
    style, _, count = text.partition("=")
    if not style or not count.isdigit() or int(count) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected STYLE=N with N a whole number of at least 1")
    return style, int(count)


def weighted(styles: list[str], weights: dict[str, int]) -> list[str]:
    """``styles`` with each repeated as often as its weight says, for ``generate`` to take in turn."""
    return [style for style in styles for _ in range(weights.get(style, 1))]


def generate(count: int, styles: list[str], seed: int) -> list[dict]:
    """``count`` generated reports, styles taken in turn so each is equally represented.

    A converter style may refuse a report it cannot lay out with exact spans (``draw_example``); that
    draw is skipped and counted.
    """
    from training.generator import draw_example

    rng = random.Random(seed)
    examples, refused = [], 0
    while len(examples) < count:
        example, skipped = draw_example(rng, styles[len(examples) % len(styles)])
        examples.append(example)
        refused += skipped
    if refused:
        print(f"the generator refused {refused} of {count + refused} draws", flush=True)
    return examples


def run(args: argparse.Namespace) -> int:
    from training.styles import STYLES

    known = sorted(STYLES)
    unknown = [style for style in args.hold_out if style not in known]
    if unknown:
        raise UsageError(f"unknown style(s) {', '.join(unknown)}; styles are: {', '.join(known)}")
    train_styles = [style for style in known if style not in args.hold_out]
    weights = dict(args.weight)
    if set(weights) - set(train_styles):
        raise UsageError(f"--weight names style(s) not trained on: {', '.join(sorted(set(weights) - set(train_styles)))}")
    if args.annotations or args.install or args.force:
        return retrain.run(args, train_styles)
    if Path(args.out).resolve() == args.installed.resolve():
        raise UsageError(f"--out must not be the installed checkpoint ({args.installed}); train elsewhere, then "
              f"`nianbao gate CHECKPOINT --install` replaces it after the regression gate")
    args.learning_rate = args.learning_rate or SCRATCH_LEARNING_RATE
    args.max_minutes = args.max_minutes or SCRATCH_MINUTES
    started = time.time()
    # Distinct seeds per split: validation and held-out reports are never training reports.
    train_examples = generate(args.train_reports, weighted(train_styles, weights), args.seed)
    eval_examples = generate(args.eval_reports, train_styles, args.seed + 1)
    held_out = generate(args.held_out_reports * len(args.hold_out), list(args.hold_out), args.seed + 2) \
        if args.hold_out else []
    print(f"generated {len(train_examples)} training, {len(eval_examples)} validation and {len(held_out)} "
          f"held-out-style reports in {time.time() - started:.0f} s", flush=True)

    config = {name: getattr(args, name) for name in SMALL_CONFIG}
    summary = train(train_examples, {"validation": eval_examples, "held_out_styles": held_out}, args.out, base_model=args.base_model,
                    config_overrides=config, stride=args.stride, epochs=args.epochs, batch_size=args.batch_size,
                    learning_rate=args.learning_rate, seed=args.seed, max_minutes=args.max_minutes,
                    tokenizer_kind=args.tokenizer, label_scheme=args.labels,
                    log=lambda message: print(message, flush=True))
    summary["data"] = {"train_styles": train_styles, "style_weights": weights, "held_out_styles": list(args.hold_out),
                       "train_reports": args.train_reports, "eval_reports": args.eval_reports,
                       "held_out_reports_per_style": args.held_out_reports,
                       "seeds": {"train": args.seed, "validation": args.seed + 1, "held_out": args.seed + 2}}
    with open(f"{args.out}/training_summary.json", "w", encoding="utf-8") as handle:
        json.dump(summary, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    for name, metrics in summary["eval"].items():
        print(f"{name}: " + json.dumps(metrics["all"], ensure_ascii=False))
    print(f"saved {args.out}; to make it the default model: nianbao gate {args.out} --install", flush=True)
    return 0
