"""How many reports the rules settle (``nianbao.hybrid.settled_by_rules``: the hybrid then skips the model),
and whether running the model on them anyway would have read any field better.

For each report set: the reports settled, and on those, every field where the full hybrid (model run)
differs from the rules' record, with which of the two equals the gold.

Run: .venv/bin/python benchmarks/settled_reports.py [--extra 420]
"""
import argparse

from evaluate.gold import load_gold
from evaluate.scoring import same_value
from model.inference import CellsOnce
from nianbao import pipeline
from nianbao.paths import GOLD_DIR, REAL_DEV_DIR, SEEDS_DIR
from nianbao.readers import read_document
from nianbao.text import normalise
from training.corpus import iter_examples
from training.gate import GATE_SEED, REPORTS_PER_STYLE
from training.styles import STYLES

EXTRA_SEED = 7777  # the extra generated reports: a seed neither training nor the gate draws from


def report_sets(extra: int):
    """``(name, [(document, gold fields)])`` for the seeds, real-dev, the gate's generated set and ``extra`` more."""
    yield "seeds", [(read_document(path), load_gold(GOLD_DIR / f"{path.stem}.json")["fields"])
                    for path in sorted(SEEDS_DIR.iterdir())]
    yield "real-dev", [(read_document(path), load_gold(REAL_DEV_DIR / "gold" / f"{path.stem}.json")["fields"])
                       for path in sorted((REAL_DEV_DIR / "reports").iterdir())]
    styles = sorted(STYLES)
    for name, n, seed in (("gate", REPORTS_PER_STYLE * len(styles), GATE_SEED), (f"extra {extra}", extra, EXTRA_SEED)):
        if n:
            yield name, [(normalise(stem, example["text"]), example["gold"]["fields"])
                         for stem, example in iter_examples(n, styles, seed)]


def full_hybrid(doc, labeller):
    """The hybrid's fields with the model run whatever the rules settle."""
    settled = pipeline.settled_by_rules
    pipeline.settled_by_rules = lambda *facts: False
    try:
        return pipeline.parse_with_evidence(doc, "hybrid", labeller).report.fields
    finally:
        pipeline.settled_by_rules = settled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra", type=int, default=420, help="generated reports beyond the gate's set")
    args = parser.parse_args()
    model = pipeline.default_labeller()
    for name, reports in report_sets(args.extra):
        settled = rules_right = model_right = 0
        for doc, gold in reports:
            labeller = CellsOnce(model)
            parsed = pipeline.parse_with_evidence(doc, "hybrid", labeller)
            if parsed.decided_by != "rules":
                continue
            settled += 1
            for key, other in full_hybrid(doc, labeller).items():
                field = parsed.report.fields[key]
                if same_value(field.value, other.value):
                    continue
                rules_right += same_value(gold.get(key), field.value)
                model_right += same_value(gold.get(key), other.value)
                print(f"  {doc.source} {key}: gold {gold.get(key)!r}, rules {field.raw!r}, full hybrid "
                      f"{other.raw!r} ({other.by})")
        print(f"{name}: {settled}/{len(reports)} settled; full hybrid differs in {rules_right + model_right} "
              f"fields where one is right: the rules in {rules_right}, the full hybrid in {model_right}", flush=True)


if __name__ == "__main__":
    main()
