"""The record types every folder shares: a labelled cell, a parsed field, and a parsed report.

A ``Cell`` is what a labeller (the model or the rule layer) says about a span of the normalised text:
"this span is the value of field K".  The rule layer turns cells into ``Field`` values; a ``Report`` is
the output record (ARCHITECTURE.md, "Contracts").
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Cell:
    """A labelled span of the normalised text; ``start``/``end`` index ``Document.norm``."""

    key: str  # a field key, e.g. "requests.new.natural"
    start: int
    end: int
    raw: str
    confidence: float = 1.0
    by: str = "rules"  # "model", "rules" or "both"


@dataclass
class Field:
    """One field of the output record; ``start``/``end`` index the reader's text (``Document.text``)."""

    value: int | float | None
    raw: str | None = None
    start: int | None = None
    end: int | None = None
    confidence: float = 0.0
    by: str | None = None


@dataclass
class Check:
    """One consistency rule (勾稽关系) applied to one row or column."""

    rule: str
    where: str  # the row or column the rule was applied to
    ok: bool | None  # None: not checkable (a cell is null)
    lhs: float | None
    rhs: float | None
    keys: list[str]
    message: str = ""


@dataclass
class Report:
    """The parsed record of one report, as ``nianbao parse`` writes it."""

    source: str
    template: str | None
    meta: dict
    fields: dict[str, Field]
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "source": self.source,
            "template": self.template,
            "meta": self.meta,
            # vars() rather than dataclasses.asdict: these records hold no nested dataclasses, and asdict's
            # deep copy cost more than parsing the report itself.
            "fields": {key: dict(vars(value)) for key, value in self.fields.items()},
            "checks": [dict(vars(check), keys=list(check.keys)) for check in self.checks],
            "warnings": list(self.warnings),
        }
