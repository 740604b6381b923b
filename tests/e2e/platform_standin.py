"""A stand-in for the platforms' outgoing APIs, on loopback: it records what the bot sends, and
refuses what the platform would refuse.

One aiohttp server, in a thread of the test process, answers as Telegram's Bot API
(`/telegram/bot<token>/<method>`), Slack's Web API (`/slack/<method>`), Meta's Graph API for
Messenger (`/facebook/me/messages`) and WhatsApp (`/whatsapp/<phone-number-id>/messages`) and
Twilio's REST API (`/twilio/2010-04-01/Accounts/<sid>/Messages.json`) do, with the smallest
answer each client accepts. The Rasa server is pointed at it through the channels' `*_API_URL`
variables.

Each platform's documented limits are enforced as the platform does, with its own error
answer (Meta: a button title over 20 characters refuses the whole message; Telegram: callback
data over 64 bytes; Slack: `ok: false`), so a message built beyond a limit shows in a test as
a refused call. `refuse(platform, when)` makes it refuse more (a page whose templates Meta
rejects), to test what the bot does then.

It also stands in for Microsoft's side of the Bot Framework (Teams): the OpenID configuration
and key set the Bot Connector signs with (`/botframework/openid`, `/botframework/keys`: the
test's own keys, `botframework_keys`), the identity platform's token endpoint
(`/botframework/<tenant>/oauth2/v2.0/token`) and the Bot Connector's "reply to activity"
(`/botframework/v3/conversations/<id>/activities/<id>`), the activities' serviceUrl.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

# The Azure Bot's app registration (single-tenant) the Teams channel runs as in the tests.
BOTFRAMEWORK_APP = {
    "app_id": "3b6c8a2e-5d1f-4e7a-9c0b-8f2d6e4a1c57",
    "app_password": "Qx8~not-a-real-client-secret",
    "tenant_id": "0f4e2b1a-7c3d-4a5e-8b9f-6d2c1e0a3b48",
}
TELEGRAM_BOT = {"id": 6021452387, "is_bot": True, "first_name": "UNICEF Mali", "username": "unicef_mali_bot"}


@dataclass(frozen=True)
class Call:
    """One request the bot made to a platform: which, which method, its parameters, and
    whether the stand-in refused it (`refusal`: the platform's reason)."""

    platform: str
    method: str
    params: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    refusal: str | None = None
    path: dict[str, str] = field(default_factory=dict)  # the route's parameters


class PlatformStandIn:
    """The stand-in server; `calls` is everything it received, in order."""

    def __init__(self, tokens: dict[str, str]) -> None:
        self.tokens = tokens  # platform -> the credential its requests must carry
        self.calls: list[Call] = []
        self._refusals: dict[str, Callable[[Call], bool]] = {}
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
        app.router.add_post("/whatsapp/{phone}/{method}", self._whatsapp)
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
        """Forget the calls received and the refusals asked for."""
        with self._lock:
            self.calls.clear()
            self._refusals.clear()

    def refuse(self, platform: str, when: Callable[[Call], bool]) -> None:
        """Refuse, as `platform` refuses a message, every call for which `when` is true."""
        with self._lock:
            self._refusals[platform] = when

    def received(self, platform: str, method: str, delivered: bool = True) -> list[Call]:
        """The calls to `method`, only those the stand-in took unless `delivered` is False."""
        with self._lock:
            return [
                c
                for c in self.calls
                if c.platform == platform and c.method == method and (not delivered or c.refusal is None)
            ]

    def wait_for(self, found: Callable[[], list[Call]], count: int = 1, timeout: float = 30) -> list[Call]:
        """The calls `found` returns once there are `count` of them (Slack answers in the background)."""
        deadline = time.monotonic() + timeout
        while len(calls := found()) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return calls

    async def _record(
        self, request: web.Request, platform: str, check: Callable[[dict], str | None] = lambda _: None
    ) -> Call:
        if request.method == "GET":
            params = dict(request.query)
        elif request.content_type == "application/json":
            params = await request.json()
        else:
            params = dict(await request.post())
        path = dict(request.match_info)
        call = Call(platform, path.pop("method"), params, dict(request.headers), path=path)
        refusal = check(params)
        with self._lock:
            when = self._refusals.get(platform)
        if refusal is None and when is not None and when(call):
            refusal = "refused by the test"
        call = Call(call.platform, call.method, call.params, call.headers, refusal, path)
        with self._lock:
            self.calls.append(call)
        return call

    def _bearer(self, request: web.Request, platform: str) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.tokens[platform]}"

    # Telegram's Bot API: form-encoded parameters, {"ok": false, "description": ...} with 400.

    async def _telegram(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.tokens["telegram"]:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        call = await self._record(request, "telegram", _telegram_refusal)
        if call.refusal:
            return web.json_response(
                {"ok": False, "error_code": 400, "description": call.refusal}, status=400
            )
        results = {
            "getMe": TELEGRAM_BOT,
            "sendMessage": {
                "message_id": len(self.calls),
                "date": int(time.time()),
                "chat": {"id": int(call.params.get("chat_id", 0)), "type": "private"},
                "text": call.params.get("text", ""),
            },
        }
        return web.json_response({"ok": True, "result": results.get(call.method, True)})

    # Slack's Web API: always 200, `ok: false` and an error code when refused.

    async def _slack(self, request: web.Request) -> web.Response:
        if not self._bearer(request, "slack"):
            return web.json_response({"ok": False, "error": "invalid_auth"})
        call = await self._record(request, "slack", _slack_refusal)
        if call.refusal:
            return web.json_response({"ok": False, "error": call.refusal})
        return web.json_response(
            {"ok": True, "channel": call.params.get("channel"), "ts": f"{time.time():.6f}"}
        )

    # Meta's Graph API: 400 with {"error": {"message", "type", "code"}}.

    async def _facebook(self, request: web.Request) -> web.Response:
        if not self._bearer(request, "facebook"):
            return _meta_error(190, "Invalid OAuth access token.", status=401)
        call = await self._record(request, "facebook", _messenger_refusal)
        if call.refusal:
            return _meta_error(100, call.refusal)
        recipient = call.params.get("recipient", {}).get("id")
        return web.json_response({"recipient_id": recipient, "message_id": f"m_{len(self.calls)}"})

    async def _whatsapp(self, request: web.Request) -> web.Response:
        if not self._bearer(request, "whatsapp"):
            return _meta_error(190, "Invalid OAuth access token.", status=401)
        if request.match_info["phone"] != self.tokens["whatsapp_phone_number_id"]:
            return _meta_error(100, "Unsupported post request.")
        call = await self._record(request, "whatsapp", _whatsapp_refusal)
        if call.refusal:
            return _meta_error(131009, f"(#131009) Parameter value is not valid: {call.refusal}")
        if call.params.get("status") == "read":
            return web.json_response({"success": True})
        user = call.params.get("to") or call.params.get("recipient")
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": user, "wa_id": user}],
                "messages": [{"id": f"wamid.{len(self.calls):032d}"}],
            }
        )

    # Twilio's REST API: 201 with the message; 400 with {"code", "message"} when refused.

    async def _twilio(self, request: web.Request) -> web.Response:
        call = await self._record(request, "twilio", _twilio_refusal)
        if call.refusal:
            return web.json_response({"code": 21617, "message": call.refusal, "status": 400}, status=400)
        sid = f"SM{len(self.calls):032d}"
        reply = {"sid": sid, "status": "queued", **{k.lower(): v for k, v in call.params.items()}}
        return web.json_response(reply, status=201)

    # Microsoft's Bot Framework: its keys, its token endpoint, the Bot Connector.

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


