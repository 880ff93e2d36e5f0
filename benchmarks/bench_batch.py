"""Batch throughput of ``nianbao parse`` (reports/s), local and on Ray, on the same files; one report's latency.

The reports are made by ``nianbao generate`` (every layout style), or copied round-robin from the seed
reports (``--seeds``) or from the .txt files of a folder (``--inputs DIR``).  Each run starts from an
empty output folder, so nothing is skipped as already done.  The local batch runs with 1 and 2 worker
processes; the Ray engine (``--engine ray``) on a local Ray cluster of this machine's cores, started once,
with one parser actor per core, whose peak resident memory is sampled while it runs.  Last, one report
from the command line (a fresh ``python -m nianbao parse`` process, start-up included), a few times: a
generated one, and a real one the rules do not settle (the hybrid then loads the model).

Run: .venv/bin/python benchmarks/bench_batch.py [--reports 300] [--system rules] [--workers 1 2] [--seeds]
     [--no-ray] [--latency-runs 5]
"""
import argparse
import contextlib
import io
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from nianbao.cli import main as nianbao
from nianbao.paths import REAL_DEV_DIR, ROOT, SEEDS_DIR
from nianbao.workers import POOL_JOIN_THREAD

UNSETTLED = REAL_DEV_DIR / "reports" / "pingtan-2025.txt"  # glued rows the rules cannot cut alone: the model runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=300, help="how many report files to parse")
    parser.add_argument("--system", default="rules", help="rules, model or hybrid (default: rules)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to time")
    parser.add_argument("--no-ray", action="store_true", help="time the local batch only")
    parser.add_argument("--latency-runs", type=int, default=5, help="single-report runs per system (0: none)")
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
            print(f"  local, {workers} worker{'s' if workers > 1 else ' '}: {elapsed:6.2f}s = "
                  f"{args.reports / elapsed:6.1f} reports/s   ({summary})")
        if not args.no_ray:
            time_ray(folder, Path(scratch), args.system, args.reports)
        if args.latency_runs:
            print(f"one report from the command line ({args.latency_runs} runs, python -m nianbao parse ONE --out DIR):")
            # a generated report, and one the rules do not settle, so that a model-based system loads the model
            reports = {"generated": next(folder.iterdir()), "pingtan-2025": UNSETTLED}
            for system in dict.fromkeys(["rules", args.system]):
                for name, report in reports.items():
                    times = latency(report, Path(scratch) / "latency", system, args.latency_runs)
                    print(f"  {system:7} {name:13}: min {min(times):.2f}s, median {statistics.median(times):.2f}s")


def time_ray(folder: Path, scratch: Path, system: str, reports: int) -> None:
    """The same files through ``--engine ray`` on a local cluster of this machine's cores (started once)."""
    import ray

    cores = len(os.sched_getaffinity(0))
    ray.init(num_cpus=cores, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    try:
        run([folder], scratch / "ray-warm", system, cores, engine="ray")  # the cluster's workers start
        with ActorMemory() as memory:
            elapsed, summary = run([folder], scratch / "out-ray", system, cores, engine="ray")
        print(f"  ray, {cores} actors  : {elapsed:6.2f}s = {reports / elapsed:6.1f} reports/s   ({summary}); "
              f"peak RSS per actor {memory.peak_mib()} MiB")
    finally:
        ray.shutdown()


class ActorMemory:
    """Samples the resident memory of the Ray parser actors' processes while a run goes on."""

    def __init__(self, every: float = 0.2):
        self.every, self.peaks, self._stop = every, {}, threading.Event()

    def __enter__(self):
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(self.every):
            for process in psutil.process_iter(["pid", "cmdline", "memory_info"]):
                if "ReportParser" in " ".join(process.info["cmdline"] or []) and process.info["memory_info"]:
                    self.peaks[process.info["pid"]] = max(self.peaks.get(process.info["pid"], 0),
                                                          process.info["memory_info"].rss)

    def peak_mib(self) -> str:
        return ", ".join(f"{peak / 2**20:.0f}" for peak in sorted(self.peaks.values())) or "not seen"


def latency(report: Path, out: Path, system: str, runs: int) -> list[float]:
    """Wall seconds of ``python -m nianbao parse REPORT`` in a fresh process, ``runs`` times (--force)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nianbao", "parse", str(report), "--out", str(out), "--system",
                        system, "--force", "--no-progress"], cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times


def copy_round_robin(sources: list[Path], folder: Path, count: int) -> None:
    if not sources:
        raise SystemExit("no .txt reports to copy")
    folder.mkdir()
    for index, source in zip(range(count), itertools.cycle(sources)):
        shutil.copyfile(source, folder / f"{index:05d}_{source.name}")


def run(inputs: list[Path], out: Path, system: str, workers: int, engine: str = "local") -> tuple[float, str]:
    """Seconds one ``nianbao parse`` takes, until its worker pool is gone (a file that fails counts: the batch
    handled it), and its summary."""
    started = time.perf_counter()
    output = quietly(["parse", *map(str, inputs), "--out", str(out), "--system", system,
                      "--workers", str(workers), "--engine", engine, "--no-progress"])
    for thread in threading.enumerate():  # the worker pool, joined beside the batch's last writes, is gone too
        if thread.name == POOL_JOIN_THREAD:
            thread.join()
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
