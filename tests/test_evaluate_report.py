"""Rendering: systems side by side with the best marked, unavailable systems named, JSON and HTML in step."""
import json

from evaluate.report import Results, Unavailable, render_html, render_terminal, to_json
from evaluate.scoring import Pair, score_reports

TRUTH = {"template": "2019", "meta": {"year": 2020, "agency": "新坊镇", "title": None},
         "fields": {"requests.new.natural": 30, "requests.new.total": 30, "review.total": 0}}


def predicted(natural, total, agency="新坊镇", span=None):
    def cell(value, start=None, end=None):
        return {"value": value, "raw": str(value), "start": start, "end": end, "confidence": 1.0, "by": "model"}

    return {"source": "a.txt", "template": "2019", "meta": {"year": 2020, "agency": agency, "title": None},
            "fields": {"requests.new.natural": cell(natural, *(span or (None, None))),
                       "requests.new.total": cell(total), "review.total": cell(0)}}


TEXT = "一、本年新收政府信息公开申请数量 | 31 | <总计>"
COMPARED = Results(
    gold_dir="gold",
    systems={
        "rules": score_reports([Pair("a", TRUTH, predicted(31, 30, span=(TEXT.index("31"), TEXT.index("31") + 2)),
                                     text=TEXT, group="grid")]),
        "model": Unavailable("FileNotFoundError: no checkpoint in model/checkpoint"),
        "hybrid": score_reports([Pair("a", TRUTH, predicted(30, 30, agency="新坊镇人民政府"), group="grid")]),
    },
    skipped=["b.txt: no gold/b.json"],
    grouped_by="style",
)


def test_the_terminal_table_puts_systems_side_by_side_and_marks_the_best():
    out = render_terminal(COMPARED)
    field_row = next(line for line in out.splitlines() if line.strip().startswith("field accuracy"))
    assert field_row.split()[2:] == ["2/3", "(66.67%)", "3/3", "(100.00%)", "*"]
    agency_row = next(line for line in out.splitlines() if line.strip().startswith("metadata agency"))
    assert agency_row.split()[2:] == ["1/1", "(100.00%)", "*", "0/1", "(0.00%)"]
    assert "system model: unavailable (FileNotFoundError: no checkpoint in model/checkpoint)" in out
    year_row = next(line for line in out.splitlines() if line.strip().startswith("metadata year"))
    assert "*" not in year_row  # a tie between all systems marks none
    assert "grid: exact match" in out
    assert "skipped (no gold file): 1" in out


def test_each_mismatch_is_shown_with_gold_prediction_raw_and_context():
    out = render_terminal(COMPARED)
    assert "a  requests.new.natural: gold 30, predicted 31 raw '31'" in out
    assert "…一、本年新收政府信息公开申请数量 | ⟦31⟧ | <总计>…" in out
    assert "a  meta.agency: gold 新坊镇, predicted 新坊镇人民政府" in out


def test_the_mismatch_list_is_cut_at_the_requested_length():
    out = render_terminal(COMPARED, max_mismatches=0)
    assert "field mismatches of rules: 1 (first 0 shown)" in out
    assert "requests.new.natural: gold" not in out


def test_json_holds_every_system_including_the_unavailable_one():
    data = json.loads(json.dumps(to_json(COMPARED), ensure_ascii=False))
    assert data["systems"]["model"] == {"unavailable": "FileNotFoundError: no checkpoint in model/checkpoint"}
    assert data["systems"]["rules"]["summary"]["fields"] == {"right": 2, "total": 3, "rate": 2 / 3}
    assert data["systems"]["hybrid"]["groups"]["grid"]["exact"]["right"] == 1
    (mismatch,) = data["systems"]["rules"]["reports"][0]["mismatches"]
    assert mismatch["context"] == {"before": "一、本年新收政府信息公开申请数量 | ", "span": "31", "after": " | <总计>"}


def test_the_html_page_highlights_the_best_system_and_escapes_report_text():
    page = render_html(COMPARED)
    assert '<td class="num best">3/3 (100.00%)</td>' in page
    assert '<td class="num">2/3 (66.67%)</td>' in page
    assert "no checkpoint in model/checkpoint" in page
    assert "<mark>31</mark> | &lt;总计&gt;" in page
