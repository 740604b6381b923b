"""The REST channel (POST /webhooks/rest/webhook): Rasa's, stricter about what it accepts,
with an apology instead of silence and a readiness check (GET /webhooks/rest/health).

Stock Rasa answers a request without `sender` as sender "default" (every anonymous client
in one shared conversation), a JSON array or empty body with a 500, and fails on a sender the
database cannot keep (a NUL in it, over 255 characters), on text that is not Unicode (a lone
surrogate) and on metadata that is not an object or is nested thousands deep. Here such
requests get a 400 that says what is wrong, and nothing reaches a conversation; of the
metadata, only the language hint is kept, as on the website's channel.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import health
from channels.apology import apologising
from components.language import kept_metadata
from stores.sql import encodable, sender_id_problem


def _body(request: Request) -> dict[str, Any]:
    body = request.json  # invalid JSON: Sanic answers 400 itself
    if not isinstance(body, dict):
        raise InvalidUsage('the body must be a JSON object: {"sender": "...", "message": "..."}')
    return body


class RestInput(RasaRestInput):
    """Rasa's REST channel; every message gets a reply (see `channels.apology`)."""

    async def _extract_sender(self, req: Request) -> str:
        sender = _body(req).get("sender")
        if not isinstance(sender, str) or not sender.strip():
            raise InvalidUsage("'sender' is required: a string that identifies the conversation")
        problem = sender_id_problem(sender)
        if problem:
            raise InvalidUsage(f"'sender' cannot identify a conversation: {problem}")
        return sender

    def _extract_message(self, req: Request) -> str:
        message = _body(req).get("message")
        if message is not None and not isinstance(message, str):
            raise InvalidUsage("'message' must be a string")
        if message and not encodable(message):
            raise InvalidUsage("'message' is not valid Unicode text (a lone surrogate)")
        return message or ""

    def get_metadata(self, request: Request) -> dict[str, str]:
        """Only the language hint (`{"language": "fr"}`), as on the website's channel."""
        metadata = _body(request).get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise InvalidUsage('\'metadata\' must be a JSON object: {"language": "fr"}')
        return kept_metadata(metadata)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = super().blueprint(apologising(on_new_message))

        @webhook.route("/health", methods=["GET"])
        async def ready(request: Request) -> HTTPResponse:
            status = await health.check(getattr(request.app.ctx, "agent", None))
            return response.json(status, status=200 if status["ready"] else 503)

        return webhook
