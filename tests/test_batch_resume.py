"""A run killed part-way resumes: same results as an uninterrupted run, no partial file, no file parsed twice
beyond the ones in flight when it was killed.

The killed run is a real process, ``python -m nianbao parse`` with two workers and the rule layer,
SIGKILLed once some outputs exist; the reference run and the rerun are the same command in this process.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nianbao.cli import main
from nianbao.paths import ROOT, SEEDS_DIR

pytestmark = pytest.mark.slow  # a killed real batch process and its resume

COPIES = 40
WORKERS = 2


def arguments(inputs: Path, out: Path) -> list[str]:
    return ["parse", str(inputs), "--out", str(out), "--system", "rules", "--workers", str(WORKERS),
            "--no-progress"]


def summary_counts(stdout: str) -> dict[str, int]:
    match = re.search(r"(\d+) files: (\d+) parsed, (\d+) skipped \(already done\), (\d+) failed", stdout)
    assert match, stdout
    return dict(zip(("files", "parsed", "skipped", "failed"), map(int, match.groups())))


def workers_exit(group: int, seconds: float = 10) -> bool:
    """Whether every process of the killed run's process group is gone within ``seconds`` (else kill them)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    os.killpg(group, signal.SIGKILL)
    return False


def outputs(out: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(out.glob("*.json"))}


def test_a_killed_run_resumes_to_the_results_of_an_uninterrupted_one(tmp_path, capsys):
    inputs = tmp_path / "reports"
    inputs.mkdir()
    seeds = sorted(SEEDS_DIR.glob("*.txt"))
    for index in range(COPIES):
        shutil.copyfile(seeds[index % len(seeds)], inputs / f"{index:02d}_{seeds[index % len(seeds)].name}")

    assert main(arguments(inputs, tmp_path / "reference")) == 0
    reference = outputs(tmp_path / "reference")
    assert len(reference) == COPIES

    out = tmp_path / "out"
    killed = subprocess.Popen([sys.executable, "-m", "nianbao", *arguments(inputs, out)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while len(list(out.glob("*.json"))) < 3 and killed.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    killed.send_signal(signal.SIGKILL)  # the batch process alone, as the kernel kills for memory
    killed.wait()
    assert killed.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    assert workers_exit(killed.pid), "the workers outlived the killed batch"

    written = outputs(out)
    assert 0 < len(written) < COPIES
    for name, text in written.items():  # whole or absent: every record on disk is complete
        assert text == reference[name]
    journal = [json.loads(line) for line in (out / ".nianbao-state.jsonl").read_text(encoding="utf-8").splitlines()
               if line.endswith("}")]

    capsys.readouterr()
    assert main(arguments(inputs, out)) == 0
    counts = summary_counts(capsys.readouterr().out)
    assert counts["skipped"] == len(journal)
    assert counts["parsed"] + counts["skipped"] == COPIES
    parsed_twice = counts["parsed"] - (COPIES - len(written))
    assert parsed_twice <= 2 * WORKERS  # only files in flight (two queued per worker) when the kill came
    assert outputs(out) == reference
    leftovers = sorted(path.name for path in out.iterdir() if path.suffix != ".json")
    assert leftovers == [".nianbao-lock", ".nianbao-state.jsonl", "errors.jsonl", "summary.html"]
    assert len((out / ".nianbao-state.jsonl").read_text(encoding="utf-8").splitlines()) == COPIES
