"""The words that shape a question beyond what it names: which facts are asked, a negation,
"the second", "which month". Pure: no rasa_sdk, no I/O.

One intent per message cannot say "when did Gao open and how many staff does it have?", nor
"which offices do *not* work on WASH?". These cues, read from the message itself, let the
answers cover every part asked and turn a list into its complement. They are words of the
two languages (and their SMS forms), not facts: nothing here names an office or a term.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from actions.text import normalise

# Each fact of an office, with the words that ask for it (normalised: no accents, lower case).
ATTRIBUTE_CUES: dict[str, tuple[str, ...]] = {
    "opening": (
        "when",
        "wen",
        "year",
        "opened",
        "opening",
        "founded",
        "established",
        "created",
        "started",
        "since when",
        "how long",
        "date",
        "quand",
        "qd",
        "annee",
        "ouvert",
        "ouverte",
        "ouvre",
        "ouverture",
        "cree",
        "creation",
        "depuis quand",
        "older",
        "oldest",
        "newer",
        "newest",
        "plus ancien",
        "plus recent",
        "ancien",
        "recent",
    ),
    "staff": (
        "staff",
        "staffs",
        "people",
        "ppl",
        "employees",
        "employ",
        "employs",
        "personnel",
        "team",
        "workers",
        "headcount",
        "agents",
        "employes",
        "personnes",
        "pers",
        "effectif",
        "effectifs",
        "equipe",
        "salaries",
        "gens",
    ),
    "sectors": ("sector", "sectors", "secteur", "secteurs", "domaine", "domaines", "domains"),
    "regions": (
        "region",
        "regions",
        "cover",
        "covers",
        "covered",
        "covering",
        "couvre",
        "couvrent",
        "couvert",
        "couverture geographique",
    ),
}

NEGATIONS = (
    "not",
    "no",
    "without",
    "except",
    "don t",
    "doesn t",
    "didn t",
    "isn t",
    "aren t",
    "dont",
    "doesnt",
    "didnt",
    "pas",
    "sans",
    "sauf",
    "aucun",
    "aucune",
)
SECOND = (
    "second",
    "2nd",
    "runner up",
    "deuxieme",
    "2e",
    "2eme",
    "seconde",
    "just after",
    "juste apres",
    "just above",
    "just below",
    "just behind",
    "the next one",
    "juste au dessus",
    "juste en dessous",
    "juste derriere",
    "le suivant",
)
# Words of time or of the conversation after "first" or "last": not a ranking ("my first day").
NOT_RANKING = re.compile(
    r"\b(?:first|last|premier|premiere|dernier|derniere)"
    r" (?:day|days|week|weeks|time|question|message|thing|jour|jours|semaine|fois|question|message|chose)\b"
)
THOSE = (
    "of them",
    "of those",
    "of these",
    "among them",
    "among those",
    "out of those",
    "the two",
    "those offices",
    "these offices",
    "lequel des",
    "laquelle des",
    "parmi eux",
    "parmi ceux",
    "d entre eux",
    "ces bureaux",
    "ces deux",
    "les deux",
    "ceux ci",
    "ceux la",
)
ORDER = (
    "order",
    "rank",
    "ranking",
    "sort",
    "sorted",
    "classe",
    "classer",
    "classement",
    "ordre",
    "trie",
    "trier",
    "du plus",
    "from largest",
    "from biggest",
    "from oldest",
    "from newest",
)
COMPARE = (
    "compare",
    "compared",
    "comparison",
    "more or less",
    "than",
    "versus",
    "vs",
    "comparer",
    "par rapport",
    "plus ou moins",
    "plus que",
    "moins que",
)
UNLISTED = (
    "address of",
    "the address",
    "its address",
    "their address",
    "street address",
    "postal address",
    "office address",
    "what address",
    "adresse",
    "phone",
    "telephone",
    "tel",
    "email",
    "e mail",
    "mail",
    "contact",
    "contacter",
    "joindre",
    "call",
    "appeler",
    "budget",
    "spend",
    "spends",
    "spending",
    "depense",
    "depenses",
    "funding",
    "financement",
    "director",
    "directeur",
    "directrice",
    "head of",
    "chief",
    "chef",
    "run by",
    "dirige",
    "manager",
    "representative",
    "representant",
    "ngo",
    "ngos",
    "ong",
    "organisations",
    "organizations",
    "last year",
    "l an dernier",
    "l annee derniere",
    "rate",
    "taux",
    "percentage",
    "pourcentage",
    "how many children",
    "combien d enfants",
    "vehicles",
    "vehicules",
    "opening hours",
    "horaires",
    "website",
    "site web",
    "salary",
    "salaire",
    "how many women",
    "how many men",
    "women among",
    "female staff",
    "combien de femmes",
    "combien d hommes",
    "femmes parmi",
)
# Who runs an office ("who runs it?", "who runs the Gao office?"), not who runs a programme.
RUNS = re.compile(r"\bwho runs (?:it|this|that|there|the (?:\w+ ){0,2}(?:office|branch|sub office))\b")
# The user telling who they are: "our NGO", « mon organisation ».
SELF = re.compile(
    r"\b(?:our|my|an|a|une|notre|mon|ma|nos|mes) (?:local )?(?:ngo|ngos|ong|organisation|organization)\b"
)
WHICH_OFFICES = (
    "which offices",
    "which ones",
    "who does",
    "who else",
    "which do",
    "lesquels",
    "lesquelles",
    "quels bureaux",
    "qui d autre",
    "any other office",
    "any other offices",
    "other offices",
    "un autre bureau",
    "d autres bureaux",
    "autres bureaux",
    "qui en fait",
    "qui le fait",
)
EVERY = ("all", "every", "each", "list", "tous", "toutes", "chaque", "liste")
COUNT = ("how many", "hw many", "how much", "combien", "cb", "cbien", "number of", "nombre de", "nbr de")
TOTAL = (
    "total",
    "in total",
    "altogether",
    "combined",
    "put together",
    "sum",
    "en tout",
    "au total",
    "a eux deux",
    "a elles deux",
    "additionne",
    "additionner",
    "additionnes",
    "somme",
    "cumul",
    "cumule",
)
OFFICES = (
    "offices",
    "sub offices",
    "suboffices",
    "branches",
    "outposts",
    "bureaux",
    "antennes",
    "implantations",
)
STAFF_LIMIT = re.compile(
    r"\b(more than|over|above|at least|fewer than|less than|under|below|plus de|au moins|moins de)"
    r" (\d{1,3})\b(?! ?(?:year|an))"
)
LIMITS = {
    "more than": "over",
    "over": "over",
    "above": "over",
    "plus de": "over",
    "at least": "at_least",
    "au moins": "at_least",
    "fewer than": "under",
    "less than": "under",
    "under": "under",
    "below": "under",
    "moins de": "under",
}
OTHER = (
    "other",
    "others",
    "besides",
    "apart from",
    "beyond",
    "else",
    "autre",
    "autres",
    "en plus",
    "a part",
    "outre",
)
BOTH = ("both", "a la fois", "as well as", "and also", "et aussi", "ainsi que", "en meme temps")
MONTH = ("month", "which month", "what month", "exact date", "mois", "quel mois", "date exacte")
DAY = (
    "what day",
    "which day",
    "exact day",
    "exact date",
    "quel jour",
    "jour exact",
    "date exacte",
    "jour precis",
)
REVERSE = (
    "other way round",
    "other way around",
    "the reverse",
    "reverse order",
    "the opposite",
    "autre sens",
    "sens inverse",
    "l inverse",
    "a l envers",
    "ordre inverse",
)
IF_NOT = (
    "if not",
    "otherwise",
    "if it doesn t",
    "if it does not",
    "sinon",
    "si non",
    "si ce n est pas le cas",
)
DIFFERENCE = (
    "difference",
    "gap",
    "how many more",
    "how many fewer",
    "ecart",
    "combien de plus",
    "combien de moins",
)
FIRST_MENTIONED = (
    "the first one",
    "the first office",
    "the first we",
    "back to the first",
    "au premier",
    "le premier bureau dont",
    "le premier dont",
    "du premier bureau",
    "revenons au premier",
    "retour au premier",
)
CORRECTION = re.compile(r"\b(?:not|no|non|pas|instead of|au lieu de|plutot que)\s+(?:de |du |the |in |a )?$")


def _has(text: str, words: Iterable[str]) -> bool:
    padded = f" {text} "
    return any(f" {word} " in padded for word in words)


def _first_at(text: str, words: Iterable[str]) -> int | None:
    padded = f" {text} "
    found = [padded.find(f" {word} ") for word in words]
    found = [at for at in found if at >= 0]
    return min(found) if found else None


def attributes_asked(message: str) -> tuple[str, ...]:
    """The office facts the message asks for, in the order it asks them."""
    text = normalise(message)
    at = {name: _first_at(text, cues) for name, cues in ATTRIBUTE_CUES.items()}
    return tuple(sorted((name for name, pos in at.items() if pos is not None), key=lambda n: at[n]))


def negated(message: str) -> bool:
    """Whether the message asks about the opposite: "do not work on", « ne travaillent pas »."""
    return _has(normalise(message), NEGATIONS)


def asks_second(message: str) -> bool:
    """ "The second largest", "the runner-up", « le deuxième »."""
    return _has(normalise(message), SECOND)


def about_those(message: str) -> bool:
    """ "Which of them...", « lequel des deux »: the offices of the last answer."""
    return _has(normalise(message), THOSE)


def asks_order(message: str) -> bool:
    """ "List them in the order they opened", « classe les bureaux »."""
    return _has(normalise(message), ORDER)


def compares(message: str) -> bool:
    """ "How does it compare with Mopti?", « comparé à Kayes »."""
    return _has(normalise(message), COMPARE)


def asks_unlisted(message: str) -> bool:
    """A fact the page gives for no office: who runs it, how to reach it, what it spends,
    whom it works with, figures of results. Said to be unknown, never answered with another.
    Who the user is ("our NGO"; « je travaille dans une ONG. Quel bureau... ? ») asks nothing."""
    text = SELF.sub(" ", normalise(_asking_part(message)))
    return _has(text, UNLISTED) or RUNS.search(text) is not None


def _asking_part(message: str) -> str:
    """The sentences that ask (those ending in "?", else the last one): "Our NGO works near the
    mines. Which office...?" asks about the office, not about NGOs."""
    parts = [p for p in re.split(r"(?<=[.!?;:])\s+", message.strip()) if p]
    asking = [p for p in parts if p.endswith("?")]
    return " ".join(asking or parts[-1:])


