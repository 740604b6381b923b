"""Meta's Graph API, shared by Messenger and WhatsApp: webhook checks and the send client.

- The webhook's set-up handshake: Meta sends `hub.mode=subscribe`, the verify token typed in
  its form and a `hub.challenge` to echo back.
- Every POST is signed: `X-Hub-Signature-256` is the HMAC-SHA256 of the raw body made with the
  app secret (`X-Hub-Signature`, SHA-1, is accepted only when it is the only one sent).
- Replies are POSTed as JSON with the access token in an `Authorization: Bearer` header, never
  in the address (rasa's Messenger client put it in the query string, blocked the server while
  waiting, and called a Graph API version Meta retired). A non-2xx answer raises `SendFailed`
  with Meta's own error message.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.outbound import SendFailed, platform_call

GRAPH_API_URL = "https://graph.facebook.com/v25.0"
TIMEOUT = aiohttp.ClientTimeout(total=15)

# The headers Meta signs with, preferred first: (header, prefix of its value, hash).
SIGNATURES: tuple[tuple[str, str, Callable], ...] = (
    ("X-Hub-Signature-256", "sha256=", hashlib.sha256),
    ("X-Hub-Signature", "sha1=", hashlib.sha1),
)


def is_signed(secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    """Whether `body` carries Meta's signature made with the app secret."""
    for header, prefix, digest in SIGNATURES:
        if header in headers:
            expected = prefix + hmac.new(secret.encode(), body, digest).hexdigest()
            return hmac.compare_digest(expected, headers[header])
    return False


def subscription_reply(args: Mapping[str, Any], verify_token: str) -> HTTPResponse:
    """The answer to Meta's set-up handshake: the challenge for the right token, else 403."""
    if args.get("hub.mode") == "subscribe" and hmac.compare_digest(
        str(args.get("hub.verify_token") or ""), verify_token
    ):
        return response.text(str(args.get("hub.challenge") or ""))
    return response.text("invalid verify token", status=403)


class MetaWebhook:
    """Mixin for a messaging channel Meta calls: the handshake and the signature check."""

    meta_verify_token: str
    meta_app_secret: str

    def verification(self, request: Request) -> HTTPResponse | None:
        return subscription_reply(
            {key: request.args.get(key) for key in request.args}, self.meta_verify_token
        )

    def is_authentic(self, request: Request) -> bool:
        return is_signed(self.meta_app_secret, request.body, request.headers)


class GraphAPI:
    """POSTs to `{base_url}/{path}` with the access token; Meta's refusals raise `SendFailed`."""

    def __init__(self, platform: str, base_url: str, access_token: str) -> None:
        self.platform = platform
        self.base_url = base_url.rstrip("/")
        self._access_token = access_token

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self._access_token}"}
        with platform_call(self.platform, path, (ValueError,), lambda _: "an answer that is not JSON"):
            async with (
                aiohttp.ClientSession(timeout=TIMEOUT) as session,
                session.post(f"{self.base_url}/{path}", json=body, headers=headers) as reply,
            ):
                data = await reply.json(content_type=None)
                status = reply.status
        if not 200 <= status < 300:
            error = data.get("error") if isinstance(data, dict) else None
            detail = error.get("message") if isinstance(error, dict) else None
            raise SendFailed(self.platform, f"{path}: HTTP {status}: {detail or 'no error message'}")
        return data if isinstance(data, dict) else {}
