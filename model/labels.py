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


def label_groups(labels: list[str]) -> tuple[list[int], list[int], list[int]]:
    """For each label, the index of its row group, its column group and its segment group.

    A field key ``requests.denied_secret.natural`` is in row group ``requests.denied_secret`` and column
    group ``requests:natural`` (B- and I- share both); ``O`` and each structure tag are groups of their own
    there.  The segment group says where a value cell is without saying which: every ``B-<field>`` is
    in one group, every ``I-<field>`` in another, ``O`` and each structure label in one of their own.

    Training uses the groups for auxiliary losses.  "Right row, wrong column" is then partly right, so the
    model learns rows and columns from every value cell instead of one key at a time.  And the segment
    group trains directly what decoding reads first (``model/decoding.py``: the summed B- and I- mass),
    which the plain cross-entropy spreads over 452 labels: whether a digit starts a cell or continues one
    (``54`` alone on a line is one cell; in a glued row ``21710000218`` the 1 after 217 starts one).
    """
    rows: dict[str, int] = {}
    columns: dict[str, int] = {}
    segments: dict[str, int] = {}
    row_ids, column_ids, segment_ids = [], [], []
    for label in labels:
        tag = label.split("-", 1)[1] if label != OUTSIDE else OUTSIDE
        if tag == OUTSIDE or not is_field_tag(tag):
            row, column, segment = tag, tag, label
        else:
            row, column = tag.rsplit(".", 1)[0], f"{tag.split('.', 1)[0]}:{tag.rsplit('.', 1)[1]}"
            segment = label[:2] + "field"
        row_ids.append(rows.setdefault(row, len(rows)))
        column_ids.append(columns.setdefault(column, len(columns)))
        segment_ids.append(segments.setdefault(segment, len(segments)))
    return row_ids, column_ids, segment_ids
