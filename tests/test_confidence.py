"""Field confidences: a labeller's evidence mapped to P(right) by the calibration of the checkpoint in use."""
import json

import pytest

from nianbao import confidence
from nianbao.confidence import FEATURES, calibrated, features_by_key, load_calibration
from nianbao.paths import REAL_DEV_DIR
from nianbao.records import Check, Field
from nianbao.pipeline import parse_document, parse_with_evidence
from nianbao.readers import read_document

def unsettled_document():
    """A report whose glued rows cut several ways: the hybrid runs the model on it."""
    return read_document(REAL_DEV_DIR / "reports" / "pingtan-2025.txt")


def write_calibration(folder, features=FEATURES, intercept=0.0):
    systems = {system: {"intercept": intercept, "coef": [0.0] * len(FEATURES)} for system in ("rules", "model", "hybrid")}
    (folder / confidence.CALIBRATION_FILE).write_text(json.dumps({"features": list(features), "systems": systems}),
                                                      encoding="utf-8")


def test_a_labeller_brings_its_own_calibration(installed_copy):
    from model.inference import Labeller

    write_calibration(installed_copy)  # every field's P(right) is 1 / (1 + e^0) = 0.5
    labeller = Labeller.load(installed_copy)
    own = parse_document(unsettled_document(), "hybrid", labeller)
    decided_by = parse_with_evidence(unsettled_document(), "hybrid", labeller).decided_by
    hybrid = [key for key, system in decided_by.items() if system == "hybrid"]
    assert hybrid and {own.fields[key].confidence for key in hybrid} == {0.5}
    # The sections the rules settle are calibrated as the rules' alone are, by the installed calibration.
    assert {own.fields[key].confidence for key in decided_by if key not in hybrid} - {0.5}
    installed = parse_document(unsettled_document(), "hybrid")
    assert {installed.fields[key].confidence for key in hybrid} != {0.5}
    assert [field.value for field in installed.fields.values()] == [field.value for field in own.fields.values()]


def test_a_checkpoint_without_a_calibration_gives_raw_confidences(installed_copy):
    from model.inference import Labeller

    (installed_copy / confidence.CALIBRATION_FILE).unlink()
    labeller = Labeller.load(installed_copy)
    raw = parse_with_evidence(unsettled_document(), "hybrid", labeller)
    hybrid = [key for key, system in raw.decided_by.items() if system == "hybrid"]
    assert hybrid
    report = parse_document(unsettled_document(), "hybrid", labeller)
    assert {key: report.fields[key].confidence for key in hybrid} == \
        {key: raw.report.fields[key].confidence for key in hybrid}


def test_a_calibration_fitted_on_other_features_is_refused(tmp_path):
    swapped = [FEATURES[1], FEATURES[0], *FEATURES[2:]]  # as many coefficients, weighing the wrong evidence
    write_calibration(tmp_path, swapped)
    with pytest.raises(ValueError, match="fitted on the features rules_has, agree, .* and the code computes agree, "
                                         "rules_has"):
        load_calibration(tmp_path)
    (tmp_path / "same").mkdir()
    write_calibration(tmp_path / "same", FEATURES)
    assert load_calibration(tmp_path / "same")["features"] == list(FEATURES)


def test_a_calibration_without_its_feature_list_is_damaged(tmp_path):
    write_calibration(tmp_path)
    calibration = json.loads((tmp_path / confidence.CALIBRATION_FILE).read_text(encoding="utf-8"))
    del calibration["features"]
    (tmp_path / confidence.CALIBRATION_FILE).write_text(json.dumps(calibration), encoding="utf-8")
    with pytest.raises(ValueError, match="damaged calibration file"):
        load_calibration(tmp_path)


def test_calibrated_is_the_logistic_of_the_weighted_evidence():
    calibration = {"systems": {"rules": {"intercept": -1.0, "coef": [2.0] + [0.0] * (len(FEATURES) - 1)}}}
    assert calibrated("rules", [1.0] + [5.0] * (len(FEATURES) - 1), calibration) == pytest.approx(0.7310586)
    assert calibrated("rules", [0.0] * len(FEATURES), calibration) == pytest.approx(0.2689414)


def test_field_features_describe_the_evidence_in_feature_order():
    rule = Field(3, "3", 10, 11, 0.8, "rules")
    model = Field(4, "4", 20, 21, 0.6, "model")
    checks = [Check("row", "a", True, 7, 7, ["a", "b"]), Check("column", "a", False, 4, 5, ["a"]),
              Check("other", "b", None, None, 3, ["b"])]
    features = features_by_key({"a": model, "b": Field(None)}, {"a": rule, "b": Field(None)},
                               {"a": model, "b": Field(None)}, checks, frozenset({"b"}))
    named = {key: dict(zip(FEATURES, row)) for key, row in features.items()}
    assert named["a"] == {"agree": 0.0, "rules_has": 1.0, "model_has": 1.0, "rules_conf": 0.8, "model_conf": 0.6,
                          "from_model": 1.0, "checks_ok": 1.0, "checks_broken": 1.0, "checks_open": 0.0,
                          "is_null": 0.0, "text_open": 0.0}
    assert named["b"] == {**dict.fromkeys(FEATURES, 0.0), "agree": 1.0, "checks_ok": 1.0, "checks_open": 1.0,
                          "is_null": 1.0, "text_open": 1.0}


def test_calibrate_refuses_reports_that_give_no_wrong_field_and_writes_nothing(installed_copy, capsys):
    from nianbao.cli import main

    (installed_copy / confidence.CALIBRATION_FILE).unlink()
    assert main(["calibrate", "--model", str(installed_copy), "--n", "1"]) == 2
    assert "a calibration needs right and wrong fields to fit; use more reports (--n)" in capsys.readouterr().err
    assert not (installed_copy / confidence.CALIBRATION_FILE).exists()
