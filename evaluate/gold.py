"""Gold files and what a gold folder says beside them: the one place gold is read, for ``evaluate``,
``loso``, ``review`` and the gate.

A gold folder holds ``<stem>.json`` per report (the gold format of ARCHITECTURE.md), and may hold
``AMBIGUOUS.txt`` (fields the text alone does not settle, scored apart) and a ``manifest.jsonl`` (here
or in its parent) labelling each report with its layout style or its source.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from evaluate.scoring import Pair
from nianbao.errors import InputError, UsageError
from nianbao.variants import variant_of_fields

MANIFEST_NAME = "manifest.jsonl"  # written by ``nianbao generate`` beside gold/: {"stem","style",...} a line
GROUP_KINDS = ("style", "source")  # what a manifest entry may label a report with
AMBIGUOUS_NAME = "AMBIGUOUS.txt"  # in a gold folder: the fields scored apart


def read_groups(gold_dir: Path, required: bool) -> tuple[str, dict[str, str]] | None:
    """(what the labels are, stem -> label) from the manifest in GOLD_DIR or its parent; None when there is none.

    The generator's manifest labels each report with its layout ``style``; a folder of real reports labels
    each with the ``source`` it was published by, so its figures can be read per source.
    """
    for folder in (gold_dir, gold_dir.parent):
        path = folder / MANIFEST_NAME
        if path.is_file():
            groups, kinds = {}, set()
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip():
                    try:
                        entry = json.loads(line)
                        kind = next(k for k in GROUP_KINDS if k in entry)
                        groups[entry["stem"]] = entry[kind]
                        kinds.add(kind)
                    except (json.JSONDecodeError, KeyError, TypeError, StopIteration) as error:
                        raise UsageError(f"{path} line {number}: not a manifest entry "
                                         f"(a stem and one of {', '.join(GROUP_KINDS)}): {error!r}") from None
            if len(kinds) > 1:
                raise UsageError(f"{path}: entries group by both {' and '.join(sorted(kinds))}")
            return (kinds.pop() if kinds else GROUP_KINDS[0]), groups
    if required:
        raise UsageError(f"--by-style: no {MANIFEST_NAME} in {gold_dir} or {gold_dir.parent}")
    return None


def read_ambiguous(gold_dir: Path) -> dict[str, frozenset[str]]:
    """stem -> the fields its text alone does not determine, from ``GOLD_DIR/AMBIGUOUS.txt`` (``file field`` lines)."""
    path = gold_dir / AMBIGUOUS_NAME
    if not path.is_file():
        return {}
    listed: dict[str, set[str]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2:
            raise UsageError(f"{path} line {number}: expected 'file field', got {line!r}")
        listed.setdefault(Path(parts[0]).stem, set()).add(parts[1])
    return {stem: frozenset(keys) for stem, keys in listed.items()}


@dataclass
class Labels:
    """What a gold folder says about its reports beside their gold: each one's group, its ambiguous fields."""

    groups: dict[str, str]
    ambiguous: dict[str, frozenset[str]]

    def pair(self, stem: str, gold: dict, predicted, text: str | None = None, note: str | None = None) -> Pair:
        return Pair(stem, gold, predicted, text=text, group=self.groups.get(stem), note=note,
                    ambiguous=self.ambiguous.get(stem, frozenset()))


def load_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(str(path), f"not a readable JSON file ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
        raise InputError(str(path), "not a report record: no 'fields' object")
    return data


def load_gold(path: Path) -> dict:
    """A gold file, checked to hold exactly the fields of one template variant (the gold format of ARCHITECTURE.md)."""
    gold = load_json(path)
    try:
        variant_of_fields(gold["fields"])
    except ValueError as error:
        raise InputError(str(path), f"not a gold file: {error}") from None
    return gold
