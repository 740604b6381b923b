"""Whether one reply of the assistant answers one evaluation question: pure, no network.

A question (`Item`, one entry of a set in tests/eval/) names the facts its answer must and must
not contain. A reply passes only when it is a real answer: each bot message is recognised as
one of the domain's responses (every template of domain.yml turned into a pattern, its
{placeholders} as wildcards), so a reply that is the fallback or the help text, which name
every office, never passes on the facts it happens to contain. Facts are matched without case
or accents, on word boundaries ("3" is not in "33" or "2013"), and an office's or a region's
English and French names are one name ("Timbuktu" is "Tombouctou").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

import yaml

from actions.dataset import Dataset, get_dataset
from actions.text import normalise
from project import DEFAULT_LANGUAGE, LANGUAGES, ROOT

DOMAIN = ROOT / "domain.yml"

KINDS = (
    "own_words",
    "shared_topic",
    "page_sentence",
    "composition",
    "conversation",
    "not_on_page",
    "how_people_write",
)
COMPOSITION = "composition"  # the kind with a floor of its own (issue 11, "Figures to reach")

# Responses that say the page does not give what was asked ("I don't know"): a `not_said`
# question passes only on one of these. A name qualifies when it ends in `_unknown` or
# `_unknown_for`, or contains `not_on_page` or `unlisted`.
NOT_SAID_RESPONSES = re.compile(r"_unknown(_for)?$|not_on_page|unlisted")
# Responses that answer nothing: the fallback and the help text (they name every office),
# off-topic, a question back ("which office?", every utter_ask_*), an unknown name, a failure.
NON_ANSWER_RESPONSES = frozenset(
    {
        "utter_fallback",
        "utter_help",
        "utter_out_of_scope",
        "utter_other_language",
        "utter_unknown_office",
        "utter_unknown_term",
        "utter_empty_message",
        "utter_message_too_long",
        "utter_action_failed",
        "utter_service_unavailable",
        "utter_media_not_read",
        "utter_location_not_read",
        "utter_feedback_thanks",
        "utter_feedback_wrong",
        "utter_goodbye",
        "utter_bot_challenge",
    }
)
NON_ANSWER_PREFIX = "utter_ask_"
# Responses that may come beside an answer without making or spoiling it: the "helpful?"
# question after an answer, "I'll answer in English" before one, a greeting or thanks back.
ACCOMPANYING_RESPONSES = frozenset(
    {"utter_ask_feedback", "utter_language_switched", "utter_greet", "utter_thank"}
)

ResponseKind = Literal["answer", "not_said", "non_answer", "accompanying", "unrecognised"]
_PLACEHOLDER = re.compile(r"\{[^{}\s]+\}")


def response_kind(name: str) -> ResponseKind:
    """What a domain response does for the user, from its name alone."""
    if name in ACCOMPANYING_RESPONSES:
        return "accompanying"
    if NOT_SAID_RESPONSES.search(name):
        return "not_said"
    if name in NON_ANSWER_RESPONSES or name.startswith(NON_ANSWER_PREFIX):
        return "non_answer"
    return "answer"


@dataclass(frozen=True)
class Template:
    name: str
    language: str
    pattern: re.Pattern
    literal: int  # characters outside placeholders: the more, the more specific


def _literal(part: str) -> str:
    """A template's text between placeholders: exact, except that any run of spaces is one."""
    return "".join(r"\s+" if t.isspace() else re.escape(t) for t in re.split(r"(\s+)", part) if t)


def _template(name: str, language: str, text: str) -> Template:
    parts = _PLACEHOLDER.split(text.strip())
    pattern = re.compile("(.*?)".join(_literal(part) for part in parts), re.DOTALL)
    return Template(name, language, pattern, sum(len(part.strip()) for part in parts))


def _variant_language(variant: Mapping) -> str:
    for condition in variant.get("condition") or []:
        if condition.get("type") == "slot" and condition.get("name") == "language":
            return str(condition.get("value"))
    return DEFAULT_LANGUAGE  # the domain's unconditioned variants are French


class Responses:
    """The domain's response templates, to tell which response a bot message is."""

    def __init__(self, responses: Mapping[str, Sequence[Mapping]]) -> None:
        self.templates = [
            _template(name, _variant_language(variant), variant["text"])
            for name, variants in responses.items()
            for variant in variants
            if variant.get("text")
        ]
        self.templates.sort(key=lambda t: t.literal, reverse=True)

    @classmethod
    def from_domain(cls, path: Path = DOMAIN) -> Responses:
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {})

    def recognise(self, text: str) -> Template | None:
        """The most specific template the whole message fits, if any."""
        text = text.strip()
        return next((t for t in self.templates if t.pattern.fullmatch(text)), None)


@cache
def domain_responses() -> Responses:
    return Responses.from_domain()


# -- facts ------------------------------------------------------------------------------


