"""Specification of the synthetic examples: every value span is the printed cell, every gold value is
what that cell says, and every field without a span is null — in every style, for both templates."""
from __future__ import annotations

import random
import re

import pytest

from nianbao.schema import load_schema
from nianbao.variants import variant_of_fields
from nianbao.text import normalise
from training import styles
from training.generator import draw_example, generate_example
from training.styles import STYLES, ConverterMissing, missing_converter

SCHEMA = load_schema()
SEEDS = (1, 2, 3)


def _norm(text: str) -> str:
    """nianbao's normalised view (NFKC, simplified, markers gone) without whitespace."""
    return re.sub(r"\s+", "", normalise("span", text).norm)


EMPTY_MARKS = {_norm(mark) for mark in SCHEMA["empty_cell_marks"]}
UNITS = sorted(SCHEMA["units"], key=len, reverse=True)


def printed_value(raw: str) -> int | float | None:
    """A deliberately small reading of a printed cell: dashes are null, separators, "+" and units go."""
    text = _norm(raw)
    if text in EMPTY_MARKS:
        return None
    text = text.replace(",", "").lstrip("+")
    unit = next((u for u in UNITS if text.endswith(u)), None)
    if unit:
        text = text[: -len(unit)]
        assert SCHEMA["units"][unit] in (None, 1), f"unexpected unit {unit} in {raw!r}"
    return float(text) if "." in text else int(text)


def _example(style: str, template: str, seed: int) -> dict:
    if missing_converter(style):
        pytest.skip(f"style {style} needs the converter {missing_converter(style)!r}, which is not installed")
    return draw_example(random.Random(seed), style, template)[0]


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("style", sorted(STYLES))
def test_value_spans_are_the_printed_cells_and_match_gold(style, template):
    for seed in SEEDS:
        example = _example(style, template, seed)
        text, gold = example["text"], example["gold"]
        values = [s for s in example["spans"] if s["kind"] == "value"]
        seen = set()
        for span in values:
            raw = text[span["start"]:span["end"]]
            assert raw == raw.strip() and raw, f"{style}: value span {span} is {raw!r}"
            assert "\n" not in raw
            assert printed_value(raw) == gold["fields"][span["key"]], f"{style} seed {seed}: {span} {raw!r}"
            assert span["key"] not in seen, f"{style}: two value spans for {span['key']}"
            seen.add(span["key"])
        for key, value in gold["fields"].items():
            assert key in seen or value is None, f"{style} seed {seed}: {key}={value} has no span"


@pytest.mark.parametrize("style", sorted(STYLES))
def test_label_spans_hold_their_labels(style):
    """Row, column, section and block spans cover (part of) a printed form of their label."""
    example = _example(style, "2019", 4)
    for span in example["spans"]:
        raw = _norm(example["text"][span["start"]:span["end"]])
        if span["kind"] in ("value", "noise"):
            continue
        assert raw, f"{style}: empty {span}"
        if span["kind"] == "row":
            forms = [SCHEMA["rows"][span["key"]]["label"], *SCHEMA["rows"][span["key"]]["variants"]]
        elif span["kind"] == "column":
            forms = [SCHEMA["columns"][span["key"]]["label"], *SCHEMA["columns"][span["key"]]["variants"]]
        elif span["kind"] == "section":
            section = next(s for s in SCHEMA["sections"] if s["key"] == span["key"])
            forms = [section["label"], *section["variants"]]
            raw = re.sub(r"^(\d+[、.]|[一二三四五六七八九十]+、)", "", raw)
        else:
            assert span["kind"] == "block", span
            forms = [span["key"]]
        assert any(raw in _norm(form) for form in forms), f"{style}: {span} is {raw!r}"


def test_gold_has_every_field_of_its_variant_and_meta():
    for seed in range(40):
        gold = generate_example(random.Random(seed), style="tsv")["gold"]
        variant = variant_of_fields(gold["fields"])
        assert variant.template == gold["template"]
        assert tuple(gold["fields"]) == variant.keys
        assert 2019 <= gold["meta"]["year"] <= 2024
        assert set(gold["meta"]) == {"year", "agency", "title"}


def test_same_seed_same_example():
    for style in ("pdf_layout", "glued", "paged"):
        assert generate_example(random.Random(11), style=style) == generate_example(random.Random(11), style=style)
    assert generate_example(random.Random(11)) != generate_example(random.Random(12))


def test_noise_spans_are_markers_or_page_furniture():
    found = 0
    for seed in range(60):
        example = generate_example(random.Random(seed), style="paged")
        for span in example["spans"]:
            if span["kind"] == "noise":
                found += 1
                raw = example["text"][span["start"]:span["end"]]
                assert raw.startswith(("[bookmark:", "[image:", "\n")), raw
    assert found


def test_unknown_style_is_named():
    with pytest.raises(ValueError, match="unknown style 'nope'"):
        generate_example(random.Random(1), style="nope")


def test_missing_converter_says_which(monkeypatch):
    monkeypatch.setattr(styles.shutil, "which", lambda program: None)
    with pytest.raises(ConverterMissing, match="w3m"):
        generate_example(random.Random(1), style="ascii_box")


def test_meta_is_printed_as_the_report_prints_it():
    """The agency and title in gold are the text's own (in traditional characters when it is), a title
    wrapped over two lines by a layout included."""
    for style in ("traditional", "tsv"):
        for seed in range(20):
            example = generate_example(random.Random(seed), style=style)
            text = re.sub(r"\s+", "", example["text"])
            for name in ("agency", "title"):
                value = example["gold"]["meta"][name]
                assert value is None or value in text, (style, seed, name, value)
