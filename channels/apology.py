"""An apology instead of silence when an answer could not be produced.

Rasa 3.6 answers nothing (HTTP 200 with `[]`) when the action server is down or fails: the
error is logged and the user is left waiting. Every message this assistant understands gets
at least one reply, so a turn that sent nothing means something failed: the user then gets
`utter_action_failed`, in the conversation's language, from the domain.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Sanic

logger = logging.getLogger(__name__)

APOLOGY = "utter_action_failed"
Handler = Callable[[UserMessage], Awaitable[Any]]


class _CountingOutputChannel(OutputChannel):
    """Passes every reply on to the real channel and counts them."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def name(self) -> str:
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)


async def _apology(sender_id: str, channel: str) -> dict[str, Any] | None:
    agent = Sanic.get_app().ctx.agent
    tracker = await agent.tracker_store.retrieve(sender_id)
    if tracker is None:
        return None
    return await agent.nlg.generate(APOLOGY, tracker, channel)


def apologising(on_new_message: Handler) -> Handler:
    """Wrap a channel's message handler so a turn without any reply gets the apology."""

    async def handler(message: UserMessage) -> None:
        inner = message.output_channel
        counting = _CountingOutputChannel(inner)
        message.output_channel = counting
        try:
            await on_new_message(message)
        finally:
            message.output_channel = inner
        if counting.sent:
            return
        logger.warning("no reply for sender %s: sending the apology", message.sender_id)
        reply = await _apology(message.sender_id, inner.name())
        if reply:
            await inner.send_response(message.sender_id, reply)

    return handler
