"""Span scores beside field accuracy: spaCy's ``Scorer.score_spans`` on the gold spans of generated reports."""
from __future__ import annotations

import json

import pytest

from evaluate.scoring import Pair, score_report
from evaluate.span_scores import ALL_FIELDS, gold_spans, score_pairs
from nianbao.cli import main
from nianbao.pipeline import parse_document
from nianbao.readers import read_document
from training.corpus import iter_examples, write_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Two generated reports (text, gold, spans) of layouts the rule layer reads whole."""
    out = tmp_path_factory.mktemp("generated")
    write_corpus(out, iter_examples(2, ["tab_lines", "markdown"], seed=21))  # a draw with no cell left unprinted
    return out


def rules_pairs(corpus):
    pairs = []
    for path in sorted((corpus / "text").glob("*.txt")):
        doc = read_document(path)
        gold = json.loads((corpus / "gold" / f"{path.stem}.json").read_text(encoding="utf-8"))
        pairs.append(Pair(path.stem, gold, parse_document(doc, "rules"), text=doc.text))
    return pairs


def test_a_parse_reading_every_cell_where_gold_marks_it_scores_1(corpus):
    pairs = rules_pairs(corpus)
    assert all(score_report(pair).exact for pair in pairs)
    scores = score_pairs(pairs, corpus / "spans")
    assert scores.reports == 2
    whole = scores.scores[ALL_FIELDS]
    assert (whole.precision, whole.recall, whole.f1) == (1.0, 1.0, 1.0)
    assert whole.gold == whole.predicted == sum(len(gold_spans(corpus / "spans", pair.stem)) for pair in pairs)
    assert whole.gold == sum(scores.scores[section].gold for section in ("active", "requests", "review"))


def test_a_right_value_read_from_another_cell_is_a_span_error_not_a_field_error(corpus):
    pairs = rules_pairs(corpus)
    report = pairs[0].predicted
    spans = {key: (start, end) for key, start, end in gold_spans(corpus / "spans", pairs[0].stem)}
    # review.upheld read from the cell of another review field that prints the same number
    moved = next(key for key in spans if key.startswith("review.") and key != "review.upheld"
                 and report.fields[key].value == report.fields["review.upheld"].value)
    report.fields["review.upheld"].start, report.fields["review.upheld"].end = spans[moved]
    assert score_report(pairs[0]).exact
    scores = score_pairs(pairs, corpus / "spans")
    gold = scores.scores[ALL_FIELDS].gold
    assert scores.scores[ALL_FIELDS].precision == pytest.approx((gold - 1) / gold)
    assert scores.scores[ALL_FIELDS].recall == pytest.approx((gold - 1) / gold)
    review = scores.scores["review"]
    assert review.precision == pytest.approx((review.gold - 1) / review.gold)
    assert scores.scores["requests"].f1 == 1.0


def test_evaluate_prints_and_writes_span_scores_beside_field_accuracy(corpus, tmp_path, capsys):
    json_path, html_path = tmp_path / "eval.json", tmp_path / "eval.html"
    assert main(["evaluate", "--gold", str(corpus / "gold"), str(corpus / "text"), "--system", "rules",
                 "--json", str(json_path), "--html", str(html_path)]) == 0
    out = capsys.readouterr().out
    assert "span scores (spaCy Scorer.score_spans) on the 2 reports with gold spans" in out
    rows = {line.split("  P ")[0].strip(): line.split("  P ")[1] for line in out.splitlines() if "  P " in line}
    assert rows["all fields"] == rows["requests fields"] == "100.00% R 100.00% F1 100.00%"
    spans = json.loads(json_path.read_text(encoding="utf-8"))["spans"]
    assert spans["rules"]["reports"] == 2 and spans["rules"]["scores"]["all fields"]["f1"] == 1.0
    assert "Spans (spaCy <code>Scorer.score_spans</code>)" in html_path.read_text(encoding="utf-8")


def test_gold_without_spans_gets_no_span_scores(tmp_path, capsys):
    json_path = tmp_path / "eval.json"
    assert main(["evaluate", "--gold", "data/gold", "data/seeds/000_2e827ae39ac43e7f.txt", "--system", "rules",
                 "--json", str(json_path)]) == 0
    assert "span scores" not in capsys.readouterr().out
    assert json.loads(json_path.read_text(encoding="utf-8"))["spans"] == {}


def test_the_component_scores_its_spans_in_nlp_evaluate(corpus):
    import spacy
    from spacy.training import Example

    from nianbao.spacy_component import set_spans

    nlp = spacy.blank("zh")
    nlp.add_pipe("nianbao", config={"system": "rules"})
    examples = []
    for path in sorted((corpus / "text").glob("*.txt")):
        reference = nlp.make_doc(read_document(path).text)
        set_spans(reference, gold_spans(corpus / "spans", path.stem))
        examples.append(Example(nlp.make_doc(reference.text), reference))
    scores = nlp.evaluate(examples)
    assert (scores["spans_nianbao_p"], scores["spans_nianbao_r"], scores["spans_nianbao_f"]) == (1.0, 1.0, 1.0)
    keys = {key for path in (corpus / "text").glob("*.txt") for key, _, _ in gold_spans(corpus / "spans", path.stem)}
    assert set(scores["spans_nianbao_per_type"]) == keys
