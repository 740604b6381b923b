"""A terminal chat with the running assistant over its REST webhook (`make chat`)."""

from __future__ import annotations

import json
import sys
import urllib.request
import uuid
from collections.abc import Iterator

WEBHOOK = "http://127.0.0.1:5005/webhooks/rest/webhook"


def ask(url: str, sender: str, text: str, metadata: dict | None = None, timeout: float = 30) -> list:
    """The bot's messages for one user message (`metadata`: e.g. a language hint)."""
    body = json.dumps(
        {"sender": sender, "message": text, **({"metadata": metadata} if metadata else {})}
    ).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        return json.loads(reply.read())


def _lines() -> Iterator[str]:
    if not sys.stdin.isatty():
        yield from (line.rstrip("\n") for line in sys.stdin)
        return
    while True:
        try:
            yield input("you> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return


def chat(url: str = WEBHOOK) -> None:
    sender = f"terminal-{uuid.uuid4().hex[:8]}"
    print("Ask about UNICEF's offices in Mali, in French or English (Ctrl-D to quit).")
    for line in _lines():
        for message in ask(url, sender, line):
            print("bot>", message.get("text", ""))
            for button in message.get("buttons", []):
                print("     [", button["title"], "]")


if __name__ == "__main__":
    chat(*sys.argv[1:])
