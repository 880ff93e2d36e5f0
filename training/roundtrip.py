"""The ``roles`` labels round-trip: gold spans -> token labels -> cells -> fields, as a perfect model would read.

A model trained on ``roles`` labels is only as good as the road from its labels back to fields: the cell
decoding (``model.decoding.cell_spans``), the placement by printed rows (``model.placement``) and the rule
layer's mapping.  Here the labels are the gold ones, given probability 1, so every field this loses is
lost by that road, not by the model: the ceiling of the design on a set of reports.

    python -m training.roundtrip --generated 10 --real data/real-dev/gold
"""
from __future__ import annotations

import argparse
import json

import numpy as np

from evaluate.scoring import same_value
from model.decoding import cell_spans
from model.encoding import encode_text
from model.labels import STRUCTURE_TAGS, VALUE_TAG
from model.placement import place_cells
from nianbao.records import Cell
from rules_fallback.mapping import cells_to_fields
from rules_fallback.parser import label_cells
from training.features import char_tags, example_document, token_tags


def oracle_fields(example: dict, tokenizer) -> tuple[dict, dict]:
    """(fields read from the example's gold ``roles`` labels, the example's gold fields)."""
    doc, spans = example_document(example)
    encoded = encode_text(tokenizer, doc.norm)
    tags = token_tags(encoded.offsets, char_tags(len(doc.norm), spans, "roles"))
    begin = np.array([tag == f"B-{VALUE_TAG}" for tag in tags], dtype=np.float32)
    inside = np.array([tag == f"I-{VALUE_TAG}" for tag in tags], dtype=np.float32)
    scaffold = np.array([tag[2:] in STRUCTURE_TAGS for tag in tags])
    rules = label_cells(doc)
    facts = rules.table_facts()
    found = cell_spans(begin, inside, encoded.offsets, doc.norm, scaffold)
    placed = place_cells(found, begin, inside, encoded.offsets, doc.norm, facts.printed_rows, facts.readings_for,
                         facts.balance)
    cells = []
    for cell in placed:
        start, end = encoded.offsets[cell.span.first][0], encoded.offsets[cell.span.last - 1][1]
        cells.append(Cell(cell.key, start, end, doc.norm[start:end], 1.0, "model"))
    fields, _ = cells_to_fields(doc, rules.variant, cells)
    return {key: field.value for key, field in fields.items()}, example["gold"]["fields"]


def lost_fields(example: dict, tokenizer) -> list[str]:
    """The gold fields the round trip does not give back."""
    read, gold = oracle_fields(example, tokenizer)
    return [key for key, value in gold.items() if not same_value(value, read.get(key))]


def main(argv: list[str] | None = None) -> int:
    from pathlib import Path

    from transformers import AutoTokenizer

    from nianbao.paths import MODEL_DIR
    from training.command import generate
    from training.styles import STYLES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", type=int, default=10, help="generated reports per style (default: %(default)s)")
    parser.add_argument("--real", type=Path, help="a gold folder of real reports (reports in ../reports)")
    args = parser.parse_args(argv)
    tokenizer = AutoTokenizer.from_pretrained(MODEL_DIR, local_files_only=True)
    sets = {style: generate(args.generated, [style], 99) for style in sorted(STYLES)} if args.generated else {}
    if args.real:
        from training.annotations import load_annotations

        gold_files = sorted(args.real.glob("*.json"))
        loaded = load_annotations(gold_files, args.real.parent / "reports")
        gold = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in gold_files}
        sets["real"] = [{**example, "gold": gold[Path(example["report"]).stem]} for example in loaded.examples]
    for name, examples in sets.items():
        lost = [key for example in examples for key in lost_fields(example, tokenizer)]
        total = sum(len(example["gold"]["fields"]) for example in examples)
        print(f"{name:<16} {total - len(lost)}/{total} fields ({100 * (total - len(lost)) / max(1, total):.2f}%)"
              + (f"  lost e.g. {', '.join(sorted(set(lost))[:4])}" if lost else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
