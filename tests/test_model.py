"""The token-classification model: labels, tokenizer, features, training, save/load and windowed inference.

Models here are tiny (a few thousand parameters) and data is a couple of hand-made reports in the
generated-example format, so the whole file runs in seconds.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from transformers import AutoTokenizer, BertConfig, BertForTokenClassification

from nianbao.variants import Variant
from model.encoding import encode_text, kept_tokens, table_regions, window_bounds
from nianbao.contracts import TableFacts
from model.decoding import (ValueSpan, assign_keys, no_leading_zeros, printed_values, recut_glued_runs,
                            separated_numbers_whole, value_spans, whole_numbers)
from model.inference import CellsOnce, Labeller
from model.labels import label_groups, label_list
from model.tokenizer import build_bpe_tokenizer, build_char_tokenizer
from nianbao.schema import all_field_keys
from nianbao.text import normalise
from rules_fallback.readings import row_readings, row_specs
from training.features import IGNORED, char_tags, example_document, example_features
from training.train import train

TINY = {"hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 64,
        "max_position_embeddings": 96}


def make_example(parts: list) -> dict:
    """A generated-example dict from text pieces; a ``(text, kind, key)`` tuple is a labelled span."""
    text, spans = "", []
    for part in parts:
        if isinstance(part, tuple):
            piece, kind, key = part
            spans.append({"start": len(text), "end": len(text) + len(piece), "kind": kind, "key": key})
        else:
            piece = part
        text += piece
    return {"text": text, "spans": spans, "style": "hand-made"}


def section_two(licensing: tuple[str, str, str], penalty: tuple[str, str, str], glue: str = "\n\t") -> dict:
    """Section 二's (五)/(六) blocks of a 2019 report, one cell per line (the layout of data/seeds/000)."""
    parts = [("二、主动公开政府信息情况", "section", "active"), "\n"]
    for block, rows in (("第二十条第（五）项", [("licensing", "行政许可", licensing)]),
                        ("第二十条第（六）项", [("penalty", "行政处罚", penalty)])):
        parts += ["\t", (block, "block", block), "\n\t信息内容", glue, ("上一年项目数量", "column", "prev_items"), glue,
                  ("本年增/减", "column", "change"), glue, ("处理决定数量", "column", "decisions"), "\n"]
        for row, printed, values in rows:
            parts += ["\t", (printed, "row", row)]
            for column, value in zip(("prev_items", "change", "decisions"), values):
                parts += [glue, (value, "value", f"active.{row}.{column}")]
            parts.append("\n")
    return make_example(parts)


EXAMPLES = [section_two(("187", "0", "4677"), ("2499", "－", "1890")),
            section_two(("1920", "273", "1787"), ("3727", "504", "2803"), glue=" | "),
            section_two(("１２", "3", "45"), ("0", "0", "18"))]


def test_label_set_is_derived_from_the_schema():
    labels = label_list()
    assert labels[0] == "O" and len(labels) == len(set(labels))
    for key in all_field_keys():
        assert f"B-{key}" in labels and f"I-{key}" in labels
    for tag in ("ROW", "COL", "SEC", "NOISE"):
        assert f"B-{tag}" in labels


def test_label_groups_share_rows_columns_and_cell_boundaries():
    labels = label_list()
    rows, columns, segments = label_groups(labels)
    index = {label: i for i, label in enumerate(labels)}
    natural, other_row = index["B-requests.new.natural"], index["I-requests.granted.natural"]
    assert rows[natural] == rows[index["I-requests.new.natural"]] != rows[other_row]
    assert columns[natural] == columns[other_row] != columns[index["B-requests.new.total"]]
    # Where a cell begins or continues, whatever its key; O and structure labels stay apart.
    assert segments[natural] == segments[index["B-active.rules.new_made"]] != segments[other_row]
    assert segments[other_row] == segments[index["I-review.total"]]
    assert len({segments[index[label]] for label in ("O", "B-ROW", "I-ROW", "B-COL")} | {segments[natural]}) == 5


