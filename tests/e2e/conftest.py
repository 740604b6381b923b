"""Real servers for end-to-end tests: the action server and the Rasa server, on loopback.

Started once per test session (`tests/e2e/servers.py`) on ports of their own (the user's
5005/5055 stay free; E2E_PORT_OFFSET moves them), with the trained model `make train`
produced and a throw-away SQLite tracker store. The Rasa server has every messaging channel
on, Teams included, replying to one stand-in of the platforms' APIs and of Microsoft's services
(`platform_standin`), so that the channel tests need no server of their own.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.e2e import channel_accounts
from tests.e2e.platform_standin import PlatformStandIn, botframework_environment
from tests.e2e.servers import Servers, e2e_port
from tools.chat import ask
from tools.serve import with_page_origins

RASA_PORT, ACTIONS_PORT = e2e_port(15005), e2e_port(15055)
WEB_PORT = e2e_port(15080)  # the chat page of tests/e2e/test_web_widget.py
WEBHOOK = f"http://127.0.0.1:{RASA_PORT}/webhooks/rest/webhook"


class Assistant(Servers):
    """The running assistant, seen from a client of its REST webhook."""

    def __init__(self, workdir: Path, channels_env: dict[str, str]) -> None:
        # Its socket.io channel accepts the test page; the messaging channels reply to the stand-in.
        env = {**with_page_origins(os.environ, WEB_PORT), **channels_env}
        super().__init__(workdir, ACTIONS_PORT, [RASA_PORT], env=env)

    def post(self, body: bytes) -> tuple[int, str]:
        """A raw request to the webhook: its status and body, whatever they are."""
        request = urllib.request.Request(WEBHOOK, body, {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return reply.status, reply.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def send(self, sender: str, text, metadata: dict | None = None) -> list[dict]:
        return ask(WEBHOOK, sender, text, metadata)

    def ask(self, sender: str, text: str, metadata: dict | None = None) -> str:
        """The bot's whole answer as one text."""
        return " ".join(m.get("text", "") for m in self.send(sender, text, metadata))


@pytest.fixture(scope="session")
def standin() -> PlatformStandIn:
    """The platforms' APIs, as the messaging channels of the session's Rasa server see them."""
    server = PlatformStandIn(channel_accounts.standin_tokens())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def microsoft(standin) -> PlatformStandIn:
    """Microsoft's side of the Bot Framework (keys, tokens, Bot Connector): the same stand-in."""
    return standin


@pytest.fixture(scope="session")
def assistant(tmp_path_factory, standin) -> Assistant:
    env = {**channel_accounts.environment(standin.url), **botframework_environment(standin)}
    running = Assistant(tmp_path_factory.mktemp("assistant"), env)
    try:  # a start that times out must not leave its servers running for the next session
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture
def sender() -> str:
    """A new conversation for each test."""
    return f"test-{uuid.uuid4().hex[:10]}"
