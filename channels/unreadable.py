"""The answer to a message with nothing to read: a picture, a voice note, a location.

Rasa's channels pass such a message on as text (Messenger: the attachment's URL; Telegram: the
coordinates as JSON), which NLU reads as nonsense and answers "I didn't understand", or, for
Twilio, crash on. Here it gets a short reply from the domain that says what the bot can read,
in the conversation's language (or the platform's language hint), through Rasa's own action
execution: the reply is stored in the conversation like any other.
"""

from __future__ import annotations

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import SlotSet
from sanic import Sanic

from channels.inbound import Kind
from components.language import language_hint

# Why there is nothing to read -> the domain response that says so.
RESPONSES: dict[Kind, str] = {"media": "utter_media_not_read", "location": "utter_location_not_read"}
KIND = "unreadable"  # the message metadata key naming the kind


def metadata(kind: Kind, language: str | None) -> dict[str, str]:
    """The metadata of a message with nothing to read, for `answer`."""
    hint = language_hint({"language": language})
    return {KIND: kind, **({"language": hint} if hint else {})}


async def answer(message: UserMessage) -> None:
    """A message handler (as Rasa's `on_new_message`) for a message with nothing to read."""
    agent = Sanic.get_app().ctx.agent
    meta = message.metadata or {}
    sender, channel = message.sender_id, message.output_channel
    async with agent.lock_store.lock(sender):
        if meta.get("language"):  # as the language detector applies a hint to a message
            tracker = await agent.processor.fetch_tracker_and_update_session(sender, channel)
            tracker.update(SlotSet("language", meta["language"]))
            await agent.processor.save_tracker(tracker)
        await agent.execute_action(sender, RESPONSES[meta[KIND]], channel, None, None)
