"""``nianbao parse``: parse many report files into records, in parallel, resumable, one bad file at a time.

A run reads every INPUT, parses each file with the chosen system and writes one JSON record per report
(or collection files with ``--format``).  It is built to be left running on thousands of files:

- a file that cannot be read or parsed is listed in ``DIR/errors.jsonl`` with its reason and the run goes
  on; the exit code is 1 when any file failed, 0 when all parsed;
- every output is written atomically, so a run killed at any moment leaves no half-written file;
- re-running the same command resumes: ``DIR/.nianbao-state.jsonl`` holds, per output, the content hash of
  the file and the version of the system that parsed it, and files already done are skipped (``--force``
  parses them again).  An entry is appended only after its record is safely written, so a kill costs at
  most the files in flight at that moment (handed to a worker: at most two per worker);
- ``DIR/summary.html`` shows the batch at a glance (``nianbao.summary``).

``--engine ray`` parses the files on a Ray cluster instead of local processes (``nianbao.ray_batch``);
everything else, and so every output, stays here.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import sys
import threading
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from tqdm import tqdm

from nianbao import pipeline
from nianbao.errors import InputError
from nianbao.inputs import expand_inputs, output_names
from nianbao.readers import read_document
from nianbao.records import Report
from nianbao.summary import write_summary
from nianbao.writers import FORMATS, remove_stale_temporaries, write_collection, write_json, write_jsonl

STATE_FILE = ".nianbao-state.jsonl"
ERRORS_FILE = "errors.jsonl"
# Where the per-report records live when the output is a collection file (they are what a rerun resumes).
RECORDS_CACHE = ".nianbao-records"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="a report file, a folder (searched recursively), a glob pattern such as "
                             "'reports/**/*.pdf', or @list.txt naming one INPUT per line")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="folder for the outputs")
    parser.add_argument("--system", choices=pipeline.SYSTEMS, default="hybrid",
                        help="labeller: the rule layer, the model, or both reconciled (default: hybrid)")
    parser.add_argument("--workers", type=_positive_int, metavar="N",
                        help="parse N files at once: N processes (default: 1), or N Ray actors with "
                             "--engine ray (default: one per CPU of the cluster)")
    parser.add_argument("--engine", choices=("local", "ray"), default="local",
                        help="local: this machine's processes (default); ray: a Ray cluster, on Ray Data "
                             "(pip install nianbao[ray]); the outputs are the same")
    parser.add_argument("--address", metavar="ADDRESS",
                        help="with --engine ray: a running cluster's address (default: start a local one)")
    parser.add_argument("--format", choices=FORMATS, default="json", dest="output_format",
                        help="json: DIR/<stem>.json per report (default); jsonl: DIR/reports.jsonl; csv, "
                             "parquet: DIR/reports.* (one row per report) and DIR/fields_long.* (one row "
                             "per field)")
    parser.add_argument("--force", action="store_true", help="parse again files a previous run already did")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def _positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


@dataclass
class Job:
    """One file to parse and where its record goes."""

    index: int  # position among the INPUTs' files: collection files list reports in this order
    path: Path
    record: Path  # the per-report JSON record
    sha256: str


@dataclass
class Summary:
    """The counts of the closing line; the last two count reports, not checks or warnings."""

    files: int = 0
    parsed: int = 0
    skipped: int = 0
    failed: int = 0
    failing_checks: int = 0
    with_warnings: int = 0

    def count(self, failing_checks: int, warnings: int) -> None:
        self.failing_checks += failing_checks > 0
        self.with_warnings += warnings > 0

    def line(self) -> str:
        return (f"{self.files} files: {self.parsed} parsed, {self.skipped} skipped (already done), "
                f"{self.failed} failed; {self.failing_checks} reports with failing checks, "
                f"{self.with_warnings} with warnings")


def run(args: argparse.Namespace) -> int:
    out_dir: Path = args.out
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(str(out_dir), "--out must be a folder, and this is a file")
    try:
        version = pipeline.system_version(args.system)
    except FileNotFoundError as error:  # the model's checkpoint is not installed
        raise InputError(f"--system {args.system}", str(error)) from error
    record_dir = out_dir if args.output_format == "json" else out_dir / RECORDS_CACHE
    record_dir.mkdir(parents=True, exist_ok=True)
    for folder in {out_dir, record_dir}:
        remove_stale_temporaries(folder)

    inputs = expand_inputs(args.inputs)
    errors = [{"source": spec, "reason": reason} for spec, reason in inputs.errors]
    names, notes = output_names(inputs.files)
    for note in notes:
        print(f"nianbao parse: {note}", file=sys.stderr)
    state = State.load(out_dir / STATE_FILE)
    summary = Summary(files=len(inputs.files) + len(inputs.errors), failed=len(inputs.errors))

    jobs, done = [], []  # done: (index, record) of every report this run ends with
    for index, (path, name) in enumerate(zip(inputs.files, names)):
        record = record_dir / f"{name}.json"
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as error:
            errors.append({"source": str(path), "reason": f"cannot read the file: {error.strerror}"})
            summary.failed += 1
            continue
        entry = None if args.force else state.done(_key(record, out_dir), digest, version)
        if entry and record.is_file():
            summary.skipped += 1
            summary.count(entry["failing_checks"], entry["warnings"])
            done.append((index, record))
        else:
            jobs.append(Job(index, path, record, digest))

    try:
        with state.appending(), tqdm(total=len(jobs), unit="report", desc="parsing", file=sys.stderr,
                                      disable=True if args.no_progress else None) as bar:
            for job, outcome in _engine(args)(jobs):
                bar.update()
                if outcome.reason is not None:
                    errors.append({"source": str(job.path), "reason": outcome.reason})
                    summary.failed += 1
                    bar.set_postfix(failed=summary.failed)
                    tqdm.write(f"nianbao parse: {job.path}: {outcome.reason}", file=sys.stderr)
                    continue
                state.add({"record": _key(job.record, out_dir), "sha256": job.sha256, "system": version,
                           "source": str(job.path), "failing_checks": outcome.failing_checks,
                           "warnings": outcome.warnings})
                summary.parsed += 1
                summary.count(outcome.failing_checks, outcome.warnings)
                done.append((job.index, job.record))
    finally:
        # Written even when the run is interrupted, so the failures met so far are listed.
        write_jsonl(out_dir / ERRORS_FILE, errors)
    state.compact()

    outputs = str(out_dir)
    if args.output_format != "json":
        records = [json.loads(record.read_text(encoding="utf-8")) for _, record in sorted(done)]
        outputs = ", ".join(str(path) for path in write_collection(out_dir, records, args.output_format))
    page = write_summary(out_dir, [(record.stem, record) for _, record in sorted(done)], errors, summary)
    print(f"nianbao parse: {summary.line()}")
    print(f"nianbao parse: outputs in {outputs}; a summary page in {page}"
          + (f"; failures listed in {out_dir / ERRORS_FILE}" if errors else ""))
    return 1 if summary.failed else 0


def _engine(args: argparse.Namespace):
    """The function that parses a list of jobs, yielding (job, outcome), for ``--engine``."""
    if args.engine == "ray":
        try:
            from nianbao import ray_batch
        except ImportError as error:
            raise InputError("--engine ray", f"Ray is not installed (pip install nianbao[ray]): {error}") from error
        return partial(ray_batch.parse_jobs, system=args.system, address=args.address, actors=args.workers,
                       progress=not args.no_progress)
    if args.address:
        raise InputError("--address", "a cluster's address needs --engine ray")
    return partial(parse_jobs, system=args.system, workers=args.workers or 1)


def _key(record: Path, out_dir: Path) -> str:
    """A record's name in the state file: its path inside DIR (the record files differ by --format)."""
    return record.relative_to(out_dir).as_posix()


