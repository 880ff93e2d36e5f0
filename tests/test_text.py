"""The normalised view parsers read, and the offset map back to the reader's text."""
import pytest

from nianbao.errors import InputError
from nianbao.text import decode, normalise


def test_markers_dropped_widths_folded_and_offsets_point_back():
    text = "行政许可\n\t199\n\t[bookmark: _GoBack]－\n\t６０個"
    doc = normalise("seed", text)
    assert doc.norm == "行政许可\n\t199\n\t-\n\t60个"
    dash = doc.norm.index("-")
    start, end = doc.text_span(dash, dash + 1)
    assert text[start:end] == "－"
    sixty = doc.norm.index("60个")
    start, end = doc.text_span(sixty, sixty + 3)
    assert text[start:end] == "６０個"


def test_characters_that_expand_or_vanish_keep_the_map_exact():
    text = "\ufeff㈠予以公开\r\n總計\u300012"
    doc = normalise("x", text)
    assert doc.norm == "(一)予以公开\n总计 12"
    assert len(doc.offsets) == len(doc.norm) + 1
    assert [text[doc.offsets[i]] for i in range(3)] == ["㈠", "㈠", "㈠"]
    twelve = doc.norm.index("12")
    assert text[slice(*doc.text_span(twelve, twelve + 2))] == "12"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_decode_reads_the_encodings_reports_come_in(encoding):
    text = "二、主动公开政府信息情况\n规章\t0\t0\t0\n行政许可 187 0 4677\n" * 5
    assert decode("r.txt", text.encode(encoding)) == text


def test_decode_refuses_empty_and_binary_files():
    with pytest.raises(InputError, match="empty"):
        decode("e.txt", b"  \n")
    with pytest.raises(InputError, match="binary"):
        decode("b.bin", bytes(range(256)) * 20)
