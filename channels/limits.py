"""Every reply sent within the platform's message limit, and as plain text when refused.

The text of each reply the bot sends is cut into as many messages as the limit needs, at the
output channel, so the apology and every response of the domain are covered alike. On a
platform without buttons (SMS, WhatsApp through Twilio), Rasa would send each button as a
message of its own ("1: Parle-moi de Gao (Parle-moi de Gao)"); there the buttons' titles
become lines of the text instead, before it is cut.

A platform that refuses a message (any non-2xx answer, or Slack's `ok: false`) makes the
output channel raise `SendFailed`. A message with buttons is then sent again as plain text,
the buttons as lines, and the refusal is logged: the user still reads the answer. A refused
plain text is raised on (`channels.apology` logs it and does not count it as sent).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage

from channels.apology import Handler
from channels.outbound import SendFailed
from channels.splitting import split_message

logger = logging.getLogger(__name__)


class _SplittingOutputChannel(OutputChannel):
    """Passes every reply on to the real channel, its text cut to the limit (see the module)."""

    def __init__(
        self, inner: OutputChannel, limit: int, max_parts: int | None, buttons_as_text: bool
    ) -> None:
        self.inner = inner
        self.limit = limit
        self.max_parts = max_parts
        self.buttons_as_text = buttons_as_text

    def name(self) -> str:
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        if self.buttons_as_text and message.get("buttons"):
            message = buttons_in_text(message)
        try:
            await self._send_parts(recipient_id, message)
        except SendFailed as refusal:
            if not message.get("buttons"):
                raise
            logger.warning("%s; the message is sent again as plain text, its buttons as lines", refusal)
            await self._send_parts(recipient_id, buttons_in_text(message))

    async def _send_parts(self, recipient_id: str, message: dict[str, Any]) -> None:
        text = message.get("text")
        parts = split_message(text, self.limit, self.max_parts) if text else []
        for part in parts[:-1]:
            await self.inner.send_response(recipient_id, {"text": part})
        # buttons, images and the like go with the last part
        await self.inner.send_response(recipient_id, {**message, "text": parts[-1]} if parts else message)


def buttons_in_text(message: dict[str, Any]) -> dict[str, Any]:
    """The message without its buttons, their titles listed at the end of its text."""
    titles = [f"• {b['title']}" for b in message["buttons"] if isinstance(b, dict) and b.get("title")]
    reply = {key: value for key, value in message.items() if key != "buttons"}
    reply["text"] = "\n".join([message.get("text") or "", *titles]).strip()
    return reply


def within_limits(
    on_new_message: Handler, limit: int, max_parts: int | None = None, buttons_as_text: bool = False
) -> Handler:
    """Wrap a channel's message handler so that no reply text is longer than `limit` characters
    (and, with `buttons_as_text`, no button is sent as a message of its own)."""

    async def handler(message: UserMessage) -> None:
        inner = message.output_channel
        message.output_channel = _SplittingOutputChannel(inner, limit, max_parts, buttons_as_text)
        try:
            await on_new_message(message)
        finally:
            message.output_channel = inner

    return handler
