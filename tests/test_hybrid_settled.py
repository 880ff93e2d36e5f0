"""The hybrid leaves the model out of the table sections the rules settle, and out of a report they settle whole."""
from dataclasses import replace

from nianbao.hybrid import settled_sections
from nianbao.paths import REAL_DEV_DIR, SEEDS_DIR
from nianbao.pipeline import parse_document
from nianbao.readers import read_document
from rules_fallback.checks import run_checks
from rules_fallback.mapping import cells_to_fields
from rules_fallback.parser import label_cells

SEED = sorted(SEEDS_DIR.glob("*.txt"))[0]


class RefusingLabeller:
    """A model that must not be asked: the test fails where the hybrid runs it."""

    checkpoint = None

    def label(self, doc, facts):
        raise AssertionError(f"the model was run on {doc.source}")


class CountingLabeller:
    """The shipped model, counting the reports it was asked to label."""

    def __init__(self):
        from nianbao.pipeline import default_labeller

        self.labeller, self.asked = default_labeller(), []
        self.checkpoint = self.labeller.checkpoint

    def label(self, doc, facts):
        self.asked.append((doc.source, facts.read))
        return self.labeller.label(doc, facts)


def test_a_report_the_rules_settle_is_theirs_and_the_model_is_not_run():
    doc = read_document(SEED)
    hybrid = parse_document(doc, "hybrid", RefusingLabeller())
    rules = parse_document(doc, "rules")
    assert hybrid.to_json() == rules.to_json()
    assert hybrid.fields["requests.new.natural"].value == rules.fields["requests.new.natural"].value is not None
    assert {field.by for field in hybrid.fields.values()} <= {"rules", None}  # None: a cell not printed
    assert all(check.ok is not False for check in hybrid.checks)


def test_the_model_reads_only_the_section_the_rules_leave_open():
    """pingtan-2025 prints 规范性文件 '5845546', which cuts several ways: the model reads section 二's table
    and nothing else; sections 三 and 四, which the rules read whole, are theirs."""
    labeller = CountingLabeller()
    doc = read_document(REAL_DEV_DIR / "reports" / "pingtan-2025.txt")
    rules = label_cells(doc)
    report = parse_document(doc, "hybrid", labeller)
    assert labeller.asked == [(doc.source, [rules.regions["active"]])]
    by_section = {section: {report.fields[key].by for key in rules.variant.section_keys(section)}
                  for section in ("active", "requests", "review")}
    assert by_section["active"] & {"model", "both"}
    assert by_section["requests"] <= {"rules", None} and by_section["review"] <= {"rules", None}
    assert report.fields["active.normative.issued"].value == 58  # gold: 58 | 45 | 546
    assert report.fields["requests.new.total"].value == parse_document(doc, "rules").fields["requests.new.total"].value


def test_the_model_reads_every_section_left_open_and_no_other():
    labeller = CountingLabeller()
    doc = read_document(REAL_DEV_DIR / "reports" / "pingtan-2020.txt")  # sections 二 and 三 left open, 四 read
    rules = label_cells(doc)
    report = parse_document(doc, "hybrid", labeller)
    assert labeller.asked == [(doc.source, [rules.regions["active"], rules.regions["requests"]])]
    assert {report.fields[key].by for key in rules.variant.section_keys("review")} <= {"rules", None}


def _seed_reading():
    doc = read_document(SEED)
    rules = label_cells(doc)
    fields, _ = cells_to_fields(doc, rules.variant, rules.cells)
    return rules, fields, run_checks(rules.variant, fields)


def test_what_settles_a_section():
    rules, fields, checks = _seed_reading()
    variant, every = rules.variant, {"active", "requests", "review"}
    assert settled_sections(variant, fields, checks, frozenset(), []) == every
    # A glued row of section 二 read one of several ways.
    glued = frozenset(variant.section_keys("active")[:3])
    assert settled_sections(variant, fields, checks, glued, []) == every - {"active"}
    # A row of section 二 (in no check) with no cell read.
    row = next(row for row in variant.rows if row[0].startswith("active."))
    unread = {**fields, **{key: replace(fields[key], value=None, raw=None, start=None, end=None) for key in row}}
    assert settled_sections(variant, unread, run_checks(variant, unread), frozenset(), []) == every - {"active"}
    # A sum of section 三 broken.
    key = "requests.new.natural"
    broken = {**fields, key: replace(fields[key], value=fields[key].value + 1)}
    assert settled_sections(variant, broken, run_checks(variant, broken), frozenset(), []) == every - {"requests"}
    # A cell of section 四 missing: the checks through it cannot tell.
    key = "review.upheld"
    missing = {**fields, key: replace(fields[key], value=None, raw=None, start=None, end=None)}
    assert settled_sections(variant, missing, run_checks(variant, missing), frozenset(), []) == every - {"review"}
    # A section printed without a table is the rules' (null), whatever else holds.
    assert settled_sections(variant, missing, run_checks(variant, missing), frozenset(), ["review"]) == every
    # Nothing read: no section with a table is settled.
    empty = {key: replace(field, value=None, raw=None, start=None, end=None) for key, field in fields.items()}
    assert settled_sections(variant, empty, run_checks(variant, empty), frozenset(), []) == set()
    assert settled_sections(variant, empty, run_checks(variant, empty), frozenset(), ["review"]) == {"review"}
