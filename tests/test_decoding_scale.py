"""Decoding costs linear in the report: key assignment without a spans x spans matrix, key mass stored for
read tokens only, and both give what the dense computation gives."""
from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from model import decoding
from model.decoding import MIN_KEY_PROBABILITY, ValueSpan, _key_scores, assign_keys
from model.inference import ReadRows


def dense_assignment(spans, key_mass, allowed):
    """The assignment with one "no key" column per span: a spans x (keys + spans) cost matrix."""
    scores = np.stack([_key_scores(key_mass, span) for span in spans])
    keys = np.flatnonzero(allowed)
    none = np.full((len(spans), len(spans)), np.log(MIN_KEY_PROBABILITY))
    rows, columns = linear_sum_assignment(-np.concatenate([scores[:, keys], none], axis=1))
    return [(row, int(keys[column])) for row, column in zip(rows, columns) if column < len(keys)]


def test_keys_go_to_the_spans_the_dense_assignment_gives_them_however_many_spans(monkeypatch):
    monkeypatch.setattr(decoding, "_SPAN_BLOCK", 37)  # candidates pruned across many blocks
    rng = np.random.default_rng(7)
    for n_spans, n_keys in [(3, 8), (40, 8), (400, 12)]:
        key_mass = rng.dirichlet(np.full(n_keys, 0.3), size=2 * n_spans).astype(np.float32)
        spans = [ValueSpan(2 * i, 2 * i + 2, 0.9) for i in range(n_spans)]
        allowed = rng.random(n_keys) < 0.8
        got = [(spans.index(span), key) for span, key, _ in assign_keys(spans, key_mass, allowed)]
        assert got == dense_assignment(spans, key_mass, allowed)
        assert len(got) <= allowed.sum()


def test_key_mass_rows_of_tokens_not_read_are_zero_and_not_stored():
    mass = ReadRows(np.array([1, 2, 5]), n_tokens=7, width=2)
    mass[np.array([1, 2, 5])] = np.array([[0.1, 0.9], [0.2, 0.8], [0.3, 0.7]], dtype=np.float32)
    assert mass.rows.shape == (3, 2)
    dense = np.zeros((7, 2), dtype=np.float32)
    dense[[1, 2, 5]] = [[0.1, 0.9], [0.2, 0.8], [0.3, 0.7]]
    for first, last in [(0, 7), (1, 3), (3, 5), (4, 6)]:
        assert np.array_equal(mass[first:last], dense[first:last])
