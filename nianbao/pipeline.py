"""One report from document to record: labeller -> mapping -> checks -> Report.

``system`` chooses the labeller: ``rules`` (the rule layer alone), ``model`` (the token-classification
model's cells mapped by the rule layer, no rule fallback) or ``hybrid`` (both, reconciled field by field;
see ``nianbao.hybrid``).
"""
from __future__ import annotations

from pathlib import Path

from nianbao.records import Report
from nianbao.text import Document
from rules_fallback.checks import run_checks
from rules_fallback.mapping import cells_to_fields
from rules_fallback.meta import read_meta
from rules_fallback.parser import label_cells

SYSTEMS = ("rules", "model", "hybrid")
PARSER_VERSION = "0.1.0"


def parse_document(doc: Document, system: str = "hybrid") -> Report:
    """Parse one read document with the chosen system."""
    if system not in SYSTEMS:
        raise ValueError(f"unknown system {system!r}: expected one of {', '.join(SYSTEMS)}")
    rules = label_cells(doc)
    warnings = list(rules.warnings)
    if system == "rules":
        fields, mapping_warnings = cells_to_fields(doc, rules.template, rules.collapsed, rules.cells)
    else:
        from nianbao.hybrid import label_with_model

        fields, mapping_warnings = label_with_model(doc, rules, system)
    warnings.extend(mapping_warnings)
    checks = run_checks(rules.template, rules.collapsed, fields) if rules.template else []
    return Report(source=doc.source, template=rules.template, meta=read_meta(doc), fields=fields,
                  checks=checks, warnings=warnings)


def parse_path(path: str | Path, system: str = "hybrid") -> Report:
    """Read and parse one file (any format the readers know)."""
    from nianbao.readers import read_document

    return parse_document(read_document(path), system)


def system_version(system: str) -> str:
    """A string that changes whenever the output of ``system`` may change (parser version, model checkpoint)."""
    if system == "rules":
        return f"rules-{PARSER_VERSION}"
    from model.inference import checkpoint_version

    return f"{system}-{PARSER_VERSION}-{checkpoint_version()}"
