"""The hybrid leaves the model out of a report the rules settle, and runs it on every other."""
from dataclasses import replace

import pytest

from nianbao.hybrid import settled_by_rules
from nianbao.paths import REAL_DEV_DIR, SEEDS_DIR
from nianbao.pipeline import parse_document
from nianbao.readers import read_document
from nianbao.records import Check, Field

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
        self.asked.append(doc.source)
        return self.labeller.label(doc, facts)


def test_a_report_the_rules_settle_is_theirs_and_the_model_is_not_run():
    doc = read_document(SEED)
    hybrid = parse_document(doc, "hybrid", RefusingLabeller())
    rules = parse_document(doc, "rules")
    assert hybrid.to_json() == rules.to_json()
    assert hybrid.fields["requests.new.natural"].value == rules.fields["requests.new.natural"].value is not None
    assert {field.by for field in hybrid.fields.values()} <= {"rules", None}  # None: a cell not printed
    assert all(check.ok is not False for check in hybrid.checks)


def test_a_report_whose_glued_rows_cut_several_ways_is_read_by_the_model_too():
    labeller = CountingLabeller()
    doc = read_document(REAL_DEV_DIR / "reports" / "pingtan-2025.txt")
    report = parse_document(doc, "hybrid", labeller)
    assert labeller.asked == [doc.source]
    assert any(field.by in ("model", "both") for field in report.fields.values())


def _fields(**values):
    return {key: Field(value, raw=None if value is None else str(value), start=None if value is None else 0,
                       end=None if value is None else 1) for key, value in values.items()}


CHECK = Check(rule="row_total", where="x", ok=True, lhs=3, rhs=3, keys=["a", "b", "c"])


ROWS = [("a", "b", "c"), ("d", "e")]  # d, e: a row in no check, as section 二's are


@pytest.mark.parametrize("fields, checks, open_keys, settled", [
    (_fields(a=1, b=2, c=3, d=4, e=None), [CHECK], frozenset(), True),  # e: a blank cell of a row read
    (_fields(a=1, b=2, c=4, d=4, e=5), [replace(CHECK, ok=False, rhs=4)], frozenset(), False),  # a sum is broken
    (_fields(a=1, b=2, c=None, d=4, e=5), [replace(CHECK, ok=None, rhs=None)], frozenset(), False),  # a cell not found
    (_fields(a=1, b=2, c=3, d=None, e=None), [CHECK], frozenset(), False),  # a row in no check not read at all
    (_fields(a=1, b=2, c=3, d=4, e=5), [CHECK], frozenset({"a"}), False),  # a glued row read one of several ways
    (_fields(a=None, b=None, c=None, d=None, e=None), [], frozenset(), False),  # nothing read: not a report
])
def test_what_settles_a_report(fields, checks, open_keys, settled):
    assert settled_by_rules(fields, checks, open_keys, ROWS) is settled