@dataclass
class Outcome:
    """What the batch needs to know of one parsed file (the record itself is on disk by then)."""

    reason: str | None = None  # why the file failed; None when its record is written
    failing_checks: int = 0
    warnings: int = 0


def parse_file(path: str, system: str, record: str) -> Outcome:
    """Read and parse one file and write its record to ``record``, or say why it failed.

    The worker writes the record itself, so JSON encoding and disk writes run in parallel too and
    only a small ``Outcome`` travels back to the batch process.
    """
    report = parse_report(path, system)
    if isinstance(report, Outcome):
        return report
    return write_record(Path(record), report.to_json())


def parse_report(path: str, system: str) -> Report | Outcome:
    """The report of one file, or the ``Outcome`` that says why there is none.

    Any exception is caught and named: one report that trips the parser must not stop a batch of
    thousands, and its reason says what to look at.  A file in which not one table cell of a report was
    found (a news page, a report whose tables are pictures) is a failure too, not a record of nulls.
    """
    try:
        report = pipeline.parse_document(read_document(path), system)
    except InputError as error:
        return Outcome(error.reason)
    except Exception as error:  # noqa: BLE001 - reported per file, see the docstring
        return Outcome(f"parser failed: {type(error).__name__}: {error}")
    if all(parsed.raw is None for parsed in report.fields.values()):
        return Outcome("no report found: not one table cell of a report is in the text")
    return report


