"""Reconcile the model's and the rules' readings of a report into one set of fields.

Policy (documented in the README):

-1. A table section the rules read whole is the rules' reading, and the model does not read it
   (``settled_sections``): a cell was read in every row of it, every cell its arithmetic needs was read,
   every check through it holds, and none of its printed rows cuts two ways.  A report whose every
   section is settled is the rules' record, and the model is not run.
0. A section whose heading is printed with no table under it, or that is not in the text at all (the
   rule layer says so), has null fields, whatever cells the model finds: digits in prose are years,
   case numbers and counts of other things.
1. Where both readings give the same value, it stands (``by="both"``).
2. Where they differ, the printed arithmetic chooses: for every row that has a sum rule (the six
   applicant columns add up to 总计; a review group's four results add up to its 总计) the reading whose
   row satisfies the rule wins; then every column rule (new + carried_over = total + carry_forward,
   results add up to 总计) that still fails is retried with the other reading of each disputed cell in
   it, and a switch is kept only if it makes the column add up without breaking its row and does not
   read a printed cell the rules gave to another field.
3. Where the arithmetic cannot decide, a reading that found a printed cell beats one that found nothing,
   which beats a model cell on text the rules read as another field (the model gives every cell some
   key, so a cell whose own key is taken lands on a free one, typically a field of a table the report
   does not print); then the more confident reading wins, and between equally sure readings, the rules'.

Both candidates are readings of the printed text: nothing is computed into a cell, so a report whose
printed numbers are wrong keeps them and its checks fail.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import NamedTuple

from nianbao.records import Check, Field
from nianbao.variants import Equation, Variant


def settled_sections(variant: Variant, fields: dict[str, Field], checks: list[Check], open_keys: frozenset[str],
                     tableless: Iterable[str]) -> set[str]:
    """The table sections whose reading by the rules leaves the model nothing to decide.

    A section is settled when it prints no table (``tableless``: its fields are null whatever the model
    reads), or when the rules found a cell in every printed row of it (a row with no cell found may be one
    they missed; section 二's rows are in no check), a printed cell for every key of every check through
    it (a check a missing cell leaves open could be one the model completes), every such check holds, and
    no glued row of it cuts several ways.  In a text where the rules read no cell, only the sections
    without a table are settled.
    Measured on the seeds, real-dev, the gate's 180 generated reports and 420 more (seed 7777), 621 in
    all (``benchmarks/settled_reports.py``): 585 settle section 二, 558 section 三, 593 section 四, and 526
    every section; against the hybrid with the model reading the whole text and every section, the fields
    where exactly one of the two is right are 58, the hybrid's in 35, nearly all of both on glued rows.
    """
    settled = set(tableless)
    if not any(field.start is not None for field in fields.values()):
        return settled
    for section in variant.spec.prefixes:
        keys = set(variant.section_keys(section))
        if section in settled or keys & open_keys:
            continue
        rows = [row for row in variant.rows if keys.issuperset(row)]
        if not all(any(fields[key].start is not None for key in row) for row in rows):
            continue
        if all(check.ok is not False and all(fields[key].start is not None for key in check.keys)
               for check in checks if keys.intersection(check.keys)):
            settled.add(section)
    return settled


def _same(a: Field, b: Field) -> bool:
    if a.value is None or b.value is None:
        return a.value is None and b.value is None
    return abs(a.value - b.value) < 1e-9


def _state(eq: Equation, fields: dict[str, Field]) -> int:
    """+1 the equation holds, -1 it is broken, 0 a cell is null (cannot tell)."""
    return eq.state({key: fields[key].value for key in eq.keys})


def _owners(fields: dict[str, Field]) -> dict[int, str]:
    """Character offset -> the key whose cell covers it, for every cell of a reading."""
    return {offset: key for key, field in fields.items() if field.start is not None
            for offset in range(field.start, field.end)}


def _evidence(key: str, field: Field, rule_owners: dict[int, str]) -> int:
    """1 a reading found a printed cell for ``key``, 0 it found none, -1 its cell is one the rules read as another field.

    The model, giving every cell it sees a key, pushes a cell whose own key is taken onto a free one (often a
    field of a table the report does not print); such a reading is worth less than none, and the rules'
    reading of that text stands.
    """
    if field.start is None:
        return 0
    owned = all(rule_owners.get(offset, key) == key for offset in range(field.start, field.end))
    return 1 if owned else -1


def _reads_twice(fields: dict[str, Field], key: str) -> bool:
    """Whether the cell of ``key`` is also (part of) the cell of another field: one printed cell read twice."""
    field = fields[key]
    if field.start is None:
        return False
    return any(other.start is not None and other.start < field.end and field.start < other.end
               for name, other in fields.items() if name != key)


def _preference(key: str, field: Field, rule_owners: dict[int, str]) -> tuple:
    """How much a reading is worth when the arithmetic is silent: its evidence first, then confidence."""
    return (_evidence(key, field, rule_owners), field.confidence)


class _RowCandidate(NamedTuple):
    """One reader's cells for the disputed keys of a row with a sum rule, and what ranks it (``rank``)."""

    adds_up: bool  # the row's sum holds, every cell read once
    evidence: int  # the readings' ``_evidence``, summed over the disputed keys
    confidence: float  # their confidences, summed
    is_rules: bool  # the tie-break: between equally good readings, the rules'
    fields: dict[str, Field]  # every field, with this reader's cells for the disputed keys

    def rank(self) -> tuple:
        return self.adds_up, self.evidence, self.confidence, self.is_rules


def reconcile(variant: Variant, rule_fields: dict[str, Field], model_fields: dict[str, Field],
              settled: set[str] = frozenset()) -> tuple[dict[str, Field], list[str]]:
    """One field per key, chosen from the two readings by the policy above; warnings name the choices.

    For the ``settled`` keys (the sections the rules see printed without a table, or not at all) the rules'
    reading stands.
    """
    fields: dict[str, Field] = {}
    disputed: set[str] = set()
    owners = _owners(rule_fields)
    for key, rule in rule_fields.items():
        model = model_fields[key]
        if key in settled:
            fields[key] = rule
        elif _same(rule, model):
            both = rule.start is not None and model.start is not None
            base = rule if rule.start is not None else model
            fields[key] = replace(base, by="both" if both else base.by,
                                  confidence=max(rule.confidence, model.confidence))
        else:
            disputed.add(key)
            fields[key] = max((rule, model), key=lambda reading: _preference(key, reading, owners))

    eqs = variant.equations
    row_eqs = [eq for eq in eqs if eq.per == "row"]
    row_of = {key: eq for eq in row_eqs for key in eq.keys}
    for eq in row_eqs:
        keys = [key for key in eq.keys if key in disputed]
        if not keys:
            continue
        readings = []
        for source in (rule_fields, model_fields):
            trial = dict(fields)
            trial.update({key: source[key] for key in keys})
            # Only a row that adds up is evidence: a reading that leaves a cell empty ("cannot tell") is
            # no better than one whose printed numbers do not add up, which reports do print; nor is a
            # sum reached by reading one printed cell as two fields.
            adds_up = _state(eq, trial) == 1 and not any(_reads_twice(trial, k) for k in keys)
            readings.append(_RowCandidate(adds_up, sum(_evidence(k, source[k], owners) for k in keys),
                                          sum(source[k].confidence for k in keys), source is rule_fields, trial))
        best = max(readings, key=_RowCandidate.rank)
        fields.update({key: best.fields[key] for key in keys})

    warnings = []
    for eq in eqs:
        if eq in row_eqs or _state(eq, fields) == 1:
            continue
        for key in [k for k in eq.keys if k in disputed]:
            other = model_fields[key] if fields[key] is rule_fields[key] else rule_fields[key]
            trial = dict(fields)
            trial[key] = other
            row = row_of.get(key)
            if _state(eq, trial) == 1 and (row is None or _state(row, trial) >= _state(row, fields)) \
                    and not _reads_twice(trial, key):
                fields[key] = other
                warnings.append(f"{key}: took the {other.by} reading {other.raw!r}, which makes {eq.rule} "
                                f"hold at {eq.where}")
                break
    return fields, warnings
