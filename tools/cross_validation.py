"""Cross-validation scores per language, from the predictions `rasa test nlu --cross-validation
--successes --errors` writes for every training example (each predicted by the fold's model
that did not see it).

Rasa reports one score over both languages; the training data does not say which language an
example is in, so each is told apart the way the assistant tells messages apart
(`components.language`: lingua, then the words only one language uses); examples too short to
tell ("ok", "Gao ?") are scored as "neutral". Entities are scored per span (type, start and
end all right), on what DIETClassifier predicted: the language entity is not a word of the
message.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sklearn.metrics import precision_recall_fscore_support

from components.language import LanguageIdentifier, Lexicon

NAMES = ("office", "place", "year")  # masked when telling the language, as at run time
ENTITY_EXTRACTOR = "DIETClassifier"


def _load(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def _names(entities: Iterable[dict[str, Any]]) -> list[tuple[int, int]]:
    return [(e["start"], e["end"]) for e in entities if e.get("entity") in NAMES and "start" in e]


def languages(texts: dict[str, list[tuple[int, int]]]) -> dict[str, str]:
    """Each text's language (en, fr or neutral), with a lexicon learnt from these texts."""
    identifier = LanguageIdentifier()
    lexicon = Lexicon.learn(texts.items(), identifier)
    return {
        text: identifier.identify(text, names, lexicon).supported or "neutral"
        for text, names in texts.items()
    }


def intent_scores(predictions: list[dict[str, Any]]) -> dict[str, float]:
    """Weighted precision / recall / F1 over intents, as Rasa's intent report computes them."""
    truth = [p["intent"] for p in predictions]
    guess = [p["intent_prediction"]["name"] for p in predictions]
    precision, recall, f1, _ = precision_recall_fscore_support(
        truth, guess, average="weighted", zero_division=0
    )
    return {"precision": precision, "recall": recall, "f1-score": f1, "examples": len(predictions)}


def entity_scores(predictions: list[dict[str, Any]]) -> dict[str, float]:
    """Micro precision / recall / F1 over entity spans."""

    def spans(entities: list[dict[str, Any]], predicted: bool) -> set[tuple]:
        return {
            (e["entity"], e["start"], e["end"])
            for e in entities
            if "start" in e
            and e["end"] > e["start"]
            and (not predicted or e.get("extractor") == ENTITY_EXTRACTOR)
        }

    right = found = expected = 0
    for prediction in predictions:
        truth, guess = spans(prediction["entities"], False), spans(prediction["predicted_entities"], True)
        right, found, expected = right + len(truth & guess), found + len(guess), expected + len(truth)
    precision = right / found if found else 0.0
    recall = right / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1-score": f1, "spans": expected}


def scores(out: Path, folds: int) -> dict[str, Any]:
    """The scores over all examples and per language, from the files in `out`."""
    intents = _load(out / "intent_successes.json") + _load(out / "intent_errors.json")
    entities = _load(out / f"{ENTITY_EXTRACTOR}_successes.json") + _load(
        out / f"{ENTITY_EXTRACTOR}_errors.json"
    )
    texts: dict[str, list[tuple[int, int]]] = {p["text"]: [] for p in intents}
    texts.update({p["text"]: _names(p["entities"]) for p in entities})
    language = languages(texts)
    by_language = {}
    for lang in ("en", "fr", "neutral"):
        mine = [p for p in intents if language[p["text"]] == lang]
        if mine:
            by_language[lang] = {
                "intent": intent_scores(mine),
                "entity": entity_scores([p for p in entities if language[p["text"]] == lang]),
            }
    return {
        "folds": folds,
        "all": {"intent": intent_scores(intents), "entity": entity_scores(entities)},
        "by_language": by_language,
    }
