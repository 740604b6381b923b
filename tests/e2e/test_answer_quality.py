"""The evaluation sets asked through the real servers, all in one running assistant: a
regression below these floors fails the build. Figures and failures: `make eval`
(docs/evaluation.md, which also says what each set may be used for)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.e2e.conftest import WEBHOOK
from tools.answer_checker import COMPOSITION
from tools.evaluate_answers import SELECTIONS, SETS, evaluate_sets

pytestmark = pytest.mark.servers


@dataclass(frozen=True)
class Floors:
    """What one language of one set must reach: shares of answers right by kind group (None: the
    set has no question of the group), of replies in the question's language, and at most so
    many replies with an invented fact."""

    other: float | None  # every kind but composition
    composition: float | None
    language: float
    invented_max: int


# Floors per set and language, just under the figures measured (the command: `make eval`).
FLOORS: dict[str, dict[str, Floors]] = {
    # A few questions of slack under each figure: CI trains its own model, which reads a
    # question or two differently.
    # measured 2026-12-02, third session on issue 11 (`make eval`): en 106/107, fr 106/107
    "team": {"en": Floors(0.97, None, 1.0, 1), "fr": Floors(0.97, None, 1.0, 1)},
    # measured then: en other 79/88, composition 22/22, 2 invented; fr other 85/90, composition
    # 21/22, 1 invented (this set drove fixes: it flatters)
    "blind-dev": {"en": Floors(0.86, 0.9, 1.0, 3), "fr": Floors(0.91, 0.9, 1.0, 2)},
    # scored once, 2026-12-02, at the end of issue 11 (`make eval EVAL_ARGS="--sets sealed"`):
    # en other 62/88, composition 19/22, 4 invented; fr other 69/86, composition 17/22, 6 invented.
    # Asked again at every run as a regression guard only: nothing it shows may drive a fix.
    "blind-sealed": {"en": Floors(0.67, 0.81, 1.0, 5), "fr": Floors(0.77, 0.72, 1.0, 7)},
    # measured then: en other 38/40, composition 9/10; fr other 38/40, composition 10/10; no
    # invented fact (this half drove fixes too)
    "blind-c-dev": {"en": Floors(0.9, 0.8, 1.0, 1), "fr": Floors(0.9, 0.9, 1.0, 1)},
    # scored once, 2026-12-02 (`make eval EVAL_ARGS="--sets sealed-c"`): en other 33/40,
    # composition 7/10; fr other 30/40, composition 9/10; no invented fact. A regression guard since.
    "blind-c-sealed": {"en": Floors(0.8, 0.6, 1.0, 1), "fr": Floors(0.725, 0.8, 1.0, 1)},
    # measured 2026-12-02 (`make eval`) before any fix: en 35/50, fr 38/50; after the fixes its
    # failures drove: en other 36/40, composition 9/10; fr other 36/40, composition 10/10
    "blind-d-dev": {"en": Floors(0.85, 0.8, 1.0, 1), "fr": Floors(0.85, 0.9, 1.0, 1)},
    # scored once, 2026-12-02 (`make eval EVAL_ARGS="--sets sealed-d"`): en other 31/40,
    # composition 10/10, one reply in the wrong language; fr other 30/40, composition 7/10; no
    # invented fact. A regression guard since.
    "blind-d-sealed": {"en": Floors(0.725, 0.9, 0.98, 1), "fr": Floors(0.7, 0.6, 1.0, 1)},
}
MIN_QUESTIONS = {
    "team": 75,
    "blind-dev": 100,
    "blind-sealed": 100,
    "blind-c-dev": 50,
    "blind-c-sealed": 50,
    "blind-d-dev": 50,
    "blind-d-sealed": 50,
}


@pytest.fixture(scope="module")
def dev_report(assistant) -> dict[str, dict]:
    """The dev sets (team and blind dev), asked once for every test of this module."""
    return evaluate_sets(WEBHOOK, SELECTIONS["dev"])


@pytest.fixture(scope="module")
def sealed_report(assistant) -> dict[str, dict]:
    return evaluate_sets(WEBHOOK, SELECTIONS["sealed"])


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("name", list(FLOORS))
def test_answers_reach_the_floors(request, name, language):
    floors = FLOORS[name][language]
    report = request.getfixturevalue("sealed_report" if SETS[name].sealed else "dev_report")
    assert name in report, f"{name}: its file is missing"
    row = report[name]["by_language"][language]
    groups = row["by_group"]
    failures = [
        (f["id"], f["kind"], f.get("reply", "")[:120], f["why"])
        for f in report[name]["failures"]
        if f["language"] == language
    ]
    print(f"{name} {language}: {row}")
    assert row["questions"] >= MIN_QUESTIONS[name]
    for group, floor in (("other", floors.other), (COMPOSITION, floors.composition)):
        if floor is None:
            assert group not in groups, f"{name} {language}: {group} questions but no floor for them"
        else:
            assert groups[group]["answers_right"] >= floor, (group, groups[group], failures)
    assert row["language_right"] >= floors.language, failures
    assert row["invented"] <= floors.invented_max, [f for f in failures if "unwanted" in " ".join(f[3])]
