"""Generated examples -> model windows: token ids and aligned BIO label ids.

The model is trained on the normalised text (``nianbao.text.normalise(text).norm``) because that is what
it reads at inference (``Labeller.label(doc)`` tags ``doc.norm``): full-width digits, traditional
characters and converter markers never reach it.  A generated example's spans index its raw ``text``;
they are moved onto ``norm`` through the document's offset map, tagged per character (B- on the first
character, I- on the rest), and each token takes the tag of its first character.  ``[CLS]``, ``[SEP]``
and padding get -100 so the loss ignores them, as in Hugging Face's ``run_ner.py``.
"""
from __future__ import annotations

from bisect import bisect_left

from transformers import PreTrainedTokenizerBase

from model.encoding import encode_text, kept_tokens, window_bounds, with_special_tokens
from model.labels import OUTSIDE, scheme_of, span_tag
from nianbao.schema import empty_cell_marks
from nianbao.text import Document, normalise

IGNORED = -100
# An example whose spans are its values only (an annotated report): what is not a value is unknown, so
# its row labels, column headers and headings are not trained as "nothing" (``example_features``).
VALUES_ONLY = "values"


def example_document(example: dict, source: str = "<generated>") -> tuple[Document, list[dict]]:
    """The normalised document of an example and its spans re-indexed onto ``doc.norm``."""
    doc = normalise(source, example["text"])
    text_index = doc.offsets[:-1]  # text_index[i] = index in text of norm[i], non-decreasing
    spans = []
    for span in example["spans"]:
        start, end = bisect_left(text_index, span["start"]), bisect_left(text_index, span["end"])
        if end > start:  # a span made only of dropped characters (a [bookmark: ...] marker) vanishes
            spans.append({**span, "start": start, "end": end})
    return doc, spans


def char_tags(length: int, spans: list[dict], scheme: str = "keys") -> list[str]:
    """One BIO tag per character (``model.labels`` ``scheme``); value spans are written last so they win over
    overlapping structure."""
    tags = [OUTSIDE] * length
    for span in sorted(spans, key=lambda s: s["kind"] == "value"):
        tag = span_tag(span, scheme)
        tags[span["start"]] = f"B-{tag}"
        for index in range(span["start"] + 1, span["end"]):
            tags[index] = f"I-{tag}"
    return tags


def token_tags(offsets: list[tuple[int, int]], tags: list[str]) -> list[str]:
    """Each token's tag is the tag of its first character (``offsets``: each token's character span)."""
    return [tags[start] if start < len(tags) else OUTSIDE for start, _ in offsets]


def _could_be_value(text: str, start: int, end: int) -> bool:
    """Whether a token could be part of a printed value: it holds a digit or is an empty-cell mark ("－")."""
    piece = text[start:end]
    return any(char.isdigit() for char in piece) or piece.strip() in empty_cell_marks()


def example_features(example: dict, tokenizer: PreTrainedTokenizerBase, label2id: dict[str, int],
                     max_length: int, stride: int) -> list[dict]:
    """The training windows of one example: ``{"input_ids", "labels"}`` lists with special tokens added.

    Windows are cut from the table regions only (``kept_tokens``), as at inference (``model/encoding.py``): prose lines
    hold no cells, and skipping them puts every training step on the tables.  In a ``VALUES_ONLY`` example
    a token outside every value span is trained as "nothing" only where it could have been a value (a
    digit, a dash): a printed number the annotator left unlabelled is not a cell, but a row label is not
    "nothing" either.
    """
    doc, spans = example_document(example)
    encoded = encode_text(tokenizer, doc.norm)
    tags = token_tags(encoded.offsets, char_tags(len(doc.norm), spans, scheme_of(label2id)))
    kept = kept_tokens(doc.norm, encoded.offsets)
    ids = [encoded.ids[index] for index in kept]
    label_ids = [label2id[tags[index]] for index in kept]
    if example.get("labelled") == VALUES_ONLY:
        label_ids = [IGNORED if tags[index] == OUTSIDE and not _could_be_value(doc.norm, *encoded.offsets[index])
                     else label_id for index, label_id in zip(kept, label_ids)]
    return [{"input_ids": with_special_tokens(tokenizer, ids[start:end]), "labels": [IGNORED, *label_ids[start:end], IGNORED]}
            for start, end in window_bounds(len(ids), max_length, stride)]
