"""The platforms' limits on buttons, applied where a message is built for one. Pure (no Rasa import).

Over a limit, a platform refuses the whole message (Meta: a title over 20 characters; Telegram:
callback data over 64 bytes), so a greeting whose example questions are long would reach
nobody. A title is shortened at a word, with "…": the button still sends its whole payload.
A payload cannot be shortened (it is what the bot receives back), nor can buttons be dropped
without losing a choice: when those do not fit, the buttons cannot be shown, and the channel
sends their titles as lines of the text instead (`channels.limits`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ELLIPSIS = "…"


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class ButtonLimits:
    """One platform's limits: how many buttons, how long a title and a payload, and how long
    the text of a message that carries buttons (None: the platform's message limit applies)."""

    count: int
    title: int
    payload: int
    text: int | None = None
    payload_in_bytes: bool = False  # Telegram counts callback data in UTF-8 bytes

    def fit(self, text: str, buttons: Iterable[Mapping[str, Any]]) -> list[Button] | None:
        """The buttons within these limits (titles shortened), or None when they cannot be shown.

        None too when two titles end up the same (WhatsApp refuses that, and a user could not
        tell them apart) or a button has no title or payload.
        """
        fitted = []
        for button in buttons:
            title, payload = button.get("title"), button.get("payload")
            if not isinstance(title, str) or not isinstance(payload, str) or not title.strip() or not payload:
                return None
            size = len(payload.encode()) if self.payload_in_bytes else len(payload)
            if size > self.payload:
                return None
            fitted.append(Button(shorten(title.strip(), self.title), payload))
        if not fitted or len(fitted) > self.count or (self.text is not None and len(text) > self.text):
            return None
        if len({b.title for b in fitted}) < len(fitted):
            return None
        return fitted


def shorten(title: str, limit: int) -> str:
    """`title` within `limit` characters: cut at the last word that fits, with "…"."""
    if len(title) <= limit:
        return title
    room = limit - len(ELLIPSIS)
    cut = title[: room + 1].rsplit(" ", 1)[0] if " " in title[: room + 1] else title[:room]
    return cut[:room].rstrip(" ,;:") + ELLIPSIS
