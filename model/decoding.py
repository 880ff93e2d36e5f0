"""Per-token label probabilities -> value cells, each with a field key, no key used twice.

Reading the argmax label of every token and then the BIO spans gives cells, but two cells often claim the
same key (the fourth and fifth cell of a row both "look like" column five) while another key goes
unclaimed, and the mapping then keeps only one of them.  A report holds each field at most once, so
decoding here works in two steps:

1. **Where the cells are.**  Each token's probability mass is split three ways: begins a value (any
   ``B-<key>``), continues one (any ``I-<key>``), or neither.  The most probable of the three, read as
   BIO, gives the value spans.  Three facts of printed tables then apply: a number the layout sets off
   by a separator is one cell, and no cell starts with a 0 followed by a digit; a span that cuts a
   printed number the other spans do not cover is dropped, and so is one whose text is neither a number
   nor an empty-cell mark.
   Finding cells is the easy part of the task for the model.
2. **Which key each cell is.**  A span's score for a key is the mean log probability of that key over its
   tokens (given that they are a value).  Keys are then given to spans by one global assignment that
   maximises the total score with every key used at most once (``scipy.optimize.linear_sum_assignment``),
   the Hungarian method.  A span may stay without a key when every free key is very unlikely for it.
3. **Where a glued row adds up.**  A row whose cells touch (``申请数量318002142``) is re-cut, when the
   model's cuts do not make a whole printed row or break its printed sum, at the cuts that do and that
   the model likes best (``recut_glued_runs``; the rule layer lists the cuts, the model chooses, the
   table's column equations weigh in where several fit).

A cell's confidence is the product of how sure the model is that it is a value (its least sure token)
and the probability of the key it was given.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product

import numpy as np

from nianbao.contracts import Balance, ReadingsFor
from nianbao.schema import ARABIC_ITEM_NUMBER, empty_cell_marks
from nianbao.text import CELL_BORDERS

# A span is left without a key rather than given one this unlikely (mean probability over its tokens).
MIN_KEY_PROBABILITY = 1e-4
# What a table equation that holds is worth against the model's log-probability of a glued row's cut
# (``_balance_columns``); chosen on tuning sets that no reported figure uses.
EQUATION_WEIGHT = 2.0
_EPSILON = 1e-9
# Spans scored at a time by ``assign_keys``.
_SPAN_BLOCK = 4096
# Characters that stay inside a glued run of cells when digits are on both sides (``_extent``).
_JOINERS = (",", ".", "+", "-")


@dataclass
class ValueSpan:
    """A run of tokens ``[first, last)`` read as one value, with the least value-probability of its tokens."""

    first: int
    last: int
    value_probability: float


def value_spans(begin: np.ndarray, inside: np.ndarray) -> list[ValueSpan]:
    """BIO spans over tokens from the per-token mass of ``B-<any key>`` (``begin``) and ``I-<any key>`` (``inside``).

    A token is outside when ``1 - begin - inside`` is its largest share; an inside token with no open span
    starts one.
    """
    outside = 1.0 - begin - inside
    state = np.argmax(np.stack([outside, begin, inside]), axis=0)  # 0 outside, 1 begin, 2 inside
    spans: list[ValueSpan] = []
    current: ValueSpan | None = None
    for index, token_state in enumerate(state):
        if token_state == 0:
            current = None
            continue
        probability = float(begin[index] + inside[index])
        if token_state == 2 and current is not None:
            current.last = index + 1
            current.value_probability = min(current.value_probability, probability)
        else:
            current = ValueSpan(index, index + 1, probability)
            spans.append(current)
    return spans


# What sets a printed number off from the text before it: a layout that kept cell borders.
_SEPARATORS = re.compile(rf"[\s{re.escape(CELL_BORDERS)}\u2500-\u257f]")
_NUMBER_RUN = re.compile(r"\d[\d.,]*")
# A cell's printed text: a signed number ending in a digit, then at most a two-character unit (个, 万元)
# after optional space; a point or comma is not a unit ("5." is a piece of "1075.1万").
_PRINTED_NUMBER = re.compile(r"[+-]?\d(?:[\d.,]*\d)?\s*[^\d.,．、]{0,2}")
# A list-item number ("3.其他", "2、", not the 3 of "3.5"): never a cell.
_ITEM_NUMBER = re.compile(ARABIC_ITEM_NUMBER + r"(?!\d)")


def separated_numbers_whole(begin: np.ndarray, inside: np.ndarray, offsets: list[tuple[int, int]],
                            text: str) -> tuple[np.ndarray, np.ndarray]:
    """``begin``/``inside`` with no cell beginning inside a number the layout sets off by a separator.

    Cells are glued into one run of digits only where the converter dropped the borders, so the run
    follows its row label directly (``申请数量21710000218``).  A number after a tab, a space or a pipe is
    one printed value, but the model, which has to learn cuts from the glued layout, still gives its
    second digit a high chance of beginning a cell (``54`` -> ``5``, ``4``).  Inside such a number the begin
    mass is read as inside mass.  On generated reports not trained on, 3,000 digit boundaries of set-off
    numbers held 33 true cuts (cells printed touching in fixed-width layouts) and over 1,100 of the model's
    false ones (``model/README.md``).
    """
    begin, inside = begin.copy(), inside.copy()
    token_at = np.full(len(text) + 1, -1, dtype=np.int64)
    for index, (start, end) in enumerate(offsets):
        token_at[start:end] = index
    for run in _NUMBER_RUN.finditer(text):
        if run.start() > 0 and not _SEPARATORS.match(text, run.start() - 1):
            continue
        tokens = np.unique(token_at[run.start():run.end()])
        inner = tokens[(tokens >= 0) & (tokens != token_at[run.start()])]
        inside[inner] += begin[inner]
        begin[inner] = 0.0
    return begin, inside


def no_leading_zeros(spans: list[ValueSpan], offsets: list[tuple[int, int]], text: str) -> list[ValueSpan]:
    """The spans with every one that starts "0" and goes on with a digit cut after the 0.

    No table prints a number with a leading zero, so in a glued run (``0410005``) a 0 is a cell of its own.
    """
    out: list[ValueSpan] = []
    for span in spans:
        while (span.last - span.first > 1 and text[offsets[span.first][0]:offsets[span.first][1]] == "0"
               and text[offsets[span.first + 1][0]].isdigit()):
            out.append(ValueSpan(span.first, span.first + 1, span.value_probability))
            span = ValueSpan(span.first + 1, span.last, span.value_probability)
        out.append(span)
    return out


def whole_numbers(spans: list[ValueSpan], offsets: list[tuple[int, int]], text: str,
                  scaffold: np.ndarray | None = None) -> list[ValueSpan]:
    """The spans that do not cut a printed number: a digit next to a span must be part of another span.

    Glued cells (``21710000218``) are split into spans that together cover the digit run; a lone span on
    the "2" of "2020年" is a piece of a year, not a cell.  A digit the model reads as table scaffolding
    (``scaffold``: its most likely label is a row label, column header or heading) is not part of the
    number either: in ``国家秘密00000002.其他法律…`` the 2 is the next row's number, glued to the last cell.
    """
    covered = set()
    for span in spans:
        covered.update(range(offsets[span.first][0], offsets[span.last - 1][1]))
    if scaffold is not None:
        for index in np.flatnonzero(scaffold):
            covered.update(range(*offsets[index]))

    def loose_digit(position: int) -> bool:
        return 0 <= position < len(text) and text[position].isdigit() and position not in covered

    return [span for span in spans
            if not (loose_digit(offsets[span.first][0] - 1) or loose_digit(offsets[span.last - 1][1]))]


def printed_values(spans: list[ValueSpan], offsets: list[tuple[int, int]], text: str) -> list[ValueSpan]:
    """The spans whose text can be a cell: a number, perhaps with a short unit (``25个``, ``5,008.284``,
    ``4948.3955万元``), or an empty-cell mark (``-``, ``/``, ``无``); and not a list-item number.

    The model reads every table line, including the paragraphs with many numbers the prose filter keeps;
    a span on a letter of a web address, on "率达" or on "降45" would otherwise take a key from a real cell,
    and one on the 3 of "3.其他" (a row's number) the key of a cell printed empty.  No cell of the seeds,
    the real reports or the generated ones is followed by a list-item mark.
    """
    marks = empty_cell_marks()

    def printable(span: ValueSpan) -> bool:
        start = offsets[span.first][0]
        raw = text[start:offsets[span.last - 1][1]].strip()
        return (_PRINTED_NUMBER.fullmatch(raw) is not None or raw in marks) and not _ITEM_NUMBER.match(text, start)

    return [span for span in spans if printable(span)]


def cell_spans(begin: np.ndarray, inside: np.ndarray, offsets: list[tuple[int, int]], text: str,
               scaffold: np.ndarray | None = None) -> list[ValueSpan]:
    """Step 1 of the module docstring: the value spans, with the facts of printed tables applied."""
    spans = no_leading_zeros(value_spans(*separated_numbers_whole(begin, inside, offsets, text)), offsets, text)
    return printed_values(whole_numbers(spans, offsets, text, scaffold), offsets, text)


def _key_scores(key_mass: np.ndarray, span: ValueSpan) -> np.ndarray:
    """Mean log P(key | value) over a span's tokens, for every key."""
    mass = key_mass[span.first:span.last]
    return np.log(mass / np.maximum(mass.sum(axis=1, keepdims=True), _EPSILON) + _EPSILON).mean(axis=0)


def assign_keys(spans: list[ValueSpan], key_mass: np.ndarray,
                allowed: np.ndarray | None = None) -> list[tuple[ValueSpan, int, float]]:
    """``(span, key index, key probability)`` for every span given a key, keys used at most once.

    ``key_mass[token, key]`` is the probability of ``B-key`` plus ``I-key``; ``allowed`` (boolean per key)
    limits the keys to those of the report's template.  A span is given a key only where that beats
    leaving it without one (``MIN_KEY_PROBABILITY``): the assignment maximises the total gain
    ``log P(key) - log MIN_KEY_PROBABILITY`` over the pairs it makes.

    The cost stays linear in the spans: with K keys, the span a key gets is always among the K spans that
    gain most from it (of any K, at most K - 1 are taken by other keys, and a free one would do as well),
    so spans are scored in blocks and only those candidates are kept for the assignment.
    """
    from scipy.optimize import linear_sum_assignment  # here, not at import: scipy.optimize takes 0.4 s to load

    if not spans:
        return []
    keys = np.flatnonzero(allowed) if allowed is not None else np.arange(len(_key_scores(key_mass, spans[0])))
    width = len(keys)
    rows, scores = np.empty(0, dtype=np.int64), np.empty((0, width))
    for first in range(0, len(spans), _SPAN_BLOCK):
        block = spans[first:first + _SPAN_BLOCK]
        rows = np.concatenate([rows, np.arange(first, first + len(block))])
        scores = np.concatenate([scores, np.stack([_key_scores(key_mass, span)[keys] for span in block])])
        if width and len(rows) > width:
            keep = np.unique(np.argpartition(-scores, width - 1, axis=0)[:width])
            rows, scores = rows[keep], scores[keep]
    gain = np.maximum(scores - np.log(MIN_KEY_PROBABILITY), 0.0)
    picked, columns = linear_sum_assignment(gain, maximize=True)
    return [(spans[rows[row]], int(keys[column]), float(np.exp(scores[row, column])))
            for row, column in zip(picked, columns) if gain[row, column] > 0]


@dataclass
class _RunChoice:
    """A glued run, ``[first, last)`` in tokens, its readings as whole printed rows (``scored``: (score,
    [(span, key)]) best first), the one taken and the model's own (None: the model read it no allowed way)."""

    first: int
    last: int
    scored: list[tuple[float, list[tuple[ValueSpan, int]]]]
    taken: int
    own: int | None


def recut_glued_runs(spans: list[ValueSpan], cells: list[tuple[ValueSpan, int, float]], begin: np.ndarray,
                     inside: np.ndarray, key_mass: np.ndarray, offsets: list[tuple[int, int]], text: str,
                     field_keys: list[str], readings_for: ReadingsFor, scaffold: np.ndarray | None = None,
                     balance: Balance | None = None) -> list[tuple[ValueSpan, int, float]]:
    """The keyed cells, with every glued run re-read where the model's reading is not a whole printed row
    or breaks the row's sums.

    A glued row (``申请数量318002142`` = 31 | 8 | 0 | 0 | 2 | 1 | 42) can be cut many ways, and the model,
    reading digits, cannot add them up: it puts a cut one digit off, or one too many, or leaves a digit
    out.  A run is the touching spans with the digits around them that the model did not read as
    scaffolding; it may also start at the first digit after the row label (``_extent``), and a list-item
    number it ends in (``…072.其他法律…``: the 2 is the next row's) may be left out.  For each run the
    rule layer lists the readings the rows allow (which row, where to cut into its cells so that its
    sums hold, where it has any: section 二's rows have none); the model scores each —
    log P(begin) where a cell starts, log P(inside) where it goes on, log P(not a value) for a digit
    left out, and each cell's mean log P(key) — and the best replaces the run's cells.  A key it takes
    is taken from any cell outside the run, and two runs never take the same key.  A run the model
    already reads in an allowed way, or one no reading fits (a report that printed a wrong sum), keeps
    the model's reading.  With ``balance``, a run whose row sums allow several cuts then takes the one
    that best keeps the table's column equations (``_balance_columns``).
    """
    index_of = {key: index for index, key in enumerate(field_keys)}
    keyed = {cell[0].first: cell for cell in cells}
    log_begin, log_inside = np.log(begin + _EPSILON), np.log(inside + _EPSILON)
    log_outside = np.log(np.clip(1.0 - begin - inside, 0.0, 1.0) + _EPSILON)

    def scored_readings(starts: list[int], last: int, current: list[tuple[int, int, int]]):
        """(the index of the model's own reading among the readings, None when it is not one of them,
        [(score, [(span, key)])] best first)."""
        scored, own = [], False
        model_keys = [field_keys[key] for _, _, key in current]
        for first, end in product(starts, _run_ends(starts[-1], last, offsets, text)):
            token_at = {offsets[index][0] - offsets[first][0]: index for index in range(first, end)}
            for keys, parts in readings_for(text[offsets[first][0]:offsets[end - 1][1]], model_keys):
                positions = np.cumsum([0, *map(len, parts)])[:-1]
                if not all(key in index_of for key in keys) or not all(int(p) in token_at for p in positions):
                    continue  # a key the checkpoint lacks, or a cut inside a token
                cuts = [token_at[int(p)] for p in positions]
                new = [(ValueSpan(a, b, 0.0), index_of[key]) for a, b, key in zip(cuts, [*cuts[1:], end], keys)]
                tokens = np.arange(first + 1, end)
                cut = np.isin(tokens, cuts)
                score = (np.where(cut, log_begin[tokens], log_inside[tokens]).sum()
                         + log_outside[starts[0]:first].sum() + log_outside[end:last].sum()
                         + sum(_key_scores(key_mass, span)[key] for span, key in new))
                scored.append((float(score), new))
        scored.sort(key=lambda item: -item[0])
        own = next((index for index, (_, new) in enumerate(scored)
                    if [(span.first, span.last, key) for span, key in new] == current), None)
        return own, scored

    taken: set[int] = set()  # keys of runs whose reading stands: the model's own that adds up, or a new one
    runs, chosen = [], []  # chosen: a _RunChoice for every run whose reading is decided
    for run in _touching_runs(spans, offsets):
        current = [(s.first, s.last, k) for s, k, _ in (keyed[span.first] for span in run if span.first in keyed)]
        if not current:
            continue
        starts, last = _extent(run[0].first, run[-1].last, offsets, text, scaffold)
        own, scored = scored_readings(starts, last, current)
        if own is not None:
            taken.update(key for _, _, key in current)
            chosen.append(_RunChoice(starts[0], last, scored, own, own))
        elif scored:
            runs.append((starts[0], last, scored))
    chosen += _share_rows(runs, taken)
    if balance is not None:
        _balance_columns(chosen, cells, offsets, text, field_keys, balance)
    return _with_readings_taken(cells, chosen, begin + inside, key_mass)


def _share_rows(runs: list[tuple[int, int, list]], taken: set[int]) -> list[_RunChoice]:
    """The readings of the runs the model read no allowed way, each with keys no other run has taken.

    Two runs may read as the same row (two rows of zeros): the surer run, by its best reading's score per
    token, takes it; the other takes its best reading with keys still free, or keeps the model's.
    """
    chosen = []
    for first, last, scored in sorted(runs, key=lambda run: -run[2][0][0] / (run[1] - run[0])):
        for index, (_, new) in enumerate(scored):
            if taken.isdisjoint(key for _, key in new):
                taken.update(key for _, key in new)
                chosen.append(_RunChoice(first, last, scored, index, None))
                break
    return chosen


def _with_readings_taken(cells: list[tuple[ValueSpan, int, float]], chosen: list[_RunChoice], value: np.ndarray,
                         key_mass: np.ndarray) -> list[tuple[ValueSpan, int, float]]:
    """``cells`` with each run that takes another reading than the model's own read that way: its cells
    and keys replace the model's there, and a key it takes is taken from any cell elsewhere."""
    replaced = [(run.first, run.last, [
        (ValueSpan(span.first, span.last, float(value[span.first:span.last].min())), key,
         float(np.exp(_key_scores(key_mass, span)[key]))) for span, key in run.scored[run.taken][1]])
        for run in chosen if run.taken != run.own]
    if not replaced:
        return cells
    new_keys = {key for _, _, new in replaced for _, key, _ in new}
    kept = [cell for cell in cells if cell[1] not in new_keys
            and not any(first <= cell[0].first < last for first, last, _ in replaced)]
    return kept + [cell for _, _, new in replaced for cell in new]


def _balance_columns(chosen: list[_RunChoice], cells: list[tuple[ValueSpan, int, float]], offsets: list[tuple[int, int]],
                     text: str, field_keys: list[str], balance: Balance) -> None:
    """Switch a glued run to another of its readings (same row, other cuts) where the table's equations
    gain: every reading adds up along its row, but only the printed one keeps the columns with the rest.

    A reading is worth the model's score (log-probability) plus ``EQUATION_WEIGHT`` for every equation
    through its keys that holds, minus as much for every one broken: a column that adds up outweighs a
    small preference of the model, not a strong one (in a table with other rows misread, a wrong cut can
    balance a column or two).  The reading each run of ``chosen`` takes is updated in place.  Runs are
    visited in turn until no switch gains.
    """
    def raw(span: ValueSpan) -> str:
        return text[offsets[span.first][0]:offsets[span.last - 1][1]]

    printed = {field_keys[key]: raw(span) for span, key, _ in cells
               if not any(run.first <= span.first < run.last for run in chosen)}
    for run in chosen:
        printed.update((field_keys[key], raw(span)) for span, key in run.scored[run.taken][1])
    switched = True
    while switched:
        switched = False
        for run in chosen:
            scored, index = run.scored, run.taken
            keys = {field_keys[key] for _, key in scored[index][1]}
            best, most = index, scored[index][0] + EQUATION_WEIGHT * balance(printed, keys)
            for other, (score, new) in enumerate(scored):
                if other == index or {field_keys[key] for _, key in new} != keys:
                    continue
                total = score + EQUATION_WEIGHT * balance(printed | {field_keys[key]: raw(span) for span, key in new},
                                                          keys)
                if total > most:
                    best, most = other, total
            if best != index:
                run.taken, switched = best, True
                printed.update((field_keys[key], raw(span)) for span, key in scored[best][1])


def _touching_runs(spans: list[ValueSpan], offsets: list[tuple[int, int]]) -> list[list[ValueSpan]]:
    """The spans in runs of two or more that touch, one ending where the next begins (glued cells)."""
    runs: list[list[ValueSpan]] = []
    for span in sorted(spans, key=lambda span: span.first):
        if runs and offsets[runs[-1][-1].last - 1][1] == offsets[span.first][0]:
            runs[-1].append(span)
        else:
            runs.append([span])
    return [run for run in runs if len(run) > 1]


def _extent(first: int, last: int, offsets: list[tuple[int, int]], text: str,
            scaffold: np.ndarray | None) -> tuple[list[int], int]:
    """Where a run may start, earliest first, and where it ends: ``[first, last)`` widened over the digit
    tokens on either side not read as scaffolding, and may start at the first digit after the row label.

    A row's first digits follow its label directly (``2.重复申请621010…``); the model, seeing an item
    number just before, sometimes reads them as part of it, and the run then lacks its first cell.
    """
    def token(index: int) -> str:
        return text[offsets[index][0]:offsets[index][1]] if 0 <= index < len(offsets) else ""

    def digit(index: int, scaffolding_too: bool = False) -> bool:
        """A digit token not read as scaffolding, or between two digits a thousands separator, a decimal
        point or a sign that starts the next cell ("1,277", "253.168", "97+82"): taken into the run."""
        if token(index) in _JOINERS:
            return token(index - 1).isdigit() and token(index + 1).isdigit()
        return token(index).isdigit() and (scaffolding_too or scaffold is None or not scaffold[index])

    while digit(first - 1):
        first -= 1
    while digit(last):
        last += 1
    earliest = first
    while digit(earliest - 1, scaffolding_too=True):
        earliest -= 1
    return sorted({earliest, first}), last


def _run_ends(first: int, last: int, offsets: list[tuple[int, int]], text: str) -> list[int]:
    """Where a run may end: its last token, or the one before when that is a digit numbering the next item."""
    start, end = offsets[last - 1]
    return [last, last - 1] if last - first > 2 and end - start == 1 and _ITEM_NUMBER.match(text, start) else [last]
