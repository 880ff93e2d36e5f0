"""Splitting table rows whose cells were glued together when the page was scraped.

Scraped reports lose the cell borders: ``一、本年新收政府信息公开申请数量21710000218`` is the row
217 | 1 | 0 | 0 | 0 | 0 | 218.  A run of digits can be cut into cells in many ways; the cuts that give
numbers without leading zeros and satisfy the row's printed consistency rule (total = the sum of its
parts) are the candidates.  The caller takes a split only when it is the only candidate.
"""
from __future__ import annotations

import itertools
import re
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

# One printed number: sign, integer part without a leading zero (in groups of three after a thousands
# separator: "1,219"), decimals, a unit ("4948.3955万元").
_PART = re.compile(r"[+-]?(?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)(?:\.\d+)?\D*")
_INTEGER_RUN = re.compile(r"[+-]?(\d+)")
_LEADING_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
# A thousands group with a digit glued after it: the number it ends stops there ("1,219|336…").
_GROUP_THEN_DIGIT = re.compile(r",\d{3}(?=\d)")


def _cut_points(token: str) -> list[int]:
    """Where ``token`` may be cut: inside its leading digit run (before a thousands separator: the
    "661,863" of "…1661,863" may be "1,863" or "61,863"), never after a sign or inside decimals."""
    run = _INTEGER_RUN.match(token)
    return list(range(run.start(1) + 1, run.end(1))) if run else []


def _at_groups(token: str) -> list[str]:
    """``token`` cut after every thousands group that has a digit glued to it: a group has three digits."""
    ends = [match.end() for match in _GROUP_THEN_DIGIT.finditer(token)]
    return [token[start:end] for start, end in zip([0, *ends], [*ends, len(token)])]


# More digits than any printed row holds (the widest rows have ten cells of at most six digits): such a
# run is not searched, and its splits are "not exhaustive", so no cut of it is taken.
MAX_RUN_DIGITS = 120


class Splits(NamedTuple):
    """The candidate splits found; ``exhaustive`` is False when the search gave up (too many ways)."""

    splits: list[list[str]]
    exhaustive: bool


# The last token of a run whose last cell is a total: digits, perhaps thousands groups, then perhaps a
# unit ("216项", "1661,863").
_TOTAL_AT_END = re.compile(r"(\d+)((?:,\d{3})*)([^\d,]*)")


def split_glued_digits(tokens: list[str], n_cells: int, decimal_ok: list[bool],
                       totals: dict[int, list[int]] | None = None, limit: int = 64,
                       budget: int = 5000) -> Splits:
    """All ways to cut ``tokens`` (in order) into ``n_cells`` printed numbers, at most ``limit`` of them.

    Each token gives one or more whole cells (a sign starts a token: "97+82179" comes as "97", "+82179").
    ``decimal_ok[i]`` says whether cell ``i`` may hold a decimal (an amount in 万元).  ``totals`` maps a cell
    index to the indices whose sum it must equal ({6: [0, 1, 2, 3, 4, 5]} for a row of section 三).

    The search stops after ``budget`` steps in all (a long run of digits has very many cuts); the result then
    says it is not exhaustive, and the caller must not take a single split found as the only one.  When
    the last cell is a total (the row total of section 三), it is a suffix of the run: each suffix is
    tried as the total, and the cells before it are cut only while their sum stays within it, which keeps
    a run of twenty digits to a few hundred steps instead of tens of thousands.

    >>> split_glued_digits(["21710000218"], 7, [False] * 7, {6: [0, 1, 2, 3, 4, 5]}).splits
    [['217', '1', '0', '0', '0', '0', '218']]
    """
    found = _split_once(tuple(tokens), n_cells, tuple(decimal_ok),
                        tuple((cell, tuple(parts)) for cell, parts in (totals or {}).items()), limit, budget)
    return Splits([list(parts) for parts in found.splits], found.exhaustive)


@lru_cache(maxsize=4096)
def _split_once(tokens: tuple[str, ...], n_cells: int, decimal_ok: tuple[bool, ...],
                totals: tuple[tuple[int, tuple[int, ...]], ...], limit: int, budget: int) -> Splits:
    """``split_glued_digits``, cached: the rule layer and the model's re-cut search the same runs."""
    totals = {cell: list(parts) for cell, parts in totals}
    if sum(ch.isdigit() for token in tokens for ch in token) > MAX_RUN_DIGITS:
        return Splits([], False)
    tokens = [piece for token in tokens for piece in _at_groups(token)]
    last = _TOTAL_AT_END.fullmatch(tokens[-1]) if tokens else None
    if n_cells - 1 not in totals or last is None or decimal_ok[-1]:
        return _search(tokens, n_cells, decimal_ok, totals, limit, budget)
    digits, groups, unit = last.groups()
    before = {cell: parts for cell, parts in totals.items() if cell != n_cells - 1}
    found: list[list[str]] = []
    exhaustive = True
    steps = [0]  # shared by the searches of every suffix: the budget bounds the whole split
    for length in range(1, min(len(digits), 3 if groups else len(digits)) + 1):
        total = digits[-length:] + groups
        if total[0] == "0" and length > 1:
            continue
        head = tokens[:-1] + ([digits[:-length]] if length < len(digits) else [])
        if not head:
            continue
        cap = (totals[n_cells - 1], int(_value(total)))
        result = _search(head, n_cells - 1, decimal_ok[:-1], before, limit - len(found), budget, cap, steps)
        found += [parts + [total + unit] for parts in result.splits]
        exhaustive = exhaustive and result.exhaustive
    return Splits(found, exhaustive and len(found) < limit)


