"""Twilio SMS (POST /webhooks/twilio/webhook) and WhatsApp (POST /webhooks/twilio_whatsapp/webhook).

Rasa's Twilio channel, twice: one number per channel, as a reply goes out from the channel's
number (an SMS number cannot answer on WhatsApp), each with its own limit. Rasa's channel
checks no signature; here a request without Twilio's valid `X-Twilio-Signature` gets a 403.
Twilio signs the address it was given: behind a proxy, set `webhook_url` to that address.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.twilio import TwilioInput as RasaTwilioInput
from rasa.core.channels.twilio import TwilioOutput as RasaTwilioOutput
from sanic import Blueprint
from sanic.request import Request
from twilio.request_validator import RequestValidator

from channels.apology import Handler
from channels.messaging import MessagingChannel


class TwilioOutput(RasaTwilioOutput):
    """Rasa's Twilio client, sending to `api_url` when one is given."""

    def __init__(self, account_sid: str, auth_token: str, number: str, api_url: str | None) -> None:
        super().__init__(account_sid, auth_token, number)
        if api_url:
            self.api.base_url = api_url.rstrip("/")


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
            self.webhook_url or request.url, request.form, signature
        )


class WhatsAppInput(TwilioInput):
    """WhatsApp through Twilio (numbers written `whatsapp:+14155238886`)."""

    max_characters = 1600  # Twilio's limit for a WhatsApp message body
    max_messages = None

    @classmethod
    def name(cls) -> str:
        return "twilio_whatsapp"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        # Rasa names the blueprint "twilio_webhook" for both channels; Sanic wants unique names.
        return super().blueprint(on_new_message).copy(f"{self.name()}_webhook")
