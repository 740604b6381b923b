"""After an answer the user is asked once, with two buttons, whether it helped; never again,
never after a question back to them, never where buttons cannot be clicked."""

from __future__ import annotations

import pytest

from actions import office_actions as A
from actions.feedback_actions import ActionFeedback
from tests.conftest import make_tracker

ASKED = {"en": "Was this answer helpful?", "fr": "Cette réponse vous a-t-elle été utile ?"}
STAFF_IN_GAO = (A.ActionOfficeStaff(), "ask_office_staff", {"office": "Gao"})


def _replies(conversation, language, action, intent, entities, channel="rest"):
    tracker = make_tracker(
        "", intent, entities, {**conversation.slots, "language": language}, channel=channel
    )
    return [conversation.render(m, language) for m in conversation.run(action, tracker)]


def test_the_first_answer_asks_whether_it_helped(conversation, language):
    replies = _replies(conversation, language, *STAFF_IN_GAO)
    assert "14" in replies[0]["text"]  # Gao's staff, from the source page
    assert replies[-1]["text"] == ASKED[language]
    assert [b["payload"] for b in replies[-1]["buttons"]] == ["/feedback_helpful", "/feedback_wrong"]
    assert all(b["title"] for b in replies[-1]["buttons"])
    assert conversation.slots["feedback"] == "offered"


def test_it_is_asked_only_once_per_conversation(conversation, language):
    _replies(conversation, language, *STAFF_IN_GAO)
    later = _replies(
        conversation, language, A.ActionOfficeOpening(), "ask_office_opening", {"office": "Mopti"}
    )
    assert [r["text"] for r in later if r["text"] == ASKED[language]] == []
    assert "2008" in later[0]["text"]


@pytest.mark.parametrize("verdict", ["helpful", "wrong"])
def test_a_user_who_already_rated_an_answer_is_not_asked(conversation, language, verdict):
    conversation.slots["feedback"] = verdict
    replies = _replies(conversation, language, *STAFF_IN_GAO)
    assert ASKED[language] not in [r["text"] for r in replies]


def test_a_question_back_to_the_user_is_not_rated(conversation, language):
    replies = _replies(conversation, language, A.ActionOfficeStaff(), "ask_office_staff", {})
    assert ASKED[language] not in [r["text"] for r in replies]
    assert "feedback" not in conversation.slots


@pytest.mark.parametrize("channel", ["ask", "twilio"])
def test_channels_without_buttons_are_not_asked(conversation, language, channel):
    replies = _replies(conversation, language, *STAFF_IN_GAO, channel=channel)
    assert ASKED[language] not in [r["text"] for r in replies]


RATINGS = {
    "feedback_helpful": {"en": "Thank you!", "fr": "Merci !"},
    "feedback_wrong": {"en": "Thank you for telling me", "fr": "Merci de me l'avoir signalé"},
}


@pytest.mark.parametrize("intent", sorted(RATINGS))
def test_a_rating_after_an_answer_is_acknowledged(conversation, language, intent):
    _replies(conversation, language, *STAFF_IN_GAO)
    replies = _replies(conversation, language, ActionFeedback(), intent, {})
    assert [r["text"] for r in replies] == [replies[0]["text"]] and RATINGS[intent][language] in replies[0][
        "text"
    ]


@pytest.mark.parametrize("intent", sorted(RATINGS))
def test_a_rating_with_no_answer_to_rate_gets_the_help(conversation, language, intent):
    replies = _replies(conversation, language, ActionFeedback(), intent, {})
    assert RATINGS[intent][language] not in replies[0]["text"]
    assert all(office in replies[0]["text"] for office in ("Mopti", "Gao", "Kayes", "Sikasso"))
    assert conversation.slots["feedback"] is None  # the offer may still come
