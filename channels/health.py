"""A readiness check that looks at what a reply needs: the model and both stores.

Rasa's `GET /` only says the process is up. A load balancer should stop sending users to a
server that cannot reach PostgreSQL or Redis, and staff should see which one is missing.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.agent import Agent

logger = logging.getLogger(__name__)

PROBE = "__health_check__"  # a conversation id no client uses; reading it stores nothing


async def check(agent: Agent | None) -> dict[str, Any]:
    """`{"ready": bool, "model": ..., "tracker_store": ..., "lock_store": ...}`, each "ok" or why not."""
    status: dict[str, Any] = {"model": "ok" if agent is not None and agent.is_ready() else "not loaded"}
    if agent is not None:
        status["tracker_store"] = await _probe(agent.tracker_store.retrieve(PROBE))
        status["lock_store"] = await _probe(_lock(agent))
    status["ready"] = all(v == "ok" for v in status.values())
    return status


async def _lock(agent: Agent) -> None:
    agent.lock_store.get_lock(PROBE)


async def _probe(call) -> str:
    try:
        await call
    except Exception as error:  # reported, not raised: this is the check
        logger.error("health check: %s: %s", type(error).__name__, error)
        return f"unreachable ({type(error).__name__})"
    return "ok"
