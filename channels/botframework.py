"""Microsoft Teams through the Bot Framework (POST /webhooks/botframework/webhook).

A channel of this project's own rather than Rasa's `botframework`, whose checks fall short
(`channels.botframework_auth`) and whose replies need a multi-tenant bot
(`channels.botframework_connector`). Like the other messaging channels it is off until its
variables are set, and every message gets a reply within the platform's limit.

- Only `message` activities reach the assistant; the others (a conversation update when the
  bot is added, typing, reactions) get a 200 and no reply.
- In a channel or a group chat the user @mentions the bot: the mention (`<at>Bot</at>`) is
  taken out of the text before NLU reads it.
- The Teams client's language (`locale`, "fr-FR") is the message's language hint, as Telegram's.
- A reply with buttons is a hero card whose buttons are messageBack actions: the user sees the
  button's title posted, the bot receives its payload. Teams shows hero card text as HTML,
  so it is escaped; plain replies are sent as plain text (`textFormat: plain`), as written.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.apology import Handler
from channels.botframework_auth import (
    OPENID_URL,
    BadActivity,
    KeysUnavailable,
    Refused,
    SigningKeys,
    authenticate,
)
from channels.botframework_connector import LOGIN_URL, AccessToken, Connector, Http, token_url
from channels.messaging import MessagingChannel

logger = logging.getLogger(__name__)

HERO_CARD = "application/vnd.microsoft.card.hero"


class BotFrameworkOutput(OutputChannel):
    """The bot's replies to one activity, in its conversation."""

    @classmethod
    def name(cls) -> str:
        return "botframework"

    def __init__(self, activity: Mapping[str, Any], connector: Connector) -> None:
        self.activity = activity
        self.connector = connector

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.connector.reply(self.activity, {"text": text, "textFormat": "plain"})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        if await self.connector.reply(self.activity, {"attachments": [hero_card(text, buttons)]}):
            return
        # the card was refused: the text still goes, the buttons' titles as lines of it
        titles = [f"• {button['title']}" for button in buttons if button.get("title")]
        await self.send_text_message(recipient_id, "\n".join([text, *titles]))


def hero_card(text: str, buttons: list[dict[str, Any]]) -> dict[str, Any]:
    """A hero card with `text` shown as written and a messageBack action per button."""
    actions = [
        {
            "type": "messageBack",
            "title": button["title"],
            "displayText": button["title"],  # what the chat shows the user posted
            "text": button.get("payload") or button["title"],  # what the bot receives
            "value": {"payload": button.get("payload") or button["title"]},
        }
        for button in buttons
        if button.get("title")
    ]
    return {
        "contentType": HERO_CARD,
        "content": {"text": html.escape(text).replace("\n", "<br>"), "buttons": actions},
    }


def text_for_the_bot(activity: Mapping[str, Any]) -> str:
    """The message's text without the @mentions of the bot that Teams puts in it."""
    text = activity.get("text") if isinstance(activity.get("text"), str) else ""
    bot = (activity.get("recipient") or {}).get("id")
    for entity in activity.get("entities") or []:
        if isinstance(entity, dict) and entity.get("type") == "mention":
            mentioned = entity.get("mentioned") or {}
            if mentioned.get("id") == bot and isinstance(entity.get("text"), str):
                text = text.replace(entity["text"], " ")
    return text.strip()


def _check_message(activity: Mapping[str, Any]) -> None:
    """A message must say who sent it, in which conversation, and be a reply's target."""
    sender = activity.get("from") or {}
    conversation = activity.get("conversation") or {}
    for name, value in (("from.id", sender.get("id")), ("conversation.id", conversation.get("id"))):
        if not isinstance(value, str) or not value:
            raise BadActivity(f"a message activity needs {name}")
    if not isinstance(activity.get("id"), str):
        raise BadActivity("a message activity needs an id")


class BotFrameworkInput(MessagingChannel, InputChannel):
    """Teams (Bot Framework) activities in, replies out; see the module's docstring."""

    # Teams refuses a bot message over 100 KB (its payload counted in UTF-16): this leaves
    # ample room for the activity around the text and the escaping of a card's text.
    max_characters = 10_000
    optional_credentials = frozenset({"openid_url", "login_url"})

    @classmethod
    def name(cls) -> str:
        return "botframework"

    def configure(self, credentials: dict[str, Any]) -> None:
        """Credentials from the environment; nothing is fetched before the first activity."""
        self.app_id = credentials["app_id"]
        self.http = Http()
        self.keys = SigningKeys(credentials.get("openid_url") or OPENID_URL, self.http.get_json)
        url = token_url(credentials.get("login_url") or LOGIN_URL, credentials["tenant_id"])
        self.connector = Connector(
            self.http, AccessToken(self.http, url, self.app_id, credentials["app_password"])
        )

    def user_message(self, activity: Mapping[str, Any], output: OutputChannel) -> UserMessage:
        locale = activity.get("locale")
        return UserMessage(
            text_for_the_bot(activity),
            output,
            activity["from"]["id"],
            input_channel=self.name(),
            metadata={"language": locale} if isinstance(locale, str) and locale else None,
        )

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        webhook = Blueprint("botframework_webhook", __name__)
        handler = self.replying(on_new_message)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                activity = await authenticate(
                    request.headers.get("Authorization"), request.body, self.app_id, self.keys
                )
                if activity.get("type") == "message":
                    _check_message(activity)
            except Refused as why:
                logger.warning("botframework: refused a request: %s", why)
                return response.text("unauthorized", status=401)
            except KeysUnavailable as why:
                logger.error("botframework: cannot check the request's token now: %s", why)
                return response.text("the signing keys are unavailable", status=503)
            except BadActivity as why:
                return response.text(str(why), status=400)
            if activity.get("type") == "message":
                await handler(self.user_message(activity, BotFrameworkOutput(activity, self.connector)))
            return response.empty(status=200)

        @webhook.listener("before_server_stop")
        async def close(_app: Sanic, _loop) -> None:
            await self.http.close()

        return webhook
