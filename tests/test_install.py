"""A non-editable install works: the wheel carries the schema, the data and the shipped checkpoint, and the
installed ``nianbao parse`` reads a report with them, from outside the repository."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from nianbao.paths import REAL_DEV_DIR, ROOT, SEEDS_DIR


@pytest.mark.slow
def test_the_installed_wheel_parses_with_its_own_data_and_model(tmp_path):
    source, wheels, site = tmp_path / "source", tmp_path / "wheels", tmp_path / "site"
    # built from a copy: setuptools leaves a build/ folder in the tree it builds
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".*", "build", "*.egg-info", "__pycache__", "out",
                                                                 "runs", "work", "previous"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", str(source), "--no-deps", "--no-build-isolation", "-w", str(wheels)],
                   check=True, capture_output=True)
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), *map(str, wheels.glob("*.whl"))],
                   check=True, capture_output=True)
    reports = tmp_path / "reports"
    reports.mkdir()
    seed = sorted(SEEDS_DIR.glob("*.txt"))[0]
    shutil.copy(seed, reports)
    shutil.copy(REAL_DEV_DIR / "reports" / "pingtan-2025.txt", reports)  # the rules do not settle it: the model runs
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run([sys.executable, "-c", "import nianbao.paths as p; print(p.DATA_DIR, p.MODEL_DIR)"],
                           cwd=tmp_path, env=env, check=True, capture_output=True, text=True).stdout.split()
    assert all(path.startswith(str(site)) for path in where)
    subprocess.run([sys.executable, "-m", "nianbao", "parse", str(reports), "--out", str(tmp_path / "out"),
                    "--no-progress"], cwd=tmp_path, env=env, check=True, capture_output=True)

    gold = json.loads((ROOT / "data" / "gold" / f"{seed.stem}.json").read_text(encoding="utf-8"))["fields"]
    record = json.loads((tmp_path / "out" / f"{seed.stem}.json").read_text(encoding="utf-8"))
    assert record["fields"]["requests.new.total"]["value"] == gold["requests.new.total"] is not None
    pingtan = json.loads((tmp_path / "out" / "pingtan-2025.json").read_text(encoding="utf-8"))
    assert any(field["by"] in ("model", "both") for field in pingtan["fields"].values())
