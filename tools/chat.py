"""A terminal chat with the running assistant over its REST webhook (`make chat`)."""

from __future__ import annotations

import json
import sys
import urllib.request
import uuid
from collections.abc import Iterator

SERVER = "http://127.0.0.1:5005"  # the Rasa server `make serve` and `make run` start


def webhook_url(server: str) -> str:
    """The REST channel's webhook on the Rasa server at `server` (scheme, host and port)."""
    return f"{server}/webhooks/rest/webhook"


def health_url(server: str) -> str:
    """Its readiness check: 200 once the model is loaded and both stores answer (`channels.health`)."""
    return f"{server}/webhooks/rest/health"


WEBHOOK = webhook_url(SERVER)


def ask(
    url: str,
    sender: str,
    text: str,
    metadata: dict | None = None,
    timeout: float = 30,
    input_channel: str | None = None,
) -> list:
    """The bot's messages for one user message (`metadata`: e.g. a language hint).

    `input_channel` is the channel name stored with the message (Rasa's REST channel takes
    it from the body; default "rest"): the actions read it to know what the client can show.
    """
    fields = {"metadata": metadata, "input_channel": input_channel}
    body = json.dumps(
        {"sender": sender, "message": text, **{key: value for key, value in fields.items() if value}}
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
