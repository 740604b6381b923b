"""Which language a message is in: English, French, another one, or too short to tell.

Pure (no Rasa import) so it can be tested and reused on its own. Detection uses lingua,
which ships its models in the wheel (no download) and is good on short texts; names of
offices and places are masked first ("Tell me about Tombouctou" is English).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

SUPPORTED = ("en", "fr")
_OURS = {Language.ENGLISH: "en", Language.FRENCH: "fr"}
_OTHERS = (Language.SPANISH, Language.PORTUGUESE, Language.GERMAN, Language.ITALIAN)
_WORD = re.compile(r"[^\W\d_]{2,}")
MIN_LETTERS = 3  # "ok", "no", "et" say nothing about the language


@dataclass(frozen=True)
class Verdict:
    """The language of one message: `supported` is en/fr or None; `other` a foreign code."""

    supported: str | None = None
    other: str | None = None


class LanguageIdentifier:
    """Tells English from French, and notices a message plainly in another language.

    `min_confidence`: below it, a message is language-neutral ("Gao ?", "ok", "2013") and
    the conversation keeps its language. `neutral_words` ("UNICEF", "Mali") are ignored.
    `min_foreign_words`: short messages are never called foreign ("hello" looks Italian to a
    detector that knows Italian).
    """

    def __init__(
        self,
        min_confidence: float = 0.6,
        min_foreign_confidence: float = 0.75,
        min_foreign_words: int = 3,
        neutral_words: Iterable[str] = (),
    ) -> None:
        self.neutral_words = {w.casefold() for w in neutral_words}
        self.min_confidence = min_confidence
        self.min_foreign_confidence = min_foreign_confidence
        self.min_foreign_words = min_foreign_words
        self._ours: LanguageDetector = LanguageDetectorBuilder.from_languages(*_OURS).build()
        self._all: LanguageDetector = LanguageDetectorBuilder.from_languages(*_OURS, *_OTHERS).build()

    def identify(self, text: str, masked: Iterable[tuple[int, int]] = ()) -> Verdict:
        """The verdict for `text`, ignoring the character spans in `masked` (names)."""
        chars = list(text)
        for start, end in masked:
            chars[start:end] = " " * (end - start)
        words = [w for w in _WORD.findall("".join(chars)) if w.casefold() not in self.neutral_words]
        if sum(map(len, words)) < MIN_LETTERS:
            return Verdict()
        clean = " ".join(words)
        if len(words) >= self.min_foreign_words:
            top = self._all.compute_language_confidence_values(clean)[0]
            if top.language not in _OURS and top.value >= self.min_foreign_confidence:
                return Verdict(other=top.language.iso_code_639_1.name.lower())
        top = self._ours.compute_language_confidence_values(clean)[0]
        if top.value >= self.min_confidence:
            return Verdict(supported=_OURS[top.language])
        return Verdict()


def language_hint(metadata: object) -> str | None:
    """The language a channel says the user reads ("fr", "en-GB", "fr_FR"), if supported."""
    if not isinstance(metadata, dict):
        return None
    value = metadata.get("language")
    if not isinstance(value, str):
        return None
    code = value.strip().lower()[:2]
    return code if code in SUPPORTED else None
