"""How many table sections the rules settle (``nianbao.hybrid.settled_sections``: the hybrid's model then
does not read them), and whether the model reading every section would have read any field better.

For each report set: the sections settled (and the reports settled whole, where the model is not run),
and every field where the hybrid differs from the full hybrid (the model reads the whole text and every
section is reconciled), with which of the two equals the gold.

Run: .venv/bin/python benchmarks/settled_reports.py [--extra 420]
"""
import argparse
from collections import Counter

from evaluate.gold import load_gold
from evaluate.scoring import same_value
from model.inference import CellsOnce
from nianbao import pipeline
from nianbao.paths import GOLD_DIR, REAL_DEV_DIR, SEEDS_DIR
from nianbao.readers import read_document
from nianbao.text import normalise
from nianbao.variants import variant_of_fields
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
    """The hybrid's fields with the model reading every section (only a tableless one is left to the rules)."""
    settled = pipeline.settled_sections
    pipeline.settled_sections = lambda variant, fields, checks, open_keys, tableless: set(tableless)
    try:
        return pipeline.parse_with_evidence(doc, "hybrid", labeller).report.fields
    finally:
        pipeline.settled_sections = settled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra", type=int, default=420, help="generated reports beyond the gate's set")
    args = parser.parse_args()
    model = pipeline.default_labeller()
    for name, reports in report_sets(args.extra):
        sections, whole = Counter(), 0
        hybrid_right = full_right = 0
        for doc, gold in reports:
            labeller = CellsOnce(model)
            parsed = pipeline.parse_with_evidence(doc, "hybrid", labeller)
            by_rules = {key for key, system in parsed.decided_by.items() if system == "rules"}
            if not by_rules:
                continue
            whole += len(by_rules) == len(parsed.decided_by)
            variant = variant_of_fields(parsed.report.fields)
            sections.update(section for section in variant.spec.prefixes
                            if by_rules.issuperset(variant.section_keys(section)))
            for key, other in full_hybrid(doc, labeller).items():
                field = parsed.report.fields[key]
                if same_value(field.value, other.value):
                    continue
                hybrid_right += same_value(gold.get(key), field.value)
                full_right += same_value(gold.get(key), other.value)
                print(f"  {doc.source} {key}: gold {gold.get(key)!r}, hybrid {field.raw!r} ({field.by}), full "
                      f"hybrid {other.raw!r} ({other.by})")
        settled = ", ".join(f"{section} {n}" for section, n in sorted(sections.items()))
        print(f"{name}: {whole}/{len(reports)} reports settled whole; sections settled: {settled or 'none'}; the "
              f"full hybrid differs in {hybrid_right + full_right} fields where one is right: the hybrid in "
              f"{hybrid_right}, the full hybrid in {full_right}", flush=True)


if __name__ == "__main__":
    main()
