"""Start the action server and the Rasa server, wait until both answer, and stop them cleanly.

`python -m tools.serve` serves until Ctrl-C or SIGTERM; `--chat` also opens a terminal chat.
The demo page with the chat widget is served too (`--web-port`, 8080; `tools.webpage`).
`--profile production` uses PostgreSQL and Redis (endpoints.production.yml) and may start
several Rasa servers (`--rasa-port 5005 --rasa-port 5006`). Rasa runs through
`python -m runtime run` (the project's run-time setup, the API token from the environment);
both servers listen on loopback unless `--host` / `--actions-host` (or RASA_HOST /
ACTIONS_HOST) say otherwise. The tests start the servers through the same functions, so what
they test is what users run.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from pathlib import Path

import yaml

from project import ACTIONS_HOST, CREDENTIALS, LOOPBACK, MODEL, PROFILES, RASA_HOST, ROOT, WEBCHAT_ORIGINS
from tools.chat import chat, health_url
from tools.webpage import page_origins, page_server

BIN = Path(sys.executable).parent
WEB_HOST, WEB_PORT = "127.0.0.1", 8080
# What endpoints.production.yml reads from the environment, when it is not set: the servers
# on this machine, as the machines of this project run them.
PRODUCTION_DEFAULTS = {
    "ACTION_SERVER_URL": "http://127.0.0.1:5055/webhook",
    "ACTIONS_MODULE": "",  # "actions": in each Rasa server's process (one machine; README)
    "POSTGRES_HOST": "127.0.0.1",
    "POSTGRES_PORT": "5432",
    "POSTGRES_DB": "unicef_mali",
    "POSTGRES_LOGIN_DB": "postgres",
    "POSTGRES_USER": "postgres",
    "POSTGRES_PASSWORD": "",
    "REDIS_HOST": "127.0.0.1",
    "REDIS_PORT": "6379",
    "REDIS_DB": "0",
    "REDIS_PASSWORD": "",
    # A conversation's lock outlives a server killed while holding it for this long (s),
    # instead of Rasa's 60: the other servers take the conversation over sooner.
    "TICKET_LOCK_LIFETIME": "20",
}


def local_endpoints(path: Path, actions_port: int, database: Path) -> Path:
    """The default profile's endpoints.yml, with another action server port and SQLite file."""
    endpoints = yaml.safe_load(PROFILES["default"].read_text(encoding="utf-8"))
    endpoints["action_endpoint"]["url"] = f"http://127.0.0.1:{actions_port}/webhook"
    endpoints["tracker_store"]["db"] = str(database)
    path.write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    return path


def wait_until_up(url: str, process: subprocess.Popen, timeout: float) -> None:
    """Poll `url` until it answers 200; fail early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def action_server(
    port: int, env: dict[str, str] | None = None, host: str | None = None, **popen
) -> subprocess.Popen:
    """The action server on `port`, on `host` (default: ACTIONS_HOST, else loopback)."""
    where = ["--host", host] if host else []
    return subprocess.Popen(
        [str(BIN / "python"), "-m", "actions.server", "--port", str(port), *where],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        **popen,
    )


def production_settings(environ: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The environment and the flags of a Rasa server in the production profile.

    The HTTP API (the routes of `runtime.api`) is enabled for staff and tools, always behind
    the token in RASA_AUTH_TOKEN, which Rasa reads from the environment (`runtime.__main__`):
    without one the profile refuses to start.
    """
    token = environ.get("RASA_AUTH_TOKEN", "")
    if not token.strip():
        raise SystemExit(
            "The production profile needs RASA_AUTH_TOKEN: Rasa's HTTP API is never open without it."
        )
    return {**PRODUCTION_DEFAULTS, **environ}, ["--enable-api"]


def rasa_server(
    port: int,
    model: Path,
    endpoints: Path,
    extra: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    host: str | None = None,
    **popen,
) -> subprocess.Popen:
    """A Rasa server on `port`, on `host` (default: RASA_HOST, else loopback)."""
    where = ["--interface", host] if host else []
    return subprocess.Popen(
        [
            str(BIN / "python"),
            "-m",
            "runtime",
            "run",
            "--model",
            str(model),
            "--port",
            str(port),
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(CREDENTIALS),
            *where,
            *extra,
        ],
        cwd=ROOT,
        env={**(env or os.environ), "RASA_TELEMETRY_ENABLED": "false"},
        **popen,
    )


