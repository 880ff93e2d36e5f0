"""Batch throughput of ``nianbao parse`` (reports/s) with 1 and 2 worker processes, reading included.

The reports are copies of the seed reports, or the text files of a folder given with ``--inputs`` (for
example the ``text/`` folder ``nianbao generate --out DIR`` writes).  Each run starts from an empty output
folder, so nothing is skipped as already done.

Run: .venv/bin/python benchmarks/bench_batch.py [--reports 300] [--system rules] [--workers 1 2]
"""
import argparse
import contextlib
import io
import itertools
import shutil
import tempfile
import time
from pathlib import Path

from nianbao.cli import main as nianbao
from nianbao.paths import SEEDS_DIR


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=300, help="how many report files to parse")
    parser.add_argument("--system", default="rules", help="rules, model or hybrid (default: rules)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to time")
    parser.add_argument("--inputs", type=Path, default=SEEDS_DIR, help="folder of .txt reports to copy")
    args = parser.parse_args()
    sources = sorted(args.inputs.glob("*.txt"))
    if not sources:
        parser.error(f"no .txt reports in {args.inputs}")
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as scratch:
        folder = Path(scratch) / "reports"
        folder.mkdir()
        for index, source in zip(range(args.reports), itertools.cycle(sources)):
            shutil.copyfile(source, folder / f"{index:05d}_{source.name}")
        size = sum(path.stat().st_size for path in folder.iterdir())
        print(f"{args.reports} reports ({size / 1e6:.1f} MB) from {args.inputs}, system {args.system}")
        run(sources[:1], Path(scratch) / "warm", args.system, 1)  # load the schema, tables and model once
        for workers in args.workers:
            elapsed = run([folder], Path(scratch) / f"out-{workers}", args.system, workers)
            print(f"  {workers} worker{'s' if workers > 1 else ' '}: {elapsed:6.2f}s = "
                  f"{args.reports / elapsed:6.1f} reports/s")


def run(inputs: list[Path], out: Path, system: str, workers: int) -> float:
    argv = ["parse", *map(str, inputs), "--out", str(out), "--system", system, "--workers", str(workers),
            "--no-progress"]
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()) as summary:
        status = nianbao(argv)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"nianbao parse failed ({status}): {summary.getvalue()}")
    return elapsed


if __name__ == "__main__":
    main()
