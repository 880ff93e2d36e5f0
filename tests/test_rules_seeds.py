"""The rule layer on the five seed reports: template, metadata and every field equal the gold files.

The non-zero (and null) fields of each seed are also written out here, so a reader sees what each
layout must yield: one cell per line (000/001/002/004), pipes with empty cells (003), a dash cell and
units (004), a row whose last cell was dropped (000's 行政事业性收费).
"""
import json

import pytest

from nianbao.variants import Variant
from nianbao.paths import GOLD_DIR, SEEDS_DIR
from nianbao.text import normalise
from rules_fallback.mapping import cells_to_fields
from rules_fallback.meta import read_meta
from rules_fallback.parser import label_cells

NON_ZERO = {
    "000_2e827ae39ac43e7f": {
        "active.normative.new_made": 1, "active.normative.new_published": 1, "active.normative.total_published": 1,
        "active.licensing.prev_items": 187, "active.licensing.decisions": 4677,
        "active.other_services.prev_items": 530, "active.other_services.decisions": 21132,
        "active.penalty.prev_items": 2499, "active.penalty.decisions": 1890,
        "active.coercion.prev_items": 117, "active.coercion.decisions": 18,
        "active.fees.prev_items": 21, "active.fees.change": None,
        "active.procurement.projects": 56, "active.procurement.amount_wan": 5008.284,
        "requests.new.natural": 30, "requests.new.total": 30, "requests.granted.natural": 14,
        "requests.granted.total": 14, "requests.partial.natural": 1, "requests.partial.total": 1,
        "requests.denied_secret.natural": 1, "requests.denied_secret.total": 1,
        "requests.denied_third_party.natural": 6, "requests.denied_third_party.total": 6,
        "requests.denied_enforcement.natural": 1, "requests.denied_enforcement.total": 1,
        "requests.unable_not_held.natural": 5, "requests.unable_not_held.total": 5,
        "requests.other.natural": 1, "requests.other.total": 1, "requests.total.natural": 29,
        "requests.total.total": 29, "requests.carry_forward.natural": 1, "requests.carry_forward.total": 1,
        "review.upheld": 12, "review.corrected": 1, "review.pending": 2, "review.total": 15,
        "suit_direct.upheld": 14, "suit_direct.corrected": 2, "suit_direct.other": 1, "suit_direct.total": 17,
        "suit_after_review.upheld": 7, "suit_after_review.other": 1, "suit_after_review.total": 8,
    },
    "001_321816853e0a54d9": {
        "active.normative.new_made": 70, "active.normative.new_published": 70,
        "active.normative.total_published": 183, "active.licensing.prev_items": 1920,
        "active.licensing.change": 273, "active.licensing.decisions": 1787,
        "active.other_services.prev_items": 66, "active.other_services.change": 2,
        "active.other_services.decisions": 68, "active.penalty.prev_items": 3727, "active.penalty.change": 504,
        "active.penalty.decisions": 2803, "active.coercion.prev_items": 79, "active.coercion.change": 8,
        "active.coercion.decisions": 64, "active.fees.prev_items": 16, "active.fees.change": 9,
        "active.procurement.projects": 526, "active.procurement.amount_wan": 4166.18,
        "requests.new.natural": 54, "requests.new.other_org": 1, "requests.new.total": 55,
        "requests.granted.natural": 31, "requests.granted.total": 31, "requests.partial.natural": 1,
        "requests.partial.total": 1, "requests.denied_safety.natural": 1, "requests.denied_safety.total": 1,
        "requests.denied_enforcement.other_org": 1, "requests.denied_enforcement.total": 1,
        "requests.unable_not_held.natural": 7, "requests.unable_not_held.total": 7,
        "requests.unable_unclear.natural": 1, "requests.unable_unclear.total": 1,
        "requests.other.natural": 13, "requests.other.total": 13, "requests.total.natural": 54,
        "requests.total.other_org": 1, "requests.total.total": 55, "review.corrected": 2, "review.total": 2,
    },
    "002_3fe1192cfb6e68d3": {
        "requests.new.natural": 1, "requests.new.total": 1, "requests.unable_not_held.natural": 1,
        "requests.unable_not_held.total": 1, "requests.total.natural": 1, "requests.total.total": 1,
    },
    "003_09886ce637bf6d9d": {},
    "004_4c36db1c4b6f0da5": {
        "active.licensing.prev_items": 199, "active.licensing.change": None, "active.licensing.decisions": 60,
        "active.procurement.projects": 25, "active.procurement.amount_wan": 56742.1644,
        "requests.new.natural": 29, "requests.new.total": 29, "requests.granted.natural": 14,
        "requests.granted.total": 14, "requests.denied_internal.natural": 1, "requests.denied_internal.total": 1,
        "requests.denied_process.natural": 2, "requests.denied_process.total": 2,
        "requests.unable_not_held.natural": 12, "requests.unable_not_held.total": 12,
        "requests.total.natural": 29, "requests.total.total": 29,
    },
}
META = {
    "000_2e827ae39ac43e7f": {"year": 2020, "agency": "殷都区人民政府", "title": None},
    "001_321816853e0a54d9": {"year": 2020, "agency": "袁州区", "title": "袁州区2020年政府信息公开工作年度报告"},
    "002_3fe1192cfb6e68d3": {"year": 2020, "agency": "新坊镇", "title": "新坊镇2020年度政府信息公开工作年度报告"},
    "003_09886ce637bf6d9d": {"year": 2020, "agency": "区国资委", "title": None},
    "004_4c36db1c4b6f0da5": {"year": 2020, "agency": "郑州市二七区建设和交通局",
                             "title": "郑州市二七区建设和交通局2020年政府信息公开工作年度报告"},
}


def parse_seed(stem):
    doc = normalise(stem, (SEEDS_DIR / f"{stem}.txt").read_text(encoding="utf-8"))
    labels = label_cells(doc)
    fields, warnings = cells_to_fields(doc, labels.variant, labels.cells)
    return doc, labels, fields


@pytest.mark.parametrize("stem", sorted(NON_ZERO))
def test_seed_non_zero_fields(stem):
    _, labels, fields = parse_seed(stem)
    assert labels.variant == Variant("2019", False)
    got = {key: field.value for key, field in fields.items() if field.value != 0}
    assert got == NON_ZERO[stem]


@pytest.mark.parametrize("stem", sorted(NON_ZERO))
def test_seed_equals_gold_exactly(stem):
    doc, labels, fields = parse_seed(stem)
    gold = json.loads((GOLD_DIR / f"{stem}.json").read_text(encoding="utf-8"))
    assert labels.variant.template == gold["template"]
    assert read_meta(doc) == gold["meta"] == META[stem]
    assert list(fields) == list(gold["fields"])
    assert {key: field.value for key, field in fields.items()} == gold["fields"]


def test_field_offsets_point_at_the_printed_cell():
    doc, _, fields = parse_seed("004_4c36db1c4b6f0da5")
    procurement = fields["active.procurement.amount_wan"]
    assert doc.text[procurement.start:procurement.end] == procurement.raw == "56742.1644万元"
    dash = fields["active.licensing.change"]  # printed "[bookmark: _GoBack]－": the marker is not the cell
    assert dash.value is None and dash.raw == "－" and doc.text[dash.start:dash.end] == "－"


def test_a_row_missing_its_last_cell_is_read_left_to_right_and_warned():
    _, labels, fields = parse_seed("000_2e827ae39ac43e7f")
    assert fields["active.fees.prev_items"].value == 21 and fields["active.fees.change"].value is None
    assert labels.warnings == ["active.fees: 1 cells printed for 2 columns; read as the first 1"]
