"""Batch throughput of ``nianbao parse`` (reports/s) with 1 and 2 worker processes, reading included.

The reports are made by ``nianbao generate`` (every layout style), or copied round-robin from the seed
reports (``--seeds``) or from the .txt files of a folder (``--inputs DIR``).  Each run starts from an
empty output folder, so nothing is skipped as already done.

Run: .venv/bin/python benchmarks/bench_batch.py [--reports 300] [--system rules] [--workers 1 2] [--seeds]
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
    sources = parser.add_mutually_exclusive_group()
    sources.add_argument("--seeds", action="store_const", const=SEEDS_DIR, dest="inputs",
                         help="copies of the seed reports instead of generated ones")
    sources.add_argument("--inputs", type=Path, metavar="DIR", help="copies of the .txt reports in DIR")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as scratch:
        folder = Path(scratch) / "reports"
        if args.inputs is None:
            quietly(["generate", "--n", str(args.reports), "--out", str(Path(scratch) / "generated")])
            (Path(scratch) / "generated" / "text").rename(folder)
            origin = "nianbao generate"
        else:
            copy_round_robin(sorted(args.inputs.glob("*.txt")), folder, args.reports)
            origin = str(args.inputs)
        size = sum(path.stat().st_size for path in folder.iterdir())
        print(f"{args.reports} reports ({size / 1e6:.1f} MB) from {origin}, system {args.system}")
        run([next(folder.iterdir())], Path(scratch) / "warm", args.system, 1)  # load tables and model once
        for workers in args.workers:
            elapsed, summary = run([folder], Path(scratch) / f"out-{workers}", args.system, workers)
            print(f"  {workers} worker{'s' if workers > 1 else ' '}: {elapsed:6.2f}s = "
                  f"{args.reports / elapsed:6.1f} reports/s   ({summary})")


def copy_round_robin(sources: list[Path], folder: Path, count: int) -> None:
    if not sources:
        raise SystemExit("no .txt reports to copy")
    folder.mkdir()
    for index, source in zip(range(count), itertools.cycle(sources)):
        shutil.copyfile(source, folder / f"{index:05d}_{source.name}")


def run(inputs: list[Path], out: Path, system: str, workers: int) -> tuple[float, str]:
    """Seconds one ``nianbao parse`` takes (a file that fails counts: the batch handled it) and its summary."""
    started = time.perf_counter()
    output = quietly(["parse", *map(str, inputs), "--out", str(out), "--system", system,
                      "--workers", str(workers), "--no-progress"])
    elapsed = time.perf_counter() - started
    return elapsed, output.splitlines()[0].removeprefix("nianbao parse: ").split(";")[0]


def quietly(argv: list[str]) -> str:
    """Run a ``nianbao`` command; what it printed, shown only if it went wrong."""
    with contextlib.redirect_stdout(io.StringIO()) as output:
        status = nianbao(argv)
    if status not in (0, 1):
        raise SystemExit(f"nianbao {argv[0]} failed ({status}): {output.getvalue()}")
    return output.getvalue()


if __name__ == "__main__":
    main()
