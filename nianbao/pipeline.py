"""One report from document to record: labellers -> mapping -> reconciliation -> checks -> Report.

``system`` chooses the labeller: ``rules`` (the rule layer alone), ``model`` (the token-classification
model's cells mapped by the rule layer's mapping, no rule fallback; the rule layer only tells the model
where each table lies, how many cells a glued row has and which cuts of it add up) or ``hybrid`` (both,
reconciled field by field by ``nianbao.hybrid``).  The template is detected from the printed layout by
the rule layer in every system.
"""
from __future__ import annotations

from functools import lru_cache, partial

from model.decoding import TableFacts
from nianbao.confidence import apply_calibration, features_by_key, load_calibration
from nianbao.hybrid import reconcile
from nianbao.provenance import parser_version
from nianbao.records import Cell, Report
from nianbao.text import Document
from rules_fallback.checks import run_checks
from rules_fallback.mapping import cells_to_fields
from rules_fallback.meta import read_meta
from rules_fallback.narrative import narrative_checks
from rules_fallback.parser import RuleLabels, label_cells
from rules_fallback.tables import row_readings, row_specs, table_balance

SYSTEMS = ("rules", "model", "hybrid")


@lru_cache(maxsize=1)
def default_labeller():
    """The shipped model, loaded once per process (FileNotFoundError when no checkpoint is installed)."""
    from model.inference import Labeller

    return Labeller.load()


def parse_document(doc: Document, system: str = "hybrid", labeller=None) -> Report:
    """Parse one read document with the chosen system; confidences are calibrated where a calibration exists.

    ``labeller`` replaces the shipped model (``default_labeller``), so a new checkpoint can be scored
    beside it before it is installed (``training.gate``); its confidences are then its own checkpoint's.
    """
    report, features = parse_with_evidence(doc, system, labeller)
    apply_calibration(system, report.fields, features, calibration_of(labeller if system != "rules" else None))
    return report


def calibration_of(labeller) -> dict | None:
    """The calibration fitted for the labeller in use: the one in its checkpoint (none for a model not loaded
    from one), and the installed checkpoint's when none is given (the shipped model, or the rule layer alone)."""
    if labeller is None:
        return load_calibration()
    return load_calibration(labeller.checkpoint) if labeller.checkpoint is not None else None


def parse_with_evidence(doc: Document, system: str, labeller=None) -> tuple[Report, dict[str, list[float]]]:
    """The record with raw confidences, and each field's evidence (``nianbao.confidence.FEATURES``)."""
    if system not in SYSTEMS:
        raise ValueError(f"unknown system {system!r}: expected one of {', '.join(SYSTEMS)}")
    rules = label_cells(doc)
    warnings = [*doc.warnings, *rules.warnings]
    rule_fields = model_fields = None
    if system in ("rules", "hybrid"):
        rule_fields, mapping_warnings = cells_to_fields(doc, rules.template, rules.collapsed, rules.cells)
        warnings.extend(mapping_warnings)
    if system in ("model", "hybrid"):
        model_fields, mapping_warnings = cells_to_fields(doc, rules.template, rules.collapsed,
                                                         model_cells(doc, rules, labeller or default_labeller()))
        warnings.extend(f"model: {warning}" for warning in mapping_warnings)
    if system == "hybrid":
        fields, choices = reconcile(rules.template, rules.collapsed, rule_fields, model_fields,
                                    settled=rules.tableless_keys())
        warnings.extend(choices)
    else:
        fields = rule_fields if system == "rules" else model_fields
    checks = run_checks(rules.template, rules.collapsed, fields) + narrative_checks(rules.statements, fields)
    report = Report(source=doc.source, template=rules.template, meta=read_meta(doc), fields=fields,
                    checks=checks, warnings=warnings)
    return report, features_by_key(fields, rule_fields, model_fields, checks, rules.open_keys())


def found_report(report: Report) -> bool:
    """Whether any table cell of a report was read: a text without one (a news page, a report whose
    tables are pictures) is not a report, however its fields came out."""
    return any(field.raw is not None for field in report.fields.values())


def model_cells(doc: Document, rules: RuleLabels, labeller) -> list[Cell]:
    """The model's cells of ``doc`` for the template the rule layer detected, each in the table of its
    section where the rule layer found that table; a glued run that is not read as a whole printed row
    whose sums hold is re-cut by the model among the cuts that are, and where several are, the one that
    keeps the table's columns is taken (``model.decoding.recut_glued_runs``)."""
    template, collapsed = rules.template, rules.collapsed
    return labeller.label(doc, TableFacts(keys=rules.field_keys(), where=rules.key_regions(),
                                          readings_for=partial(row_readings, rows=row_specs(template, collapsed)),
                                          balance=partial(table_balance, template=template, collapsed=collapsed),
                                          printed_rows=rules.printed_rows))


def system_version(system: str, labeller=None) -> str:
    """A string that changes whenever the output of ``system`` may change: the parser's code and data
    (``provenance.parser_version``), and every file of the checkpoint in use (``labeller``'s, by default the
    installed one): weights, config, tokenizer and calibration.

    Raises FileNotFoundError for a model-based system when no checkpoint is installed.
    """
    if system == "rules":
        return f"rules-{parser_version()}"
    from model.inference import checkpoint_version

    version = labeller.version if labeller is not None else checkpoint_version()
    if version == "no-model":
        raise FileNotFoundError("no model checkpoint installed in model/checkpoint (run `nianbao train`)")
    return f"{system}-{parser_version()}-{version}"


def check_system(system: str) -> None:
    """Raise ValueError naming what is damaged in the installed model or calibration ``system`` would use.

    A batch calls it before its first file, so a broken install is one error, not one per file.
    """
    load_calibration()
    if system != "rules":
        from model.inference import check_checkpoint

        check_checkpoint()