class Facts:
    """Fact matching: case- and accent-insensitive, on word boundaries, names in either language."""

    def __init__(self, dataset: Dataset) -> None:
        pairs = {
            (normalise(entry.name.fr), normalise(entry.name.en))
            for entry in (*dataset.offices, *dataset.regions)
            if normalise(entry.name.fr) != normalise(entry.name.en)
        }
        self._same = dict(pairs)
        self._names = (
            re.compile(r"(?<!\w)(" + "|".join(re.escape(fr) for fr, _ in sorted(pairs)) + r")(?!\w)")
            if pairs
            else None
        )

    def canonical(self, text: str) -> str:
        """Lower case, no accents or punctuation, each name in its English form."""
        plain = normalise(text)
        return self._names.sub(lambda m: self._same[m.group(1)], plain) if self._names else plain

    def contains(self, reply: str, fact: str) -> bool:
        wanted = self.canonical(fact)
        found = re.search(rf"(?<!\w){re.escape(wanted)}(?!\w)", self.canonical(reply))
        return bool(wanted) and found is not None


@cache
def dataset_facts() -> Facts:
    return Facts(get_dataset())


# -- questions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One question of an evaluation set (the YAML format is in docs/evaluation.md)."""

    id: str
    language: str
    kind: str
    ask: tuple[str, ...]
    must: tuple[str, ...] = ()
    must_not: tuple[str, ...] = ()
    not_said: bool = False
    # Team set only: the responses that are the right reply here although they answer no
    # question (the help text to "what can you do?", out-of-scope to a football question).
    answered_by: tuple[str, ...] = ()

    @classmethod
    def parse(cls, raw: Mapping, where: str) -> Item:
        problems = [f"'{key}' is missing" for key in ("id", "language", "kind", "ask") if key not in raw]
        if problems:
            raise ValueError(f"{where}: {', '.join(problems)}")
        ask = raw["ask"] if isinstance(raw["ask"], list) else [raw["ask"]]
        item = cls(
            id=str(raw["id"]),
            language=raw["language"],
            kind=raw["kind"],
            ask=tuple(str(text) for text in ask),
            must=tuple(str(f) for f in raw.get("must") or []),
            must_not=tuple(str(f) for f in raw.get("must_not") or []),
            not_said=bool(raw.get("not_said", False)),
            answered_by=tuple(raw.get("answered_by") or []),
        )
        if item.language not in LANGUAGES:
            raise ValueError(f"{where} ({item.id}): language '{item.language}' is not one of {LANGUAGES}")
        if not item.ask or not all(t.strip() for t in item.ask):
            raise ValueError(f"{where} ({item.id}): 'ask' needs at least one non-empty message")
        return item


def load_items(path: Path, kinds: Iterable[str] | None = None) -> list[Item]:
    """The questions of one set, checked: ids unique, kinds known, no fact both wanted and not."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    items = [Item.parse(entry, f"{path.name} #{number}") for number, entry in enumerate(raw, 1)]
    known = set(kinds) if kinds is not None else None
    facts = dataset_facts()
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"{path.name}: id '{item.id}' is used twice")
        seen.add(item.id)
        if known is not None and item.kind not in known:
            raise ValueError(f"{path.name} ({item.id}): kind '{item.kind}' is not one of {sorted(known)}")
        clash = {facts.canonical(f) for f in item.must} & {facts.canonical(f) for f in item.must_not}
        if clash:
            raise ValueError(f"{path.name} ({item.id}): facts both in must and must_not: {sorted(clash)}")
    return items


# -- checking ---------------------------------------------------------------------------


@dataclass
class Verdict:
    """How one reply fares: each part of the score, and why it failed."""

    responses: list[str]  # the response of each bot message ("?" where none fits)
    real_answer: bool
    missing: list[str] = field(default_factory=list)
    unwanted: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)  # unwanted facts outside non-answers

    @property
    def facts_right(self) -> bool:
        return not self.missing and not self.unwanted

    @property
    def right(self) -> bool:
        return self.real_answer and self.facts_right


def check(
    item: Item,
    messages: Sequence[str],
    responses: Responses | None = None,
    facts: Facts | None = None,
) -> Verdict:
    """Score the bot's messages answering the item's last message (language aside)."""
    responses = responses or domain_responses()
    facts = facts or dataset_facts()
    recognised = [responses.recognise(m) for m in messages]
    names = [t.name if t else "?" for t in recognised]
    kinds: list[ResponseKind] = [
        "answer" if name in item.answered_by else response_kind(name) if name != "?" else "unrecognised"
        for name in names
    ]
    wanted_kind = "not_said" if item.not_said else "answer"
    real = wanted_kind in kinds and not {"non_answer", "unrecognised"} & set(kinds)
    reply = " ".join(messages)
    stated = " ".join(m for m, k in zip(messages, kinds, strict=True) if k != "non_answer")
    return Verdict(
        responses=names,
        real_answer=real,
        missing=[f for f in item.must if not facts.contains(reply, f)],
        unwanted=[f for f in item.must_not if facts.contains(reply, f)],
        invented=[f for f in item.must_not if facts.contains(stated, f)],
    )
