"""Fuzzing at scale: N mutated reports through a system, counting crashes and files over 2 seconds.

The mutants are those of ``tests/mutations.py`` (texts mutated as a scraper and a bad copy mutate them,
four in five; byte-mutated DOCX, PDF and HTML files, one in five), drawn by hypothesis without
shrinking.  A crash is any exception but a named ``InputError``, or a field whose raw text is not
``text[start:end]``; each crash's file is kept in the scratch folder to reproduce it.  What it should
show: 10,000 reports through the rules and 1,000 through the default system, 0 crashes, none over 2 s.

Run: .venv/bin/python benchmarks/bench_fuzz.py [--reports 10000] [--system rules] [--scratch DIR]
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from nianbao.paths import ROOT

sys.path.insert(0, str(ROOT / "tests"))
from mutations import ENCODINGS, encoded, mutate_bytes, mutated_text, parsed_or_named, seed_files  # noqa: E402

SLOW_SECONDS = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000, help="how many mutated reports (default: 10000)")
    parser.add_argument("--system", default="rules", help="rules, model or hybrid (default: rules)")
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/nianbao-fuzz"),
                        help="folder for the mutants (crashing ones are kept)")
    args = parser.parse_args()
    shutil.rmtree(args.scratch, ignore_errors=True)
    args.scratch.mkdir(parents=True)
    files = seed_files()
    labeller = None
    if args.system != "rules":
        from nianbao.pipeline import default_labeller

        labeller = default_labeller()
    tally = {"reports": 0, "crashes": 0, "slow": 0, "slowest": 0.0, "seconds": 0.0}
    examples = []

    def check(name: str, data: bytes) -> None:
        tally["reports"] += 1
        path = args.scratch / f"{tally['reports']:06d}-{name}"
        path.write_bytes(data)
        started = time.perf_counter()
        try:
            parsed_or_named(path, args.system, labeller)
        except Exception:  # noqa: BLE001 - counted and kept, see the docstring
            tally["crashes"] += 1
            if len(examples) < 5:
                examples.append(f"{path}: {traceback.format_exc(limit=3).strip().splitlines()[-1]}")
            return
        finally:
            elapsed = time.perf_counter() - started
            tally["seconds"] += elapsed
            tally["slowest"] = max(tally["slowest"], elapsed)
            if elapsed > SLOW_SECONDS:
                tally["slow"] += 1
                if len(examples) < 5:
                    examples.append(f"{path}: {elapsed:.1f} s")
        path.unlink()

    fuzz = settings(deadline=None, database=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck))

    @settings(fuzz, max_examples=args.reports - args.reports // 5)
    @given(mutated_text(), st.sampled_from(ENCODINGS))
    def texts(text, encoding):
        check("report.txt", encoded(text, encoding))

    @settings(fuzz, max_examples=args.reports // 5)
    @given(st.sampled_from(sorted(files)), st.data())
    def documents(suffix, data):
        check(f"report{suffix}", mutate_bytes(files[suffix], data.draw))

    started = time.perf_counter()
    texts()
    documents()
    print(f"{tally['reports']} mutated reports through {args.system} in {time.perf_counter() - started:.0f} s: "
          f"{tally['crashes']} crashes, {tally['slow']} over {SLOW_SECONDS:g} s (slowest {tally['slowest']:.2f} s, "
          f"mean {tally['seconds'] / max(1, tally['reports']):.3f} s)")
    for example in examples:
        print(f"  {example}")


if __name__ == "__main__":
    main()