def _meta_error(code: int, message: str, status: int = 400) -> web.Response:
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEfGhIjK"}
    return web.json_response({"error": error}, status=status)


def _telegram_refusal(params: dict) -> str | None:
    """sendMessage: text of 1-4,096 characters, callback data of 1-64 bytes."""
    if "text" in params and not 1 <= len(params["text"]) <= 4096:
        return (
            "Bad Request: message text is empty" if not params["text"] else "Bad Request: message is too long"
        )
    keyboard = json.loads(params.get("reply_markup") or "{}").get("inline_keyboard", [])
    if any(not 1 <= len(b.get("callback_data", "").encode()) <= 64 for row in keyboard for b in row):
        return "Bad Request: BUTTON_DATA_INVALID"
    return None


def _slack_refusal(params: dict) -> str | None:
    """chat.postMessage: section text up to 3,000, up to 25 buttons of 75-character labels."""
    blocks = params.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    for block in blocks or []:
        if block.get("type") == "section" and len(block["text"]["text"]) > 3000:
            return "invalid_blocks"
        elements = block.get("elements", []) if block.get("type") == "actions" else []
        if len(elements) > 25 or any(
            len(e["text"]["text"]) > 75 or len(e.get("value", "")) > 2000 for e in elements
        ):
            return "invalid_blocks"
    if len(params.get("text") or "") > 40000:
        return "msg_too_long"
    return None


