"""Questions that combine facts: counts, comparisons, sums and differences, rankings inside a
filter and beyond the first, complements, several offices or several facts in one message,
corrections and what the page does not say. Run through the real actions and rendered with
the real domain, in both languages; expected facts typed from the source page (staff: Mopti
20, Sikasso 16, Gao 14, Kayes 10, Timbuktu 6; opened: Mopti 2008, Gao, Kayes and Sikasso
2013, Timbuktu January 2016)."""

from __future__ import annotations

import re

import pytest

from actions import office_actions as A
from actions.scope_actions import ActionExplainScope, ActionThank

OTHERS = ["Timbuktu", "Tombouctou"]

# (action, message {en, fr}, entities NLU would tag, slots before, must contain, must not contain)
CASES = {
    "two facts of one office": (
        A.ActionOfficeOpening,
        {
            "en": "When did Gao open and how many staff does it have?",
            "fr": "Quand Gao a-t-il ouvert et combien de personnes y travaillent ?",
        },
        {"office": "Gao"},
        {},
        ["2013", "14"],
        ["2008", "20"],
    ),
    "staff of two offices: each, difference and sum": (
        A.ActionOfficeStaff,
        {"en": "How many staff in Gao and Mopti?", "fr": "Combien de personnes à Gao et à Mopti ?"},
        {"office": "Gao"},
        {},
        ["20", "14", "6", "34"],
        ["Kayes", "Sikasso"],
    ),
    "staff of three offices and their total": (
        A.ActionOfficeStaff,
        {"en": "staff in Gao, Kayes and Sikasso?", "fr": "effectif de Gao, Kayes et Sikasso ?"},
        {"office": "Gao"},
        {},
        ["14", "10", "16", "40"],
        ["Mopti"],
    ),
    "which of two offices is older": (
        A.ActionOfficeRanking,
        {"en": "Which is older, Gao or Mopti?", "fr": "Lequel est plus ancien, Gao ou Mopti ?"},
        {"ranking": "older"},
        {},
        ["Mopti", "2008", "Gao", "2013", "5"],
        ["Kayes", "Sikasso"],
    ),
    "two offices opened the same year": (
        A.ActionOfficeOpening,
        {"en": "When did Gao and Kayes open?", "fr": "Gao et Kayes ont ouvert quand ?"},
        {"office": "Gao"},
        {},
        ["Gao", "Kayes", "2013"],
        ["2008", "2016"],
    ),
    "how many offices work on an issue": (
        A.ActionOfficesWorkingOn,
        {
            "en": "How many offices work on child marriage?",
            "fr": "Combien de bureaux travaillent sur le mariage d'enfants ?",
        },
        {"issue": "child marriage"},
        {},
        ["2", "Mopti", "Kayes"],
        ["Gao", "Sikasso", *OTHERS],
    ),
    "the offices that work on both of two sectors": (
        A.ActionOfficesWorkingOn,
        {
            "en": "Which offices do both child protection and WASH?",
            "fr": "Quels bureaux font à la fois de la protection des enfants et de l'EAH ?",
        },
        {"sector": "child protection"},
        {},
        ["3", "Mopti", "Gao", "Sikasso"],
        ["Kayes", *OTHERS],
    ),
    "the offices that do not work in a sector": (
        A.ActionOfficesWorkingOn,
        {"en": "Which offices do not work on WASH?", "fr": "Quels bureaux ne travaillent pas sur l'EAH ?"},
        {"sector": "WASH"},
        {},
        ["Kayes"],
        ["Mopti", "Gao", "Sikasso", *OTHERS],
    ),
    "the largest team among the offices working on an issue": (
        A.ActionOfficeRanking,
        {
            "en": "Among the offices working on out of school children, which has the most staff?",
            "fr": "Parmi les bureaux qui travaillent sur les enfants non scolarisés, lequel a le plus "
            "de personnel ?",
        },
        {"ranking": "most staff", "issue": "out of school children"},
        {},
        ["Mopti", "20"],
        ["Gao", "Kayes", "Sikasso", *OTHERS],
    ),
    "the runner-up": (
        A.ActionOfficeRanking,
        {"en": "Which office has the second largest team?", "fr": "Quel est le deuxième plus grand bureau ?"},
        {"ranking": "largest"},
        {},
        ["Mopti", "20", "Sikasso", "16"],
        ["Gao", "Kayes", *OTHERS],
    ),
    "the offices that did not open in a year": (
        A.ActionOfficesOpenedIn,
        {"en": "Which offices did not open in 2013?", "fr": "Quels bureaux n'ont pas ouvert en 2013 ?"},
        {"year": "2013"},
        {},
        ["Mopti", "2008", "2016"],
        ["Gao", "Kayes", "Sikasso"],
    ),
    "the month of an opening the page gives only the year of": (
        A.ActionOfficeOpening,
        {"en": "Which month did Gao open?", "fr": "Quel mois a ouvert le bureau de Gao ?"},
        {"office": "Gao"},
        {},
        ["2013"],
        ["January", "janvier", "2008"],
    ),
    "a correction repeats the last question for the right office": (
        A.ActionFollowup,
        {"en": "sorry, Gao not Mopti", "fr": "pardon, Gao, pas Mopti"},
        {"office": "Mopti"},
        {"office": "mopti", "last_question": "office_staff"},
        ["Gao", "14"],
        ["20"],
    ),
    "a short staff question after an answer": (
        A.ActionFollowup,
        {"en": "and hw many ppl?", "fr": "et cb de pers ?"},
        {},
        {"office": "kayes", "last_question": "office_opening"},
        ["Kayes", "10"],
        ["2013"],
    ),
    "a term with a word that also asks for staff is about the term": (
        A.ActionFollowup,
        {"en": "what about displaced people?", "fr": "et les personnes déplacées ?"},
        {},
        {"office": "gao", "last_question": "office_sectors"},
        ["Gao"],
        ["14"],
    ),
    "an office name typed in a hurry, not tagged": (
        A.ActionOfficeStaff,
        {"en": "sikaso staff number?", "fr": "effectif a Sikaso ?"},
        {},
        {},
        ["Sikasso", "16"],
        ["Mopti", "Gao", "Kayes"],
    ),
    "offices that work on any of several terms, each with its part": (
        A.ActionOfficesWorkingOn,
        {
            "en": "which offices work on FGM or on early childhood?",
            "fr": "quels bureaux travaillent sur l'excision ou la petite enfance ?",
        },
        {"issue": "FGM"},
        {},
        ["Kayes", "Sikasso"],
        ["Mopti", "Gao", *OTHERS],
    ),
    "a fact the page gives for no office, whatever the intent": (
        A.ActionOfficeStaff,
        {
            "en": "what is the phone number of the Gao office?",
            "fr": "quel est le téléphone du bureau de Gao ?",
        },
        {"office": "Gao"},
        {},
        ["Gao", "2013"],
        ["Mopti"],
    ),
    "a fact of 'which office' with no office named": (
        A.ActionOfficeSectors,
        {"en": "which field office also does operations?", "fr": "quel bureau fait aussi des opérations ?"},
        {"sector": "operations"},
        {},
        ["Kayes"],
        ["Mopti", "Gao", "Sikasso", *OTHERS],
    ),
    "the staff of the offices opened in a year, in all": (
        A.ActionTotalStaff,
        {
            "en": "how many staff in total in the offices opened in 2013?",
            "fr": "combien de personnes au total dans les bureaux ouverts en 2013 ?",
        },
        {"year": "2013"},
        {},
        ["40"],
        ["Mopti", *OTHERS],
    ),
    "the month of an opening asked with its year": (
        A.ActionOfficesOpenedIn,
        {
            "en": "in which month of 2013 did Sikasso open?",
            "fr": "en quel mois de 2013 Sikasso a-t-il ouvert ?",
        },
        {"year": "2013", "office": "Sikasso"},
        {},
        ["Sikasso", "2013"],
        ["Gao", "Kayes"],
    ),
    "a stray word tagged beside a ranking": (
        A.ActionOfficeRanking,
        {"en": "Which zone office is the newest?", "fr": "Quel est le bureau de zone le plus récent ?"},
        {"ranking": "newest", "sector": "zone"},
        {},
        ["2016"],
        ["Mopti", "Gao", "Kayes", "Sikasso"],
    ),
    "the longer ranking name in the message wins": (
        A.ActionOfficeRanking,
        {
            "en": "which office has the second fewest staff?",
            "fr": "l'avant-dernier en effectif, le deuxième plus petit ?",
        },
        {"ranking": "last"},
        {},
        ["Kayes", "10"],
        ["Mopti", "Gao", "Sikasso"],
    ),
    "the offices over a staff figure, and how many": (
        A.ActionOfficeStaff,
        {"en": "which offices have more than 15 staff?", "fr": "quels bureaux ont plus de 15 personnes ?"},
        {},
        {},
        ["2", "Mopti", "20", "Sikasso", "16"],
        ["Gao", "Kayes", *OTHERS],
    ),
    "the offices under a staff figure": (
        A.ActionOfficeRanking,
        {"en": "offices with fewer than 11 staff?", "fr": "bureaux de moins de 11 personnes ?"},
        {},
        {},
        ["Kayes", "10", "6"],
        ["Mopti", "Gao", "Sikasso"],
    ),
    "how many offices opened in a year": (
        A.ActionOfficesOpenedIn,
        {"en": "how many offices opened in 2013?", "fr": "combien de bureaux ont ouvert en 2013 ?"},
        {"year": "2013"},
        {},
        ["3", "Gao", "Kayes", "Sikasso"],
        ["Mopti", *OTHERS],
    ),
    "'address' as a verb is no question about an address": (
        A.ActionOfficesWorkingOn,
        {
            "en": "Where does UNICEF address child labour?",
            "fr": "Où l'UNICEF s'attaque-t-elle au travail des enfants ?",
        },
        {"issue": "child labour"},
        {},
        ["Kayes"],
        ["Mopti", "Gao", "Sikasso", *OTHERS],
    ),
    "a superlative of a term is no ranking of offices": (
        A.ActionOfficesWorkingOn,
        {
            "en": "Which offices focus on the most rural areas?",
            "fr": "Quels bureaux visent les zones les plus rurales ?",
        },
        {"issue": "rural areas", "ranking": "most"},
        {},
        ["Kayes"],
        ["Mopti", "Gao", "Sikasso", *OTHERS],
    ),
    "an issue in other words": (
        A.ActionOfficesWorkingOn,
        {
            "en": "which offices help with schools that were closed",
            "fr": "quels bureaux aident les écoles qui ont été fermées",
        },
        {},
        {},
        ["Mopti", "Gao"],
        ["Kayes", "Sikasso", *OTHERS],
    ),
    "a broad word named with one of its own issues asks about the issue": (
        A.ActionOfficesWorkingOn,
        {
            "en": "schooling question: which offices deal with school closures?",
            "fr": "question scolarisation : quels bureaux s'occupent des écoles fermées ?",
        },
        {"issue": "schooling"},
        {},
        ["Mopti", "Gao"],
        ["Kayes", "Sikasso", *OTHERS],
    ),
    "an office written short": (
        A.ActionOfficeStaff,
        {"en": "staff at skso?", "fr": "effectif a skso ?"},
        {},
        {},
        ["Sikasso", "16"],
        ["Mopti", "Gao", "Kayes"],
    ),
    "a question asked with a language request": (
        A.ActionFollowup,
        {"en": "in English please: when did Gao open?", "fr": "en français svp : quand Gao a ouvert ?"},
        {"office": "Gao"},
        {},
        ["2013"],
        [],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_compositions_are_answered_from_the_dataset(conversation, language, case):
    action, texts, entities, slots, must, must_not = CASES[case]
    conversation.slots.update(slots)
    reply = " ".join(conversation.ask(action(), language, entities=entities, text=texts[language]))
    for fragment in must:
        assert _says(reply, fragment), f"{fragment!r} missing from {reply!r}"
    for fragment in must_not:
        assert not _says(reply, fragment), f"{fragment!r} should not be in {reply!r}"
    assert "{" not in reply, f"unfilled placeholder in {reply!r}"


def _says(reply: str, fragment: str) -> bool:
    """Whole words only: "20" is not in "2013"."""
    return re.search(rf"(?<!\w){re.escape(fragment)}(?!\w)", reply) is not None


WORDS = {
    "not said": {"en": "does not say", "fr": "ne le précise pas"},
    "government": {"en": "Government of Mali", "fr": "Gouvernement du Mali"},
}


def test_what_the_page_does_not_say_is_said_with_what_it_does_say(conversation, language):
    text = {"en": "who runs the Gao office?", "fr": "qui dirige le bureau de Gao ?"}[language]
    reply = " ".join(
        conversation.ask(A.ActionUnlistedFact(), language, entities={"office": "Gao"}, text=text)
    )
    assert WORDS["not said"][language] in reply
    assert "2013" in reply and "14" in reply  # what the page gives about Gao
    assert "Mopti" not in reply


def test_a_fact_the_page_does_not_give_without_an_office_lists_what_it_gives(conversation, language):
    reply = " ".join(conversation.ask(A.ActionUnlistedFact(), language, text="budget?"))
    assert WORDS["not said"][language] in reply
    assert all(name in reply for name in ["Bamako", "Mopti", "Gao", "Sikasso", "Kayes"])


def test_the_government_partner_and_why_there_are_field_offices(conversation, language):
    reply = " ".join(conversation.ask(A.ActionUnicefPartner(), language))
    assert WORDS["government"][language] in reply
    assert all(name in reply for name in ["Bamako", "Mopti", "Gao", "Sikasso", "Kayes"])


def test_a_language_request_alone_gets_only_the_acknowledgement(conversation, language):
    assert (
        conversation.ask(A.ActionFollowup(), language, intent="request_language", text="English please") == []
    )


def test_how_an_office_works_on_an_issue_is_told_in_the_page_s_words(conversation, language):
    """Gao: "temporary mechanisms to provide learning to children affected by school closures"."""
    reply = " ".join(
        conversation.ask(
            A.ActionOfficeWorksOn(), language, entities={"office": "Gao", "issue": "closed schools"}
        )
    )
    assert {"en": "temporary", "fr": "temporaires"}[language] in reply


# Conversations: (turns of (action, message {en, fr}, entities)), must, must not; the last reply checked.
CONVERSATIONS = {
    "which of them: the offices of the last list": (
        [
            (
                A.ActionOfficesWorkingOn,
                {
                    "en": "Which offices work on child marriage?",
                    "fr": "Qui travaille sur le mariage d'enfants ?",
                },
                {"issue": "child marriage"},
            ),
            (
                A.ActionOfficeRanking,
                {
                    "en": "Which of them has the bigger team?",
                    "fr": "Lequel des deux a la plus grande équipe ?",
                },
                {"ranking": "bigger"},
            ),
        ],
        ["Mopti", "20"],
        ["Gao", "Sikasso", *OTHERS],
    ),
    "how many staff in those offices altogether": (
        [
            (
                A.ActionOfficesWorkingOn,
                {
                    "en": "Who works on out of school children?",
                    "fr": "Qui travaille sur les enfants non scolarisés ?",
                },
                {"issue": "out of school children"},
            ),
            (
                A.ActionTotalStaff,
                {
                    "en": "how many staff in those offices altogether?",
                    "fr": "combien de personnes au total dans ces bureaux ?",
                },
                {},
            ),
        ],
        ["46"],
        ["Gao", *OTHERS],
    ),
    "more or less than another office, with no ranking word": (
        [
            (
                A.ActionOfficeStaff,
                {"en": "staff in Kayes?", "fr": "personnel à Kayes ?"},
                {"office": "Kayes"},
            ),
            (
                A.ActionOfficeRanking,
                {"en": "more or less than Gao?", "fr": "plus ou moins que Gao ?"},
                {"office": "Gao"},
            ),
        ],
        ["10", "14"],
        ["Mopti", "Sikasso", *OTHERS],
    ),
    "which offices do, then: the term of the yes/no question": (
        [
            (
                A.ActionOfficeWorksOn,
                {"en": "Does Kayes do WASH?", "fr": "Kayes fait de l'EAH ?"},
                {"office": "Kayes", "sector": "WASH"},
            ),
            (A.ActionOfficeRanking, {"en": "so which offices do?", "fr": "alors lesquels en font ?"}, {}),
        ],
        ["Mopti", "Gao", "Sikasso"],
        ["Kayes"],
    ),
    "compared with the office just named": (
        [
            (
                A.ActionOfficeStaff,
                {"en": "Kayes headcount?", "fr": "effectif de Kayes ?"},
                {"office": "Kayes"},
            ),
            (
                A.ActionOfficeStaff,
                {"en": "Is that more or less than Gao?", "fr": "c'est plus ou moins que Gao ?"},
                {"office": "Gao"},
            ),
        ],
        ["10", "14", "4"],
        ["Mopti", "Sikasso", *OTHERS],
    ),
}


@pytest.mark.parametrize("case", sorted(CONVERSATIONS))
def test_follow_ups_refer_to_what_was_just_said(conversation, language, case):
    turns, must, must_not = CONVERSATIONS[case]
    for action, texts, entities in turns:
        reply = " ".join(conversation.ask(action(), language, entities=entities, text=texts[language]))
    for fragment in must:
        assert _says(reply, fragment), f"{fragment!r} missing from {reply!r}"
    for fragment in must_not:
        assert not _says(reply, fragment), f"{fragment!r} should not be in {reply!r}"


ONE_MESSAGE = {
    "all field offices in the order they opened": (
        A.ActionOfficeRanking,
        {
            "en": "List the field offices in the order they opened",
            "fr": "Classe les bureaux par ordre d'ouverture",
        },
        {},
        ["Mopti", "2008", "Gao", "Kayes", "Sikasso", "2013", "2016"],
    ),
    "the smallest office among those opened in a year": (
        A.ActionOfficeRanking,
        {
            "en": "Of the offices opened in 2013, which is the smallest?",
            "fr": "Parmi les bureaux ouverts en 2013, lequel est le plus petit ?",
        },
        {"ranking": "smallest", "year": "2013"},
        ["Kayes", "10"],
    ),
}


@pytest.mark.parametrize("case", sorted(ONE_MESSAGE))
def test_rankings_over_a_part_of_the_offices_or_all_in_order(conversation, language, case):
    action, texts, entities, must = ONE_MESSAGE[case]
    reply = " ".join(conversation.ask(action(), language, entities=entities, text=texts[language]))
    for fragment in must:
        assert _says(reply, fragment), f"{fragment!r} missing from {reply!r}"


def test_regions_the_page_does_not_name_are_said_so_with_those_it_does(conversation, language):
    text = {"en": "which other regions does Sikasso cover?", "fr": "Sikasso couvre quelles autres régions ?"}
    reply = " ".join(
        conversation.ask(
            A.ActionOfficeRegions(), language, entities={"office": "Sikasso"}, text=text[language]
        )
    )
    assert {"en": "names no region", "fr": "aucune autre région"}[language] in reply
    assert all(name in reply for name in ["Sikasso", "Gao", "Ménaka", "Kidal"])


def test_a_message_nlu_could_not_read_is_answered_from_what_it_names(conversation, language):
    text = {
        "en": "Gao and hungry kids, anything going on there?",
        "fr": "Gao et la faim des gosses, ça donne quoi ?",
    }
    reply = " ".join(
        conversation.ask(ActionExplainScope(), language, intent="nlu_fallback", text=text[language])
    )
    assert "Gao" in reply and {"en": "malnutrition", "fr": "malnutrition"}[language] in reply
    assert "Kayes" not in reply  # not the fallback, which names every office


def test_displaced_people_are_every_office_whose_work_is_about_them_each_with_its_part(
    conversation, language
):
    text = {"en": "who is helping IDPs?", "fr": "qui s'occupe des PDI ?"}[language]
    reply = " ".join(
        conversation.ask(A.ActionOfficesWorkingOn(), language, entities={"issue": "IDPs"}, text=text)
    )
    timbuktu = {"en": "Timbuktu", "fr": "Tombouctou"}[language]
    assert all(_says(reply, name) for name in ["Mopti", timbuktu, "2"]), reply
    assert {"en": "nomadic", "fr": "nomades"}[language] in reply  # Timbuktu's part, in its words
    assert not any(_says(reply, name) for name in ["Gao", "Kayes", "Sikasso"]), reply


def test_thanks_with_a_question_get_the_answer(conversation, language):
    text = {
        "en": "thank you!! one more: when did Kayes open?",
        "fr": "merci beaucoup ! encore une : Kayes a ouvert quand ?",
    }
    reply = " ".join(conversation.ask(ActionThank(), language, intent="thank", text=text[language]))
    assert "Kayes" in reply and _says(reply, "2013"), reply


def test_thanks_alone_get_a_welcome(conversation, language):
    text = {"en": "thanks a lot for the Kayes info", "fr": "merci bien pour Kayes"}[language]
    reply = " ".join(conversation.ask(ActionThank(), language, intent="thank", text=text))
    assert {"en": "Glad to help", "fr": "Avec plaisir"}[language] in reply
    assert not _says(reply, "2013"), reply


def test_a_message_nlu_could_not_read_that_names_nothing_gets_the_fallback(conversation, language):
    reply = " ".join(
        conversation.ask(ActionExplainScope(), language, intent="nlu_fallback", text="blorp zzz")
    )
    assert all(name in reply for name in ["Mopti", "Gao", "Kayes", "Sikasso"])


def test_a_staff_question_nlu_could_not_read_lists_every_office_s_staff(conversation, language):
    text = {"en": "all field offices + staff pls, no fluff", "fr": "tous les bureaux + effectif svp"}[
        language
    ]
    reply = " ".join(conversation.ask(ActionExplainScope(), language, intent="nlu_fallback", text=text))
    assert all(_says(reply, n) for n in ["20", "16", "14", "10", "6", "66"]), reply


def test_an_ordering_nlu_could_not_read_lists_every_office_in_order(conversation, language):
    text = {"en": "field offices in the order they opened?", "fr": "les bureaux dans l'ordre d'ouverture ?"}
    reply = " ".join(
        conversation.ask(ActionExplainScope(), language, intent="nlu_fallback", text=text[language])
    )
    assert reply.index("Mopti") < reply.index("Gao") < reply.index("2016"), reply


def test_the_regions_of_an_office_are_just_its_own_when_no_other_is_asked(conversation, language):
    reply = " ".join(conversation.ask(A.ActionOfficeRegions(), language, entities={"office": "Sikasso"}))
    assert "Sikasso" in reply and "Kidal" not in reply