def write_record(record: Path, data: dict) -> Outcome:
    """Write one report's record (``Report.to_json``) and count its failing checks and warnings."""
    try:
        write_json(record, data)
    except OSError as error:
        return Outcome(f"cannot write {record}: {error.strerror or error}")
    return Outcome(failing_checks=sum(1 for check in data["checks"] if check["ok"] is False),
                   warnings=len(data["warnings"]))


def parse_jobs(jobs: list[Job], system: str, workers: int):
    """Yield (job, outcome) for every job as it finishes: in this process, or in ``workers`` processes.

    At most two files per worker are queued at a time, so memory stays flat however long the batch.  A
    worker process that dies (killed for memory, a crash in a native library) fails the files it held
    and a fresh pool takes the rest.  Workers are spawned, not forked: a process that has already run
    the model (a library caller, ``benchmarks/bench_batch.py``) holds torch's thread pool, and a forked
    copy of it hangs at its first forward pass.
    """
    if workers == 1 or len(jobs) < 2:
        for job in jobs:
            yield job, parse_file(str(job.path), system, str(job.record))
        return
    waiting = deque(jobs)
    while waiting:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker,
                                   initargs=(os.getpid(), system, _threads_per_worker(workers)))
        running: dict = {}
        broken = False
        try:
            while (waiting and not broken) or running:
                while waiting and not broken and len(running) < 2 * workers:
                    job = waiting.popleft()
                    try:
                        running[pool.submit(parse_file, str(job.path), system, str(job.record))] = job
                    except BrokenProcessPool:
                        waiting.appendleft(job)
                        broken = True
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    job = running.pop(future)
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        broken = True
                        outcome = Outcome("the worker process died while parsing it (out of memory, or a crash)")
                    yield job, outcome
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _threads_per_worker(workers: int) -> int:
    """The cores this process may use, shared out between the workers (at least one thread each)."""
    return max(1, len(os.sched_getaffinity(0)) // workers)


def _start_worker(parent: int, system: str, threads: int) -> None:
    """In a worker: give torch its share of the cores, and exit when the batch process is gone.

    Torch's default is one thread per core in every process; two workers on two cores then run four
    threads that get in each other's way: 3.1 reports/s against 6.3 with one thread each
    (``benchmarks/bench_batch.py --system hybrid``, 160 reports, two cores).

    A batch killed with SIGKILL (by hand, or by the kernel for memory) cannot stop its workers, and a
    forked worker waiting for work never sees its queue close, so without the watch it would wait forever.
    """
    if system != "rules":
        import torch

        torch.set_num_threads(threads)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class State:
    """The resume journal ``DIR/.nianbao-state.jsonl``: one line per record written, the last one counts.

    Lines are appended and flushed one by one as records are written; a line torn by a kill is dropped on
    the next load, and the journal is rewritten (atomically) with one line per record at load and at the
    end of a run, so it does not grow with reruns.
    """

    def __init__(self, path: Path, entries: dict[str, dict]):
        self.path = path
        self.entries = entries
        self._handle = None

    @classmethod
    def load(cls, path: Path) -> "State":
        entries = {}
        if path.is_file():
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    entry = json.loads(line)
                    entries[entry["record"]] = entry
                except (json.JSONDecodeError, KeyError, TypeError):
                    continue  # torn by a kill mid-write
        state = cls(path, entries)
        state.compact()
        return state

    def done(self, record: str, sha256: str, system: str) -> dict | None:
        """The entry of ``record`` if it was made from these file contents by this system version."""
        entry = self.entries.get(record)
        return entry if entry and entry["sha256"] == sha256 and entry["system"] == system else None

    def compact(self) -> None:
        write_jsonl(self.path, self.entries.values())

    @contextmanager
    def appending(self):
        """Context in which ``add`` appends to the journal."""
        with open(self.path, "a", encoding="utf-8") as handle:
            self._handle = handle
            try:
                yield self
            finally:
                self._handle = None

    def add(self, entry: dict) -> None:
        self.entries[entry["record"]] = entry
        self._handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._handle.flush()  # in the kernel's hands: survives a kill; a power cut costs re-parsing at most
