"""Answering in this process, when no assistant runs: `bin/ask`'s slow path.

The model is trained first if the data changed (`make train`), then loaded with the default
profile's endpoints (or `--endpoints`), so conversations go to the same tracker store as the
server's (rasa.db) and a follow-up works whichever way the question before was answered.
Rasa's agent calls the action endpoint as usual, but `InProcessActions` hands each call to
rasa_sdk's executor (the code the action server runs behind its HTTP route) instead of
sending it over HTTP. Loading takes seconds; each question then takes milliseconds.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

from project import ROOT
from tools.ask import CHANNEL, Asked


def train() -> None:
    """Train if the data, the domain or the config changed since the model was trained."""
    subprocess.run(["make", "-s", "-C", str(ROOT), "train"], stdout=sys.stderr, check=True)


def _quiet() -> None:
    """Keep stdout for the answers: errors only, on stderr (Rasa's structlog prints to stdout)."""
    import structlog

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    logging.disable(logging.WARNING)
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )


async def load(model: Path, endpoints: Path) -> Any:
    """The agent, with the stores of `endpoints` and the actions in this process.

    Relative paths in the endpoints file (the SQLite file) are the project's, as for the
    servers, which run there.
    """
    _quiet()  # before TensorFlow is imported, which reads TF_CPP_MIN_LOG_LEVEL then
    os.chdir(ROOT)
    chatter = io.StringIO()  # dependencies' deprecation warnings while Rasa loads
    try:
        with contextlib.redirect_stderr(chatter):
            from rasa.core.agent import load_agent
            from rasa.core.utils import AvailableEndpoints

            from runtime import agent_setup

            settings = AvailableEndpoints.read_endpoints(str(endpoints))
            settings.action = _in_process_actions()
            agent = await load_agent(model_path=str(model), endpoints=settings)
            agent_setup.configure(agent)  # bounded action calls, no fallback to memory
            # the first prediction builds TensorFlow's graph: not a question's time
            await agent.parse_message("Bonjour")
    except Exception:
        sys.stderr.write(chatter.getvalue())
        raise
    return agent


def _in_process_actions() -> Any:
    """The action endpoint, served by rasa_sdk's executor in this process."""
    from rasa.utils.endpoints import EndpointConfig
    from rasa_sdk.executor import ActionExecutor

    class InProcessActions(EndpointConfig):
        def __init__(self) -> None:
            super().__init__(url="in-process:actions")
            self.executor = ActionExecutor()
            self.executor.register_package("actions")

        async def request(self, method: str = "post", subpath: str | None = None, **kwargs: Any) -> Any:
            return await self.executor.run(kwargs["json"])

    return InProcessActions()


async def ask_each(
    agent: Any, sender: str, questions: Iterable[str], language: str | None
) -> AsyncIterator[Asked]:
    """Each question in turn, in conversation `sender`, with the bot's messages and the time taken."""
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    metadata = {"language": language} if language else None
    for question in questions:
        started = time.perf_counter()
        output = CollectingOutputChannel()
        await agent.handle_message(
            UserMessage(question, output, sender, input_channel=CHANNEL, metadata=metadata)
        )
        yield Asked(question, output.messages, time.perf_counter() - started)
