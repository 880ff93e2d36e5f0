"""A record is kept on resume only while the parser that wrote it is the same: its version is a hash of its code."""
import shutil

from nianbao import systems
from nianbao.cli import main
from nianbao.paths import ROOT, SEEDS_DIR
from nianbao.provenance import PARSER_PACKAGES, fingerprint, parser_version


def test_one_changed_line_of_the_parser_changes_its_version(tmp_path):
    for package in PARSER_PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "checkpoint"))

    def version():
        return fingerprint(sorted(p for package in PARSER_PACKAGES for p in (tmp_path / package).rglob("*.py")),
                           root=tmp_path)

    before = version()
    assert version() == before
    tables = tmp_path / "rules_fallback" / "tables.py"
    tables.write_text(tables.read_text(encoding="utf-8").replace('"printed": 1.0', '"printed": 0.99', 1),
                      encoding="utf-8")
    assert version() != before
    assert parser_version() in systems.system_version("rules")


def test_a_resumed_batch_parses_again_what_another_parser_version_wrote(tmp_path, capsys, monkeypatch):
    seed = sorted(SEEDS_DIR.glob("*.txt"))[0]
    argv = ["parse", str(seed), "--out", str(tmp_path / "out"), "--system", "rules", "--no-progress"]
    assert main(argv) == 0
    assert main(argv) == 0
    assert "0 parsed, 1 skipped" in capsys.readouterr().out
    monkeypatch.setattr(systems, "parser_version", lambda: "a-changed-parser")
    assert main(argv) == 0
    assert "1 parsed, 0 skipped" in capsys.readouterr().out


def test_the_version_covers_every_file_of_the_checkpoint_in_use(installed_copy):
    from model.checkpoint_files import checkpoint_version
    from model.inference import Labeller

    installed = systems.system_version("hybrid")
    assert installed == f"hybrid-{parser_version()}-{checkpoint_version.__wrapped__(installed_copy)}"
    seen = {checkpoint_version.__wrapped__(installed_copy)}
    for name in ("tokenizer_config.json", "calibration.json", "training_summary.json"):
        with open(installed_copy / name, "a", encoding="utf-8") as file:
            file.write("\n")
        seen.add(checkpoint_version.__wrapped__(installed_copy))
    assert len(seen) == 4  # each changed file changed the version
    labeller = Labeller.load(installed_copy)
    assert labeller.version == checkpoint_version.__wrapped__(installed_copy)
    assert systems.system_version("hybrid", labeller) == f"hybrid-{parser_version()}-{labeller.version}" != installed
