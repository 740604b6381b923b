"""Language-aware formatting of lists, dates and numbers, with Babel's CLDR data.

Sentences live in domain.yml (one variant per language); this module only turns values
into the words that fill them: "Mopti and Kayes" / "Mopti et Kayes", "January 2016" /
"janvier 2016". One function serves both languages.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal

from actions.dataset import Language, Opening


def join(items: Iterable[str], language: Language) -> str:
    """ "a, b and c" in English, "a, b et c" in French."""
    return format_list(list(items), locale=language)


def join_clauses(items: Iterable[str]) -> str:
    """Items that may contain commas themselves ("health, nutrition"), separated by semicolons."""
    return "; ".join(items)


def number(value: int, language: Language) -> str:
    return format_decimal(value, locale=language)


def opening_date(opening: Opening, language: Language) -> str:
    """ "2013", or "January 2016" / "janvier 2016" where the month is known."""
    if opening.month is None:
        return str(opening.year)
    return format_date(datetime.date(opening.year, opening.month, 1), "MMMM y", locale=language)


def quoted(text: str, language: Language) -> str:
    """A term quoted the way each language does: “FGM” / « excision »."""
    return f"« {text} »" if language == "fr" else f"“{text}”"
