"""Turn what a user typed ("excission", "Tombouctou", "le mariage précoce") into dataset ids.

NLU hands the actions the words it tagged, with typos, accents or not, plural or not. The
matching is done here, against every alias in the dataset, in three steps: the whole text
is an alias; the text contains an alias (the longest wins); the text is a near miss of an
alias (difflib). Pure functions: no rasa_sdk, no I/O.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from actions.dataset import Dataset
from actions.text import normalise

FUZZY_CUTOFF = 0.82


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
        return self._aliases[close[0]] if close else None

    def find_in(self, text: str | None) -> tuple[str, Match] | None:
        """The longest alias that appears in the text as whole words, and what it means."""
        padded = f" {normalise(text or '')} "
        contained = [alias for alias in self._aliases if f" {alias} " in padded]
        if not contained:
            return None
        alias = max(contained, key=len)
        return alias, self._aliases[alias]


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
