"""A user's rating of the last answer: "helpful?" buttons, 👍 / 👎, "that's wrong" typed.

A rating needs an answer to rate: at the start of a conversation, a message read as a rating
is more likely a question NLU misread ("Qu'est-ce que tu sais faire exactement ?"), and
"thank you for your feedback" would answer nothing. It gets what the assistant can answer.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import explain_scope
from actions.conversation import language_of, utter
from actions.dataset import get_dataset

ACKNOWLEDGEMENTS = {"feedback_helpful": "utter_feedback_thanks", "feedback_wrong": "utter_feedback_wrong"}


class ActionFeedback(Action):
    """Thanks for a rating (kept in the `feedback` slot by its mapping), if there was an answer."""

    def name(self) -> str:
        return "action_feedback"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        if tracker.get_slot("last_question") is None or intent not in ACKNOWLEDGEMENTS:
            utter(dispatcher, explain_scope("help", get_dataset(), language_of(tracker)))
            return [SlotSet("feedback", None)]  # nothing was rated: the offer may still come
        dispatcher.utter_message(response=ACKNOWLEDGEMENTS[intent])
        return []
