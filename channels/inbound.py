"""What a platform's webhook delivered, as the messaging channels read it. Pure (no Rasa import).

Each channel turns a platform's update into `Inbound` items: a message to answer (its text, or
why there is none to read: a picture, a location), with the conversation it belongs to and the
language the platform says its user reads. Anything else a platform sends (receipts, echoes of
the bot's own messages, edits, status callbacks, other bots, membership changes, stickers)
yields no item: the webhook answers 200 and nothing is sent.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["text", "media", "location"]

# An intent message as Rasa reads it: "/feedback_helpful" or '/ask_office_overview{"office":"gao"}'.
_INTENT_MESSAGE = re.compile(r"^/(\w+)(\{.*\})?$", re.DOTALL)


@dataclass(frozen=True)
class Inbound:
    """One thing a user sent that gets an answer.

    `sender` names the conversation; replies go to `recipient` when the platform answers
    elsewhere (a Slack channel), else to the sender. `receipt` is what the platform wants
    acknowledged (a Telegram button press, a WhatsApp message to mark read). `id` is the
    platform's own id of the update: a platform re-sends an update it thinks was lost.
    """

    id: str | None
    sender: str
    text: str = ""
    kind: Kind = "text"
    language: str | None = None
    recipient: str | None = None
    receipt: str | None = None

    @property
    def reply_to(self) -> str:
        return self.recipient or self.sender


def mapping(value: Any) -> Mapping[str, Any]:
    """`value` if it is a JSON object, else an empty one: payloads are read without trusting them."""
    return value if isinstance(value, Mapping) else {}


def items(value: Any) -> list[Any]:
    """`value` if it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []


def string(value: Any) -> str:
    """`value` if it is a string (or a number, as some platforms send ids), else ''."""
    if isinstance(value, bool):
        return ""
    return str(value) if isinstance(value, str | int) else ""


def with_language(text: str, language: str | None) -> str:
    """An intent message (a button's payload) carrying the channel's language hint as an entity.

    Rasa reads "/intent{...}" messages without the NLU pipeline, so the language detector never
    sees the hint: a button pressed to open a conversation would be answered in the default
    language. Text messages are left as they are (the detector reads their hint itself), and so
    is an intent message that already names a language.
    """
    match = _INTENT_MESSAGE.match(text)
    if not match or not language:
        return text
    try:
        entities = json.loads(match.group(2) or "{}")
    except ValueError:
        return text
    if not isinstance(entities, dict) or "language" in entities:
        return text
    entities["language"] = language
    return f"/{match.group(1)}{json.dumps(entities, ensure_ascii=False, separators=(',', ':'))}"


class RecentIds:
    """The ids of the last `size` updates seen, to answer a re-sent update only once.

    Platforms re-send an update whose delivery they think failed (a slow answer, a timeout), and
    Slack marks its retries. Kept in memory: behind a load balancer, a re-sent update that
    reaches another server is answered again (rare: it needs a lost acknowledgement).
    """

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._seen: OrderedDict[str, None] = OrderedDict()

    def first_time(self, update_id: str | None) -> bool:
        """Whether this id was not seen before (and remember it); an update without id always is."""
        if not update_id:
            return True
        if update_id in self._seen:
            self._seen.move_to_end(update_id)
            return False
        self._seen[update_id] = None
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return True
