"""What counts as a question the assistant could not answer: the one list of it.

A user message is unanswered when NLU did not understand it (`nlu_fallback`), found it off
topic (`out_of_scope`), was less sure of its intent than the FallbackClassifier's threshold in
config.yml, or when a reply to it says the assistant does not know. Clarifying questions
("Which office?") are not on the list: the user gets asked, and the next message counts.
Errors (`utter_action_failed`, `utter_service_unavailable`, `utter_busy`) are not either: the
question may be perfectly answerable, the servers failed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml

UNANSWERED_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})
# Domain responses that tell the user the assistant has no answer (tests check each exists).
DONT_KNOW_RESPONSES = frozenset(
    {
        "utter_fallback",
        "utter_out_of_scope",
        "utter_other_language",
        "utter_message_too_long",
        "utter_unknown_term",
        "utter_unknown_office",
        "utter_office_works_on_unknown",
        "utter_office_opening_unknown",
        "utter_office_staff_unknown",
        "utter_office_sectors_unknown",
        "utter_office_issues_unknown",
    }
)
DEFAULT_THRESHOLD = 0.45


def fallback_threshold(config: Path) -> float:
    """The FallbackClassifier's threshold in the model's config: below it, NLU is unsure."""
    pipeline = yaml.safe_load(config.read_text(encoding="utf-8")).get("pipeline") or []
    for component in pipeline:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", DEFAULT_THRESHOLD))
    return DEFAULT_THRESHOLD


def reasons(
    intent: str | None, confidence: float | None, responses: Iterable[str], threshold: float
) -> list[str]:
    """Why a message counts as unanswered; empty when it was answered."""
    found = []
    if intent in UNANSWERED_INTENTS:
        found.append(intent)
    elif confidence is not None and confidence < threshold:
        found.append("low_confidence")
    found.extend(sorted({r for r in responses if r in DONT_KNOW_RESPONSES}))
    return found
