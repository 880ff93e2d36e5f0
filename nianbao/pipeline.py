"""One report from document to record: labellers -> mapping -> reconciliation -> checks -> Report.

``system`` chooses the labeller: ``rules`` (the rule layer alone), ``model`` (the token-classification
model's cells mapped by the rule layer's mapping, no rule fallback; the rule layer only tells the model
where each table lies, how many cells a glued row has and which cuts of it add up) or ``hybrid`` (both,
reconciled field by field by ``nianbao.hybrid``; a table section the rules settle is theirs, and the model
does not read it).  The template is detected from the printed layout by the rule layer in every system.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from nianbao.confidence import apply_calibration, features_by_key, load_calibration
from nianbao.hybrid import reconcile, settled_sections
from nianbao.records import Cell, Check, Field, Report
from nianbao.systems import SYSTEMS
from nianbao.text import Document
from rules_fallback.checks import run_checks
from rules_fallback.mapping import cells_to_fields
from rules_fallback.meta import read_meta
from rules_fallback.narrative import narrative_checks
from rules_fallback.parser import RuleLabels, label_cells


@lru_cache(maxsize=1)
def default_labeller(threads: int = 0):
    """The shipped model, loaded once per process (FileNotFoundError when no checkpoint is installed);
    ``threads`` per forward pass (0: ``OMP_NUM_THREADS`` or the runtime's default)."""
    from model.inference import Labeller

    return Labeller.load(threads=threads)


def parse_document(doc: Document, system: str = "hybrid", labeller=None) -> Report:
    """Parse one read document with the chosen system; confidences are calibrated where a calibration exists.

    ``labeller`` replaces the shipped model (``default_labeller``), so a new checkpoint can be scored
    beside it before it is installed (``training.gate``); its confidences are then its own checkpoint's.
    """
    parsed = parse_with_evidence(doc, system, labeller)
    for decided_by in set(parsed.decided_by.values()):
        fields = {key: field for key, field in parsed.report.fields.items() if parsed.decided_by[key] == decided_by}
        apply_calibration(decided_by, fields, parsed.features,
                          calibration_of(labeller if decided_by != "rules" else None))
    return parsed.report


def calibration_of(labeller) -> dict | None:
    """The calibration fitted for the labeller in use: the one in its checkpoint (none for a model not loaded
    from one), and the installed checkpoint's when none is given (the shipped model, or the rule layer alone)."""
    if labeller is None:
        return load_calibration()
    return load_calibration(labeller.checkpoint) if labeller.checkpoint is not None else None


@dataclass
class Parsed:
    """A record with raw confidences, each field's evidence (``nianbao.confidence.FEATURES``), and per field
    the system whose calibration fits that evidence: ``rules`` for a field of a section the rules settled
    in a hybrid parse."""

    report: Report
    features: dict[str, list[float]]
    decided_by: dict[str, str]


def parse_with_evidence(doc: Document, system: str, labeller=None) -> Parsed:
    """The record before calibration, and the evidence its confidences are calibrated from.

    The hybrid runs the model only on the table sections the rules did not settle
    (``hybrid.settled_sections``), and not at all where they settled every one.
    """
    if system not in SYSTEMS:
        raise ValueError(f"unknown system {system!r}: expected one of {', '.join(SYSTEMS)}")
    rules = label_cells(doc)
    warnings = [*doc.warnings, *rules.warnings]
    rule_fields = model_fields = rule_checks = None
    sections = settled = None  # the sections the model reads (None: the whole text), and those it does not
    if system in ("rules", "hybrid"):
        rule_fields, mapping_warnings = cells_to_fields(doc, rules.variant, rules.cells)
        warnings.extend(mapping_warnings)
        rule_checks = _checks(rules, rule_fields)
        if system == "hybrid":
            settled = settled_sections(rules.variant, rule_fields, rule_checks, rules.open_keys(), rules.tableless)
            if settled.issuperset(rules.variant.spec.prefixes):
                system = "rules"
            elif settled - set(rules.tableless):
                sections = [section for section in rules.variant.spec.prefixes if section not in settled]
    if system in ("model", "hybrid"):
        cells = model_cells(doc, rules, labeller or default_labeller(), sections)
        model_fields, mapping_warnings = cells_to_fields(doc, rules.variant, cells)
        warnings.extend(f"model: {warning}" for warning in mapping_warnings)
    rules_keys = frozenset()  # the fields the rules' reading stands for alone
    if system == "hybrid":
        rules_keys = frozenset(key for section in settled for key in rules.variant.section_keys(section))
        fields, choices = reconcile(rules.variant, rule_fields, model_fields, settled=rules_keys)
        warnings.extend(choices)
    else:
        fields = rule_fields if system == "rules" else model_fields
    checks = rule_checks if fields is rule_fields else _checks(rules, fields)
    report = Report(source=doc.source, template=rules.variant.template, meta=read_meta(doc), fields=fields,
                    checks=checks, warnings=warnings)
    if model_fields is not None and rules_keys:  # evidence as though the model had not run there
        model_fields = {key: field for key, field in model_fields.items() if key not in rules_keys}
    features = features_by_key(fields, rule_fields, model_fields, checks, rules.open_keys())
    return Parsed(report, features, {key: "rules" if key in rules_keys else system for key in fields})


def _checks(rules: RuleLabels, fields: dict[str, Field]) -> list[Check]:
    """The template's arithmetic and what the prose says of the tables, checked on ``fields``."""
    return run_checks(rules.variant, fields) + narrative_checks(rules.statements, fields)


def found_report(report: Report) -> bool:
    """Whether any table cell of a report was read: a text without one (a news page, a report whose
    tables are pictures) is not a report, however its fields came out."""
    return any(field.raw is not None for field in report.fields.values())


def model_cells(doc: Document, rules: RuleLabels, labeller, sections=None) -> list[Cell]:
    """The model's cells of ``doc`` for the template the rule layer detected, each in the table of its
    section where the rule layer found that table; a glued run that is not read as a whole printed row
    whose sums hold is re-cut by the model among the cuts that are, and where several are, the one that
    keeps the table's columns is taken (``model.decoding.recut_glued_runs``).  ``sections``: the table
    sections to read, only their tables (None: every section, the whole text)."""
    return labeller.label(doc, rules.table_facts(sections))
