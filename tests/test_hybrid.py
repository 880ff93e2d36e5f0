"""The hybrid policy: agreement stands, the printed arithmetic settles disagreements, printed errors stay."""
from dataclasses import replace

from nianbao.variants import Variant
from nianbao.hybrid import reconcile
from nianbao.records import Field
from nianbao.schema import get_template

APPLICANTS = ("natural", "commercial", "research", "social", "legal", "other_org")


def reading(by: str, values: dict, confidence: float, template: str = "2019", collapsed: bool = False) -> dict:
    """A full reading of a report: every field 0 (found in the text) unless ``values`` says otherwise."""
    fields = {}
    for offset, key in enumerate(get_template(template).field_keys(collapsed)):
        value = values.get(key, 0)
        fields[key] = Field(value, str(value), offset, offset + 1, confidence, by)
    return fields


def requests_row(row: str, numbers: list) -> dict:
    columns = APPLICANTS + ("total",)
    return {f"requests.{row}.{column}": number for column, number in zip(columns, numbers)}


def test_agreement_is_kept_and_marked_as_both():
    rules = reading("rules", requests_row("new", [3, 0, 0, 0, 0, 0, 3]), 1.0)
    model = reading("model", requests_row("new", [3, 0, 0, 0, 0, 0, 3]), 0.9)
    fields, warnings = reconcile(Variant("2019", False), rules, model)
    assert fields["requests.new.natural"].value == 3
    assert fields["requests.new.natural"].by == "both"
    assert warnings == []


def test_a_row_sum_picks_the_reading_that_adds_up():
    # 本年新收 printed "21710000218": the rules cut it one way, the model another; only 217 1 0 0 0 0 218 adds up.
    balanced = requests_row("new", [217, 1, 0, 0, 0, 0, 218]) | requests_row("total", [217, 1, 0, 0, 0, 0, 218])
    rules = reading("rules", requests_row("new", [21, 71, 0, 0, 0, 0, 218]), 1.0)
    model = reading("model", balanced, 0.6)
    fields, _ = reconcile(Variant("2019", False), rules, model)
    assert [fields[f"requests.new.{c}"].value for c in APPLICANTS + ("total",)] == [217, 1, 0, 0, 0, 0, 218]
    assert fields["requests.new.natural"].by == "model"


def test_a_column_sum_settles_a_cell_the_row_cannot():
    # requests.new.total disputed: 5 (rules) vs 50 (model); its row has nulls so the row rule is silent,
    # but new + carried_over = total + carry_forward holds only with 5.
    base = requests_row("total", [5, 0, 0, 0, 0, 0, 5]) | requests_row("granted", [5, 0, 0, 0, 0, 0, 5])
    rules = reading("rules", base | {"requests.new.natural": None, "requests.new.total": 5}, 0.7)
    model = reading("model", base | {"requests.new.natural": None, "requests.new.total": 50}, 0.99)
    fields, warnings = reconcile(Variant("2019", False), rules, model)
    assert fields["requests.new.total"].value == 5
    assert any("requests.new.total" in w for w in warnings)


def test_a_printed_error_read_the_same_by_both_is_not_fixed():
    wrong = requests_row("new", [3, 0, 0, 0, 0, 0, 4])  # the report itself prints 3 … = 4
    fields, _ = reconcile(Variant("2019", False), reading("rules", wrong, 1.0), reading("model", wrong, 0.9))
    assert fields["requests.new.total"].value == 4


def test_a_cell_only_one_reading_found_is_taken_from_it():
    rules = reading("rules", {}, 1.0)
    rules["active.fees.change"] = Field(None)
    model = reading("model", {"active.fees.change": 7}, 0.8)
    fields, _ = reconcile(Variant("2019", False), rules, model)
    assert fields["active.fees.change"].value == 7
    assert fields["active.fees.change"].by == "model"


def test_a_reading_with_an_empty_cell_does_not_beat_a_printed_row_that_does_not_add_up():
    # The report prints 3 0 0 0 0 1 … = 3: wrong, and the rules read it as printed.  The model misses the
    # 1 and is sure of the rest; an empty cell makes the row "cannot tell", which is no evidence for it.
    printed = requests_row("new", [3, 0, 0, 0, 0, 1, 3])
    model_view = printed | {"requests.new.other_org": None}
    model = reading("model", model_view, 0.99)
    model["requests.new.other_org"] = Field(None, None, None, None, 0.99, "model")
    fields, _ = reconcile(Variant("2019", False), reading("rules", printed, 0.8), model)
    assert fields["requests.new.other_org"].value == 1 and fields["requests.new.other_org"].by == "rules"


