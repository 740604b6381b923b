"""NLU data agrees with the dataset, and the test sets are held out from training."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from actions.terms import vocabularies
from actions.text import normalise
from project import ROOT
from tools.export_lookups import TARGET, render

ANNOTATION = re.compile(r"\[([^\]]+)\](?:\((\w+)\)|\{\"entity\": ?\"(\w+)\"[^}]*\})")


def _examples(path: Path):
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        if "intent" in block:
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    yield block["intent"], line.strip()[2:]


def _plain(example: str) -> str:
    return normalise(ANNOTATION.sub(lambda m: m.group(1), example))


def test_lookups_are_generated_from_the_dataset(dataset):
    assert TARGET.read_text(encoding="utf-8") == render(dataset), (
        "data/lookups.yml is out of date: run `make lookups` and retrain"
    )


@pytest.mark.parametrize(
    "entity, family",
    [("office", "offices"), ("issue", "terms"), ("sector", "terms"), ("ranking", "rankings")],
)
def test_every_annotated_value_in_training_data_resolves_in_the_dataset(dataset, entity, family):
    vocab = getattr(vocabularies(dataset), family)
    unknown = {
        text
        for _, example in _examples(ROOT / "data" / "nlu.yml")
        for text, name, name2 in ANNOTATION.findall(example)
        if (name or name2) == entity and vocab.resolve(text) is None
    }
    assert not unknown, f"{entity} values the dataset does not know: {sorted(unknown)}"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_test_question_appears_in_the_training_data(language):
    training = {_plain(e) for _, e in _examples(ROOT / "data" / "nlu.yml")}
    held_out = [e for _, e in _examples(ROOT / "tests" / "nlu" / f"test_nlu_{language}.yml")]
    leaked = [e for e in held_out if _plain(e) in training]
    assert len(held_out) >= 100
    assert not leaked, f"test examples found in data/nlu.yml: {leaked}"


def test_every_intent_has_test_examples_in_both_languages():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    for language in ("en", "fr"):
        tested = {i for i, _ in _examples(ROOT / "tests" / "nlu" / f"test_nlu_{language}.yml")}
        assert set(domain["intents"]) <= tested, f"{language}: {set(domain['intents']) - tested}"


def test_no_evaluation_question_appears_in_the_training_data():
    training = {_plain(e) for _, e in _examples(ROOT / "data" / "nlu.yml")}
    questions = yaml.safe_load((ROOT / "tests" / "eval" / "questions.yml").read_text(encoding="utf-8"))
    asked = [text for item in questions for text in item["ask"]]
    assert len(questions) >= 150
    assert not [text for text in asked if normalise(text) in training]
