"""Reading a conversation (rasa_sdk tracker) and writing replies back to it.

The only module besides the actions that knows rasa_sdk: it turns the tracker into the
plain values `answers` works with (language, what the message named, the context) and an
`Answer` into dispatched responses and slot events.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.dataset import get_dataset
from actions.mentions import Mentions, entity_values, pick_mentions
from actions.questions import Answer, Context, Question, Reply
from project import DEFAULT_LANGUAGE, LANGUAGES, Language

# Channels where the "helpful?" buttons cannot be clicked: the staff command line, SMS, WhatsApp.
NO_BUTTONS = frozenset({"ask", "twilio", "twilio_whatsapp"})


def language_of(tracker: Tracker) -> Language:
    value = tracker.get_slot("language")
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def mentions_in(tracker: Tracker) -> Mentions:
    """What the latest message named, each entity's values in the order NLU found them."""
    latest = tracker.latest_message or {}
    text = latest.get("text") or ""
    return pick_mentions(entity_values(latest.get("entities") or [], text), text, get_dataset())


def context_of(tracker: Tracker) -> Context:
    """The context kept in slots, without what the dataset does not have.

    Stored conversations outlive changes to the dataset: an office or a term removed since
    (or any value the actions never set) is dropped, not looked up.
    """
    data = get_dataset()
    office, term, last, ranking = (
        tracker.get_slot(name) for name in ("office", "term", "last_question", "ranking")
    )
    listed = tracker.get_slot("offices")
    kind, _, term_id = term.partition(":") if isinstance(term, str) else ("", "", "")
    questions = {question.value: question for question in Question}
    return Context(
        office=office if data.has("offices", office) else None,
        term=term if data.has(f"{kind}s", term_id) else None,
        question=questions.get(last) if isinstance(last, str) else None,
        offices=tuple(o for o in listed if data.has("offices", o)) if isinstance(listed, list) else (),
        ranking=ranking
        if isinstance(ranking, str) and data.has("rankings", ranking.partition(" ")[0])
        else None,
    )


def utter(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    """Send one domain response, filled with the reply's values, with its buttons."""
    buttons = [{"title": title, "payload": payload} for title, payload in reply.buttons]
    dispatcher.utter_message(response=reply.response, buttons=buttons or None, **reply.params)


def send(dispatcher: CollectingDispatcher, result: Answer, tracker: Tracker) -> list[EventType]:
    """Dispatch the replies, keep the new context in slots, and ask once whether answers help.

    The "helpful?" question follows the first answer of a conversation on a channel with
    buttons, never a question back to the user, and is not asked again once asked or once the
    user rated an answer unprompted ("that's wrong"): it must never get in the way.
    """
    for reply in result.replies:
        utter(dispatcher, reply)
    context = result.context
    events: list[EventType] = [
        SlotSet("office", context.office),
        SlotSet("term", context.term),
        SlotSet("last_question", context.question.value if context.question else None),
        SlotSet("offices", list(context.offices)),
        SlotSet("ranking", context.ranking),
    ]
    can_click = tracker.get_latest_input_channel() not in NO_BUTTONS
    if result.answered and can_click and tracker.get_slot("feedback") is None:
        dispatcher.utter_message(response="utter_ask_feedback")
        events.append(SlotSet("feedback", "offered"))
    return events
