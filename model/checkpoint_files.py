"""What a checkpoint folder holds, read without loading it: its files checked and fingerprinted.

Kept apart from ``model.inference`` so that a batch can check the installed model and name its version
before the first file, and a report the rules settle can be parsed, without importing torch.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from nianbao.paths import MODEL_DIR
from nianbao.provenance import fingerprint

WEIGHTS_FILE = "model.safetensors"


def check_checkpoint(path: str | Path | None = None) -> None:
    """Raise ValueError (FileNotFoundError for a missing file) naming what a checkpoint folder lacks."""
    path = Path(path or MODEL_DIR)
    for name in ("config.json", WEIGHTS_FILE, "tokenizer.json"):
        if not (path / name).is_file():
            raise FileNotFoundError(f"the model checkpoint {path} has no {name}")
    try:
        json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"damaged model config {path / 'config.json'}: {error}") from error


@lru_cache(maxsize=None)
def checkpoint_version(path: str | Path | None = None) -> str:
    """A short fingerprint of every file of a checkpoint folder (weights, config, tokenizer, calibration), so
    cached parses are redone when any of what decides the model's output and confidences changes."""
    path = Path(path or MODEL_DIR)
    if not (path / WEIGHTS_FILE).is_file():
        return "no-model"
    return fingerprint(sorted(file for file in path.rglob("*") if file.is_file()), root=path)
