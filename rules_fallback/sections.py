"""Where each table section of a report starts and ends, however the sections are numbered.

The national template puts the tables in sections 二, 三 and 四, but reports renumber them (a title block
or an extra section shifts them to 三/四/五, Arabic numbers "2、" or "3." replace 二、三), rename them, and
mention the same words in their narrative ("（一）主动公开情况").  A section's region runs from its heading
to the next heading of another section; of several headings for one section, the one whose region holds
the most of that table's labels is the table.  A table whose heading is not found at all (renamed past
recognition, or lost by the converter) is found by its content: the densest run of its own labels.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import takewhile

from nianbao.schema import Template
from rules_fallback.labels import Label, is_heading

# A table found by its content: at least this many of its distinct labels, none further apart than
# _MAX_LABEL_GAP characters (a narrative sentence naming 行政复议 and 行政诉讼 is no table).
_MIN_CONTENT_LABELS = 4
_MAX_LABEL_GAP = 400


@dataclass
class Region:
    """The labels of one table section: ``labels`` lie in ``norm[start:end]``.

    ``by_content`` is True for a table found by its labels because the text has no heading for it.
    """

    section: str
    start: int
    end: int
    labels: list[Label]
    by_content: bool = False


def _table_meanings(template: Template, section: str) -> set[tuple[str, str]]:
    """The (kind, key) meanings of the labels printed in one table: its blocks, rows and columns."""
    meanings = set()
    for block in template.block_of_section(section):
        meanings.update(("row", row) for row in block.rows)
        meanings.update(("column", column) for column in block.columns)
        meanings.add(("block", block.label))
        if block.collapsed_into:
            meanings.add(("row", block.collapsed_into))
    return meanings


def _own(label: Label, meanings: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return meanings.intersection(label.meanings)


def _region_by_heading(norm: str, labels: list[Label], headings: list[tuple[int, Label]], section: str,
                       meanings: set[tuple[str, str]]) -> Region | None:
    best: tuple[int, Region] | None = None
    for position, (index, heading) in enumerate(headings):
        if heading.means("section") != section:
            continue
        following = [label for _, label in headings[position + 1:] if label.means("section") != section]
        end = following[0].start if following else len(norm)
        inside = list(takewhile(lambda label: label.start < end, labels[index + 1:]))
        score = sum(1 for label in inside if _own(label, meanings))
        if best is None or score > best[0]:
            best = (score, Region(section, heading.end, end, inside))
    return best[1] if best else None


def _region_by_content(norm: str, labels: list[Label], headings: list[tuple[int, Label]], section: str,
                       meanings: set[tuple[str, str]]) -> Region | None:
    """The densest run of the table's own labels with no heading inside it, or None if none is dense enough."""
    heading_at = {index for index, _ in headings}
    runs: list[list[int]] = []
    for index, label in enumerate(labels):
        if index in heading_at:
            runs.append([])
        elif _own(label, meanings):
            if runs and runs[-1] and label.start - labels[runs[-1][-1]].end <= _MAX_LABEL_GAP:
                runs[-1].append(index)
            else:
                runs.append([index])
    best = max(runs, key=lambda run: len(set().union(*(_own(labels[i], meanings) for i in run))), default=[])
    if len(set().union(*(_own(labels[i], meanings) for i in best))) < _MIN_CONTENT_LABELS:
        return None
    first, last = best[0], best[-1]
    end = next((label.start for index, label in headings if index > last), len(norm))
    inside = list(takewhile(lambda label: label.start < end, labels[first:]))
    return Region(section, labels[first].start, end, inside, by_content=True)


def _trimmed(region: Region, end: int) -> Region:
    labels = [label for label in region.labels if label.start < end]
    return Region(region.section, region.start, end, labels, region.by_content)


def find_regions(norm: str, labels: list[Label], template: Template) -> dict[str, Region]:
    """The region of each table section ("active", "requests", "review") found in the text."""
    headings = [(i, label) for i, label in enumerate(labels) if is_heading(label, norm)]
    meanings = {section: _table_meanings(template, section) for section in template.prefixes}
    regions: dict[str, Region] = {}
    for section, own in meanings.items():
        # Found by content, a table is told by labels no other table prints ("总计" is in two of them).
        exclusive = own.difference(*(other for name, other in meanings.items() if name != section))
        region = (_region_by_heading(norm, labels, headings, section, own)
                  or _region_by_content(norm, labels, headings, section, exclusive))
        if region is not None:
            regions[section] = region
    # A table without a heading ends the region of the table before it, which ran on to the next heading.
    for section, region in regions.items():
        end = min((other.start for other in regions.values() if region.start < other.start < region.end),
                  default=region.end)
        if end < region.end:
            regions[section] = _trimmed(region, end)
    return regions
