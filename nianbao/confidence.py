"""Calibrated field confidence: what a labeller's raw scores and the arithmetic say, turned into P(right).

A raw score (the model's softmax probability, the rule layer's "how was this cell read") is not a
probability of being right.  ``field_features`` describes one field's evidence — do the two readings
agree, how sure was each, do the consistency checks through it hold — and a logistic regression fitted on
held-out generated reports (``training/calibrate.py``, saved as ``calibration.json`` beside the model
checkpoint) maps that evidence to the probability that the value is right, per system.
"""
from __future__ import annotations

import json
import math
import operator
from functools import lru_cache
from pathlib import Path

from nianbao.paths import MODEL_DIR
from nianbao.records import Check, Field

FEATURES = ("agree", "rules_has", "model_has", "rules_conf", "model_conf", "from_model",
            "checks_ok", "checks_broken", "checks_open", "is_null", "text_open")
CALIBRATION_FILE = "calibration.json"


def _checks_by_key(checks: list[Check]) -> dict[str, list[Check]]:
    found: dict[str, list[Check]] = {}
    for check in checks:
        for key in check.keys:
            found.setdefault(key, []).append(check)
    return found


def field_features(field: Field, rule: Field | None, model: Field | None, checks: list[Check],
                   text_open: bool = False) -> list[float]:
    """The evidence about one field, in ``FEATURES`` order (``rule``/``model`` None: that reader did not run).

    ``text_open``: the rule layer found several readings of the field's printed row that nothing in the
    text tells apart (a glued run that cuts several ways), so a value there is a choice, not a reading.
    """
    rule_has = rule is not None and rule.start is not None
    model_has = model is not None and model.start is not None
    held = broken = unsettled = 0.0
    for check in checks:
        if check.ok is True:
            held += 1
        elif check.ok is False:
            broken += 1
        else:
            unsettled += 1
    return [float(rule is not None and model is not None and rule.value == model.value),
            float(rule_has), float(model_has),
            rule.confidence if rule_has else 0.0, model.confidence if model_has else 0.0,
            float(field.by == "model"), held, broken, unsettled, float(field.value is None), float(text_open)]


def features_by_key(fields: dict[str, Field], rule_fields: dict[str, Field] | None,
                    model_fields: dict[str, Field] | None, checks: list[Check],
                    open_keys: frozenset[str] = frozenset()) -> dict[str, list[float]]:
    by_key = _checks_by_key(checks)
    return {key: field_features(field, rule_fields.get(key) if rule_fields else None,
                                model_fields.get(key) if model_fields else None, by_key.get(key, []),
                                key in open_keys)
            for key, field in fields.items()}


@lru_cache(maxsize=None)
def load_calibration(checkpoint: str | Path | None = None) -> dict | None:
    """The calibration fitted for the checkpoint in folder ``checkpoint`` (default: the installed one), or
    None where none was fitted.

    ValueError for a damaged file, and for one fitted on other features than ``FEATURES``: its coefficients
    would weigh the wrong evidence.  A batch checks it once before its first file (``systems.check_system``).
    """
    file = Path(checkpoint or MODEL_DIR) / CALIBRATION_FILE
    if not file.is_file():
        return None
    try:
        calibration = json.loads(file.read_text(encoding="utf-8"))
        for fitted in calibration["systems"].values():
            if len(fitted["coef"]) != len(FEATURES) or not all(isinstance(x, (int, float))
                                                               for x in [fitted["intercept"], *fitted["coef"]]):
                raise ValueError(f"{len(FEATURES)} coefficients and an intercept expected per system")
        features = calibration["features"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"damaged calibration file {file}: {error} (refit it with nianbao calibrate, "
                         "or remove it for raw confidences)") from error
    if features != list(FEATURES):
        raise ValueError(f"calibration file {file} was fitted on the features {', '.join(map(str, features))}, "
                         f"and the code computes {', '.join(FEATURES)} (refit it with nianbao calibrate, "
                         "or remove it for raw confidences)")
    return calibration


def calibrated(system: str, features: list[float], calibration: dict) -> float:
    """P(right) for one field under ``system``'s fitted logistic regression."""
    fitted = calibration["systems"][system]
    score = fitted["intercept"] + sum(map(operator.mul, fitted["coef"], features))
    return 1.0 / (1.0 + math.exp(-score))


def apply_calibration(system: str, fields: dict[str, Field], features: dict[str, list[float]],
                      calibration: dict | None) -> bool:
    """Replace raw confidences by calibrated ones in place; False when ``calibration`` has none for ``system``."""
    if calibration is None or system not in calibration["systems"]:
        return False
    for key, field in fields.items():
        field.confidence = round(calibrated(system, features[key], calibration), 6)
    return True
