"""Stored events, in id order, turned into user turns: a message and what followed it.

Events of many conversations interleave in the store; each sender's open turn is kept until
that sender's next message (or the end of the period), so one pass over the events suffices.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from project import DEFAULT_LANGUAGE
from tools.insights.store import Row

FEEDBACK_PAYLOADS = frozenset({"/feedback_helpful", "/feedback_wrong"})


@dataclass
class Turn:
    """One user message, how NLU read it, and the bot's replies to it."""

    sender_id: str
    conversation: int  # the sender's session number: a new one at each `session_started`
    timestamp: float
    channel: str
    text: str
    intent: str | None
    confidence: float | None
    entities: list[tuple[str, str]]
    language: str = DEFAULT_LANGUAGE  # the conversation's language once the message is read
    responses: list[str] = field(default_factory=list)  # domain response names of the replies
    replies: int = 0
    first_reply_at: float | None = None
    feedback_offered: bool = False


@dataclass
class _Sender:
    conversation: int = 0
    language: str = DEFAULT_LANGUAGE
    open: Turn | None = None


def _user_turn(row: Row, data: dict[str, Any], sender: _Sender) -> Turn:
    parse = data.get("parse_data") or {}
    intent = parse.get("intent") or {}
    entities = [
        (str(e.get("entity")), str(e.get("value")))
        for e in parse.get("entities") or []
        if isinstance(e, dict) and e.get("entity") and e.get("value") is not None
    ]
    confidence = intent.get("confidence")
    return Turn(
        sender_id=row.sender_id,
        conversation=sender.conversation,
        timestamp=row.timestamp,
        channel=str(data.get("input_channel") or "unknown"),
        text=str(data.get("text") or ""),
        intent=intent.get("name"),
        confidence=float(confidence) if isinstance(confidence, int | float) else None,
        entities=entities,
        language=sender.language,
    )


def _add_reply(turn: Turn, row: Row, data: dict[str, Any]) -> None:
    turn.replies += 1
    if turn.first_reply_at is None:
        turn.first_reply_at = row.timestamp
    response = (data.get("metadata") or {}).get("utter_action")
    if response:
        turn.responses.append(str(response))
    buttons = (data.get("data") or {}).get("buttons") or []
    if any(isinstance(b, dict) and b.get("payload") in FEEDBACK_PAYLOADS for b in buttons):
        turn.feedback_offered = True


def turns(rows: Iterable[Row]) -> Iterator[Turn]:
    """The user turns of the rows, each complete (replies, language) when yielded."""
    senders: dict[str, _Sender] = {}
    for row in rows:
        sender = senders.setdefault(row.sender_id, _Sender())
        kind = row.type_name
        if kind not in ("user", "bot", "slot", "session_started"):
            continue  # actions, action_listen, rewinds: nothing the report counts
        data = json.loads(row.data)
        if kind == "user":
            if sender.open:
                yield sender.open
            sender.open = _user_turn(row, data, sender)
        elif kind == "bot":
            if sender.open:
                _add_reply(sender.open, row, data)
        elif kind == "slot":
            if data.get("name") == "language" and data.get("value"):
                sender.language = str(data["value"])
                if sender.open:
                    sender.open.language = sender.language
        else:
            sender.conversation += 1
    yield from (s.open for s in senders.values() if s.open)