def test_char_tokenizer_gives_one_token_per_character_and_survives_save(tmp_path):
    tokenizer = build_char_tokenizer(["行政许可\t187\n"])
    encoded = encode_text(tokenizer, "许可 21710000218\n☃")
    assert encoded.offsets == [(i, i + 1) for i in range(len("许可 21710000218\n☃"))]
    assert encoded.ids[-1] == tokenizer.unk_token_id  # unseen character
    tokenizer.save_pretrained(tmp_path)
    loaded = AutoTokenizer.from_pretrained(tmp_path)
    assert encode_text(loaded, "许可 21710000218\n☃").ids == encoded.ids
    # pdftotext-style padding: a run of filler is one token (16 at most), digits stay single
    padded = "行政许可" + " " * 20 + "187   0"
    assert [padded[a:b] for a, b in encode_text(tokenizer, padded).offsets] == \
        [*"行政许可", " " * 16, " " * 4, "1", "8", "7", "   ", "0"]


def test_bpe_tokenizer_merges_words_but_never_digits(tmp_path):
    tokenizer = build_bpe_tokenizer([e["text"] for e in EXAMPLES] * 20, vocab_size=1000)
    text = "行政许可\t21710000218"
    pieces = [text[a:b] for a, b in encode_text(tokenizer, text).offsets]
    assert "行政许可" in pieces and pieces[-11:] == list("21710000218")
    tokenizer.save_pretrained(tmp_path)
    assert encode_text(AutoTokenizer.from_pretrained(tmp_path), text).ids == encode_text(tokenizer, text).ids


def test_spans_follow_normalisation_onto_norm():
    # Full-width digits become half-width and the converter marker disappears: spans must still fit.
    example = make_example(["行政许可\t", ("１８７", "value", "active.licensing.prev_items"), "\t[bookmark: _GoBack]",
                            ("－", "value", "active.licensing.change")])
    doc, spans = example_document(example)
    assert doc.norm == "行政许可\t187\t-"
    assert [doc.norm[s["start"]:s["end"]] for s in spans] == ["187", "-"]
    tags = char_tags(len(doc.norm), spans)
    assert tags[5:9] == ["B-active.licensing.prev_items", "I-active.licensing.prev_items",
                         "I-active.licensing.prev_items", "O"]


def test_windows_cover_every_token_and_labels_ignore_special_tokens():
    assert window_bounds(5, 96, 47) == [(0, 5)]
    bounds = window_bounds(300, 96, 47)
    assert bounds[0] == (0, 94) and bounds[-1] == (206, 300)
    assert all(end - start == 94 for start, end in bounds)
    tokenizer = build_char_tokenizer(e["text"] for e in EXAMPLES)
    labels = label_list()
    features = example_features(EXAMPLES[0], tokenizer, {l: i for i, l in enumerate(labels)}, 96, 47)
    assert len(features) > 1
    for window in features:
        assert window["labels"][0] == window["labels"][-1] == IGNORED
        assert len(window["input_ids"]) == len(window["labels"]) <= 96


def test_value_spans_split_glued_numbers_where_a_value_begins():
    # "2171" glued: tokens 2 1 7 | 1 with a B on the fourth digit; an I after an outside token starts a span.
    begin = np.array([0.0, 0.9, 0.1, 0.1, 0.8, 0.0, 0.1])
    inside = np.array([0.0, 0.05, 0.8, 0.7, 0.1, 0.1, 0.6])
    spans = value_spans(begin, inside)
    assert [(s.first, s.last) for s in spans] == [(1, 4), (4, 5), (6, 7)]
    assert spans[0].value_probability == pytest.approx(0.8)


def test_a_span_that_cuts_a_number_is_dropped_but_glued_cells_are_kept():
    text = "2020年 21710"
    offsets = [(i, i + 1) for i in range(len(text))]
    spans = value_spans(np.array([1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0.0]), np.array([0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1.0]))
    assert [(s.first, s.last) for s in spans] == [(0, 1), (6, 9), (9, 11)]
    assert [(s.first, s.last) for s in whole_numbers(spans, offsets, text)] == [(6, 9), (9, 11)]


def test_a_digit_read_as_a_row_label_does_not_make_its_neighbour_a_cut_number():
    # "秘密00 2.其他": the 2 glued to the last cell is the next row's number, labelled as scaffolding.
    text = "秘密002.其他"
    offsets = [(i, i + 1) for i in range(len(text))]
    spans = [ValueSpan(2, 3, 0.9), ValueSpan(3, 4, 0.9)]
    assert whole_numbers(spans, offsets, text) == spans[:1]
    scaffold = np.array([c in "2.其他" for c in text])
    assert whole_numbers(spans, offsets, text, scaffold) == spans


