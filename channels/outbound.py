"""The error every messaging channel raises when a platform does not take a message.

A platform refuses a message with a non-2xx answer (Slack with `ok: false`), or cannot be
reached; the output channels turn each client's own error into `SendFailed`, whose reason
names neither a token nor what the user wrote, so it can be logged as it is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from aiohttp import ClientError


class SendFailed(Exception):
    """A platform refused a message, or could not be reached."""

    def __init__(self, platform: str, reason: str) -> None:
        super().__init__(f"{platform} did not take the message: {reason}")
        self.platform = platform
        self.reason = reason


@contextmanager
def platform_call(
    platform: str,
    method: str,
    refusals: tuple[type[Exception], ...] = (),
    reason: Callable[[Exception], str] = str,
) -> Iterator[None]:
    """Turn a client's `refusals` (described by `reason`) and a platform out of reach into
    `SendFailed` for `method`."""
    try:
        yield
    except refusals as error:
        raise SendFailed(platform, f"{method}: {reason(error)}") from error
    except (ClientError, asyncio.TimeoutError) as error:
        raise SendFailed(platform, f"{method}: no answer ({type(error).__name__})") from error
