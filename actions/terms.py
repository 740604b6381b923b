"""Turn what a user typed ("excission", "Tombouctou", "le mariage précoce") into dataset ids.

NLU hands the actions the words it tagged, with typos, accents or not, plural or not. The
matching is done here, against every alias in the dataset, in four steps: the whole text
is an alias; the text contains an alias (the longest wins); the text has every word of an
alias in another form or order ("schools that closed" for "closed schools", "vaccinated"
for "vaccination"); the text is a near miss of an alias (difflib) or written short ("Tmbktu").
Pure functions: no rasa_sdk, no I/O.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from actions.dataset import Dataset
from actions.text import normalise

FUZZY_CUTOFF = 0.82
NEAR_LENGTH = 5  # a name shorter than this is too easily a near miss of another word
STEM = 5  # letters of a word that stand for it among other words: "closed" ~ "closes"
LONE_STEM = 8  # ... and for a one-word alias, where a short stem would match too much
STEM_GAP = 3  # words at most between two words of an alias found in another form or order
PURPOSE = frozenset({"for", "pour", "pr"})  # "work for children" is not "child work"
FILLERS = frozenset(
    ["the", "of", "and", "or", "in", "a", "an", "to", "for", "on", "with", "by", "at", "from"]
    + ["de", "la", "le", "les", "des", "du", "et", "ou", "en", "au", "aux", "d", "l", "un", "une"]
    + ["pour", "sur", "dans", "avec", "par"]
)


def _words(alias: str) -> int:
    return sum(1 for w in alias.split() if w not in FILLERS)


def _stem(word: str, size: int) -> str | None:
    return word.rstrip("sx")[:size] if word not in FILLERS and len(word) > 2 else None


def _stems(text: str, size: int) -> frozenset[str]:
    return frozenset(stem for w in text.split() if (stem := _stem(w, size)))


def _close_together(need: frozenset[str], words: list[str], size: int, alias: str) -> bool:
    """Whether every stem of an alias is in the words with at most STEM_GAP words between one and
    the next, and no "for" / « pour » the alias has not; a word before "on" / « sur » is the
    question's verb ("works on"), not the alias's word. "Schools that were closed" is about
    closed schools; « quel bureau travaille à éviter que les enfants... », "thank you for your
    work for the children" and "who works on child marriage" are not child labour."""
    at = sorted(
        (i, stem)
        for i, w in enumerate(words)
        if (stem := _stem(w, size)) in need and words[i + 1 : i + 2] not in (["on"], ["sur"])
    )
    purpose = PURPOSE - set(alias.split())
    for first in range(len(at)):
        seen: set[str] = set()
        last = at[first][0]
        for i, stem in at[first:]:
            if i - last > STEM_GAP + 1 or purpose.intersection(words[last + 1 : i]):
                break
            seen.add(stem)
            last = i
            if seen == need:
                return True
    return False


def abbreviates(word: str, name: str) -> bool:
    """Whether a word is a name written short the way SMS writers do, dropping letters but
    keeping the first and the last, in order: "Tmbktu" for Timbuktu, "Skso" for Sikasso. At least
    half the letters stay, so that a short everyday word is not read as a name."""
    if len(word) < NEAR_LENGTH - 1 or word == name or 2 * len(word) < len(name):
        return False
    if word[0] != name[0] or word[-1] != name[-1]:
        return False
    letters = iter(name)
    return all(letter in letters for letter in word)


@dataclass(frozen=True)
class Match:
    """A dataset entry the text refers to: kind is office, region, sector, issue or topic."""

    kind: str
    id: str


