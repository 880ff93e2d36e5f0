"""How much generated reports look like real ones: a few measures of the text, on both, side by side.

    .venv/bin/python benchmarks/real_vs_generated.py [--generated DIR] [--n 140]

Real reports: ``data/real-dev/reports`` (with gold) and ``data/real-unlabelled``.  Generated ones: the text
folder of ``nianbao generate`` (``--generated``; by default 140 are generated here with seed 2024, every
style).  Each measure is taken per report and summarised by its median and its range over the set:

- characters: the report's length;
- prose share: the share of its characters outside the tables the rule layer finds;
- blank cells: the share of fields whose gold value is null (a blank, a dash, a cell not printed);
- separators per table line: pipes, tabs and runs of two or more spaces on the lines of its tables;
- long digit runs: runs of six digits or more in its tables (cells glued together);
- page numbers: lines such as "- 2 -" or "第2页".
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
from pathlib import Path

from nianbao.paths import DATA_DIR, REAL_DEV_DIR
from nianbao.readers import read_document
from rules_fallback.pages import PAGE_NUMBER_LINE
from rules_fallback.parser import label_cells

_SEPARATOR = re.compile(r"[|│┃¦\t]| {2,}|\u3000+")
_LONG_DIGITS = re.compile(r"\d{6,}")


def measures(path: Path, gold: dict | None) -> dict[str, float]:
    doc = read_document(path)
    norm = doc.norm
    regions = list(label_cells(doc).regions.values())
    in_tables = sum(end - start for start, end in regions)
    table_text = "".join(norm[start:end] for start, end in regions)
    table_lines = [line for line in table_text.splitlines() if line.strip()]
    found = {
        "characters": len(norm),
        "prose share": 1 - in_tables / max(len(norm), 1),
        "separators per table line": (sum(len(_SEPARATOR.findall(line)) for line in table_lines)
                                      / max(len(table_lines), 1)),
        "long digit runs": len(_LONG_DIGITS.findall(table_text)),
        "page numbers": len(PAGE_NUMBER_LINE.findall(norm)),
    }
    if gold is not None:
        values = list(gold["fields"].values())
        found["blank cells"] = sum(value is None for value in values) / len(values)
    return found


def summarise(rows: list[dict[str, float]]) -> dict[str, str]:
    summary = {}
    for name in rows[0]:
        values = [row[name] for row in rows if name in row]
        if not values:
            continue
        low, median, high = min(values), statistics.median(values), max(values)
        shown = (lambda v: f"{v:.2f}") if max(values) <= 1 and name.endswith("share") or name == "blank cells" \
            else (lambda v: f"{v:.1f}" if v != int(v) else f"{int(v)}")
        summary[name] = f"{shown(median)} ({shown(low)}–{shown(high)})"
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", type=Path, help="a folder `nianbao generate` wrote (text/, gold/)")
    parser.add_argument("--n", type=int, default=140, help="reports to generate when --generated is not given")
    args = parser.parse_args()
    generated = args.generated
    if generated is None:
        from training.corpus import iter_examples, write_corpus
        from training.styles import STYLES, missing_converter

        generated = Path(tempfile.mkdtemp(prefix="nianbao-generated-"))
        styles = [style for style in STYLES if not missing_converter(style)]
        write_corpus(generated, iter_examples(args.n, styles, 2024))
    sets = {
        "real-dev (16)": [(path, json.loads((REAL_DEV_DIR / "gold" / f"{path.stem}.json").read_text(encoding="utf-8")))
                          for path in sorted((REAL_DEV_DIR / "reports").iterdir())],
        "real-unlabelled (8)": [(path, None) for path in sorted((DATA_DIR / "real-unlabelled").glob("*.txt"))],
        f"generated ({len(list((generated / 'text').glob('*.txt')))})":
            [(path, json.loads((generated / "gold" / f"{path.stem}.json").read_text(encoding="utf-8")))
             for path in sorted((generated / "text").glob("*.txt"))],
    }
    columns = {name: summarise([measures(path, gold) for path, gold in reports]) for name, reports in sets.items()}
    names = list(next(iter(columns.values())))
    print("| measure (median, range) | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for name in names:
        print(f"| {name} | " + " | ".join(column.get(name, "–") for column in columns.values()) + " |")


if __name__ == "__main__":
    main()