def _messenger_refusal(params: dict) -> str | None:
    """Send API: text up to 2,000; a button template: text up to 640, 1-3 buttons; up to 13 quick
    replies; titles up to 20 characters, payloads up to 1,000."""
    message = params.get("message")
    if message is None:
        return None if params.get("sender_action") else "(#100) The parameter message is required"
    if len(message.get("text") or "") > 2000:
        return "(#100) Length of param message[text] must be less than or equal to 2000"
    template = (message.get("attachment") or {}).get("payload") or {}
    buttons = template.get("buttons") or []
    if template.get("template_type") == "button" and (
        not 1 <= len(buttons) <= 3 or len(template["text"]) > 640
    ):
        return "(#100) Param message[attachment][payload] is not a valid button template"
    replies = message.get("quick_replies") or []
    if len(replies) > 13:
        return "(#100) param message[quick_replies] must have at most 13 elements"
    for where, items in (("attachment][payload][buttons", buttons), ("quick_replies", replies)):
        for i, item in enumerate(items):
            if len(item.get("title", "")) > 20:
                return f"(#100) Param message[{where}][{i}][title] must be at most 20 characters"
            if len(item.get("payload", "")) > 1000:
                return f"(#100) Param message[{where}][{i}][payload] must be at most 1000 characters"
    return None


def _whatsapp_refusal(params: dict) -> str | None:
    """Cloud API: a text body of 1-4,096; reply buttons: 1-3, unique titles up to 20, body up to
    1,024; a list: 1-10 rows, titles up to 24, a button label up to 20."""
    if params.get("messaging_product") != "whatsapp":
        return "messaging_product must be whatsapp"
    if params.get("status") == "read":
        return None if params.get("message_id") else "message_id is required"
    if not (params.get("to") or params.get("recipient")):
        return "a recipient is required"
    if params.get("type") == "text":
        body = params.get("text", {}).get("body", "")
        return None if 1 <= len(body) <= 4096 else "text.body must have 1 to 4096 characters"
    interactive = params.get("interactive") or {}
    body = interactive.get("body", {}).get("text", "")
    action = interactive.get("action", {})
    if interactive.get("type") == "button":
        titles = [b["reply"]["title"] for b in action.get("buttons", [])]
        if len(body) > 1024 or not 1 <= len(titles) <= 3:
            return "interactive.action.buttons must have 1 to 3 buttons and a body of at most 1024 characters"
        if any(len(t) > 20 for t in titles) or len(set(titles)) < len(titles):
            return "button titles must be unique and at most 20 characters"
        return None
    if interactive.get("type") == "list":
        rows = [r for s in action.get("sections", []) for r in s.get("rows", [])]
        if len(body) > 4096 or not 1 <= len(rows) <= 10 or len(action.get("button", "")) > 20:
            return "a list must have 1 to 10 rows and a button label of at most 20 characters"
        if any(len(r["title"]) > 24 or len(r["id"]) > 200 for r in rows):
            return "row titles must be at most 24 characters"
        return None
    return f"unsupported message type {params.get('type')!r}"


def _twilio_refusal(params: dict) -> str | None:
    if len(params.get("Body", "")) > 1600:
        return "The concatenated message body exceeds the 1600 character limit."
    return None


def botframework_environment(standin: PlatformStandIn) -> dict[str, str]:
    """The Teams channel's variables, with Microsoft's services at the stand-in."""
    return {
        "BOTFRAMEWORK_APP_ID": BOTFRAMEWORK_APP["app_id"],
        "BOTFRAMEWORK_APP_PASSWORD": BOTFRAMEWORK_APP["app_password"],
        "BOTFRAMEWORK_TENANT_ID": BOTFRAMEWORK_APP["tenant_id"],
        "BOTFRAMEWORK_OPENID_URL": f"{standin.url}/botframework/openid",
        "BOTFRAMEWORK_LOGIN_URL": f"{standin.url}/botframework",
    }
