"""The ONNX Runtime network: an export reads like torch, a stale graph is refused, and ``parse`` reads
with it without importing torch or transformers."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch
from transformers import BertConfig, BertForTokenClassification

from model.inference import Labeller
from model.labels import label_list
from model.network import ONNX_FILE
from model.onnx_export import export_onnx
from model.onnx_network import OnnxNetwork
from model.tokenizer import build_char_tokenizer
from model.torch_network import TorchNetwork
from nianbao.paths import REAL_DEV_DIR, SEEDS_DIR
from nianbao.pipeline import parse_document
from nianbao.readers import read_document

TEXT = "二、主动公开政府信息情况\n\t规章\t12\t3\t45\n\t规范性文件\t6 | 0 | 78\n" * 6


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    """A tiny random BERT token classifier saved as a checkpoint folder, with its graph exported."""
    path = tmp_path_factory.mktemp("tiny")
    labels = label_list("roles")
    tokenizer = build_char_tokenizer([TEXT])
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, num_labels=len(labels),
                        id2label=dict(enumerate(labels)), label2id={label: i for i, label in enumerate(labels)})
    BertForTokenClassification(config).save_pretrained(path, safe_serialization=True)
    tokenizer.save_pretrained(path)
    export_onnx(path)
    return path


def test_the_export_reads_every_window_like_torch(checkpoint):
    onnx, eager = Labeller.load(checkpoint, runtime="onnx"), Labeller.load(checkpoint, runtime="torch")
    assert isinstance(onnx.network, OnnxNetwork) and isinstance(eager.network, TorchNetwork)
    assert isinstance(Labeller.load(checkpoint).network, OnnxNetwork)  # the default where a graph is exported
    a, b = onnx.predict_tokens(TEXT), eager.predict_tokens(TEXT)
    assert len(a.label_ids) > 3 * onnx.max_length  # several windows
    assert np.array_equal(a.label_ids, b.label_ids)
    for name in ("probs", "begin", "inside"):
        assert np.allclose(getattr(a, name), getattr(b, name), atol=1e-5)
    # a padded batch (windows of different lengths) too: padding must not reach the positions read
    ids = np.array([[2, *range(10, 40), 3], [2, *range(10, 20), 3, *[0] * 20]], dtype=np.int64)
    mask = (np.arange(ids.shape[1]) < np.array([[32], [12]])).astype(np.int64)
    for x, y in zip(onnx.network(ids, mask), eager.network(ids, mask)):
        assert np.allclose(x[mask == 1], y[mask == 1], atol=1e-5)


def test_a_graph_of_other_weights_is_refused_by_name(checkpoint, tmp_path):
    changed = tmp_path / "changed"
    model = BertForTokenClassification.from_pretrained(checkpoint)
    with torch.no_grad():
        model.classifier.bias += 1
    model.save_pretrained(changed, safe_serialization=True)
    for name in ("tokenizer.json", "tokenizer_config.json", ONNX_FILE):
        (changed / name).write_bytes((checkpoint / name).read_bytes())
    with pytest.raises(ValueError, match="exported from other weights.*nianbao export-onnx"):
        Labeller.load(changed)
    export_onnx(changed)
    assert isinstance(Labeller.load(changed).network, OnnxNetwork)


def test_the_shipped_graph_parses_a_seed_as_torch_does():
    doc = read_document(sorted(SEEDS_DIR.iterdir())[0])
    onnx, eager = (parse_document(doc, "model", Labeller.load(runtime=runtime)).to_json() for runtime in ("onnx", "torch"))
    assert {key: field["value"] for key, field in onnx["fields"].items()} == \
        {key: field["value"] for key, field in eager["fields"].items()}
    assert [(field["start"], field["by"]) for field in onnx["fields"].values()] == \
        [(field["start"], field["by"]) for field in eager["fields"].values()]
    assert sum(field["value"] is not None for field in onnx["fields"].values()) > 100


def test_parse_reads_with_the_model_without_importing_torch(tmp_path):
    # pingtan-2025: glued rows the rules cannot cut alone, so the hybrid runs the model; with no time or
    # memory budget one worker parses in this process, whose imports are then the parse's
    report = REAL_DEV_DIR / "reports" / "pingtan-2025.txt"
    script = ("import json, sys\nfrom nianbao.cli import main\n"
              f"code = main(['parse', {str(report)!r}, '--out', {str(tmp_path)!r}, '--workers', '1', "
              "'--timeout', '0', '--max-memory', '0'])\n"
              "print(json.dumps([code, 'torch' in sys.modules, 'transformers' in sys.modules]))")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "[0, false, false]"
    record = (tmp_path / "pingtan-2025.json").read_text(encoding="utf-8")
    assert '"by": "model"' in record or '"by": "both"' in record
