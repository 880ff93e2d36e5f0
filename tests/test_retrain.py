"""Retraining end to end at toy scale: export tasks, annotate them, import, fine-tune, gate, install.

The "installed" model is a tiny BERT trained for a few steps on two generated reports, in a temporary
folder standing in for model/checkpoint; nothing under model/ is touched.
"""
from __future__ import annotations

import json
import shutil

import pytest

from evaluate.scoring import Tally
from model.checkpoint_files import checkpoint_version
from model.inference import Labeller
from model.network import ONNX_FILE
from model.onnx_network import OnnxNetwork
from nianbao.cli import main
from training.features import example_document
from training.gate import Figure, Verdict, install
from training.label_studio import region
from training.train import train

from conftest import STRIDE, TINY_RETRAIN, report


def with_rare_name(example: dict) -> dict:
    """The report with a CJK Extension B character (two UTF-16 units) before everything, spans shifted."""
    spans = [{**span, "start": span["start"] + 1, "end": span["end"] + 1} for span in example["spans"]]
    return {**example, "text": "𠮷" + example["text"], "spans": spans}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, tiny_model):
    root = tmp_path_factory.mktemp("retrain")
    installed = root / "model" / "checkpoint"
    shutil.copytree(tiny_model, installed)
    return root, installed


def annotate(task: dict, truth: list[dict]) -> dict:
    """What an annotator does in Label Studio: keep the pre-annotated regions that are right, delete the
    wrong ones, draw the missing ones (in code points, as Label Studio counts); the export then holds it."""
    text = task["data"]["text"]
    right = {(span["start"], span["end"], span["key"]) for span in truth}
    kept = [item for item in task["predictions"][0]["result"]
            if (item["value"]["start"], item["value"]["end"], item["value"]["labels"][0]) in right]
    drawn = {(item["value"]["start"], item["value"]["end"]) for item in kept}
    result = kept + [region(span["key"], span["start"], span["end"], text) for span in truth
                     if (span["start"], span["end"]) not in drawn]
    return {**task, "annotations": [{"id": 1, "result": result, "was_cancelled": False}]}


@pytest.mark.slow
def test_export_annotate_import_train_gate_install(workspace, capsys):
    root, installed = workspace
    examples = [with_rare_name(report(2, "lynx_rows")), report(3, "lynx_rows")]
    (root / "reports").mkdir()
    for number, example in enumerate(examples):
        (root / "reports" / f"r{number}.txt").write_text(example["text"], encoding="utf-8")

    assert main(["export-tasks", str(root / "reports"), "--out", str(root / "tasks.json"),
                 "--model", str(installed)]) == 0
    tasks = json.loads((root / "tasks.json").read_text(encoding="utf-8"))
    assert [task["data"]["source"] for task in tasks] == [str(root / "reports" / "r0.txt"), str(root / "reports" / "r1.txt")]
    assert tasks[0]["predictions"][0]["model_version"] == f"hybrid-{checkpoint_version(installed)}"
    truths = [[span for span in example_document(example)[1] if span["kind"] == "value"] for example in examples]
    exported = [annotate(task, truth) for task, truth in zip(tasks, truths)]
    (root / "export.json").write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")

    # a gold file whose report prints the 行政处罚 row twice
    gold_example = report(4)
    text = gold_example["text"]
    row_start = text.index("\n行政处罚\t")
    row_end = text.index("\n", row_start + 1)
    (root / "gold").mkdir()
    (root / "gold" / "twice.txt").write_text(text[:row_end] + text[row_start:row_end] + text[row_end:], encoding="utf-8")
    (root / "gold" / "twice.json").write_text(json.dumps(gold_example["gold"], ensure_ascii=False), encoding="utf-8")

    capsys.readouterr()
    status = main(["train", "--annotations", str(root / "export.json"), str(root / "gold" / "twice.json"),
                   "--installed", str(installed), "--out", str(root / "new"), "--install", *TINY_RETRAIN])
    out = capsys.readouterr().out
    assert "the rule layer reads it at 2 places" in out and "twice.json" in out

    summary = json.loads((root / "new" / "training_summary.json").read_text(encoding="utf-8"))
    assert summary["annotations"]["spans"] == sum(len(truth) for truth in truths)
    assert len(summary["annotations"]["reports"]) == 2 and summary["annotations"]["generated"] == 2
    assert summary["base_model"] == str(installed) and summary["steps"] > 0
    card = (root / "new" / "README.md").read_text(encoding="utf-8")
    assert "## Regression gate" in card and "reads it at 2 places" in card
    lines = summary["gate"]["lines"]
    assert [line.split()[:2] for line in lines[1:5]] == [["seeds", "model"], ["seeds", "hybrid"],
                                                        ["generated", "model"], ["generated", "hybrid"]]
    new_version = checkpoint_version.__wrapped__(root / "new")
    if summary["gate"]["accepted"]:
        assert status == 0 and lines[-1] == "gate: passed"
        assert (installed / "model.safetensors").read_bytes() == (root / "new" / "model.safetensors").read_bytes()
        assert isinstance(Labeller.load(installed).network, OnnxNetwork)  # its graph exported at install
        assert (installed / "README.md").is_file()
        assert list((root / "model" / "previous").iterdir()) != []
    else:
        verdict = next(line for line in lines if line.startswith("gate: "))
        assert status == 1 and verdict.startswith("gate: refused") and "not installed" in out
        assert lines[-1].startswith("try: ")  # what to try next
        assert checkpoint_version.__wrapped__(installed) != new_version


