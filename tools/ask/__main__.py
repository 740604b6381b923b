"""`bin/ask "Quels bureaux travaillent sur l'excision ?"`: one answer, printed, then exit.

Asks the running assistant (`make serve`, or the one at ASSISTANT_URL) when one is ready;
otherwise answers in-process after loading the model, and says so on stderr. Questions given
together (arguments, or one per line on stdin with `-`) are one conversation, and so are calls
a few minutes apart: "And Kayes?" follows the question before; `--new` starts afresh.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from project import MODEL, PROFILES
from tools.ask import Asked, remote, session


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ask", description=__doc__.split("\n\n")[0])
    parser.add_argument("questions", nargs="+", metavar="QUESTION", help="a question; - reads one per line")
    parser.add_argument("--json", action="store_true", help="print the bot's messages as JSON")
    parser.add_argument("--language", choices=["en", "fr"], help="hint for neutral questions such as 'Gao?'")
    parser.add_argument("--timing", action="store_true", help="print load and per-question times on stderr")
    parser.add_argument("--new", action="store_true", help="start a new conversation")
    local = parser.add_argument_group("in-process answers (no assistant running)")
    local.add_argument("--model", type=_absolute, default=MODEL)
    local.add_argument(
        "--endpoints",
        type=_absolute,
        default=PROFILES["default"],
        help="the endpoints file whose tracker store keeps the conversation",
    )
    return parser


def _absolute(path: str) -> Path:
    return Path(path).resolve()


def _questions(args: list[str]) -> Iterator[str]:
    for arg in args:
        if arg == "-":
            yield from (line.strip() for line in sys.stdin if line.strip())
        else:
            yield arg


def _printable(messages: list[dict[str, Any]]) -> str:
    lines = []
    for message in messages:
        if message.get("text"):
            lines.append(message["text"])
        lines.extend(f"  [{button['title']}]" for button in message.get("buttons") or [])
    return "\n".join(lines)


class Printer:
    """Prints each answer as it comes, and keeps the conversation going for the next call."""

    def __init__(self, args: argparse.Namespace, sender: str, state: Path) -> None:
        self.args, self.sender, self.state = args, sender, state

    def __call__(self, asked: Asked) -> None:
        if self.args.json:
            print(json.dumps({"question": asked.question, "messages": asked.messages}, ensure_ascii=False))
        else:
            print(_printable(asked.messages))
        if self.args.timing:
            print(f"{asked.seconds * 1000:.0f} ms: {asked.question}", file=sys.stderr)
        sys.stdout.flush()
        session.keep(self.state, self.sender, time.time())


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    state = session.state_file()
    show = Printer(args, session.conversation(state, time.time(), args.new), state)
    server = remote.address(os.environ)
    started = time.perf_counter()
    try:
        remote.check_ready(server)
    except remote.Unavailable as why:
        print(
            f"No assistant to ask at {server}: {why}. Answering in-process, which loads the model "
            "first (20 s or more); `make serve` in another terminal makes each answer take a second.",
            file=sys.stderr,
        )
        return asyncio.run(_in_process(args, show))
    if args.timing:
        print(f"asking {server} (ready in {(time.perf_counter() - started) * 1000:.0f} ms)", file=sys.stderr)
    try:
        for asked in remote.ask_each(server, show.sender, _questions(args.questions), args.language):
            show(asked)
    except (urllib.error.URLError, OSError, ValueError) as error:
        print(f"ask: the assistant at {server} did not answer: {error}", file=sys.stderr)
        return 1
    return 0


async def _in_process(args: argparse.Namespace, show: Printer) -> int:
    from tools.ask import local

    try:
        local.train()
    except subprocess.CalledProcessError as error:
        print(f"ask: `make train` failed (exit code {error.returncode}); see above", file=sys.stderr)
        return 1
    if not args.model.exists():
        print(f"ask: {args.model} is missing: run `make train` first", file=sys.stderr)
        return 2
    started = time.perf_counter()
    agent = await local.load(args.model, args.endpoints)
    if args.timing:
        print(f"loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    async for asked in local.ask_each(agent, show.sender, _questions(args.questions), args.language):
        show(asked)
    return 0


if __name__ == "__main__":
    sys.exit(main())
