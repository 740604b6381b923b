"""The Sanic listeners that apply the run-time setup to a Rasa server (`runtime.__main__`
passes them to Rasa as `server_listeners`)."""

from __future__ import annotations

from asyncio import AbstractEventLoop
from collections.abc import Callable
from functools import partial

from sanic import Sanic

from runtime import agent_setup, api, redaction

Listener = tuple[Callable[[Sanic, AbstractEventLoop], object], str]


def _guard_api(token: str, app: Sanic, _loop: AbstractEventLoop) -> None:
    api.guard(app, token)


def _redact_logs(_app: Sanic, _loop: AbstractEventLoop) -> None:
    redaction.install()


async def _configure_agent(app: Sanic, _loop: AbstractEventLoop) -> None:
    agent_setup.configure(app.ctx.agent)
    await agent_setup.warm_up(app.ctx.agent)


def listeners(api_token: str | None) -> list[Listener]:
    """(listener, event) pairs. The API's guard is registered before Sanic fixes its routes
    (`main_process_start`); the log filter once Rasa has set up its log handlers; the agent is
    configured and warmed up once Rasa has loaded it (`after_server_start`)."""
    guard = [(partial(_guard_api, api_token), "main_process_start")] if api_token else []
    return [*guard, (_redact_logs, "before_server_start"), (_configure_agent, "after_server_start")]
