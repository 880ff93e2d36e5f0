"""Layout characters a fine-tuned model's vocabulary lacks: new tokens that start as the ASCII they stand for.

The byte-pair vocabulary is learnt on the training styles, so the box-drawing characters of a layout it
never saw (``┌──┬──┐``, ``│ 行政许可 │ 1 │``: the ``ascii_box`` style, text exported from some office
suites) are each one ``[UNK]``; a rule line of sixty ``─`` becomes sixty ``[UNK]`` that fill the window
and say nothing.  Fine-tuning cannot learn a character it cannot tell apart.  So, before fine-tuning,
every box-drawing character of the training text that the vocabulary lacks becomes a token of its own
(with runs of 2, 4, 8 and 16 of it, as the vocabulary has for ``-``), whose embedding starts as that of
its ASCII look-alike: a vertical line ``|``, a horizontal one ``-``, a corner or junction ``+``.  From the
first step the model reads the box as the ASCII table it resembles, and training can then move the new
embeddings alone without touching how any other layout is read (``new_token_ids``, ``train(tune=...)``).
Added tokens keep exact character offsets and are saved with the checkpoint's tokenizer.

Mapping the characters onto the ASCII tokens themselves was measured worse (model/README.md): training
on the boxes then changes what ``|`` and ``-`` mean in markdown and pipe tables too.
"""
from __future__ import annotations

import unicodedata

import torch

RUNS = (16, 8, 4, 2, 1)


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


def layout_characters(tokenizer, texts) -> list[str]:
    """The box-drawing characters of ``texts`` that ``tokenizer`` lacks and ``add_look_alike_tokens`` adds.

    A vocabulary that has runs of such a character (a character-level one's fillers) keeps reading them so:
    an added single character would be matched first and cut every run into single characters.
    """
    vocabulary = tokenizer.get_vocab()
    return [char for char in sorted(unknown_characters(tokenizer, texts))
            if look_alike(char) and not any(char * run in vocabulary for run in RUNS)]


def add_look_alike_tokens(tokenizer, model, texts: list[str]) -> dict[str, str]:
    """Add a token for each of the ``layout_characters`` of ``texts`` (and its runs), embedded as its look-alike;
    the tokens added -> the ASCII text whose embedding each started from."""
    joined = "\n".join(texts)
    added = {}
    for char in layout_characters(tokenizer, texts):
        added.update({char * run: look_alike(char) * run for run in RUNS if char * run in joined})
    if not added:
        return {}
    embeddings = model.get_input_embeddings().weight
    starts = {token: embeddings[tokenizer(ascii_text, add_special_tokens=False)["input_ids"]].mean(0).detach()
              for token, ascii_text in added.items()}
    tokenizer.add_tokens(list(added))
    model.resize_token_embeddings(len(tokenizer), mean_resizing=False)  # every new row is set below
    with torch.no_grad():
        weight = model.get_input_embeddings().weight
        for token, start in starts.items():
            weight[tokenizer.convert_tokens_to_ids(token)] = start
    return added


def new_token_ids(tokenizer, added: dict[str, str]) -> list[int]:
    return [tokenizer.convert_tokens_to_ids(token) for token in added]
