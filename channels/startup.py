"""What every channel of this project sets up on the agent once the server has started.

Shared by the REST, socket.io and messaging channels, so that whichever channels
credentials.yml enables, Rasa calls the action server with a bounded wait
(`channels.action_calls`) and never falls back to memory when the tracker store fails
(`stores.fail_safe`). Both settings are idempotent: several channels may apply them.
"""

from __future__ import annotations

from sanic import Blueprint, Sanic

from channels import action_calls
from stores import fail_safe


def configure_agent_on_start(webhook: Blueprint) -> None:
    """Configure the agent when the server that serves `webhook` has started."""

    @webhook.listener("after_server_start")
    async def configure_agent(app: Sanic, _loop) -> None:
        action_calls.configure(app.ctx.agent)
        fail_safe.refuse_fallback(app.ctx.agent)
