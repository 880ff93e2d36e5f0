"""The Label Studio ML backend through Flask's test client: health, setup, predict, and fit on webhooks."""
from __future__ import annotations

import json
import shutil

import pytest

from model.checkpoint_files import checkpoint_version
from training.features import example_document
from training.label_studio import SECTIONS, region
from training.ml_backend import STORE_FILE, Backend, create_app

from conftest import TINY_RETRAIN, report

pytestmark = pytest.mark.slow  # the backend serves and retrains a tiny model

NEWS = "本网讯 2020年12月1日，我局召开会议，200余人参加。\n"


@pytest.fixture
def backend(tmp_path, tiny_model):
    model = tmp_path / "model" / "checkpoint"
    shutil.copytree(tiny_model, model)
    return Backend(model, tmp_path / "store", fit_every=2, train_args=[*TINY_RETRAIN, "--force"], background=False)


def test_health_and_setup_give_the_model_version(backend):
    client = create_app(backend).test_client()
    version = f"hybrid-{checkpoint_version.__wrapped__(backend.model)}"
    health = client.get("/health").get_json()
    assert health["status"] == "UP" and health["model_version"] == version
    assert client.post("/setup", json={"project": "1.1700000000", "schema": "<View/>"}).get_json() == {
        "model_version": version}
    assert client.post("/train", json={"project": "1.1700000000"}).status_code == 400  # no annotations sent


def test_predict_serves_what_parse_reads_on_the_tasks_own_text(backend):
    client = create_app(backend).test_client()
    text = "𠮷" + report(3)["text"]  # a character outside the BMP first: offsets are code points
    response = client.post("/predict", json={"tasks": [{"id": 7, "data": {"text": text}}, {"id": 8, "data": {"text": NEWS}}]})
    assert response.status_code == 200
    report_prediction, news_prediction = response.get_json()["results"]
    assert report_prediction["model_version"] == backend.model_version
    assert report_prediction["result"], "the rule layer reads the tsv report's cells in the hybrid"
    for item in report_prediction["result"]:
        value = item["value"]
        assert text[value["start"]:value["end"]] == value["text"] and item["from_name"] in SECTIONS
        assert 0.0 <= item["score"] <= 1.0
    assert 0.5 < report_prediction["score"] <= 1.0
    assert news_prediction["result"] == [] and news_prediction["score"] == 0.0  # parse says "no report found"
    assert client.post("/predict", json={"task": []}).status_code == 400


def annotation_event(task_id: int, annotation_id: int, example: dict) -> dict:
    doc, spans = example_document(example)
    result = [region(span["key"], span["start"], span["end"], doc.norm) for span in spans if span["kind"] == "value"]
    return {"action": "ANNOTATION_CREATED", "project": {"id": 1},
            "task": {"id": task_id, "data": {"text": doc.norm}},
            "annotation": {"id": annotation_id, "task": task_id, "result": result, "was_cancelled": False}}


def test_webhooks_keep_annotations_and_fit_installs_through_the_gate_and_bumps_the_version(backend):
    client = create_app(backend).test_client()
    before = backend.model_version
    first = client.post("/webhook", json=annotation_event(1, 11, report(4, "lynx_rows")))
    assert first.status_code == 201 and first.get_json()["status"] == "stored"
    client.post("/webhook", json={"action": "ANNOTATIONS_DELETED", "annotations": [{"id": 11}]})
    kept = json.loads((backend.store / STORE_FILE).read_text(encoding="utf-8"))
    assert kept == [{"id": 1, "data": kept[0]["data"], "annotations": []}]
    assert client.post("/webhook", json={"action": "PROJECT_UPDATED"}).get_json()["status"] == "ignored"

    fitted = client.post("/webhook", json=annotation_event(2, 12, report(5, "lynx_rows"))).get_json()
    assert fitted["status"] == "fitted" and fitted["installed"] and fitted["exit"] == 0  # the second received
    assert [line.split()[:2] for line in fitted["gate"][1:5]] == [["seeds", "model"], ["seeds", "hybrid"],
                                                                 ["generated", "model"], ["generated", "hybrid"]]
    assert fitted["model_version"] == f"hybrid-{checkpoint_version.__wrapped__(backend.model)}" != before
    summary = json.loads((backend.store / "candidate" / "training_summary.json").read_text(encoding="utf-8"))
    assert len(summary["annotations"]["reports"]) == 1  # the deleted annotation is not trained on
    assert client.get("/health").get_json()["model_version"] == fitted["model_version"]
    prediction = client.post("/predict", json={"tasks": [{"id": 1, "data": {"text": NEWS}}]}).get_json()["results"][0]
    assert prediction["model_version"] == fitted["model_version"]
