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
from actions.scope_actions import ActionExplainScope, ActionGreet, ActionThank

OTHERS = ["Timbuktu", "Tombouctou"]

# (action, message {en, fr}, entities NLU would tag (a value or {en, fr}), slots before, must contain,
# must not contain)
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
    "the staff of the offices a year selects, summed": (
        A.ActionOfficesOpenedIn,
        {
            "en": "how many people work in the offices that opened in 2013, all told?",
            "fr": "combien de personnes dans les bureaux ouverts en 2013, en tout ?",
        },
        {"year": "2013"},
        {},
        ["14", "10", "16", "40"],
        ["Mopti", *OTHERS],
    ),
    "the staff of the offices an issue selects, summed": (
        A.ActionOfficesWorkingOn,
        {
            "en": "the offices on child marriage: how many staff do they have between them?",
            "fr": "les bureaux sur le mariage d'enfants : combien de personnel à eux deux ?",
        },
        {"issue": "child marriage"},
        {},
        ["Mopti", "Kayes", "20", "10", "30"],
        ["Gao", "Sikasso", *OTHERS],
    ),
    "how many offices work on an issue stays a count of offices": (
        A.ActionOfficesWorkingOn,
        {
            "en": "how many offices help displaced people?",
            "fr": "combien de bureaux aident les personnes déplacées ?",
        },
        {"issue": "displaced people"},
        {},
        ["Mopti", "2"],
        ["66", "Gao", "Kayes", "Sikasso"],
    ),
    "a ranking word that ranks another fact than the one asked of an office": (
        A.ActionOfficeRanking,
        {
            "en": "you helped me earlier, thanks. Kayes: how many staff?",
            "fr": "merci pour le premier message ! Kayes, combien de personnes ?",
        },
        {"office": "Kayes"},
        {},
        ["Kayes", "10"],
        ["Mopti", "20", *OTHERS],
    ),
    "a yes/no question that is no, and who does then": (
        A.ActionOfficeWorksOn,
        {
            "en": "is Kayes doing anything on WASH? if not, which offices are?",
            "fr": "Kayes fait-il de l'EAH ? sinon, quels bureaux en font ?",
        },
        {"office": "Kayes", "sector": "WASH"},
        {},
        ["Kayes", "Mopti", "Gao", "Sikasso"],
        [],
    ),
    "two rankings in one message": (
        A.ActionOfficeRanking,
        {
            "en": "name the newest field office, and the oldest",
            "fr": "le bureau de zone le plus récent, et le plus ancien ?",
        },
        {"ranking": {"en": "newest", "fr": "le plus récent"}},
        {},
        ["Mopti", "2008", "2016"],
        ["Gao", "Kayes", "Sikasso"],
    ),
    "the exact day an office opened, where the page gives the month": (  # never the day
        A.ActionOfficeOpening,
        {
            "en": "on what day exactly did Timbuktu open?",
            "fr": "quel jour exactement Tombouctou a-t-il ouvert ?",
        },
        {"office": "Timbuktu"},
        {},
        ["2016", {"en": "not the day", "fr": "pas le jour"}],
        [],
    ),
    "what does an office do, read as a yes/no question with no term": (
        A.ActionOfficeWorksOn,
        {"en": "wht does the Gao office do", "fr": "le bureau de Gao fait quoi"},
        {"office": "Gao"},
        {},
        ["Gao", "2013", "14"],
        ["Mopti", "Kayes", "Sikasso"],
    ),
    "a way of working only some offices have: community-led": (
        A.ActionOfficesWorkingOn,
        {
            "en": "who relies on community-driven work?",
            "fr": "qui mise sur des approches communautaires ?",
        },
        {},
        {},
        ["Kayes", "Sikasso", "2"],
        ["Mopti", "Gao", *OTHERS],
    ),
    "an office whose work on the same issue is not community-led": (
        A.ActionOfficeWorksOn,
        {
            "en": "is Mopti's work community-led?",
            "fr": "Mopti a-t-il une approche communautaire ?",
        },
        {"office": "Mopti"},
        {},
        ["Mopti", {"en": "No", "fr": "Non"}],
        [],
    ),
    "who the user is is not a fact asked: an NGO worker": (
        A.ActionOfficesWorkingOn,
        {
            "en": "I'm with a small NGO in the south: who runs programmes against stunting?",
            "fr": "je travaille pour une ONG du sud : qui agit contre le retard de croissance ?",
        },
        {"issue": {"en": "stunting", "fr": "retard de croissance"}},
        {},
        ["Sikasso"],
        ["Mopti", "Gao", "Kayes", *OTHERS],
    ),
    "a word NLU tagged that names nothing, beside one that does": (
        A.ActionOfficesWorkingOn,
        {
            "en": "which office gets folks to build latrines",
            "fr": "quel bureau pousse les gens à construire des latrines",
        },
        {"issue": {"en": "folks", "fr": "gens"}},
        {},
        ["Sikasso"],
        ["Mopti", "Gao", "Kayes", *OTHERS],
    ),
    "my first day is no ranking": (
        ActionGreet,
        {
            "en": "hi, first day here! which branches does UNICEF have?",
            "fr": "bonjour, premier jour ici ! l'UNICEF a quelles antennes ?",
        },
        {},
        {},
        ["Mopti", "Gao", "Kayes", "Sikasso"],
        ["2008"],
    ),
    "the fewest staff and the one just above": (
        A.ActionOfficeRanking,
        {
            "en": "which office has the fewest staff, and which comes just above?",
            "fr": "quel bureau a le moins de personnel, et lequel est juste au-dessus ?",
        },
        {"ranking": {"en": "fewest staff", "fr": "le moins de personnel"}},
        {},
        ["6", "Kayes", "10"],
        ["Mopti", "Gao", "Sikasso"],
    ),
    "toddlers and the « com »": (
        A.ActionOfficesWorkingOn,
        {"en": "who does something for toddlers?", "fr": "qui fait de la com ?"},
        {},
        {},
        [{"en": "Sikasso", "fr": "Kayes"}],
        [{"en": "Kayes", "fr": "Sikasso"}],
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
    reply = " ".join(
        conversation.ask(action(), language, entities=_tagged(entities, language), text=texts[language])
    )
    _check(reply, must, must_not, language)
    assert "{" not in reply, f"unfilled placeholder in {reply!r}"


def _check(reply: str, must: list, must_not: list, language: str) -> None:
    """Every fact of `must` in the reply and none of `must_not`; a fact given as {en, fr} differs
    by language."""
    for fragment in must:
        fragment = fragment[language] if isinstance(fragment, dict) else fragment
        assert _says(reply, fragment), f"{fragment!r} missing from {reply!r}"
    for fragment in must_not:
        fragment = fragment[language] if isinstance(fragment, dict) else fragment
        assert not _says(reply, fragment), f"{fragment!r} should not be in {reply!r}"


def _tagged(entities: dict, language: str) -> dict[str, str]:
    """The entities NLU would tag, where they differ by language given as {en, fr}."""
    return {name: value[language] if isinstance(value, dict) else value for name, value in entities.items()}


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
    "the two offices asked about one after the other, compared": (
        [
            (
                A.ActionOfficeSectors,
                {"en": "Kayes: its sectors?", "fr": "Kayes : ses secteurs ?"},
                {"office": "Kayes"},
            ),
            (A.ActionFollowup, {"en": "and Sikasso?", "fr": "et Sikasso ?"}, {"office": "Sikasso"}),
            (
                A.ActionOfficeRanking,
                {"en": "of the two, which has more people?", "fr": "lequel des deux a le plus de monde ?"},
                {"ranking": "more people"},
            ),
        ],
        ["Sikasso", "16", "Kayes", "10"],
        ["Mopti", "Gao", *OTHERS],
    ),
    "in total: the two offices just asked about, one after the other": (
        [
            (A.ActionOfficeStaff, {"en": "Kayes staff?", "fr": "personnel de Kayes ?"}, {"office": "Kayes"}),
            (A.ActionFollowup, {"en": "and Gao?", "fr": "et Gao ?"}, {"office": "Gao"}),
            (A.ActionTotalStaff, {"en": "so in total?", "fr": "donc au total ?"}, {}),
        ],
        ["24"],
        ["66", "Mopti", *OTHERS],
    ),
    "the difference: the two offices just asked about": (
        [
            (
                A.ActionOfficeStaff,
                {"en": "Sikasso staff?", "fr": "effectif à Sikasso ?"},
                {"office": "Sikasso"},
            ),
            (A.ActionFollowup, {"en": "and Mopti?", "fr": "et Mopti ?"}, {"office": "Mopti"}),
            (ActionExplainScope, {"en": "what's the gap then?", "fr": "et l'écart ?"}, {}),
        ],
        ["16", "20", "4"],
        ["Gao", "Kayes", *OTHERS],
    ),
    "the first office talked about, two turns back": (
        [
            (A.ActionOfficeStaff, {"en": "Kayes staff?", "fr": "effectif à Kayes ?"}, {"office": "Kayes"}),
            (A.ActionFollowup, {"en": "and Gao?", "fr": "et Gao ?"}, {"office": "Gao"}),
            (
                A.ActionOfficeRanking,
                {
                    "en": "back to the first office: when did it open?",
                    "fr": "revenons au premier bureau : il a ouvert quand ?",
                },
                {"ranking": {"en": "first", "fr": "premier"}},
            ),
        ],
        ["Kayes", "2013"],
        ["Gao", "Mopti", "2008", *OTHERS],
    ),
    "the first of a ranking compared with the office just talked about": (
        [
            (A.ActionOfficeStaff, {"en": "Gao staff?", "fr": "effectif de Gao ?"}, {"office": "Gao"}),
            (
                A.ActionOfficeRanking,
                {
                    "en": "and the largest office, how many more people than that?",
                    "fr": "et le plus grand bureau, combien de personnes de plus que ça ?",
                },
                {"ranking": {"en": "largest", "fr": "plus grand"}},
            ),
        ],
        ["Mopti", "20", "14", "6"],
        ["Kayes", "Sikasso", *OTHERS],
    ),
    "the first of a ranking, then the other way round": (
        [
            (
                A.ActionOfficeRanking,
                {"en": "the oldest office?", "fr": "le bureau le plus ancien ?"},
                {"ranking": {"en": "oldest", "fr": "plus ancien"}},
            ),
            (A.ActionFollowup, {"en": "and the opposite?", "fr": "et l'inverse ?"}, {}),
        ],
        ["2016"],
        ["Mopti", "2008"],
    ),
    "any other office on the same issue": (
        [
            (
                A.ActionOfficeWorksOn,
                {
                    "en": "does Gao treat severe acute malnutrition?",
                    "fr": "Gao traite-t-il la malnutrition aiguë sévère ?",
                },
                {
                    "office": "Gao",
                    "issue": {"en": "severe acute malnutrition", "fr": "malnutrition aiguë sévère"},
                },
            ),
            (
                ActionExplainScope,
                {"en": "any other offices on it?", "fr": "d'autres bureaux là-dessus ?"},
                {},
            ),
        ],
        ["Gao", {"en": "Timbuktu", "fr": "Tombouctou"}],
        ["Mopti", "Kayes", "Sikasso"],
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
        reply = " ".join(
            conversation.ask(action(), language, entities=_tagged(entities, language), text=texts[language])
        )
    _check(reply, must, must_not, language)


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
    reply = " ".join(
        conversation.ask(action(), language, entities=_tagged(entities, language), text=texts[language])
    )
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


def test_a_greeting_with_a_question_gets_the_answer(conversation, language):
    text = {
        "en": "good morning to the team! a quick one: what year did Sikasso open?",
        "fr": "bonjour à toute l'équipe ! petite question : Sikasso a ouvert en quelle année ?",
    }
    reply = " ".join(conversation.ask(ActionGreet(), language, intent="greet", text=text[language]))
    assert "Sikasso" in reply and _says(reply, "2013"), reply


def test_an_office_and_one_of_its_facts_are_answered_even_when_read_as_off_topic(conversation, language):
    text = {
        "en": "Dear Sir or Madam, for my thesis I would need the opening year of the Kayes antenna. Regards",
        "fr": "Madame, Monsieur, pour mon mémoire il me faudrait l'année d'ouverture de l'antenne de Kayes.",
    }
    reply = " ".join(
        conversation.ask(ActionExplainScope(), language, intent="out_of_scope", text=text[language])
    )
    assert "Kayes" in reply and _says(reply, "2013"), reply


def test_how_many_women_work_in_an_office_is_not_on_the_page(conversation, language):
    text = {"en": "how many women work at the Gao office?", "fr": "combien de femmes au bureau de Gao ?"}
    reply = " ".join(
        conversation.ask(A.ActionOfficeStaff(), language, entities={"office": "Gao"}, text=text[language])
    )
    assert WORDS["not said"][language] in reply, reply


def test_a_greeting_alone_gets_a_greeting_back(conversation, language):
    reply = " ".join(conversation.ask(ActionGreet(), language, intent="greet", text="hello"))
    assert {"en": "Hello", "fr": "Bonjour"}[language] in reply
    assert not _says(reply, "2013"), reply


@pytest.mark.parametrize(
    "texts, must",
    [
        ({"en": "what branches does UNICEF run here?", "fr": "l'UNICEF a quelles antennes ici ?"}, []),
        ({"en": "how many field offices in total?", "fr": "il y a combien de bureaux en tout ?"}, ["5"]),
    ],
)
def test_a_question_about_the_offices_nlu_could_not_read_lists_them(conversation, language, texts, must):
    reply = " ".join(
        conversation.ask(ActionExplainScope(), language, intent="nlu_fallback", text=texts[language])
    )
    assert all(_says(reply, n) for n in ["Mopti", "Gao", "Kayes", "Sikasso", *must]), reply
    assert {"en": "didn't understand", "fr": "pas compris"}[language] not in reply


def test_a_ranking_in_order_the_other_way_round_is_the_reverse_order(conversation, language):
    sort = {
        "en": "sort the offices from largest to smallest",
        "fr": "classe les bureaux du plus gros au plus petit",
    }
    conversation.ask(
        A.ActionOfficeRanking(),
        language,
        entities={"ranking": {"en": "largest", "fr": "plus gros"}[language]},
        text=sort[language],
    )
    flip = {"en": "now the other way around", "fr": "maintenant dans l'autre sens"}[language]
    reply = " ".join(conversation.ask(A.ActionFollowup(), language, text=flip))
    timbuktu = {"en": "Timbuktu", "fr": "Tombouctou"}[language]
    at = [
        reply.find(f"{name} {staff}")
        for name, staff in [(timbuktu, 6), ("Kayes", 10), ("Gao", 14), ("Sikasso", 16), ("Mopti", 20)]
    ]
    assert -1 not in at and at == sorted(at), reply
