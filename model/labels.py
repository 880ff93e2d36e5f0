"""The model's label sets: BIO tags over every canonical field key plus four structure tags, or over roles.

Two designs (``LABEL_SCHEMES``), told apart by a checkpoint's own ``id2label``:

- ``keys``: value cells are tagged with the field key itself (``B-requests.new.natural``), so a labelled
  span is a ``Cell`` without any further mapping, and the model must know the template's order.
- ``roles``: value cells (numbers and empty-cell marks) are tagged ``VALUE`` whatever their field; the rule
  layer, which knows the schema, maps each to a key by the printed row it lies in and its place in the row
  (``model.placement``).  A dropped row or a blank cell then moves no other cell's key.

The structure tags (``ROW`` row label, ``COL`` column header,
``SEC`` section or block heading, ``NOISE`` page furniture) are there to give the model something to say
about the table scaffolding, which the value tags depend on.  The list is derived from the schema, never
written out, and is saved in the checkpoint's ``id2label`` so a checkpoint carries its own label set.
"""
from __future__ import annotations

from nianbao.schema import all_field_keys

OUTSIDE = "O"
STRUCTURE_TAGS = ("ROW", "COL", "SEC", "NOISE")
VALUE_TAG = "VALUE"  # the ``roles`` scheme's one tag for every value cell
LABEL_SCHEMES = ("keys", "roles")

# Generated-example span kinds (ARCHITECTURE.md) -> tag; ``value`` spans are tagged with their key.
# A block label such as 第二十条第（五）项 heads a group of rows the way a section heading heads a table,
# so it shares the SEC tag.
KIND_TAGS = {"row": "ROW", "column": "COL", "section": "SEC", "block": "SEC", "noise": "NOISE"}


def label_list(scheme: str = "keys") -> list[str]:
    """``O``, then B-/I- for every field key of both templates (``keys``) or for ``VALUE`` (``roles``), then
    B-/I- for each structure tag."""
    if scheme not in LABEL_SCHEMES:
        raise ValueError(f"unknown label scheme {scheme!r}: expected one of {', '.join(LABEL_SCHEMES)}")
    labels = [OUTSIDE]
    for tag in (*(all_field_keys() if scheme == "keys" else (VALUE_TAG,)), *STRUCTURE_TAGS):
        labels += [f"B-{tag}", f"I-{tag}"]
    return labels


def scheme_of(labels) -> str:
    """The scheme of a label set (a checkpoint's labels or ``label2id``)."""
    return "roles" if f"B-{VALUE_TAG}" in labels else "keys"


def span_tag(span: dict, scheme: str = "keys") -> str:
    """The tag (without B-/I-) of one generated-example span."""
    if span["kind"] == "value":
        return span["key"] if scheme == "keys" else VALUE_TAG
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
        if tag in (OUTSIDE, VALUE_TAG) or not is_field_tag(tag):  # a roles value names no row or column
            row, column, segment = tag, tag, label
        else:
            row, column = tag.rsplit(".", 1)[0], f"{tag.split('.', 1)[0]}:{tag.rsplit('.', 1)[1]}"
            segment = label[:2] + "field"
        row_ids.append(rows.setdefault(row, len(rows)))
        column_ids.append(columns.setdefault(column, len(columns)))
        segment_ids.append(segments.setdefault(segment, len(segments)))
    return row_ids, column_ids, segment_ids
