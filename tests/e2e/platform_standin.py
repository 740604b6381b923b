"""A stand-in for the platforms' outgoing APIs, on loopback: it records what the bot sends.

One aiohttp server, in a thread of the test process, answers as Telegram's Bot API
(`/telegram/bot<token>/<method>`), Slack's Web API (`/slack/<method>`), Meta's Graph API
(`/facebook/me/messages`) and Twilio's REST API (`/twilio/2010-04-01/Accounts/<sid>/Messages.json`)
do, with the smallest answer each client accepts. The Rasa server is pointed at it through
the channels' `*_API_URL` variables.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

TELEGRAM_BOT = {"id": 6021452387, "is_bot": True, "first_name": "UNICEF Mali", "username": "unicef_mali_bot"}


@dataclass(frozen=True)
class Call:
    """One request the bot made to a platform: which, which method, and its parameters."""

    platform: str
    method: str
    params: dict[str, Any]


class PlatformStandIn:
    """The stand-in server; `calls` is everything it received, in order."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        app = web.Application()
        app.router.add_post("/telegram/bot{token}/{method}", self._telegram)
        app.router.add_post("/slack/{method}", self._slack)
        app.router.add_post("/facebook/me/{method}", self._facebook)
        app.router.add_post("/twilio/2010-04-01/Accounts/{sid}/{method}", self._twilio)
        self._runner = web.AppRunner(app)
        threading.Thread(target=self._loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(10)

    async def _serve(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    def received(self, platform: str, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.platform == platform and c.method == method]

    def wait_for(self, found: Callable[[], list[Call]], count: int = 1, timeout: float = 30) -> list[Call]:
        """The calls `found` returns once there are `count` of them (Slack answers in the background)."""
        deadline = time.monotonic() + timeout
        while len(calls := found()) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        return calls

    async def _record(self, request: web.Request, platform: str) -> Call:
        if request.content_type == "application/json":
            params = await request.json()
        else:
            params = dict(await request.post())
        call = Call(platform, request.match_info["method"], params)
        with self._lock:
            self.calls.append(call)
        return call

    async def _telegram(self, request: web.Request) -> web.Response:
        call = await self._record(request, "telegram")
        results = {
            "getMe": TELEGRAM_BOT,
            "setWebhook": True,
            "sendMessage": {
                "message_id": len(self.calls),
                "date": int(time.time()),
                "chat": {"id": int(call.params.get("chat_id", 0)), "type": "private"},
                "text": call.params.get("text", ""),
            },
        }
        return web.json_response({"ok": True, "result": results.get(call.method, True)})

    async def _slack(self, request: web.Request) -> web.Response:
        call = await self._record(request, "slack")
        return web.json_response(
            {"ok": True, "channel": call.params.get("channel"), "ts": f"{time.time():.6f}"}
        )

    async def _facebook(self, request: web.Request) -> web.Response:
        call = await self._record(request, "facebook")
        recipient = call.params.get("recipient", {}).get("id")
        return web.json_response({"recipient_id": recipient, "message_id": f"m_{len(self.calls)}"})

    async def _twilio(self, request: web.Request) -> web.Response:
        call = await self._record(request, "twilio")
        sid = f"SM{len(self.calls):032d}"
        reply = {"sid": sid, "status": "queued", **{k.lower(): v for k, v in call.params.items()}}
        return web.json_response(reply, status=201)