def asks_which_offices(message: str) -> bool:
    """ "Which offices do, then?", « alors lesquels en font ? »: the offices, for the last term."""
    return _has(normalise(message), WHICH_OFFICES)


def asks_every(message: str) -> bool:
    return _has(normalise(message), EVERY)


def counted(message: str) -> str | None:
    """What a number is asked of: "offices" ("how many field offices?", « combien de bureaux »),
    "other" ("how many staff?", « cb de pers »), or None (no number asked)."""
    text = normalise(message)
    at = _first_at(text, COUNT)
    if at is None:
        return None
    for word in f" {text} "[at:].split()[1:7]:  # the words after "how many" / « combien (y a-t-il) de »
        if word in OFFICES or f"{word}s" in OFFICES:
            return "offices"
        if word in ATTRIBUTE_CUES["staff"]:
            return "other"
    return "other"


def asks_total(message: str) -> bool:
    """ "In total", "combined", « à eux deux », « ça fait combien en tout »: a sum is wanted."""
    return _has(normalise(message), TOTAL)


def about_offices(message: str) -> bool:
    """The message speaks of offices in the plural ("which sub-offices?", « combien de bureaux »)."""
    return _has(normalise(message), OFFICES)


def staff_limit(message: str) -> tuple[str, int] | None:
    """ "More than 12 staff", « moins de 15 personnes »: ("over" | "at_least" | "under", 12)."""
    text = normalise(message)
    found = STAFF_LIMIT.search(text)
    if not found or "staff" not in attributes_asked(message):
        return None
    return LIMITS[found.group(1)], int(found.group(2))


