"""Parsing the files of a batch in worker processes, each file under a time and a memory budget.

A report that makes the parser slow or greedy (a 10 MB line of cells, a DOCX of millions of paragraphs)
must cost the batch that one file, not the run.  So every file is parsed in a worker process, even with
one worker: a file still parsing when its time is up has its worker killed and is listed as over the
time budget; a worker's address space is capped (``RLIMIT_AS``) at what it holds once loaded plus the
memory budget, so an allocation past it fails with ``MemoryError`` in that file alone.  ``pebble``'s
process pool does the timing and the replacing of killed workers.

With both budgets off (``Limits(seconds=0, megabytes=0)``) and one worker, files are parsed in the
calling process: the way to step through the parser in a debugger.
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path

from pebble import ProcessExpired, ProcessPool

from nianbao.errors import InputError
from nianbao.paths import MODEL_DIR
from nianbao.readers import read_document
from nianbao.records import Report
from nianbao.summary import digest
from nianbao.text import normalise
from nianbao.writers import write_json

POOL_JOIN_THREAD = "nianbao-pool-join"  # the thread that stops a batch's worker pool (``parse_jobs``)

# A few lines of a report, parsed once when a worker starts: the rule layer's libraries are then in place
# before the memory budget is measured from there.
_WARM_UP_TEXT = "一、总体情况\n二、主动公开政府信息情况\n行政许可 | 1 | 0 | 1\n"


@dataclass(frozen=True)
class Limits:
    """What one file may cost: seconds of parsing and megabytes of memory on top of a loaded worker (0: no limit)."""

    seconds: float = 60.0
    megabytes: int = 2048

    @property
    def off(self) -> bool:
        return not self.seconds and not self.megabytes


@dataclass
class Outcome:
    """What the batch needs to know of one parsed file (the record itself is on disk by then)."""

    reason: str | None = None  # why the file failed; None when its record is written
    failing_checks: int = 0
    warnings: int = 0
    digest: dict | None = None  # what the summary page keeps of the record (``summary.digest``)


def parse_file(path: str, system: str, record: str, megabytes: int = 0) -> Outcome:
    """Read and parse one file and write its record to ``record``, or say why it failed.

    The worker writes the record itself, so JSON encoding and disk writes run in parallel too and only a
    small ``Outcome`` travels back to the batch process.
    """
    report = parse_report(path, system, megabytes)
    if isinstance(report, Outcome):
        return report
    return write_record(Path(record), report.to_json(), durable=False)  # synced at the batch's end


def parse_report(path: str, system: str, megabytes: int = 0) -> Report | Outcome:
    """The report of one file, or the ``Outcome`` that says why there is none.

    Any exception is caught and named: one report that trips the parser must not stop a batch of
    thousands, and its reason says what to look at.  A file in which not one table cell of a report was
    found (a news page, a report whose tables are pictures) is a failure too, not a record of nulls.
    """
    from nianbao import pipeline  # here, not at the top: the batch process schedules files and never parses

    try:
        report = pipeline.parse_document(read_document(path), system, _WORKER.labeller)
    except InputError as error:
        return Outcome(error.reason)
    except MemoryError:
        return Outcome(over_memory(megabytes))
    except RecursionError:
        return Outcome("too deeply nested for the parser (a recursion limit was reached)")
    except Exception as error:  # noqa: BLE001 - reported per file, see the docstring
        if megabytes and "allocate" in str(error):  # torch's allocator failing at the address-space cap
            return Outcome(over_memory(megabytes))
        return Outcome(f"parser failed: {type(error).__name__}: {error}")
    if not pipeline.found_report(report):
        return Outcome("no report found: not one table cell of a report is in the text")
    return report


def write_record(record: Path, data: dict, durable: bool = True) -> Outcome:
    """Write one report's record (``Report.to_json``), count its failing checks and warnings, and digest it
    for the summary page (here, in the worker, so the batch process need not read it back).

    ``durable=False`` for a local batch's workers: the batch process syncs this machine's disks once at
    its end (``writers.atomic_write``).  A Ray actor may write on another node, which that sync does not
    reach, so its records are fsynced one by one.
    """
    try:
        write_json(record, data, durable)
    except OSError as error:
        return Outcome(f"cannot write {record}: {error.strerror or error}")
    return Outcome(failing_checks=sum(1 for check in data["checks"] if check["ok"] is False),
                   warnings=len(data["warnings"]), digest=digest(record.stem, data))


def over_memory(megabytes: int) -> str:
    return f"over the memory budget: parsing it needed more than {megabytes} MB (--max-memory)"


def parse_jobs(jobs: list, system: str, workers: int, limits: Limits) -> Iterator[tuple[object, Outcome]]:
    """Yield (job, outcome) for every job (``.path``, ``.record``) as it finishes.

    At most two files per worker are handed out at a time, so memory stays flat however long the batch,
    and a kill costs at most those.  A worker that dies (killed for time, by the kernel for memory, a crash
    in a native library) fails the file it held; the pool starts a fresh one for the rest.  Workers are
    forked or spawned as ``start_method`` says.
    """
    if limits.off and workers == 1:
        for job in jobs:
            yield job, parse_file(str(job.path), system, str(job.record))
        return
    waiting = deque(jobs)
    pool = ProcessPool(max_workers=workers, initializer=_start_worker,
                       context=multiprocessing.get_context(start_method()), initargs=(os.getpid(), system, _threads_per_worker(workers), limits.megabytes))
    running: dict = {}
    try:
        while waiting or running:
            while waiting and len(running) < 2 * workers:
                job = waiting.popleft()
                future = pool.schedule(parse_file, args=(str(job.path), system, str(job.record), limits.megabytes),
                                       timeout=limits.seconds or None)
                running[future] = job
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in [future for future in running if future in finished]:  # in the order handed out
                yield running.pop(future), _outcome(future, limits)
    finally:
        pool.stop()
        # Joining waits for the pool's manager thread to wake from its 0.1 s sleep; done beside the batch's
        # last writes (journal, summary page) instead of before them, and before the process exits.
        threading.Thread(target=pool.join, name=POOL_JOIN_THREAD).start()


# Libraries whose threads and thread pools a forked copy of the process inherits in a state it hangs in:
# the model's runtimes (a forked copy of a process that ran a forward pass hangs at its own first one).
_FORK_UNSAFE = ("onnxruntime", "torch")


def start_method() -> str:
    """How workers start: forked from this process, unless it has loaded a model runtime; then spawned.

    The ``nianbao parse`` process never runs the model, so its workers are forked, which starts them in a
    tenth of a second less than spawning fresh interpreters (on 2 cores, 300 generated reports: first
    record after 0.11 s against 0.20 s); a library caller that has run the model first (a test, a
    notebook) gets spawned workers.
    """
    return "spawn" if any(name in sys.modules for name in _FORK_UNSAFE) else "fork"


def _outcome(future, limits: Limits) -> Outcome:
    try:
        return future.result()
    except FutureTimeout:
        return Outcome(f"over the time budget: not parsed in {limits.seconds:g} s (--timeout)")
    except ProcessExpired as error:
        memory = f"over the memory budget of {limits.megabytes} MB" if limits.megabytes else "out of memory"
        return Outcome(f"the worker process died while parsing it (exit code {error.exitcode}: {memory}, "
                       "or a crash in a native library)")
    except Exception as error:  # noqa: BLE001 - the outcome could not come back (it did not pickle...)
        return Outcome(f"parser failed: {type(error).__name__}: {error}")


def _threads_per_worker(workers: int) -> int:
    """The cores this process may use, shared out between the workers (at least one thread each)."""
    return max(1, len(os.sched_getaffinity(0)) // workers)


@dataclass
class _Worker:
    """What ``_start_worker`` settles for the files this process parses (in the batch process: nothing)."""

    threads: int = 0
    megabytes: int = 0
    labeller: object = None  # the shipped model, loaded at the first file that needs it (``_ModelOnFirstUse``)


_WORKER = _Worker()


class _ModelOnFirstUse:
    """The shipped model, loaded when a file first needs it: a worker whose files the rules all settle never
    loads it.  The memory budget is lifted while it loads and measured again from there, so the
    model's gigabyte of address space is the worker's cost, not the budget of the file that happened to
    need it first."""

    checkpoint = MODEL_DIR  # calibrated like the shipped model it is

    def label(self, doc, facts):
        from nianbao import pipeline

        if not pipeline.default_labeller.cache_info().currsize:
            with _uncapped(_WORKER.megabytes):
                pipeline.default_labeller(_WORKER.threads)
        return pipeline.default_labeller(_WORKER.threads).label(doc, facts)


def _start_worker(parent: int, system: str, threads: int, megabytes: int) -> None:
    """In a worker: load the rule layer, cap the memory, and exit when the batch process is gone.

    The model, if ``system`` uses it, is loaded by the first file the rules do not settle
    (``_ModelOnFirstUse``), with ``threads`` threads: a runtime's default is one thread per core in every
    process, and two workers on two cores then run four threads that get in each other's way (torch: 3.1
    reports/s against 6.3 with one thread each, ``benchmarks/bench_batch.py --system hybrid``, 160
    reports, two cores).

    A batch killed with SIGKILL (by hand, or by the kernel for memory) cannot stop its workers, and a
    worker waiting for work never sees its queue close, so without the watch it would wait forever.
    """
    _WORKER.threads, _WORKER.megabytes = threads, megabytes
    from nianbao import pipeline

    _WORKER.labeller = _ModelOnFirstUse() if system != "rules" else None
    try:
        pipeline.parse_document(normalise("warm-up", _WARM_UP_TEXT), "rules")
    except Exception:  # noqa: BLE001 - a problem of the parser itself shows again, named, on the first file
        pass
    if megabytes:
        _cap_address_space(megabytes)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


@contextmanager
def _uncapped(megabytes: int):
    """Lift the address-space cap for what runs inside, and cap again from the size it leaves."""
    if not megabytes:
        yield
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    try:
        yield
    finally:
        _cap_address_space(megabytes)


def _cap_address_space(megabytes: int) -> None:
    """Let this process's address space grow by ``megabytes`` from here, no more."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        size = int(statm.read().split()[0]) * resource.getpagesize()
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = size + megabytes * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))

