"""Telegram (POST /webhooks/telegram/webhook): updates read as users send them, signed.

- Signature: `setWebhook` is called with a `secret_token` (TELEGRAM_SECRET_TOKEN), which
  Telegram sends back in `X-Telegram-Bot-Api-Secret-Token` with every update; an update
  without it is refused with 403. Rasa's channel set none, so anyone who knew the address could
  make the bot write to any chat.
- Language: each update says which language the user's Telegram app is set to
  (`from.language_code`): it becomes the message's language hint, applied to button presses
  and commands too (`channels.inbound.with_language`).
- Commands: `/start` (every user's first message) greets the user, `/help` lists what the bot
  knows; Rasa passed them on as unknown intents ("I didn't understand", in French).
- Button presses (`callback_query`) are answered with `answerCallbackQuery`, or the button's
  spinner runs until Telegram gives up; a press on an inline message (no chat) is answered in
  the user's private chat.
- A photo's or a document's caption is read; a picture, voice note or location without text
  gets `channels.unreadable`'s reply; edits, stickers, service messages, the update sent when a
  user blocks the bot and every other kind are acknowledged with 200 and not answered.
- Buttons: one per row (Rasa put them all in one row, squeezing the titles), their payload
  within the 64 bytes of `callback_data`.

`setWebhook` is called once the server runs, to `api_url` (Telegram's Bot API by default), after
`getMe` confirms the token belongs to TELEGRAM_BOT_USERNAME; a failure is logged, the other
channels keep serving, and `GET /webhooks/telegram/set_webhook` tries again.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from typing import Any

from aiogram.bot.api import TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.apology import Handler
from channels.buttons import ButtonLimits
from channels.inbound import Inbound, mapping, string
from channels.messaging import MessagingChannel
from channels.outbound import SendFailed, platform_call

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ("message", "callback_query")  # asked of setWebhook; others still get a 200
# Telegram commands -> what they ask of the assistant.
COMMANDS = {"start": "/greet", "help": "/ask_help"}
_COMMAND = re.compile(r"^/(\w+)(?:@\w+)?(?:\s.*)?$", re.DOTALL)
# What a message with nothing to read may carry instead (stickers are left unanswered).
MEDIA = ("photo", "video", "voice", "audio", "document", "animation", "video_note", "contact")
LOCATIONS = ("location", "venue")
# sendMessage: inline keyboards up to 100 buttons, callback data 1-64 bytes (titles unbounded).
BUTTONS = ButtonLimits(count=100, title=4096, payload=64, payload_in_bytes=True)


def read_update(update: Any) -> list[Inbound]:
    """The message to answer in one Telegram update, if any (see the module's docstring)."""
    update = mapping(update)
    update_id = string(update.get("update_id")) or None
    if "callback_query" in update:
        return _button_press(update_id, mapping(update["callback_query"]))
    message = mapping(update.get("message"))
    user = mapping(message.get("from"))
    chat = string(mapping(message.get("chat")).get("id"))
    if not chat or user.get("is_bot") is True:
        return []
    found = {"id": update_id, "sender": chat, "language": string(user.get("language_code")) or None}
    text = (string(message.get("text")) or string(message.get("caption"))).strip()
    if text:
        return [Inbound(text=_command(text), **found)]
    if any(key in message for key in LOCATIONS):
        return [Inbound(kind="location", **found)]
    if any(key in message for key in MEDIA):
        return [Inbound(kind="media", **found)]
    return []


def _button_press(update_id: str | None, query: Any) -> list[Inbound]:
    user = mapping(query.get("from"))
    chat = string(mapping(mapping(query.get("message")).get("chat")).get("id")) or string(user.get("id"))
    data = string(query.get("data"))
    if not chat or not data:
        return []
    language = string(user.get("language_code")) or None
    return [Inbound(update_id, chat, data, language=language, receipt=string(query.get("id")) or None)]


def _command(text: str) -> str:
    """A Telegram command as what it asks ("/start@bot x" -> "/greet"); other text unchanged."""
    match = _COMMAND.match(text)
    return COMMANDS.get(match.group(1).lower(), text) if match else text


class TelegramOutput(RasaTelegramOutput):
    """Rasa's Telegram client: `api_url`, buttons one per row, refusals raised as `SendFailed`."""

    def __init__(self, access_token: str, api_url: str | None) -> None:
        super().__init__(access_token)
        if api_url:
            self.server = TelegramAPIServer.from_base(api_url)

    async def request(self, method: str, data: dict | None = None, files: dict | None = None, **kwargs: Any):
        # a refusal is described by Telegram ("Forbidden: bot was blocked by the user")
        with platform_call("Telegram", method, (TelegramAPIError,)):
            return await super().request(method, data, files, **kwargs)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        fitted = BUTTONS.fit(text, buttons)
        if fitted is None:
            raise SendFailed("Telegram", f"{len(buttons)} buttons do not fit inline keyboards")
        keyboard = InlineKeyboardMarkup()
        for button in fitted:
            keyboard.row(InlineKeyboardButton(button.title, callback_data=button.payload))
        await self.send_message(recipient_id, text, reply_markup=keyboard)


class TelegramInput(MessagingChannel, RasaTelegramInput):
    """Rasa's Telegram channel read and answered as in the module's docstring."""

    max_characters = 4096  # sendMessage: "1-4096 characters after entities parsing"
    secret_token: str = ""

    def configure(self, credentials: dict[str, Any]) -> None:
        super().configure(credentials)
        self.secret_token = credentials["secret_token"]
        self.output = self.get_output_channel()

    def get_output_channel(self) -> TelegramOutput:
        return TelegramOutput(self.access_token, self.api_url)

    def is_authentic(self, request: Request) -> bool:
        return hmac.compare_digest(request.headers.get(SECRET_HEADER, ""), self.secret_token)

    def read(self, request: Request) -> list[Inbound]:
        return read_update(request.json)

    def output_for(self, update: Inbound) -> TelegramOutput:
        return self.output

    async def acknowledge(self, update: Inbound, output: TelegramOutput) -> None:
        if update.receipt:
            await output.answer_callback_query(update.receipt)

    async def register_webhook(self) -> bool:
        """Tell Telegram where to send updates, signed; a failure is logged, not raised."""
        client = self.get_output_channel()
        try:
            bot = await client.get_me()
            if bot.username != self.verify:
                logger.error(
                    "Telegram's setWebhook(%s) failed: the token is @%s's, TELEGRAM_BOT_USERNAME says %s",
                    self.webhook_url,
                    bot.username,
                    self.verify,
                )
                return False
            settings = {"url": self.webhook_url, "secret_token": self.secret_token}
            await client.request("setWebhook", {**settings, "allowed_updates": json.dumps(ALLOWED_UPDATES)})
            logger.info("Telegram sends updates to %s", self.webhook_url)
            return True
        except SendFailed as error:
            logger.error("Telegram's setWebhook(%s) failed: %s", self.webhook_url, error)
            return False
        finally:
            await client.session.close()

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        @webhook.listener("after_server_start")
        async def set_webhook_at_start(_app: Sanic, _loop) -> None:
            await self.register_webhook()

        @webhook.listener("after_server_stop")
        async def close_client(_app: Sanic, _loop) -> None:
            await self.output.session.close()

        @webhook.route("/set_webhook", methods=["GET", "POST"])
        async def set_webhook(_: Request) -> HTTPResponse:
            done = await self.register_webhook()
            return response.text(
                "webhook set" if done else "setWebhook failed: see the log", status=200 if done else 502
            )

        return webhook
