"""Twilio SMS (POST /webhooks/twilio/webhook) and WhatsApp (POST /webhooks/twilio_whatsapp/webhook).

Rasa's Twilio channel, twice: one number per channel, as a reply goes out from the channel's
number (an SMS number cannot answer on WhatsApp), each with its own limit. Rasa's channel
checks no signature, answers a message without text (a picture, a location) with a 500, and
logs a refused send as if it were done. Here:

- `X-Twilio-Signature` is checked over the form exactly as Twilio posted it: Twilio signs every
  parameter, the empty ones too (`ToCity=`, `Body=` with a picture), so a check over a parsed
  form that drops them would refuse genuine messages. Twilio signs the address it was given:
  behind a proxy, set `webhook_url` to that address.
- A picture or a location without text gets `channels.unreadable`'s reply; a status callback
  (`MessageStatus`) gets a 200 and no answer.
- Twilio is answered with empty TwiML (the replies go through its REST API, from a thread so
  that the server is not blocked); a refusal raises `SendFailed`.
"""

from __future__ import annotations

import asyncio
import urllib.parse
from collections.abc import Mapping
from typing import Any

from rasa.core.channels.twilio import TwilioInput as RasaTwilioInput
from rasa.core.channels.twilio import TwilioOutput as RasaTwilioOutput
from requests import RequestException
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator

from channels.inbound import Inbound
from channels.messaging import MessagingChannel
from channels.outbound import SendFailed

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def posted_form(body: bytes) -> dict[str, str]:
    """The form Twilio posted, blank values kept (they are signed too)."""
    return dict(urllib.parse.parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))


def read_message(form: Mapping[str, str]) -> list[Inbound]:
    """The message to answer in a Twilio webhook, if it is one (not a status callback)."""
    sender = form.get("From", "").strip()
    if not sender or "MessageStatus" in form or form.get("SmsStatus", "received") != "received":
        return []
    found = {"id": form.get("MessageSid") or None, "sender": sender}
    text = form.get("Body", "").strip()
    if text:
        return [Inbound(text=text, **found)]
    if form.get("Latitude") and form.get("Longitude"):
        return [Inbound(kind="location", **found)]
    if form.get("NumMedia", "0").strip() not in ("", "0"):
        return [Inbound(kind="media", **found)]
    return []


class TwilioOutput(RasaTwilioOutput):
    """Rasa's Twilio client, sending to `api_url` when one is given; refusals raise `SendFailed`."""

    def __init__(self, account_sid: str, auth_token: str, number: str, api_url: str | None) -> None:
        super().__init__(account_sid, auth_token, number)
        if api_url:
            self.api.base_url = api_url.rstrip("/")

    async def _send_message(self, message_data: dict[str, Any]) -> Any:
        try:
            return await asyncio.to_thread(self.messages.create, **message_data)
        except TwilioRestException as error:
            raise SendFailed("Twilio", f"HTTP {error.status}, error {error.code}: {error.msg}") from error
        except RequestException as error:
            raise SendFailed("Twilio", f"no answer ({type(error).__name__})") from error


class TwilioInput(MessagingChannel, RasaTwilioInput):
    """SMS through Twilio: signed requests only, short parts."""

    # Twilio accepts 1,600 characters but advises 320 at most for SMS; an answer longer than
    # four such messages is shortened.
    max_characters = 320
    max_messages = 4
    buttons_as_text = True  # Twilio's API sends text only
    optional_credentials = frozenset({"api_url", "webhook_url"})
    webhook_url: str | None = None

    def configure(self, credentials: dict[str, Any]) -> None:
        super().configure(credentials)
        self.webhook_url = credentials.get("webhook_url")

    def get_output_channel(self) -> TwilioOutput:
        return TwilioOutput(self.account_sid, self.auth_token, self.twilio_number, self.api_url)

    def is_authentic(self, request: Request) -> bool:
        signature = request.headers.get("X-Twilio-Signature", "")
        return RequestValidator(self.auth_token).validate(
            self.webhook_url or request.url, posted_form(request.body), signature
        )

    def read(self, request: Request) -> list[Inbound]:
        return read_message(posted_form(request.body))

    def accepted(self) -> HTTPResponse:
        return response.text(EMPTY_TWIML, content_type="text/xml")


class TwilioWhatsAppInput(TwilioInput):
    """WhatsApp through Twilio (numbers written `whatsapp:+14155238886`)."""

    max_characters = 1600  # Twilio's limit for a WhatsApp message body
    max_messages = None

    @classmethod
    def name(cls) -> str:
        return "twilio_whatsapp"
