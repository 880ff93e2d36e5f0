"""``nianbao check``: a folder of parsed records with a planted cross-year mismatch, a narrative that
disagrees with its table and a duplicate gives exactly those findings; the same folder clean gives none.

The reports are seeds parsed by the real rule layer: one body's 2020 report, the same report as its 2021
report (the year changed), another body's report whose narrative counts the applications it received,
and a third report.
"""
from __future__ import annotations

import json
import shutil

import pytest

from nianbao.cli import main
from nianbao.cross_checks import same_body
from nianbao.paths import SEEDS_DIR

BODY = SEEDS_DIR / "004_4c36db1c4b6f0da5.txt"  # 郑州市二七区建设和交通局 2020; 上年结转 and 结转下年度 all 0
TOLD = SEEDS_DIR / "000_2e827ae39ac43e7f.txt"  # "2020年我区共收到政府信息公开申请30件", and 30 in the table
OTHER = SEEDS_DIR / "001_321816853e0a54d9.txt"
CARRIED_OVER_ROW = "\t二、上年结转政府信息公开申请数量\n"


def write_reports(folder, planted: bool) -> None:
    folder.mkdir()
    body = BODY.read_text(encoding="utf-8")
    (folder / "body-2020.txt").write_text(body, encoding="utf-8")
    next_year = body.replace("2020", "2021")
    told = TOLD.read_text(encoding="utf-8")
    shutil.copy(OTHER, folder / OTHER.name)
    if planted:
        # 2021's 上年结转: 3 natural persons, where 2020 carried 0 forward
        assert CARRIED_OVER_ROW + "\t0\n" in next_year
        next_year = next_year.replace(CARRIED_OVER_ROW + "\t0\n", CARRIED_OVER_ROW + "\t3\n")
        told = told.replace("收到政府信息公开申请30件", "收到政府信息公开申请36件")
        shutil.copy(OTHER, folder / "copy-of-the-other.txt")
    (folder / "body-2021.txt").write_text(next_year, encoding="utf-8")
    (folder / "told.txt").write_text(told, encoding="utf-8")


def check(tmp_path, planted: bool) -> tuple[int, list[dict]]:
    reports, out = tmp_path / "reports", tmp_path / "out"
    write_reports(reports, planted)
    assert main(["parse", str(reports), "--out", str(out), "--system", "rules", "--no-progress"]) == 0
    status = main(["check", str(out)])
    return status, [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]


def test_a_clean_folder_gives_no_finding(tmp_path):
    assert check(tmp_path, planted=False) == (0, [])


def test_the_planted_disagreements_are_found_with_both_reports_the_fields_the_numbers_and_the_text(tmp_path):
    status, findings = check(tmp_path, planted=True)
    assert status == 1
    by_kind = {}
    for finding in findings:
        by_kind.setdefault(finding["kind"], []).append(finding)
    assert set(by_kind) == {"cross_year", "text_vs_table", "duplicate", "within_report"}

    [cross_year] = by_kind["cross_year"]
    before, after = (str(tmp_path / "reports" / name) for name in ("body-2020.txt", "body-2021.txt"))
    assert cross_year["reports"] == [before, after]
    assert cross_year["fields"] == ["requests.carry_forward.natural", "requests.carried_over.natural"]
    assert cross_year["printed"][before]["requests.carry_forward.natural"] == "0"
    assert cross_year["printed"][after]["requests.carried_over.natural"] == "3"

    [told] = by_kind["text_vs_table"]
    source = str(tmp_path / "reports" / "told.txt")
    assert told["reports"] == [source] and told["fields"] == ["requests.new.total"]
    assert told["printed"][source] == {"requests.new.total": "30"}
    assert told["text"]["value"] == 36 and told["text"]["excerpt"] == "收到政府信息公开申请36件"
    text = (tmp_path / "reports" / "told.txt").read_text(encoding="utf-8")
    assert text[told["text"]["start"]:told["text"]["end"]] == told["text"]["excerpt"]

    [duplicate] = by_kind["duplicate"]
    assert sorted(duplicate["reports"]) == sorted(str(tmp_path / "reports" / name)
                                                  for name in (OTHER.name, "copy-of-the-other.txt"))

    # the planted 3 also breaks 2021's own row sum, which the record's checks say
    assert all(finding["reports"] == [after] for finding in by_kind["within_report"])


@pytest.mark.parametrize("one, other, same", [
    ("河北省教育厅", "省教育厅", True),
    ("河北省教育厅", "河北省教育厅", True),
    ("郑州市二七区建设和交通局", "郑州市金水区建设和交通局", False),
    ("教育厅", "河北省教育厅", False),  # too short a name to be one body's
])
def test_agencies_match_by_name_with_or_without_the_province(one, other, same):
    assert same_body(one, other) is same
