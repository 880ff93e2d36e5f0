"""Labelled cells -> the fields of a report: every field of the template, with value, raw text and offsets.

Both labellers (the rules and the model) end here, so this is where a cell's printed text becomes a
value (``values.normalise_value``) and its offsets move from ``Document.norm`` to ``Document.text``.
"""
from __future__ import annotations

from typing import NamedTuple

from nianbao.records import Cell, Field
from nianbao.schema import field_spec
from nianbao.text import Document
from nianbao.variants import Variant
from rules_fallback.values import normalise_value


class MappedFields(NamedTuple):
    """``fields`` (every key of the template, in template order) and what went wrong on the way.

    A tuple, so ``fields, warnings = cells_to_fields(...)`` works.
    """

    fields: dict[str, Field]
    warnings: list[str]


def cells_to_fields(doc: Document, variant: Variant, cells: list[Cell]) -> MappedFields:
    """Map labelled cells to the fields of ``variant``; a key without a cell is ``Field(value=None)``.

    Two cells claiming one key: the more confident is kept (the first of equals) and a warning says so.
    A cell for a key the template does not have, or whose text is not a number, is dropped with a warning.
    A field's ``raw`` is the text as the reader gave it (``doc.text[start:end]``, e.g. "－"), not the
    normalised cell text ("-").
    """
    keys = variant.keys
    known = set(keys)
    chosen: dict[str, Cell] = {}
    warnings: list[str] = []
    for cell in cells:
        if cell.key not in known:
            warnings.append(f"{cell.key} ({cell.raw!r}) is not a field of template {variant.template}"
                            + (" with （六） as one row" if variant.collapsed else "") + "; cell dropped")
            continue
        held = chosen.get(cell.key)
        if held is None:
            chosen[cell.key] = cell
            continue
        keep, drop = (cell, held) if cell.confidence > held.confidence else (held, cell)
        chosen[cell.key] = keep
        warnings.append(f"{cell.key}: two cells claim it ({keep.raw!r} by {keep.by}, confidence "
                        f"{keep.confidence:.2f}; {drop.raw!r} by {drop.by}, {drop.confidence:.2f}); kept {keep.raw!r}")
    fields = {}
    for key in keys:
        cell = chosen.get(key)
        if cell is None:
            fields[key] = Field(value=None)
            continue
        try:
            value = normalise_value(cell.raw, field_spec(key).kind)
        except ValueError as error:
            warnings.append(f"{key}: {error}; value left null")
            value = None
        start, end = doc.text_span(cell.start, cell.end)
        fields[key] = Field(value, doc.text[start:end], start, end, cell.confidence, cell.by)
    return MappedFields(fields, warnings)
