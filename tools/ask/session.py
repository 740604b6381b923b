"""The conversation `bin/ask` goes on with: its id, kept a few minutes between calls.

A small JSON file under $XDG_STATE_HOME (~/.local/state by default) holds the conversation id
and when it was last asked in. A call within FOLLOW_UP of the last one continues it, so "And
Kayes?" follows the question asked a moment before, whether the answer came from a server or
in-process (both keep conversations in the same tracker store); `--new` starts another one.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

FOLLOW_UP = 10 * 60  # seconds after the last question during which a call continues its conversation
PREFIX = "ask-"


def state_file(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the conversation is kept (the XDG base directory spec ignores relative paths)."""
    base = environ.get("XDG_STATE_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".local" / "state"
    return root / "unicef-mali" / "ask.json"


def conversation(path: Path, now: float, new: bool = False) -> str:
    """The conversation id to ask in: the kept one if it was asked in recently, else a new one."""
    if not new:
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            kept = None
        if isinstance(kept, dict):
            sender, asked = kept.get("sender"), kept.get("asked_at")
            recent = isinstance(asked, (int, float)) and 0 <= now - asked <= FOLLOW_UP
            if recent and isinstance(sender, str) and sender.startswith(PREFIX):
                return sender
    return PREFIX + secrets.token_hex(8)


def keep(path: Path, sender: str, now: float) -> None:
    """Remember that `sender` was asked in at `now`; the file is readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump({"sender": sender, "asked_at": now}, file)
    os.replace(draft, path)  # whole or not at all, even with two calls at once
