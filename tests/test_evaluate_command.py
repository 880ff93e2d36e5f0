"""``nianbao evaluate``: scoring saved outputs built from data/gold, the written reports, and bad arguments."""
import json

import pytest

from nianbao import cli, pipeline
from nianbao.paths import GOLD_DIR, SEEDS_DIR

CHANGED_KEY = "requests.new.natural"


def evaluate(*argv) -> int:
    """``nianbao evaluate ARGV`` as the command line runs it: its exit status."""
    return cli.main(["evaluate", *(str(arg) for arg in argv)])


def write_outputs(folder, change=None):
    """Outputs equal to data/gold, as ``nianbao parse`` writes them; ``change`` = (stem, key, new value)."""
    folder.mkdir(parents=True, exist_ok=True)
    stems = []
    for path in sorted(GOLD_DIR.glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        fields = {key: {"value": value, "raw": None if value is None else str(value), "start": None,
                        "end": None, "confidence": 1.0, "by": "rules"} for key, value in truth["fields"].items()}
        if change and change[0] == path.stem:
            fields[change[1]]["value"] = change[2]
        record = {"source": str(SEEDS_DIR / f"{path.stem}.txt"), "template": truth["template"],
                  "meta": truth["meta"], "fields": fields, "checks": [], "warnings": []}
        (folder / path.name).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        stems.append(path.stem)
    return stems


def test_a_perfect_prediction_scores_every_figure_at_100_percent(tmp_path, capsys):
    write_outputs(tmp_path / "pred")
    assert evaluate("--gold", GOLD_DIR, "--pred", tmp_path / "pred") == 0
    out = capsys.readouterr().out
    assert "5 reports scored" in out
    assert "report exact match" in out and "5/5 (100.00%)" in out
    assert "990/990 (100.00%)" in out  # five 2019 reports of 198 fields
    assert "field mismatches: 0" in out


def test_one_changed_value_is_reported_as_exactly_that_mismatch(tmp_path, capsys):
    stems = write_outputs(tmp_path / "pred")
    truth = json.loads((GOLD_DIR / f"{stems[1]}.json").read_text(encoding="utf-8"))["fields"][CHANGED_KEY]
    write_outputs(tmp_path / "pred", change=(stems[1], CHANGED_KEY, truth + 1))
    assert evaluate("--gold", GOLD_DIR, "--pred", tmp_path / "pred", "--json", tmp_path / "r.json") == 0
    out = capsys.readouterr().out
    assert "989/990 (99.90%)" in out and "4/5 (80.00%)" in out
    assert "field mismatches: 1" in out
    assert f"{stems[1]}  {CHANGED_KEY}: gold {truth}, predicted {truth + 1}" in out
    results = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["systems"]["predictions"]
    mismatches = [m for report in results["reports"] for m in report["mismatches"]]
    assert [(m["stem"], m["key"], m["gold"], m["predicted"]) for m in mismatches] == [
        (stems[1], CHANGED_KEY, truth, truth + 1)]


def test_the_html_page_is_written_with_the_figures_and_the_mismatch(tmp_path):
    stems = write_outputs(tmp_path / "pred", change=("000_2e827ae39ac43e7f", "review.total", 99))
    assert evaluate("--gold", GOLD_DIR, "--pred", tmp_path / "pred", "--html", tmp_path / "r.html") == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "989/990 (99.90%)" in page and "4/5 (80.00%)" in page
    assert "<code>review.total</code>" in page and stems[0] in page


def test_outputs_without_gold_are_listed_and_skipped(tmp_path, capsys):
    write_outputs(tmp_path / "pred")
    (tmp_path / "pred" / "unlabelled.json").write_text('{"fields": {}}', encoding="utf-8")
    assert evaluate("--gold", GOLD_DIR, "--pred", tmp_path / "pred") == 0
    out = capsys.readouterr().out
    assert "5 reports scored" in out
    assert "skipped (no gold file): 1" in out and "unlabelled.json" in out


def test_reports_are_grouped_by_style_when_the_generator_manifest_is_beside_the_gold(tmp_path, capsys):
    stems = write_outputs(tmp_path / "pred", change=("000_2e827ae39ac43e7f", "review.total", 99))
    gold_dir = tmp_path / "generated" / "gold"
    gold_dir.mkdir(parents=True)
    manifest = []
    for index, stem in enumerate(stems):
        (gold_dir / f"{stem}.json").write_bytes((GOLD_DIR / f"{stem}.json").read_bytes())
        manifest.append(json.dumps({"stem": stem, "style": "grid" if index < 2 else "plain",
                                    "template": "2019", "collapsed": False}))
    (tmp_path / "generated" / "manifest.jsonl").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    assert evaluate("--gold", gold_dir, "--pred", tmp_path / "pred") == 0
    out = capsys.readouterr().out
    assert "by style" in out
    assert "grid: exact match" in out and "1/2 (50.00%)" in out
    assert "plain: exact match" in out and "3/3 (100.00%)" in out


def test_fields_listed_in_ambiguous_txt_are_scored_apart_and_a_source_manifest_groups_by_source(tmp_path, capsys):
    # Two wrong fields: one the gold folder lists as ambiguous (left out of every figure but its own), one not.
    stems = write_outputs(tmp_path / "pred", change=("000_2e827ae39ac43e7f", "review.total", 99))
    record = tmp_path / "pred" / "001_321816853e0a54d9.json"
    data = json.loads(record.read_text(encoding="utf-8"))
    data["fields"]["requests.new.natural"]["value"] = 12345
    record.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    gold_dir = tmp_path / "real" / "gold"
    gold_dir.mkdir(parents=True)
    for stem in stems:
        (gold_dir / f"{stem}.json").write_bytes((GOLD_DIR / f"{stem}.json").read_bytes())
    (gold_dir / "AMBIGUOUS.txt").write_text("001_321816853e0a54d9.json requests.new.natural\n"
                                            "001_321816853e0a54d9.json requests.new.total\n", encoding="utf-8")
    (tmp_path / "real" / "manifest.jsonl").write_text(
        "".join(json.dumps({"stem": stem, "source": "A" if stem.startswith("000") else "B"}) + "\n"
                for stem in stems), encoding="utf-8")
    assert evaluate("--gold", gold_dir, "--pred", tmp_path / "pred", "--json", tmp_path / "r.json") == 0
    out = capsys.readouterr().out
    assert "field accuracy                         987/988 (99.90%)" in out
    assert "ambiguous fields (in no figure above)  1/2 (50.00%)" in out
    assert "by source" in out and "A: exact match" in out
    assert "B: exact match                         4/4 (100.00%)" in out
    summary = json.loads((tmp_path / "r.json").read_text())["systems"]["predictions"]["summary"]
    assert (summary["ambiguous"]["right"], summary["ambiguous"]["total"]) == (1, 2)
    assert (summary["exact"]["right"], summary["exact"]["total"]) == (4, 5)
    # Every output field is given confidence 1.0: the two wrong ones are among the sure ones, the ambiguous too.
    assert (summary["sure"]["right"], summary["sure"]["total"]) == (988, 990)


@pytest.mark.parametrize("argv, message", [
    (["--gold", "{tmp}/nowhere", "--pred", "{tmp}/pred"], "gold folder"),
    (["--gold", "{tmp}/empty", "--pred", "{tmp}/pred"], "no input has a gold file"),
    (["--gold", str(GOLD_DIR)], "nothing to score"),
    (["--gold", str(GOLD_DIR), "--pred", "{tmp}/pred", str(SEEDS_DIR)], "not both"),
    (["--gold", str(GOLD_DIR), "--pred", "{tmp}/pred", "--by-style"], "no manifest.jsonl"),
    (["--gold", str(GOLD_DIR), "{tmp}/missing.txt"], "missing.txt: no such file or folder"),
    (["--gold", str(GOLD_DIR), "--pred", "{tmp}/pred", "--html", "{tmp}/no/r.html"], "does not exist"),
])
def test_bad_arguments_exit_2_with_a_message_and_no_traceback(tmp_path, capsys, argv, message):
    write_outputs(tmp_path / "pred")
    (tmp_path / "empty").mkdir()
    assert evaluate(*[arg.format(tmp=tmp_path) for arg in argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nianbao evaluate: ") and message in err
    assert "Traceback" not in err


def test_parsing_the_seed_reports_scores_them_against_their_gold(capsys):
    assert evaluate("--gold", GOLD_DIR, SEEDS_DIR, "--system", "rules") == 0
    out = capsys.readouterr().out
    assert "5 reports scored" in out and "field accuracy" in out


def test_inputs_are_taken_as_parse_takes_them_globs_lists_and_nested_folders(tmp_path, capsys):
    nested = tmp_path / "reports" / "2020"
    nested.mkdir(parents=True)
    seeds = sorted(SEEDS_DIR.glob("*.txt"))
    for seed in seeds[:2]:
        (nested / seed.name).write_bytes(seed.read_bytes())
    (tmp_path / "list.txt").write_text("\n".join(str(seed) for seed in seeds[2:4]), encoding="utf-8")
    assert evaluate("--gold", GOLD_DIR, tmp_path / "reports", f"@{tmp_path / 'list.txt'}",
                    SEEDS_DIR / "00[24]_*.txt", "--system", "rules") == 0
    assert "5 reports scored" in capsys.readouterr().out  # the glob names 002 again: it is read once


def test_a_comparison_reports_a_system_that_cannot_run_instead_of_crashing(capsys):
    assert evaluate("--gold", GOLD_DIR, SEEDS_DIR / "000_2e827ae39ac43e7f.txt", "--compare",
                    "--systems", "rules,model") == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("figures"))
    assert "rules" in header
    assert ("model" in header) != ("system model: unavailable (" in out)  # scored, or named as unavailable


def test_an_unknown_system_is_a_bad_argument(capsys):
    assert evaluate("--gold", GOLD_DIR, SEEDS_DIR, "--system", "regex") == 2
    assert "unknown system regex" in capsys.readouterr().err


def test_a_gold_file_without_the_full_field_set_of_a_template_is_refused(tmp_path, capsys):
    write_outputs(tmp_path / "pred")
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    truth = json.loads((GOLD_DIR / "000_2e827ae39ac43e7f.json").read_text(encoding="utf-8"))
    del truth["fields"]["review.total"]
    (gold_dir / "000_2e827ae39ac43e7f.json").write_text(json.dumps(truth), encoding="utf-8")
    assert evaluate("--gold", gold_dir, "--pred", tmp_path / "pred") == 2
    assert "not a gold file" in capsys.readouterr().err


def test_a_report_that_trips_the_parser_scores_as_empty_and_the_others_are_still_scored(monkeypatch, capsys):
    parse_document = pipeline.parse_document

    def failing_on_one(doc, system, labeller=None):
        if "001_" in doc.source:
            raise RuntimeError("a parser bug")
        return parse_document(doc, system, labeller)

    monkeypatch.setattr(pipeline, "parse_document", failing_on_one)
    assert evaluate("--gold", GOLD_DIR, SEEDS_DIR, "--system", "rules") == 0
    out = capsys.readouterr().out
    assert "5 reports scored" in out and "field accuracy                         792/990 (80.00%)" in out
    assert "001_321816853e0a54d9: the rules parser failed: RuntimeError: a parser bug" in out
