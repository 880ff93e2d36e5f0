"""``nianbao parse --engine ray``: the files of a batch parsed on Ray Data, for more than one machine takes.

Only the parsing moves to Ray.  The batch process (``nianbao.batch.run``) still expands the INPUTs,
decides by content hash and parser version what a rerun skips, writes every record, the collection
files and ``errors.jsonl``: the outputs are the local batch's, byte for byte.

Ray reads each file's bytes (``read_binary_files``), so the files must be where the cluster's nodes can
read them (a shared folder at the same path, or cloud storage); ``map_batches`` hands them to a pool of
``ReportParser`` actors, each of which loads the model once and parses file after file.  A document that
cannot be read or parsed comes back as a row with its reason, never as an exception: Ray fails the whole
dataset at the first errored block (``DataContext.max_errored_blocks`` is 0), and one bad file must not
cost a batch of thousands.  Ray gives every actor its CPUs and sets ``OMP_NUM_THREADS`` to their number,
so torch in an actor uses as many threads as it was given cores.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import ray
import ray.data

from nianbao.batch import Job
from nianbao.workers import Outcome, parse_report, write_record

# Files per call of an actor, and per read task.  Every read task is a Ray task of its own, scheduled and
# started apart, so each reads many files (160 rules reports on 2 actors: 60 s in read tasks of 4 files,
# 9.7 s in tasks of 64 on a busy machine); an actor call costs little.
BATCH_SIZE = 4
FILES_PER_READ = 64


class ReportParser:
    """A Ray Data actor: the model loaded once, then ``{bytes, path}`` batches in, a record or reason out.

    The readers dispatch on a file's suffix and some (python-docx, pdfplumber) read from a path, so each
    file's bytes are parsed from a copy of the same name in the actor's own scratch folder; the batch
    process names the record's ``source`` as the INPUT named it.
    """

    def __init__(self, system: str):
        from nianbao import pipeline

        self.system = system
        if system != "rules":
            pipeline.default_labeller()
        self.scratch = Path(tempfile.mkdtemp(prefix="nianbao-ray-"))

    def __call__(self, batch: dict) -> dict:
        records, reasons = [], []
        for data, path in zip(batch["bytes"], batch["path"]):
            outcome = self.parse(bytes(data), Path(str(path)).name)
            records.append(None if isinstance(outcome, Outcome) else json.dumps(outcome.to_json(),
                                                                                 ensure_ascii=False))
            reasons.append(outcome.reason if isinstance(outcome, Outcome) else None)
        return {"path": list(batch["path"]), "record": records, "reason": reasons}

    def parse(self, data: bytes, name: str):
        copy = self.scratch / name
        try:
            copy.write_bytes(data)
        except OSError as error:
            return Outcome(f"cannot copy the file to the Ray worker: {error.strerror or error}")
        try:
            return parse_report(str(copy), self.system)
        finally:
            copy.unlink(missing_ok=True)

    def __del__(self):
        shutil.rmtree(getattr(self, "scratch", ""), ignore_errors=True)


def parse_jobs(jobs: list[Job], system: str, address: str | None = None, actors: int | None = None,
               progress: bool = True) -> Iterator[tuple[Job, Outcome]]:
    """Yield (job, outcome) for every job, in the jobs' order, its record written by this process.

    ``address`` is a running cluster's (``ray://…`` or ``host:port``); without one a local cluster is
    started on this machine's cores (and stopped at the end).  ``actors`` parser actors of one CPU each
    (default: one per CPU of the cluster).
    """
    if not jobs:
        return
    started = not ray.is_initialized()
    if started:
        ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    try:
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # records and errors in the local batch's order
        context.enable_progress_bars = progress
        logging.getLogger("ray.data").setLevel(logging.INFO if progress else logging.WARNING)
        by_path = {os.path.abspath(job.path): job for job in jobs}
        actors = min(len(jobs), actors or max(1, int(ray.cluster_resources().get("CPU", 1))))
        blocks = max(actors, len(jobs) // FILES_PER_READ)
        # Reading takes no CPU of its own: with one actor per CPU, a read that waited for a free CPU
        # would wait for ever (the actors hold them all and wait for its bytes).
        dataset = ray.data.read_binary_files(list(by_path), include_paths=True, num_cpus=0,
                                             override_num_blocks=blocks)
        parsed = dataset.map_batches(ReportParser, fn_constructor_kwargs={"system": system},
                                     batch_size=BATCH_SIZE, compute=ray.data.ActorPoolStrategy(size=actors),
                                     num_cpus=1, batch_format="numpy")
        for row in parsed.iter_rows():
            job = by_path[row["path"]]
            if row["reason"] is not None:
                yield job, Outcome(row["reason"])
                continue
            record = json.loads(row["record"])
            record["source"] = str(job.path)
            yield job, write_record(job.record, record)
    finally:
        if started:
            ray.shutdown()
