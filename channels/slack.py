"""Slack (POST /webhooks/slack/webhook): the Events API and Interactivity, on one request URL.

- Signature: Slack's v0 signature with the signing secret, and its five-minute window against
  replays; a forged or stale request gets a 403 (Rasa's answered 400) before anything is read.
- `url_verification`, when the request URL is saved in Slack's app settings, gets the challenge
  back as Slack documents it, `{"challenge": ...}` (Rasa sent a bare JSON string).
- Events: a user's message in a direct message, or a mention of the bot (`app_mention`, the
  mention removed), is answered in the conversation it was asked in; a file shared without
  text gets `channels.unreadable`'s reply. Messages from bots (this one's own replies
  included), edits and deletions, channel messages that mention the bot (answered from their
  `app_mention` instead) and every other event get a 200 and no answer.
- Interactivity: a button press (`block_actions`) sends the button's value as the user's
  message; Slack posts it to the request URL set under Interactivity.
- Slack wants its 200 within 3 seconds and retries otherwise: the answer is sent in the
  background, and a retried event is answered once.
- Buttons within Block Kit's limits: 25 per actions block, 75-character labels, 2,000-character
  values, section text up to 3,000 characters. Slack's `ok: false` raises `SendFailed`.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.core.channels.slack import SlackBot as RasaSlackBot
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.errors import SlackApiError

from channels.buttons import ButtonLimits
from channels.inbound import Inbound, items, mapping, string
from channels.messaging import MessagingChannel
from channels.outbound import SendFailed, platform_call

ANSWERED_SUBTYPES = (None, "file_share", "thread_broadcast")  # a user's own new message
BUTTONS = ButtonLimits(count=25, title=75, payload=2000, text=3000)


def read_event(body: Any) -> list[Inbound]:
    """The message to answer in an Events API request, if any (see the module's docstring)."""
    body = mapping(body)
    event = mapping(body.get("event"))
    if body.get("type", "event_callback") != "event_callback" or event.get("type") not in (
        "message",
        "app_mention",
    ):
        return []
    if event.get("bot_id") or event.get("subtype") not in ANSWERED_SUBTYPES:
        return []
    user, channel, raw = string(event.get("user")), string(event.get("channel")), string(event.get("text"))
    bots = _bot_users(body)
    if not user or not channel:
        return []
    if (
        event["type"] == "message"
        and event.get("channel_type") != "im"
        and any(f"<@{b}>" in raw for b in bots)
    ):
        return []
    update_id = (
        string(body.get("event_id")) or string(event.get("client_msg_id")) or f"{channel}:{event.get('ts')}"
    )
    text = RasaSlackInput._sanitize_user_message(raw, bots)
    if text:
        return [Inbound(update_id, user, text, recipient=channel)]
    if items(event.get("files")):
        return [Inbound(update_id, user, kind="media", recipient=channel)]
    return []


def read_interaction(payload: Any) -> list[Inbound]:
    """The button press in an Interactivity request, if it is one."""
    payload = mapping(payload)
    actions = items(payload.get("actions"))
    if payload.get("type") != "block_actions" or not actions:
        return []
    action = mapping(actions[0])
    value = string(action.get("value"))
    user = string(mapping(payload.get("user")).get("id"))
    channel = string(mapping(payload.get("channel")).get("id")) or string(
        mapping(payload.get("container")).get("channel_id")
    )
    if not value or not user or not channel:
        return []
    update_id = string(payload.get("trigger_id")) or string(action.get("action_ts")) or None
    return [Inbound(update_id, user, value, recipient=channel)]


def _bot_users(body: Any) -> list[str]:
    """The bot's own user ids, as the request lists them (mentions of it are removed)."""
    authed = [string(u) for u in items(body.get("authed_users"))]
    bots = [
        string(mapping(a).get("user_id"))
        for a in items(body.get("authorizations"))
        if mapping(a).get("is_bot")
    ]
    return [u for u in authed + bots if u]


class SlackBot(RasaSlackBot):
    """Rasa's Slack client: `api_url`, Block Kit limits, refusals raised as `SendFailed`."""

    def __init__(
        self,
        token: str,
        slack_channel: str | None,
        thread_id: str | None,
        proxy: str | None,
        api_url: str | None,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        if api_url:
            self.client.base_url = api_url.rstrip("/") + "/"

    async def _post_message(self, channel: str, **kwargs: Any) -> None:
        kwargs.pop("as_user", None)  # a classic apps' parameter, refused with today's bot tokens
        with platform_call("Slack", "chat.postMessage", (SlackApiError,), lambda e: e.response.get("error")):
            await super()._post_message(channel, **kwargs)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        fitted = BUTTONS.fit(text, buttons)
        if fitted is None:
            raise SendFailed("Slack", f"{len(buttons)} buttons do not fit Block Kit's limits")
        blocks = [
            {"type": "section", "text": {"type": "plain_text", "text": text}},
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "text": {"type": "plain_text", "text": b.title}, "value": b.payload}
                    for b in fitted
                ],
            },
        ]
        await self._post_message(channel=self.slack_channel or recipient_id, text=text, blocks=blocks)


class SlackInput(MessagingChannel, RasaSlackInput):
    """Rasa's Slack channel read and answered as in the module's docstring."""

    max_characters = 4000  # chat.postMessage: "keep the text field to 4,000 characters or fewer"
    answers_later = True

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> SlackBot:
        return SlackBot(self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_url)

    def is_authentic(self, request: Request) -> bool:
        return self.is_request_from_slack_authentic(request)

    def challenge(self, request: Request) -> HTTPResponse | None:
        body = request.json if request.content_type == "application/json" else None
        if isinstance(body, dict) and body.get("type") == "url_verification":
            return response.json({"challenge": string(body.get("challenge"))})
        return None

    def read(self, request: Request) -> list[Inbound]:
        if request.content_type == "application/x-www-form-urlencoded":
            try:
                return read_interaction(json.loads(request.form.get("payload") or "null"))
            except ValueError:
                return []
        return read_event(request.json)

    def output_for(self, update: Inbound) -> SlackBot:
        return self.get_output_channel(update.reply_to)
