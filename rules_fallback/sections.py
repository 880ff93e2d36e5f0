"""Where each table section of a report starts and ends, however the sections are numbered.

The national template puts the tables in sections 二, 三 and 四, but reports renumber them (a title block
or an extra section shifts them to 三/四/五), rename them, and mention the same words in their
narrative ("（一）主动公开情况").  A section's region runs from its heading to the next heading of another
section; of several headings for one section, the one whose region holds the most of that table's
labels is the table.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import takewhile

from nianbao.schema import Template
from rules_fallback.labels import Label, is_heading


@dataclass
class Region:
    """The labels of one table section: ``labels`` lie in ``norm[start:end]``."""

    section: str
    start: int
    end: int
    labels: list[Label]


def _table_keys(template: Template, section: str) -> set[str]:
    keys = set()
    for block in template.block_of_section(section):
        keys.update(block.rows)
        keys.update(block.columns)
        keys.add(block.label)
        if block.collapsed_into:
            keys.add(block.collapsed_into)
    return keys


def find_regions(norm: str, labels: list[Label], template: Template) -> dict[str, Region]:
    """The region of each table section ("active", "requests", "review") that has a heading in the text."""
    headings = [(i, label) for i, label in enumerate(labels) if is_heading(label, norm)]
    regions: dict[str, Region] = {}
    for section in template.prefixes:
        keys = _table_keys(template, section)
        best: tuple[int, Region] | None = None
        for position, (index, heading) in enumerate(headings):
            if heading.means("section") != section:
                continue
            following = [label for _, label in headings[position + 1:] if label.means("section") != section]
            end = following[0].start if following else len(norm)
            inside = list(takewhile(lambda label: label.start < end, labels[index + 1:]))
            score = sum(1 for label in inside if any(key in keys for _, key in label.meanings))
            if best is None or score > best[0]:
                best = (score, Region(section, heading.end, end, inside))
        if best is not None:
            regions[section] = best[1]
    return regions
