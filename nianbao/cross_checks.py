"""``nianbao check OUT_DIR``: checks across the records of a batch, the questions no single report answers.

- **cross-year**: a body's 上年结转 row (``requests.carried_over.*``) against the 结转下年度 row
  (``requests.carry_forward.*``) of its report of the year before, matched by agency and year;
- **text against table**: the counts the narrative states (``rules_fallback.narrative``: applications
  received, carried over, carried forward, normative documents, administrative reviews, suits,
  "未发生…行政复议或…行政诉讼") against the report's own table, read again from the record's ``source`` for
  their spans.  The templates' 主动公开 table has no total of items published, so a narrative's
  "主动公开…N条" has nothing to be held against and is not checked;
- **within a report**: every other check the record holds that failed (the template's arithmetic);
- **duplicates**: the same report twice under two names (another format, a copy under another file
  name): the same year, template and every field value, with enough printed numbers to tell reports apart.

Each finding names the reports, the fields, the printed numbers and, for the text, the span it read.
"""
from __future__ import annotations

import argparse
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from nianbao.errors import InputError
from nianbao.readers import read_document
from nianbao.writers import write_jsonl
from rules_fallback.narrative import agrees
from rules_fallback.parser import label_cells

FINDINGS_FILE = "findings.jsonl"
RECORD_FOLDERS = ("", ".nianbao-records")  # the per-report records of --format json, and of the others
# A duplicate must agree on at least this many non-zero printed numbers: two small bodies that received
# no application and published next to nothing have equal tables without being one report.
DUPLICATE_MIN_NONZERO = 5

@dataclass
class Finding:
    """One disagreement; ``printed`` holds each field's printed cell (``raw``) by report, ``text`` the narrative."""

    kind: str  # cross_year, text_vs_table, within_report, duplicate
    reports: list[str]
    fields: list[str]
    printed: dict = field(default_factory=dict)
    text: dict | None = None  # {"start", "end", "excerpt", "value"}: offsets into the reader's text
    message: str = ""

    def line(self) -> str:
        return f"{self.kind}: {' / '.join(self.reports)}: {self.message}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out_dir", metavar="OUT_DIR", type=Path, help="a folder `nianbao parse` wrote")
    parser.add_argument("--no-text", action="store_true",
                        help="skip the text-against-table checks (they read every source file again)")


def run(args: argparse.Namespace) -> int:
    records = load_records(args.out_dir)
    if not records:
        raise InputError(str(args.out_dir), "no records of `nianbao parse` in this folder")
    findings = check_records(records, read_text=not args.no_text)
    write_jsonl(args.out_dir / FINDINGS_FILE, [asdict(finding) for finding in findings])
    for finding in findings:
        print(finding.line())
    counts = defaultdict(int)
    for finding in findings:
        counts[finding.kind] += 1
    print(f"nianbao check: {len(records)} records, {len(findings)} findings"
          + "".join(f"; {kind} {count}" for kind, count in sorted(counts.items()))
          + f"; listed in {args.out_dir / FINDINGS_FILE}")
    return 1 if findings else 0


def load_records(out_dir: Path) -> list[dict]:
    """The per-report records of a batch folder, once per source (files that are not records are passed over)."""
    if not Path(out_dir).is_dir():
        raise InputError(str(out_dir), "not a folder")
    records, sources = [], set()
    for folder in RECORD_FOLDERS:
        for path in sorted((Path(out_dir) / folder).glob("*.json")):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError):
                continue
            if isinstance(record, dict) and {"source", "fields", "meta"} <= record.keys() \
                    and record["source"] not in sources:
                sources.add(record["source"])
                records.append(record | {"name": path.stem})
    return records


def check_records(records: list[dict], read_text: bool = True) -> list[Finding]:
    findings = cross_year(records)
    for record in records:
        # Read again, the prose gives its text_vs_table findings with their spans; the record's own checks
        # of that rule would say the same twice.
        findings.extend(within_report(record, skip=("text_vs_table",) if read_text else ()))
        if read_text:
            findings.extend(text_vs_table(record))
    findings.extend(duplicates(records))
    return findings


def _raw(record: dict, key: str):
    parsed = record["fields"].get(key)
    return None if parsed is None else parsed["raw"]


def _value(record: dict, key: str):
    parsed = record["fields"].get(key)
    return None if parsed is None else parsed["value"]


