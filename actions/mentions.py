"""What a message names: the office, issue, sector, place, year or ranking it is about.

NLU tags entities imperfectly: a stray word ("de"), a name cut in two ("child" + "mariage"),
part of a longer name ("malnutrition" in "prévention de la malnutrition"), or nothing at all.
This module turns what NLU found, and the message itself, into the best reading of what was
named, using the dataset's own names. Pure: no rasa_sdk, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from actions import cues
from actions.dataset import Dataset
from actions.terms import Vocabulary, vocabularies
from actions.text import normalise

YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


@dataclass(frozen=True)
class Mentions:
    """What the user's message named, as typed (entity values from NLU)."""

    office: str | None = None
    term: str | None = None  # an issue, a topic or a sector
    place: str | None = None
    year: str | None = None
    ranking: str | None = None
    rankings: tuple[str, ...] = ()  # every distinct ranking named, ids, in order ("oldest and newest")
    offices: tuple[str, ...] = ()  # every office named, in order, ids, less those taken back
    asked: tuple[str, ...] = ()  # the office facts asked for (cues.ATTRIBUTE_CUES), in order
    negated: bool = False  # "do not work on", « n'ont pas ouvert en »
    second: bool = False  # "the second largest", "the runner-up"
    month: bool = False  # "which month"
    day: bool = False  # "which day exactly"
    if_not: bool = False  # "if not, who does?"
    reverse: bool = False  # "and the other way round?"
    first_mentioned: bool = False  # "the first office we talked about"
    those: bool = False  # "which of them", « lequel des deux »: the offices of the last answer
    order: bool = False  # "in the order they opened", « classe-les »
    compares: bool = False  # "compared with Mopti", « plus ou moins que Gao »
    all_terms: tuple[str, ...] = ()  # "both child protection and C4D": every term, as typed
    any_terms: tuple[str, ...] = ()  # "on the move, displaced or nomadic": each term named
    unlisted: bool = False  # a fact the page gives for no office ("who runs it?")
    which_offices: bool = False  # "which offices do, then?": the offices, not one office
    every: bool = False  # "all", « tous »
    counted: str | None = None  # what a number is asked of: "offices" or "other" (cues.counted)
    total: bool = False  # "in total", « à eux deux »
    plural_offices: bool = False  # "which sub-offices?", « combien de bureaux »
    staff_limit: tuple[str, int] | None = None  # "more than 12 staff": ("over", 12)
    other: bool = False  # "which other regions?", « en plus de »


