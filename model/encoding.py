"""Text -> token ids with character offsets, and the sliding windows the model reads them in.

Training (``training/features.py``) and inference (``model/inference.py``) both go through here, so the
model is trained on exactly the windows it will see.  A report is tokenised once as a whole (no special
tokens), then cut into windows of ``max_length - 2`` tokens that overlap by ``max_length - 2 - stride``
tokens; each window gets ``[CLS]`` ... ``[SEP]`` around it.  Working on tokens with offsets rather than on
characters lets a base model with its own tokenizer (``--base-model``, e.g. a Chinese BERT whose word
pieces group digits) share the same code as the character-level tokenizer.
"""
from __future__ import annotations

from dataclasses import dataclass

from transformers import PreTrainedTokenizerBase


@dataclass
class EncodedText:
    """A whole text as tokens: ``offsets[i]`` is the ``(start, end)`` character span of token ``i``."""

    ids: list[int]
    offsets: list[tuple[int, int]]


def encode_text(tokenizer: PreTrainedTokenizerBase, text: str) -> EncodedText:
    """Tokenise ``text`` in one go, without special tokens, keeping each token's character span."""
    encoding = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, truncation=False,
                         verbose=False)
    return EncodedText(list(encoding["input_ids"]), [tuple(span) for span in encoding["offset_mapping"]])


def window_bounds(n_tokens: int, max_length: int, stride: int) -> list[tuple[int, int]]:
    """``[start, end)`` token ranges covering ``n_tokens``: windows of ``max_length - 2`` tokens, ``stride`` apart.

    The last window is aligned to the end of the text instead of running past it, so every window but
    the only one of a short text is full.
    """
    size = max_length - 2  # room for [CLS] and [SEP]
    if stride < 1 or stride > size:
        raise ValueError(f"stride must be between 1 and max_length - 2 = {size}, got {stride}")
    if n_tokens <= size:
        return [(0, n_tokens)]
    starts = list(range(0, n_tokens - size + 1, stride))
    if starts[-1] != n_tokens - size:
        starts.append(n_tokens - size)
    return [(start, start + size) for start in starts]


def with_special_tokens(tokenizer: PreTrainedTokenizerBase, ids: list[int]) -> list[int]:
    """``[CLS] ids [SEP]``."""
    return [tokenizer.cls_token_id, *ids, tokenizer.sep_token_id]
