"""What every channel of this project sets up on the agent once the server has started.

Shared by the REST, socket.io and messaging channels, so that whichever channels
credentials.yml enables, Rasa calls the action server with a bounded wait
(`channels.action_calls`), never falls back to memory when the tracker store fails
(`stores.fail_safe`), and has made its first prediction before the first user comes
(`warm_up`). Each is idempotent: several channels may apply them.
"""

from __future__ import annotations

from rasa.core.agent import Agent
from sanic import Blueprint, Sanic

from channels import action_calls
from stores import fail_safe

# Questions in both languages: everything a first question needs is loaded (the model's graph,
# the language detector's models).
WARM_UP_TEXTS = ("Which offices work on nutrition?", "Quels bureaux travaillent sur la santé ?")
_WARMED_UP = "_warmed_up_by_channels_startup"


async def warm_up(agent: Agent) -> None:
    """Parse two questions, which stores nothing: the first parse builds TensorFlow's graph and
    loads lingua's language models (2.5 s measured here, more on a busy machine), which the
    first visitor's welcome would wait for. The readiness check answers once this is done
    (the same event loop)."""
    if agent.is_ready() and not getattr(agent, _WARMED_UP, False):
        setattr(agent, _WARMED_UP, True)
        for text in WARM_UP_TEXTS:
            await agent.parse_message(text)


def configure_agent_on_start(webhook: Blueprint) -> None:
    """Configure the agent when the server that serves `webhook` has started."""

    @webhook.listener("after_server_start")
    async def configure_agent(app: Sanic, _loop) -> None:
        action_calls.configure(app.ctx.agent)
        fail_safe.refuse_fallback(app.ctx.agent)
        await warm_up(app.ctx.agent)
