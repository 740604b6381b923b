"""Slack (Events API, POST /webhooks/slack/webhook): Rasa's channel, replies sent to `api_url`.

Rasa's channel checks the signing secret itself, but answers a forged request with a 400;
here it is refused with a 403 before anything else (`channels.messaging`).
"""

from __future__ import annotations

from rasa.core.channels.slack import SlackBot as RasaSlackBot
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from sanic.request import Request

from channels.messaging import MessagingChannel


class SlackBot(RasaSlackBot):
    """Rasa's Slack client, sending to `api_url` when one is given."""

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


class SlackInput(MessagingChannel, RasaSlackInput):
    """Rasa's Slack channel: forged requests refused with 403, configurable API address."""

    max_characters = 4000  # chat.postMessage: "keep the text field to 4,000 characters or fewer"

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> SlackBot:
        return SlackBot(self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_url)

    def is_authentic(self, request: Request) -> bool:
        return self.is_request_from_slack_authentic(request)
