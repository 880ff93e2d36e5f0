"""A character-level tokenizer for report text, built with the ``tokenizers`` library.

Every character is one token, whitespace included: in report text a tab, a newline or a run of spaces
is often the only thing separating two table cells, and scraped reports glue cells together outright
(``21710000218`` is 217, 1, 0, 0, 0, 0, 218).  With one token per character the model can put a label
boundary between any two digits, and token offsets are character offsets into ``Document.norm``.

One exception: a run of 2 to 16 of the same filler character (spaces, tabs, newlines, ``─`` and ``-``
rules) is one token, longer runs several.  Converter layouts (pdftotext, pandoc, w3m) pad columns with
such runs; as single tokens they halve the length of a generated report (pandoc's plain text shrinks
to a sixth), which doubles what a 512-token window sees and halves the cost of reading it, while the
run's length, which tells a wide gap (an empty cell) from a narrow one, is still in the token.

The vocabulary is the characters seen in the training text plus the BERT special tokens; anything else
is ``[UNK]``.  It is wrapped as a ``PreTrainedTokenizerFast`` so that it saves and loads with the model
(``save_pretrained`` / ``from_pretrained``) like any Hugging Face tokenizer.

``build_bpe_tokenizer`` is the measured alternative: a small byte-pair vocabulary learnt on generated
report text, with every digit still a token of its own (so glued cells still split anywhere between
digits) and whitespace runs kept apart from words.  Row labels such as 本年新收政府信息公开申请数量
become a few tokens instead of fifteen, which makes a report about 2.5 times shorter.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from tokenizers import Regex, Tokenizer
from tokenizers.models import BPE, WordLevel
from tokenizers.pre_tokenizers import Split
from tokenizers.trainers import BpeTrainer
from transformers import PreTrainedTokenizerFast

from nianbao.schema import load_schema

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
FILLERS = " \t\n─━-=_"
LONGEST_RUN = 16
# One token per filler run (up to LONGEST_RUN), otherwise one per character ([\s\S]: "." skips "\n").
PIECE = "|".join(f"[{char}]{{2,{LONGEST_RUN}}}" for char in FILLERS) + r"|[\s\S]"
# BPE pieces: a whitespace run, a single digit, or a run of anything else (merged by the learnt pairs).
BPE_PIECE = r"\s+|\d|[^\s\d]+"


def _schema_characters() -> set[str]:
    """Every character of the schema's printed labels and variants: always in the vocabulary."""
    return set(json.dumps(load_schema(), ensure_ascii=False))


def build_char_tokenizer(texts: Iterable[str], min_count: int = 1) -> PreTrainedTokenizerFast:
    """A tokenizer whose vocabulary is the characters of ``texts`` (seen ``min_count`` times) and the schema."""
    counts = Counter()
    for text in texts:
        counts.update(text)
    characters = {char for char, count in counts.items() if count >= min_count}
    characters |= _schema_characters() | set("0123456789")
    runs = [char * length for char in FILLERS for length in range(2, LONGEST_RUN + 1)]
    vocab = {token: index for index, token in enumerate(SPECIAL_TOKENS)}
    for token in [*sorted(characters - set(vocab)), *runs]:
        vocab[token] = len(vocab)
    backend = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    backend.pre_tokenizer = Split(Regex(PIECE), behavior="isolated")
    return _wrap(backend)


def build_bpe_tokenizer(texts: Iterable[str], vocab_size: int = 4000) -> PreTrainedTokenizerFast:
    """A byte-pair tokenizer learnt on ``texts``: digits single, whitespace runs apart, words merged."""
    backend = Tokenizer(BPE(unk_token="[UNK]"))
    backend.pre_tokenizer = Split(Regex(BPE_PIECE), behavior="isolated")
    alphabet = sorted(_schema_characters() | set("0123456789"))
    backend.train_from_iterator(texts, BpeTrainer(vocab_size=vocab_size, special_tokens=list(SPECIAL_TOKENS),
                                                  initial_alphabet=alphabet, show_progress=False))
    return _wrap(backend)


def _wrap(backend: Tokenizer) -> PreTrainedTokenizerFast:
    """The ``transformers`` face of a ``tokenizers`` tokenizer, with BERT's special tokens."""
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        pad_token="[PAD]",
        unk_token="[UNK]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=512,
    )
