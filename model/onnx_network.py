"""The network on ONNX Runtime: the graph ``model.onnx_export`` wrote beside a checkpoint's weights."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import onnxruntime

from model.checkpoint_files import WEIGHTS_FILE
from model.network import ONNX_FILE, checkpoint_labels

WEIGHTS_DIGEST = "weights_sha256"  # the graph's metadata: which weights it was exported from


def weights_digest(path: Path) -> str:
    """The SHA-256 of a checkpoint folder's weights file."""
    with open(path / WEIGHTS_FILE, "rb") as weights:
        return hashlib.file_digest(weights, "sha256").hexdigest()


class OnnxNetwork:
    """An exported checkpoint on ONNX Runtime's CPU provider."""

    def __init__(self, graph: Path, threads: int, id2label: dict[int, str], max_length: int):
        self.id2label, self.max_length = id2label, max_length
        self.session = _session(graph, threads)

    @classmethod
    def load(cls, path: Path, threads: int = 0, graph: Path | None = None) -> "OnnxNetwork":
        """Open the graph of checkpoint folder ``path`` (``graph``, by default ``path/model.onnx``); ValueError
        when it was exported from other weights than the folder's."""
        graph = graph or path / ONNX_FILE
        network = cls(graph, threads, *checkpoint_labels(path))
        exported_from = network.session.get_modelmeta().custom_metadata_map.get(WEIGHTS_DIGEST)
        if exported_from != weights_digest(path):
            raise ValueError(f"{graph} was exported from other weights than {path / WEIGHTS_FILE}: "
                             f"export it again (nianbao export-onnx {path})")
        return network

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> tuple[np.ndarray, ...]:
        return tuple(self.session.run(None, {"input_ids": input_ids, "attention_mask": attention_mask}))


def _session(graph: Path, threads: int) -> onnxruntime.InferenceSession:
    """An ONNX Runtime session on the CPU, ``threads`` threads per operator (0 or 1: one, the caller's).

    One thread by default, because a session with a thread pool does not survive ``fork``: the pool's
    threads are not in the child, and a forward pass there, or only dropping the session, waits for them
    forever (``nlp.pipe(n_process=...)`` forks a process that has read with the model).  The network is
    small enough that a report reads in a tenth of a second on one thread; a batch uses the cores with
    one worker process each.
    """
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
