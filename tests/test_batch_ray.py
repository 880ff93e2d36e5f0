"""``nianbao parse --engine ray`` writes what the local batch writes, byte for byte, on a real Ray cluster.

One local cluster of 2 CPUs is started for the module.  The inputs are generated reports of every layout
style, the seeds, real reports (text and PDF) and broken files; the local batch is the reference.  One run
is a separate ``python -m nianbao`` process that joins the cluster by ``--address``, as a run against a
cluster someone else started does; the others run in this process, on the cluster it started.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.cli import main
from nianbao.paths import REAL_DEV_DIR, ROOT, SEEDS_DIR

pytestmark = pytest.mark.slow  # a local Ray cluster

ray = pytest.importorskip("ray", reason="the Ray engine is the optional extra nianbao[ray]")

BROKEN = {
    "empty.txt": b"",
    "binary.txt": bytes(range(256)) * 8,
    "cut.docx": b"PK\x03\x04" + b"\x00" * 40,
    "cut.pdf": b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog",
    "news.txt": "新闻：今天召开了政务公开工作会议，会议强调要做好信息公开工作。\n".encode("utf-8"),
}


@pytest.fixture(scope="module")
def cluster():
    context = ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    yield context.address_info["address"]
    ray.shutdown()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ray-inputs")
    assert main(["generate", "--n", "28", "--styles", "all", "--seed", "4242", "--out", str(folder / "gen")]) == 0
    shutil.rmtree(folder / "gen" / "gold")
    shutil.rmtree(folder / "gen" / "spans")
    for path in [*SEEDS_DIR.glob("*.txt"), *(REAL_DEV_DIR / "reports").glob("pingtan-202[0-2].txt"),
                 REAL_DEV_DIR / "reports" / "hongze-2023.pdf"]:
        shutil.copy(path, folder / path.name)
    for name, data in BROKEN.items():
        (folder / "broken" / name).parent.mkdir(exist_ok=True)
        (folder / "broken" / name).write_bytes(data)
    return folder


def parse(inputs: Path, out: Path, *options: str) -> int:
    return main(["parse", str(inputs), "--out", str(out), "--no-progress", *options])


def contents(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too: the resume journal) by its relative path; the summary
    page names the folder it is in, which is the one difference between two runs' pages."""
    return {path.relative_to(folder).as_posix(): path.read_bytes().replace(str(folder).encode(), b"OUT_DIR")
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_a_hybrid_run_on_a_running_cluster_writes_the_local_batchs_files(cluster, inputs, tmp_path):
    assert parse(inputs, tmp_path / "local") == 1
    joined = subprocess.run([sys.executable, "-m", "nianbao", "parse", str(inputs), "--out", str(tmp_path / "ray"),
                             "--engine", "ray", "--address", cluster, "--no-progress"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert joined.returncode == 1, joined.stderr
    local, distributed = contents(tmp_path / "local"), contents(tmp_path / "ray")
    assert len([name for name in local if name.endswith(".json")]) == 28 + 5 + 4
    assert distributed == local
    reasons = {Path(error["source"]).name: error["reason"] for error in map(json.loads, local["errors.jsonl"]
                                                                            .decode().splitlines())}
    assert set(reasons) == set(BROKEN)
    assert reasons["empty.txt"] == "the file is empty"
    assert reasons["news.txt"].startswith("no report found")
    assert "37 parsed, 0 skipped (already done), 5 failed" in joined.stdout


@pytest.mark.parametrize("output_format", ["parquet", "csv", "jsonl"])
def test_collection_files_are_the_local_batchs(cluster, inputs, tmp_path, output_format):
    options = ("--system", "rules", "--format", output_format)
    assert parse(inputs, tmp_path / "local", *options) == 1
    assert parse(inputs, tmp_path / "ray", *options, "--engine", "ray") == 1
    assert contents(tmp_path / "ray") == contents(tmp_path / "local")


def test_a_rerun_skips_what_is_done_by_content_and_parses_what_changed(cluster, inputs, tmp_path, capsys):
    changed = tmp_path / "in"
    shutil.copytree(inputs, changed)
    out = tmp_path / "out"
    assert parse(changed, out, "--system", "rules") == 1  # the local batch's journal, resumed by Ray
    capsys.readouterr()
    seed = changed / "000_2e827ae39ac43e7f.txt"
    seed.write_bytes(seed.read_bytes() + b"\n")
    assert parse(changed, out, "--system", "rules", "--engine", "ray") == 1
    assert "1 parsed, 36 skipped (already done), 5 failed" in capsys.readouterr().out
    assert json.loads((out / "000_2e827ae39ac43e7f.json").read_text(encoding="utf-8"))["source"] == str(seed)
