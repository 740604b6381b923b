"""At most a few messages handled at a time by one Rasa server; the rest wait a bounded time,
then get an honest, stored "busy, please send it again" (`runtime.turns.store_unread`).

A Rasa server handles every message it receives at once, in one event loop: under a burst
(100 conversations on 2 cores) each message's NLU and policies run interleaved with a
hundred others, so a message waits seconds for the loop between its steps, its call to the
action server outlives the endpoint's timeout although the action server answered in
milliseconds, and the user is told "Sorry, I can't look that up" (docs/performance.md,
"Under a burst"). Admitting `limit` messages at a time keeps each admitted message as fast
as on a quiet server; the others queue in arrival order for at most `wait` seconds. What
the server cannot take in that time is shed, cheaply and honestly, rather than answered late
or wrongly. Applied to the agent's processor (`admit`), under the conversation's lock, so
it holds whichever channel the message came from; handling also yields to the event loop
once admitted, so the health check and `/version` answer during a burst.

Settings (environment of the Rasa server): RASA_MAX_CONCURRENT_MESSAGES (default 3) and
RASA_ADMISSION_WAIT (seconds, default 4).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

from runtime import turns

logger = logging.getLogger(__name__)

LIMIT_VARIABLE, WAIT_VARIABLE = "RASA_MAX_CONCURRENT_MESSAGES", "RASA_ADMISSION_WAIT"
DEFAULT_LIMIT, DEFAULT_WAIT = 3, 4.0
_ADMITTED = "_admission_by_runtime"  # set on a processor once `admit` wrapped it


@dataclass(frozen=True)
class Settings:
    limit: int = DEFAULT_LIMIT
    wait: float = DEFAULT_WAIT

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        limit = environ.get(LIMIT_VARIABLE, "").strip() or str(DEFAULT_LIMIT)
        wait = environ.get(WAIT_VARIABLE, "").strip() or str(DEFAULT_WAIT)
        if not limit.isdigit() or int(limit) < 1:
            raise ValueError(f"{LIMIT_VARIABLE} must be a whole number, at least 1, not {limit!r}")
        try:
            seconds = float(wait)
        except ValueError:
            seconds = -1.0
        if not 0 <= seconds <= 60:
            raise ValueError(f"{WAIT_VARIABLE} must be a number of seconds from 0 to 60, not {wait!r}")
        return cls(int(limit), seconds)


class Gate:
    """`limit` holders at a time; the others wait in arrival order, each for at most its `wait`.

    Written on futures rather than `asyncio.wait_for(semaphore.acquire())`, whose timeout can
    swallow a permit acquired just as it fires (Python 3.10) and shrink the server for good.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.holders = 0
        self._waiting: deque[asyncio.Future[bool]] = deque()

    @property
    def waiting(self) -> int:
        return sum(not future.done() for future in self._waiting)

    async def enter(self, wait: float) -> bool:
        """Whether a place was given within `wait` seconds (then `leave` must follow)."""
        if self.holders < self.limit and not self.waiting:
            self.holders += 1
            return True
        loop = asyncio.get_running_loop()
        turn: asyncio.Future[bool] = loop.create_future()
        self._waiting.append(turn)
        timer = loop.call_later(wait, lambda: turn.done() or turn.set_result(False))
        try:
            return await turn
        except asyncio.CancelledError:  # the client went away: a place handed over is given back
            if turn.done() and not turn.cancelled() and turn.result():
                self.leave()
            raise
        finally:
            timer.cancel()
            if turn in self._waiting and turn.done():
                self._waiting.remove(turn)

    def leave(self) -> None:
        """Hand the place to the longest waiting message, or free it."""
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(True)
                return
        self.holders -= 1


Handle = Callable[[UserMessage], Awaitable[Any]]
PredictionLoop = Callable[[Any, DialogueStateTracker], Awaitable[None]]


def admit(agent: Agent, settings: Settings | None = None) -> None:
    """Bound the messages `agent` handles at once, and store the reply of every turn that could
    not be answered (`runtime.turns`). Idempotent."""
    processor: MessageProcessor | None = agent.processor
    if processor is None or getattr(processor, _ADMITTED, False):
        return
    settings = settings or Settings.from_environment()
    gate = Gate(settings.limit)
    handle: Handle = processor.handle_message
    run_prediction_loop: PredictionLoop = processor._run_prediction_loop

    async def handle_message(message: UserMessage) -> Any:
        if not await gate.enter(settings.wait):
            logger.warning(
                "busy: %d messages handled, %d waiting; sender %s told to send the message again",
                gate.holders,
                gate.waiting,
                message.sender_id,
            )
            return await turns.store_unread(processor, message)
        try:
            await asyncio.sleep(0)  # let the requests that came meanwhile (health checks) answer
            return await handle(message)
        finally:
            gate.leave()

    async def prediction_loop(output_channel: Any, tracker: DialogueStateTracker) -> None:
        await run_prediction_loop(output_channel, tracker)
        await turns.apologise_if_silent(processor, output_channel, tracker)

    processor.handle_message = handle_message  # type: ignore[method-assign]
    processor._run_prediction_loop = prediction_loop  # type: ignore[method-assign]
    setattr(processor, _ADMITTED, True)
    logger.info("at most %d messages at a time, each waiting at most %s s", settings.limit, settings.wait)
