"""Rasa's Redis lock store, where a message waiting for its turn keeps its ticket.

Rasa 3.6 queues the messages of a conversation behind tickets that expire a fixed time
(TICKET_LOCK_LIFETIME) after they are issued, also while they wait. When a server dies while
holding a conversation's lock, its ticket and the next message's, issued moments later, can
expire within the same poll: both are dropped, the queue is left empty, and the waiting
message never gets its turn (seen here: a request that hung until the client gave up).
Renewing the waiting ticket at each poll keeps it in the queue until the dead one expires,
so the conversation moves on to another server after at most one lifetime.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from rasa.core import lock_store
from rasa.core.lock import TicketLock
from rasa.utils.endpoints import EndpointConfig


class RedisLockStore(lock_store.RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        """From endpoints.yml (Rasa passes custom lock stores their `endpoint_config`)."""
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    async def _acquire_lock(
        self, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        while (lock := self.get_lock(conversation_id)) is not None:
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            self._renew(conversation_id, ticket)
        raise lock_store.LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")

    def _renew(self, conversation_id: str, ticket: int) -> None:
        """Drop the expired tickets, and give the waiting one a new lifetime."""
        lock = self.get_lock(conversation_id)
        if lock is None:
            return
        for waiting in lock.tickets:
            if waiting.number == ticket:
                waiting.expires = time.time() + lock_store.LOCK_LIFETIME
        lock.remove_expired_tickets()
        self.save_lock(lock)
