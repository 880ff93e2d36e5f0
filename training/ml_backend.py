"""``nianbao ml-backend``: a Label Studio ML backend serving nianbao's pre-annotations and retraining on annotations.

    nianbao ml-backend --model model/checkpoint --store annotations/ --port 9090
    # Label Studio: project Settings > Model > Connect model, URL http://127.0.0.1:9090

Label Studio's own ``label-studio-ml`` package (1.0.9, the one on PyPI) pins Flask 1.1.2, Jinja2 3.0.3
and Werkzeug 2.0.2 and imports ``redis`` without declaring it, so it cannot live beside nianbao's
packages; this module serves the routes Label Studio calls with Flask instead:

- ``GET /health``: ``{"status": "UP", "model_version"}`` (Label Studio checks it before connecting);
- ``POST /setup``: the project connects; answers the model version;
- ``POST /predict``: ``{"tasks": [...]}`` -> ``{"results": [prediction per task]}``, each what ``nianbao parse``
  reads (``training.export.PreAnnotator``), regions on the task's own text;
- ``POST /webhook``: Label Studio's webhook events.  ``ANNOTATION_CREATED`` / ``UPDATED`` keep the annotation
  with its task in ``STORE/annotations.json`` (a Label Studio JSON export), ``ANNOTATIONS_DELETED`` drops
  it; after every ``--fit-every`` new annotations, and on ``START_TRAINING``, ``fit`` runs;
- ``POST /train``: what "Start training" sends when Label Studio's webhook flag is off, every annotated
  task of the project: they replace the store, and ``fit`` runs.

``fit`` is ``nianbao train --annotations STORE/annotations.json --installed MODEL --install``: the recipe
of ``training.retrain``, then the regression gate, which installs the new checkpoint into ``MODEL`` only if
no figure gets worse.  An installed checkpoint changes the model version every prediction carries (the
weights' fingerprint).  Fitting takes minutes, so a webhook starts it in a thread and answers at once; one
fit runs at a time, and annotations that arrive meanwhile are fitted on by the next.
"""
from __future__ import annotations

import argparse
import json
import shlex
import threading
from pathlib import Path

from nianbao.paths import MODEL_DIR

STORE_FILE = "annotations.json"
FIT_EVERY = 3
STORED_ACTIONS = ("ANNOTATION_CREATED", "ANNOTATION_UPDATED")


class Backend:
    """The model behind the routes: predictions from ``model``, annotations kept in ``store``, fits through the gate."""

    def __init__(self, model: Path = MODEL_DIR, store: Path = Path("annotations"), fit_every: int = FIT_EVERY,
                 train_args: list[str] = (), background: bool = True):
        from training.export import PreAnnotator

        self.model, self.store, self.fit_every = Path(model), Path(store), fit_every
        self.train_args, self.background = list(train_args), background
        self.store.mkdir(parents=True, exist_ok=True)
        self.annotator = PreAnnotator(self.model)
        self.lock = threading.Lock()  # the store and the annotator
        self.fitting = threading.Lock()  # one fit at a time
        self.unfitted = 0  # annotations received since the last fit started
        self.last_fit: dict | None = None

    @property
    def model_version(self) -> str:
        return self.annotator.version

    def predict(self, tasks: list[dict]) -> list[dict]:
        from nianbao.text import normalise
        from training.label_studio import TO_NAME, prediction

        results = []
        for task in tasks:
            text = (task.get("data") or {}).get(TO_NAME)
            if not isinstance(text, str):
                results.append({"result": [], "score": 0.0, "model_version": self.model_version})
                continue
            with self.lock:
                spans, version, score, _ = self.annotator.prediction(
                    normalise(str(task.get("data", {}).get("source") or task.get("id", "task")), text))
            results.append(prediction(text, spans, version, score))
        return results

    def tasks(self) -> dict[str, dict]:
        """Task id -> task with its annotations, as kept in the store."""
        path = self.store / STORE_FILE
        return {str(task["id"]): task for task in json.loads(path.read_text(encoding="utf-8"))} if path.is_file() else {}

    def _save(self, tasks: dict[str, dict]) -> None:
        path = self.store / STORE_FILE
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(list(tasks.values()), ensure_ascii=False), encoding="utf-8")
        temporary.replace(path)

    def webhook(self, event: dict) -> dict:
        """Keep or drop the annotation an event is about; start a fit when due.  What was done, for the answer."""
        action = event.get("action")
        with self.lock:
            tasks = self.tasks()
            if action in STORED_ACTIONS and isinstance(event.get("task"), dict) and isinstance(event.get("annotation"), dict):
                task, annotation = event["task"], event["annotation"]
                kept = tasks.setdefault(str(task["id"]), {"id": task["id"], "data": task.get("data", {}),
                                                          "annotations": []})
                kept["annotations"] = [a for a in kept["annotations"] if a.get("id") != annotation.get("id")]
                kept["annotations"].append(annotation)
                self.unfitted += 1
            elif action == "ANNOTATIONS_DELETED":
                gone = {item.get("id") for item in event.get("annotations") or []}
                for task in tasks.values():
                    task["annotations"] = [a for a in task["annotations"] if a.get("id") not in gone]
            elif action != "START_TRAINING":
                return {"status": "ignored", "action": action}
            self._save(tasks)
            due = action == "START_TRAINING" or (action in STORED_ACTIONS and self.unfitted >= self.fit_every)
        if not due:
            return {"status": "stored", "action": action, "unfitted": self.unfitted}
        return self._start_fit({"action": action})

    def train(self, tasks: list[dict]) -> dict:
        """Label Studio's older "Start training" call: every annotated task of the project is sent; keep them, fit."""
        with self.lock:
            self._save({str(task["id"]): task for task in tasks if isinstance(task, dict) and "id" in task})
        return self._start_fit({})

    def _start_fit(self, answer: dict) -> dict:
        """Fit in a thread (the caller answers Label Studio at once), or here when not ``background``."""
        if self.background:
            threading.Thread(target=self.fit, daemon=True).start()
            return {**answer, "status": "fit started"}
        return {**answer, "status": "fitted", **self.fit()}

    def fit(self) -> dict:
        """Retrain on every kept annotation and install through the gate; what the gate said and the version now."""
        from nianbao.cli import main as nianbao
        from training.export import PreAnnotator

        with self.fitting:
            with self.lock:
                self.unfitted = 0
            candidate = self.store / "candidate"
            status = nianbao(["train", "--annotations", str(self.store / STORE_FILE), "--installed", str(self.model),
                              "--out", str(candidate), "--install", *self.train_args])
            summary_file = candidate / "training_summary.json"
            summary = json.loads(summary_file.read_text(encoding="utf-8")) if status in (0, 1) and \
                summary_file.is_file() else {}
            with self.lock:
                self.annotator = PreAnnotator(self.model)
            self.last_fit = {"exit": status, "installed": status == 0, "gate": summary.get("gate", {}).get("lines", []),
                             "model_version": self.model_version}
            return self.last_fit


