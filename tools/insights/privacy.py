"""What the report may show of a person: no sender id, no contact details typed in a message.

Sender ids are channel ids (a phone number on WhatsApp, a Telegram user id): the report shows
a keyed hash instead. Message texts are what the staff need to read, so they are kept, with
what looks like personal data replaced before anything is written.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets

KEY_VARIABLE = "INSIGHTS_PSEUDONYM_KEY"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A phone number: digits with spaces, dots, dashes or brackets between them, an optional
# + or ( before; it is one when it holds at least MIN_PHONE_DIGITS digits (years are not).
_PHONE = re.compile(r"[+(]*\d[\d\s().\-/]{5,}\d")
_LONG_DIGITS = re.compile(r"\d{6,}")
MIN_PHONE_DIGITS = 8


def _phone_or_keep(match: re.Match[str]) -> str:
    found = match.group(0)
    return "[phone]" if sum(c.isdigit() for c in found) >= MIN_PHONE_DIGITS else found


def mask(text: str) -> str:
    """The text with e-mail addresses, phone numbers and long digit runs replaced."""
    text = _EMAIL.sub("[email]", text)
    text = _PHONE.sub(_phone_or_keep, text)
    return _LONG_DIGITS.sub("[number]", text)


class Pseudonymiser:
    """Sender id -> a stable pseudonym for one report, that cannot be turned back into the id.

    A keyed hash (HMAC-SHA256), not a plain hash: sender ids are guessable (phone numbers), so
    an unkeyed hash could be reversed by hashing candidates. The key comes from
    INSIGHTS_PSEUDONYM_KEY when set (pseudonyms then match across reports, to follow a
    recurring user); otherwise it is random and forgotten after the report, so no two reports
    can be linked.
    """

    def __init__(self, key: bytes | None = None) -> None:
        configured = os.environ.get(KEY_VARIABLE, "")
        self._key = key or (configured.encode() if configured else secrets.token_bytes(32))

    def __call__(self, sender_id: str) -> str:
        # surrogatepass: an id is stored as a channel sent it, valid Unicode or not
        digest = hmac.new(self._key, sender_id.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
        return f"user-{digest[:12]}"