def test_a_number_set_off_by_a_separator_is_never_cut_but_a_glued_run_is():
    text = "数量2171\t54\n"
    offsets = [(i, i + 1) for i in range(len(text))]
    begin = np.array([0, 0, 0.9, 0.1, 0.1, 0.8, 0, 0.9, 0.7, 0.0])  # B on the 1 after 217, and on the 4 of 54
    inside = np.array([0, 0, 0.1, 0.9, 0.9, 0.2, 0, 0.1, 0.3, 0.0])
    spans = value_spans(*separated_numbers_whole(begin, inside, offsets, text))
    assert [text[s.first:s.last] for s in spans] == ["217", "1", "54"]
    assert spans[2].value_probability == pytest.approx(1.0)


def test_a_glued_zero_is_a_cell_of_its_own():
    text = "数量0410 0.5"
    offsets = [(i, i + 1) for i in range(len(text))]
    spans = no_leading_zeros([ValueSpan(2, 5, 0.8), ValueSpan(5, 6, 0.9), ValueSpan(7, 10, 0.9)], offsets, text)
    assert [text[s.first:s.last] for s in spans] == ["0", "41", "0", "0.5"]


def test_spans_that_print_no_number_or_empty_mark_are_dropped():
    text = "www.yzq 25个 - 率达 降45 4948.3955万元 3.其他 3.5"  # normalised: the full-width － is "-" by then
    offsets = [(i, i + 1) for i in range(len(text))]
    spans = [ValueSpan(0, 1, 0.9), ValueSpan(8, 11, 0.9), ValueSpan(12, 13, 0.9), ValueSpan(14, 16, 0.9),
             ValueSpan(17, 20, 0.9), ValueSpan(21, 32, 0.9), ValueSpan(33, 34, 0.9), ValueSpan(38, 41, 0.9)]
    kept = printed_values(spans, offsets, text)
    assert [text[offsets[s.first][0]:offsets[s.last - 1][1]] for s in kept] == ["25个", "-", "4948.3955万元", "3.5"]
    text = "1075.1万"  # a span "5." (from a cut glued run) prints no number: a point ends nothing
    assert printed_values([ValueSpan(3, 5, 0.9)], [(i, i + 1) for i in range(len(text))], text) == []


def test_keys_are_assigned_once_by_the_best_total():
    # Span 0 leans to key 1 (0.6 vs 0.4); span 1 is sure of key 1 (0.9).  Argmax would give both key 1;
    # the assignment gives key 1 to span 1 and key 0 to span 0.  Span 2 is near-certain of key 2, which
    # the template does not allow, and of nothing else: it is left without a key.
    key_mass = np.array([[0.4, 0.6, 0.0], [0.1, 0.9, 0.0], [0.0, 0.0, 1.0]])
    spans = value_spans(np.ones(3), np.zeros(3))
    assigned = assign_keys(spans, key_mass, allowed=np.array([True, True, False]))
    assert [(span.first, key) for span, key, _ in assigned] == [(0, 0), (1, 1)]
    assert assigned[0][2] == pytest.approx(0.4)


def recut_row(text: str, template: str, row: list[str], leaning: slice, begin, inside, spans, keyed,
              scaffold=None, balance=None) -> list[tuple[int, str, str]]:
    """``recut_glued_runs`` on ``text`` read one character a token, the rule layer's readings of
    ``template``: the model's ``spans``, ``keyed`` ((span, key) pairs) as it keyed them, the characters
    ``leaning`` to the keys of ``row`` (no column in particular).  The cells after: (first, printed, key)."""
    offsets = [(i, i + 1) for i in range(len(text))]
    field_keys = list(all_field_keys())
    key_mass = np.full((len(text), len(field_keys)), 1e-4)
    key_mass[leaning, [field_keys.index(key) for key in row]] = 0.1
    cells = [(span, field_keys.index(key), 0.1) for span, key in keyed]

    def readings_for(glued, keys):
        return row_readings(glued, keys, row_specs(Variant(template, False)))

    recut = recut_glued_runs(spans, cells, begin, inside, key_mass, offsets, text, field_keys, readings_for,
                             scaffold, balance)
    return sorted((s.first, text[s.first:s.last], field_keys[key]) for s, key, _ in recut)


