"""Fit the field-confidence calibration and print its reliability on reports it was not fitted on.

    nianbao calibrate [--model CHECKPOINT] [--n 140] [--fit-seed 1001] [--check-seed 1002]

Generates two disjoint sets of synthetic reports (every style; seeds never used in training), parses
each with every system (a field of a section the rules settle in a hybrid parse counts as the rules'),
records each field's evidence (``nianbao.confidence.field_features``) and whether its value equals the
gold, fits one logistic regression per system on the first set, writes ``calibration.json`` into the
checkpoint (the installed one unless ``--model`` names another), and prints the reliability table on the
second set.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from sklearn.linear_model import LogisticRegression

from evaluate.reliability import render_reliability
from evaluate.scoring import same_value
from nianbao.errors import EXIT_OK, UsageError
from nianbao.confidence import CALIBRATION_FILE, FEATURES, calibrated
from nianbao.paths import MODEL_DIR
from model.inference import CellsOnce, Labeller
from nianbao.pipeline import parse_with_evidence
from nianbao.systems import SYSTEMS
from nianbao.text import normalise
from training.corpus import iter_examples
from training.styles import STYLES, missing_converter


def evidence(n: int, seed: int, model: Labeller, systems=SYSTEMS) -> dict[str, tuple[list[list[float]], list[bool]]]:
    """Per system: each field's features and whether its value was right, over ``n`` generated reports
    parsed with ``model`` as the model."""
    styles = [style for style in STYLES if not missing_converter(style)]
    found = {system: ([], []) for system in systems}
    for stem, example in iter_examples(n, styles, seed):
        doc = normalise(stem, example["text"])
        gold = example["gold"]["fields"]
        labeller = CellsOnce(model)  # model and hybrid share its cells
        for system in systems:
            parsed = parse_with_evidence(doc, system, labeller)
            for key, gold_value in gold.items():
                if parsed.decided_by.get(key, system) != system:  # settled by the rules: calibrated as theirs
                    continue
                field = parsed.report.fields.get(key)
                found[system][0].append(parsed.features[key] if field else [0.0] * len(FEATURES))
                found[system][1].append(field is not None and same_value(gold_value, field.value))
    return found


def fit(found) -> dict:
    systems = {}
    for system, (features, correct) in found.items():
        if len(set(correct)) < 2:
            outcome = "right" if correct and correct[0] else "wrong"
            raise UsageError(f"the {len(correct)} fields of {system} were all {outcome}: a calibration needs right "
                             "and wrong fields to fit; use more reports (--n)")
        regression = LogisticRegression(C=1.0, max_iter=2000).fit(features, correct)
        systems[system] = {"coef": regression.coef_[0].round(6).tolist(),
                           "intercept": float(round(regression.intercept_[0], 6))}
    return {"features": list(FEATURES), "systems": systems}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", type=Path, default=MODEL_DIR,
                        help="checkpoint to calibrate, whose calibration.json is written (default: the installed)")
    parser.add_argument("--n", type=int, default=140, help="reports per set (default: %(default)s)")
    parser.add_argument("--fit-seed", type=int, default=1001, help="seed of the reports fitted on (default: %(default)s)")
    parser.add_argument("--check-seed", type=int, default=1002,
                        help="seed of the reports the reliability is shown on (default: %(default)s)")


def run(args: argparse.Namespace) -> int:
    model = Labeller.load(args.model)
    calibration = fit(evidence(args.n, args.fit_seed, model))
    calibration.update({"fitted_on": {"reports": args.n, "seed": args.fit_seed}})
    (args.model / CALIBRATION_FILE).write_text(json.dumps(calibration, indent=1), encoding="utf-8")
    print(f"wrote {args.model / CALIBRATION_FILE}; reliability on {args.n} other reports (seed {args.check_seed}):")
    for system, (features, correct) in evidence(args.n, args.check_seed, model).items():
        confidences = [calibrated(system, row, calibration) for row in features]
        print(render_reliability(system, confidences, correct))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.calibrate",
                                     description="fit and check the field-confidence calibration")
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