def create_app(backend: Backend):
    """The Flask app serving ``backend`` on Label Studio's ML backend routes."""
    from flask import Flask, jsonify, request

    app = Flask("nianbao.ml_backend")

    @app.get("/health")
    @app.get("/")
    def health():
        return jsonify({"status": "UP", "model_class": "nianbao", "model_version": backend.model_version,
                        "last_fit": backend.last_fit})

    @app.post("/setup")
    def setup():
        return jsonify({"model_version": backend.model_version})

    @app.post("/predict")
    def predict():
        payload = request.get_json(silent=True) or {}
        tasks = payload.get("tasks")
        if not isinstance(tasks, list):
            return jsonify({"error": "expected {\"tasks\": [...]}"}), 400
        return jsonify({"results": backend.predict(tasks), "model_version": backend.model_version})

    @app.post("/train")
    def train():
        payload = request.get_json(silent=True) or {}
        if not isinstance(payload.get("annotations"), list):
            return jsonify({"error": "expected {\"annotations\": [tasks with their annotations]}"}), 400
        return jsonify(backend.train(payload["annotations"])), 201

    @app.post("/webhook")
    def webhook():
        event = request.get_json(silent=True)
        if not isinstance(event, dict):
            return jsonify({"error": "expected a JSON object with an action"}), 400
        return jsonify(backend.webhook(event)), 201

    return app


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s, this machine only)")
    parser.add_argument("--port", type=int, default=9090, help="port (default: %(default)s)")
    parser.add_argument("--model", type=Path, default=MODEL_DIR,
                        help="the checkpoint that predicts, and that a fit replaces if the gate passes (default: %(default)s)")
    parser.add_argument("--store", type=Path, default=Path("annotations"),
                        help="folder for the annotations received and the fits' candidates (default: %(default)s)")
    parser.add_argument("--fit-every", type=int, default=FIT_EVERY, metavar="N",
                        help="fit after every N new annotations (default: %(default)s; START_TRAINING fits at once)")
    parser.add_argument("--train-args", default="", metavar="'OPTIONS'",
                        help="more `nianbao train` options for each fit, e.g. '--steps 150 --gate-reports 5'")


def run(args: argparse.Namespace) -> int:
    from waitress import serve

    backend = Backend(args.model, args.store, args.fit_every, shlex.split(args.train_args))
    print(f"nianbao ml-backend: {backend.model_version} on http://{args.host}:{args.port} (store {args.store})", flush=True)
    serve(create_app(backend), host=args.host, port=args.port, threads=4)
    return 0
