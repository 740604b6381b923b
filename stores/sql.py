"""Rasa's SQL tracker store (SQLite by default, PostgreSQL in production), with two fixes.

1. **A cost per message that does not grow with the conversation.** Rasa rebuilds the whole
   conversation session from the database for every message, and its policies then replay
   it event by event: at turn 300 of one conversation a message costs about five times
   what it costs at turn 10 (`make bench`, docs/performance.md). Nothing here looks further
   back than a few turns (rules are a turn or two long, MemoizationPolicy's max_history is 3,
   follow-ups live in slots), so a message is handled with only the last RECENT_TURNS turns,
   preceded by the latest value of every slot set before them. Everything is still stored,
   and the HTTP API's tracker endpoint still returns the whole conversation.
2. **Only ids the database can keep.** `sender_id_problem` says why a conversation id would
   make the database refuse the whole message (PostgreSQL keeps no NUL character, the
   column holds 255 characters, text must be valid Unicode): the channels and the API refuse
   such ids with a 400 instead of failing later.
3. **Dead pooled connections replaced.** Rasa never checks its pooled connections: after
   PostgreSQL restarts or the network drops, every message sent on a dead one fails.
   `pool_pre_ping` tests a connection when it is taken from the pool and replaces it if it is
   dead, so service resumes with the first message once PostgreSQL is back.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from rasa.core import tracker_store
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

RECENT_TURNS = 10
MAX_SENDER_ID = 255  # Rasa's `events.sender_id` column: String(255)
LOADED = "_events_loaded_from_store"  # set on a tracker built from a window of its events


def sender_id_problem(sender_id: str) -> str | None:
    """Why the database could not keep a conversation with this id, if it could not."""
    if not sender_id.strip():
        return "it is empty"
    if len(sender_id) > MAX_SENDER_ID:
        return f"it is longer than {MAX_SENDER_ID} characters"
    if "\x00" in sender_id:
        return "it contains a NUL character"
    if not encodable(sender_id):
        return "it is not valid Unicode text (a lone surrogate)"
    return None


def encodable(text: str) -> bool:
    """Whether `text` is valid Unicode (JSON's "\\ud800" escape makes a lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class SQLTrackerStore(tracker_store.SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **tracker_store.create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session's last RECENT_TURNS turns, after the slots set before them."""
        with self.session_scope() as session:
            stored = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
            start = self._window_start(stored)
            if start is None:  # a short conversation: all of it
                rows = stored.all()
            else:
                slots = self._latest_slot_events(stored.filter(self.SQLEvent.id < start))
                rows = [*slots, *stored.filter(self.SQLEvent.id >= start).all()]
        if not rows or not self.domain:
            return None
        tracker = DialogueStateTracker.from_dict(
            sender_id, [json.loads(r.data) for r in rows], self.domain.slots
        )
        if start is not None:
            setattr(tracker, LOADED, len(tracker.events))
        return tracker

    def _window_start(self, stored: sa.orm.Query) -> int | None:
        """The id of the `action_listen` before the RECENT_TURNS-th last user message, if any."""
        event = self.SQLEvent
        user_messages = stored.filter(event.type_name == "user").order_by(None).order_by(event.id.desc())
        oldest_kept = user_messages.offset(RECENT_TURNS - 1).limit(1).with_entities(event.id).scalar()
        if oldest_kept is None:
            return None
        listen = (
            stored.filter(event.action_name == "action_listen", event.id < oldest_kept)
            .order_by(None)
            .with_entities(sa.func.max(event.id))
            .scalar()
        )
        return listen if listen is not None else oldest_kept

    def _latest_slot_events(self, before: sa.orm.Query) -> list:
        event = self.SQLEvent
        latest = (
            before.filter(event.type_name == "slot")
            .order_by(None)
            .with_entities(sa.func.max(event.id))
            .group_by(event.action_name)
        )
        ids = [row[0] for row in latest.all()]  # one per slot
        return before.session.query(event).filter(event.id.in_(ids)).order_by(event.id).all()

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        if hasattr(tracker, LOADED):  # saved up to here: a second save adds only what follows
            setattr(tracker, LOADED, len(tracker.events))

    def _additional_events(self, session: sa.orm.Session, tracker: DialogueStateTracker) -> Iterator[Event]:
        """The events added since the tracker was read or saved (Rasa counts the stored
        events, which only works for a tracker read in full)."""
        if hasattr(tracker, LOADED):
            return itertools.islice(tracker.events, getattr(tracker, LOADED), None)
        return super()._additional_events(session, tracker)
