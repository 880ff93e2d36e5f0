"""Per-token label probabilities -> value cells, each with a field key, no key used twice.

Reading the argmax label of every token and then the BIO spans gives cells, but two cells often claim the
same key (the fourth and fifth cell of a row both "look like" column five) while another key goes
unclaimed, and the mapping then keeps only one of them.  A report holds each field at most once, so
decoding here works in two steps:

1. **Where the cells are.**  Each token's probability mass is split three ways: begins a value (any
   ``B-<key>``), continues one (any ``I-<key>``), or neither.  The most probable of the three, read as
   BIO, gives the value spans; a span that cuts a printed number the other spans do not cover is dropped.
   Finding cells is the easy part of the task for the model.
2. **Which key each cell is.**  A span's score for a key is the mean log probability of that key over its
   tokens (given that they are a value).  Keys are then given to spans by one global assignment that
   maximises the total score with every key used at most once (``scipy.optimize.linear_sum_assignment``),
   the Hungarian method.  A span may stay without a key when every free key is very unlikely for it.

A cell's confidence is the product of how sure the model is that it is a value (its least sure token)
and the probability of the key it was given.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

# A span is left without a key rather than given one this unlikely (mean probability over its tokens).
MIN_KEY_PROBABILITY = 1e-4
_EPSILON = 1e-9


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


def whole_numbers(spans: list[ValueSpan], offsets: list[tuple[int, int]], text: str) -> list[ValueSpan]:
    """The spans that do not cut a printed number: a digit next to a span must be part of another span.

    Glued cells (``21710000218``) are split into spans that together cover the digit run; a lone span on
    the "2" of "2020年" is a piece of a year, not a cell.
    """
    covered = set()
    for span in spans:
        covered.update(range(offsets[span.first][0], offsets[span.last - 1][1]))

    def loose_digit(position: int) -> bool:
        return 0 <= position < len(text) and text[position].isdigit() and position not in covered

    return [span for span in spans
            if not (loose_digit(offsets[span.first][0] - 1) or loose_digit(offsets[span.last - 1][1]))]


def assign_keys(spans: list[ValueSpan], key_mass: np.ndarray,
                allowed: np.ndarray | None = None) -> list[tuple[ValueSpan, int, float]]:
    """``(span, key index, key probability)`` for every span given a key, keys used at most once.

    ``key_mass[token, key]`` is the probability of ``B-key`` plus ``I-key``; ``allowed`` (boolean per key)
    limits the keys to those of the report's template.
    """
    if not spans:
        return []
    key_mass = key_mass.astype(np.float32)  # stored as float16
    conditional = key_mass / np.maximum(key_mass.sum(axis=1, keepdims=True), _EPSILON)
    scores = np.stack([np.log(conditional[span.first:span.last] + _EPSILON).mean(axis=0) for span in spans])
    if allowed is not None:
        scores = np.where(allowed[None, :], scores, -np.inf)
    keys = np.flatnonzero(np.isfinite(scores).any(axis=0))
    # One "no key" column per span, so that a span is left out rather than forced onto a hopeless key.
    none = np.full((len(spans), len(spans)), np.log(MIN_KEY_PROBABILITY))
    cost = -np.concatenate([np.maximum(scores[:, keys], -1e6), none], axis=1)
    rows, columns = linear_sum_assignment(cost)
    return [(spans[row], int(keys[column]), float(np.exp(scores[row, keys[column]])))
            for row, column in zip(rows, columns) if column < len(keys)]
