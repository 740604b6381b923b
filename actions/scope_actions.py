"""What to say when the assistant cannot answer: help, out of scope, not understood.

Never a guessed fact: the reply says why (empty, too long, another language, not
understood, off topic) and what the assistant knows, in the conversation's language.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import explain_scope
from actions.conversation import language_of, utter
from actions.dataset import get_dataset


def _why(latest: dict[str, Any]) -> str:
    """The reason to explain, from the latest message's parse data."""
    refused = latest.get("refused")
    if isinstance(refused, dict) and refused.get("reason"):
        return str(refused["reason"])
    if latest.get("foreign_language"):
        return "other_language"
    if not (latest.get("text") or "").strip():
        return "empty"
    intent = (latest.get("intent") or {}).get("name")
    return {"ask_help": "help", "out_of_scope": "out_of_scope"}.get(intent, "not_understood")


class ActionExplainScope(Action):
    """Help, out-of-scope and fallback replies, with the offices it knows."""

    def name(self) -> str:
        return "action_explain_scope"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        latest = tracker.latest_message or {}
        refused = latest.get("refused") if isinstance(latest.get("refused"), dict) else {}
        reply = explain_scope(_why(latest), get_dataset(), language_of(tracker), int(refused.get("limit", 0)))
        utter(dispatcher, reply)
        return []
