"""Layout characters a fine-tuned model's vocabulary lacks, read as the ASCII characters they stand for.

The byte-pair vocabulary is learnt on the training styles, so the box-drawing characters of a layout it
never saw (``┌──┬──┐``, ``│ 行政许可 │ 1 │``: the ``ascii_box`` style, text exported from some office
suites) are each one ``[UNK]``; a rule line of sixty ``─`` becomes sixty ``[UNK]`` that fill the window
and say nothing.  Fine-tuning cannot learn a character it cannot tell apart, but the same table drawn in
ASCII (``+--+--+``, ``| 行政许可 | 1 |``) is a layout the model reads.  So, before fine-tuning, every
box-drawing character of the annotated reports that the vocabulary lacks is mapped, in the tokenizer's
normalizer, onto its ASCII look-alike: a vertical line to ``|``, a horizontal one to ``-``, a corner or
junction to ``+``.  The mapping replaces one character by one, so token offsets into the text stay exact,
and it is saved with the checkpoint's tokenizer (``tokenizer.json``), so inference reads the same.
"""
from __future__ import annotations

import unicodedata

from tokenizers import normalizers


def look_alike(char: str) -> str | None:
    """The ASCII character a box-drawing character stands for; None for any other character."""
    name = unicodedata.name(char, "")
    if not name.startswith("BOX DRAWINGS"):
        return None
    vertical, horizontal = "VERTICAL" in name, "HORIZONTAL" in name
    if vertical and not horizontal and "AND" not in name:
        return "|"
    if horizontal and not vertical and "AND" not in name:
        return "-"
    return "+"


def unknown_characters(tokenizer, texts) -> set[str]:
    """The characters of ``texts`` that ``tokenizer`` reads as ``[UNK]``."""
    characters = {char for text in texts for char in set(text) if not char.isspace()}
    return {char for char in characters
            if tokenizer(char, add_special_tokens=False)["input_ids"] == [tokenizer.unk_token_id]}


def map_look_alikes(tokenizer, texts) -> dict[str, str]:
    """Make ``tokenizer`` read each unknown box-drawing character of ``texts`` as its look-alike; the mapping added."""
    mapping = {char: look_alike(char) for char in sorted(unknown_characters(tokenizer, texts)) if look_alike(char)}
    if mapping:
        backend = tokenizer.backend_tokenizer
        steps = [backend.normalizer] if backend.normalizer is not None else []
        backend.normalizer = normalizers.Sequence(steps + [normalizers.Replace(char, ascii_char)
                                                           for char, ascii_char in mapping.items()])
    return mapping
