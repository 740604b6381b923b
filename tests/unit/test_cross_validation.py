"""Cross-validation scores per language, computed from Rasa's per-example prediction files."""

from __future__ import annotations

import json

import pytest

from tools.cross_validation import scores


def _intent(text: str, truth: str, guess: str) -> dict:
    return {"text": text, "intent": truth, "intent_prediction": {"name": guess, "confidence": 0.9}}


def _span(entity: str, start: int, end: int, extractor: str | None = None) -> dict:
    return {
        "entity": entity,
        "start": start,
        "end": end,
        "value": "x",
        **({"extractor": extractor} if extractor else {}),
    }


EN_RIGHT = "Which offices work on female genital mutilation?"
EN_WRONG = "How many people work in the Gao office?"
FR_RIGHT = "Quels bureaux travaillent sur le mariage des enfants ?"
NEUTRAL = "ok"


@pytest.fixture
def out(tmp_path):
    gao = EN_WRONG.index("Gao")
    files = {
        "intent_successes.json": [
            _intent(EN_RIGHT, "ask_offices_working_on", "ask_offices_working_on"),
            _intent(FR_RIGHT, "ask_offices_working_on", "ask_offices_working_on"),
            _intent(NEUTRAL, "thank", "thank"),
        ],
        "intent_errors.json": [_intent(EN_WRONG, "ask_office_staff", "ask_office_overview")],
        "DIETClassifier_successes.json": [
            {
                "text": EN_WRONG,
                "entities": [_span("office", gao, gao + 3)],
                # the language entity has no span in the text: it is not scored
                "predicted_entities": [
                    _span("office", gao, gao + 3, "DIETClassifier"),
                    _span("language", 0, 0, "LanguageDetector"),
                ],
            }
        ],
        "DIETClassifier_errors.json": [
            {"text": EN_RIGHT, "entities": [_span("issue", 22, 48)], "predicted_entities": []},
        ],
    }
    for name, content in files.items():
        (tmp_path / name).write_text(json.dumps(content), encoding="utf-8")
    return tmp_path


def test_each_example_is_scored_in_its_language(out):
    result = scores(out, folds=3)
    assert set(result["by_language"]) == {"en", "fr", "neutral"}
    en = result["by_language"]["en"]["intent"]
    # one of two right; the missed intent was never predicted: weighted P = R = F1 = 0.5
    assert en["examples"] == 2
    assert (en["precision"], en["recall"], en["f1-score"]) == pytest.approx((0.5, 0.5, 0.5))
    assert result["by_language"]["fr"]["intent"]["f1-score"] == pytest.approx(1.0)
    assert result["all"]["intent"]["examples"] == 4


def test_entities_are_scored_per_span_on_what_diet_predicted(out):
    entity = scores(out, folds=3)["by_language"]["en"]["entity"]
    # two spans expected, one found and right
    assert entity["spans"] == 2
    assert (entity["precision"], entity["recall"], entity["f1-score"]) == pytest.approx((1.0, 0.5, 2 / 3))
