"""How fast the synthetic generator makes reports, per style: training needs thousands, so the
in-process styles should stay well above 50 reports/s; converter styles (pandoc, w3m, lynx) pay a
process start per report.

    .venv/bin/python benchmarks/bench_generate.py [--n 200] [--styles all|internal|a,b]
"""
from __future__ import annotations

import argparse
import random
import time

from training.generator import generate_example
from training.styles import CONVERTERS, STYLES, missing_converter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="reports per style")
    parser.add_argument("--styles", default="all", help="all, internal (no converters) or a comma list")
    args = parser.parse_args()
    if args.styles == "all":
        styles = list(STYLES)
    elif args.styles == "internal":
        styles = [s for s in STYLES if s not in CONVERTERS]
    else:
        styles = args.styles.split(",")
    internal_total = internal_time = 0.0
    print(f"{'style':<14} {'reports/s':>10} {'chars/report':>13}")
    for style in styles:
        if missing_converter(style):
            print(f"{style:<14} skipped: needs {missing_converter(style)}")
            continue
        n = args.n if style not in CONVERTERS else max(10, args.n // 10)
        rng = random.Random(0)
        start = time.perf_counter()
        chars = sum(len(generate_example(rng, style=style)["text"]) for _ in range(n))
        elapsed = time.perf_counter() - start
        if style not in CONVERTERS:
            internal_total, internal_time = internal_total + n, internal_time + elapsed
        print(f"{style:<14} {n / elapsed:>10.1f} {chars / n:>13.0f}")
    if internal_time:
        print(f"in-process styles overall: {internal_total / internal_time:.1f} reports/s")


if __name__ == "__main__":
    main()
