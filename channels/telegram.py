"""Telegram (POST /webhooks/telegram/webhook): Rasa's channel, with the user's language as a hint.

Rasa's channel passes no metadata on, though every update says which language the user's
Telegram app is set to (`from.language_code`): it becomes the message's `language` metadata,
the hint `components.language_detector` uses for neutral messages ("Gao ?").

Rasa's channel also calls Telegram's `setWebhook` while the server is being built, and stops
the server if Telegram cannot be reached. Here the call is made once the server runs, to
`api_url` (Telegram's Bot API by default), and a failure is logged: the other channels keep
serving, and `GET /webhooks/telegram/set_webhook` tries again.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram.bot.api import TelegramAPIServer
from aiogram.utils.exceptions import TelegramAPIError
from aiohttp import ClientError
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from sanic import Blueprint, Sanic
from sanic.request import Request

from channels.apology import Handler
from channels.messaging import MessagingChannel

logger = logging.getLogger(__name__)

# Where Telegram puts the user in each kind of update Rasa's channel handles.
_UPDATE_KINDS = ("message", "edited_message", "callback_query")


class TelegramOutput(RasaTelegramOutput):
    """Rasa's Telegram client, sending to `api_url` when one is given."""

    def __init__(self, access_token: str, api_url: str | None) -> None:
        super().__init__(access_token)
        if api_url:
            self.server = TelegramAPIServer.from_base(api_url)


def user_language(update: Any) -> str | None:
    """The language code of the user's Telegram app in an update ("fr", "en-GB"), if any."""
    if not isinstance(update, dict):
        return None
    for kind in _UPDATE_KINDS:
        sender = (update.get(kind) or {}).get("from") or {}
        if isinstance(sender.get("language_code"), str):
            return sender["language_code"]
    return None


class TelegramInput(MessagingChannel, RasaTelegramInput):
    """Rasa's Telegram channel: language hint, webhook set once the server runs."""

    max_characters = 4096  # sendMessage: "1-4096 characters after entities parsing"

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        language = user_language(request.json)
        return {"language": language} if language else None

    def get_output_channel(self) -> TelegramOutput:
        return TelegramOutput(self.access_token, self.api_url)

    async def register_webhook(self) -> None:
        """Tell Telegram where to send updates; a failure is logged, not raised."""
        client = self.get_output_channel()
        try:
            await client.set_webhook(self.webhook_url)
            logger.info("Telegram sends updates to %s", self.webhook_url)
        except (TelegramAPIError, ClientError, OSError, asyncio.TimeoutError) as error:
            logger.error("Telegram's setWebhook(%s) failed: %s", self.webhook_url, error)
        finally:
            await client.session.close()

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        @webhook.listener("after_server_start")
        async def set_webhook(_app: Sanic, _loop) -> None:
            await self.register_webhook()

        return webhook
