"""Windowed, batched token classification of a report, and the decoding of its tags into ``Cell``s.

A report is longer than the model's 512 positions, so it is read in overlapping windows
(``model/encoding.py``).  Every token is covered by one or more windows; it keeps the prediction of the
window in which it sits most centrally, where it has the most context on both sides.  The tagged
tokens are then read as BIO spans; spans tagged with a field key become ``Cell``s whose offsets index
``doc.norm`` and whose confidence is the lowest softmax probability among the span's tokens (one
doubtful digit makes the whole number doubtful).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer

from model.encoding import encode_text, kept_tokens, window_bounds, with_special_tokens
from model.labels import OUTSIDE, is_field_tag
from nianbao.paths import MODEL_DIR
from nianbao.records import Cell
from nianbao.text import Document


@dataclass
class TokenPredictions:
    """Per-token results for a whole text: character span, predicted label id and its probability."""

    offsets: list[tuple[int, int]]
    label_ids: np.ndarray  # int, one per token; "O" for tokens not read (prose lines skipped)
    probs: np.ndarray  # float, softmax probability of the predicted label; 0 for tokens not read


@dataclass
class TaggedSpan:
    """A BIO span: ``tag`` without its B-/I- prefix, character offsets, and its lowest token probability."""

    tag: str
    start: int
    end: int
    confidence: float


def decode_spans(predictions: TokenPredictions, id2label: dict[int, str]) -> list[TaggedSpan]:
    """Read per-token BIO labels as spans; an I- tag with no open span of its tag starts one."""
    spans: list[TaggedSpan] = []
    current: TaggedSpan | None = None
    for (start, end), label_id, prob in zip(predictions.offsets, predictions.label_ids, predictions.probs):
        label = id2label[int(label_id)]
        if label == OUTSIDE:
            current = None
            continue
        prefix, tag = label.split("-", 1)
        if prefix == "I" and current is not None and current.tag == tag:
            current.end = end
            current.confidence = min(current.confidence, float(prob))
        else:
            current = TaggedSpan(tag, start, end, float(prob))
            spans.append(current)
    return spans


class Labeller:
    """Labels the value cells of a report with a token-classification checkpoint."""

    def __init__(self, model, tokenizer, max_length: int | None = None, stride: int | None = None,
                 batch_size: int = 8, skip_prose: bool = True):
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.id2label = {int(i): label for i, label in model.config.id2label.items()}
        self.max_length = max_length or model.config.max_position_embeddings
        # Half a window: every token then has at least a quarter of a window of context on each side.
        self.stride = stride or (self.max_length - 2) // 2
        self.batch_size = batch_size
        self.skip_prose = skip_prose

    @classmethod
    def load(cls, path: str | Path | None = None, **options) -> "Labeller":
        """Load a checkpoint directory (default: the shipped ``model/checkpoint``); safetensors only, no hub."""
        path = Path(path or MODEL_DIR)
        if not (path / "config.json").is_file():
            raise FileNotFoundError(f"no model checkpoint in {path} (expected config.json, model.safetensors)")
        model = AutoModelForTokenClassification.from_pretrained(path, local_files_only=True, use_safetensors=True)
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        return cls(model, tokenizer, **options)

    def predict_tokens(self, text: str) -> TokenPredictions:
        """Predict a label for every token of ``text``, window by window, keeping the most central window's."""
        encoded = encode_text(self.tokenizer, text)
        kept = np.array(kept_tokens(text, encoded.offsets, self.skip_prose), dtype=np.int64)
        ids = [encoded.ids[index] for index in kept]
        # Positions below are in the sequence of kept tokens; scattered back to all tokens at the end.
        kept_ids = np.zeros(len(kept), dtype=np.int64)
        kept_probs = np.zeros(len(kept), dtype=np.float32)
        centrality = np.full(len(kept), -1, dtype=np.int64)
        bounds = window_bounds(len(kept), self.max_length, self.stride) if len(kept) else []
        for first in range(0, len(bounds), self.batch_size):
            batch = bounds[first:first + self.batch_size]
            best_probs, best_ids = self._run([ids[start:end] for start, end in batch])
            for row, (start, end) in enumerate(batch):
                positions = np.arange(start, end)
                here = np.minimum(positions - start, end - 1 - positions)
                better = here > centrality[start:end]
                centrality[start:end][better] = here[better]
                kept_ids[start:end][better] = best_ids[row, 1:end - start + 1][better]
                kept_probs[start:end][better] = best_probs[row, 1:end - start + 1][better]
        label_ids = np.zeros(len(encoded.ids), dtype=np.int64)
        probs = np.zeros(len(encoded.ids), dtype=np.float32)
        label_ids[kept] = kept_ids
        probs[kept] = kept_probs
        return TokenPredictions(encoded.offsets, label_ids, probs)

    def _run(self, windows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """One padded batch through the model: (max probability, argmax label) per position."""
        width = max(len(ids) for ids in windows) + 2
        input_ids = torch.full((len(windows), width), self.tokenizer.pad_token_id, dtype=torch.long)
        attention_mask = torch.zeros((len(windows), width), dtype=torch.long)
        for row, ids in enumerate(windows):
            full = with_special_tokens(self.tokenizer, ids)
            input_ids[row, :len(full)] = torch.tensor(full)
            attention_mask[row, :len(full)] = 1
        with torch.inference_mode():
            logits = self.model(input_ids=input_ids, attention_mask=attention_mask).logits
            best_probs, best_ids = logits.softmax(-1).max(-1)
        return best_probs.numpy(), best_ids.numpy()

    def tag_spans(self, text: str) -> list[TaggedSpan]:
        """Every BIO span the model finds in ``text``, structure tags included."""
        return decode_spans(self.predict_tokens(text), self.id2label)

    def label(self, doc: Document) -> list[Cell]:
        """The value cells of a report: field-key spans of ``doc.norm`` as ``Cell``s (``by="model"``)."""
        return [Cell(key=span.tag, start=span.start, end=span.end, raw=doc.norm[span.start:span.end],
                     confidence=span.confidence, by="model")
                for span in self.tag_spans(doc.norm) if is_field_tag(span.tag)]


class CellsOnce:
    """A labeller that labels each document (by ``doc.source``) once and hands out copies of its cells.

    Scoring the model and the hybrid systems side by side reads the same model cells twice; this halves
    the model's work in ``evaluate --compare``, the gate and the calibration.
    """

    def __init__(self, labeller):
        self.labeller, self.cells = labeller, {}

    def label(self, doc: Document) -> list[Cell]:
        if doc.source not in self.cells:
            self.cells[doc.source] = self.labeller.label(doc)
        return [replace(cell) for cell in self.cells[doc.source]]


@lru_cache(maxsize=None)
def checkpoint_version(path: str | Path | None = None) -> str:
    """A short fingerprint of a checkpoint's weights, so cached parses are redone when the model changes."""
    weights = Path(path or MODEL_DIR) / "model.safetensors"
    if not weights.is_file():
        return "no-model"
    return hashlib.sha256(weights.read_bytes()).hexdigest()[:12]
