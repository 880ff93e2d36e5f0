"""Scoring: the accuracy figures on small hand-made gold/prediction pairs, checked to the exact count."""
from evaluate.scoring import Context, Pair, Tally, same_value, score_report, score_reports
from nianbao.records import Field, Report


def gold(fields, year=2020, template="2019", agency="殷都区人民政府", title=None):
    return {"template": template, "meta": {"year": year, "agency": agency, "title": title}, "fields": fields}


def prediction(values, year=2020, template="2019", agency="殷都区人民政府", title=None, spans=None):
    """A ``Report.to_json()``-shaped dict; ``spans`` gives (start, end) in the source text per key."""
    spans = spans or {}
    fields = {key: {"value": value, "raw": None if value is None else str(value),
                    "start": spans.get(key, (None, None))[0], "end": spans.get(key, (None, None))[1],
                    "confidence": 1.0, "by": "rules"} for key, value in values.items()}
    return {"source": "x.txt", "template": template, "meta": {"year": year, "agency": agency, "title": title},
            "fields": fields, "checks": [], "warnings": []}


def test_a_tally_prints_as_count_and_percentage():
    assert str(Tally(196, 198)) == "196/198 (98.99%)"
    assert str(Tally(0, 0)) == "0/0 (n/a)"
    assert Tally(0, 0).rate is None


def test_null_equals_only_null():
    assert same_value(None, None)
    assert not same_value(None, 0)
    assert not same_value(0, None)


def test_numbers_compare_exactly_after_normalisation():
    assert same_value(30, 30.0)
    assert same_value(5008.284, 5008.284)
    assert same_value(5008.284, 50082840 * 0.0001)  # 元 -> 万元 conversion noise is not an error
    assert not same_value(5008.284, 5008.28)
    assert not same_value(30, "30")  # a string is not a number
    assert not same_value(1, True)


def test_field_accuracy_counts_null_vs_zero_and_a_missing_key_as_wrong():
    pair = Pair("r", gold({"requests.new.natural": 30, "requests.new.total": 0, "active.fees.change": None,
                           "review.total": 7}),
                prediction({"requests.new.natural": 30.0, "requests.new.total": None, "active.fees.change": 0}))
    score = score_report(pair)
    assert (score.fields.right, score.fields.total) == (1, 4)
    assert not score.exact
    assert [(m.key, m.gold, m.predicted, m.missing) for m in score.mismatches] == [
        ("requests.new.total", 0, None, False),
        ("active.fees.change", None, 0, False),
        ("review.total", 7, None, True),
    ]


def test_non_zero_accuracy_counts_only_gold_fields_neither_zero_nor_null():
    pair = Pair("r", gold({"requests.new.natural": 30, "requests.new.total": 0, "active.fees.change": None,
                           "review.total": 7, "active.procurement.amount_wan": 5008.284}),
                prediction({"requests.new.natural": 31, "requests.new.total": 1, "active.fees.change": 3,
                            "review.total": 7, "active.procurement.amount_wan": 5008.284}))
    score = score_report(pair)
    assert (score.nonzero.right, score.nonzero.total) == (2, 3)
    assert (score.fields.right, score.fields.total) == (2, 5)


def test_fields_are_broken_down_by_section():
    pair = Pair("r", gold({"active.rules.new_made": 1, "requests.new.natural": 2, "requests.new.total": 2,
                           "review.upheld": 0}),
                prediction({"active.rules.new_made": 1, "requests.new.natural": 2, "requests.new.total": 3,
                            "review.upheld": 1}))
    sections = score_report(pair).sections
    assert {name: (t.right, t.total) for name, t in sections.items()} == {
        "active": (1, 1), "requests": (1, 2), "review": (0, 1)}


def test_metadata_is_scored_item_by_item():
    pair = Pair("r", gold({"review.total": 0}, year=2020, template="2019", agency="袁州区", title="标题"),
                prediction({"review.total": 0}, year=2020, template="2021", agency=" 袁州区 ", title=None))
    score = score_report(pair)
    assert score.meta == {"year": True, "template": False, "agency": True, "title": False}
    assert score.exact  # metadata does not enter report exact match, which is about fields


def test_a_report_object_is_scored_like_its_json():
    report = Report("x.txt", "2019", {"year": 2021, "agency": None, "title": None},
                    {"requests.new.natural": Field(30, "30")})
    score = score_report(Pair("r", gold({"requests.new.natural": 30}, year=2021, agency=None), report))
    assert (score.fields.right, score.fields.total) == (1, 1)
    assert all(score.meta.values())


def test_a_mismatch_shows_forty_characters_of_source_text_either_side_of_the_predicted_span():
    text = "甲" * 50 + "一、本年新收政府信息公开申请数量 | 31 | 0" + "乙" * 50
    start = text.index("31")
    pair = Pair("r", gold({"requests.new.natural": 30}),
                prediction({"requests.new.natural": 31}, spans={"requests.new.natural": (start, start + 2)}),
                text=text)
    (mismatch,) = score_report(pair).mismatches
    assert mismatch.context == Context(text[start - 40:start], "31", text[start + 2:start + 42])
    assert mismatch.raw == "31"


def test_a_mismatch_without_span_or_text_has_no_context():
    no_span = Pair("r", gold({"review.total": 1}), prediction({"review.total": 2}), text="review | 2")
    no_text = Pair("r", gold({"review.total": 1}), prediction({"review.total": 2}, spans={"review.total": (0, 1)}))
    assert score_report(no_span).mismatches[0].context is None
    assert score_report(no_text).mismatches[0].context is None


def test_reports_aggregate_into_the_four_figures_and_per_group_summaries():
    right = prediction({"requests.new.natural": 30, "requests.new.total": 0})
    wrong = prediction({"requests.new.natural": 3, "requests.new.total": 0}, agency="别的")
    truth = gold({"requests.new.natural": 30, "requests.new.total": 0})
    evaluation = score_reports([Pair("a", truth, right, group="plain"), Pair("b", truth, wrong, group="plain"),
                                Pair("c", truth, right, group="grid")])
    summary = evaluation.summary
    assert summary.reports == 3
    assert (summary.fields.right, summary.fields.total) == (5, 6)
    assert (summary.nonzero.right, summary.nonzero.total) == (2, 3)
    assert (summary.exact.right, summary.exact.total) == (2, 3)
    assert (summary.meta["agency"].right, summary.meta["year"].right) == (2, 3)
    assert list(evaluation.groups) == ["grid", "plain"]
    assert (evaluation.groups["plain"].exact.right, evaluation.groups["plain"].exact.total) == (1, 2)
    assert [(m.stem, m.key) for m in evaluation.mismatches] == [("b", "requests.new.natural")]