def pick_mentions(found: dict[str, Sequence[str]], text: str, dataset: Dataset) -> Mentions:
    """What the message named, from the values NLU tagged for each entity and the text.

    NLU sometimes tags a stray word as well ("malnutrition chronique" as "de" and
    "chronic_malnutrition"): the first value that means something in the dataset wins. It
    sometimes tags only part of a name ("malnutrition" in "prévention de la malnutrition"):
    the longest dataset alias in the message that contains it wins. And it sometimes misses
    a name: then the dataset's own names are looked for in the message.
    """
    vocab = vocabularies(dataset)
    checks: dict[str, Callable[[str], object]] = {
        "office": lambda v: vocab.offices.resolve(v) or vocab.regions.resolve(v),
        "issue": vocab.terms.resolve,
        "sector": vocab.terms.resolve,
        "place": lambda v: vocab.regions.resolve(v) or vocab.offices.resolve(v),
        "year": YEAR.search,
        "ranking": vocab.rankings.resolve,
    }

    def best(entity: str) -> str | None:
        values = [str(v) for v in found.get(entity, ())]
        return next((v for v in values if checks[entity](v)), values[0] if values else None)

    def in_text(vocabulary: Vocabulary) -> str | None:
        hit = vocabulary.find_in(text)
        return hit[1].id if hit else None

    issue, sector = best("issue"), best("sector")
    term = issue if issue and vocab.terms.resolve(issue) else sector or issue
    wider = vocab.terms.find_in(text)
    if wider and (
        term is None
        or not vocab.terms.resolve(term)  # "people" tagged, "latrines" in the text
        or (_words(wider[0]) > _words(term) and vocab.terms.resolve(term) != wider[1])
    ):
        term = wider[1].id
    ranking_text = cues.without_time_words(text)  # "my first day" ranks nothing
    in_text_ranking = vocab.rankings.find_in(ranking_text)
    ranking = best("ranking")
    ranking = ranking if ranking and vocab.rankings.resolve(ranking) else None  # "the most rural areas"
    if ranking and not in_text_ranking and ranking_text != normalise(text):
        ranking = None
    if in_text_ranking and (
        ranking is None
        or _words(in_text_ranking[0]) > _words(ranking)
        or (_words(in_text_ranking[0]) == _words(ranking) and not vocab.rankings.is_alias(ranking))
    ):
        ranking = in_text_ranking[0]  # « l'avant-dernier ... le deuxième plus petit »: the longer name
    if term and not vocab.terms.resolve(term) and (ranking or best("year")):
        term = None  # a stray word NLU tagged ("zone" in « le bureau de zone le plus récent »)
    offices, taken_back = named_offices(text, dataset)
    office = best("office")
    resolved = office and vocab.offices.resolve(office)
    if office is None or (resolved and resolved.id in taken_back):
        office = offices[0] if offices else (None if resolved else office)
    negated = cues.negated(text) and not taken_back
    total, every = cues.asks_total(text), cues.asks_every(text)
    return Mentions(
        office=office,
        term=term,
        place=best("place") or in_text(vocab.regions),
        year=best("year"),
        ranking=ranking,
        rankings=tuple(dict.fromkeys(m.id for _, m in vocab.rankings.find_all(ranking_text))),
        offices=offices,
        asked=cues.attributes_asked(text),
        negated=negated,
        second=cues.asks_second(text),
        month=cues.asks_month(text),
        day=cues.asks_day(text),
        if_not=cues.asks_if_not(text),
        reverse=cues.asks_reverse(text),
        first_mentioned=cues.back_to_first(text),
        # "so in total?", "the difference?" with no office named: of the offices just talked about
        those=cues.about_those(text)
        or ((total or cues.asks_difference(text)) and not (offices or term or best("year") or every)),
        order=cues.asks_order(text),
        compares=cues.compares(text),
        all_terms=_every_term(text, dataset) if cues.asks_both(text) else (),
        any_terms=() if cues.asks_both(text) else _every_term(text, dataset),
        unlisted=cues.asks_unlisted(text),
        which_offices=cues.asks_which_offices(text),
        every=every,
        counted=cues.counted(text),
        total=total,
        plural_offices=cues.about_offices(text),
        staff_limit=cues.staff_limit(text),
        other=cues.asks_other(text),
    )


def _every_term(text: str, dataset: Dataset) -> tuple[str, ...]:
    """The distinct terms the message names, in order, as "kind:id"; a topic named with one of
    its own issues is left out ("about schooling: who works on school closures?" asks about
    school closures, not every office that does something for schooling)."""
    found = [f"{m.kind}:{m.id}" for _, m in vocabularies(dataset).terms.find_all(text)]
    narrower = {f"topic:{t.id}" for t in dataset.topics if {f"issue:{i}" for i in t.issues} & set(found)}
    kept = tuple(dict.fromkeys(f for f in found if f not in narrower))
    return kept if len(kept) > 1 else ()


def _words(text: str) -> int:
    return len(normalise(text).split())


def named_offices(text: str, dataset: Dataset) -> tuple[tuple[str, ...], frozenset[str]]:
    """The offices the message names, in order, and those it takes back ("Gao, not Mopti")."""
    padded = f" {normalise(text)} "
    kept: list[str] = []
    taken_back: set[str] = set()
    offices = vocabularies(dataset).offices
    for start, match in offices.find_all(text) or offices.find_near(text):
        if cues.corrected_away(padded[: start + 1]):
            taken_back.add(match.id)
        elif match.id not in kept:
            kept.append(match.id)
    return tuple(o for o in kept if o not in taken_back), frozenset(taken_back)


def entity_values(entities: Sequence[dict], text: str) -> dict[str, list[str]]:
    """Each entity's values in the order NLU found them, then, where NLU cut one name into
    pieces ("child" + "mariage"), the words they span together ("child mariage")."""
    found: dict[str, list[str]] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    for entity in entities:
        if entity.get("value") is None:
            continue
        found.setdefault(entity["entity"], []).append(str(entity["value"]))
        if isinstance(entity.get("start"), int) and isinstance(entity.get("end"), int):
            spans.setdefault(entity["entity"], []).append((entity["start"], entity["end"]))
    for name, pieces in spans.items():
        start, end = min(s for s, _ in pieces), max(e for _, e in pieces)
        if len(pieces) > 1 and end > start:
            found[name].append(text[start:end])
    return found
