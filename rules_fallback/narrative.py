"""Counts the report's prose states about its own tables, and how they bear on the tables.

Section 一 usually retells the tables in sentences: "全年收到公民、法人和其他组织政府信息公开申请共44件",
"保留部门规范性文件181件，废止25件", "全年制发厅规范性文件1件、废止1件".  Such a statement is evidence, not
a cell: it may choose between the cuts of a glued run that the table's own sums leave open
(``settle_by_narrative``), and it is checked against the table (``narrative_checks``, rule
``text_vs_table``), but a printed cell is never replaced by it — the two disagree in real reports
(洪泽区 2024: the prose counts 17 applications its office received, the table 95 for the whole body).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nianbao.records import Check, Field
from nianbao.text import Document
from rules_fallback.tables import CONFIDENCE, RowReading, cell_value

# A statement lies within one sentence, which a PDF's text may break over lines anywhere ("受理政府\n信息公开申请").
_CLAUSE = r"[^。；;！!？?]"


def _loose(phrase: str) -> str:
    """``phrase`` with any whitespace allowed between its characters."""
    return r"\s*".join(map(re.escape, phrase))


def _count(name: str = "value") -> str:
    return rf"(?P<{name}>\d{{1,7}})\s*件"


_COUNT = _count()
_CASES = r"(?P<value>\d{1,7})\s*(?:件|起|宗)"
_DOCUMENTS = _loose("规范性文件")
_SUITS = ("suit_direct.total", "suit_after_review.total")
_NONE_HAPPENED = r"(?:未发生|没有发生|未出现|没有出现|未有)[^\d。；;]{0,30}?"


def _both_templates(keys: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {"2019": keys, "2021": keys}
# (keys by template, pattern); a pattern's one matching named group is the count, and a pattern without one
# states a count of none.  A statement of several keys states their sum.
_STATEMENTS: tuple[tuple[dict[str, tuple[str, ...]], re.Pattern], ...] = tuple(
    (keys, re.compile(pattern)) for keys, pattern in (
        (_both_templates(("requests.new.total",)),
         rf"(?:收到|受理|新收){_CLAUSE}{{0,24}}?{_loose('政府信息公开申请')}\s*(?:共|总计|合计)?\s*{_COUNT}"),
        (_both_templates(("requests.carried_over.total",)),
         rf"{_loose('上年')}(?:度)?\s*{_loose('结转')}{_CLAUSE}{{0,12}}?{_COUNT}"),
        (_both_templates(("requests.carry_forward.total",)),
         rf"{_loose('结转')}(?:至)?\s*下(?:一)?\s*年度(?:继续办理)?[^\d。；;]{{0,6}}{_COUNT}"),
        ({"2019": ("active.normative.new_made",), "2021": ("active.normative.issued",)},
         rf"(?:制发|印发|出台|制定)的?[^\d。；;]{{0,8}}?{_DOCUMENTS}\s*{_COUNT}"),
        ({"2021": ("active.normative.in_force",)},
         rf"(?:保留|现行有效)[^\d。；;]{{0,8}}?{_DOCUMENTS}\s*{_COUNT}"),
        ({"2021": ("active.normative.repealed",)},
         rf"{_DOCUMENTS}{_CLAUSE}{{0,40}}?(?:废止\s*{_COUNT}|{_count('value_before')}(?:予以)?废止)"),
        (_both_templates(("review.total",)), rf"{_loose('行政复议')}[^\d。；;，,]{{0,10}}?{_CASES}"),
        (_both_templates(_SUITS), rf"{_loose('行政诉讼')}[^\d。；;，,]{{0,10}}?{_CASES}"),
        # "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况": none of either.
        (_both_templates(("review.total",)), rf"{_NONE_HAPPENED}{_loose('行政复议')}"),
        (_both_templates(_SUITS), rf"{_NONE_HAPPENED}{_loose('行政诉讼')}"),
    ))


@dataclass(frozen=True)
class Statement:
    """The prose says the fields ``keys`` add up to ``value``: ``text`` is what the reader's text prints at
    ``start:end`` (offsets into ``Document.text``, as a field's are)."""

    keys: tuple[str, ...]
    value: int
    start: int
    end: int
    text: str


def read_statements(doc: Document, template: str, tables: list[tuple[int, int]]) -> list[Statement]:
    """Every statement of the prose (outside the ``tables`` regions of ``doc.norm``) about a field of
    ``template``.  A key stated twice with two values is ambiguous and left out.
    """
    norm = doc.norm
    found: dict[tuple[str, ...], Statement | None] = {}
    for keys_by_template, pattern in _STATEMENTS:
        keys = keys_by_template.get(template)
        if keys is None:
            continue
        for match in pattern.finditer(norm):
            group = next((name for name, value in match.groupdict().items() if value is not None), None)
            if any(start <= match.start(group or 0) < end for start, end in tables):
                continue
            start, end = doc.text_span(*match.span())
            statement = Statement(keys, int(match[group]) if group else 0, start, end, doc.text[start:end])
            known = found.get(keys, statement)
            found[keys] = statement if known is not None and known.value == statement.value else None
    return [statement for statement in found.values() if statement is not None]


def agrees(statement: Statement, values: dict[str, float | None]) -> bool | None:
    """Whether cells with these ``values`` say what the statement says; None if one of its cells is unknown."""
    terms = [values.get(key) for key in statement.keys]
    if any(term is None for term in terms):
        return None
    return abs(sum(terms) - statement.value) < 1e-6


def narrative_checks(statements: list[Statement], fields: dict[str, Field]) -> list[Check]:
    """One ``text_vs_table`` check per statement whose fields the record has."""
    checks = []
    values = {key: field.value for key, field in fields.items()}
    for statement in statements:
        if not all(key in fields for key in statement.keys):
            continue
        ok = agrees(statement, values)
        table = sum(values[k] for k in statement.keys) if ok is not None else None
        where = " + ".join(statement.keys)
        said = re.sub(r"\s*\n\s*", "", statement.text)  # a PDF's line wrap is not in the sentence
        message = ("" if ok else f"the text says “{said}” (at {statement.start}) but the table "
                                 + ("prints nothing there" if ok is None else f"prints {table:g}"))
        checks.append(Check("text_vs_table", where, ok, statement.value, table, list(statement.keys), message))
    return checks


def settle_by_narrative(readings: list[RowReading], statements: list[Statement]) -> None:
    """Keep, of a row's cuts that its sums leave open, those the prose agrees with; one left settles the row.

    "保留部门规范性文件181件，废止25件" leaves one of the cuts of '725181' (issued | repealed | in force): 7|25|181.
    """
    for reading in readings:
        if len(reading.candidates) < 2:
            continue
        about = [s for s in statements if set(s.keys) <= set(reading.keys)]
        if not about:
            continue

        def says(cells) -> bool:
            values = {key: None if cell is None else cell_value(cell) for key, cell in zip(reading.keys, cells)}
            return all(agrees(statement, values) for statement in about)

        kept = [cells for cells in reading.candidates if says(cells)]
        if not kept or len(kept) == len(reading.candidates):
            continue
        reading.candidates = kept
        if len(kept) == 1:
            for cell in kept[0]:
                if cell is not None:
                    cell.confidence = CONFIDENCE["split_by_narrative"]
            reading.notes.append(f"{reading.name}: glued digits cut as the text says: "
                                 + "; ".join(repr(s.text) for s in about))
