"""The REST channel (POST /webhooks/rest/webhook), with an apology instead of silence."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint

from channels.apology import apologising


class RestInput(RasaRestInput):
    """Rasa's REST channel; a turn that produced no reply gets `utter_action_failed`."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        return super().blueprint(apologising(on_new_message))
