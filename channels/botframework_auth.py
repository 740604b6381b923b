"""Whether an activity really comes from Microsoft's Bot Connector (Teams), as Microsoft requires.

Every activity is posted with a JWT in its Authorization header. Following Microsoft's
"Authenticate requests from the Bot Connector service to your bot", it is accepted only if:
- it is signed with RS256 (no other algorithm, "none" and HS256 included) by a key of the Bot
  Connector's key set, found through its OpenID configuration, and that key is endorsed for
  the activity's channel ("msteams") when the key lists endorsements;
- its issuer is https://api.botframework.com and its audience the bot's app id;
- it is within its validity period (expiry, not-before), give or take five minutes of clock
  skew, Microsoft's figure;
- its `serviceurl` claim is the activity's `serviceUrl`: the reply, which carries the bot's
  own token, goes to that address, so a token issued for another address must not send it.

Rasa 3.6's botframework channel checks neither the issuer, nor the algorithm, nor the
serviceUrl, and fetches the keys while the server starts (no network, no server). Here they
are fetched when the first activity arrives, kept for a day, and fetched again when a token
names a key the set lacks (Microsoft rotates its keys), at most once a minute.
No Rasa here: PyJWT, and the fetching function is given.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import jwt

logger = logging.getLogger(__name__)

OPENID_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
ISSUER = "https://api.botframework.com"
ALGORITHM = "RS256"
CLOCK_SKEW = 5 * 60  # seconds; "Industry-standard clock-skew is 5 minutes"
KEYS_MAX_AGE = 24 * 60 * 60  # seconds before the key set is fetched again
MISS_INTERVAL = 60  # seconds between two fetches for a key the set lacks
# The claim naming where replies go: "serviceurl" in the Bot Connector's tokens, as seen in
# recorded Teams requests (botbuilder-js), "serviceUrl" in Microsoft's documentation.
SERVICE_URL_CLAIMS = ("serviceurl", "serviceUrl")

FetchJson = Callable[[str], Awaitable[Any]]


class Refused(Exception):
    """The request is not from the Bot Connector, or not for this bot: answer 401."""


class KeysUnavailable(Exception):
    """The Bot Connector's keys could not be fetched and none are kept: the token cannot be checked."""


class BadActivity(Exception):
    """An authentic request whose body is not an activity: answer 400."""


@dataclass(frozen=True)
class SigningKey:
    key: Any  # a cryptography RSA public key
    endorsements: frozenset[str]


class SigningKeys:
    """The Bot Connector's signing keys by key id: fetched on first use, then cached.

    The set is fetched again when it is a day old, or when a token names a key it lacks; a
    failed fetch is tried again a minute later at the soonest, and meanwhile the keys already
    fetched still serve. A token naming a made-up key thus costs one fetch a minute at most.
    """

    def __init__(
        self, openid_url: str, fetch_json: FetchJson, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.openid_url = openid_url
        self._fetch_json = fetch_json
        self._clock = clock
        self._keys: dict[str, SigningKey] = {}
        self._fetched_at: float | None = None
        self._tried_at: float | None = None
        self._error = "not fetched yet"
        self._lock = asyncio.Lock()

    async def get(self, key_id: str) -> SigningKey | None:
        """The key `key_id`, or None if the Bot Connector does not publish it."""
        now = self._clock()
        stale = self._fetched_at is None or now - self._fetched_at > KEYS_MAX_AGE
        if (stale or key_id not in self._keys) and self._may_try(now):
            await self._refresh()
        if not self._keys:
            raise KeysUnavailable(f"{self.openid_url}: {self._error}")
        return self._keys.get(key_id)

    def _may_try(self, now: float) -> bool:
        return self._tried_at is None or now - self._tried_at > MISS_INTERVAL

    async def _refresh(self) -> None:
        async with self._lock:
            now = self._clock()
            if not self._may_try(now):  # another request has just fetched them
                return
            self._tried_at = now
            try:
                configuration = await self._fetch_json(self.openid_url)
                keys = _signing_keys(await self._fetch_json(configuration["jwks_uri"]))
            except Exception as error:  # network, HTTP status, shape: the keys kept, if any, serve
                self._error = f"{type(error).__name__}: {error}"
                logger.error("Bot Framework keys not fetched from %s: %s", self.openid_url, self._error)
                return
            self._keys, self._fetched_at = keys, now
            logger.info("Bot Framework signing keys fetched: %s", ", ".join(keys) or "none")


def _signing_keys(key_set: Any) -> dict[str, SigningKey]:
    """The RSA keys of a JWK set, by key id, with the channels each is endorsed for."""
    keys = {}
    for entry in key_set["keys"]:
        try:
            key = jwt.PyJWK(entry, ALGORITHM).key
        except (jwt.PyJWTError, KeyError, TypeError, ValueError) as error:
            logger.warning("Bot Framework key %s skipped: %s", entry.get("kid"), error)
            continue
        if isinstance(entry.get("kid"), str):
            keys[entry["kid"]] = SigningKey(key, frozenset(entry.get("endorsements") or ()))
    return keys


async def authenticate(
    authorization: str | None, body: bytes, app_id: str, keys: SigningKeys
) -> dict[str, Any]:
    """The activity in `body`, if the request is the Bot Connector's for this bot.

    Raises `Refused` (401), `KeysUnavailable` (503), or `BadActivity` (400) for an authentic
    request whose body is not a JSON object.
    """
    signing_key, claims = await _token_claims(authorization, app_id, keys)
    try:
        activity = json.loads(body)
    except ValueError as error:
        raise BadActivity(f"the body is not JSON: {error}") from None
    if not isinstance(activity, dict):
        raise BadActivity("the body is not an activity (a JSON object)")
    channel = activity.get("channelId")
    if signing_key.endorsements and channel not in signing_key.endorsements:
        raise Refused(f"the signing key is not endorsed for channel {channel!r}")
    service_url = next((claims[name] for name in SERVICE_URL_CLAIMS if name in claims), None)
    if not isinstance(service_url, str) or service_url != activity.get("serviceUrl"):
        raise Refused(f"the token is for serviceUrl {service_url!r}, the activity names another")
    return activity


async def _token_claims(
    authorization: str | None, app_id: str, keys: SigningKeys
) -> tuple[SigningKey, Mapping[str, Any]]:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme != "Bearer" or not token.strip():
        raise Refused("no Bearer token in the Authorization header")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise Refused(f"not a JWT: {error}") from None
    if header.get("alg") != ALGORITHM:
        raise Refused(f"signed with {header.get('alg')!r}, not {ALGORITHM}")
    key_id = header.get("kid")
    if not isinstance(key_id, str):
        raise Refused("the token names no signing key")
    signing_key = await keys.get(key_id)
    if signing_key is None:
        raise Refused(f"signed with key {key_id!r}, which the Bot Connector does not publish")
    try:
        claims = jwt.decode(
            token,
            signing_key.key,
            algorithms=[ALGORITHM],
            audience=app_id,
            issuer=ISSUER,
            leeway=CLOCK_SKEW,
            options={"require": ["exp", "iss", "aud"]},
        )
    except jwt.PyJWTError as error:
        raise Refused(f"{type(error).__name__}: {error}") from None
    return signing_key, claims
