"""Rules-only throughput on the seed reports: reading aside, normalise + label + map + check, one core.

Run: .venv/bin/python benchmarks/bench_rules.py [--seconds 5]
"""
import argparse
import time

from nianbao.paths import SEEDS_DIR
from nianbao.pipeline import parse_document
from nianbao.text import decode, normalise


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="how long to keep parsing")
    args = parser.parse_args()
    texts = [(path.name, decode(path.name, path.read_bytes())) for path in sorted(SEEDS_DIR.glob("*.txt"))]
    for name, text in texts:  # warm caches (schema, label tables) outside the timing
        parse_document(normalise(name, text), "rules")
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < args.seconds:
        for name, text in texts:
            parse_document(normalise(name, text), "rules")
            done += 1
    elapsed = time.perf_counter() - started
    chars = sum(len(text) for _, text in texts) * done / len(texts)
    print(f"rules-only: {done} reports in {elapsed:.2f}s = {done / elapsed:.1f} reports/s "
          f"({chars / elapsed / 1000:.0f}k chars/s) on one core")


if __name__ == "__main__":
    main()
