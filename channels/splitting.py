"""Long answers cut into messages that fit a platform's limit. Pure (no Rasa import).

Each platform refuses or truncates a message over its limit (Telegram 4,096 characters,
Messenger 2,000, Twilio 1,600); SMS are best kept far shorter, as each part is billed and a
long text reaches some phones in pieces out of order. A cut falls at the last paragraph,
line, sentence, clause or word boundary that keeps the part at least half full; a text with
no such boundary (a long URL) is cut at the limit.
"""

from __future__ import annotations

ELLIPSIS = "…"
# Strongest boundary first; a sentence or clause keeps its punctuation, blanks are dropped.
_BOUNDARIES = ("\n\n", "\n", ". ", "? ", "! ", " : ", "; ", ", ", " ")


def split_message(text: str, limit: int, max_parts: int | None = None) -> list[str]:
    """`text` as parts of at most `limit` characters; beyond `max_parts` parts, shortened with "…"."""
    if limit < 2:
        raise ValueError(f"a message limit must be at least 2 characters, not {limit}")
    parts = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _cut(rest, limit)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    if max_parts is not None and len(parts) > max_parts:
        parts = parts[:max_parts]
        last = parts[-1]
        room = limit - len(ELLIPSIS)
        if len(last) > room:
            last = last[: _cut(last, room)].rstrip()
        parts[-1] = last + ELLIPSIS
    return parts


def _cut(text: str, limit: int) -> int:
    """Where to end the first part of `text` (longer than `limit`): the best boundary that fits."""
    window = text[: limit + 1]  # a blank right after the limit is a boundary too
    for boundary in _BOUNDARIES:
        at = window.rfind(boundary)
        kept = len(boundary.rstrip())  # ". " keeps its ".", "\n\n" and " " keep nothing
        if at + kept >= limit // 2:
            return at + kept
    return limit
