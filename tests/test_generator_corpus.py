"""Specification of ``nianbao generate``: files per report in the gold format, a manifest, a dataset."""
from __future__ import annotations

import argparse
import json

from nianbao.cli import main
from nianbao.errors import EXIT_USAGE
from nianbao.schema import get_template
from training import corpus


def _args(tmp_path, **overrides) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    corpus.add_arguments(parser)
    argv = ["--out", str(tmp_path / "out"), "--n", "4", "--styles", "glued,tsv", "--seed", "3"]
    for name, value in overrides.items():
        argv += [f"--{name}"] + ([] if value is True else [str(value)])
    return parser.parse_args(argv)


def test_generate_writes_text_gold_spans_and_manifest(tmp_path):
    assert corpus.run(_args(tmp_path)) == 0
    out = tmp_path / "out"
    manifest = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [row["stem"] for row in manifest] == ["gen_glued_3_0", "gen_tsv_3_1", "gen_glued_3_2", "gen_tsv_3_3"]
    for row in manifest:
        gold = json.loads((out / "gold" / f"{row['stem']}.json").read_text(encoding="utf-8"))
        assert set(gold) == {"template", "meta", "fields"}
        assert list(gold["fields"]) == get_template(row["template"]).field_keys(row["collapsed"])
        text = (out / "text" / f"{row['stem']}.txt").read_text(encoding="utf-8")
        spans = json.loads((out / "spans" / f"{row['stem']}.json").read_text(encoding="utf-8"))
        assert all(0 <= s["start"] < s["end"] <= len(text) for s in spans)


def test_the_same_seed_writes_the_same_corpus(tmp_path):
    first = [stem for stem, _ in corpus.iter_examples(3, ["pdf_layout"], 9)]
    again = list(corpus.iter_examples(3, ["pdf_layout"], 9))
    assert first == [stem for stem, _ in again]
    assert again[1][1] == dict(corpus.iter_examples(3, ["pdf_layout"], 9))[first[1]]


def test_dataset_holds_one_row_per_report(tmp_path):
    assert corpus.run(_args(tmp_path, dataset=True)) == 0
    import datasets
    dataset = datasets.load_from_disk(str(tmp_path / "out" / "dataset"))
    assert dataset.num_rows == 4 and set(dataset.column_names) == {"stem", "style", "text", "gold", "spans"}
    assert json.loads(dataset[0]["gold"])["template"] in ("2019", "2021")


def test_unknown_style_is_refused_with_its_name(tmp_path, capsys):
    assert main(["generate", "--n", "2", "--styles", "glued,fancy", "--out", str(tmp_path / "out")]) == EXIT_USAGE
    assert "nianbao generate: unknown style(s) fancy" in capsys.readouterr().err


def test_a_style_weight_draws_more_training_reports_of_that_style():
    from training.command import generate, weighted

    styles = weighted(["glued", "tsv"], {"glued": 3})
    assert styles == ["glued", "glued", "glued", "tsv"]
    assert [example["style"] for example in generate(8, styles, seed=1)].count("glued") == 6


def test_a_weight_for_a_style_not_trained_on_is_refused(tmp_path, capsys):
    status = main(["train", "--weight", "ascii_box=2", "--out", str(tmp_path / "run"), "--train-reports", "1"])
    assert status == EXIT_USAGE
    assert "--weight names style(s) not trained on: ascii_box" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()
