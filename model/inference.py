"""Windowed, batched token classification of a report, and its decoding into ``Cell``s.

A report is longer than the model's 512 positions, so it is read in overlapping windows
(``model/encoding.py``).  Every token is covered by one or more windows; it keeps the prediction of the
window in which it sits most centrally, where it has the most context on both sides.  The per-token
probabilities are then decoded into value cells with one key each, no key twice (``model/decoding.py``);
cell offsets index ``doc.norm``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from model.checkpoint_files import check_checkpoint, checkpoint_version
from model.encoding import CheckpointTokenizer, encode_text, kept_tokens, window_bounds, with_special_tokens
from model.decoding import assign_keys, cell_spans, recut_glued_runs
from model.labels import scheme_of
from model.network import NETWORK_OUTPUTS, Network, ValueTags, load_network
from model.placement import place_cells
from nianbao.contracts import TableFacts
from nianbao.paths import MODEL_DIR
from nianbao.records import Cell
from nianbao.text import Document


@dataclass
class TokenPredictions:
    """Per-token results for a whole text; tokens not read (prose lines skipped) are "O" with probability 0.

    ``label_ids``/``probs``: the argmax label and its probability (token-level scoring).  ``begin``/``inside``:
    the mass of ``B-<any key>`` and ``I-<any key>``; ``key_mass[:, k]``: of ``B-`` plus ``I-`` of field key
    ``k`` (in ``Labeller.field_keys`` order), what cell decoding reads.
    """

    offsets: list[tuple[int, int]]
    label_ids: np.ndarray
    probs: np.ndarray
    begin: np.ndarray
    inside: np.ndarray
    key_mass: "ReadRows"


class ReadRows:
    """A tokens x keys array that is zero on the tokens the model did not read, holding the read rows only.

    A report is mostly prose the model skips, and a row per token of a hundred keys costs 400 bytes: a
    full array would take hundreds of megabytes per megabyte of text.  Decoding slices rows
    (``key_mass[first:last]``), which gives them as a dense array.
    """

    def __init__(self, read: np.ndarray, n_tokens: int, width: int):
        self.rows = np.zeros((len(read), width), dtype=np.float32)
        self.read = read
        self.row_of = np.full(n_tokens, -1, dtype=np.int64)
        self.row_of[read] = np.arange(len(read))

    def __getitem__(self, tokens: slice) -> np.ndarray:
        rows = self.row_of[tokens]
        out = np.zeros((len(rows), self.rows.shape[1]), dtype=self.rows.dtype)
        out[rows >= 0] = self.rows[rows[rows >= 0]]
        return out

    def __setitem__(self, tokens: np.ndarray, values: np.ndarray) -> None:
        """Set the rows of ``tokens``, all of them read."""
        self.rows[self.row_of[tokens]] = values

    def copy(self) -> "ReadRows":
        copied = ReadRows.__new__(ReadRows)
        copied.rows, copied.read, copied.row_of = self.rows.copy(), self.read, self.row_of
        return copied


class Labeller:
    """Labels the value cells of a report with a token-classification checkpoint."""

    def __init__(self, network: Network, tokenizer, max_length: int | None = None, stride: int | None = None,
                 batch_size: int = 8, skip_prose: bool = True, checkpoint: Path | None = None):
        """``network``: what reads a batch of windows (``model.network``, on torch or ONNX Runtime);
        ``checkpoint``: the folder it was loaded from, whose files are its version and whose
        ``calibration.json`` turns its evidence into confidences (None: a model in memory, uncalibrated)."""
        self.checkpoint = checkpoint
        self.network = network
        self.tokenizer = tokenizer
        self.id2label = network.id2label
        self.max_length = max_length or network.max_length
        # Half a window: every token then has at least a quarter of a window of context on each side.
        self.stride = stride or (self.max_length - 2) // 2
        self.batch_size = batch_size
        self.skip_prose = skip_prose
        self.scheme = scheme_of(set(self.id2label.values()))  # "roles": its one value tag is placed by the printed rows
        tags = ValueTags.of(self.id2label)
        self.field_keys = tags.keys
        self._scaffold_ids = tags.scaffold

    @classmethod
    def of_model(cls, model, tokenizer, **options) -> "Labeller":
        """A labeller reading with a torch model in memory (training's, before it is saved)."""
        from model.torch_network import TorchNetwork

        return cls(TorchNetwork(model), tokenizer, **options)

    @classmethod
    def load(cls, path: str | Path | None = None, runtime: str | None = None, threads: int = 0,
             **options) -> "Labeller":
        """Load a checkpoint directory (default: the shipped ``model/checkpoint``); safetensors only, no hub.

        ``runtime``: "onnx" or "torch"; by default ONNX Runtime where the folder holds an exported graph
        (``model.network.load_network``).  ``threads``: per forward pass (0: ``OMP_NUM_THREADS`` or the
        runtime's default).
        """
        path = Path(path or MODEL_DIR)
        check_checkpoint(path)
        return cls(load_network(path, runtime, threads), CheckpointTokenizer.load(path), checkpoint=path, **options)

    @property
    def version(self) -> str:
        """The fingerprint of every file of its checkpoint (``checkpoint_version``)."""
        if self.checkpoint is None:
            raise ValueError("a model not loaded from a checkpoint has no version")
        return checkpoint_version(self.checkpoint)

    def predict_tokens(self, text: str, within: list[tuple[int, int]] | None = None) -> TokenPredictions:
        """Predict a label for every token of ``text`` (of the character ranges ``within``, where given),
        window by window, keeping the most central window's."""
        encoded = encode_text(self.tokenizer, text)
        # A short table asked about alone is read amid the text around it, half a window in all, not alone
        # in a window of padding (benchmarks/settled_reports.py: it reads glued rows as the whole text does).
        kept = np.array(kept_tokens(text, encoded.offsets, self.skip_prose, within, fill=(self.max_length - 2) // 2),
                        dtype=np.int64)
        ids = [encoded.ids[index] for index in kept]
        n_tokens = len(encoded.ids)
        # Tokens not read stay "O" (id 0) with probability 0.  The key mass stays float32: converting the
        # model's many tiny probabilities to float16 (subnormals) took a fifth of the labelling time.
        predictions = TokenPredictions(encoded.offsets, np.zeros(n_tokens, dtype=np.int64),
                                       np.zeros(n_tokens, dtype=np.float32), np.zeros(n_tokens, dtype=np.float32),
                                       np.zeros(n_tokens, dtype=np.float32),
                                       ReadRows(kept, n_tokens, len(self.field_keys)))
        # Window positions index the kept tokens; ``kept`` maps them back to the whole text.
        centrality = np.full(len(kept), -1, dtype=np.int64)
        bounds = window_bounds(len(kept), self.max_length, self.stride) if len(kept) else []
        for first in range(0, len(bounds), self.batch_size):
            batch = bounds[first:first + self.batch_size]
            outputs = self._run([ids[start:end] for start, end in batch])
            for row, (start, end) in enumerate(batch):
                positions = np.arange(start, end)
                here = np.minimum(positions - start, end - 1 - positions)
                better = np.flatnonzero(here > centrality[start:end])
                centrality[start + better] = here[better]
                for name, values in zip(NETWORK_OUTPUTS, outputs):
                    getattr(predictions, name)[kept[start + better]] = values[row, 1 + better]
        return predictions

    def _run(self, windows: list[list[int]]) -> tuple[np.ndarray, ...]:
        """One padded batch through the network: per position, the ``NETWORK_OUTPUTS`` arrays."""
        width = max(len(ids) for ids in windows) + 2
        input_ids = np.full((len(windows), width), self.tokenizer.pad_token_id, dtype=np.int64)
        attention_mask = np.zeros((len(windows), width), dtype=np.int64)
        for row, ids in enumerate(windows):
            full = with_special_tokens(self.tokenizer, ids)
            input_ids[row, :len(full)] = full
            attention_mask[row, :len(full)] = 1
        return self.network(input_ids, attention_mask)

    def label(self, doc: Document, facts: TableFacts = TableFacts()) -> list[Cell]:
        """The value cells of a report (``by="model"``), offsets into ``doc.norm``, each key at most once.

        ``facts``, what the rule layer knows of the report's tables (``nianbao.contracts.TableFacts``), limit
        the keys, where each may lie and what text is read, and let decoding re-cut glued runs by the
        table's sums.
        """
        predictions = self.predict_tokens(doc.norm, None if facts.read is None else list(facts.read))
        if self.scheme == "roles":
            return self._placed_cells(doc, predictions, facts)
        allowed = None if facts.keys is None else np.isin(self.field_keys, list(facts.keys))
        key_mass = predictions.key_mass if facts.where is None else self._placed(predictions, facts.where)
        cells = []
        scaffold = np.isin(predictions.label_ids, self._scaffold_ids)
        spans = cell_spans(predictions.begin, predictions.inside, predictions.offsets, doc.norm, scaffold)
        assigned = assign_keys(spans, key_mass, allowed)
        if facts.readings_for is not None:
            assigned = recut_glued_runs(spans, assigned, predictions.begin, predictions.inside, key_mass,
                                        predictions.offsets, doc.norm, self.field_keys, facts.readings_for, scaffold,
                                        facts.balance)
        for span, key, key_probability in assigned:
            start, end = predictions.offsets[span.first][0], predictions.offsets[span.last - 1][1]
            cells.append(Cell(key=self.field_keys[key], start=start, end=end, raw=doc.norm[start:end],
                              confidence=span.value_probability * key_probability, by="model"))
        return sorted(cells, key=lambda cell: cell.start)

    def _placed_cells(self, doc: Document, predictions: TokenPredictions, facts: TableFacts) -> list[Cell]:
        """A ``roles`` model's value cells, each given the key of the printed row and column it sits in."""
        scaffold = np.isin(predictions.label_ids, self._scaffold_ids)
        spans = cell_spans(predictions.begin, predictions.inside, predictions.offsets, doc.norm, scaffold)
        cells = []
        for placed in place_cells(spans, predictions.begin, predictions.inside, predictions.offsets, doc.norm,
                                  facts.printed_rows or (), facts.readings_for, facts.balance):
            start, end = predictions.offsets[placed.span.first][0], predictions.offsets[placed.span.last - 1][1]
            cells.append(Cell(key=placed.key, start=start, end=end, raw=doc.norm[start:end],
                              confidence=placed.span.value_probability * placed.confidence, by="model"))
        return sorted(cells, key=lambda cell: cell.start)

    def _placed(self, predictions: TokenPredictions, where: Mapping[str, tuple[int, int]]) -> ReadRows:
        """The key mass with every key's mass set to 0 on the tokens outside the text its table lies in."""
        key_mass = predictions.key_mass.copy()
        starts = np.array([predictions.offsets[token][0] for token in key_mass.read], dtype=np.int64)
        by_region: dict[tuple[int, int], list[int]] = {}
        for index, key in enumerate(self.field_keys):
            if key in where:
                by_region.setdefault(where[key], []).append(index)
        for (first, last), indices in by_region.items():
            key_mass.rows[np.ix_((starts < first) | (starts >= last), indices)] = 0.0
        return key_mass


class CellsOnce:
    """A labeller that labels each document (by ``doc.source`` and the text read, ``TableFacts.read``) once
    and hands out copies of its cells.

    Scoring the model and the hybrid systems side by side reads the same model cells twice where the rules
    settle no section; this spares that work in ``evaluate --compare``, the gate and the calibration.
    """

    def __init__(self, labeller):
        self.labeller, self.cells = labeller, {}
        self.checkpoint = labeller.checkpoint

    def label(self, doc: Document, facts: TableFacts = TableFacts()) -> list[Cell]:
        key = doc.source, None if facts.read is None else tuple(facts.read)
        if key not in self.cells:
            self.cells[key] = self.labeller.label(doc, facts)
        return [replace(cell) for cell in self.cells[key]]
