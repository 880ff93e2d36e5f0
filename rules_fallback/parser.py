"""The pure-rule labeller: a report's normalised text -> labelled cells of its three tables.

``label_cells`` is what the pipeline calls for the rule system (and what the hybrid system falls back
on): it detects the template, finds the table sections wherever they are numbered, reads every row,
and says in ``warnings`` what it could not read — an ambiguous glued row, a section printed as a
sentence instead of a table, a report without tables.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from nianbao.contracts import PrintedRows, TableFacts
from nianbao.records import Cell
from nianbao.schema import load_schema
from nianbao.text import Document
from nianbao.variants import Variant
from rules_fallback.labels import find_labels, mask_labels
from rules_fallback.narrative import Statement, read_statements, settle_by_narrative
from rules_fallback.pages import blank_page_furniture
from rules_fallback.readings import table_facts
from rules_fallback.sections import Region, find_regions
from rules_fallback.tables import RowReading, read_labelled_rows, read_review_rows, resolve_with_table_rules
from rules_fallback.template import detect_template

_SENTENCE = re.compile(r"[^。\n]*[。\n]?")
# A number that could be a cell: not a year (2020年), not a list or heading number (1.  （4）  4、).
_CELL_NUMBER = re.compile(r"(?<![\d.])\d+(?![\d.年）)、])")


@dataclass
class RuleLabels:
    """What the rule layer read: the template variant, the labelled cells (offsets into ``Document.norm``),
    warnings."""

    variant: Variant
    cells: list[Cell] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Sections whose heading is printed but no table under it ("本年度未发生行政复议…"), or that are not in the
    # text at all (neither heading nor row labels): their fields are null, whatever numbers the prose holds.
    tableless: list[str] = field(default_factory=list)
    # Where each table section found lies: (start, end) in ``Document.norm``, from its heading (or its first
    # row label) to the next heading.
    regions: dict[str, tuple[int, int]] = field(default_factory=dict)
    # What the prose says of the tables' counts ("全年收到…申请共44件"): evidence and a check, never a cell.
    statements: list[Statement] = field(default_factory=list)
    open_rows: list[RowReading] = field(default_factory=list)
    # Every table row found, in text order, with where its cells are printed: what the model's cells are
    # mapped onto when it finds cells without naming their fields (``model.placement``).
    printed_rows: list[PrintedRows] = field(default_factory=list)

    def field_keys(self) -> tuple[str, ...]:
        """The keys of the detected template (with （六） as one row when collapsed): what the model may label."""
        return self.variant.keys

    def open_keys(self) -> frozenset[str]:
        """The keys of rows the text leaves open: glued runs that cut several ways nothing tells apart."""
        return frozenset(key for reading in self.open_rows for key in reading.keys)

    def tableless_keys(self) -> set[str]:
        """The keys of the sections that print no table."""
        return {key for section in self.tableless for key in self.variant.section_keys(section)}

    def table_facts(self, sections: Iterable[str] | None = None) -> TableFacts:
        """What a labeller is told of this report's tables (``nianbao.contracts.TableFacts``).

        ``sections``: the table sections it is to read (default: every one), whose keys are then the only
        ones its cells may take and whose tables all it need read.
        """
        facts = table_facts(self.variant, self.key_regions(), self.printed_rows)
        if sections is None:
            return facts
        wanted = set(sections)
        sections = [section for section in self.variant.spec.prefixes if section in wanted]
        return replace(facts, keys=[key for section in sections for key in self.variant.section_keys(section)],
                       read=sorted(self.regions[section] for section in sections if section in self.regions))

    def key_regions(self) -> dict[str, tuple[int, int]]:
        """For each key of a section found, where its table lies: its cells are there and nowhere else."""
        return {key: region for section, region in self.regions.items()
                for key in self.variant.section_keys(section)}


def _add_printed_row(printed: list[PrintedRows], reading: RowReading) -> None:
    if reading.extent is None:
        return
    columns = {cell.start: cell.key for cell in reading.resolved or () if cell is not None}
    if printed and (printed[-1].start, printed[-1].end) == reading.extent:
        printed[-1] = printed[-1]._replace(rows=(*printed[-1].rows, tuple(reading.keys)),
                                           columns={**printed[-1].columns, **columns})
    else:
        printed.append(PrintedRows((tuple(reading.keys),), *reading.extent, columns))


def _section_label(section: str) -> str:
    return next(s["label"] for s in load_schema()["sections"] if s["key"] == section)


def _first_sentence(norm: str, region: Region) -> str:
    text = norm[region.start:region.end].strip()
    return _SENTENCE.match(text).group().strip()[:80]


def label_cells(doc: Document) -> RuleLabels:
    """Label the printed cells of ``doc``'s tables; fields that cannot be read are left out and warned about."""
    norm = doc.norm
    variant = detect_template(norm)
    template = variant.spec
    rules = list(variant.equations)
    page = blank_page_furniture(norm)
    labels = find_labels(page)
    masked = mask_labels(page, labels)
    regions = find_regions(page, labels, template)
    result = RuleLabels(variant,
                        regions={section: (region.start, region.end) for section, region in regions.items()})
    readings: dict[str, list[RowReading]] = {}
    # Section 四 has one row, so the spacing of a table printed one cell a line is taken from section 三,
    # which is read before it.
    layout = None
    for section, region in regions.items():
        rows = variant.section_rows(section)
        if section == "review":
            keys = list(variant.section_keys(section))
            readings[section] = read_review_rows(norm, masked, region, template, rows, keys,
                                                 f"section {_section_label(section)}", rules, layout)
        else:
            table = read_labelled_rows(norm, masked, region, template, rows, rules)
            readings[section] = table.rows
            if section == "requests":
                layout = table.layout
    resolve_with_table_rules(readings.get("requests", []), rules)
    result.statements = read_statements(doc, variant.template, list(result.regions.values()))
    settle_by_narrative([r for section in readings.values() for r in section], result.statements)

    for section in template.prefixes:
        _collect_section(result, section, readings.get(section, []), regions.get(section), norm)
    if not any(readings.values()):
        result.warnings.insert(0, "no report tables were found: no table rows or cells in the text "
                                  "(the tables may have been images or left out of the text)")
    return result


