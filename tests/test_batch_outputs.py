"""Output files: atomic writes, and the report / long tables pandas reads back as numbers."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from nianbao.schema import all_field_keys, get_template
from nianbao.writers import (atomic_write, fields_long_table, remove_stale_temporaries, reports_table,
                             write_collection, write_json)


def record(source: str, template: str, values: dict) -> dict:
    """A record as ``Report.to_json`` writes it: every field of the template, the given values, the rest 0."""
    fields = {key: {"value": values.get(key, 0), "raw": str(values.get(key, 0)), "start": None, "end": None,
                    "confidence": 0.9, "by": "rules"}
              for key in get_template(template).field_keys()}
    return {"source": source, "template": template,
            "meta": {"year": 2020, "agency": "殷都区人民政府", "title": None},
            "fields": fields, "checks": [], "warnings": []}


RECORDS = [
    record("a.txt", "2019", {"requests.new.natural": 30, "active.procurement.amount_wan": 56742.1644,
                             "active.fees.change": None}),
    record("b.txt", "2021", {"active.fees.amount_wan": 12.5, "requests.other_misc.total": 3}),
]


def test_the_report_table_has_one_row_per_report_and_a_column_per_field_of_both_templates():
    table = reports_table(RECORDS)
    assert list(table.columns[:5]) == ["source", "template", "meta.year", "meta.agency", "meta.title"]
    assert list(table.columns[5:]) == list(all_field_keys())
    first, second = table.iloc[0], table.iloc[1]
    assert first["requests.new.natural"] == 30
    assert first["active.procurement.amount_wan"] == pytest.approx(56742.1644)
    assert pd.isna(first["active.fees.change"])  # printed as a dash
    assert pd.isna(first["active.fees.amount_wan"])  # a 2021 field, absent from a 2019 report
    assert second["requests.other_misc.total"] == 3 and pd.isna(second["requests.other.total"])
    assert str(table["requests.new.natural"].dtype) == "Int64"
    assert str(table["active.fees.amount_wan"].dtype) == "Float64"


def test_the_long_table_keeps_raw_text_beside_each_value():
    table = fields_long_table(RECORDS)
    assert list(table.columns) == ["report", "field", "value", "raw", "confidence", "by"]
    assert len(table) == len(RECORDS[0]["fields"]) + len(RECORDS[1]["fields"])
    row = table[(table.report == "a.txt") & (table.field == "requests.new.natural")].iloc[0]
    assert (row.value, row.raw, row.by) == (30, "30", "rules")


@pytest.mark.parametrize("output_format", ["csv", "parquet"])
def test_collection_tables_read_back_equal(tmp_path, output_format):
    written = write_collection(tmp_path, RECORDS, output_format)
    assert [path.name for path in written] == [f"reports.{output_format}", f"fields_long.{output_format}"]
    read = pd.read_csv if output_format == "csv" else pd.read_parquet
    back = read(written[0])
    assert back["meta.agency"].tolist() == ["殷都区人民政府"] * 2
    assert back["requests.new.natural"].tolist()[0] == 30
    assert back["active.procurement.amount_wan"].tolist()[0] == pytest.approx(56742.1644)
    assert len(read(written[1])) == len(fields_long_table(RECORDS))


def test_jsonl_collection_is_one_record_per_line(tmp_path):
    [path] = write_collection(tmp_path, RECORDS, "jsonl")
    assert [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] == RECORDS


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "a.json"
    write_json(target, {"old": 1})

    def fail_half_way(temporary):
        temporary.write_text('{"new": ', encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError):
        atomic_write(target, fail_half_way)
    assert json.loads(target.read_text(encoding="utf-8")) == {"old": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


def test_temporaries_left_by_a_killed_run_are_removed(tmp_path):
    (tmp_path / ".a.json.1234.nianbao-tmp").write_text("{", encoding="utf-8")
    (tmp_path / "a.json").write_text("{}", encoding="utf-8")
    assert remove_stale_temporaries(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


@pytest.mark.parametrize("output_format", ["csv", "parquet"])
def test_counts_too_wide_for_their_column_type_are_written_exactly(tmp_path, output_format):
    wide = [record("wide.txt", "2019", {"requests.new.natural": 2**63 + 1, "requests.new.commercial": 12345678901234567}),
            RECORDS[0]]
    reports, long = write_collection(tmp_path, wide, output_format)
    read = pd.read_csv if output_format == "csv" else pd.read_parquet
    table = read(reports, dtype=str) if output_format == "csv" else read(reports)
    assert str(table["requests.new.natural"][0]) == str(2**63 + 1)  # too wide for Int64: the column is text
    assert int(table["requests.new.commercial"][0]) == 12345678901234567  # fits Int64: a number, exact
    assert str(table["requests.new.natural"][1]) == "30"
    values = read(long, dtype=str) if output_format == "csv" else read(long)
    exact = dict(zip(values["field"][values["report"] == "wide.txt"], values["value"][values["report"] == "wide.txt"]))
    assert exact["requests.new.commercial"] == "12345678901234567"  # over 2**53: no float holds it


@pytest.mark.parametrize("data", [
    RECORDS[0],
    {"source": "报告\udcff.txt", "value": 1},  # a file name that is not UTF-8: orjson refuses the surrogate
    {"value": 10 ** 30},  # a glued run read as one huge number: past orjson's 64 bits
])
def test_a_json_record_is_the_standard_librarys_indented_json(tmp_path, data):
    write_json(tmp_path / "r.json", data)
    expected = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    assert (tmp_path / "r.json").read_bytes() == expected.encode("utf-8", errors="backslashreplace")
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8")) == data