def recut_110000011(begin_at_first_zero: float, balance=None) -> list[tuple[int, str, str]]:
    """The run "110000011" of row requests.new re-cut: (first, printed cell, key) in order.  The model read
    a cell on every digit (nine cells, a sum that fails) and hesitates over the second 1 (0.55 begin)."""
    row = [key for key in all_field_keys() if key.startswith("requests.new.")]
    begin = np.array([0, 0, 0.9, 0.55, begin_at_first_zero, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0, 0.9])
    inside = np.array([0, 0, 0.1, 0.45, 1 - begin_at_first_zero, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0, 0.1])
    spans = value_spans(begin, inside)
    # Keys used once: the model keyed seven of the nine digits (one onto the next row) and the "5".
    keyed = zip([*spans[:7], spans[9]], [*row[:6], "requests.carried_over.natural", row[6]])
    return recut_row("数量110000011 5", "2021", row, slice(2, 11), begin, inside, spans, keyed, balance=balance)


def test_a_glued_run_is_recut_where_the_row_sum_holds_as_the_model_likes_best():
    # "110000011" = 1|10|0|0|0|0|11 or 11|0|0|0|0|0|11: both add up.  The model hesitates over the second
    # 1 but is sure a cell begins at the first 0, so the second reading wins, and the run's cells take
    # the row's keys in printed order.  The "5" outside the run held the total's key: it loses it.
    row = [key for key in all_field_keys() if key.startswith("requests.new.")]
    assert [(raw, key) for _, raw, key in recut_110000011(0.9)] == list(zip(["11", "0", "0", "0", "0", "0", "11"], row))


@pytest.mark.parametrize("begin_at_first_zero, natural", [(0.9, "1"), (0.999, "11")])
def test_the_table_equations_choose_among_the_cuts_a_row_allows_unless_the_model_is_sure(begin_at_first_zero,
                                                                                          natural):
    # Say the columns add up only with natural = 1 (the 1|10|… reading): one equation holds instead of
    # being broken.  That outweighs the model's mild preference for 11|0|… (0.9 begin at the first 0),
    # not a strong one (0.999): a misread row elsewhere can make a wrong cut balance a column.
    def balance(raw_by_key, keys):
        return 1 if raw_by_key.get("requests.new.natural") == "1" else -1

    assert recut_110000011(begin_at_first_zero, balance)[0][1] == natural


def test_a_glued_run_takes_in_a_digit_the_model_left_out_and_leaves_out_the_next_items_number():
    # "0500207" = 0|5|0|0|2|0|7, then "2." numbers the next row.  The model read the first six digits and
    # the 2 as cells and left the 7 out: the run is widened over the 7 and cut before the 2.
    row = [key for key in all_field_keys() if key.startswith("requests.denied_secret.")]
    begin = np.array([0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.3, 0.6, 0, 0, 0])
    inside = np.array([0, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0, 0, 0])
    spans = value_spans(begin, inside)  # the 7 is outside: 0.6 not a value
    recut = recut_row("密05002072.其他", "2021", row, slice(1, 9), begin, inside, spans, zip(spans, row))
    assert recut == [(i + 1, digit, key) for i, (digit, key) in enumerate(zip("0500207", row))]


def test_a_glued_run_may_start_at_a_digit_the_model_read_as_the_items_number():
    # "2.请62101021085" then "3." numbers the next row: 62|10|1|0|2|10|85.  The model read the "2" of 62 as
    # part of the item number "2." (scaffolding) and keyed the run from the "1" on, a reading that does
    # not add up; no cut of the digits from the "1" on adds up either.  From the first digit after the
    # label, three cuts add up, and the model's begin mass picks the printed one.
    row = [key for key in all_field_keys() if key.startswith("requests.rejected_repeat.")]
    begin = np.array([0.2, 0, 0, 0.3, 0.1, 0.9, 0.1, 0.9, 0.9, 0.9, 0.9, 0.1, 0.9, 0.1, 0.5, 0, 0])
    inside = np.array([0, 0, 0, 0.6, 0.4, 0.1, 0.9, 0.1, 0.1, 0.1, 0.1, 0.9, 0.1, 0.9, 0.1, 0, 0])
    scaffold = np.zeros(len(begin), dtype=bool)
    scaffold[[0, 4, 14]] = True
    spans = [ValueSpan(a, b, 0.9) for a, b in [(5, 7), (7, 8), (8, 9), (9, 10), (10, 12), (12, 14)]]
    recut = recut_row("2.请621010210853.要", "2021", row, slice(3, 14), begin, inside, spans,
                      zip(spans, [*row[:5], row[6]]), scaffold)
    assert sorted((raw, key) for _, raw, key in recut) == sorted(zip(["62", "10", "1", "0", "2", "10", "85"], row))


