"""What kind of failure each wrong field is: the error analysis of the model card.

A wrong field is put in the first kind that fits, comparing where the parser read it with where the gold
value is printed (the gold values placed in the text by ``training.annotations.align_gold``, which finds
each among the rule layer's cells) and with where the rule layer found the tables:

- ``missed``: the value is printed, the parser read nothing for the field;
- ``prose digit``: read from the text outside every table;
- ``right cell, wrong key``: read from exactly the cell where another field's value is printed;
- ``wrong cut``: read from part of a printed cell, or from across two (a glued run cut elsewhere);
- ``blank read as a value``: the field is blank (gold null) and the parser read a cell for it anyway;
- ``table digit that is no cell``: read from the table's text where no field's value is printed (a row
  number, a page number);
- ``other``: the rest (the right place, read as another value).
"""
from __future__ import annotations

from collections import Counter

from nianbao.text import Document

KINDS = ("missed", "prose digit", "right cell, wrong key", "wrong cut", "blank read as a value",
         "table digit that is no cell", "other")


def gold_places(doc: Document, gold_fields: dict) -> dict[str, tuple[int, int]]:
    """key -> (start, end) in ``doc.text`` of the printed cell holding its gold value, where one place is known."""
    from rules_fallback.parser import label_cells
    from training.annotations import align_gold

    alignment = align_gold(doc, gold_fields, label_cells(doc).cells)
    return {span["key"]: doc.text_span(span["start"], span["end"]) for span in alignment.spans}


def table_spans(doc: Document) -> list[tuple[int, int]]:
    """Where the rule layer found the report's tables, in ``doc.text``."""
    from rules_fallback.parser import label_cells

    return [doc.text_span(start, end) for start, end in label_cells(doc).regions.values()]


def mismatch_kinds(doc: Document, gold_fields: dict, predicted_fields: dict, ambiguous=frozenset()) -> Counter:
    """How many of the wrongly read fields of one report are of each kind (``KINDS``)."""
    from evaluate.scoring import same_value

    places = gold_places(doc, gold_fields)
    tables = table_spans(doc)
    kinds: Counter = Counter()
    for key, gold in gold_fields.items():
        field = predicted_fields.get(key) or {}
        if key in ambiguous or same_value(gold, field.get("value")):
            continue
        start, end = field.get("start"), field.get("end")
        if start is None or field.get("raw") is None:
            kinds["missed" if gold is not None else "other"] += 1
        elif not any(first <= start < last for first, last in tables):
            kinds["prose digit"] += 1
        elif any(place == (start, end) for other, place in places.items() if other != key):
            kinds["right cell, wrong key"] += 1
        elif any(first < end and start < last for first, last in places.values()):
            kinds["wrong cut"] += 1
        elif gold is None:
            kinds["blank read as a value"] += 1
        elif places.get(key) == (start, end):
            kinds["other"] += 1
        else:
            kinds["table digit that is no cell"] += 1
    return kinds
