"""The held-out question set (tests/eval/questions.yml), asked through the real servers:
a regression below these floors fails the build. Figures: `make eval`."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import WEBHOOK
from tools.evaluate_answers import evaluate, summary

pytestmark = pytest.mark.servers

ANSWERS_RIGHT_FLOOR = 0.95
REPLY_LANGUAGE_FLOOR = 1.0


@pytest.fixture(scope="module")
def report(assistant) -> dict:
    return summary(evaluate(WEBHOOK))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_held_out_questions_are_answered_right(report, language):
    row = report["by_language"][language]
    failures = [(f["question"], f["reply"][:120]) for f in report["failures"] if f["language"] == language]
    print(f"{language}: {row}")
    assert row["questions"] >= 75
    assert row["answers_right"] >= ANSWERS_RIGHT_FLOOR, failures
    assert row["language_right"] >= REPLY_LANGUAGE_FLOOR, failures