def _collect_section(result: RuleLabels, section: str, readings: list[RowReading], region: Region | None,
                     norm: str) -> None:
    """Add one section's rows to ``result``: its cells, printed rows and open rows, and the warnings that
    say what of it could not be read (no heading, no table, a row whose glued digits cut several ways)."""
    name = _section_label(section)
    found = [r for r in readings if any(c is not None for cand in r.candidates for c in cand) or r.notes]
    if region is None:
        result.tableless.append(section)
        result.warnings.append(f"no heading of section {name} found; its fields are null")
    elif region.by_content:
        result.warnings.append(f"no heading of section {name} found; its table was read where its labels are")
    elif not found and _CELL_NUMBER.search(norm, region.start, region.end):
        result.warnings.append(f"section {name}: numbers are printed but no table row was read; its fields "
                               "are null")
    elif not found:
        result.tableless.append(section)
        said = _first_sentence(norm, region)
        result.warnings.append(f"section {name} prints no table"
                               + (f" (it says: {said!r})" if said else "") + "; its fields are null")
    for reading in readings:
        _add_printed_row(result.printed_rows, reading)
        result.warnings.extend(reading.notes)
        cells = reading.resolved
        if cells is not None:
            result.cells.extend(c for c in cells if c is not None)
        if reading.open:
            result.open_rows.append(reading)
        if cells is None and len(reading.candidates) > 1 and not reading.notes:
            ways = " | ".join(" ".join(c.raw if c else "·" for c in cand) for cand in reading.candidates[:4])
            result.warnings.append(f"{reading.name}: glued digits can be cut {len(reading.candidates)} ways "
                                   f"that fit the table's sums ({ways}); row left out")
