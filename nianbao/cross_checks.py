"""``nianbao check OUT_DIR``: checks across the records of a batch, the questions no single report answers.

- **cross-year**: a body's 上年结转 row (``requests.carried_over.*``) against the 结转下年度 row
  (``requests.carry_forward.*``) of its report of the year before, matched by agency and year;
- **text against table**: the counts the narrative states (applications received, carried over, carried
  forward, administrative reviews, suits, "未发生…行政复议或…行政诉讼") against the report's own table.
  The narrative is read again from the record's ``source``.  The templates' 主动公开 table has no total of
  items published, so a narrative's "主动公开…N条" has nothing to be held against and is not checked;
- **within a report**: every check the record holds that failed (the template's arithmetic, and any other
  rule the parser ran, such as a text-against-table rule of its own);
- **duplicates**: the same report twice under two names (another format, a copy under another file
  name): the same year, template and every field value, with enough printed numbers to tell reports apart.

Each finding names the reports, the fields, the printed numbers and, for the text, the span it read.
"""
from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from nianbao.errors import InputError
from nianbao.readers import read_document
from nianbao.writers import write_jsonl

FINDINGS_FILE = "findings.jsonl"
RECORD_FOLDERS = ("", ".nianbao-records")  # the per-report records of --format json, and of the others
# A duplicate must agree on at least this many non-zero printed numbers: two small bodies that received
# no application and published next to nothing have equal tables without being one report.
DUPLICATE_MIN_NONZERO = 5

_CLAUSE = r"[^。；;，,|\t\n\d]"  # inside one clause, before its number; never across a table cell
_COUNT = r"\s*(\d+)\s*(?:件|起|宗|个)"
# (what the narrative counts, its pattern, the table fields whose sum it must equal)
NARRATIVE_COUNTS = (
    ("applications received", re.compile(rf"(?:收到|受理|接收){_CLAUSE}{{0,24}}?申请{_CLAUSE}{{0,8}}?{_COUNT}"),
     ("requests.new.total",)),
    ("applications received", re.compile(rf"(?:收到|受理|接收){_CLAUSE}{{0,6}}?{_COUNT}{_CLAUSE}{{0,6}}?申请"),
     ("requests.new.total",)),
    ("applications carried over", re.compile(rf"上一?年度?结转{_CLAUSE}{{0,12}}?{_COUNT}"),
     ("requests.carried_over.total",)),
    ("applications carried forward", re.compile(rf"结转(?:至|到)?下一?年度?{_CLAUSE}{{0,8}}?{_COUNT}"),
     ("requests.carry_forward.total",)),
    ("administrative reviews", re.compile(rf"行政复议{_CLAUSE}{{0,10}}?{_COUNT}"), ("review.total",)),
    ("administrative suits", re.compile(rf"行政诉讼{_CLAUSE}{{0,10}}?{_COUNT}"),
     ("suit_direct.total", "suit_after_review.total")),
)
# "本年度未发生因政府信息公开而被申请行政复议或被提起行政诉讼案件": both counts are 0.
_NONE_HAPPENED = re.compile(r"(?:未发生|没有发生|未出现|没有出现|未有)[^。；;|\t\n\d]{0,40}")
NONE_COUNTS = (("administrative reviews", "行政复议", ("review.total",)),
               ("administrative suits", "行政诉讼", ("suit_direct.total", "suit_after_review.total")))


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
        findings.extend(within_report(record))
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


def within_report(record: dict) -> list[Finding]:
    """The record's own failed checks, one finding each."""
    return [Finding("within_report", [record["source"]], list(check["keys"]),
                    printed={record["source"]: {key: _raw(record, key) for key in check["keys"]}},
                    message=check.get("message") or f"{check['rule']} ({check['where']}): {check['lhs']} against "
                                                    f"{check['rhs']}")
            for check in record.get("checks", []) if check.get("ok") is False]


def narrative_counts(norm: str):
    """Yield (what, number, norm start, norm end, table keys) for every count the narrative states."""
    for what, pattern, keys in NARRATIVE_COUNTS:
        for match in pattern.finditer(norm):
            yield what, int(match.group(1)), match.start(), match.end(), keys
    for match in _NONE_HAPPENED.finditer(norm):
        for what, word, keys in NONE_COUNTS:
            if word in match.group(0):
                yield what, 0, match.start(), match.end(), keys


def text_vs_table(record: dict) -> list[Finding]:
    """Counts the narrative states that the record's table does not print.

    A received count may include the applications carried over ("共受理…申请3119件（含上年度结转申请34件）"),
    so it agrees when it equals the new applications with or without them.
    """
    try:
        doc = read_document(record["source"])
    except InputError:
        return []  # the source is gone or moved: there is no narrative to hold against the table
    findings = []
    for what, number, start, end, keys in narrative_counts(doc.norm):
        values = [_value(record, key) for key in keys]
        if any(value is None for value in values):
            continue
        table = sum(values)
        agreeing = {table}
        if keys == ("requests.new.total",) and _value(record, "requests.carried_over.total") is not None:
            agreeing.add(table + _value(record, "requests.carried_over.total"))
        if number in agreeing:
            continue
        text_start, text_end = doc.text_span(start, end)
        findings.append(Finding(
            "text_vs_table", [record["source"]], list(keys),
            printed={record["source"]: {key: _raw(record, key) for key in keys}},
            text={"start": text_start, "end": text_end, "excerpt": doc.text[text_start:text_end], "value": number},
            message=f"the text says {number} {what} ({doc.text[text_start:text_end]!r}), the table {table}"))
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
