"""``nianbao parse`` against hostile inputs: every bad path named with its reason, the good reports parsed.

The batch runs the real rule layer in its worker process (the default: every file under a time and a
memory budget), beside copies of a seed report.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys

import pytest

from nianbao import confidence
from nianbao.cli import main
from nianbao.paths import ROOT, SEEDS_DIR

SEED = SEEDS_DIR / "000_2e827ae39ac43e7f.txt"


def parse(*argv) -> int:
    return main(["parse", *map(str, argv), "--system", "rules", "--no-progress"])


def errors_of(out) -> dict[str, str]:
    return {os.path.basename(entry["source"]): entry["reason"]
            for entry in map(json.loads, (out / "errors.jsonl").read_text(encoding="utf-8").splitlines())}


def test_paths_that_are_not_regular_files_are_named_and_never_opened(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "good.txt")
    os.mkfifo(folder / "fifo.txt")  # opening it would block the batch forever
    os.symlink("/dev/zero", folder / "zero.txt")  # reading it would fill the memory
    os.symlink("loop-b.txt", folder / "loop-a.txt")
    os.symlink("loop-a.txt", folder / "loop-b.txt")
    shutil.copy(SEED, tmp_path / "elsewhere.txt")
    os.symlink(tmp_path / "elsewhere.txt", folder / "link.txt")  # followed once: read
    os.symlink("link.txt", folder / "chain.txt")
    out = tmp_path / "out"
    assert parse(folder, "--out", out) == 1
    assert sorted(path.name for path in out.glob("*.json")) == ["good.json", "link.json"]
    assert errors_of(out) == {
        "chain.txt": "a symlink to a symlink: a symlink is followed once, not along a chain",
        "fifo.txt": "not a regular file (a FIFO): only regular files are read",
        "loop-a.txt": "a symlink loop",
        "loop-b.txt": "a symlink loop",
        "zero.txt": "not a regular file (a device): only regular files are read",
    }


def test_a_file_name_that_is_not_utf8_is_parsed_and_written_exactly(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsdecode(b"report-\xff.txt")
    shutil.copy(SEED, folder / name)
    out = tmp_path / "out"
    assert parse(folder, "--out", out, "--format", "csv") == 0
    record = json.loads((out / ".nianbao-records" / os.fsdecode(b"report-\xff.json")).read_text(encoding="utf-8"))
    assert record["source"] == str(folder / name)  # the JSON escape reads back as the same name
    assert (out / "reports.csv").read_text(encoding="utf-8-sig").count("report-\\xff.txt") == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder whatever its permissions")
def test_a_folder_that_cannot_be_listed_is_named(tmp_path):
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    shutil.copy(SEED, folder / "good.txt")
    (folder / "locked").chmod(0)
    try:
        assert parse(folder, "--out", tmp_path / "out") == 1
    finally:
        (folder / "locked").chmod(0o700)
    assert errors_of(tmp_path / "out") == {"locked": "cannot list the folder: Permission denied"}


def test_a_file_over_the_time_budget_is_listed_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "a.txt")
    # A line of 600,000 cells: over two seconds for the rule layer.
    (folder / "b.txt").write_text(SEED.read_text(encoding="utf-8") + " | ".join(["12"] * 600_000) + "\n",
                                  encoding="utf-8")
    shutil.copy(SEED, folder / "c.txt")
    out = tmp_path / "out"
    assert parse(folder, "--out", out, "--timeout", "0.5") == 1
    assert sorted(path.name for path in out.glob("*.json")) == ["a.json", "c.json"]
    assert errors_of(out) == {"b.txt": "over the time budget: not parsed in 0.5 s (--timeout)"}


def test_a_file_over_the_memory_budget_is_listed_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "a.txt")
    (folder / "b.txt").write_text("政府信息公开" * 1_000_000, encoding="utf-8")  # 6 million characters
    shutil.copy(SEED, folder / "c.txt")
    out = tmp_path / "out"
    assert parse(folder, "--out", out, "--max-memory", "100") == 1
    assert sorted(path.name for path in out.glob("*.json")) == ["a.json", "c.json"]
    assert errors_of(out)["b.txt"].startswith("over the memory budget")


def test_a_file_over_the_size_cap_is_refused_unread(tmp_path):
    (tmp_path / "big.txt").write_bytes(b"1" * (2 * 2**20 + 1))
    out = tmp_path / "out"
    assert parse(tmp_path / "big.txt", "--out", out, "--max-size", "2") == 1
    assert errors_of(out) == {"big.txt": "too large: 2 MB, over the --max-size cap of 2 MB (refused unread)"}


def test_a_second_run_into_a_folder_in_use_is_refused(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".nianbao-lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("pid 12345\n")
        held.flush()
        assert parse(SEED, "--out", out) == 2
    assert "another nianbao parse run (pid 12345) is writing to this folder" in capsys.readouterr().err
    assert not (out / "errors.jsonl").exists()
    assert parse(SEED, "--out", out) == 0  # the lock released, the folder is free


def test_a_damaged_calibration_is_one_error_before_any_file(tmp_path, monkeypatch, capsys):
    (tmp_path / "calibration.json").write_text('{"systems": {"rules": {"intercept": 1.0, "coef": [', encoding="utf-8")
    monkeypatch.setattr(confidence, "MODEL_DIR", tmp_path)
    confidence.load_calibration.cache_clear()
    try:
        assert parse(SEED, "--out", tmp_path / "out") == 2
    finally:
        confidence.load_calibration.cache_clear()
    err = capsys.readouterr().err
    assert err.count("damaged calibration file") == 1 and not (tmp_path / "out" / "errors.jsonl").exists()


def test_a_checkpoint_without_weights_is_named(tmp_path):
    from model.inference import Labeller

    shutil.copy(ROOT / "model" / "checkpoint" / "config.json", tmp_path / "config.json")
    with pytest.raises(FileNotFoundError, match=f"the model checkpoint {tmp_path} has no model.safetensors"):
        Labeller.load(tmp_path)


def test_no_progress_bar_or_library_warning_when_stderr_is_not_a_terminal(tmp_path):
    """The default system loads the model in its worker; nothing of it reaches a captured stderr."""
    run = subprocess.run([sys.executable, "-m", "nianbao", "parse", str(SEED), "--out", str(tmp_path / "out")],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