def test_a_section_printed_without_a_table_keeps_the_rules_nulls():
    # The review section says 未发生行政复议: the rules leave it null; the model read digits of the sentence
    # as a review row that happens to add up (2 0 0 0 = 2).
    review = {"review.upheld": 2, "review.corrected": 0, "review.other": 0, "review.pending": 0, "review.total": 2}
    rules = reading("rules", {key: None for key in review}, 0.4)
    for key in review:
        rules[key] = Field(None, None, None, None, 0.4, "rules")
    fields, _ = reconcile(Variant("2019", False), rules, reading("model", review, 0.9), settled=set(review))
    assert all(fields[key].value is None for key in review)
    fields, _ = reconcile(Variant("2019", False), rules, reading("model", review, 0.9))
    assert fields["review.upheld"].value == 2  # without the rule layer's word, the sum decides


def test_a_column_switch_never_reads_one_printed_cell_as_two_fields():
    # Printed 64 9 0 6 1 7 = 82 (wrong: they add up to 87) and a column that fails too.  The model reads
    # requests.new.social as the "1" the rules read as requests.new.legal; taking it would make the column
    # add up but read that one cell twice.
    printed = requests_row("new", [64, 9, 0, 6, 1, 7, 82])
    rules = reading("rules", printed, 0.9)
    model = reading("model", printed | {"requests.new.social": 1}, 0.9)
    model["requests.new.social"] = replace(model["requests.new.social"], start=rules["requests.new.legal"].start,
                                           end=rules["requests.new.legal"].end)
    rules["requests.total.social"] = replace(rules["requests.total.social"], value=1)
    model["requests.total.social"] = replace(model["requests.total.social"], value=1)
    fields, warnings = reconcile(Variant("2019", False), rules, model)
    assert fields["requests.new.social"].value == 6 and warnings == []


def test_a_column_switch_never_breaks_a_row_that_adds_up_in_a_collapsed_2021_table():
    # A 2021 report printing （六）其他处理 as one row: the rules read it 2 0 0 0 0 0 = 2, the model 5 … = 2.
    # Only 5 makes the natural-persons column's results add up to its 总计 of 5, but it would break the row.
    values = requests_row("new", [5, 0, 0, 0, 0, 0, 5]) | requests_row("total", [5, 0, 0, 0, 0, 0, 5])
    rules = reading("rules", values | requests_row("other", [2, 0, 0, 0, 0, 0, 2]), 0.9, "2021", True)
    model = reading("model", values | requests_row("other", [5, 0, 0, 0, 0, 0, 2]), 0.99, "2021", True)
    fields, warnings = reconcile(Variant("2021", True), rules, model)
    assert fields["requests.other.natural"].value == 2 and fields["requests.other.natural"].by == "rules"
    assert warnings == []


def test_a_model_cell_on_text_the_rules_gave_another_field_is_worth_less_than_no_cell():
    # The rules find no 收费金额 cell; the model, surer, puts its key on the cell the rules read as 行政强制.
    rules = reading("rules", {"active.coercion.decisions": 7}, 0.5, "2021")
    rules["active.fees.amount_wan"] = Field(None, None, None, None, 0.5, "rules")
    model = reading("model", {"active.coercion.decisions": 7, "active.fees.amount_wan": 7}, 0.9, "2021")
    taken = rules["active.coercion.decisions"]
    model["active.fees.amount_wan"] = replace(model["active.fees.amount_wan"], start=taken.start, end=taken.end)
    fields, _ = reconcile(Variant("2021", False), rules, model)
    assert fields["active.fees.amount_wan"].value is None and fields["active.fees.amount_wan"].by == "rules"


def test_a_row_both_readings_make_add_up_equally_sure_goes_to_the_rules():
    # 3 0 … = 3 or 0 3 … = 3: both add up, both found every cell, equally sure; nothing else tells them apart
    # (the 总计 row is not printed), and the rule layer, which reads the row as printed, is kept.
    rules = reading("rules", requests_row("new", [3, 0, 0, 0, 0, 0, 3]), 0.9)
    model = reading("model", requests_row("new", [0, 3, 0, 0, 0, 0, 3]), 0.9)
    for key in requests_row("total", [None] * 7):
        rules[key] = model[key] = Field(None, None, None, None, 0.9, "rules")
    fields, warnings = reconcile(Variant("2019", False), rules, model)
    assert [fields[f"requests.new.{c}"].value for c in APPLICANTS] == [3, 0, 0, 0, 0, 0]
    assert fields["requests.new.natural"].by == "rules" and warnings == []
