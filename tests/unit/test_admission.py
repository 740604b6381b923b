"""Admission to a Rasa server under a burst (runtime/admission.py) and what a turn that could
not be answered leaves in the conversation (runtime/turns.py). The servers under a real
burst: tests/e2e/test_production_profile.py."""

from __future__ import annotations

import asyncio

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from runtime import turns
from runtime.admission import DEFAULT_LIMIT, DEFAULT_WAIT, Gate, Settings


async def _enter_all(gate: Gate, waits: list[float]) -> list[bool]:
    return list(await asyncio.gather(*(gate.enter(w) for w in waits)))


def test_the_limit_enters_at_once_and_the_next_is_refused_after_its_wait() -> None:
    async def run() -> tuple[list[bool], float, int]:
        gate = Gate(2)
        loop = asyncio.get_running_loop()
        started = loop.time()
        entered = await _enter_all(gate, [1, 1, 0.2])
        return entered, loop.time() - started, gate.holders

    entered, elapsed, holders = asyncio.run(run())
    assert entered == [True, True, False]
    assert 0.15 < elapsed < 0.9  # the third waited its own 0.2 s, not the others' second
    assert holders == 2


def test_a_place_left_goes_to_the_longest_waiting_in_order() -> None:
    async def run() -> list[str]:
        gate = Gate(1)
        order: list[str] = []

        async def visitor(name: str) -> None:
            assert await gate.enter(5)
            order.append(name)
            await asyncio.sleep(0.01)
            gate.leave()

        await asyncio.gather(*(visitor(name) for name in "abcde"))
        assert gate.holders == 0 and gate.waiting == 0
        return order

    assert asyncio.run(run()) == list("abcde")


def test_a_waiter_cancelled_after_being_given_a_place_gives_it_back() -> None:
    """A client that went away must not shrink the server for good."""

    async def run() -> int:
        gate = Gate(1)
        assert await gate.enter(1)
        waiter = asyncio.ensure_future(gate.enter(5))
        await asyncio.sleep(0)
        gate.leave()  # handed to the waiter...
        waiter.cancel()  # ...which is cancelled before it runs again
        with pytest.raises(asyncio.CancelledError):
            await waiter
        return gate.holders

    assert asyncio.run(run()) == 0


def test_a_timed_out_waiter_is_forgotten_and_the_place_goes_to_the_next() -> None:
    async def run() -> tuple[bool, bool, int]:
        gate = Gate(1)
        assert await gate.enter(1)
        late = await gate.enter(0.01)
        later = asyncio.ensure_future(gate.enter(5))
        await asyncio.sleep(0)
        gate.leave()
        return late, await later, gate.holders

    assert asyncio.run(run()) == (False, True, 1)


def test_settings_come_from_the_environment_and_bad_values_are_refused() -> None:
    assert Settings.from_environment({}) == Settings(DEFAULT_LIMIT, DEFAULT_WAIT)
    assert Settings.from_environment(
        {"RASA_MAX_CONCURRENT_MESSAGES": "8", "RASA_ADMISSION_WAIT": "2.5"}
    ) == Settings(8, 2.5)
    for bad in ({"RASA_MAX_CONCURRENT_MESSAGES": "0"}, {"RASA_MAX_CONCURRENT_MESSAGES": "two"}):
        with pytest.raises(ValueError, match="RASA_MAX_CONCURRENT_MESSAGES"):
            Settings.from_environment(bad)
    for wait in ("-1", "soon", "600"):
        with pytest.raises(ValueError, match="RASA_ADMISSION_WAIT"):
            Settings.from_environment({"RASA_ADMISSION_WAIT": wait})


def _conversation(domain) -> DialogueStateTracker:
    """One answered question about Gao's staff, then a question whose action failed."""
    tracker = DialogueStateTracker("t", domain.slots)
    for event in (
        ActionExecuted("action_listen"),
        UserUttered("How many staff does Gao have?", {"name": "ask_office_staff", "confidence": 1.0}),
        ActionExecuted("action_office_staff"),
        BotUttered("Gao: 14 staff"),
        SlotSet("office", "gao"),
        SlotSet("last_question", "staff"),
        ActionExecuted("action_listen"),
        UserUttered("When did Mopti open?", {"name": "ask_office_opening", "confidence": 1.0}),
        SlotSet("language", "en"),
        ActionExecuted("action_office_opening"),  # Rasa logs it, without the failed action's events
        ActionExecuted("action_listen"),
    ):
        tracker.update(event)
    return tracker


def test_a_turn_counts_as_answered_only_with_a_bot_message_after_the_user_message(domain) -> None:
    tracker = _conversation(domain)
    assert not turns.answered(tracker)
    tracker.update(BotUttered("sorry"))
    assert turns.answered(tracker)
    assert not turns.answered(DialogueStateTracker("new", domain.slots))


def test_a_reverted_turn_keeps_its_events_and_leaves_the_context_of_the_answer_before(domain) -> None:
    tracker = _conversation(domain)
    turns.close_unanswered(tracker, BotUttered("Sorry, I can't look that up right now."), domain)
    stored = [e.text for e in tracker.events if isinstance(e, UserUttered | BotUttered)]
    assert stored[-2:] == ["When did Mopti open?", "Sorry, I can't look that up right now."]
    # What the dialogue goes on from: the question answered before, its slots, its intent.
    assert tracker.latest_message.text == "How many staff does Gao have?"
    assert tracker.get_slot("office") == "gao" and tracker.get_slot("last_question") == "staff"
    assert [e.text for e in tracker.applied_events() if isinstance(e, UserUttered)] == [
        "How many staff does Gao have?"
    ]
    # The next message is seen by the policies as a new user turn, after action_listen.
    assert tracker.latest_action_name == "action_listen"
    tracker.update(UserUttered("And Kayes?", {"name": "ask_followup", "confidence": 1.0}))
    assert tracker.past_states(domain)[-1]["user"]["intent"] == "ask_followup"


def test_actions_in_process_answer_as_the_action_server_does(domain) -> None:
    """Rasa's own RemoteAction, its call and its response check, on the in-process endpoint."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator

    from runtime.in_process_actions import InProcessActions

    tracker = DialogueStateTracker("t", domain.slots)
    for event in (
        ActionExecuted("action_listen"),
        UserUttered(
            "How many staff does the Sikasso office have?",
            {"name": "ask_office_staff", "confidence": 1.0},
            [{"entity": "office", "value": "Sikasso", "start": 24, "end": 31}],
        ),
        SlotSet("language", "en"),
    ):
        tracker.update(event)
    action = RemoteAction("action_office_staff", InProcessActions("actions"))
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    events = asyncio.run(action.run(CollectingOutputChannel(), nlg, tracker, domain))
    said = " ".join(e.text or "" for e in events if isinstance(e, BotUttered))
    assert "16" in said and "Sikasso" in said, said  # the source page: Sikasso, 16 staff
    assert SlotSet("office", "sikasso") in events
