"""`bin/ask "Quels bureaux travaillent sur l'excision ?"`: one answer, printed, then exit.

For staff in a terminal or a script, with no server to start: the model and the actions
run in this process. Rasa's agent calls the action endpoint as usual, but `InProcessActions`
hands each call to rasa_sdk's executor (the code the action server runs behind its HTTP
route) instead of sending it over HTTP. Several questions in one call (arguments, or one per
line on stdin with `-`) are one conversation, so "And Kayes?" follows the question before it;
loading takes seconds, each question then milliseconds (`--timing` prints both on stderr).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import logging
import os
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from project import MODEL

CHANNEL = "ask"  # the input channel's name in stored conversations (no buttons to click here)


@dataclass(frozen=True)
class Asked:
    question: str
    messages: list[dict[str, Any]]
    seconds: float


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


async def _load(model: Path) -> Any:
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig
    from rasa_sdk.executor import ActionExecutor

    from runtime import agent_setup

    class InProcessActions(EndpointConfig):
        """The action endpoint, served by rasa_sdk's executor in this process."""

        def __init__(self) -> None:
            super().__init__(url="in-process:actions")
            self.executor = ActionExecutor()
            self.executor.register_package("actions")

        async def request(self, method: str = "post", subpath: str | None = None, **kwargs: Any) -> Any:
            return await self.executor.run(kwargs["json"])

    agent = Agent.load(model, action_endpoint=InProcessActions())
    agent_setup.configure(agent)
    await agent.parse_message(
        "Bonjour"
    )  # the first prediction builds TensorFlow's graph: not a question's time
    return agent


async def _ask(agent: Any, questions: Iterable[str], language: str | None) -> AsyncIterator[Asked]:
    """Each question in turn, in one conversation, with the bot's messages and the time taken."""
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    sender = f"ask-{uuid.uuid4().hex[:8]}"
    metadata = {"language": language} if language else None
    for question in questions:
        started = time.perf_counter()
        output = CollectingOutputChannel()
        await agent.handle_message(
            UserMessage(question, output, sender, input_channel=CHANNEL, metadata=metadata)
        )
        yield Asked(question, output.messages, time.perf_counter() - started)


def _printable(messages: list[dict[str, Any]]) -> str:
    lines = []
    for message in messages:
        if message.get("text"):
            lines.append(message["text"])
        lines.extend(f"  [{button['title']}]" for button in message.get("buttons") or [])
    return "\n".join(lines)


def _questions(args: list[str]) -> Iterator[str]:
    for arg in args:
        if arg == "-":
            yield from (line.strip() for line in sys.stdin if line.strip())
        else:
            yield arg


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ask", description=__doc__.split("\n\n")[0])
    parser.add_argument("questions", nargs="+", metavar="QUESTION", help="a question; - reads one per line")
    parser.add_argument("--json", action="store_true", help="print the bot's messages as JSON")
    parser.add_argument("--language", choices=["en", "fr"], help="hint for neutral questions such as 'Gao?'")
    parser.add_argument("--timing", action="store_true", help="print load and per-question times on stderr")
    parser.add_argument("--model", type=Path, default=MODEL)
    args = parser.parse_args(argv)
    if not args.model.exists():
        parser.error(f"{args.model} is missing: run `make train` first")

    _quiet()
    asyncio.run(_run(args))
    return 0


async def _run(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    chatter = io.StringIO()  # dependencies' deprecation warnings while Rasa loads
    try:
        with contextlib.redirect_stderr(chatter):
            agent = await _load(args.model)
    except Exception:
        sys.stderr.write(chatter.getvalue())
        raise
    if args.timing:
        print(f"loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    async for asked in _ask(agent, _questions(args.questions), args.language):
        if args.json:
            print(json.dumps({"question": asked.question, "messages": asked.messages}, ensure_ascii=False))
        else:
            print(_printable(asked.messages))
        if args.timing:
            print(f"{asked.seconds * 1000:.0f} ms: {asked.question}", file=sys.stderr)
        sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
