"""Users can say whether an answer helped, through the buttons or in their own words, over
the real servers; the question is asked once per conversation and can be ignored."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.servers

QUESTION = {"en": "How many staff does the Gao office have?", "fr": "Combien de personnes au bureau de Gao ?"}
ASKED = {"en": "helpful", "fr": "utile"}
THANKS = {"en": "Thank you!", "fr": "Merci !"}
NOTED = {"en": "Thank you for telling me", "fr": "Merci de me l'avoir signalé"}
WRONG = {"en": "that's wrong", "fr": "c'est faux"}


def _offer(messages: list[dict]) -> dict | None:
    return next((m for m in messages if m.get("buttons") and "/feedback_helpful" in str(m["buttons"])), None)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_first_answer_offers_the_buttons_and_a_click_is_thanked(assistant, sender, language):
    messages = assistant.send(sender, QUESTION[language])
    assert "14" in messages[0]["text"]  # Gao's staff, from the source page
    offer = _offer(messages)
    assert offer and ASKED[language] in offer["text"]
    assert [b["payload"] for b in offer["buttons"]] == ["/feedback_helpful", "/feedback_wrong"]

    assert THANKS[language] in assistant.ask(sender, "/feedback_helpful")
    assert _offer(assistant.send(sender, QUESTION[language])) is None  # asked once only


ASK_OFFICE = {"en": "How many staff?", "fr": "Combien de personnes ?"}  # which office? (nothing to rate)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_that_is_wrong_in_words_is_noted_and_the_question_is_not_asked_after(assistant, sender, language):
    assert _offer(assistant.send(sender, QUESTION[language]))
    assert NOTED[language] in assistant.ask(sender, WRONG[language])

    other = f"{sender}-unprompted"
    assert _offer(assistant.send(other, ASK_OFFICE[language])) is None
    assert NOTED[language] in assistant.ask(other, WRONG[language])  # unprompted
    assert _offer(assistant.send(other, QUESTION[language])) is None  # already rated


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_rating_before_any_answer_gets_what_the_assistant_knows(assistant, sender, language):
    reply = assistant.ask(sender, WRONG[language])
    assert NOTED[language] not in reply
    assert all(office in reply for office in ("Mopti", "Gao", "Kayes", "Sikasso"))  # the help
    assert _offer(assistant.send(sender, QUESTION[language]))  # nothing was rated


@pytest.mark.parametrize("symbol, reply", [("👍", THANKS["fr"]), ("👎", NOTED["fr"])])
def test_a_thumb_alone_rates_the_answer(assistant, sender, symbol, reply):
    assistant.send(sender, QUESTION["fr"])
    assert reply in assistant.ask(sender, symbol)


def test_ignoring_the_question_changes_nothing(assistant, sender):
    assistant.send(sender, QUESTION["en"])
    messages = assistant.send(sender, "And Kayes?")
    assert "10" in messages[0]["text"] and _offer(messages) is None  # Kayes' staff
