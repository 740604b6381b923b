"""Start the action server and the Rasa server, wait until both answer, and stop them cleanly.

`python -m tools.serve` serves until Ctrl-C; `--chat` also opens a terminal chat. The tests
start the servers through the same functions, so what they test is what users run.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tools.chat import WEBHOOK, chat

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "assistant.tar.gz"


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


def action_server(port: int, env: dict[str, str] | None = None, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "python"), "-m", "actions.server", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        **popen,
    )


def rasa_server(port: int, model: Path, endpoints: Path, extra: list[str] = (), **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(BIN / "rasa"),
            "run",
            "--model",
            str(model),
            "--port",
            str(port),
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(ROOT / "credentials.yml"),
            *extra,
        ],
        cwd=ROOT,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        **popen,
    )


@contextmanager
def servers(
    model: Path,
    endpoints: Path,
    rasa_port: int = 5005,
    actions_port: int = 5055,
    env: dict[str, str] | None = None,
    **popen,
) -> Iterator[None]:
    """Both servers up for the duration of the block."""
    actions = action_server(actions_port, env, **popen)
    rasa = None
    try:
        wait_until_up(f"http://127.0.0.1:{actions_port}/health", actions, 60)
        rasa = rasa_server(rasa_port, model, endpoints, **popen)
        wait_until_up(f"http://127.0.0.1:{rasa_port}/", rasa, 180)
        yield
    finally:
        if rasa is not None:
            stop(rasa)
        stop(actions)


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the assistant (action server + Rasa).")
    parser.add_argument("--model", default=str(MODEL))
    parser.add_argument("--chat", action="store_true", help="chat in this terminal")
    args = parser.parse_args()
    # SIGTERM (a service manager, `kill`) stops both servers too, through the `finally` below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    logs = {}
    if args.chat:  # keep the terminal for the conversation; the servers write to logs/
        (ROOT / "logs").mkdir(exist_ok=True)
        log = open(ROOT / "logs" / "servers.log", "ab")  # noqa: SIM115 (closed at exit)
        logs = {"stdout": log, "stderr": subprocess.STDOUT}
        print("Starting the servers (about 30 s; logs in logs/servers.log)...", flush=True)
    with servers(Path(args.model), ROOT / "endpoints.yml", **logs):
        print(f"Assistant ready: REST webhook {WEBHOOK} (action server http://127.0.0.1:5055)", flush=True)
        if args.chat:
            chat(WEBHOOK)
        else:
            with suppress(KeyboardInterrupt):
                signal.pause()


if __name__ == "__main__":
    main()
