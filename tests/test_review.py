"""``nianbao review``: displaCy draws every field of a seed with its key, red where gold disagrees, orange
where a rule it is in breaks; the differences and the broken rules are listed beside it."""
import json
import re

import pytest

import nianbao.pipeline
from evaluate.review import COLOURS, render_review, section_title, short_label
from nianbao.cli import main
from nianbao.paths import GOLD_DIR, REAL_DEV_DIR, SEEDS_DIR
from nianbao.readers import read_document
from nianbao.records import Field
from nianbao.schema import field_spec
from test_rules_glued import glued_requests

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


def labels(html):
    """section title -> [(colour, label)] of every field displaCy drew, in text order."""
    drawn = {}
    for title, block in re.findall(r'<h2 style="margin: 0">([^<]*)</h2>(.*?)(?=<h2 style="margin: 0">|</main>)', html, re.S):
        drawn[title.split(":")[0]] = re.findall(r'display: block; background: (#[0-9a-f]+);[^>]*>([^<]+)</span>', block)
    return drawn


def test_every_field_of_a_seed_is_drawn_by_displacy_with_its_key_in_its_section(tmp_path):
    html = review(tmp_path, SEED, "--system", "rules")
    expected = {section_title(section): [short_label(key) for key in GOLD["fields"] if field_spec(key).section == section]
                for section in ("active", "requests", "review")}
    assert {title: sorted(label for _, label in drawn) for title, drawn in labels(html).items()} == \
        {title: sorted(keys) for title, keys in expected.items()}
    assert {colour for drawn in labels(html).values() for colour, _ in drawn} <= {COLOURS["by-rules"], COLOURS["null"]}
    assert "right: <b" not in html  # no gold given: nothing is scored


def test_a_value_differing_from_gold_is_red_and_listed_with_the_gold_value(tmp_path):
    html = review(tmp_path, SEED, "--gold", gold_file(tmp_path, **{"requests.new.natural": 30}), "--system", "rules")
    red = [label for drawn in labels(html).values() for colour, label in drawn if colour == COLOURS["wrong"]]
    assert red == ["new.natural"]
    differences = html.split("Differences from gold (1)")[1].split("</table>")[0]
    assert "<code>requests.new.natural</code></td><td>30</td><td class=\"bad\">29</td><td>29</td>" in differences
    assert re.search(r'right: <b class="ok">197</b> · wrong: <b class="bad">1</b> of 198', html)


def test_a_glued_row_is_drawn_cell_by_cell(tmp_path):
    glued = tmp_path / "glued.txt"
    glued.write_text(glued_requests({0: "21710000218", 2: "21710000218", 21: "21710000218"}), encoding="utf-8")
    html = review(tmp_path, glued, "--system", "rules")
    row = html.split("申请数量")[1].split("二、上年结转")[0]
    assert re.findall(r'position: relative; vertical-align: top; padding-bottom: 2px;">([^<]+)<', row) == \
        ["217", "1", "0", "0", "0", "0", "218"]
    assert [label for _, label in re.findall(r'background: (#[0-9a-f]+);[^>]*nowrap;">([^<]+)</span>', row)] == \
        [f"new.{column}" for column in ("natural", "commercial", "research", "social", "legal", "other_org", "total")]


def test_a_gold_field_the_parser_found_no_cell_for_is_listed(tmp_path):
    doc = read_document(SEED)
    report = nianbao.pipeline.parse_document(doc, "rules")
    report.fields["requests.new.natural"] = Field(None)
    html = render_review(doc, report, "rules", GOLD)
    listed = html.split("With no cell in the text:")[1].split("</table>")[0]
    assert "<code>requests.new.natural</code></td><td>29</td>" in listed
    assert "new.natural" not in [label for drawn in labels(html).values() for _, label in drawn]


def test_an_altered_printed_number_lists_the_rules_it_breaks(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    assert text.count(NEW_NATURAL) == 1
    altered = tmp_path / "altered.txt"
    altered.write_text(text.replace(NEW_NATURAL, NEW_NATURAL.replace("29", "31")), encoding="utf-8")
    html = review(tmp_path, altered, "--system", "rules")
    assert "Failed consistency checks (2)" in html
    assert ("requests_balance broken at natural: requests.new.natural (31) + requests.carried_over.natural (0)"
            " = 31 but requests.total.natural (29) + requests.carry_forward.natural (0) = 29") in html
    orange = {label for drawn in labels(html).values() for colour, label in drawn if colour == COLOURS["failed"]}
    assert "new.natural" in orange and "granted.natural" not in orange


def test_hybrid_without_a_model_checkpoint_reviews_the_rules_with_a_note(tmp_path, monkeypatch, capsys):
    def no_checkpoint():
        raise FileNotFoundError("no model checkpoint installed")

    monkeypatch.setattr(nianbao.pipeline, "default_labeller", no_checkpoint)
    # glued rows that cut several ways: not a report the rules settle, so the hybrid needs the model
    html = review(tmp_path, REAL_DEV_DIR / "reports" / "pingtan-2025.txt")
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
