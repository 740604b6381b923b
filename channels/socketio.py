"""The socket.io channel of the website's chat (`web/chat.js`): Rasa's, plus

- the page's language: the widget sends its `customData` with every message, which Rasa
  takes as the message's metadata (`metadata_key: customData`). Only the language is kept,
  as `{"language": "fr"}`, the hint `components.language_detector` reads; nothing else a
  page sends is stored with the conversation;
- connections only from the page's origin: Rasa builds its socket.io server with
  `cors_allowed_origins=[]`, which turns python-engineio's origin check off, so any website
  could talk to the bot from its visitors' browsers (WebSockets are not subject to CORS).
  Here the allowed origins come from WEBCHAT_ORIGINS (`tools.serve` sets the page's own);
  unset, only the Rasa server's own origin is accepted;
- buttons that stay under their message (`SocketIOOutput.send_text_with_buttons`);
- replies as the page shows them (`channels.web_text`): French spacing, lists as lists, links
  decoded, and only http(s) addresses as links. The page puts text in as text, never as HTML;
- as in the REST channel: an apology instead of silence.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.socketio import SocketIOOutput as RasaSocketIOOutput
from sanic import Blueprint

from channels.apology import apologising
from channels.web_text import web_message
from components.language import kept_metadata
from project import WEBCHAT_ORIGINS

logger = logging.getLogger(__name__)


def allowed_origins(environ: Mapping[str, str]) -> list[str] | str | None:
    """The origins whose pages may connect: WEBCHAT_ORIGINS, separated by spaces or commas.

    "*" allows every origin; unset or empty, python-engineio's default (None): same origin only.
    """
    origins = environ.get(WEBCHAT_ORIGINS, "").replace(",", " ").split()
    if origins == ["*"]:
        return "*"
    return origins or None


class SocketIOOutput(RasaSocketIOOutput):
    """Rasa's socket.io output, with each text as the page shows it and buttons that stay
    under their message."""

    async def _send_message(self, socket_id: str, response: Any) -> None:
        text = response.get("text")
        if isinstance(text, str):
            response = {**response, **web_message(text)}
        await super()._send_message(socket_id, response)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """As `buttons` under their message, not Rasa's `quick_replies` (a reply of their own):
        the office buttons stay with the answer they belong to. Title and payload only: a
        button is never a link."""
        choices = [{"title": button["title"], "payload": button["payload"]} for button in buttons]
        await self._send_message(recipient_id, {"text": text, "buttons": choices})


class SocketIOInput(RasaSocketIOInput):
    """Rasa's socket.io channel for the page's chat (see the module's docstring)."""

    def get_output_channel(self) -> OutputChannel | None:
        if self.sio is None:  # Rasa's warning: no server to send through yet
            return super().get_output_channel()
        return SocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        handle = apologising(on_new_message)

        async def receive(message: UserMessage) -> None:
            message.output_channel = self.get_output_channel()
            message.metadata = kept_metadata(message.metadata)
            await handle(message)

        socketio = super().blueprint(receive)
        origins = allowed_origins(os.environ)
        self.sio.eio.cors_allowed_origins = origins
        logger.info("socket.io accepts pages from %s", origins or "the Rasa server's own origin only")
        return socketio
