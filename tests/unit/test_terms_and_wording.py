"""What people type resolves to the right dataset entry; lists and dates read naturally."""

from __future__ import annotations

import pytest

from actions.dataset import Opening
from actions.terms import Match, abbreviates, vocabularies
from actions.wording import join, opening_date


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("FGM", Match("issue", "fgm")),
        ("excision", Match("issue", "fgm")),
        ("excission", Match("issue", "fgm")),  # typo
        ("mariage precoce", Match("issue", "child_marriage")),  # no accent
        ("le mariage précoce", Match("issue", "child_marriage")),  # article
        ("EAH", Match("sector", "wash")),
        ("Water, Sanitation and Hygiene", Match("sector", "wash")),
        ("santé", Match("sector", "health")),
        ("malnutrition", Match("topic", "malnutrition")),
        ("MAS", Match("issue", "severe_acute_malnutrition")),
        ("orpaillage", Match("issue", "gold_mining_areas")),
        ("child_marriage", Match("issue", "child_marriage")),  # an NLU synonym's value
    ],
)
def test_terms_resolve_whatever_the_spelling(dataset, typed, expected):
    assert vocabularies(dataset).terms.resolve(typed) == expected


@pytest.mark.parametrize("typed", ["Tombouctou", "timbuktu", "Tombouctu", "TOMBOUCTOU"])
def test_timbuktu_has_many_spellings(dataset, typed):
    assert vocabularies(dataset).offices.resolve(typed) == Match("office", "timbuktu")


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("the oldest", "oldest"),
        ("largest team", "most_staff"),
        ("le plus récent", "newest"),
        ("plus petite équipe", "fewest_staff"),
        ("most_staff", "most_staff"),
        ("le + de personnel", "most_staff"),  # « + » written for « plus »
    ],
)
def test_rankings_resolve_from_their_words(dataset, typed, expected):
    assert vocabularies(dataset).rankings.resolve(typed) == Match("ranking", expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("quel bureau aide les écoles qui ont été fermées", Match("issue", "school_closures")),
        ("who helps the children that are working", Match("issue", "child_labour")),
        ("des enfants qui travaillent dans les champs", Match("issue", "child_labour")),
        # the question's own verb is not the noun when the words lie apart
        (
            "quel bureau travaille surtout pour que les enfants soient vaccinés",
            Match("issue", "immunization"),
        ),
        ("which office works with the families whose children are sick", Match("sector", "health")),
    ],
)
def test_an_alias_in_another_form_or_order_is_found_only_when_its_words_are_close(dataset, text, expected):
    assert vocabularies(dataset).terms.find_in(text)[1] == expected


@pytest.mark.parametrize("typed", ["", "   ", "zzzz", "space travel", "??"])
def test_unknown_words_resolve_to_nothing(dataset, typed):
    assert vocabularies(dataset).terms.resolve(typed) is None


@pytest.mark.parametrize(
    "word, name, short",
    [
        ("tmbktu", "timbuktu", True),
        ("skso", "sikasso", True),
        ("mpti", "mopti", True),
        ("tout", "tombouctou", False),  # a word whose letters are in the name, but not its last
        ("sko", "sikasso", False),  # too few letters left
        ("kayes", "kayes", False),  # the name itself is no abbreviation
        ("stkso", "sikasso", False),  # letters out of order
    ],
)
def test_a_name_written_short_keeps_its_first_and_last_letters_in_order(word, name, short):
    assert abbreviates(word, name) is short


def test_an_office_written_short_is_found_in_a_message_but_no_everyday_word_is(dataset):
    offices = vocabularies(dataset).offices
    assert [m.id for _, m in offices.find_near("staff in skso and tmbktu pls")] == ["sikasso", "timbuktu"]
    assert offices.find_near("tout le monde sait que c'est tres important") == []


def test_menaka_is_a_region_not_an_office(dataset):
    vocab = vocabularies(dataset)
    assert vocab.offices.resolve("Menaka") is None
    assert vocab.regions.resolve("Menaka") == Match("region", "menaka")


@pytest.mark.parametrize(
    "language, items, expected",
    [
        ("en", ["Mopti"], "Mopti"),
        ("en", ["Mopti", "Kayes"], "Mopti and Kayes"),
        ("fr", ["Mopti", "Kayes"], "Mopti et Kayes"),
        ("fr", ["Gao", "Kayes", "Sikasso"], "Gao, Kayes et Sikasso"),
    ],
)
def test_lists_are_joined_in_each_language(language, items, expected):
    assert join(items, language) == expected


def test_dates_name_the_month_in_each_language():
    assert opening_date(Opening(year=2016, month=1), "en") == "January 2016"
    assert opening_date(Opening(year=2016, month=1), "fr") == "janvier 2016"
    assert opening_date(Opening(year=2013), "fr") == "2013"