class Vocabulary:
    """Every alias of one family of dataset entries, normalised, for matching."""

    def __init__(self, entries: Iterable[tuple[str, Match]]) -> None:
        self._aliases: dict[str, Match] = {}
        for alias, match in entries:  # unambiguous: the dataset's validation checks it
            if key := normalise(alias):
                self._aliases.setdefault(key, match)
        self._stemmed: list[tuple[frozenset[str], int, str]] = []
        for alias in self._aliases:
            words = [w for w in alias.split() if w not in FILLERS]
            if len(words) > 1:  # len(need) may be less than len(words): "children" ~ "child"
                self._stemmed.append((_stems(alias, STEM), STEM, alias))
            elif words and len(words[0]) >= LONE_STEM:
                self._stemmed.append((_stems(alias, LONE_STEM), LONE_STEM, alias))

    def is_alias(self, text: str) -> bool:
        """Whether the text is one of the aliases, as a whole."""
        return normalise(text) in self._aliases

    def resolve(self, text: str | None) -> Match | None:
        if not text:
            return None
        key = normalise(text)
        if not key:
            return None
        if key in self._aliases:
            return self._aliases[key]
        found = self.find_in(key)
        if found:
            return found[1]
        close = difflib.get_close_matches(key, self._aliases, n=1, cutoff=FUZZY_CUTOFF)
        if close and (PURPOSE & set(key.split())) - set(close[0].split()):
            return None  # "travail pr les enfants" is not a near miss of « travail des enfants »
        return self._aliases[close[0]] if close else None

    def find_in(self, text: str | None) -> tuple[str, Match] | None:
        """The longest alias that appears in the text as whole words, and what it means."""
        padded = f" {normalise(text or '')} "
        contained = [(_words(a), 1, len(a), a) for a in self._aliases if f" {a} " in padded]
        found = max([*contained, *self._by_stems(padded)], default=None)
        return (found[3], self._aliases[found[3]]) if found else None

    def _by_stems(self, text: str) -> list[tuple[int, int, int, str]]:
        """Aliases whose every word appears in the text in some form, scored as in find_in
        (more words first, then as typed, then longer) so that "schools that were closed"
        means "closed schools", not "schools"."""
        stems = {size: _stems(text, size) for size in (STEM, LONE_STEM)}
        words = text.split()
        return [
            (len(need), 0, len(a), a)
            for need, size, a in self._stemmed
            if need <= stems[size] and _close_together(need, words, size, a)
        ]

    def find_near(self, text: str | None) -> list[tuple[int, Match]]:
        """Words of the text that are near misses of a one-word alias ("Sikaso", "Tombouctu"),
        with where each starts in the normalised text: for names typed in a hurry."""
        single = [alias for alias in self._aliases if " " not in alias and len(alias) >= NEAR_LENGTH]
        found, start = [], 0
        for word in normalise(text or "").split():
            if len(word) >= NEAR_LENGTH - 1:
                close = difflib.get_close_matches(word, single, n=1, cutoff=FUZZY_CUTOFF)
                close = close or [alias for alias in single if abbreviates(word, alias)][:1]
                if close:
                    found.append((start, self._aliases[close[0]]))
            start += len(word) + 1
        return found

    def find_all(self, text: str | None) -> list[tuple[int, Match]]:
        """Every alias in the text as whole words, longest first where they overlap, with
        where it starts in the normalised text, in the order they appear."""
        padded = f" {normalise(text or '')} "
        taken: list[tuple[int, int]] = []
        found: list[tuple[int, Match]] = []
        for alias in sorted(self._aliases, key=len, reverse=True):
            start = padded.find(f" {alias} ")
            while start >= 0:
                span = (start, start + len(alias) + 1)
                if not any(a < span[1] and span[0] < b for a, b in taken):
                    taken.append(span)
                    found.append((start, self._aliases[alias]))
                start = padded.find(f" {alias} ", start + 1)
        return sorted(found, key=lambda hit: hit[0])


@dataclass(frozen=True)
class Vocabularies:
    offices: Vocabulary
    regions: Vocabulary
    terms: Vocabulary  # sectors, issues and topics share one namespace: "WASH" is one thing
    rankings: Vocabulary  # "the oldest", "le plus de personnel"


@lru_cache(maxsize=8)
def vocabularies(dataset: Dataset) -> Vocabularies:
    """Build (once per dataset) the vocabularies the actions resolve entities against."""
    return Vocabularies(
        offices=Vocabulary((name, Match("office", o.id)) for o in dataset.offices for name in o.names()),
        regions=Vocabulary((name, Match("region", r.id)) for r in dataset.regions for name in r.names()),
        terms=Vocabulary(
            (name, Match(kind, term.id))
            for kind, terms in (
                ("sector", dataset.sectors),
                ("issue", dataset.issues),
                ("topic", dataset.topics),
            )
            for term in terms
            for name in term.names()
        ),
        rankings=Vocabulary((name, Match("ranking", r.id)) for r in dataset.rankings for name in r.names()),
    )
