"""Where the printed labels of the tables (section headings, block labels, column and row headers) are.

Labels are matched on a whitespace-free view of the normalised text, because converters break them
anywhere ("本年新\\n制作数量", "（二）部分公开（区分处理的，只计这一\\n情形…）"), and every match is mapped
back to ``Document.norm``.  The strings come from ``data/schema.json`` (label, variants, keywords); a
match also takes the item number printed before it ("2.", "（三）", "四、") and a parenthesised note
after it ("（单位：万元）", "（区分处理的，只计这一情形，不计其他情形）"), so that neither is mistaken for a
cell.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from nianbao.schema import ARABIC_ITEM_NUMBER, TEMPLATES, get_template, load_schema
from rules_fallback.cells import PIECE, is_cell_piece

_NUMERALS = "一二三四五六七八九十"
# The item number printed before a label: "2.", "(三)", "四、", and Arabic section numbers "2、"
# (after NFKC brackets and digits are half width: "２．" is "2.").  It is one digit: a report has fewer
# than ten sections and items, and the digit run before it is a table's last cell ("…2  7\n\n5、存在的
# 主要问题", glued "…00003、收到和处理…" once spaces are gone).
_ITEM_NUMBER = rf"{ARABIC_ITEM_NUMBER}|\([{_NUMERALS}]+\)|[{_NUMERALS}]+、"
_LEADING_ITEM_NUMBERS = re.compile(rf"^(?:[{_NUMERALS}]+、)?(?:\([{_NUMERALS}]+\))?(?:\d\.)?")
_ITEM_DOT = re.compile(r"(?<=\d)、")  # "3、其他" is the row "3.其他"
# A stripped label shorter than this is too generic to match alone ("3.其他" must not become "其他").
_MIN_STRIPPED = 3
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Label:
    """One printed label: ``norm[start:end]`` (item number and note included) and what it can mean."""

    start: int
    end: int
    number: str | None  # the item number printed before it: "三、", "(二)", "2." or None
    meanings: tuple[tuple[str, str], ...]  # (kind, key); kind: section, block, column, row or row_group

    def means(self, kind: str, keys=None) -> str | None:
        """The key this label has as a ``kind`` (restricted to ``keys`` if given), or None."""
        for label_kind, key in self.meanings:
            if label_kind == kind and (keys is None or key in keys):
                return key
        return None


@lru_cache(maxsize=4)  # template detection and label matching read the same report
def compact(text: str) -> str:
    """``text`` without whitespace: printed labels are broken by line breaks and spaces ("本年新\\n制作数量")."""
    return _WHITESPACE.sub("", text)


def _clean(text: str) -> str:
    return compact(unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=1)
def label_strings() -> dict[str, tuple[tuple[str, str], ...]]:
    """Every matchable label string -> the (kind, key) meanings it has, built from the schema."""
    schema = load_schema()
    entries: list[tuple[str, str, list[str]]] = []
    for section in schema["sections"]:
        entries.append(("section", section["key"], [section["label"], *section["variants"]]))
    for kind, table in (("column", schema["columns"]), ("row", schema["rows"]), ("row_group", schema["row_groups"])):
        for key, spec in table.items():
            entries.append((kind, key, [spec["label"], *spec.get("variants", []), *spec.get("keywords", [])]))
    for name in TEMPLATES:
        for block in get_template(name).blocks:
            entries.append(("block", block.label, [block.label]))
    meanings: dict[str, dict[tuple[str, str], None]] = {}
    for kind, key, texts in entries:
        for text in texts:
            cleaned = _clean(text)
            stripped = _LEADING_ITEM_NUMBERS.sub("", cleaned)
            for form in {cleaned, stripped}:
                if form and (form == cleaned or len(form) >= _MIN_STRIPPED):
                    meanings.setdefault(form, {})[(kind, key)] = None
    return {form: tuple(found) for form, found in meanings.items()}


def _trie_regex(words) -> str:
    """One regex for many literal strings, factored as a trie: fast, and the longest string wins."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        ends_here = "" in node
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends_here else body

    return pattern(trie)


@lru_cache(maxsize=1)
def _label_pattern() -> re.Pattern:
    strings = label_strings()
    # A lookahead on the characters a label can start with lets the engine skip the rest quickly.
    starts = sorted({form[0] for form in strings} | set(f"0123456789({_NUMERALS}"))
    # The note after a label ("（单位：万元）") is never the next item's number: in "8.属于行政查询事项 105 … 105
    # （四）无 1.本机关…" the （四） opens the next block, whose label a page break cut ("无" / "法提供").
    return re.compile(rf"(?=[{''.join(map(re.escape, starts))}])(?P<number>{_ITEM_NUMBER})?"
                      rf"(?P<label>{_trie_regex(strings)})(?:\((?![{_NUMERALS}]+\))[^()\d]*\))?")


