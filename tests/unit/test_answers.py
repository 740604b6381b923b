"""Every kind of question, in both languages, answered by the real actions and rendered
with the real domain. Expected facts are typed from the source page, not from the code."""

from __future__ import annotations

import pytest

from actions import office_actions as A
from actions.scope_actions import ActionExplainScope
from actions.terms import Match, vocabularies

FIELD = ["Mopti", "Gao", "Sikasso", "Kayes"]  # same name in both languages
TIMBUKTU = {"en": "Timbuktu", "fr": "Tombouctou"}

# (action, entities, must contain {en, fr} (or both), must not contain)
CASES = {
    "offices by issue": (
        A.ActionOfficesWorkingOn,
        {"issue": "child marriage"},
        {"en": ["Mopti and Kayes"], "fr": ["Mopti et Kayes"]},
        ["Gao", "Sikasso", "Timbuktu", "Tombouctou"],
    ),
    "offices by issue, French synonym": (
        A.ActionOfficesWorkingOn,
        {"issue": "excision"},
        ["Kayes"],
        ["Mopti", "Gao", "Sikasso"],
    ),
    "offices by issue, typo": (
        A.ActionOfficesWorkingOn,
        {"issue": "travail des enfans"},
        ["Kayes"],
        ["Mopti", "Gao", "Sikasso"],
    ),
    "offices by broad topic": (
        A.ActionOfficesWorkingOn,
        {"issue": "malnutrition"},
        ["Mopti", "Gao", "Sikasso"],
        ["Kayes"],
    ),
    "offices by sector": (
        A.ActionOfficesWorkingOn,
        {"sector": "WASH"},
        ["Mopti", "Gao", "Sikasso"],
        ["Kayes"],
    ),
    "offices by sector, French": (
        A.ActionOfficesWorkingOn,
        {"sector": "protection de l'enfant"},
        ["Mopti", "Gao", "Kayes", "Sikasso"],
        ["Tombouctou", "Timbuktu"],
    ),
    "opening with month": (
        A.ActionOfficeOpening,
        {"office": "Tombouctou"},
        {"en": ["January 2016"], "fr": ["janvier 2016"]},
        [],
    ),
    "opening": (A.ActionOfficeOpening, {"office": "Mopti"}, ["2008"], ["2013"]),
    "opening unknown": (
        A.ActionOfficeOpening,
        {"office": "Bamako"},
        {"en": ["does not say", "1960"], "fr": ["ne dit pas", "1960"]},
        [],
    ),
    "staff": (A.ActionOfficeStaff, {"office": "Sikasso"}, ["16"], ["20", "14"]),
    "staff unknown": (
        A.ActionOfficeStaff,
        {"office": "main office"},
        {"en": ["does not give", "Mopti 20"], "fr": ["ne donne pas", "Mopti 20"]},
        [],
    ),
    "sectors": (
        A.ActionOfficeSectors,
        {"office": "Timbuktu"},
        {"en": ["health", "education"], "fr": ["santé", "éducation"]},
        ["child protection", "protection des enfants", "C4D"],
    ),
    "issues": (
        A.ActionOfficeIssues,
        {"office": "Sikasso"},
        {
            "en": ["chronic malnutrition", "early childhood"],
            "fr": ["malnutrition chronique", "petite enfance"],
        },
        ["child marriage", "mariage"],
    ),
    "regions": (A.ActionOfficeRegions, {"office": "Gao"}, ["Gao", "Ménaka", "Kidal"], []),
    "overview": (
        A.ActionOfficeOverview,
        {"office": "Gao"},
        {
            "en": ["2013", "14", "gender-based violence", "Kidal"],
            "fr": ["2013", "14", "violences basées sur le genre", "Kidal"],
        },
        [],
    ),
    "place covered by another office": (A.ActionPlaceOffice, {"place": "Kidal"}, ["Gao"], ["Mopti"]),
    "place without office": (
        A.ActionPlaceOffice,
        {"place": "Ségou"},
        {"en": ["no field office in Ségou", "Mopti"], "fr": ["pas de bureau de zone à Ségou", "Mopti"]},
        [],
    ),
    "the capital": (
        A.ActionPlaceOffice,
        {"place": "Bamako"},
        {"en": ["main office", "no field office"], "fr": ["bureau principal", "pas de bureau de zone"]},
        [],
    ),
    "yes/no: no, and what it does": (
        A.ActionOfficeWorksOn,
        {"office": "Kayes", "sector": "WASH"},
        {"en": ["No", "health"], "fr": ["Non", "santé"]},
        ["Yes", "Oui"],
    ),
    "yes/no: yes": (
        A.ActionOfficeWorksOn,
        {"office": "Kayes", "issue": "FGM"},
        {"en": ["Yes"], "fr": ["Oui"]},
        ["No:", "Non"],
    ),
    "since when": (A.ActionUnicefSince, {}, ["1960"], []),
    "main office": (A.ActionMainOffice, {}, {"en": ["Bamako", "capital"], "fr": ["Bamako", "capitale"]}, []),
    "how many field offices": (A.ActionFieldOfficeCount, {}, ["5", *FIELD], []),
    "total field staff": (A.ActionTotalStaff, {}, ["66"], []),
    "oldest": (A.ActionOfficeRanking, {"ranking": "oldest"}, ["Mopti", "2008"], ["Gao"]),
    "newest": (
        A.ActionOfficeRanking,
        {"ranking": "newest"},
        {"en": ["Timbuktu"], "fr": ["Tombouctou"]},
        ["Mopti"],
    ),
    "most staff": (A.ActionOfficeRanking, {"ranking": "most_staff"}, ["Mopti", "20"], ["Sikasso"]),
    "fewest staff": (
        A.ActionOfficeRanking,
        {"ranking": "fewest_staff"},
        {"en": ["Timbuktu", "6"], "fr": ["Tombouctou", "6"]},
        ["Mopti"],
    ),
    "opened in a year": (
        A.ActionOfficesOpenedIn,
        {"year": "2013"},
        ["Gao", "Kayes", "Sikasso"],
        ["Mopti", "Timbuktu", "Tombouctou"],
    ),
    "opened in a year without openings": (
        A.ActionOfficesOpenedIn,
        {"year": "2010"},
        {"en": ["No UNICEF office", "Mopti 2008"], "fr": ["Aucun bureau", "Mopti 2008"]},
        [],
    ),
    "list of offices": (A.ActionOfficeList, {}, ["Bamako", *FIELD], []),
    "unknown office": (
        A.ActionOfficeStaff,
        {"office": "Paris"},
        {"en": ["don't know", "Paris", "Bamako"], "fr": ["ne connais pas", "Paris", "Bamako"]},
        [],
    ),
    "unknown issue": (
        A.ActionOfficesWorkingOn,
        {"issue": "space travel"},
        {
            "en": ["don't have information", "space travel", "health"],
            "fr": ["pas d'information", "space travel", "santé"],
        },
        ["Mopti", "Sikasso"],
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_question_kind_is_answered_from_the_dataset(conversation, language, case):
    action, entities, must, must_not = CASES[case]
    texts = conversation.ask(action(), language, entities=entities)
    reply = " ".join(texts)
    expected = must[language] if isinstance(must, dict) else must
    for fragment in expected:
        assert fragment in reply, f"{fragment!r} missing from {reply!r}"
    for fragment in must_not:
        assert fragment not in reply, f"{fragment!r} should not be in {reply!r}"
    assert "{" not in reply, f"unfilled placeholder in {reply!r}"


def test_timbuktu_is_named_in_the_reply_language(conversation, language):
    reply = " ".join(
        conversation.ask(A.ActionOfficesWorkingOn(), language, entities={"issue": "nomadic children"})
    )
    assert TIMBUKTU[language] in reply
    assert TIMBUKTU["fr" if language == "en" else "en"] not in reply


def test_which_offices_answer_offers_one_button_per_office(conversation, domain, language):
    tracker_entities = {"issue": "child marriage"}
    from tests.conftest import make_tracker

    messages = conversation.run(
        A.ActionOfficesWorkingOn(), make_tracker(entities=tracker_entities, slots={"language": language})
    )
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles == ["Mopti", "Kayes"]
    assert all(b["payload"].startswith("/ask_office_overview") for b in messages[0]["buttons"])


class TestFollowUps:
    def test_how_many_staff_does_it_have_after_an_office(self, conversation, language):
        conversation.ask(A.ActionOfficeOverview(), language, entities={"office": "Kayes"})
        reply = " ".join(conversation.ask(A.ActionOfficeStaff(), language))
        assert "10" in reply and "Kayes" in reply

    def test_and_kayes_repeats_the_last_kind_of_question(self, conversation, language):
        conversation.ask(A.ActionOfficeStaff(), language, entities={"office": "Gao"})
        reply = " ".join(conversation.ask(A.ActionFollowup(), language, entities={"office": "Kayes"}))
        assert "10" in reply and "14" not in reply

    def test_what_about_fgm_after_an_issue_question(self, conversation, language):
        conversation.ask(A.ActionOfficesWorkingOn(), language, entities={"issue": "child marriage"})
        reply = " ".join(conversation.ask(A.ActionFollowup(), language, entities={"issue": "FGM"}))
        assert "Kayes" in reply and "Mopti" not in reply

    def test_and_kayes_after_an_issue_question_is_a_yes_no(self, conversation, language):
        conversation.ask(A.ActionOfficesWorkingOn(), language, entities={"issue": "child marriage"})
        reply = " ".join(conversation.ask(A.ActionFollowup(), language, entities={"office": "Sikasso"}))
        assert reply.startswith({"en": "No", "fr": "Non"}[language])

    def test_what_about_fgm_after_a_yes_no_keeps_the_office(self, conversation, language):
        conversation.ask(
            A.ActionOfficeWorksOn(), language, entities={"office": "Mopti", "issue": "child marriage"}
        )
        reply = " ".join(conversation.ask(A.ActionFollowup(), language, entities={"issue": "FGM"}))
        assert reply.startswith({"en": "No", "fr": "Non"}[language]) and "Mopti" in reply

    def test_a_follow_up_without_context_asks_for_the_whole_question(self, conversation, language):
        texts = conversation.ask(A.ActionFollowup(), language)
        assert len(texts) == 1 and "?" in texts[0]

    def test_an_office_question_without_any_office_asks_which(self, conversation, language):
        reply = " ".join(conversation.ask(A.ActionOfficeStaff(), language))
        assert {"en": "Which office?", "fr": "Quel bureau ?"}[language] in reply


class TestScope:
    @pytest.mark.parametrize(
        "intent, text, extra, expected",
        [
            ("ask_help", "help", {}, {"en": "I can tell you", "fr": "Je peux vous dire"}),
            ("out_of_scope", "weather?", {}, {"en": "only answer questions", "fr": "ne réponds qu'aux"}),
            ("nlu_fallback", "blorp", {}, {"en": "didn't understand", "fr": "pas compris"}),
            (
                "nlu_fallback",
                "",
                {"refused": {"reason": "empty", "limit": 2000}},
                {"en": "empty", "fr": "vide"},
            ),
            (
                "nlu_fallback",
                "",
                {"refused": {"reason": "too_long", "limit": 2000}},
                {"en": "2,000", "fr": "2"},
            ),
            (
                "nlu_fallback",
                "hola",
                {"foreign_language": "es"},
                {"en": "only understand English and French", "fr": "que le français et l'anglais"},
            ),
        ],
    )
    def test_the_reply_says_why_and_what_it_knows(
        self, conversation, language, intent, text, extra, expected
    ):
        reply = " ".join(
            conversation.ask(ActionExplainScope(), language, intent=intent, text=text, parse_extra=extra)
        )
        assert expected[language] in reply
        assert "{" not in reply


class TestWhatTheMessageNamed:
    def test_a_stray_word_tagged_by_nlu_is_skipped(self, dataset):
        from actions.mentions import pick_mentions

        said = pick_mentions(
            {"issue": ["de", "chronic_malnutrition"], "ranking": ["le", "newest"]}, "", dataset
        )
        assert said.term == "chronic_malnutrition" and said.ranking == "newest"

    def test_an_unknown_word_is_kept_so_the_reply_can_name_it(self, dataset):
        from actions.mentions import pick_mentions

        assert pick_mentions({"office": ["Paris"]}, "", dataset).office == "Paris"

    def test_a_name_nlu_missed_is_found_in_the_message(self, dataset):
        from actions.mentions import pick_mentions

        said = pick_mentions({}, "Ménaka dépend de quel bureau ?", dataset)
        assert said.place == "menaka"
        said = pick_mentions({}, "quels bureaux luttent contre les penuries alimentaires", dataset)
        assert said.term == "community_resilience"

    def test_a_name_cut_in_pieces_is_put_back_together(self, dataset):
        from actions.mentions import entity_values, pick_mentions

        text = "who works on child mariage in mali"
        entities = [
            {"entity": "issue", "value": "child", "start": 13, "end": 18},
            {"entity": "issue", "value": "mariage", "start": 19, "end": 26},
            {"entity": "language", "value": "en", "start": 0, "end": 0},
        ]
        assert "child mariage" in entity_values(entities, text)["issue"]
        term = pick_mentions(entity_values(entities, text), text, dataset).term
        assert vocabularies(dataset).terms.resolve(term) == Match("issue", "child_marriage")

    def test_a_region_asked_as_an_office_question_gets_its_office(self, conversation, language):
        reply = " ".join(conversation.ask(A.ActionOfficeRegions(), language, entities={"place": "Ménaka"}))
        assert "Gao" in reply and "Ménaka" in reply

    def test_a_part_of_a_longer_name_means_the_longer_name(self, dataset):
        from actions.mentions import pick_mentions

        said = pick_mentions(
            {"issue": ["malnutrition"]}, "Quels bureaux font de la prévention de la malnutrition ?", dataset
        )
        assert said.term == "malnutrition_prevention"

    def test_an_issue_question_naming_an_office_is_a_yes_no(self, conversation, language):
        texts = conversation.ask(
            A.ActionOfficesWorkingOn(), language, entities={"office": "Gao", "issue": "GBV"}
        )
        assert " ".join(texts).startswith({"en": "Yes", "fr": "Oui"}[language])

    def test_a_yes_no_without_any_office_lists_the_offices(self, conversation, language):
        texts = conversation.ask(A.ActionOfficeWorksOn(), language, entities={"issue": "FGM"})
        assert "Kayes" in " ".join(texts) and "Mopti" not in " ".join(texts)

    def test_stray_fragment_end_to_end(self, conversation, language):
        texts = conversation.ask(
            A.ActionOfficesWorkingOn(), language, entities={"issue": "chronic_malnutrition"}
        )
        assert "Sikasso" in " ".join(texts)


def test_no_placeholder_shadows_a_field_of_the_bot_message(domain):
    """Values are passed to utter_message as keyword arguments: `text`, `buttons`… would
    replace the message itself instead of filling the sentence."""
    import re

    reserved = {
        "text",
        "image",
        "json_message",
        "attachment",
        "buttons",
        "elements",
        "response",
        "template",
        "custom",
        "quick_replies",
    }
    placeholders = {
        name
        for variants in domain.responses.values()
        for variant in variants
        for name in re.findall(r"{(\w+)}", variant.get("text", ""))
    }
    assert placeholders and not placeholders & reserved
