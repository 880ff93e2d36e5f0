"""The shipped checkpoint holds the figures the README and the model card publish for it.

A checkpoint installed past the gate, or a change of decoding, placement or calibration, that reads the
seeds or the real development reports worse fails here, not only in the gate's own comparison.
"""
import json

import pytest

from nianbao.cli import main
from nianbao.paths import GOLD_DIR, REAL_DEV_DIR, SEEDS_DIR


def _figures(capsys, tmp_path, gold, inputs) -> dict:
    out = tmp_path / "scores.json"
    assert main(["evaluate", "--gold", str(gold), *map(str, inputs), "--compare", "--json", str(out)]) == 0
    capsys.readouterr()
    systems = json.loads(out.read_text())["systems"]
    return {name: system["summary"] for name, system in systems.items()}


def test_the_shipped_model_reads_the_seeds_as_published(capsys, tmp_path):
    figures = _figures(capsys, tmp_path, GOLD_DIR, [SEEDS_DIR])
    assert figures["model"]["fields"]["right"] >= 988 and figures["model"]["fields"]["total"] == 990
    assert figures["hybrid"]["fields"]["right"] == figures["rules"]["fields"]["right"] == 990


@pytest.mark.slow
def test_the_shipped_model_reads_real_dev_as_published(capsys, tmp_path):
    figures = _figures(capsys, tmp_path, REAL_DEV_DIR / "gold", [REAL_DEV_DIR / "reports"])
    assert figures["model"]["nonzero"]["right"] >= 504 and figures["model"]["nonzero"]["total"] == 536
    assert figures["hybrid"]["fields"]["right"] == figures["hybrid"]["fields"]["total"] == 3107
