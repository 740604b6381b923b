"""A reply instead of silence when an answer could not be produced.

Rasa 3.6 answers nothing (HTTP 200 with `[]`) when the action server is down, and when the
tracker store or the lock store is unreachable: the error is logged and the user is left
waiting. Here every message gets a reply, in the conversation's language, from the domain:

- a turn whose actions failed or timed out gets `utter_action_failed` from the Rasa server
  itself, stored with the turn (`runtime.turns`); a turn whose every reply the platform
  refused gets it here (the turn itself is stored);
- a turn that failed outright (PostgreSQL or Redis unreachable) gets
  `utter_service_unavailable`: the message was not stored, and the user is asked to send it
  again rather than believe it was heard.

A reply the platform refused (`channels.outbound.SendFailed`, once the plain-text fallback of
`channels.limits` failed too) is logged and not counted.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

from channels.outbound import SendFailed

logger = logging.getLogger(__name__)

ACTION_FAILED = "utter_action_failed"
SERVICE_UNAVAILABLE = "utter_service_unavailable"
Handler = Callable[[UserMessage], Awaitable[Any]]


class _CountingOutputChannel(OutputChannel):
    """Passes every reply on to the real channel and counts those the platform took."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def name(self) -> str:
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        try:
            await self.inner.send_response(recipient_id, message)
        except SendFailed as refusal:  # Rasa would drop the whole turn: it is kept, and logged
            logger.error("A reply to sender %s was not delivered: %s", recipient_id, refusal)
            return
        self.sent += 1


async def _tracker_for_reply(agent: Agent, message: UserMessage, stored: bool) -> DialogueStateTracker:
    """The conversation (a new one if the store cannot give it), in the message's language.

    A stored message already set the language. For one that was not, it is decided as for
    any message (`components.language_detector`): the message's own, else the conversation's.
    """
    try:
        tracker = await agent.tracker_store.retrieve(message.sender_id)
    except Exception:  # the store is down: the reply still goes out
        tracker = None
    if tracker is not None and stored:
        return tracker
    tracker = tracker or DialogueStateTracker(message.sender_id, agent.domain.slots)
    parsed = await agent.processor.parse_message(message)
    for entity in parsed.get("entities", []):
        if entity.get("entity") == "language":
            tracker.update(SlotSet("language", entity["value"]))
    return tracker


async def _reply(response: str, message: UserMessage, channel: OutputChannel, stored: bool) -> None:
    agent = Sanic.get_app().ctx.agent
    tracker = await _tracker_for_reply(agent, message, stored)
    reply = await agent.nlg.generate(response, tracker, channel.name())
    if not reply:
        return
    try:
        await channel.send_response(message.sender_id, reply)
    except SendFailed as refusal:
        logger.error("The apology to sender %s was not delivered either: %s", message.sender_id, refusal)


def apologising(on_new_message: Handler) -> Handler:
    """Wrap a channel's message handler so that no message goes unanswered."""

    async def handler(message: UserMessage) -> None:
        inner = message.output_channel
        counting = _CountingOutputChannel(inner)
        message.output_channel = counting
        try:
            await on_new_message(message)
        except Exception as error:  # logged in full, and the user is told
            logger.error(
                "The message from sender %s was not handled and not stored (%s: %s). "
                "Is the tracker store (PostgreSQL) or the lock store (Redis) reachable? "
                "The user was asked to send it again.",
                message.sender_id,
                type(error).__name__,
                error,
                exc_info=True,
            )
            await _reply(SERVICE_UNAVAILABLE, message, inner, stored=False)
            return
        finally:
            message.output_channel = inner
        if not counting.sent:
            logger.warning("no reply for sender %s: sending the apology", message.sender_id)
            await _reply(ACTION_FAILED, message, inner, stored=True)

    return handler
