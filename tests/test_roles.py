"""The ``roles`` label design: the model finds cells and their role, the rule layer maps them to keys.

The round trip (gold spans -> token labels -> cells -> fields, ``training.roundtrip``) must give the gold
back on every generated style and on the real reports: whatever a ``roles`` model gets wrong is then its
own error, not the design's.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from transformers import AutoTokenizer

from conftest import STRIDE, TINY
from evaluate.scoring import same_value
from model.decoding import ValueSpan
from model.labels import VALUE_TAG, label_list, scheme_of
from model.placement import place_cells
from nianbao.paths import MODEL_DIR, REAL_DEV_DIR
from nianbao.text import normalise
from rules_fallback.parser import label_cells
from training.annotations import load_annotations
from training.command import generate
from training.pretrain import pretrain
from training.roundtrip import lost_fields, oracle_fields
from training.styles import STYLES
from training.train import train


@pytest.fixture(scope="module")
def tokenizer():
    return AutoTokenizer.from_pretrained(MODEL_DIR, local_files_only=True)


def test_roles_label_set_is_one_value_tag_and_the_structure_tags():
    labels = label_list("roles")
    assert labels == ["O", "B-VALUE", "I-VALUE", "B-ROW", "I-ROW", "B-COL", "I-COL", "B-SEC", "I-SEC",
                      "B-NOISE", "I-NOISE"]
    assert scheme_of(labels) == "roles" and scheme_of(label_list()) == "keys"
    with pytest.raises(ValueError, match="unknown label scheme"):
        label_list("cells")


@pytest.mark.parametrize("style", sorted(STYLES))
def test_round_trip_gives_the_gold_back_on_every_generated_style(style, tokenizer):
    for example in generate(2, [style], 7):
        assert lost_fields(example, tokenizer) == [], style


def test_round_trip_gives_the_gold_back_on_real_reports(tokenizer):
    gold_files = sorted((REAL_DEV_DIR / "gold").glob("*.json"))
    examples = load_annotations(gold_files, REAL_DEV_DIR / "reports").examples
    assert len(examples) == len(gold_files)  # every real report's gold is placed in its text
    lost, total = {}, 0
    for example in examples:
        stem = Path(example["report"]).stem
        example["gold"] = json.loads((REAL_DEV_DIR / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
        read, gold = oracle_fields(example, tokenizer)
        total += len(gold)
        lost.update({(stem, key): (gold[key], read.get(key)) for key in gold if not same_value(gold[key], read.get(key))})
    # pingtan-2020 prints its first row "200 000121" (20|0|0|0|0|1|21 with one space inside a cell run):
    # the gold cells' spans cross the space, which no decoded cell does.
    assert {stem for stem, _ in lost} <= {"pingtan-2020"}
    assert total - len(lost) >= 3162


def test_a_glued_row_takes_the_cut_that_keeps_its_sum_and_the_model_prefers():
    doc = normalise("t", "三、收到和处理政府信息公开申请情况\n申请人情况 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计\n"
                         "一、本年新收政府信息公开申请数量21710000218\n")
    rules = label_cells(doc)
    start = doc.norm.index("21710000218")
    offsets = [(index, index + 1) for index in range(len(doc.norm))]  # one token a character
    begin, inside = np.full(len(doc.norm), 0.01), np.full(len(doc.norm), 0.01)
    inside[start:start + 11] = 0.6
    begin[[start, start + 3, start + 8]] = 0.9  # the model sees 217 | 10000 | 218: no whole row
    spans = [ValueSpan(start, start + 3, 0.9), ValueSpan(start + 3, start + 8, 0.6), ValueSpan(start + 8, start + 11, 0.9)]
    facts = rules.table_facts()
    placed = place_cells(spans, begin, inside, offsets, doc.norm, facts.printed_rows, facts.readings_for,
                         facts.balance)
    read = {cell.key: doc.norm[cell.span.first:cell.span.last] for cell in placed}
    assert read == {"requests.new.natural": "217", "requests.new.commercial": "1", "requests.new.research": "0",
                    "requests.new.social": "0", "requests.new.legal": "0", "requests.new.other_org": "0",
                    "requests.new.total": "218"}


def test_cells_outside_every_printed_row_get_no_key():
    doc = normalise("t", "全年共收到申请21件。\n三、收到和处理政府信息公开申请情况\n二、上年结转政府信息公开申请数量0000000\n")
    rules = label_cells(doc)
    prose = doc.norm.index("21")
    offsets = [(index, index + 1) for index in range(len(doc.norm))]
    probabilities = np.full(len(doc.norm), 0.9)
    placed = place_cells([ValueSpan(prose, prose + 2, 0.9)], probabilities, probabilities, offsets, doc.norm,
                         rules.printed_rows)
    assert placed == []


@pytest.mark.slow
def test_a_roles_model_trains_from_a_keys_checkpoint_and_labels_through_the_rows(tmp_path, tiny_model):
    """A keys checkpoint fine-tuned with ``label_scheme="roles"`` gets a new head of 11 labels; its loss falls,
    and its Labeller gives every cell a key of a row the rule layer found."""
    from model.inference import Labeller
    from nianbao.pipeline import model_cells

    examples = generate(6, ["tab_lines"], 3)
    summary = train(examples * 4, {}, tmp_path / "roles", base_model=str(tiny_model), stride=int(STRIDE), steps=30, batch_size=4,
                    learning_rate=3e-3, seed=1, label_scheme="roles", log=lambda _: None)
    assert summary["label_scheme"] == "roles"
    assert np.mean(summary["last_losses"]) < np.mean(summary["first_losses"])
    labeller = Labeller.load(tmp_path / "roles")
    assert labeller.scheme == "roles" and labeller.field_keys == [VALUE_TAG]
    doc = normalise("t", examples[0]["text"])
    rules = label_cells(doc)
    keys = {key for printed in rules.printed_rows for row in printed.rows for key in row}
    cells = model_cells(doc, rules, labeller)
    assert all(cell.key in keys for cell in cells)


def test_masked_language_pretraining_lowers_its_loss_and_a_roles_model_fine_tunes_from_it(tmp_path):
    texts = [normalise("<generated>", example["text"]).norm for example in generate(4, ["tab_lines", "glued"], 5)]
    summary = pretrain(texts * 3, tmp_path / "mlm", None, steps=40, max_minutes=5, batch_size=4, learning_rate=3e-3,
                       seed=2, config_overrides=TINY, log=lambda _: None)
    assert summary["steps"] == 40 and np.mean(summary["last_losses"]) < np.mean(summary["first_losses"])
    tuned = train(generate(4, ["tab_lines"], 6), {}, tmp_path / "roles", base_model=str(tmp_path / "mlm"),
                  stride=int(STRIDE), steps=5, batch_size=4, learning_rate=3e-3, label_scheme="roles", log=lambda _: None)
    assert tuned["label_scheme"] == "roles"


HEADER = "三、收到和处理政府信息公开申请情况\n申请人情况 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计\n"
NO_CORRECTION = "（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 "
NO_FEE = "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 "


@pytest.mark.parametrize("rows, run, read_as, row, value", [
    # pingtan-2024: the model reads "10000012", the row's 1000001 and the next label's item number 2.
    (NO_CORRECTION + "10000012.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 0000000",
     "10000012", 8, "requests.other_no_correction", 1),
    # pingtan-2025: the model reads "200000" of the row's 2000002 and misses the last cell.
    (NO_CORRECTION + "0000000" + NO_FEE + "20000023.其他0000000", "20000023", 6, "requests.other_no_fee", 2),
])
def test_a_glued_run_is_cut_to_its_row_however_the_model_ends_it(rows, run, read_as, row, value):
    """A cell ends where its row's text ends, and the digits up to there that the model left out are read."""
    doc = normalise("t", HEADER + rows + "\n")
    rules = label_cells(doc)
    start = doc.norm.index(run)
    offsets = [(index, index + 1) for index in range(len(doc.norm))]
    begin, inside = np.full(len(doc.norm), 0.01), np.full(len(doc.norm), 0.7)
    begin[start] = 0.9
    facts = rules.table_facts()
    placed = place_cells([ValueSpan(start, start + read_as, 0.9)], begin, inside, offsets, doc.norm,
                         facts.printed_rows, facts.readings_for, facts.balance)
    read = {cell.key: doc.norm[cell.span.first:cell.span.last] for cell in placed}
    columns = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
    assert read == {f"{row}.{column}": str(value if column in ("natural", "total") else 0) for column in columns}
