"""Which language a message is in: English, French, another one, or too short to tell.

Pure (no Rasa import) so it can be tested and reused on its own. Detection uses lingua,
which ships its models in the wheel (no download) and is good on short texts; names of
offices and places are masked first ("Tell me about Tombouctou" is English). Where lingua
hesitates on two or three words ("nutrition offices?": 53% English), a `Lexicon` of the
words only one language's training examples use ("offices", "bureaux", "effectif") decides.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from project import LANGUAGES as SUPPORTED

_OURS = {Language.ENGLISH: "en", Language.FRENCH: "fr"}
_OTHERS = (Language.SPANISH, Language.PORTUGUESE, Language.GERMAN, Language.ITALIAN)
_WORD = re.compile(r"[^\W\d_]{2,}")
MIN_LETTERS = 3  # "ok", "no", "et" say nothing about the language
SURE = 0.9  # lingua's confidence in the training examples a lexicon is learnt from


@dataclass(frozen=True)
class Verdict:
    """The language of one message: `supported` is en/fr or None; `other` a foreign code."""

    supported: str | None = None
    other: str | None = None


def words_of(text: str, masked: Iterable[tuple[int, int]] = ()) -> list[str]:
    """The words of `text` (casefolded), with the character spans in `masked` blanked out."""
    chars = list(text)
    for start, end in masked:
        chars[start:end] = " " * (end - start)
    return [w.casefold() for w in _WORD.findall("".join(chars))]


@dataclass(frozen=True)
class Lexicon:
    """Words that mark one language in this assistant's domain: learnt from training examples.

    A word belongs to a language when the examples lingua is sure about use it at least
    `min_count` times in that language and at most `1 / min_ratio` as often in the other.
    """

    words: Mapping[str, str]

    @classmethod
    def learn(
        cls,
        examples: Iterable[tuple[str, Iterable[tuple[int, int]]]],
        identifier: LanguageIdentifier,
        min_count: int = 2,
        min_ratio: float = 5.0,
    ) -> Lexicon:
        """From (text, name spans) pairs: names are masked, as they are when identifying."""
        counts: dict[str, Counter[str]] = {language: Counter() for language in SUPPORTED}
        for text, masked in examples:
            language = identifier.identify(text, masked, sure=True).supported
            if language:
                counts[language].update(set(words_of(text, masked)))
        words = {}
        for language, other in (SUPPORTED, SUPPORTED[::-1]):
            for word, count in counts[language].items():
                if count >= min_count and count >= min_ratio * counts[other][word]:
                    words[word] = language
        return cls(words)

    def vote(self, words: Iterable[str]) -> str | None:
        """The language most of the marked words belong to; None on a tie or no marked word."""
        votes = Counter(self.words[w] for w in words if w in self.words).most_common()
        if not votes or (len(votes) > 1 and votes[0][1] == votes[1][1]):
            return None
        return votes[0][0]


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

    def identify(
        self,
        text: str,
        masked: Iterable[tuple[int, int]] = (),
        lexicon: Lexicon | None = None,
        sure: bool = False,
    ) -> Verdict:
        """The verdict for `text`, ignoring the character spans in `masked` (names).

        Where lingua hesitates, the `lexicon` decides; `sure` asks for lingua's confident
        verdicts only (what a lexicon is learnt from).
        """
        words = [w for w in words_of(text, masked) if w not in self.neutral_words]
        if sum(map(len, words)) < MIN_LETTERS:
            return Verdict()
        clean = " ".join(words)
        if len(words) >= self.min_foreign_words:
            top = self._all.compute_language_confidence_values(clean)[0]
            if top.language not in _OURS and top.value >= self.min_foreign_confidence:
                return Verdict(other=top.language.iso_code_639_1.name.lower())
        top = self._ours.compute_language_confidence_values(clean)[0]
        if top.value >= (SURE if sure else self.min_confidence):
            return Verdict(supported=_OURS[top.language])
        return Verdict(supported=lexicon.vote(words) if lexicon and not sure else None)


def kept_metadata(metadata: object) -> dict[str, str]:
    """What a channel keeps of a message's metadata: its language hint, if the bot speaks it.
    Nothing else a client sends is stored with the conversation."""
    language = language_hint(metadata)
    return {"language": language} if language else {}


def language_hint(metadata: object) -> str | None:
    """The language a channel says the user reads ("fr", "en-GB", "fr_FR"), if supported."""
    if not isinstance(metadata, dict):
        return None
    value = metadata.get("language")
    if not isinstance(value, str):
        return None
    code = value.strip().lower()[:2]
    return code if code in SUPPORTED else None
