"""Fixtures shared by the tests: a tiny model standing in for the installed checkpoint, a copy of the installed one."""
from __future__ import annotations

import shutil

import pytest

from training.corpus import example_rng
from training.generator import generate_example
from training.train import train

TINY = {"hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 64,
        "max_position_embeddings": 96}
STRIDE = "47"  # windows of 94 tokens
# `nianbao train --annotations` options that fine-tune the tiny model in seconds and gate it on one
# generated report per style
TINY_RETRAIN = ["--stride", STRIDE, "--steps", "3", "--batch-size", "8", "--generated-per-annotated", "1",
                "--annotation-repeats", "1", "--gate-reports", "1"]


def report(index: int, style: str = "tsv") -> dict:
    return generate_example(example_rng(11, index), style=style)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    """A tiny BERT of the ``keys`` labels trained for a few steps on two generated reports (never model/checkpoint)."""
    path = tmp_path_factory.mktemp("tiny") / "checkpoint"
    train([report(0), report(1)], {}, path, config_overrides=TINY, stride=int(STRIDE), epochs=1, batch_size=16,
          learning_rate=1e-2, label_scheme="keys", log=lambda message: None)
    return path


@pytest.fixture
def installed_copy(tmp_path):
    """A copy of the installed checkpoint folder, to change without touching model/checkpoint."""
    from nianbao.paths import MODEL_DIR

    path = tmp_path / "checkpoint"
    shutil.copytree(MODEL_DIR, path)
    return path
