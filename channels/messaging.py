"""What the messaging channels (Telegram, Slack, Messenger, Twilio) add to Rasa's own.

`MessagingChannel` goes before Rasa's input channel class in a channel's bases and gives it:
- credentials from the environment (`channels.environment`): a channel whose variables are
  unset is off (the start-up log names them), so the server starts without it and it contacts
  no platform;
- `api_url`, where the outgoing client sends replies: the platform by default, a stand-in on
  loopback in the tests;
- a reply to every message (`channels.apology`), cut to the platform's limit, with buttons as
  lines of text where the platform has none (`channels.limits`);
- a 403, before Rasa sees the request, for a POST whose signature does not match
  (`is_authentic`, for the platforms that sign their requests).
"""

from __future__ import annotations

import logging
import os
from typing import Any, ClassVar

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import environment
from channels.apology import Handler, apologising
from channels.limits import within_limits

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

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        return self.secured(super().blueprint(self.replying(on_new_message)))

    def replying(self, on_new_message: Handler) -> Handler:
        """The message handler that always answers, within the platform's limit."""
        return within_limits(
            apologising(on_new_message), self.max_characters, self.max_messages, self.buttons_as_text
        )

    def secured(self, webhook: Blueprint) -> Blueprint:
        """`webhook` refusing unsigned POSTs."""

        # Sanic scopes a blueprint's middleware by route name, and the names of a copied
        # blueprint's routes (`channels.twilio.WhatsAppInput`) are the original's: the path
        # tells which channel a request is for.
        path = f"/{self.url_prefix()}/webhook"

        @webhook.middleware("request")
        async def refuse_unsigned(request: Request) -> HTTPResponse | None:
            if request.method == "POST" and request.path.endswith(path) and not self.is_authentic(request):
                logger.warning("%s: refused a request whose signature does not match", self.name())
                return response.text("invalid signature", status=403)
            return None

        return webhook

    def is_authentic(self, request: Request) -> bool:
        """Whether the request carries the platform's valid signature (platforms that sign)."""
        return True
