"""Fuzzing: mutated reports never crash the parser; each is a record or a named input error.

The mutations are ``tests/mutations.py``'s.  Every mutant is read and parsed by the rule layer: either
``InputError`` says why it is not a report, or every field it finds quotes the reader's text exactly
(``raw == text[start:end]``).  The examples are few and bounded, so the test takes seconds;
``benchmarks/bench_fuzz.py`` runs thousands, through the default system too.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutations import ENCODINGS, encoded, mutate_bytes, mutated_text, parsed_or_named, seed_files

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                derandomize=True, database=None)
FILES = seed_files()


@FAST
@given(mutated_text(), st.sampled_from(ENCODINGS))
def test_a_mutated_report_text_parses_or_is_named(tmp_path_factory, text, encoding):
    path = tmp_path_factory.mktemp("fuzz") / "report.txt"
    path.write_bytes(encoded(text, encoding))
    parsed_or_named(path)


@FAST
@given(st.sampled_from(sorted(FILES)), st.data())
def test_a_byte_mutated_docx_pdf_or_html_parses_or_is_named(tmp_path_factory, suffix, data):
    path = tmp_path_factory.mktemp("fuzz") / f"report{suffix}"
    path.write_bytes(mutate_bytes(FILES[suffix], data.draw))
    parsed_or_named(path)