def test_a_glued_run_takes_in_signs_and_decimal_points_between_digits():
    # "97+82179" = 97 | +82 | 179 (上一年项目数量 | 本年增/减 | 处理决定数量, no sum); the model keyed only
    # "8", "2", "179": the run takes in the sign and the digits before it, and is cut as a whole row.
    row = [key for key in all_field_keys() if key.startswith("active.licensing.")]
    begin = np.array([0, 0, 0.9, 0.1, 0.9, 0.4, 0.5, 0.6, 0.1, 0.1, 0, 0])
    inside = np.array([0, 0, 0.1, 0.8, 0.1, 0.5, 0.45, 0.3, 0.8, 0.8, 0, 0])
    spans = [ValueSpan(5, 6, 0.6), ValueSpan(6, 7, 0.6), ValueSpan(7, 10, 0.6)]
    recut = recut_row("许可97+82179其他", "2019", row, slice(2, 10), begin, inside, spans, zip(spans, row))
    assert sorted((raw, key) for _, raw, key in recut) == sorted(zip(["97", "+82", "179"], row))


def test_two_glued_runs_that_read_as_the_same_row_do_not_both_get_it():
    # Two rows of seven zeros; the sums allow either to be row A or row B.  Both lean to row A, the first
    # more surely: it takes row A, and the second takes row B rather than claiming row A's keys again.
    text = "申请0000000申请0000000"
    offsets = [(i, i + 1) for i in range(len(text))]
    field_keys = list(all_field_keys())
    row_a = [key for key in field_keys if key.startswith("requests.other_no_correction.")]
    row_b = [key for key in field_keys if key.startswith("requests.other_no_fee.")]
    index_a, index_b = [field_keys.index(k) for k in row_a], [field_keys.index(k) for k in row_b]
    begin = np.array([0, 0, *[1.0] * 7, 0, 0, *[1.0] * 7])
    key_mass = np.full((len(text), len(field_keys)), 1e-4)
    key_mass[2:9, index_a], key_mass[2:9, index_b] = 0.5, 0.1
    key_mass[11:18, index_a], key_mass[11:18, index_b] = 0.3, 0.2
    spans = value_spans(begin, np.zeros(len(text)))
    # The model's own keys (the Hungarian assignment's): row A backwards, then a mixture.
    cells = [(span, key, 0.1) for span, key in zip(spans, [*index_a[::-1], *index_b[::-1]])]

    def readings_for(glued, keys):
        return [(tuple(row_a), ["0"] * 7), (tuple(row_b), ["0"] * 7)]

    recut = recut_glued_runs(spans, cells, begin, np.zeros(len(text)), key_mass, offsets, text, field_keys,
                             readings_for)
    assert sorted((span.first, field_keys[key]) for span, key, _ in recut) == \
        [*zip(range(2, 9), row_a), *zip(range(11, 18), row_b)]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A tiny model of the ``keys`` labels trained on the hand-made reports until it has learnt them."""
    output = tmp_path_factory.mktemp("checkpoint")
    summary = train(EXAMPLES, {"train": EXAMPLES[:1]}, output, config_overrides=TINY, stride=47, epochs=150, batch_size=4,
                    learning_rate=1e-2, label_scheme="keys", log=lambda message: None)
    return output, summary


@pytest.mark.slow
def test_training_lowers_the_loss(trained):
    _, summary = trained
    assert sum(summary["last_losses"]) / 5 < 0.5 * sum(summary["first_losses"]) / 5
    assert set(summary["eval"]["train"]["all"]) >= {"precision", "recall", "f1"}


@pytest.mark.slow
def test_saved_checkpoint_loads_and_predicts_the_same(trained):
    output, _ = trained
    assert (output / "model.safetensors").is_file()
    labeller = Labeller.load(output)
    model = BertForTokenClassification.from_pretrained(output, use_safetensors=True)
    same = Labeller.of_model(model, labeller.tokenizer)
    doc = normalise("seed", EXAMPLES[1]["text"])
    assert np.array_equal(labeller.predict_tokens(doc.norm).label_ids, same.predict_tokens(doc.norm).label_ids)


@pytest.mark.slow
def test_trained_model_labels_value_cells_with_norm_offsets(trained):
    output, _ = trained
    doc, spans = example_document(EXAMPLES[0])
    cells = Labeller.load(output).label(doc)
    expected = {(s["key"], doc.norm[s["start"]:s["end"]]) for s in spans if s["kind"] == "value"}
    assert {(c.key, c.raw) for c in cells} == expected
    assert all(c.by == "model" and 0 < c.confidence <= 1 and doc.norm[c.start:c.end] == c.raw for c in cells)


@pytest.mark.slow
def test_a_cell_lies_in_its_tables_region_or_gets_no_key(trained):
    # Told where each table lies (the rule layer's sections), a key is never given to a span elsewhere:
    # with every key's region before the first cell, nothing is keyed; with the whole text, all is as before.
    output, _ = trained
    doc, _ = example_document(EXAMPLES[0])
    labeller = Labeller.load(output)
    cells = labeller.label(doc)
    first = min(cell.start for cell in cells)
    keys = labeller.field_keys
    assert labeller.label(doc, TableFacts(where={key: (0, first) for key in keys})) == []
    assert labeller.label(doc, TableFacts(where={key: (0, len(doc.norm)) for key in keys})) == cells


def test_windowed_inference_matches_one_pass():
    # A model without attention layers or position embeddings labels each token from the token alone, so
    # any difference between one 512-token pass and many 32-token windows is a stitching bug.
    tokenizer = build_char_tokenizer(e["text"] for e in EXAMPLES)
    labels = label_list()
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=16, num_hidden_layers=0, num_attention_heads=2,
                        intermediate_size=16, max_position_embeddings=512, num_labels=len(labels),
                        id2label=dict(enumerate(labels)), label2id={l: i for i, l in enumerate(labels)})
    torch.manual_seed(0)
    model = BertForTokenClassification(config)
    with torch.no_grad():
        model.bert.embeddings.position_embeddings.weight.zero_()
        model.bert.embeddings.token_type_embeddings.weight.zero_()
    text = "".join(e["text"] for e in EXAMPLES)
    assert 100 < len(text) <= 510
    one_pass = Labeller.of_model(model, tokenizer).predict_tokens(text)
    windowed = Labeller.of_model(model, tokenizer, max_length=32, stride=7, batch_size=3).predict_tokens(text)
    assert np.array_equal(one_pass.label_ids, windowed.label_ids)
    assert np.allclose(one_pass.probs, windowed.probs, atol=1e-5)


def test_prose_lines_are_skipped_and_table_lines_read():
    paragraph = ("持续夯实政府信息发布协调机制建设，确保政府信息公开工作顺利进行。建立切实可行的政府信息发布保密审查制度，"
                 "明确保密检查的职责分工、审查程序和责任追究办法。")
    text = "二、主动公开政府信息情况\n" + paragraph + "\n" + EXAMPLES[0]["text"]
    assert table_regions(text) == [(0, 13), (14 + len(paragraph), len(text))]
    tokenizer = build_char_tokenizer([text])
    labels = label_list()
    config = BertConfig(vocab_size=len(tokenizer), num_labels=len(labels), id2label=dict(enumerate(labels)),
                        label2id={l: i for i, l in enumerate(labels)}, **TINY)
    model = BertForTokenClassification(config)
    prose = slice(13, 14 + len(paragraph))
    skipping = Labeller.of_model(model, tokenizer).predict_tokens(text)
    assert (skipping.probs[prose] == 0).all() and (skipping.probs[:13] > 0).all() and (skipping.probs[-50:] > 0).all()
    reading = Labeller.of_model(model, tokenizer, skip_prose=False).predict_tokens(text)
    assert (reading.probs > 0).all()


def test_a_report_glued_into_one_line_is_read_sentence_by_sentence():
    """A scraped page glued into one line keeps its tables and loses its prose, sentence by sentence."""
    prose = ("本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况等六个部分。"
             "对于主动公开的政府信息，主要通过政府门户网站、办公场所的宣传栏、电视广播等媒介发布公开。") * 6
    active = "二、主动公开政府信息情况 信息内容本年制发件数本年废止件数现行有效件数规章 000行政规范性文件693665"
    # Section 四 with every cell 0: few digits under long headers, kept for its row of numbers.
    review = ("四、因政府信息公开申请行政复议、行政诉讼情况（本部分所列数据为本年度因政府信息公开申请提起行政复议和行政诉讼的情况）"
              "行政复议 行政诉讼 结果维持 结果纠正 其他结果 尚未审结 总计 "
              "未经复议直接起诉 复议后起诉 结果维持 结果纠正 其他结果 尚未审结 总计 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0。")
    line = prose + active + "。" + prose + review + prose
    assert len(line) > 800
    kept = "".join(line[start:end] for start, end in table_regions(line))
    assert active in kept and review in kept
    assert "宣传栏" not in kept.replace(active, "").replace(review, "")
    assert len(kept) < len(line) / 3


def test_a_table_asked_about_is_read_amid_the_text_around_it():
    text = "\n".join(["12345"] * 20)  # every line a table line, one token a character
    offsets = [(i, i + 1) for i in range(len(text))]
    assert kept_tokens(text, offsets, within=[(30, 40)]) == list(range(30, 40))
    assert kept_tokens(text, offsets, within=[(30, 40)], fill=20) == list(range(25, 45))
    assert kept_tokens(text, offsets, within=[(0, 4)], fill=20) == list(range(0, 20))  # no text before it
    assert kept_tokens(text, offsets, within=[(110, 119)], fill=20) == list(range(99, 119))
    assert kept_tokens(text, offsets, within=[(30, 40), (42, 50)], fill=20) == list(range(25, 56))  # one run
    prose = "持续夯实政府信息发布协调机制建设，确保政府信息公开工作顺利进行，建立切实可行的政府信息发布保密审查制度。"
    with_prose = "12345\n" + prose + "\n12345"
    offsets = [(i, i + 1) for i in range(len(with_prose))]
    assert [with_prose[i] for i in kept_tokens(with_prose, offsets, within=[(0, 3)], fill=8)] == list("12345\n12")


def test_training_windows_leave_out_prose_like_inference():
    paragraph = "持续夯实政府信息发布协调机制建设，确保政府信息公开工作顺利进行。建立切实可行的政府信息发布保密审查制度。"
    base = section_two(("1", "2", "3"), ("4", "5", "6"))
    shift = len("二、主动公开政府信息情况\n" + paragraph + "\n")
    example = {"text": "二、主动公开政府信息情况\n" + paragraph + "\n" + base["text"], "style": "hand-made",
               "spans": [{**span, "start": span["start"] + shift, "end": span["end"] + shift} for span in base["spans"]]}
    tokenizer = build_char_tokenizer([example["text"]])
    labels = label_list()
    (window,) = example_features(example, tokenizer, {l: i for i, l in enumerate(labels)}, 512, 255)
    read = tokenizer.decode(window["input_ids"][1:-1]).replace(" ", "")
    assert "持续夯实" not in read and "主动公开政府信息情况" in read and "行政许可" in read
    assert sum(1 for label in window["labels"] if labels[label].startswith("B-active.")) == 6


@pytest.mark.slow
def test_cells_once_reads_a_document_once(trained):
    output, _ = trained

    class Counting:
        def __init__(self, labeller):
            self.labeller, self.calls, self.checkpoint = labeller, 0, labeller.checkpoint

        def label(self, doc, facts=TableFacts()):
            self.calls += 1
            return self.labeller.label(doc, facts)

    counting = Counting(Labeller.load(output))
    cached = CellsOnce(counting)
    doc, _ = example_document(EXAMPLES[0])
    first, second = cached.label(doc), cached.label(doc)
    assert counting.calls == 1 and first == second and first is not second and first[0] is not second[0]
    assert cached.checkpoint == output  # its calibration and version are the wrapped labeller's


@pytest.mark.parametrize("border", ["|", "│", "┃", "¦"])
def test_a_line_with_any_cell_border_is_a_table_line_not_prose(border):
    """The model reads the lines the rule layer can split into cells: every border character of both."""
    from model.encoding import is_prose_line
    from rules_fallback.cells import PIECE

    line = f"{border} 1.信访举报投诉类申请，本机关按照有关规定予以处理并告知申请人处理结果的情况 {border} 5 {border}"
    assert not is_prose_line(line)
    assert is_prose_line(line.replace(border, ""))
    assert PIECE.findall(line)[-1] == "5"