def _search(tokens: list[str], n_cells: int, decimal_ok: list[bool], totals: dict[int, list[int]], limit: int,
            budget: int, cap: tuple[list[int], int] | None = None, steps: list[int] | None = None) -> Splits:
    """``split_glued_digits`` by depth-first search; ``cap``: (cells, value) whose sum must come to exactly
    that value, the cells before a total that has been cut off already; ``steps``: a step count shared
    with other searches under the same ``budget``."""
    found: list[list[str]] = []
    steps = [0] if steps is None else steps
    if steps[0] > budget:
        return Splits(found, False)
    cut_points = [_cut_points(token) for token in tokens]
    digits_after = [sum(ch.isdigit() for ch in "".join(tokens[i:])) for i in range(len(tokens) + 1)]
    # digits_from[t][o]: the digits of token t from offset o on; capped_from[i]: capped cells from cell i on.
    digits_from = [list(itertools.accumulate((ch.isdigit() for ch in reversed(token)), initial=0))[::-1]
                   for token in tokens]
    capped = set(cap[0]) if cap is not None else set()
    capped_from = [sum(1 for i in capped if i >= k) for k in range(n_cells + 1)]
    cap_value = cap[1] if cap is not None else 0
    cap_digits = len(str(cap_value))
    parts: list[str] = []
    running = [0]  # the sum of the capped cells cut so far

    def valid(part: str, index: int) -> bool:
        return _PART.fullmatch(part) is not None and ("." not in part or decimal_ok[index])

    def extend(token_index: int, offset: int) -> None:
        steps[0] += 1
        if len(found) >= limit or steps[0] > budget:
            return
        if token_index == len(tokens):
            if len(parts) == n_cells and (cap is None or running[0] == cap_value):
                found.append(list(parts))
            return
        cells_left = n_cells - len(parts)
        token = tokens[token_index]
        rest_digits = digits_from[token_index][offset] + digits_after[token_index + 1]
        if cells_left < len(tokens) - token_index or cells_left > rest_digits:
            return
        if cap is not None:  # what is left must reach the cap and, when all of it is capped, stay under it
            capped_left = capped_from[len(parts)]
            largest = 10 ** min(cap_digits, rest_digits - cells_left + 1) - 1
            if running[0] + capped_left * largest < cap_value:
                return
            # Cut into the cells left, some cell has at least ceil(rest / cells) digits: no leading zero.
            widest = -(-rest_digits // cells_left)
            if capped_left == cells_left and (widest > cap_digits or running[0] + 10 ** (widest - 1) * (widest > 1)
                                              > cap_value):
                return
        cuts = [c for c in cut_points[token_index] if c > offset] + [len(token)]
        if len(parts) in totals:  # a total cell: only the cut that prints the sum of its parts
            expected = str(sum(int(_value(parts[i])) for i in totals[len(parts)]))
            cuts = [c for c in cuts if _printed_number(token[offset:c]) == expected]
        for cut in cuts:
            part = token[offset:cut]
            if not valid(part, len(parts)):
                continue
            value = _value(part) if len(parts) in capped else 0
            if running[0] + value > cap_value and cap is not None:
                break  # a longer cut only makes the cell bigger
            parts.append(part)
            running[0] += value
            if cut == len(token):
                extend(token_index + 1, 0)
            else:
                extend(token_index, cut)
            running[0] -= value
            parts.pop()

    extend(0, 0)
    return Splits(found, len(found) < limit and steps[0] <= budget)


def _printed_number(part: str) -> str | None:
    """The number a cut prints, without its sign, thousands separators and unit (``8宗`` -> ``8``), so a total
    printed with a unit is compared with its parts' sum like one without."""
    number = _LEADING_NUMBER.match(part.lstrip("+").replace(",", ""))
    return number.group() if number else None


@lru_cache(maxsize=65536)
def _value(part: str) -> int | Fraction:
    """A part's number, exactly: a run of hundreds of digits is no float (and an int where it has no
    decimals: the search adds these up hundreds of thousands of times, and ints add fastest)."""
    number = _LEADING_NUMBER.match(part.replace(",", "")).group()
    return Fraction(number) if "." in number else int(number)
