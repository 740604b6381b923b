"""A stand-in for the platforms' outgoing APIs, on loopback: it records what the bot sends.

One aiohttp server, in a thread of the test process, answers as Telegram's Bot API
(`/telegram/bot<token>/<method>`), Slack's Web API (`/slack/<method>`), Meta's Graph API
(`/facebook/me/messages`) and Twilio's REST API (`/twilio/2010-04-01/Accounts/<sid>/Messages.json`)
do, with the smallest answer each client accepts. The Rasa server is pointed at it through
the channels' `*_API_URL` variables.

It also stands in for Microsoft's side of the Bot Framework (Teams): the OpenID configuration
and key set the Bot Connector signs with (`/botframework/openid`, `/botframework/keys`: the
test's own keys, `botframework_keys`), the identity platform's token endpoint
(`/botframework/<tenant>/oauth2/v2.0/token`) and the Bot Connector's "reply to activity"
(`/botframework/v3/conversations/<id>/activities/<id>`), the activities' serviceUrl.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TELEGRAM_BOT = {"id": 6021452387, "is_bot": True, "first_name": "UNICEF Mali", "username": "unicef_mali_bot"}
# The Azure Bot's app registration (single-tenant) the Teams channel runs as in the tests.
BOTFRAMEWORK_APP = {
    "app_id": "3b6c8a2e-5d1f-4e7a-9c0b-8f2d6e4a1c57",
    "app_password": "Qx8~not-a-real-client-secret",
    "tenant_id": "0f4e2b1a-7c3d-4a5e-8b9f-6d2c1e0a3b48",
}


def botframework_environment(standin: PlatformStandIn) -> dict[str, str]:
    """The Teams channel's variables, with Microsoft's services at the stand-in."""
    return {
        "BOTFRAMEWORK_APP_ID": BOTFRAMEWORK_APP["app_id"],
        "BOTFRAMEWORK_APP_PASSWORD": BOTFRAMEWORK_APP["app_password"],
        "BOTFRAMEWORK_TENANT_ID": BOTFRAMEWORK_APP["tenant_id"],
        "BOTFRAMEWORK_OPENID_URL": f"{standin.url}/botframework/openid",
        "BOTFRAMEWORK_LOGIN_URL": f"{standin.url}/botframework",
    }


@dataclass(frozen=True)
class Call:
    """One request the bot made to a platform: which, which method, and its parameters."""

    platform: str
    method: str
    params: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    path: dict[str, str] = field(default_factory=dict)  # the route's parameters


class PlatformStandIn:
    """The stand-in server; `calls` is everything it received, in order."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.botframework_keys: list[dict[str, Any]] = []  # the JWK set served as the Bot Connector's
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
        app.router.add_get("/botframework/{method:openid|keys}", self._botframework_keys)
        app.router.add_post("/botframework/{tenant}/oauth2/v2.0/{method:token}", self._botframework_token)
        app.router.add_post(
            "/botframework/v3/conversations/{conversation}/{method:activities}/{activity}",
            self._botframework_reply,
        )
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
        if request.method == "GET":
            params = dict(request.query)
        elif request.content_type == "application/json":
            params = await request.json()
        else:
            params = dict(await request.post())
        path = dict(request.match_info)
        call = Call(platform, path.pop("method"), params, dict(request.headers), path)
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

    async def _botframework_keys(self, request: web.Request) -> web.Response:
        call = await self._record(request, "botframework")
        if call.method == "keys":
            return web.json_response({"keys": self.botframework_keys})
        # The Bot Connector's OpenID configuration as Microsoft documents it ("Authenticate
        # requests from the Bot Connector service to your bot"), its key set here.
        return web.json_response(
            {
                "issuer": "https://api.botframework.com",
                "authorization_endpoint": "https://invalid.botframework.com",
                "jwks_uri": f"{self.url}/botframework/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def _botframework_token(self, request: web.Request) -> web.Response:
        await self._record(request, "botframework")
        # the token response Microsoft documents ("Authenticate requests from your bot to the
        # Bot Connector service", step 2)
        access_token = f"stand-in-token-{len(self.calls)}"
        return web.json_response(
            {"token_type": "Bearer", "expires_in": 3600, "ext_expires_in": 3600, "access_token": access_token}
        )

    async def _botframework_reply(self, request: web.Request) -> web.Response:
        await self._record(request, "botframework")
        # 201 and the new activity's id, as the Bot Connector answered in botbuilder-js's recordings
        return web.json_response({"id": f"1:stand-in-activity-{len(self.calls)}"}, status=201)
