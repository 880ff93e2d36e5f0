"""Text -> token ids with character offsets, and the sliding windows the model reads them in.

Training (``training/features.py``) and inference (``model/inference.py``) both go through here, so the
model is trained on exactly the windows it will see.  A report is tokenised once as a whole (no special
tokens), then cut into windows of ``max_length - 2`` tokens that overlap by ``max_length - 2 - stride``
tokens; each window gets ``[CLS]`` ... ``[SEP]`` around it.  Working on tokens with offsets rather than on
characters lets a base model with its own tokenizer (``--base-model``, e.g. a Chinese BERT whose word
pieces group digits) share the same code as the character-level tokenizer.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

from tokenizers import Tokenizer

from nianbao.text import CELL_BORDERS


# A prose line: long, few digits, none of the separators a table line is laid out with, no run of
# numbers a table row prints.  Reports put their tables between paragraphs like
# "2020年，我区主要依托政府网站…发布政府信息4050条…"; skipping those lines saves about a third of the seeds'
# text.  A line past PROSE_MAX_CHARS is a scraped report glued into one line (Pingtan's pages,
# data/real-unlabelled), table and prose at once: it is cut at its sentence ends and each sentence judged
# as a line, which takes out about half of such a report's text.
PROSE_MIN_CHARS = 40
PROSE_MAX_CHARS = 800
PROSE_MAX_DIGIT_SHARE = 0.1
SENTENCE_END = re.compile(r"(?<=[。！？])")
# Three numbers apart by spaces ("0 0 0", a row's cells) or six digits glued ("申请数量217100"): a table row,
# however few digits the text around it has (section 四's row of zeros under its long headers).
TABLE_NUMBERS = re.compile(r"\d+(?:\.\d+)?(?:\s+\d+(?:\.\d+)?){2,}|\d{6,}")
TABLE_LAYOUT = re.compile(rf"\t|[{re.escape(CELL_BORDERS)}]|   ")  # a tab, a cell border, a column gap


@dataclass
class EncodedText:
    """A whole text as tokens: ``offsets[i]`` is the ``(start, end)`` character span of token ``i``."""

    ids: list[int]
    offsets: list[tuple[int, int]]


@dataclass
class CheckpointTokenizer:
    """A checkpoint's tokenizer as the ``tokenizers`` library reads it, with the ids of its special tokens.

    What inference needs of a tokenizer, without the ``transformers`` wrapper (whose import alone takes
    more than half a second); training's ``PreTrainedTokenizerFast`` offers the same attributes.
    """

    backend_tokenizer: Tokenizer
    pad_token_id: int
    cls_token_id: int
    sep_token_id: int
    unk_token_id: int

    @classmethod
    def load(cls, path: Path) -> "CheckpointTokenizer":
        """The tokenizer saved in a checkpoint folder (tokenizer.json, and tokenizer_config.json's special tokens)."""
        backend = Tokenizer.from_file(str(path / "tokenizer.json"))
        backend.no_truncation()
        backend.no_padding()
        config = json.loads((path / "tokenizer_config.json").read_text(encoding="utf-8"))
        ids = {}
        for name in ("pad", "cls", "sep", "unk"):
            token = config.get(f"{name}_token")
            token = token.get("content") if isinstance(token, dict) else token
            if token is None or backend.token_to_id(token) is None:
                raise ValueError(f"the tokenizer in {path} has no {name} token")
            ids[f"{name}_token_id"] = backend.token_to_id(token)
        return cls(backend, **ids)


def encode_text(tokenizer, text: str) -> EncodedText:
    """Tokenise ``text`` in one go, without special tokens, keeping each token's character span.

    ``tokenizer``: a ``CheckpointTokenizer`` or a ``transformers`` fast tokenizer (both read through their
    ``tokenizers`` backend, so training and inference cut text the same way).
    """
    encoding = tokenizer.backend_tokenizer.encode(text, add_special_tokens=False)
    return EncodedText(list(encoding.ids), list(encoding.offsets))


def is_prose_line(line: str) -> bool:
    """Whether a line of normalised text (or a sentence of a glued one) is prose, which holds no table cell."""
    stripped = line.strip()
    if not PROSE_MIN_CHARS <= len(stripped) <= PROSE_MAX_CHARS:
        return False
    if TABLE_LAYOUT.search(stripped) or TABLE_NUMBERS.search(stripped):
        return False
    return sum(char.isdigit() for char in stripped) < PROSE_MAX_DIGIT_SHARE * len(stripped)


def _pieces(text: str):
    """``(start, end, piece)`` for every line of ``text`` (its newline included), a line past PROSE_MAX_CHARS
    cut at its sentence ends."""
    position = 0
    for line in text.split("\n"):
        pieces = SENTENCE_END.split(line) if len(line.strip()) > PROSE_MAX_CHARS else [line]
        for index, piece in enumerate(pieces):
            end = position + len(piece) + (index == len(pieces) - 1)
            yield position, end, piece
            position = end


def table_regions(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` character ranges of ``text`` left after dropping prose lines (runs of kept lines merged)."""
    regions: list[tuple[int, int]] = []
    for start, end, piece in _pieces(text):
        if is_prose_line(piece):
            continue
        if regions and regions[-1][1] == start:
            regions[-1] = (regions[-1][0], end)
        else:
            regions.append((start, end))
    return [(start, min(end, len(text))) for start, end in regions]


def kept_tokens(text: str, offsets: list[tuple[int, int]], skip_prose: bool = True,
                within: list[tuple[int, int]] | None = None, fill: int = 0) -> list[int]:
    """Indices of the tokens the model reads: those in the table regions of ``text`` or, unless ``skip_prose``, all.

    ``offsets`` are the tokens' character spans (``EncodedText.offsets``).  Windows are cut from this
    sequence with the prose taken out, so a window is full of table lines and a section heading still sits
    next to the table that follows its paragraph.  Training and inference both read these, so the model
    never spends a step on prose it will not see.

    ``within``: sorted ``[start, end)`` character ranges (tables the model is asked about), each read with
    the kept tokens around it up to ``fill`` tokens: a table shorter than a window is read amid the lines
    either side of it, as in a window of the whole text, never alone in a window mostly padding.
    """
    regions = table_regions(text) if skip_prose else [(0, len(text))]
    starts = [start for start, _ in offsets]
    kept = [index for start, end in regions for index in range(bisect_left(starts, start), bisect_left(starts, end))]
    if within is None:
        return kept
    kept_starts = [starts[index] for index in kept]
    runs: list[list[int]] = []
    for first, last in within:
        begin, end = bisect_left(kept_starts, first), bisect_left(kept_starts, last)
        length = max(fill, end - begin)
        begin = max(0, min(begin - (length - (end - begin)) // 2, len(kept) - length))
        end = min(len(kept), begin + length)
        if runs and begin <= runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], end)
        elif begin < end:
            runs.append([begin, end])
    return [kept[position] for begin, end in runs for position in range(begin, end)]


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


def with_special_tokens(tokenizer, ids: list[int]) -> list[int]:
    """``[CLS] ids [SEP]``."""
    return [tokenizer.cls_token_id, *ids, tokenizer.sep_token_id]
