"""How the website shows a reply: French spacing, lists as lists, readable links. Text stays text.

The replies are written for every channel (domain.yml, the actions); only the chat page gets
this form, from the socket.io channel, so SMS and the other channels are unchanged:

- a narrow no-break space (U+202F) instead of the ordinary space before « : ; ? ! » and
  inside « », so that a line never starts with the mark (French typography; English puts no
  space there, so its replies are unchanged);
- blocks: paragraphs, and lists where a reply joins items with semicolons after a colon
  ("Issues: a; b; c."), each item of a list one line; a short label ("Sectors:", "More:")
  opens a new paragraph, so that a long answer reads as a card;
- parts: text, or a link for an http(s) address only, shown decoded (the French source page
  reads ".../où-nous-travaillons") while the link keeps the address as given.

The page (web/chat.js) puts each part in with textContent: nothing here is ever HTML.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

NARROW_NO_BREAK_SPACE = "\u202f"
# A web address: no brackets, quotes or spaces in it, and no punctuation at its end (the sentence's).
WEB_ADDRESS = re.compile(r"(https?://[^\s<>()\[\]{}|\\^`\"']*[^\s<>()\[\]{}|\\^`\"'.,;:!?])")
_SPACE_BEFORE_MARK = re.compile(r"[ \u00a0]+(?=[:;?!»])")
_SPACE_AFTER_GUILLEMET = re.compile(r"(?<=«)[ \u00a0]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# "Sectors: ", "En savoir plus : ": one to three words, then a colon.
_LABEL = re.compile(r"^[^\s:;,.!?«»\"“]+(?:\s[^\s:;,.!?«»\"“]+){0,2}\s?:\s")
# "Issues: a; b; c." (a list after a colon; at least two items).
_LIST = re.compile(r"^(?P<lead>[^;«»]*?:)\s+(?P<items>[^;]+(?:;\s+[^;]+)+)$")

Part = dict[str, str]
Block = dict[str, Any]


def _french_spaces(text: str) -> str:
    text = _SPACE_BEFORE_MARK.sub(NARROW_NO_BREAK_SPACE, text)
    return _SPACE_AFTER_GUILLEMET.sub(NARROW_NO_BREAK_SPACE, text)


def typography(text: str) -> str:
    """French spacing: a narrow no-break space before « : ; ? ! » and inside « » (web addresses untouched)."""
    pieces = WEB_ADDRESS.split(text)  # odd indexes: the addresses
    return "".join(piece if i % 2 else _french_spaces(piece) for i, piece in enumerate(pieces))


def parts(text: str) -> list[Part]:
    """Text and links: only http(s) addresses become links, shown decoded."""
    pieces = WEB_ADDRESS.split(text)
    found: list[Part] = []
    for i, piece in enumerate(pieces):
        if i % 2:
            found.append({"link": piece, "text": unquote(piece)})
        elif piece:
            found.append({"text": piece})
    return found


def _list_items(items: str) -> list[str]:
    """The items of "a; b; c", where an unlabelled item belongs to the labelled one before it
    ("Mopti: a; b; Gao: c" is two items: an office and its issues each)."""
    items_found: list[str] = []
    pieces = [piece.strip() for piece in items.split(";")]
    labelled = any(_LABEL.match(piece) for piece in pieces)
    for piece in pieces:
        if labelled and items_found and not _LABEL.match(piece):
            items_found[-1] += f"; {piece}"
        else:
            items_found.append(piece)
    return items_found


def blocks(text: str) -> list[Block]:
    """The reply as paragraphs and lists (see the module's docstring)."""
    found: list[Block] = []
    sentences: list[str] = []

    def close_paragraph() -> None:
        if sentences:
            found.append({"paragraph": parts(" ".join(sentences))})
            sentences.clear()

    for line in text.split("\n"):
        for sentence in _SENTENCE_END.split(line.strip()):
            if not sentence:
                continue
            listed = _LIST.match(sentence)
            if _LABEL.match(sentence) or listed:
                close_paragraph()
            if listed:
                sentences.append(listed["lead"])
                close_paragraph()
                items = _list_items(listed["items"].removesuffix("."))
                found.append({"list": [parts(item) for item in items]})
            else:
                sentences.append(sentence)
        close_paragraph()
    return found


def web_message(text: str) -> dict[str, Any]:
    """A bot text as the page shows it: `blocks`, and `text` (spaced, links decoded) for the live region."""
    shown = typography(text)
    spoken = WEB_ADDRESS.sub(lambda address: unquote(address[0]), shown)
    return {"text": spoken, "blocks": blocks(shown)}