class CompactText:
    """The normalised text without whitespace, pipes and cells, with the map back to ``norm`` offsets.

    Cells and pipes are left out because a label wrapped in its cell prints its row's cells, or the
    cell borders of its line, between its parts: "2.其他法律行政法   2   0   0\n规禁止公开" (pdftotext
    -layout), "│ 2.其他法律行政法规禁止 │ 24 │ 3 │\n│          │公开   │      │" (w3m).
    """

    def __init__(self, norm: str):
        # the printed pieces of norm that are text, not cells, and not a left column's fragment
        runs = [m.span() for m in PIECE.finditer(norm) if not is_cell_piece(norm, m.start(), m.end())]
        side = _side_fragments(norm, runs)
        self._runs = [run for index, run in enumerate(runs) if index not in side]
        self.text = "".join(norm[start:end] for start, end in self._runs)
        self._run_starts = list(accumulate((end - start for start, end in self._runs[:-1]), initial=0))

    def _to_norm(self, index: int) -> int:
        run = bisect_right(self._run_starts, index) - 1
        return self._runs[run][0] + index - self._run_starts[run]

    def norm_span(self, start: int, end: int) -> tuple[int, int]:
        return self._to_norm(start), self._to_norm(end - 1) + 1


# The most characters a fragment of a merged label cell has on one line (（四）, 无法提, 供).
_FRAGMENT_CHARS = 4


def _side_fragments(norm: str, runs: list[tuple[int, int]]) -> set[int]:
    """The runs that are pieces of a label printed in a column left of the wrapped row labels it spans.

    ``pdftotext -layout`` prints a merged group label on its rows' lines, between the wrapped parts of
    their labels: "2.没有现成信息需要另" / "无法提  0 0 0 …" / "行制作" / "供".  Read in text order, neither
    label is whole.  Such a piece is short, the first text of its line with only spaces before it, set
    further left than the first text of the lines above and below, and no label by itself; it is left
    out of the matched text.
    """
    # (run index, indent) of the first text run of each line that has one; None for one after a border
    first: list[tuple[int, int | None]] = []
    line_start = -1
    for index, (start, _) in enumerate(runs):
        begin = norm.rfind("\n", 0, start) + 1
        if begin != line_start:
            line_start = begin
            first.append((index, start - begin if norm[begin:start].isspace() or begin == start else None))
    side = set()
    for position, (index, indent) in enumerate(first):
        start, end = runs[index]
        if indent is None or end - start > _FRAGMENT_CHARS or _label_pattern().fullmatch(norm, start, end):
            continue  # inside a box cell ("│形）"), too long, or a label itself
        neighbours = [first[p][1] for p in (position - 1, position + 1) if 0 <= p < len(first)]
        if neighbours and all(other is not None and other > indent + 1 for other in neighbours):
            side.add(index)
    return side


def find_labels(norm: str) -> list[Label]:
    """All label matches in ``norm``, in text order, not overlapping."""
    view = CompactText(norm)
    strings = label_strings()
    labels = []
    for match in _label_pattern().finditer(view.text):
        start, end = view.norm_span(match.start(), match.end())
        number, text = match["number"], match["label"]
        # "3.其他" is a row of its own (其他 alone is a column): the item number is part of that label.
        meanings = strings.get(_ITEM_DOT.sub(".", number or "") + text) or strings[text]
        if number and number[0].isdigit() and all(kind == "column" for kind, _ in meanings):
            continue  # a column header is never numbered: "2.其他法律行政止公开" is a misprinted row label
        labels.append(Label(start, end, number, meanings))
    return labels


def is_heading(label: Label, norm: str) -> bool:
    """A section heading is numbered "三、…", "2、…" or "2.…", or starts a line; "（一）主动公开情况" in the
    overview is not."""
    if label.means("section") is None:
        return False
    if label.number is not None:
        return not label.number.startswith("(")
    before = norm[:label.start].rstrip(" \t#*")
    return not before or before.endswith("\n")


def mask_labels(norm: str, labels: list[Label]) -> str:
    """``norm`` with the characters of every label blanked out, so that only cells are left where a label
    wrapped around its row's cells; offsets are those of ``norm``."""
    parts, position = [], 0
    for label in labels:
        for piece in PIECE.finditer(norm, label.start, label.end):
            if not is_cell_piece(norm, piece.start(), piece.end()):
                parts += [norm[position:piece.start()], " " * (piece.end() - piece.start())]
                position = piece.end()
    parts.append(norm[position:])
    return "".join(parts)
