"""`rasa shell` keeps working for interactive use: a real terminal (a pseudo-terminal here),
the trained model, and the action server the tests run."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time

import pytest

from project import MODEL, ROOT
from tests.e2e.conftest import ACTIONS_PORT
from tools.serve import BIN, local_endpoints, stop

pytestmark = pytest.mark.servers


def _read_until(fd: int, needle: str, timeout: float) -> str:
    """What the terminal shows until `needle` appears (or the time is up)."""
    seen, deadline = "", time.monotonic() + timeout
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen += os.read(fd, 65536).decode(errors="replace")
            except OSError:  # the shell closed its terminal
                break
    return seen


def test_rasa_shell_answers_in_a_terminal(assistant, tmp_path):
    endpoints = local_endpoints(tmp_path / "endpoints.yml", ACTIONS_PORT, tmp_path / "shell.db")
    main, terminal = pty.openpty()
    shell = subprocess.Popen(
        [str(BIN / "rasa"), "shell", "--model", str(MODEL), "--endpoints", str(endpoints)],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        cwd=ROOT,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TERM": "xterm"},
    )
    try:
        assert "Your input" in _read_until(main, "Your input", 240)
        os.write(main, b"Which offices work on child marriage?\r")
        shown = _read_until(main, "Kayes", 60)
        assert "Mopti" in shown and "Kayes" in shown, shown[-2000:]  # the source page's answer
    finally:
        stop(shell)
        os.close(main)
        os.close(terminal)