@pytest.mark.slow
def test_the_imported_spans_are_the_annotators(workspace, tmp_path):
    from training.annotations import load_annotations

    example = with_rare_name(report(5, "lynx_rows"))
    doc, spans = example_document(example)
    truth = [span for span in spans if span["kind"] == "value"]
    task = annotate({"data": {"text": doc.norm}, "predictions": [{"result": []}]}, truth)
    (tmp_path / "export.json").write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    [imported] = load_annotations([tmp_path / "export.json"]).examples
    assert imported["spans"] == truth and imported["text"] == doc.norm


def test_a_figure_that_drops_refuses_and_a_tie_passes():
    tie = Figure("seeds", "model", Tally(9, 10), Tally(9, 10))
    better = Figure("generated", "hybrid", Tally(8, 10), Tally(9, 10))
    worse = Figure("generated", "model", Tally(95, 100), Tally(94, 100))
    assert Verdict([tie, better], {}).accepted
    verdict = Verdict([tie, better, worse], {"model": {"tsv": (Tally(5, 10), Tally(4, 10))}})
    assert not verdict.accepted
    assert verdict.lines()[3].endswith("WORSE") and "tsv 50.0->40.0" in verdict.lines()[4]
    assert verdict.lines()[5] == "gate: refused (a figure got worse)"
    assert verdict.lines()[6:] == ["try: the model forgot some of what it read: fewer --steps or a lower "
                                   "--learning-rate, or more --generated-per-annotated (generated reports rehearse "
                                   "the layouts it already reads)"]
    assert Verdict([Figure("seeds", "model", None, Tally(0, 10))], {}).accepted  # nothing installed before


@pytest.mark.slow
def test_install_keeps_the_replaced_checkpoint(workspace, tmp_path):
    _, installed = workspace
    target = tmp_path / "model" / "checkpoint"
    shutil.copytree(installed, target)
    (target / "calibration.json").write_text("{}", encoding="utf-8")
    old_version = checkpoint_version.__wrapped__(target)
    new = tmp_path / "new"
    train([report(6)], {}, new, base_model=str(installed), stride=int(STRIDE), epochs=1, batch_size=16,
          learning_rate=1e-2, log=lambda message: None)
    kept = install(new, target)
    assert kept == tmp_path / "model" / "previous" / old_version
    assert checkpoint_version.__wrapped__(kept) == old_version
    assert (target / "model.safetensors").read_bytes() == (new / "model.safetensors").read_bytes()
    assert not (new / ONNX_FILE).exists() and isinstance(Labeller.load(target).network, OnnxNetwork)  # exported
    assert (target / "calibration.json").is_file()  # inherited until refitted, and part of its version:
    assert checkpoint_version.__wrapped__(target) not in (old_version, checkpoint_version.__wrapped__(new))
    assert [path.name for path in (tmp_path / "model" / "previous").iterdir()] == [old_version]


def test_training_from_scratch_refuses_to_overwrite_the_installed_model(tmp_path, capsys):
    installed = tmp_path / "installed"
    status = main(["train", "--out", str(installed), "--installed", str(installed), "--train-reports", "1"])
    assert status == 2
    assert "must not be the installed checkpoint" in capsys.readouterr().err
    assert not installed.exists()


def test_the_gate_scores_every_real_dev_source_apart():
    from training.gate import gate_reports

    real = gate_reports(per_style=0)["real-dev"]
    assert len(real) == 16
    assert {report.group for report in real} == {"Hebei", "Hongze", "Huaian", "Pingtan"}
    assert any(report.ambiguous for report in real)  # AMBIGUOUS.txt's fields are scored apart


def test_a_real_source_that_reads_worse_refuses_the_checkpoint():
    figures = [Figure("generated", "model", Tally(90, 100), Tally(99, 100)),
               Figure("real-dev Huaian", "model", Tally(192, 200), Tally(184, 200))]
    verdict = Verdict(figures, {})
    assert not verdict.accepted
    assert any("a real source reads worse" in line for line in verdict.lines())
