"""``nianbao parse``: parse many report files into records, in parallel, resumable, one bad file at a time.

A run reads every INPUT, parses each file with the chosen system and writes one JSON record per report
(or collection files with ``--format``).  It is built to be left running on thousands of files:

- a file that cannot be read or parsed is listed in ``DIR/errors.jsonl`` with its reason and the run goes
  on; the exit code is 1 when any file failed, 0 when all parsed;
- every file is parsed in a worker process under a time and a memory budget (``nianbao.workers``), and a
  file larger than ``--max-size`` is refused unread, so no single input can hang or exhaust the run;
- one run at a time writes to DIR (``DIR/.nianbao-lock``);
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
import fcntl
import hashlib
import json
import os
import stat
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from tqdm import tqdm

from nianbao import systems
from nianbao.errors import InputError
from nianbao.inputs import expand_inputs, output_names
from nianbao.summary import BatchPage, record_digest, write_summary
from nianbao.workers import Limits, parse_jobs
from nianbao.writers import FORMATS, remove_stale_temporaries, write_collection, write_jsonl

STATE_FILE = ".nianbao-state.jsonl"
# Reports are tens to hundreds of kilobytes of text, a few megabytes as PDF; a file past this is not one.
MAX_SIZE_MB = 64
ERRORS_FILE = "errors.jsonl"
# Where the per-report records live when the output is a collection file (they are what a rerun resumes).
RECORDS_CACHE = ".nianbao-records"
# Held (``flock``) by the run writing to DIR: a second run into the same folder is refused.
LOCK_FILE = ".nianbao-lock"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="a report file, a folder (searched recursively), a glob pattern such as "
                             "'reports/**/*.pdf', or @list.txt naming one INPUT per line")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="folder for the outputs")
    parser.add_argument("--system", choices=systems.SYSTEMS, default="hybrid",
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
    parser.add_argument("--timeout", type=_non_negative(float), default=Limits.seconds, metavar="SECONDS",
                        help="time one file may take to parse; a file over it is listed as failed and the run "
                             f"goes on (default: {Limits.seconds:g}; 0: no limit)")
    parser.add_argument("--max-memory", type=_non_negative(int), default=Limits.megabytes, metavar="MB",
                        help="memory one file may take on top of a loaded worker; a file over it is listed as "
                             f"failed (default: {Limits.megabytes}; 0: no limit; with --timeout 0 too and one "
                             "worker, files are parsed in this process)")
    parser.add_argument("--max-size", type=_non_negative(int), default=MAX_SIZE_MB, metavar="MB",
                        help=f"files larger than this are refused unread (default: {MAX_SIZE_MB}; 0: no limit)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def _non_negative(kind: type):
    """An argparse type: a number of ``kind`` that is 0 (no limit) or more."""
    def parse(text: str):
        try:
            number = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not number >= 0:
            raise argparse.ArgumentTypeError(f"must be 0 or more, not {text}")
        return number
    return parse


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
        systems.check_system(args.system)
        version = systems.system_version(args.system)
    except (FileNotFoundError, ValueError) as error:  # no checkpoint, or a damaged one: once, before any file
        raise InputError(f"--system {args.system}", str(error)) from error
    record_dir = out_dir if args.output_format == "json" else out_dir / RECORDS_CACHE
    record_dir.mkdir(parents=True, exist_ok=True)
    with _holding(out_dir):
        return _run(args, version, record_dir)


@contextmanager
def _holding(out_dir: Path):
    """Hold DIR for this run: a second run into it is refused, so neither removes the other's temporary
    files nor overwrites the other's ``errors.jsonl`` and journal.  The lock goes with the process, so a
    killed run leaves none behind."""
    with open(out_dir / LOCK_FILE, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise InputError(f"--out {out_dir}", f"another nianbao parse run ({holder}) is writing to this "
                                                 "folder: wait for it to finish, or choose another --out") from None
        handle.truncate(0)
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)


def _run(args: argparse.Namespace, version: str, record_dir: Path) -> int:
    out_dir: Path = args.out
    for folder in {out_dir, record_dir}:
        remove_stale_temporaries(folder)  # of runs killed before: this run holds the folder
    inputs = expand_inputs(args.inputs)
    errors = [{"source": spec, "reason": reason} for spec, reason in inputs.errors]
    names, notes = output_names(inputs.files)
    for note in notes:
        print(f"nianbao parse: {note}", file=sys.stderr)
    state = State.load(out_dir / STATE_FILE)
    summary = Summary(files=len(inputs.files) + len(inputs.errors), failed=len(inputs.errors))
    max_bytes = args.max_size * 2**20

    jobs, done = [], []  # done: (index, record) of every report this run ends with
    page = BatchPage()
    for index, (path, name) in enumerate(zip(inputs.files, names)):
        record = record_dir / f"{name}.json"
        digest, reason = _content_hash(path, max_bytes)
        if reason is not None:
            errors.append({"source": str(path), "reason": reason})
            summary.failed += 1
            continue
        entry = None if args.force else state.done(_key(record, out_dir), digest, version)
        kept = _kept(record) if entry else None
        if kept is not None:
            summary.skipped += 1
            summary.count(entry["failing_checks"], entry["warnings"])
            page.add(kept)
            done.append((index, record))
        else:
            jobs.append(Job(index, path, record, digest))

    limits = Limits(args.timeout, args.max_memory)
    failed = []  # (index, error) of the files that failed in parsing: listed in the inputs' order
    try:
        with state.appending(), tqdm(total=len(jobs), unit="report", desc="parsing", file=sys.stderr,
                                      disable=True if args.no_progress else None) as bar:
            for job, outcome in _engine(args, limits)(jobs):
                bar.update()
                if outcome.reason is not None:
                    failed.append((job.index, {"source": str(job.path), "reason": outcome.reason}))
                    summary.failed += 1
                    bar.set_postfix(failed=summary.failed)
                    tqdm.write(f"nianbao parse: {job.path}: {outcome.reason}", file=sys.stderr)
                    continue
                state.add({"record": _key(job.record, out_dir), "sha256": job.sha256, "system": version,
                           "source": str(job.path), "failing_checks": outcome.failing_checks,
                           "warnings": outcome.warnings})
                summary.parsed += 1
                summary.count(outcome.failing_checks, outcome.warnings)
                page.add(outcome.digest)
                done.append((job.index, job.record))
    finally:
        # Written even when the run is interrupted, so the failures met so far are listed.
        errors += [error for _, error in sorted(failed, key=lambda item: item[0])]
        write_jsonl(out_dir / ERRORS_FILE, errors)
        for folder in {out_dir, record_dir}:
            remove_stale_temporaries(folder)  # of workers killed over their budget
    state.compact()
    os.sync()  # the local workers' records, written without an fsync each (workers.write_record), are on disk

    _write_outputs(args, [record for _, record in sorted(done)], page, errors, summary)
    return 1 if summary.failed else 0


def _write_outputs(args: argparse.Namespace, records: list[Path], page, errors: list[dict], summary: Summary) -> None:
    """The collection files ``--format`` asks for, the summary page, and the lines saying where they are."""
    out_dir: Path = args.out
    outputs = str(out_dir)
    if args.output_format != "json":
        read = [json.loads(record.read_text(encoding="utf-8")) for record in records]
        outputs = ", ".join(str(path) for path in write_collection(out_dir, read, args.output_format))
    summary_page = write_summary(out_dir, page, errors, summary)
    print(f"nianbao parse: {summary.line()}")
    print(f"nianbao parse: outputs in {outputs}; a summary page in {summary_page}"
          + (f"; failures listed in {out_dir / ERRORS_FILE}" if errors else ""))


def _kept(record: Path) -> dict | None:
    """The summary digest of a record a previous run wrote, or None when it is gone or does not read back
    (a power cut before the batch synced it): then the report is parsed again."""
    try:
        return record_digest(record.stem, record)
    except (OSError, ValueError, KeyError, TypeError):  # gone, torn, or not a record
        return None


def _engine(args: argparse.Namespace, limits: Limits):
    """The function that parses a list of jobs, yielding (job, outcome), for ``--engine``.

    On Ray, a file's time and memory are the cluster's to bound (its actors are processes of their own).
    """
    if args.engine == "ray":
        try:
            from nianbao import ray_batch
        except ImportError as error:
            raise InputError("--engine ray", f"Ray is not installed (pip install nianbao[ray]): {error}") from error
        return partial(ray_batch.parse_jobs, system=args.system, address=args.address, actors=args.workers,
                       progress=not args.no_progress)
    if args.address:
        raise InputError("--address", "a cluster's address needs --engine ray")
    return partial(parse_jobs, system=args.system, workers=args.workers or 1, limits=limits)


def _content_hash(path: Path, max_bytes: int) -> tuple[str | None, str | None]:
    """(the file's ``_sha256``, None), or (None, why it cannot be read)."""
    try:
        return _sha256(path, max_bytes), None
    except OSError as error:
        return None, f"cannot read the file: {error.strerror}"
    except InputError as error:
        return None, error.reason


def _sha256(path: Path, max_bytes: int) -> str:
    """The content hash of a file, read in blocks; a file over ``max_bytes`` (0: no cap) is refused unread."""
    # Not blocking: a FIFO put in place of a checked file must not stall the run.
    with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise InputError(str(path), "not a regular file: only regular files are read")
        size = info.st_size
        if max_bytes and size > max_bytes:
            raise InputError(str(path), f"too large: {size / 2**20:.0f} MB, over the --max-size cap of "
                                        f"{max_bytes // 2**20} MB (refused unread)")
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _key(record: Path, out_dir: Path) -> str:
    """A record's name in the state file: its path inside DIR (the record files differ by --format)."""
    return record.relative_to(out_dir).as_posix()


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
        """Rewrite the journal with one line per record, in the records' order: the same file whatever order
        the workers finished in."""
        write_jsonl(self.path, [self.entries[record] for record in sorted(self.entries)])

    @contextmanager
    def appending(self):
        """Context in which ``add`` appends to the journal."""
        with open(self.path, "a", encoding="utf-8", errors="backslashreplace") as handle:  # see writers._JSON_ERRORS
            self._handle = handle
            try:
                yield self
            finally:
                self._handle = None

    def add(self, entry: dict) -> None:
        self.entries[entry["record"]] = entry
        self._handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._handle.flush()  # in the kernel's hands: survives a kill; a power cut costs re-parsing at most
