"""The imperfections of real report text, applied to synthetic reports with their spans kept exact.

Two kinds of noise:

* how a cell's value is *printed* (``PrintHabits``, ``print_value``): units written into the cell
  ("25个", "56742.1644万元"), thousands separators ("5,008.284"), "+" on increases, dashes or blanks for
  empty cells.  The gold value never changes; the value span covers exactly the printed cell text.
* what happens to the finished *text* (``insert``, ``add_stray_markers``, ``add_page_breaks`` and the
  one-for-one character swaps ``to_traditional``, ``widen_digits``, ``odd_spaces``,
  ``half_width_brackets``): converter debris, page furniture, traditional characters.  Insertions shift
  the spans after them; character swaps keep every offset.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import opencc

from nianbao.schema import FieldSpec, load_schema

Span = dict  # {"start", "end", "kind", "key"}

# Units seen written into count cells ("25个") and the amount unit.
COUNT_UNITS = [unit for unit, factor in load_schema()["units"].items() if factor is None]
AMOUNT_UNIT = "万元"


@dataclass
class PrintHabits:
    """How one report's author printed cells, chosen once per report as a real author is consistent."""

    count_unit: str | None  # unit appended to some counts, e.g. "个" (seed 004: "25个")
    unit_share: float
    amount_unit: bool  # "56742.1644万元"
    thousands: bool  # "5,008.284"
    plus_sign: bool  # "+34" in 本年增/减
    empty_marks: tuple  # how an empty cell looks: "" blank, None not printed at all, or a dash mark
    pad_share: float  # stray spaces around a cell's text (seed 000: " 0", "0 ")
    header_breaks: float  # share of long headers broken over two lines (seed 000: "本年新\n制作数量")


def random_habits(rng: random.Random) -> PrintHabits:
    marks = load_schema()["empty_cell_marks"]
    return PrintHabits(
        count_unit=rng.choice(COUNT_UNITS) if rng.random() < 0.08 else None,
        unit_share=rng.uniform(0.2, 1.0),
        amount_unit=rng.random() < 0.15,
        thousands=rng.random() < 0.2,
        plus_sign=rng.random() < 0.2,
        empty_marks=tuple(rng.sample(["", "", None] + marks, 2)),
        pad_share=rng.choice([0.0, 0.0, 0.1, 0.4]),
        header_breaks=rng.choice([0.0, 0.5, 1.0]),
    )


def print_value(rng: random.Random, habits: PrintHabits, spec: FieldSpec, value: int | float | None) -> str | None:
    """The printed text of a cell; "" for a blank cell, None for a cell not printed at all."""
    if value is None:
        return rng.choice(habits.empty_marks)
    text = str(value)
    if habits.thousands and abs(value) >= 1000:
        whole, dot, decimals = text.partition(".")
        text = f"{int(whole):,}" + dot + decimals
    if spec.column == "change" and habits.plus_sign and value > 0:
        text = "+" + text
    if spec.kind == "amount" and habits.amount_unit:
        text += AMOUNT_UNIT
    elif spec.kind == "count" and habits.count_unit and value != 0 and rng.random() < habits.unit_share:
        text += habits.count_unit
    return text


# --- insertions ----------------------------------------------------------------------------------


def insert(text: str, spans: list[Span], position: int, piece: str, kind: str | None = "noise",
           key: str | None = None) -> str:
    """Insert ``piece`` at ``position``, shifting the spans that start at or after it (in place).

    A span strictly containing ``position`` would be cut in two: callers pick positions outside spans.
    """
    for span in spans:
        if span["start"] < position < span["end"]:
            raise ValueError(f"inserting at {position} would split span {span}")
        if span["start"] >= position:
            span["start"] += len(piece)
            span["end"] += len(piece)
    if kind:
        spans.append({"start": position, "end": position + len(piece), "kind": kind, "key": key})
    return text[:position] + piece + text[position:]


def add_stray_markers(rng: random.Random, text: str, spans: list[Span]) -> str:
    """Word's hidden bookmarks leak into converted text before a cell (seed 002, 004:
    "[bookmark: _GoBack]8.属于行政查询事项", "[bookmark: _GoBack]－")."""
    targets = [s for s in spans if s["kind"] in ("value", "row")]
    for span in rng.sample(targets, min(len(targets), rng.choice([1, 1, 2]))):
        marker = rng.choice(["[bookmark: _GoBack]", "[bookmark: _GoBack]", f"[bookmark: _Hlk{rng.randint(10**7, 10**8)}]",
                             f"[image: image{rng.randint(1, 9)}.png]"])
        text = insert(text, spans, span["start"], marker)
    return text


def add_page_breaks(rng: random.Random, text: str, spans: list[Span], header: str | None,
                    lines_per_page: int) -> str:
    """Page furniture between lines, as PDF text extraction leaves it: a page number ("— 3 —"),
    a form feed, and sometimes a running header, splitting tables wherever a page ends."""
    covered = bytearray(len(text) + 1)
    for span in spans:
        covered[span["start"]:span["end"]] = b"\x01" * (span["end"] - span["start"])
    line_starts = [i + 1 for i, char in enumerate(text) if char == "\n" and not covered[i + 1]]
    style = rng.choice(["— {} —", "- {} -", "第{}页", "{}", "－{}－"])
    breaks = line_starts[lines_per_page::lines_per_page]
    for page, position in reversed(list(enumerate(breaks, start=2))):
        furniture = "\n" + " " * rng.randint(20, 40) + style.format(page - 1) + "\n\f"
        if header and rng.random() < 0.5:
            furniture += " " * rng.randint(4, 20) + header + "\n"
        text = insert(text, spans, position, furniture + "\n")
    return text


# --- one-for-one character swaps (offsets unchanged) ---------------------------------------------


@lru_cache(maxsize=1)
def _simplified_to_traditional() -> dict[str, str]:
    """Simplified -> traditional, one character each, kept only where nianbao's normalisation maps the
    traditional character back to the same simplified one (so gold stays what the parser can read)."""
    folder = Path(opencc.__file__).parent / "dictionary"

    def table(name: str) -> dict[str, str]:
        pairs = {}
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) >= 2 and len(parts[0]) == 1 and len(parts[1]) == 1:
                pairs[parts[0]] = parts[1]
        return pairs

    back = table("TSCharacters.txt")
    return {s: t for s, t in table("STCharacters.txt").items() if back.get(t, t) == s and s != t}


def to_traditional(text: str) -> str:
    """Traditional characters, as reports from Hong Kong-facing bodies or odd converters print them."""
    mapping = _simplified_to_traditional()
    return "".join(mapping.get(char, char) for char in text)


_WIDE_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def widen_digits(text: str) -> str:
    """Full-width digits (０１２), as typed with a Chinese input method in full-width mode."""
    return text.translate(_WIDE_DIGITS)


def odd_spaces(rng: random.Random, text: str, aligned: bool) -> str:
    """Replace some plain spaces by non-breaking spaces (``&nbsp;`` in HTML exports) or, where columns
    are not aligned by spaces, by ideographic spaces (full-width "　" typed in Word)."""
    odd = "\xa0" if aligned or rng.random() < 0.5 else "\u3000"
    share = rng.uniform(0.05, 0.5)
    return re.sub(" ", lambda _: odd if rng.random() < share else " ", text)


_HALF_BRACKETS = str.maketrans("（）：，", "():,")


def half_width_brackets(text: str) -> str:
    """Half-width brackets and punctuation, as seed 003 prints "第二十条第(一)项" and "(七)总计"."""
    return text.translate(_HALF_BRACKETS)
