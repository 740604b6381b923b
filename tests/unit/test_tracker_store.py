"""The tracker store reads only the recent turns of a conversation, and loses nothing."""

from __future__ import annotations

import asyncio

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from stores.sql import RECENT_TURNS, SQLTrackerStore


@pytest.fixture
def store(tmp_path, domain) -> SQLTrackerStore:
    store = SQLTrackerStore(dialect="sqlite", db=str(tmp_path / "rasa.db"))
    store.domain = domain
    return store


def converse(store: SQLTrackerStore, turns: int, sender: str = "long") -> None:
    """`turns` turns, each read from the store and saved back, as the Rasa server does."""

    async def run() -> None:
        for turn in range(turns):
            tracker = await store.retrieve(sender) or await store.create_tracker(sender)
            tracker.update(UserUttered(f"question {turn}"))
            tracker.update(ActionExecuted("action_office_staff"))
            if turn == 0:
                tracker.update(SlotSet("office", "gao"))
            if turn == turns - 3:
                tracker.update(SlotSet("language", "en"))
            tracker.update(BotUttered(f"answer {turn}"))
            tracker.update(ActionExecuted("action_listen"))
            await store.save(tracker)

    asyncio.run(run())


def texts(tracker, kind: str) -> list[str]:
    return [event.text for event in tracker.events if event.type_name == kind]


def test_a_message_is_handled_with_the_recent_turns_only(store):
    converse(store, 3 * RECENT_TURNS)
    recent = asyncio.run(store.retrieve("long"))
    assert texts(recent, "user") == [f"question {t}" for t in range(2 * RECENT_TURNS, 3 * RECENT_TURNS)]


def test_slots_set_before_the_recent_turns_are_kept(store):
    converse(store, 3 * RECENT_TURNS)
    recent = asyncio.run(store.retrieve("long"))
    assert recent.get_slot("office") == "gao"  # set at the first turn
    assert recent.get_slot("language") == "en"


def test_every_event_is_stored_once(store):
    turns = 3 * RECENT_TURNS
    converse(store, turns)
    full = asyncio.run(store.retrieve_full_tracker("long"))
    assert texts(full, "user") == [f"question {t}" for t in range(turns)]
    assert texts(full, "bot") == [f"answer {t}" for t in range(turns)]


def test_a_tracker_saved_twice_adds_its_new_events_once(store):
    converse(store, 2 * RECENT_TURNS)

    async def save_twice() -> None:
        tracker = await store.retrieve("long")
        tracker.update(UserUttered("again"))
        await store.save(tracker)
        tracker.update(BotUttered("once more"))
        await store.save(tracker)

    asyncio.run(save_twice())
    full = asyncio.run(store.retrieve_full_tracker("long"))
    assert texts(full, "user")[-2:] == [f"question {2 * RECENT_TURNS - 1}", "again"]
    assert texts(full, "bot")[-2:] == [f"answer {2 * RECENT_TURNS - 1}", "once more"]


def test_a_short_conversation_is_read_whole(store):
    converse(store, RECENT_TURNS - 1, sender="short")
    assert len(texts(asyncio.run(store.retrieve("short")), "user")) == RECENT_TURNS - 1
