"""Asking the running assistant over its REST webhook: `bin/ask`'s fast path.

Standard library only, so a call costs a Python start and one HTTP round trip per question,
with no model to load. The assistant is the default profile's Rasa server (`make serve`) or
the one at ASSISTANT_URL; it is used only once its readiness check says it can answer.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Mapping

from tools.ask import CHANNEL, Asked
from tools.chat import SERVER, ask, health_url, webhook_url

ADDRESS_VARIABLE = "ASSISTANT_URL"
PROBE_SECONDS = 2  # a server that takes longer to say it is ready is not one to wait for
ANSWER_SECONDS = 60


class Unavailable(Exception):
    """No assistant can answer at the address; the message says why."""


def address(environ: Mapping[str, str]) -> str:
    """The Rasa server to ask: ASSISTANT_URL (e.g. http://10.0.0.5:5005), else `make serve`'s."""
    return (environ.get(ADDRESS_VARIABLE, "").strip() or SERVER).rstrip("/")


def check_ready(server: str) -> None:
    """Return if the assistant at `server` is ready to answer; raise `Unavailable` otherwise."""
    try:
        with urllib.request.urlopen(health_url(server), timeout=PROBE_SECONDS):
            return
    except urllib.error.HTTPError as error:
        if error.code == 503:  # the readiness check names what is missing
            raise Unavailable(f"it is not ready ({_missing(error)})") from None
        raise Unavailable(f"its readiness check answers HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise Unavailable(f"nothing answers there ({reason})") from None


def _missing(error: urllib.error.HTTPError) -> str:
    """What a 503 from `channels.health` says is missing ("model: not loaded")."""
    try:
        status = json.loads(error.read())
        return ", ".join(f"{part}: {state}" for part, state in status.items() if state not in ("ok", False))
    except (ValueError, AttributeError):
        return "HTTP 503"


def ask_each(server: str, sender: str, questions: Iterable[str], language: str | None) -> Iterator[Asked]:
    """Each question in turn, in conversation `sender`, with the bot's messages and the time taken."""
    webhook = webhook_url(server)
    metadata = {"language": language} if language else None
    for question in questions:
        started = time.perf_counter()
        messages = ask(webhook, sender, question, metadata, ANSWER_SECONDS, input_channel=CHANNEL)
        yield Asked(question, messages, time.perf_counter() - started)
