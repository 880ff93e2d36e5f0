"""What a record was parsed by: a fingerprint of the code and data that decide what a parse outputs.

A resumed ``nianbao parse`` keeps a record only when the file and the parser are the same as when it was
written.  A hand-kept version number goes stale the first time someone forgets it, and then a changed
parser silently keeps old records; a hash of the parser's own source cannot be forgotten.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from nianbao.paths import DATA_DIR, MODEL_DIR, ROOT

# What a parse runs (``evaluate/`` and ``training/`` never change a record), the schema it maps to, and the
# installed calibration, which turns the rule layer's evidence into confidences (a model's calibration is a
# file of its checkpoint, in the checkpoint's version: ``systems.system_version``).
PARSER_PACKAGES = ("nianbao", "rules_fallback", "model")
PARSER_DATA = (DATA_DIR / "schema.json", MODEL_DIR / "calibration.json")


def fingerprint(files: list[Path], root: Path = ROOT) -> str:
    """A short hash of the files' names (relative to ``root``) and contents, in the order given."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


@lru_cache(maxsize=1)
def parser_version() -> str:
    """The fingerprint of the parser's source files and data as installed."""
    files = sorted(path for package in PARSER_PACKAGES for path in (ROOT / package).rglob("*.py"))
    return fingerprint(files + [path for path in PARSER_DATA if path.is_file()])