def same_body(one: str, other: str) -> bool:
    """Whether two printed agency names are one body's: equal, or one the other without its province
    ("省教育厅" in a report of 河北省教育厅's, as a body often names itself)."""
    shorter, longer = sorted((one, other), key=len)
    return len(shorter) >= 4 and longer.endswith(shorter)


def cross_year(records: list[dict]) -> list[Finding]:
    """Every column where a report's 上年结转 differs from its body's previous year's 结转下年度."""
    by_year = defaultdict(list)
    for record in records:
        if record["meta"].get("agency") and record["meta"].get("year"):
            by_year[record["meta"]["year"]].append(record)
    findings = []
    for year in sorted(by_year):
        for record in by_year[year]:
            agency = record["meta"]["agency"]
            for previous in by_year.get(year - 1, []):
                if same_body(agency, previous["meta"]["agency"]):
                    findings.extend(_carried_over_against(previous, record))
    return findings


def _carried_over_against(previous: dict, record: dict) -> list[Finding]:
    """The finding for ``record``'s 上年结转 columns that differ from ``previous``'s 结转下年度, if any."""
    differing = []
    for key in sorted(record["fields"]):
        if key.startswith("requests.carried_over."):
            before = key.replace("requests.carried_over.", "requests.carry_forward.")
            now_value, then_value = _value(record, key), _value(previous, before)
            if now_value is not None and then_value is not None and now_value != then_value:
                differing.append((before, key))
    if not differing:
        return []
    year = record["meta"]["year"]
    return [Finding(
        "cross_year", [previous["source"], record["source"]], [name for pair in differing for name in pair],
        printed={previous["source"]: {before: _raw(previous, before) for before, _ in differing},
                 record["source"]: {key: _raw(record, key) for _, key in differing}},
        message=f"{record['meta']['agency']}: {year} 上年结转 is not {year - 1} 结转下年度 in "
                + ", ".join(f"{key.rsplit('.', 1)[1]} ({_value(record, key)} against {_value(previous, before)})"
                            for before, key in differing))]


def within_report(record: dict, skip: tuple[str, ...] = ()) -> list[Finding]:
    """The record's own failed checks, one finding each (but those of the rules in ``skip``)."""
    return [Finding("within_report", [record["source"]], list(check["keys"]),
                    printed={record["source"]: {key: _raw(record, key) for key in check["keys"]}},
                    message=check.get("message") or f"{check['rule']} ({check['where']}): {check['lhs']} against "
                                                    f"{check['rhs']}")
            for check in record.get("checks", []) if check.get("ok") is False and check.get("rule") not in skip]


def text_vs_table(record: dict) -> list[Finding]:
    """Counts the report's prose states that its table does not print (``rules_fallback.narrative``: the
    same statements the parser checks, read again from the record's source for their text spans)."""
    try:
        doc = read_document(record["source"])
    except InputError:
        return []  # the source is gone or moved: there is no narrative to hold against the table
    values = {key: _value(record, key) for key in record["fields"]}
    findings = []
    for statement in label_cells(doc).statements:
        if agrees(statement, values) is not False:
            continue
        keys = list(statement.keys)
        findings.append(Finding(
            "text_vs_table", [record["source"]], keys,
            printed={record["source"]: {key: _raw(record, key) for key in keys}},
            text={"start": statement.start, "end": statement.end, "excerpt": statement.text,
                  "value": statement.value},
            message=f"the text says {statement.value} ({statement.text!r}), the table "
                    f"{sum(values[key] for key in keys):g}"))
    return findings


def duplicates(records: list[dict]) -> list[Finding]:
    """Reports whose year, template and every field value are the same: one report under several names."""
    groups = defaultdict(list)
    for record in records:
        values = tuple(sorted((key, parsed["value"]) for key, parsed in record["fields"].items()))
        if sum(1 for _, value in values if value) >= DUPLICATE_MIN_NONZERO:
            groups[(record["meta"].get("year"), record["template"], values)].append(record)
    findings = []
    for (year, _, values), group in groups.items():
        if len(group) < 2:
            continue
        agencies = sorted({str(record["meta"].get("agency")) for record in group})
        printed = [key for key, value in values if value][:6]
        findings.append(Finding(
            "duplicate", [record["source"] for record in group], printed,
            printed={record["source"]: {key: _raw(record, key) for key in printed} for record in group},
            message=f"one report ({', '.join(agencies)}, year {year}) under {len(group)} names: every field "
                    f"value is equal"))
    return findings
