"""What a turn that could not be answered leaves in the conversation: the reply the user got,
stored, and the context as it was before the message.

Rasa 3.6 drops the events of an action that failed or timed out and stores nothing of what
the channel then tells the user: the stored conversation shows a question with no answer,
and the staff report cannot count it. Here, under the conversation's lock:

- a turn whose actions sent nothing gets `utter_action_failed`, sent and stored as a bot
  event (`apologise_if_silent`);
- a message the server could not admit in time (`runtime.admission`) is stored as the user
  sent it, unread, with the `utter_busy` reply (`store_unread`).

Either turn is then reverted (Rasa's `UserUtteranceReverted`, the event `action_back` uses)
and the bot listens again (`action_listen`, without which Rasa's policies would not see the
next message): every event stays in the store for staff, but the dialogue goes on from the
last answered question, so the message sent again is answered as if it came first, and a
follow-up ("And Kayes?") is resolved against the question the user last got an answer to.
"""

from __future__ import annotations

from typing import Any

from rasa.core.actions.action import create_bot_utterance
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUtteranceReverted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from components.language import language_hint

ACTION_FAILED = "utter_action_failed"
BUSY = "utter_busy"
LANGUAGE_SLOT = "language"


def answered(tracker: DialogueStateTracker) -> bool:
    """Whether the bot said anything since the latest user message."""
    for event in reversed(tracker.events):
        if isinstance(event, BotUttered):
            return True
        if isinstance(event, UserUttered):
            return False
    return False


async def _reply(
    processor: MessageProcessor, response: str, tracker: DialogueStateTracker, channel: OutputChannel
) -> BotUttered:
    """`response` rendered for `tracker`'s language, as the bot event Rasa would store."""
    reply: dict[str, Any] = await processor.nlg.generate(response, tracker, channel.name()) or {}
    reply["utter_action"] = response  # as Rasa's own responses carry it (the staff report reads it)
    return create_bot_utterance(reply)


def close_unanswered(tracker: DialogueStateTracker, reply: BotUttered, domain: Domain) -> None:
    """Add the reply the user got, revert the turn, and listen for the next message."""
    tracker.update_with_events([reply, UserUtteranceReverted(), ActionExecuted(ACTION_LISTEN_NAME)], domain)


async def apologise_if_silent(
    processor: MessageProcessor, channel: OutputChannel, tracker: DialogueStateTracker
) -> None:
    """After Rasa's actions ran: the stored apology and a reverted turn if none replied."""
    if answered(tracker):
        return
    event = await _reply(processor, ACTION_FAILED, tracker, channel)
    close_unanswered(tracker, event, processor.domain)
    await channel.send_response(tracker.sender_id, event.message())


async def _language(
    processor: MessageProcessor, message: UserMessage, tracker: DialogueStateTracker
) -> str | None:
    """The conversation's language; for a new one, the channel's hint, else the message's own."""
    known = tracker.get_slot(LANGUAGE_SLOT) or language_hint(message.metadata)
    if known:
        return known
    parsed = await processor.parse_message(message, tracker)
    found = [e["value"] for e in parsed.get("entities", []) if e.get("entity") == LANGUAGE_SLOT]
    return found[0] if found else None


async def store_unread(processor: MessageProcessor, message: UserMessage) -> list[dict[str, Any]] | None:
    """Store `message` unread with the `utter_busy` reply, send it, and revert the turn.

    NLU does not run (the point is to spend nothing on a message the server has no room for),
    but once per conversation, for its first message when the channel gave no language hint,
    so that the reply is in the user's language; that language is kept (set before the
    reverted turn), as a first answer would have set it.
    """
    channel = message.output_channel
    tracker = await processor.fetch_tracker_and_update_session(message.sender_id, channel, message.metadata)
    language = await _language(processor, message, tracker)
    if language and tracker.get_slot(LANGUAGE_SLOT) != language:  # before the turn: it stays
        tracker.update(SlotSet(LANGUAGE_SLOT, language))
    tracker.update(
        UserUttered(
            message.text,
            input_channel=message.input_channel,
            message_id=message.message_id,
            metadata=message.metadata,
        )
    )
    event = await _reply(processor, BUSY, tracker, channel)
    close_unanswered(tracker, event, processor.domain)
    await processor.save_tracker(tracker)
    await channel.send_response(message.sender_id, event.message())
    return channel.messages if isinstance(channel, CollectingOutputChannel) else None