def asks_other(message: str) -> bool:
    """ "Which other regions?", « en plus de Sikasso »."""
    return _has(normalise(message), OTHER)


def asks_both(message: str) -> bool:
    """ "Both child protection and C4D", « à la fois ... et ... »: every term, not any."""
    return _has(normalise(message), BOTH)


def asks_month(message: str) -> bool:
    return _has(normalise(message), MONTH)


def asks_day(message: str) -> bool:
    """ "Which day exactly?", « quel jour ? »: the page gives no office's opening day."""
    return _has(normalise(message), DAY)


def without_time_words(message: str) -> str:
    """The normalised message without "first day", « dernière fois »: what may name a ranking."""
    return NOT_RANKING.sub(" ", normalise(message))


def asks_reverse(message: str) -> bool:
    """ "And the other way round?", « et dans l'autre sens ? »: the last ranking, reversed."""
    return _has(normalise(message), REVERSE)


def asks_if_not(message: str) -> bool:
    """ "Does Kayes do WASH? If not, who does?", « sinon, qui le fait ? »: the offices that do."""
    return _has(normalise(message), IF_NOT)


def asks_difference(message: str) -> bool:
    """ "So the difference?", « combien de plus ? »: two offices compared."""
    return _has(normalise(message), DIFFERENCE)


def back_to_first(message: str) -> bool:
    """ "The first office we talked about", « revenons au premier »: of the two just asked about."""
    return _has(normalise(message), FIRST_MENTIONED)


def corrected_away(before: str) -> bool:
    """Whether the words just before a name take it back: "Gao, not Mopti", « pas Mopti »."""
    return bool(CORRECTION.search(normalise(before) + " " if before.strip() else ""))
