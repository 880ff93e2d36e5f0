"""The network a ``Labeller`` reads with, on either runtime: torch, or ONNX Runtime on an exported graph.

Both give, for a padded batch of windows, the same five arrays per position (``NETWORK_OUTPUTS``): the
argmax label and its probability, the summed ``B-``/``I-`` mass of the value tags, and each value tag's
``B-`` plus ``I-`` mass.  The reduction is part of the network (``model.torch_network.ReadingHead``), so
the exported graph computes exactly what torch does and hands back a few small arrays instead of the
full label distribution.

ONNX Runtime is what ``nianbao parse`` reads with by default: importing it and opening the graph takes a
fifth of a second, against about three for torch and transformers, and that start-up was most of the
time of a single report (and of a batch worker's first file).  Training, which needs gradients, and a
checkpoint with no exported graph read with torch.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from model.labels import OUTSIDE, is_field_tag

NETWORK_OUTPUTS = ("label_ids", "probs", "begin", "inside", "key_mass")
RUNTIMES = ("onnx", "torch")
ONNX_FILE = "model.onnx"


class Network(Protocol):
    """Token ids and attention mask (``batch x width``, int64) -> the ``NETWORK_OUTPUTS`` arrays."""

    id2label: dict[int, str]
    max_length: int

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> tuple[np.ndarray, ...]: ...


@dataclass(frozen=True)
class ValueTags:
    """Where a label set's value tags are: ``keys[k]`` is tagged by label ids ``begin[k]`` and ``inside[k]``."""

    keys: list[str]
    begin: list[int]
    inside: list[int]
    scaffold: list[int]  # the structure labels (row label, header, heading, noise)

    @classmethod
    def of(cls, id2label: dict[int, str]) -> "ValueTags":
        label_ids = {label: index for index, label in sorted(id2label.items())}
        keys = [label[2:] for label in label_ids if label.startswith("B-") and is_field_tag(label[2:])]
        return cls(keys, [label_ids[f"B-{key}"] for key in keys], [label_ids[f"I-{key}"] for key in keys],
                   [index for label, index in label_ids.items() if label != OUTSIDE and not is_field_tag(label[2:])])


def checkpoint_labels(path: Path) -> tuple[dict[int, str], int]:
    """A checkpoint's ``id2label`` and window length, from its config.json."""
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    return {int(index): label for index, label in config["id2label"].items()}, config["max_position_embeddings"]


def configured_threads() -> int:
    """The threads asked for by ``OMP_NUM_THREADS`` (as torch reads it; Ray sets it to an actor's CPUs), else 0:
    the runtime's default (torch: one per core; ONNX Runtime here: one, ``model.onnx_network._session``)."""
    try:
        return max(0, int(os.environ.get("OMP_NUM_THREADS", "0")))
    except ValueError:
        return 0


def load_network(path: Path, runtime: str | None = None, threads: int = 0) -> Network:
    """The network of a checkpoint folder: on ``runtime``, or by default ONNX Runtime where the folder has an
    exported graph (``ONNX_FILE``) and torch otherwise; ``threads`` (0: the runtime's default) per forward."""
    if runtime is None:
        runtime = "onnx" if (path / ONNX_FILE).is_file() else "torch"
    if runtime not in RUNTIMES:
        raise ValueError(f"unknown runtime {runtime!r}: expected one of {', '.join(RUNTIMES)}")
    threads = threads or configured_threads()
    if runtime == "onnx":
        from model.onnx_network import OnnxNetwork

        return OnnxNetwork.load(path, threads)
    from model.torch_network import TorchNetwork

    return TorchNetwork.load(path, threads)
