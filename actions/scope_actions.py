"""What to say when the assistant cannot answer: help, out of scope, not understood.

Never a guessed fact: the reply says why (empty, too long, another language, not
understood, off topic) and what the assistant knows, in the conversation's language.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import answer, explain_scope
from actions.conversation import context_of, language_of, mentions_in, send, utter
from actions.dataset import get_dataset
from actions.questions import understood_anyway


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
    """Help, out-of-scope and fallback replies, with the offices it knows; but a message NLU
    could not read that names an office or a term is answered from what it names (a long
    message, a paraphrase), and one asking what the page does not give is told so."""

    def name(self) -> str:
        return "action_explain_scope"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        latest = tracker.latest_message or {}
        why = _why(latest)
        if why in ("not_understood", "out_of_scope"):
            answered = _answer_anyway(dispatcher, tracker, any_question=why == "not_understood")
            if answered is not None:
                return answered
        refused = latest.get("refused") if isinstance(latest.get("refused"), dict) else {}
        reply = explain_scope(why, get_dataset(), language_of(tracker), int(refused.get("limit", 0)))
        utter(dispatcher, reply)
        return []


class CourtesyAction(Action, ABC):
    """A greeting or thanks back, unless a question comes with it ("hello! which offices work on
    FGM?", "thank you! and Gao, when did it open?"): people wrap their question in courtesies,
    and a question left unanswered is lost. Subclasses say which courtesy (abstract: not
    registered)."""

    @property
    @abstractmethod
    def courtesy(self) -> str:
        """The courtesy: the action is action_<it>, its reply utter_<it>."""

    def name(self) -> str:
        return f"action_{self.courtesy}"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        answered = _answer_anyway(dispatcher, tracker, any_question="?" in text)
        if answered is not None:
            return answered
        dispatcher.utter_message(response=f"utter_{self.courtesy}")
        return []


class ActionGreet(CourtesyAction):
    courtesy = "greet"


class ActionThank(CourtesyAction):
    courtesy = "thank"


def _answer_anyway(
    dispatcher: CollectingDispatcher, tracker: Tracker, any_question: bool
) -> list[EventType] | None:
    """Answer what a message names when its intent asks nothing answerable; None if it names no
    question. `any_question`: any question counts, not only one naming a term, an unlisted fact or
    an office with one of its facts."""
    mentions, context = mentions_in(tracker), context_of(tracker)
    question = understood_anyway(mentions, context)
    # a term, an unlisted fact ("its budget?"), an office with one of its facts ("Kayes: opened
    # when?"), or the offices just talked about ("which of the two is bigger?")
    named = (
        mentions.unlisted
        or mentions.term
        or (mentions.office and mentions.asked)
        or (mentions.those and len(context.offices) > 1)
    )
    if question and (any_question or named):
        result = answer(question, mentions, context, get_dataset(), language_of(tracker))
        return send(dispatcher, result, tracker)
    return None
