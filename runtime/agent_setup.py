"""The agent as this project runs it, whichever channels are on.

Rasa calls the action server with the endpoint's timeout and a response schema checked once
(`runtime.action_calls`), and a tracker store error is never hidden by a fallback to memory
(`runtime.fail_safe`). Applied by `runtime.server` once the Rasa server has loaded its agent,
and by `bin/ask` to its in-process agent. Idempotent.
"""

from __future__ import annotations

from rasa.core.agent import Agent

from runtime import action_calls, fail_safe


def configure(agent: Agent) -> None:
    action_calls.configure(agent)
    fail_safe.refuse_fallback(agent)
