"""New tokens for layout characters the vocabulary lacks: embedded as their ASCII look-alikes, trained alone."""
from __future__ import annotations

import pytest
import torch
from safetensors.torch import load_file
from transformers import AutoModelForTokenClassification, AutoTokenizer

from model.inference import Labeller
from training.train import train
from training.vocabulary import add_look_alike_tokens, look_alike

from conftest import STRIDE, report

BOX = "┌────┬──┐\n│ 行政许可 │ 1 │\n└────┴──┘\n"


def test_box_drawing_characters_stand_for_ascii():
    assert [look_alike(char) for char in "│─┼┌┘├"] == ["|", "-", "+", "+", "+", "+"]
    assert look_alike("行") is None and look_alike("|") is None


@pytest.mark.slow
def test_new_tokens_start_as_their_look_alikes_and_keep_offsets(tiny_model):
    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    model = AutoModelForTokenClassification.from_pretrained(tiny_model)
    assert tokenizer("│", add_special_tokens=False)["input_ids"] == [tokenizer.unk_token_id]
    added = add_look_alike_tokens(tokenizer, model, [BOX])
    # the character-level vocabulary has runs of ─ (a filler), which it keeps reading as runs
    assert added == {"│": "|", "┌": "+", "┐": "+", "└": "+", "┘": "+", "┬": "+", "┴": "+"}
    embeddings = model.get_input_embeddings().weight
    bar = tokenizer("|", add_special_tokens=False)["input_ids"]
    assert torch.equal(embeddings[tokenizer.convert_tokens_to_ids("│")], embeddings[bar].mean(0))
    encoded = tokenizer(BOX, add_special_tokens=False, return_offsets_mapping=True)
    pieces = [BOX[start:end] for start, end in encoded["offset_mapping"]]
    assert pieces[:4] == ["┌", "────", "┬", "──"] and tokenizer.unk_token_id not in encoded["input_ids"]
    assert tokenizer.convert_ids_to_tokens(encoded["input_ids"][:4]) == ["┌", "────", "┬", "──"]


@pytest.mark.slow
def test_tuning_new_tokens_changes_nothing_else(tiny_model, tmp_path):
    boxed = report(7, "ascii_box")
    summary = train([boxed], {}, tmp_path / "new", base_model=str(tiny_model), stride=int(STRIDE), steps=3,
                    batch_size=4, learning_rate=1e-2, tune="new-tokens", log=lambda message: None)
    assert summary["tune"] == "new-tokens" and "│" in summary["new_tokens"]
    old, new = load_file(tiny_model / "model.safetensors"), load_file(tmp_path / "new" / "model.safetensors")
    assert old.keys() == new.keys()
    for name, weight in old.items():
        if name.endswith("word_embeddings.weight"):
            assert torch.equal(new[name][:len(weight)], weight)  # the old vocabulary's rows
            assert not torch.equal(new[name][len(weight):], torch.zeros_like(new[name][len(weight):]))
        else:
            assert torch.equal(new[name], weight), name
    assert Labeller.load(tmp_path / "new").label  # the saved checkpoint loads with its new tokens
