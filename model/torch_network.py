"""The network on torch: a ``transformers`` token classifier with the reduction to ``NETWORK_OUTPUTS`` on top."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from transformers import AutoModelForTokenClassification

from model.network import ValueTags


class ReadingHead(torch.nn.Module):
    """A token classifier whose outputs are the ``NETWORK_OUTPUTS``: what the exported graph computes too."""

    def __init__(self, model):
        super().__init__()
        self.model = model
        self.id2label = {int(index): label for index, label in model.config.id2label.items()}
        tags = ValueTags.of(self.id2label)
        self.register_buffer("begin_ids", torch.tensor(tags.begin, dtype=torch.long), persistent=False)
        self.register_buffer("inside_ids", torch.tensor(tags.inside, dtype=torch.long), persistent=False)

    def forward(self, input_ids, attention_mask):
        probabilities = self.model(input_ids=input_ids, attention_mask=attention_mask).logits.softmax(-1)
        best_probs, best_ids = probabilities.max(-1)
        begin = probabilities.index_select(-1, self.begin_ids)
        inside = probabilities.index_select(-1, self.inside_ids)
        return best_ids, best_probs, begin.sum(-1), inside.sum(-1), begin + inside


class TorchNetwork:
    """A torch model read in inference mode (the ``model.network.Network`` of a model in memory, as training has)."""

    def __init__(self, model):
        self.model = model.eval()
        self.head = ReadingHead(self.model).eval()
        self.id2label = self.head.id2label
        self.max_length = model.config.max_position_embeddings

    @classmethod
    def load(cls, path: Path, threads: int = 0) -> "TorchNetwork":
        """A checkpoint folder's safetensors weights (no hub, no pickles); ``threads``: torch's, if given."""
        if threads:
            torch.set_num_threads(threads)
        return cls(AutoModelForTokenClassification.from_pretrained(path, local_files_only=True, use_safetensors=True))

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> tuple[np.ndarray, ...]:
        with torch.inference_mode():
            outputs = self.head(torch.from_numpy(input_ids), torch.from_numpy(attention_mask))
        return tuple(output.numpy() for output in outputs)
