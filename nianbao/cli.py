"""The ``nianbao`` command: one subcommand per user task, each implemented by the folder that owns it.

Each command module exposes ``add_arguments(parser)`` and ``run(args) -> int``; this file only wires
them together, so a subcommand's options and behaviour live beside the code they drive.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from nianbao.errors import EXIT_INTERRUPTED, EXIT_USAGE, InputError, UsageError

# subcommand -> (module holding add_arguments/run, one-line help)
COMMANDS = {
    "parse": ("nianbao.batch", "parse reports into the canonical schema (one JSON record per report)"),
    "check": ("nianbao.cross_checks", "check a batch's records across reports and years (and text against table)"),
    "evaluate": ("evaluate.command", "score parser output against hand-labelled gold files"),
    "generate": ("training.corpus", "generate synthetic reports with gold and character spans"),
    "pretrain": ("training.pretrain", "pre-train the encoder as a masked language model on report text"),
    "train": ("training.command", "train or fine-tune the token-classification model"),
    "export-tasks": ("training.export", "write Label Studio tasks pre-annotated with what parse reads"),
    "annotations": ("training.check", "check annotation exports and say what training would use"),
    "ml-backend": ("training.ml_backend", "serve pre-annotations to Label Studio and retrain on its annotations"),
    "gate": ("training.gate", "compare a trained checkpoint with the installed one and install it if no figure drops"),
    "export-onnx": ("model.onnx_export", "export a checkpoint's network to ONNX, the runtime parse reads with"),
    "calibrate": ("training.calibrate", "fit a checkpoint's field-confidence calibration on generated reports"),
    "loso": ("evaluate.loso", "leave-one-source-out on real reports: each source scored by a model not tuned on it"),
    "review": ("evaluate.review", "write an HTML page showing a report with every labelled cell highlighted"),
}


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; only the ``chosen`` subcommand's module is imported (some import torch)."""
    parser = argparse.ArgumentParser(prog="nianbao", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(module_name=module_name)
        if name == chosen:
            importlib.import_module(module_name).add_arguments(sub)
    return parser


def quiet_libraries() -> None:
    """No progress bars or warnings from the libraries (the model's "Loading weights" bar, Python
    warnings), here and in the worker processes, which inherit the environment."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    import warnings

    warnings.simplefilter("ignore")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--no-progress" in argv or not sys.stderr.isatty():
        quiet_libraries()
    args = build_parser(next((a for a in argv if not a.startswith("-")), None)).parse_args(argv)
    try:
        return importlib.import_module(args.module_name).run(args)
    except (InputError, UsageError) as error:
        print(f"nianbao {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"nianbao {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