def reachable(host: str | None) -> str:
    """Where a server listening on `host` is reached from this machine."""
    return LOOPBACK if host in (None, "", "0.0.0.0", "::") else host


def ready_url(rasa_port: int, host: str | None = None) -> str:
    """Ready once the model is loaded and both stores answer (`channels.health`)."""
    return health_url(f"http://{reachable(host)}:{rasa_port}")


def with_page_origins(env: Mapping[str, str], web_port: int) -> dict[str, str]:
    """`env` where the socket.io channel accepts the page served on `web_port`, unless it says otherwise."""
    return {WEBCHAT_ORIGINS: " ".join(page_origins(WEB_HOST, web_port)), **env}


@contextmanager
def servers(
    model: Path,
    profile: str = "default",
    rasa_ports: Sequence[int] = (5005,),
    actions_port: int = 5055,
    web_port: int | None = None,
    hosts: tuple[str | None, str | None] = (None, None),
    **popen,
) -> Iterator[str | None]:
    """The action server and one Rasa server per port, up for the duration of the block,
    and the chat page on `web_port` if given, talking to the first Rasa server: yields its address.
    `hosts`: the interfaces of the Rasa servers and of the action server (None: the default).
    """
    rasa_host, actions_host = hosts
    rasa = f"http://{reachable(rasa_host)}:{rasa_ports[0]}"
    env, extra = production_settings(os.environ) if profile == "production" else (dict(os.environ), [])
    page: AbstractContextManager[str | None] = nullcontext()
    if web_port is not None:  # first: a missing widget or a busy port is told at once
        env = with_page_origins(env, web_port)
        page = page_server(web_port, rasa, WEB_HOST)
    with page as address:
        actions = action_server(actions_port, host=actions_host, **popen)
        rasas = []
        try:
            wait_until_up(f"http://{reachable(actions_host)}:{actions_port}/health", actions, 60)
            endpoints = PROFILES[profile]
            rasas = [rasa_server(p, model, endpoints, extra, env, rasa_host, **popen) for p in rasa_ports]
            for port, process in zip(rasa_ports, rasas, strict=True):
                wait_until_up(ready_url(port, rasa_host), process, 240)
            yield address
        finally:
            for process in rasas:
                stop(process)
            stop(actions)


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the assistant (action server + Rasa).")
    parser.add_argument("--model", default=str(MODEL))
    parser.add_argument("--chat", action="store_true", help="chat in this terminal")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="default")
    parser.add_argument(
        "--rasa-port", type=int, action="append", dest="rasa_ports", help="repeat for several Rasa servers"
    )
    parser.add_argument("--web-port", type=int, default=WEB_PORT, help="the chat page's port")
    parser.add_argument(
        "--host",
        default=os.environ.get(RASA_HOST, LOOPBACK),
        help=f"the Rasa servers' interface, e.g. 0.0.0.0 behind a load balancer (${RASA_HOST}; {LOOPBACK})",
    )
    parser.add_argument(
        "--actions-host",
        default=os.environ.get(ACTIONS_HOST, LOOPBACK),
        help=f"the action server's interface (${ACTIONS_HOST}; {LOOPBACK})",
    )
    args = parser.parse_args()
    rasa_ports = args.rasa_ports or [5005]
    # SIGTERM (a service manager, `kill`) stops both servers too, through the `finally` below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    logs = {}
    if args.chat:  # keep the terminal for the conversation; the servers write to logs/
        (ROOT / "logs").mkdir(exist_ok=True)
        log = open(ROOT / "logs" / "servers.log", "ab")  # noqa: SIM115 (closed at exit)
        logs = {"stdout": log, "stderr": subprocess.STDOUT}
        print("Starting the servers (about 30 s; logs in logs/servers.log)...", flush=True)
    hosts = (args.host, args.actions_host)
    with servers(Path(args.model), args.profile, rasa_ports, 5055, args.web_port, hosts, **logs) as page:
        rasa = reachable(args.host)
        webhooks = ", ".join(f"http://{rasa}:{port}/webhooks/rest/webhook" for port in rasa_ports)
        print(f"Assistant ready ({args.profile} profile): REST webhook {webhooks}", flush=True)
        print(f"Chat page: {page} (in French: {page}?lang=fr, in English: {page}?lang=en)", flush=True)
        if args.chat:
            chat(f"http://{rasa}:{rasa_ports[0]}/webhooks/rest/webhook")
        else:
            with suppress(KeyboardInterrupt):
                signal.pause()


if __name__ == "__main__":
    main()
