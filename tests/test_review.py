"""``nianbao review``: a seed's page marks every cell with its key, red where gold disagrees; broken rules listed."""
import json
import re

import pytest

import nianbao.pipeline
from evaluate.review import Annotation, Mark, pieces_of, render_review
from nianbao.cli import main
from nianbao.paths import GOLD_DIR, SEEDS_DIR
from nianbao.readers import read_document
from nianbao.records import Field

STEM = "004_4c36db1c4b6f0da5"
SEED = SEEDS_DIR / f"{STEM}.txt"
GOLD = json.loads((GOLD_DIR / f"{STEM}.json").read_text(encoding="utf-8"))
# requests.new.natural as the seed prints it, once
NEW_NATURAL = "一、本年新收政府信息公开申请数量\n\t29\n"


def review(tmp_path, *args):
    out = tmp_path / "review.html"
    assert main(["review", *map(str, args), "--out", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def gold_file(tmp_path, **changes):
    gold = json.loads(json.dumps(GOLD))
    gold["fields"].update(changes)
    path = tmp_path / f"{STEM}.json"
    path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return path


def marks(html):
    """(classes, printed text, keys) of every highlighted cell on the page."""
    return [(classes, printed, re.findall(r'id="cell-([^"]+)"', inner)) for classes, printed, inner in
            re.findall(r'<mark class="([^"]*)" title="[^"]*">([^<]*)(.*?)</mark>', html, re.S)]


def test_every_field_of_a_seed_is_highlighted_with_its_key(tmp_path):
    html = review(tmp_path, SEED, "--system", "rules")
    keys = [key for _, _, mark_keys in marks(html) for key in mark_keys]
    assert sorted(keys) == sorted(GOLD["fields"])
    assert "right: <b" not in html  # no gold given: nothing is scored


def test_the_tooltip_gives_value_system_and_confidence(tmp_path):
    html = review(tmp_path, SEED, "--system", "rules")
    assert 'title="active.procurement.amount_wan = 56742.1644 (printed &#39;56742.1644万元&#39;) · by rules' in html


def test_a_value_differing_from_gold_is_red_with_the_gold_value_beside_it(tmp_path):
    html = review(tmp_path, SEED, "--gold", gold_file(tmp_path, **{"requests.new.natural": 30}), "--system", "rules")
    wrong = [(printed, keys) for classes, printed, keys in marks(html) if "wrong" in classes.split()]
    assert wrong == [("29", ["requests.new.natural"])]
    assert 'id="cell-requests.new.natural">requests.new.natural</span><span class="gold">gold 30</span>' in html
    assert re.search(r'right: <b class="ok">197</b> · wrong: <b class="bad">1</b> of 198', html)


def test_a_gold_field_the_parser_found_no_cell_for_is_listed(tmp_path):
    doc = read_document(SEED)
    report = nianbao.pipeline.parse_document(doc, "rules")
    report.fields["requests.new.natural"] = Field(None)
    html = render_review(doc, report, "rules", GOLD)
    listed = html.split("Gold disagreements with no cell in the text (1)")[1].split("</table>")[0]
    assert "<code>requests.new.natural</code></td><td>29</td>" in listed
    assert 'id="cell-requests.new.natural"' not in html


def test_an_altered_printed_number_lists_the_rules_it_breaks(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    assert text.count(NEW_NATURAL) == 1
    altered = tmp_path / "altered.txt"
    altered.write_text(text.replace(NEW_NATURAL, NEW_NATURAL.replace("29", "31")), encoding="utf-8")
    html = review(tmp_path, altered, "--system", "rules")
    assert "Failed consistency checks (2)" in html
    assert ("requests_balance broken at natural: requests.new.natural (31) + requests.carried_over.natural (0)"
            " = 31 but requests.total.natural (29) + requests.carry_forward.natural (0) = 29") in html
    in_failed = {key for classes, _, keys in marks(html) if "failed" in classes.split() for key in keys}
    assert "requests.new.natural" in in_failed and "requests.granted.natural" not in in_failed


def test_hybrid_without_a_model_checkpoint_reviews_the_rules_with_a_note(tmp_path, monkeypatch, capsys):
    def no_checkpoint():
        raise FileNotFoundError("no model checkpoint installed")

    monkeypatch.setattr(nianbao.pipeline, "default_labeller", no_checkpoint)
    html = review(tmp_path, SEED)
    assert "reviewing rules instead" in capsys.readouterr().err
    assert "rules (hybrid asked for: no model checkpoint)" in html


@pytest.mark.parametrize("args, reason", [
    (["missing.txt", "--out", "page.html"], "missing.txt: no such file"),
    ([str(SEED), "--out", "no-such-folder/page.html"], "folder no-such-folder does not exist"),
])
def test_bad_input_exits_2_with_a_message_and_no_traceback(tmp_path, monkeypatch, capsys, args, reason):
    monkeypatch.chdir(tmp_path)
    assert main(["review", *args, "--system", "rules"]) == 2
    err = capsys.readouterr().err
    assert reason in err and "Traceback" not in err
    assert not (tmp_path / "page.html").exists()


def test_long_lines_without_cells_and_runs_of_blank_lines_are_folded():
    prose = "根据《中华人民共和国政府信息公开条例》" * 10
    text = f"{prose}\n\n\n\n{prose} 0\n"
    cell = Mark(len(text) - 2, len(text) - 1, [Annotation("review.total", 0, "0", "rules", 1.0)])
    kinds = [(piece.kind, piece.text) for piece in pieces_of(text, [cell])]
    assert kinds == [("prose", prose), ("blank", "\n\n\n\n"), ("text", f"{prose} "), ("mark", "0"), ("text", "\n")]
