"""One way to start the real servers for every end-to-end test.

The action server and Rasa servers are started by `tools.serve`'s functions, as users run
them, on ports moved by E2E_PORT_OFFSET (two test runs on one machine do not collide), each
writing its log in the test's work directory, where `where_shown` looks for a secret.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from project import MODEL, PROFILES
from tools.serve import (
    action_server,
    local_endpoints,
    production_settings,
    rasa_server,
    ready_url,
    stop,
    wait_until_up,
)

OFFSET = int(os.environ.get("E2E_PORT_OFFSET", "0"))
STARTUP_LIMIT = 240  # seconds for a Rasa server to load the model and reach its stores


def e2e_port(base: int) -> int:
    """A test server's port: `base` (15000-16999 here) moved by E2E_PORT_OFFSET."""
    return base + OFFSET


class Servers:
    """An action server and Rasa servers, each started and stopped on demand.

    `endpoints`: the Rasa servers' endpoints file (default: the default profile's, on a SQLite
    file in `workdir`); `env` and `flags`: their environment and extra `rasa run` options.
    """

    def __init__(
        self,
        workdir: Path,
        actions_port: int,
        rasa_ports: Sequence[int],
        endpoints: Path | None = None,
        env: Mapping[str, str] | None = None,
        flags: Sequence[str] = (),
    ) -> None:
        self.workdir = workdir
        self.actions_port, self.rasa_ports = actions_port, tuple(rasa_ports)
        database = workdir / "rasa.db"
        self.endpoints = endpoints or local_endpoints(workdir / "endpoints.yml", actions_port, database)
        self.env = {**os.environ, **(env or {})}
        self.flags = list(flags)
        self.actions: subprocess.Popen | None = None
        self.rasa: dict[int, subprocess.Popen] = {}
        self.startup_seconds = 0.0  # of the last start_rasa

    def log(self, name: str) -> Path:
        return self.workdir / f"{name}.log"

    def _logged(self, name: str, start: Callable[..., subprocess.Popen]) -> subprocess.Popen:
        with open(self.log(name), "ab") as log:  # the child process keeps its own copy
            return start(stdout=log, stderr=subprocess.STDOUT)

    def start_actions(self, env: Mapping[str, str] | None = None) -> None:
        self.actions = self._logged("actions", partial(action_server, self.actions_port, dict(env or {})))
        wait_until_up(f"http://127.0.0.1:{self.actions_port}/health", self.actions, 60)

    def stop_actions(self) -> None:
        if self.actions:
            stop(self.actions)

    def start_rasa(self, *ports: int) -> None:
        """Start a Rasa server on each port (default: all), then wait until all are ready."""
        ports = ports or self.rasa_ports
        started = time.monotonic()
        for number in ports:
            start = partial(rasa_server, number, MODEL, self.endpoints, self.flags, self.env)
            self.rasa[number] = self._logged(f"rasa-{number}", start)
        for number in ports:
            wait_until_up(ready_url(number), self.rasa[number], STARTUP_LIMIT)
        self.startup_seconds = time.monotonic() - started

    def stop_rasa(self, *ports: int) -> None:
        for number in ports or self.rasa_ports:
            if number in self.rasa:
                stop(self.rasa[number])

    def start(self) -> None:
        if not MODEL.exists():
            pytest.fail(f"{MODEL} is missing: run `make train` first")
        self.start_actions()
        self.start_rasa()

    def stop(self) -> None:
        self.stop_rasa()
        self.stop_actions()

    def where_shown(self, secret: str) -> list[str]:
        """The logs and the running servers' command lines (what `ps` shows) holding `secret`."""
        logs = self.workdir.glob("*.log")
        found = [str(path) for path in logs if secret in path.read_text(errors="replace")]
        for process in [self.actions, *self.rasa.values()]:
            if process and process.poll() is None:
                command = Path(f"/proc/{process.pid}/cmdline").read_bytes().decode(errors="replace")
                if secret in command:
                    found.append(f"/proc/{process.pid}/cmdline: {command}")
        return found


class ProductionServers(Servers):
    """The production profile (endpoints.production.yml, the API behind `token`) on a
    PostgreSQL database of its own, dropped on stop. PostgreSQL and Redis are the machine's,
    at `postgres_port` / `redis_port` (relays in front of them, for the fault tests)."""

    def __init__(
        self,
        workdir: Path,
        actions_port: int,
        rasa_ports: Sequence[int],
        token: str,
        postgres_port: int = 5432,
        redis_port: int = 6379,
        flags: Sequence[str] = (),
    ) -> None:
        self.token = token
        self.database = f"rasa_test_{uuid.uuid4().hex[:8]}"
        env, production_flags = production_settings(
            {
                **os.environ,
                "RASA_AUTH_TOKEN": token,
                "ACTION_SERVER_URL": f"http://127.0.0.1:{actions_port}/webhook",
                "POSTGRES_PORT": str(postgres_port),
                "POSTGRES_DB": self.database,
                "REDIS_PORT": str(redis_port),
            }
        )
        super().__init__(
            workdir, actions_port, rasa_ports, PROFILES["production"], env, [*production_flags, *flags]
        )

    def start(self) -> None:
        for name, number in (("PostgreSQL", 5432), ("Redis", 6379)):
            try:
                socket.create_connection(("127.0.0.1", number), timeout=2).close()
            except OSError:
                pytest.fail(f"{name} is not running on 127.0.0.1:{number}: `make services` starts it")
        super().start()

    def stop(self) -> None:
        super().stop()
        connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
        connection.autocommit = True
        connection.cursor().execute(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
        connection.close()

    def get(self, port: int, path: str, token: str | None = "") -> tuple[int, Any]:
        """A GET of the API (with the token unless told otherwise): status and JSON (or text) body."""
        token = self.token if token == "" else token
        query = "?" + urllib.parse.urlencode({"token": token}) if token else ""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}{query}", timeout=30) as reply:
                status, body = reply.status, reply.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        try:
            return status, json.loads(body or b"{}")
        except ValueError:
            return status, body.decode()
