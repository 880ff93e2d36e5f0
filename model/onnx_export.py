"""Export a checkpoint's network to ONNX (``model.onnx`` beside its weights), checked against torch.

The graph is torch's ``ReadingHead`` traced by the TorchScript exporter with eager attention, then fused
offline by ONNX Runtime's transformer optimizer (attention, layer norms, GELU as single kernels): the
graph the newer torch.export-based exporter writes keeps attention as loose operators the optimizer does
not fuse, and runs a half slower.  The export is refused if the graph and torch disagree on a padded
batch, and the graph records the digest of the weights it came from, which loading checks.
"""
from __future__ import annotations

import os
import tempfile
import warnings
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModelForTokenClassification

from model.network import NETWORK_OUTPUTS, ONNX_FILE
from model.onnx_network import WEIGHTS_DIGEST, OnnxNetwork, weights_digest
from model.torch_network import ReadingHead, TorchNetwork
from nianbao.paths import MODEL_DIR

OPSET = 17
TOLERANCE = 1e-4  # largest difference in any output probability that the export accepts
_AXES = {0: "windows", 1: "positions"}


def export_onnx(path: str | Path) -> Path:
    """Write ``path/model.onnx`` for the checkpoint folder ``path``, replacing any there; its path.

    Raises ValueError if ONNX Runtime reads the exported graph differently from torch.
    """
    from onnxruntime.transformers import optimizer

    path = Path(path)
    model = AutoModelForTokenClassification.from_pretrained(path, local_files_only=True, use_safetensors=True,
                                                            attn_implementation="eager").eval()
    head = ReadingHead(model).eval()
    input_ids, attention_mask = _padded_batch(model.config)
    with tempfile.TemporaryDirectory(prefix="nianbao-onnx-") as scratch:
        traced = Path(scratch) / "traced.onnx"
        with warnings.catch_warnings():  # the TorchScript exporter's deprecation and tracer notices
            warnings.simplefilter("ignore")
            torch.onnx.export(head, (torch.from_numpy(input_ids), torch.from_numpy(attention_mask)), traced,
                              dynamo=False, opset_version=OPSET, input_names=["input_ids", "attention_mask"],
                              output_names=list(NETWORK_OUTPUTS),
                              dynamic_axes={"input_ids": _AXES, "attention_mask": _AXES,
                                            **{name: _AXES for name in NETWORK_OUTPUTS}})
        graph = optimizer.optimize_model(str(traced), model_type=model.config.model_type, opt_level=1,
                                         num_heads=model.config.num_attention_heads,
                                         hidden_size=model.config.hidden_size)
        graph.model.metadata_props.add(key=WEIGHTS_DIGEST, value=weights_digest(path))
        staged = path / f".{ONNX_FILE}.partial"
        graph.save_model_to_file(str(staged))
        try:
            _check_same(TorchNetwork(model), OnnxNetwork.load(path, graph=staged), input_ids, attention_mask)
        except ValueError:
            staged.unlink()
            raise
        os.replace(staged, path / ONNX_FILE)
    return path / ONNX_FILE


def _padded_batch(config) -> tuple[np.ndarray, np.ndarray]:
    """Two windows of random tokens, the second half padding, to trace and check the export on."""
    generator = np.random.default_rng(0)
    width = min(64, config.max_position_embeddings)
    input_ids = generator.integers(5, config.vocab_size, size=(2, width), dtype=np.int64)
    attention_mask = np.ones((2, width), dtype=np.int64)
    attention_mask[1, width // 2:] = 0
    input_ids[1, width // 2:] = config.pad_token_id or 0
    return input_ids, attention_mask


def _check_same(torch_network, onnx_network, input_ids: np.ndarray, attention_mask: np.ndarray) -> None:
    """ValueError unless both networks give the same labels and probabilities within ``TOLERANCE``."""
    expected, exported = torch_network(input_ids, attention_mask), onnx_network(input_ids, attention_mask)
    read = attention_mask.astype(bool)
    if not np.array_equal(expected[0][read], exported[0][read]):
        raise ValueError("the exported graph labels tokens differently from torch")
    difference = max(float(np.abs(a[read] - b[read]).max()) for a, b in zip(expected[1:], exported[1:]))
    if difference > TOLERANCE:
        raise ValueError(f"the exported graph's probabilities differ from torch's by {difference:.2g}")


def add_arguments(parser) -> None:
    parser.add_argument("checkpoint", nargs="?", type=Path, default=MODEL_DIR,
                        help="the checkpoint folder (default: the installed one)")


def run(args) -> int:
    """``nianbao export-onnx [CHECKPOINT]``: write its model.onnx, checked against torch."""
    print(f"wrote {export_onnx(args.checkpoint)}")
    return 0
