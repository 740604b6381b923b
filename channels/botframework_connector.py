"""Talking to Microsoft: the bot's access token and its replies through the Bot Connector.

- The token comes from the Microsoft identity platform with the client credentials of the
  bot's app registration, in its own tenant (`{login}/{tenant}/oauth2/v2.0/token`, scope
  https://api.botframework.com/.default). Azure creates single-tenant bots only now; Rasa 3.6
  asks the "botframework.com" tenant, which answers for multi-tenant registrations only (an
  older multi-tenant bot sets its tenant to botframework.com). The token is kept until five
  minutes before it expires.
- A reply is posted to `{serviceUrl}/v3/conversations/{conversation}/activities/{activity}`
  (Bot Connector API, "reply to activity"), so in a channel it goes to the question's thread.
  A send that fails is logged and reported as False, never raised: the turn, and the answer
  the bot gave, are still stored.
"""

from __future__ import annotations

import asyncio
import logging
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any

import aiohttp

logger = logging.getLogger(__name__)

LOGIN_URL = "https://login.microsoftonline.com"
SCOPE = "https://api.botframework.com/.default"
EARLY = 5 * 60  # seconds before its expiry when a token is replaced
TIMEOUT = aiohttp.ClientTimeout(total=10)


class Http:
    """One aiohttp session for all of the channel's calls, made on first use in the server's loop."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        return self._session

    async def get_json(self, url: str) -> Any:
        async with self.session().get(url) as reply:
            reply.raise_for_status()
            return await reply.json(content_type=None)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def token_url(login_url: str, tenant_id: str) -> str:
    """The token endpoint of the bot's tenant, on the identity platform at `login_url`."""
    return f"{login_url.rstrip('/')}/{urllib.parse.quote(tenant_id, safe='')}/oauth2/v2.0/token"


class AccessToken:
    """The bot's token for the Bot Connector, requested when needed and kept until near expiry."""

    def __init__(self, http: Http, url: str, app_id: str, password: str) -> None:
        self.http, self.url = http, url
        self._form = {"grant_type": "client_credentials", "client_id": app_id, "client_secret": password}
        self._token: str | None = None
        self._renew_at = 0.0
        self._lock = asyncio.Lock()

    async def get(self) -> str:
        async with self._lock:
            if self._token is None or time.monotonic() >= self._renew_at:
                self._token, lifetime = await self._request()
                self._renew_at = time.monotonic() + max(lifetime - EARLY, lifetime / 2)
            return self._token

    def forget(self) -> None:
        """Drop the token (the Bot Connector refused it): the next reply asks for a new one."""
        self._token = None

    async def _request(self) -> tuple[str, float]:
        async with self.http.session().post(self.url, data={**self._form, "scope": SCOPE}) as reply:
            body = await reply.json(content_type=None)
            if reply.status != 200 or not isinstance(body, dict) or "access_token" not in body:
                # the identity platform names the error (invalid_client, ...) without the secret
                error = body.get("error_description") or body.get("error") if isinstance(body, dict) else body
                raise RuntimeError(f"no Bot Framework token from {self.url}: HTTP {reply.status}: {error}")
            return body["access_token"], float(body.get("expires_in", 3600))


class Connector:
    """Replies to activities through the Bot Connector, with the bot's token."""

    def __init__(self, http: Http, token: AccessToken) -> None:
        self.http, self.token = http, token

    async def reply(self, activity: Mapping[str, Any], content: Mapping[str, Any]) -> bool:
        """Post `content` (text, attachments) as the bot's reply to `activity`; whether it was taken."""
        conversation, replied = (
            urllib.parse.quote(i, safe="") for i in (activity["conversation"]["id"], activity["id"])
        )
        url = f"{activity['serviceUrl'].rstrip('/')}/v3/conversations/{conversation}/activities/{replied}"
        reply = {
            "type": "message",
            "from": activity.get("recipient"),
            "recipient": activity.get("from"),
            "conversation": activity["conversation"],
            "replyToId": activity["id"],
            **({"locale": activity["locale"]} if activity.get("locale") else {}),
            **content,
        }
        for attempt in ("first", "again"):
            try:
                token = await self.token.get()
                async with self.http.session().post(
                    url, json=reply, headers={"Authorization": f"Bearer {token}"}
                ) as answer:
                    if 200 <= answer.status < 300:
                        return True
                    detail = (await answer.text())[:500]
            except (aiohttp.ClientError, asyncio.TimeoutError, RuntimeError, ValueError) as error:
                logger.error("Bot Framework reply to %s not sent: %s", url, error)
                return False
            if answer.status == 401 and attempt == "first":  # the token was revoked: a new one, once
                self.token.forget()
                continue
            logger.error("Bot Framework reply to %s refused: HTTP %s: %s", url, answer.status, detail)
            return False
        return False
