"""Facebook Messenger (POST /webhooks/facebook/webhook): Rasa's channel, signed requests only.

Rasa's route answers a request with a wrong signature with a 200 ("not validated"), checks only
the SHA-1 `X-Hub-Signature` (with whichever hash the header names), builds its Graph API client
inside the route, and handles only the first message of a delivery, though Meta batches
several under load. The route is rebuilt here on Rasa's `Messenger`: the SHA-256
`X-Hub-Signature-256` Meta documents today is checked (SHA-1 when it is the only one sent), a
mismatch gets a 403, replies go to `api_url` when one is given, and every message is handled.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping

from rasa.core.channels.facebook import FacebookInput as RasaFacebookInput
from rasa.core.channels.facebook import Messenger
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.apology import Handler
from channels.messaging import MessagingChannel

# The headers Meta signs with, preferred first: (header, prefix of its value, hash).
SIGNATURES: tuple[tuple[str, str, Callable], ...] = (
    ("X-Hub-Signature-256", "sha256=", hashlib.sha256),
    ("X-Hub-Signature", "sha1=", hashlib.sha1),
)


def is_signed(secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    """Whether `body` carries Meta's signature made with the app secret."""
    for header, prefix, digest in SIGNATURES:
        if header in headers:
            expected = prefix + hmac.new(secret.encode(), body, digest).hexdigest()
            return hmac.compare_digest(expected, headers[header])
    return False


class FacebookInput(MessagingChannel, RasaFacebookInput):
    """Rasa's Messenger channel: SHA-256 signatures, 403 when forged, configurable Graph API."""

    max_characters = 2000  # Send API: "text must be UTF-8 and has a 2000 character limit"

    def is_authentic(self, request: Request) -> bool:
        return is_signed(self.fb_secret, request.body, request.headers)

    def messenger(self, on_new_message: Handler) -> Messenger:
        """Rasa's Messenger for one message, its client sending to `api_url` if given."""
        messenger = Messenger(self.fb_access_token, on_new_message)
        if self.api_url:
            messenger.client.graph_url = self.api_url.rstrip("/")
        return messenger

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        webhook = Blueprint("fb_webhook", __name__)
        handler = self.replying(on_new_message)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def token_verification(request: Request) -> HTTPResponse:
            """Meta's check when the webhook is set up: echo the challenge to the right token."""
            if request.args.get("hub.verify_token") == self.fb_verify:
                return response.text(request.args.get("hub.challenge"))
            return response.text("invalid verify token", status=403)

        @webhook.route("/webhook", methods=["POST"])
        async def webhook_message(request: Request) -> HTTPResponse:
            metadata = self.get_metadata(request)
            for entry in request.json.get("entry", []):
                for event in entry.get("messaging", []):  # Rasa's Messenger handles one at a time
                    await self.messenger(handler).handle({"entry": [{"messaging": [event]}]}, metadata)
            return response.text("success")

        return self.secured(webhook)
