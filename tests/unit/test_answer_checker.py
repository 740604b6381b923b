"""The evaluation's answer checker (tools/answer_checker.py, tools/evaluate_answers.py).

Replies are rendered from the real domain.yml by Rasa's own response generator (as the
assistant sends them), so the checker is tried on what users read, not on its own patterns.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tools.answer_checker import (
    KINDS,
    Item,
    check,
    dataset_facts,
    domain_responses,
    load_items,
    response_kind,
)
from tools.evaluate import markdown
from tools.evaluate_answers import SELECTIONS, SETS, Result, last_reply, printed, summary


def item(**fields) -> Item:
    return Item(**{"id": "t-1", "language": "en", "kind": "own_words", "ask": ("q",), **fields})


@pytest.fixture
def say(conversation, dataset):
    """A domain response as the user reads it, its placeholders filled from the dataset."""

    def render(name: str, language: str = "en", **values: str) -> str:
        offices = [o.name(language) for o in dataset.field_offices]
        defaults = {
            "main": dataset.main_office.name(language),
            "offices": ", ".join(offices),
            "country": dataset.country.name(language),
            "kind": dataset.office_kinds.field(language),
        }
        return conversation.render({"response": name, **defaults, **values}, language)["text"]

    return render


# -- facts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reply, fact, found",
    [
        ("Gao has 3 staff on the ground.", "3", True),
        ("Gao has 33 staff on the ground.", "3", False),
        ("UNICEF opened its field office in Gao in 2013.", "3", False),
        ("UNICEF opened its field office in Gao in 2013.", "13", False),
        ("UNICEF opened its field office in Gao in 2013.", "2013", True),
        ("Offices: Mopti, Kayes.", "Kayes", True),
        ("Offices: Mopti, Kayesville.", "Kayes", False),
        ("Offices working on early marriage: Mopti.", "marriage", True),
    ],
)
def test_facts_are_matched_on_word_boundaries(reply, fact, found):
    assert dataset_facts().contains(reply, fact) is found


@pytest.mark.parametrize(
    "reply, fact",
    [
        ("Le bureau couvre MÉNAKA.", "Menaka"),
        ("The office covers menaka.", "Ménaka"),
        ("À Ségou", "segou"),
        ("offices: mopti and KAYES", "Kayes"),
    ],
)
def test_facts_are_matched_whatever_the_case_and_accents(reply, fact):
    assert dataset_facts().contains(reply, fact)


@pytest.mark.parametrize(
    "reply, fact",
    [("Le bureau de Tombouctou couvre …", "Timbuktu"), ("The Timbuktu field office", "Tombouctou")],
)
def test_timbuktu_and_tombouctou_are_one_name(reply, fact):
    assert dataset_facts().contains(reply, fact)
    assert not dataset_facts().contains(reply, "Tombouct")  # still whole words only


def test_names_in_one_language_do_not_stand_for_other_offices():
    assert not dataset_facts().contains("Le bureau de Tombouctou", "Gao")


# -- response kinds -----------------------------------------------------------------


def test_every_domain_response_is_recognised_as_itself(domain, say):
    """Each template of domain.yml, rendered with filled placeholders, is told apart from the others."""
    wrong = []
    for name, variants in domain.responses.items():
        for language in {"en", "fr"}:
            if not any(v.get("text") for v in variants):
                continue
            text = say(name, language, **dict.fromkeys(["term", "office", "date", "staff", "issues"], "Xyz"))
            found = domain_responses().recognise(text)
            if found is None or found.name != name:
                wrong.append((name, language, found and found.name))
    assert not wrong


@pytest.mark.parametrize(
    "name, kind",
    [
        ("utter_fallback", "non_answer"),
        ("utter_help", "non_answer"),
        ("utter_out_of_scope", "non_answer"),
        ("utter_ask_office", "non_answer"),
        ("utter_ask_ranking", "non_answer"),
        ("utter_ask_feedback", "accompanying"),
        ("utter_office_staff_unknown", "not_said"),
        ("utter_staff_unknown_for", "not_said"),
        ("utter_not_on_page", "not_said"),
        ("utter_regions_unlisted", "not_said"),
        ("utter_unknown_term", "non_answer"),
        ("utter_offices_working_on", "answer"),
    ],
)
def test_response_kinds_follow_their_names(name, kind):
    assert response_kind(name) == kind


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    "response", ["utter_fallback", "utter_help", "utter_out_of_scope", "utter_ask_office"]
)
def test_a_reply_naming_every_office_is_no_pass(say, response, language):
    reply = say(response, language)
    verdict = check(item(language=language, must=("Mopti", "Kayes")), [reply])
    assert verdict.facts_right  # the facts are there…
    assert not verdict.real_answer and not verdict.right  # …but it answers nothing
    assert not verdict.invented  # and a non-answer states no fact


def test_a_real_answer_passes_and_an_unwanted_fact_is_invented(say):
    reply = say("utter_offices_working_on", count="2", term="child marriage", offices="Mopti, Kayes")
    assert check(item(must=("Mopti", "Kayes"), must_not=("Gao",)), [reply]).right
    wrong = check(item(must=("Mopti",), must_not=("Kayes",)), [reply])
    assert not wrong.right and wrong.unwanted == ["Kayes"] and wrong.invented == ["Kayes"]


def test_an_answer_beside_a_non_answer_is_no_pass(say):
    answer = say("utter_office_staff", office="Gao", staff="33")
    assert not check(item(must=("33",)), [answer, say("utter_fallback")]).right


def test_an_answer_with_the_feedback_question_or_a_language_switch_passes(say):
    answer = say("utter_office_staff", office="Gao", staff="33")
    switched, feedback = say("utter_language_switched"), say("utter_ask_feedback")
    assert check(item(must=("33",)), [switched, answer, feedback]).right
    assert not check(item(must=()), [say("utter_language_switched")]).right  # acknowledged, not answered


def test_a_text_that_is_no_domain_response_is_no_pass():
    verdict = check(item(must=("Gao",)), ["Gao is a lovely town."])
    assert verdict.responses == ["?"] and not verdict.right


# -- the page does not say ----------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr"])
def test_not_said_passes_only_on_a_does_not_say_response(say, language):
    unknown = say("utter_office_staff_unknown", language, office="Bamako", known="Mopti 66, Gao 33")
    staff = say("utter_office_staff", language, office="Gao", staff="33")
    question = item(language=language, not_said=True, must=("Bamako",))
    assert check(question, [unknown]).right
    assert not check(question, [staff.replace("Gao", "Bamako")]).right  # an answer is not "not said"
    assert not check(question, [say("utter_fallback", language)]).right
    assert not check(item(language=language, must=("Bamako",)), [unknown]).right  # nor the reverse


def test_not_said_still_needs_its_facts(say):
    unknown = say("utter_office_opening_unknown", office="Bamako", since="1960")
    assert not check(item(not_said=True, must=("Bamako",), must_not=("1960",)), [unknown]).right
    assert not check(item(not_said=True, must=("Kayes",)), [unknown]).right


def test_answered_by_names_the_social_reply_that_is_right(say):
    help_text = say("utter_help")
    assert check(item(kind="conversation", answered_by=("utter_help",), must=("Mopti",)), [help_text]).right
    assert not check(item(kind="conversation", must=("Mopti",)), [help_text]).right


# -- conversations ------------------------------------------------------------------


def test_only_the_reply_to_the_last_message_is_checked(say):
    turns = {
        "How many staff in Gao?": [{"text": say("utter_office_staff", office="Gao", staff="33")}],
        "and who runs it?": [{"text": say("utter_fallback")}],
    }
    asked = []

    def send(sender: str, text: str) -> list[dict]:
        asked.append((sender, text))
        return turns[text]

    question = item(ask=("How many staff in Gao?", "and who runs it?"), must=("33",))
    reply = last_reply(send, question)
    assert [t for _, t in asked] == list(question.ask)
    assert len({s for s, _ in asked}) == 1  # one conversation
    assert reply == [turns["and who runs it?"][0]["text"]]
    assert not check(question, reply).right  # the first turn's right answer does not count
    flipped = item(ask=("and who runs it?", "How many staff in Gao?"), must=("33",))
    assert check(flipped, last_reply(send, flipped)).right


# -- sets ---------------------------------------------------------------------------


def _write(tmp_path: Path, entries: list[dict]) -> Path:
    path = tmp_path / "set.yml"
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    return path


BASE = {"id": "A-en-001", "language": "en", "kind": "own_words", "ask": ["Which offices work on FGM?"]}


def test_a_set_in_the_blind_format_loads(tmp_path):
    entry = {**BASE, "ask": ["hi", "FGM?"], "must": ["Kayes"], "must_not": ["Gao"], "not_said": False}
    [loaded] = load_items(_write(tmp_path, [{**entry, "source": "quote"}]), KINDS)
    assert loaded.ask == ("hi", "FGM?") and loaded.must == ("Kayes",) and loaded.must_not == ("Gao",)


@pytest.mark.parametrize(
    "entries, problem",
    [
        ([{**BASE, "must": ["Timbuktu"], "must_not": ["Tombouctou"]}], "both in must and must_not"),
        ([BASE, BASE], "used twice"),
        ([{**BASE, "kind": "offices_by_issue"}], "kind"),
        ([{**BASE, "language": "es"}], "language"),
        ([{k: v for k, v in BASE.items() if k != "ask"}], "'ask' is missing"),
    ],
)
def test_a_broken_set_is_refused(tmp_path, entries, problem):
    with pytest.raises(ValueError, match=re.escape(problem)):
        load_items(_write(tmp_path, entries), KINDS)


def test_the_team_set_loads_with_its_own_kinds():
    items = load_items(Path(__file__).parents[1] / "eval" / "questions.yml")
    assert len(items) >= 200 and any(i.not_said for i in items)


def _result(kind: str, right: bool, language: str = "en") -> Result:
    return Result(
        "blind-sealed",
        f"{kind}-{right}",
        language,
        kind,
        ["secret question"],
        "secret reply",
        ["utter_office_staff"],
        True,
        right,
        True,
        [] if right else ["SecretFact"],
        [],
        [],
    )


def test_summary_by_language_kind_and_group():
    rows = [_result("composition", True), _result("composition", False), _result("own_words", True)]
    figures = summary(rows)
    en = figures["by_language"]["en"]
    assert en["by_group"]["composition"]["right"] == 1 and en["by_group"]["composition"]["questions"] == 2
    assert en["by_group"]["other"]["answers_right"] == 1.0
    assert figures["by_kind"]["composition"]["answers_right"] == 0.5
    assert [f["id"] for f in figures["failures"]] == ["composition-False"]


def test_sealed_failures_show_ids_and_kinds_only():
    [shown] = summary([_result("composition", False)], sealed=True)["failures"]
    assert "secret" not in str(shown).lower()
    assert shown["id"] == "composition-False" and shown["kind"] == "composition"


def test_the_sealed_sets_are_scored_only_when_asked_for_by_name():
    sealed = {name for name, questions in SETS.items() if questions.sealed}
    assert sealed == {"blind-sealed", "blind-c-sealed", "blind-d-sealed"}
    for selection, names in SELECTIONS.items():
        assert selection.startswith("sealed") or not sealed & set(names), selection
    assert SELECTIONS["sealed-c"] == ("blind-c-sealed",)
    assert SELECTIONS["sealed-d"] == ("blind-d-sealed",)


def test_the_report_renders_a_sealed_run_without_its_texts():
    """The sealed set is scored once: its report must not fail after the scoring, nor show texts."""
    rows = [_result("composition", False), _result("own_words", True), _result("own_words", False, "fr")]
    scored = {"blind-sealed": {**summary(rows, sealed=True), "date": "2026-12-02", "command": "make eval"}}
    page = markdown({"date": "2026-12-02", "answers": scored}, 'make eval EVAL_ARGS="--sets sealed"')
    text = printed(scored)
    assert "| composition | 0/1 (0%) |  |" in page and "| own_words | 1/1 (100%) | 0/1 (0%) |" in page
    assert "`composition-False` (composition, en)" in page and "composition-False" in text
    assert "secret" not in (page + text).lower()
