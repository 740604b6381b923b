"""Reading a conversation (rasa_sdk tracker) and writing replies back to it.

The only module besides the actions that knows rasa_sdk: it turns the tracker into the
plain values `answers` works with (language, what the message named, the context) and an
`Answer` into dispatched responses and slot events.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import Answer, Context, Question, Reply
from actions.dataset import LANGUAGES, Language, get_dataset
from actions.mentions import Mentions, entity_values, pick_mentions

DEFAULT_LANGUAGE: Language = "fr"  # the domain's unconditioned response variants are French


def language_of(tracker: Tracker) -> Language:
    value = tracker.get_slot("language")
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def mentions_in(tracker: Tracker) -> Mentions:
    """What the latest message named, each entity's values in the order NLU found them."""
    latest = tracker.latest_message or {}
    text = latest.get("text") or ""
    return pick_mentions(entity_values(latest.get("entities") or [], text), text, get_dataset())


def context_of(tracker: Tracker) -> Context:
    last = tracker.get_slot("last_question")
    return Context(
        office=tracker.get_slot("office"),
        term=tracker.get_slot("term"),
        question=Question(last) if last in Question._value2member_map_ else None,
    )


def utter(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    """Send one domain response, filled with the reply's values, with its buttons."""
    buttons = [{"title": title, "payload": payload} for title, payload in reply.buttons]
    dispatcher.utter_message(response=reply.response, buttons=buttons or None, **reply.params)


def send(dispatcher: CollectingDispatcher, result: Answer) -> list[EventType]:
    """Dispatch the replies and keep the new context in slots."""
    for reply in result.replies:
        utter(dispatcher, reply)
    context = result.context
    return [
        SlotSet("office", context.office),
        SlotSet("term", context.term),
        SlotSet("last_question", context.question.value if context.question else None),
    ]
