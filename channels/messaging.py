"""What the messaging channels (Telegram, Slack, Messenger, Twilio, WhatsApp) add to Rasa's own.

`MessagingChannel` goes before Rasa's input channel class in a channel's bases and gives it:
- credentials from the environment (`channels.environment`): a channel whose variables are
  unset is off (the start-up log names them), so the server starts without it and it contacts
  no platform;
- `api_url`, where the outgoing client sends replies: the platform by default, a stand-in on
  loopback in the tests;
- one webhook route for every platform, in place of Rasa's, which answered a forged request
  with 200 or 400, crashed (500, so the platform re-sends it again and again) on updates it
  did not expect, and answered receipts and the bot's own echoes. Here:
  * a POST whose signature does not match gets a 403 before anything is read;
  * the channel reads the update into `Inbound` items (`channels.inbound`): a text, a button's
    payload, or a message with nothing to read (`channels.unreadable`); everything else yields
    nothing;
  * an update seen before (a platform's retry) is not answered twice;
  * the platform gets its 200 whatever happens while answering (errors are logged);
- a reply to every message (`channels.apology`), cut to the platform's limit, as plain text
  when the platform refuses it (`channels.limits`).
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, ClassVar

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import environment, unreadable
from channels.apology import Handler, apologising
from channels.inbound import Inbound, RecentIds, with_language
from channels.limits import within_limits
from channels.outbound import SendFailed
from components.language import language_hint

logger = logging.getLogger(__name__)


class ChannelOff(InputChannel):
    """A channel whose variables are unset: no route (its webhook is a 404), no platform called."""

    def __init__(self, name: str) -> None:
        self.channel = name

    def url_prefix(self) -> str:
        return self.channel

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        return Blueprint(f"{self.channel}_off", __name__)


class MessagingChannel:
    """Mixin for Rasa's input channels; see the module's docstring."""

    max_characters: ClassVar[int]  # the platform's limit for one message's text
    max_messages: ClassVar[int | None] = None  # beyond this many messages, the answer is shortened
    buttons_as_text: ClassVar[bool] = False  # the platform shows no buttons: titles go in the text
    answers_later: ClassVar[bool] = False  # the platform wants its 200 at once (Slack: 3 s)
    optional_credentials: ClassVar[frozenset[str]] = frozenset({"api_url"})
    api_url: str | None = None

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        resolved, missing = environment.resolve(credentials, cls.optional_credentials, os.environ)
        if missing:
            logger.info("The %s channel is off: %s not set.", cls.name(), ", ".join(missing))
            return ChannelOff(cls.name())
        channel = super().from_credentials(resolved)
        channel.configure(resolved)
        return channel

    def configure(self, credentials: dict[str, Any]) -> None:
        """Take the credentials Rasa's channel does not know."""
        self.api_url = credentials.get("api_url")

    # What each platform's channel defines.

    def is_authentic(self, request: Request) -> bool:
        """Whether the request carries the platform's valid signature."""
        raise NotImplementedError

    def read(self, request: Request) -> list[Inbound]:
        """The messages to answer in an authentic request (none for receipts, echoes, ...)."""
        raise NotImplementedError

    def output_for(self, update: Inbound) -> OutputChannel:
        """The client that sends the replies to `update`."""
        return self.get_output_channel()

    async def acknowledge(self, update: Inbound, output: OutputChannel) -> None:
        """Tell the platform the message was received (a read mark), before answering it; a
        refusal (`SendFailed`) is logged, and the message answered all the same."""

    def verification(self, request: Request) -> HTTPResponse | None:
        """The answer to the platform's GET when the webhook is set up; None: no such handshake."""
        return None

    def challenge(self, request: Request) -> HTTPResponse | None:
        """The answer to a signed POST that is a handshake, not an update (Slack's)."""
        return None

    def accepted(self) -> HTTPResponse:
        """The 200 the platform waits for."""
        return response.text("ok")

    # The webhook.

    def replying(self, on_new_message: Handler) -> Handler:
        """The message handler that always answers, within the platform's limit."""
        return within_limits(
            apologising(on_new_message), self.max_characters, self.max_messages, self.buttons_as_text
        )

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        webhook = Blueprint(f"{self.name()}_webhook", __name__)
        handlers = {"text": self.replying(on_new_message), "other": self.replying(unreadable.answer)}
        recent = RecentIds()
        background: set[asyncio.Task] = set()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            return self.verification(request) or response.text("method not allowed", status=405)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.is_authentic(request):
                logger.warning("%s: refused a request whose signature does not match", self.name())
                return response.text("invalid signature", status=403)
            handshake = self.challenge(request)
            if handshake is not None:
                return handshake
            try:
                updates = [update for update in self.read(request) if recent.first_time(update.id)]
            except Exception:  # a bug here must not make the platform re-send the update forever
                logger.exception("%s: an update could not be read", self.name())
                return self.accepted()
            work = self._answer_all(updates, handlers)
            if self.answers_later:
                task = asyncio.create_task(work)
                background.add(task)
                task.add_done_callback(background.discard)
            else:
                await work
            return self.accepted()

        return webhook

    async def _answer_all(self, updates: list[Inbound], handlers: dict[str, Handler]) -> None:
        for update in updates:
            try:
                await self._answer(update, handlers)
            except Exception:  # logged; the other messages of the delivery are still answered
                logger.exception(
                    "%s: the message %s from sender %s was not answered",
                    self.name(),
                    update.id,
                    update.sender,
                )

    async def _answer(self, update: Inbound, handlers: dict[str, Handler]) -> None:
        output = self.output_for(update)
        try:
            await self.acknowledge(update, output)
        except SendFailed as refusal:
            logger.warning("%s", refusal)
        hint = language_hint({"language": update.language})
        if update.kind == "text":
            text, metadata = with_language(update.text, hint), ({"language": hint} if hint else None)
        else:
            text, metadata = "", unreadable.metadata(update.kind, hint)
        message = UserMessage(text, output, update.sender, input_channel=self.name(), metadata=metadata)
        await handlers["text" if update.kind == "text" else "other"](message)
