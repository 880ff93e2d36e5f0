"""LibreOffice renderings for the generator (``training.office``): finding a page's pieces again in the
text a PDF reader made of it, and one real conversion."""
import random
import shutil

import pytest

from training.office import align
from training.styles import office_pdf


def test_pieces_are_found_again_whitespace_and_spacing_aside():
    source = "申请数量\n21\n7100\n"
    text = "申请数量     21    7 100\n"
    assert align(source, [(0, 4), (5, 7), (8, 12)], text) == [(0, 4), (9, 11), (15, 20)]


def test_a_piece_the_reader_moved_is_not_found():
    source = "部分公开 3 5 四、行政复议"
    text = "部分公开 3 四、行政复议 5"  # plain pdftotext puts a merged row's last cell after the table
    places = align(source, [(0, 4), (5, 6), (7, 8)], text)
    assert places[:2] == [(0, 4), (5, 6)] and places[2] is None


def test_kangxi_radicals_are_compared_as_the_characters_they_stand_for():
    assert align("行政许可 5", [(0, 4), (5, 6)], "⾏政许可 5") == [(0, 4), (5, 6)]


def test_a_label_wrapped_around_its_numbers_is_found_between_its_neighbours():
    source = "2.其他法律行政法规禁止公开\n0\n1\n3.危及安全"
    text = "2.其他法律行政法规\n      0    1\n禁止公开\n3.危及安全"
    label, zero, one, next_label = (0, 14), (15, 16), (17, 18), (19, 25)
    places = align(source, [label, zero, one, next_label], text, [False, True, True, False])
    assert text[slice(*places[0])] == "2.其他法律行政法规"
    assert [text[slice(*p)] for p in places[1:3]] == ["0", "1"]
    assert text[slice(*places[3])] == "3.危及安全"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (setup.sh installs it) is missing")
def test_a_libreoffice_pdf_read_by_pdfplumber_keeps_every_value_of_the_gold():
    from training.content import random_report
    from training.generator import print_report

    rng = random.Random(3)
    content = random_report(rng, "2021")
    text, spans = office_pdf(print_report(rng, content), rng)
    values = {span["key"]: text[span["start"]:span["end"]] for span in spans if span["kind"] == "value"}
    printed = {key for key, value in content.values.items() if value is not None}
    assert printed <= set(values)
    assert " | " in text  # the reader's cell separator: pdfplumber found the ruled tables
