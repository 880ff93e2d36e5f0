"""The model's label set: BIO tags over every canonical field key plus four structure tags.

Value cells are tagged with the field key itself (``B-requests.new.natural``), so a labelled span is a
``Cell`` without any further mapping.  The structure tags (``ROW`` row label, ``COL`` column header,
``SEC`` section or block heading, ``NOISE`` page furniture) are there to give the model something to say
about the table scaffolding, which the value tags depend on.  The list is derived from the schema, never
written out, and is saved in the checkpoint's ``id2label`` so a checkpoint carries its own label set.
"""
from __future__ import annotations

from nianbao.schema import all_field_keys

OUTSIDE = "O"
STRUCTURE_TAGS = ("ROW", "COL", "SEC", "NOISE")

# Generated-example span kinds (ARCHITECTURE.md) -> tag; ``value`` spans are tagged with their key.
# A block label such as 第二十条第（五）项 heads a group of rows the way a section heading heads a table,
# so it shares the SEC tag.
KIND_TAGS = {"row": "ROW", "column": "COL", "section": "SEC", "block": "SEC", "noise": "NOISE"}


def label_list() -> list[str]:
    """``O``, then B-/I- for every field key of both templates, then B-/I- for each structure tag."""
    labels = [OUTSIDE]
    for tag in (*all_field_keys(), *STRUCTURE_TAGS):
        labels += [f"B-{tag}", f"I-{tag}"]
    return labels


def span_tag(span: dict) -> str:
    """The tag (without B-/I-) of one generated-example span."""
    if span["kind"] == "value":
        return span["key"]
    return KIND_TAGS[span["kind"]]


def is_field_tag(tag: str) -> bool:
    """Whether a tag names a field value (and so becomes a ``Cell``) rather than table structure."""
    return tag not in STRUCTURE_TAGS


def label_groups(labels: list[str]) -> tuple[list[int], list[int]]:
    """For each label, the index of its row group and of its column group (B- and I- share both).

    A field key ``requests.denied_secret.natural`` is in row group ``requests.denied_secret`` and column
    group ``requests:natural``; ``O`` and each structure tag are groups of their own in both.  Training
    uses the groups for an auxiliary loss: "right row, wrong column" is then partly right, so the model
    learns rows and columns from every value cell instead of one key at a time.
    """
    rows: dict[str, int] = {}
    columns: dict[str, int] = {}
    row_ids, column_ids = [], []
    for label in labels:
        tag = label.split("-", 1)[1] if label != OUTSIDE else OUTSIDE
        if tag == OUTSIDE or not is_field_tag(tag):
            row, column = tag, tag
        else:
            row, column = tag.rsplit(".", 1)[0], f"{tag.split('.', 1)[0]}:{tag.rsplit('.', 1)[1]}"
        row_ids.append(rows.setdefault(row, len(rows)))
        column_ids.append(columns.setdefault(column, len(columns)))
    return row_ids, column_ids
