"""Which national template a report prints: "2019" (国办公开办函〔2019〕60号) or "2021" (〔2021〕30号).

The year is no guide (some bodies kept the 2019 tables for their 2021 report), so detection reads the
printed layout: column headers such as 本年新制作数量 (2019) or 本年制发件数 (2021) and the （六） sub-rows
that only the 2021 template has.  The markers are data in ``data/schema.json``.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from nianbao.schema import TEMPLATES, get_template, load_schema
from nianbao.variants import Variant
from rules_fallback.labels import compact

# The current template: what a report without any table (its tables were images) most likely used.
DEFAULT_TEMPLATE = "2021"


@lru_cache(maxsize=None)
def _markers(template: str) -> tuple[str, ...]:
    return tuple(compact(unicodedata.normalize("NFKC", m)) for m in get_template(template).markers)


@lru_cache(maxsize=1)
def _collapsible_keywords() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(keywords of the three 2021 （六） sub-rows, keywords of the single （六）其他处理 row)."""
    rows = load_schema()["rows"]
    block = next(b for b in get_template("2021").blocks if b.collapsible_rows)
    sub_rows = tuple(k for row in block.collapsible_rows for k in rows[row]["keywords"])
    return sub_rows, tuple(rows[block.collapsed_into]["keywords"])


def detect_template(norm: str) -> Variant:
    """The template variant a normalised report text prints.

    ``collapsed`` is True for a "2021" layout that prints （六）其他处理 as one row instead of its
    three sub-rows (逾期不补正 / 收费通知 / 其他); its fields are then ``requests.other.*``.
    """
    text = compact(norm)
    hits = {name: sum(text.count(marker) for marker in _markers(name)) for name in TEMPLATES}
    template = max(TEMPLATES, key=lambda name: (hits[name], name == DEFAULT_TEMPLATE))
    if template != "2021":
        return Variant(template, False)
    sub_rows, single_row = _collapsible_keywords()
    # "3.其他" is no evidence of the sub-rows: any numbered list in the narrative can print it.
    distinctive = [k for k in sub_rows if not k[0].isdigit()]
    collapsed = any(k in text for k in single_row) and not any(k in text for k in distinctive)
    return Variant(template, collapsed)
