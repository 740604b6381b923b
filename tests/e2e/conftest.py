"""Real servers for end-to-end tests: the action server and the Rasa server, on loopback.

Started once per test session on ports of their own (the user's 5005/5055 stay free), with
the trained model `make train` produced and a throw-away SQLite tracker store. Its Teams
channel is on, with Microsoft's services at a stand-in (`microsoft`), which it calls only
when a Teams activity arrives.
"""

from __future__ import annotations

import os
import subprocess
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.platform_standin import PlatformStandIn, botframework_environment
from tools.chat import ask
from tools.serve import (
    MODEL,
    action_server,
    local_endpoints,
    rasa_server,
    ready_url,
    stop,
    wait_until_up,
    with_page_origins,
)

# E2E_PORT_OFFSET moves every port, so that two test runs on one machine do not collide.
_OFFSET = int(os.environ.get("E2E_PORT_OFFSET", "0"))
RASA_PORT, ACTIONS_PORT = 15005 + _OFFSET, 15055 + _OFFSET
WEB_PORT = 15080 + _OFFSET  # the chat page of tests/e2e/test_web_widget.py
WEBHOOK = f"http://127.0.0.1:{RASA_PORT}/webhooks/rest/webhook"


class Assistant:
    """The running assistant, seen from a client of its REST webhook."""

    def __init__(self, workdir: Path, env: dict[str, str] | None = None) -> None:
        self.workdir = workdir
        self.env = env or {}  # for the Rasa server, over the test's environment
        self.endpoints = local_endpoints(workdir / "endpoints.yml", ACTIONS_PORT, workdir / "rasa.db")
        self.logs = workdir
        self.actions: subprocess.Popen | None = None
        self.rasa: subprocess.Popen | None = None

    def _log(self, name: str):
        return open(self.logs / f"{name}.log", "ab")

    def start_actions(self, env: dict[str, str] | None = None) -> None:
        log = self._log("actions")
        self.actions = action_server(ACTIONS_PORT, env, stdout=log, stderr=subprocess.STDOUT)
        wait_until_up(f"http://127.0.0.1:{ACTIONS_PORT}/health", self.actions, 60)

    def stop_actions(self) -> None:
        if self.actions:
            stop(self.actions)

    def start(self) -> None:
        if not MODEL.exists():
            pytest.fail(f"{MODEL} is missing: run `make train` first")
        self.start_actions()
        self.start_rasa()

    def start_rasa(self) -> None:
        # its socket.io channel accepts the test page
        env = with_page_origins({**os.environ, **self.env}, WEB_PORT)
        output = {"stdout": self._log("rasa"), "stderr": subprocess.STDOUT}
        self.rasa = rasa_server(RASA_PORT, MODEL, self.endpoints, env=env, **output)
        wait_until_up(ready_url(RASA_PORT), self.rasa, 240)

    def stop(self) -> None:
        if self.rasa:
            stop(self.rasa)
        self.stop_actions()

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
def microsoft() -> Iterator[PlatformStandIn]:
    """Microsoft's side of the Bot Framework (keys, tokens, Bot Connector), on loopback."""
    server = PlatformStandIn()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def assistant(tmp_path_factory, microsoft) -> Assistant:
    running = Assistant(tmp_path_factory.mktemp("assistant"), botframework_environment(microsoft))
    running.start()
    yield running
    running.stop()


@pytest.fixture
def sender() -> str:
    """A new conversation for each test."""
    return f"test-{uuid.uuid4().hex[:10]}"


os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
