"""No silent fallback to memory when the tracker store fails.

Rasa wraps every tracker store in a `FailSafeTrackerStore`: when PostgreSQL (or the SQLite
file) cannot be read, it answers from a new, empty conversation, and when it cannot be
written, it keeps the conversation in this process's memory. The user gets an answer without
the context, the other servers never see the turn, and it is gone at the next restart, with
only a log line to tell. Here the store's error goes up instead: the message is refused with
`utter_service_unavailable` (`channels.apology`) and the user sends it again later.
"""

from __future__ import annotations

from rasa.core.agent import Agent
from rasa.core.tracker_store import FailSafeTrackerStore


def _raise(error: Exception) -> None:
    raise error


def refuse_fallback(agent: Agent) -> None:
    """Make the agent's tracker store raise its errors instead of falling back to memory."""
    store = agent.tracker_store
    if isinstance(store, FailSafeTrackerStore):
        # The callback Rasa calls on each store error (a constructor argument of
        # FailSafeTrackerStore that the Agent does not expose); raising here skips the fallback.
        store._on_tracker_store_error = _raise
