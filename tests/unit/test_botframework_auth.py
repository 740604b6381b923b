"""Teams (Bot Framework): only the Bot Connector's signed activities for this bot get through.

Tokens are signed here with a local RSA key, published as the Bot Connector's key set by a
fetch function that counts its calls; the activity is Microsoft's documented Teams message
(tests/channels/payloads/teams_personal_en.json).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from channels.botframework_auth import (
    ISSUER,
    KEYS_MAX_AGE,
    MISS_INTERVAL,
    BadActivity,
    KeysUnavailable,
    Refused,
    SigningKeys,
    authenticate,
)

PAYLOADS = Path(__file__).resolve().parent.parent / "channels" / "payloads"
APP_ID = "3b6c8a2e-5d1f-4e7a-9c0b-8f2d6e4a1c57"
OPENID = "https://login.botframework.com/v1/.well-known/openidconfiguration"
JWKS = "https://login.botframework.com/v1/.well-known/keys"


def _private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


SIGNER, OTHER_SIGNER = _private_key(), _private_key()


def jwk(key: rsa.RSAPrivateKey, kid: str, endorsements: list[str] | None = None) -> dict:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**public, "kid": kid, "use": "sig", "endorsements": endorsements or ["msteams", "skype"]}


class Microsoft:
    """The Bot Connector's OpenID configuration and key set, counting how often they are fetched."""

    def __init__(self, keys: list[dict]) -> None:
        self.keys, self.fetched, self.down = keys, [], False

    async def fetch_json(self, url: str) -> dict:
        self.fetched.append(url)
        if self.down:
            raise OSError("network unreachable")
        return {"issuer": ISSUER, "jwks_uri": JWKS} if url == OPENID else {"keys": self.keys}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def activity() -> dict:
    return json.loads((PAYLOADS / "teams_personal_en.json").read_text(encoding="utf-8"))


@pytest.fixture
def microsoft() -> Microsoft:
    return Microsoft([jwk(SIGNER, "key-1")])


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def keys(microsoft: Microsoft, clock: Clock) -> SigningKeys:
    return SigningKeys(OPENID, microsoft.fetch_json, clock)


def claims(activity: dict, **changes) -> dict:
    now = int(time.time())
    base = {
        "serviceurl": activity["serviceUrl"],
        "nbf": now - 10,
        "exp": now + 3600,
        "iss": ISSUER,
        "aud": APP_ID,
    }
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


def signed(
    payload: dict, key: rsa.RSAPrivateKey = SIGNER, kid: str | None = "key-1", algorithm="RS256"
) -> str:
    headers = {"kid": kid} if kid else {}
    return jwt.encode(payload, key, algorithm=algorithm, headers=headers)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned_or_hmac(payload: dict, algorithm: str, secret: bytes = b"") -> str:
    """A token PyJWT would not make: "none", or HS256 with the public key as the secret."""
    header = _b64(json.dumps({"alg": algorithm, "typ": "JWT", "kid": "key-1"}).encode())
    body = _b64(json.dumps(payload).encode())
    signature = hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest() if secret else b""
    return f"{header}.{body}.{_b64(signature)}"


def check(token: str | None, activity: dict, keys: SigningKeys, body: bytes | None = None) -> dict:
    header = None if token is None else f"Bearer {token}"
    return asyncio.run(authenticate(header, body or json.dumps(activity).encode(), APP_ID, keys))


def test_a_token_signed_by_the_bot_connector_for_this_bot_lets_the_activity_in(activity, keys):
    assert check(signed(claims(activity)), activity, keys) == activity


def test_a_token_a_little_past_its_expiry_still_counts_for_clock_skew(activity, keys):
    token = signed(claims(activity, exp=int(time.time()) - 120, nbf=int(time.time()) - 3600))
    assert check(token, activity, keys) == activity


PUBLIC_PEM = SIGNER.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda a: signed(claims(a, iss="https://sts.windows.net/abc/")), id="another-issuer"),
        pytest.param(lambda a: signed(claims(a, iss="https://api.botframework.co")), id="issuer-prefix"),
        pytest.param(lambda a: signed(claims(a, iss=None)), id="no-issuer"),
        pytest.param(lambda a: signed(claims(a, aud="another-app-id")), id="another-audience"),
        pytest.param(lambda a: signed(claims(a, aud=None)), id="no-audience"),
        pytest.param(lambda a: signed(claims(a, exp=int(time.time()) - 3600)), id="expired"),
        pytest.param(lambda a: signed(claims(a, exp=None)), id="no-expiry"),
        pytest.param(lambda a: signed(claims(a, nbf=int(time.time()) + 3600)), id="not-yet-valid"),
        pytest.param(lambda a: signed(claims(a, serviceurl="https://evil.example/")), id="other-service-url"),
        pytest.param(lambda a: signed(claims(a, serviceurl=None)), id="no-service-url"),
        pytest.param(lambda a: signed(claims(a), key=OTHER_SIGNER), id="another-key-same-id"),
        pytest.param(lambda a: signed(claims(a), kid="unknown"), id="unknown-key"),
        pytest.param(lambda a: signed(claims(a), kid=None), id="no-key-id"),
        pytest.param(lambda a: signed(claims(a), algorithm="RS384"), id="rs384"),
        pytest.param(lambda a: unsigned_or_hmac(claims(a), "none"), id="alg-none"),
        pytest.param(lambda a: unsigned_or_hmac(claims(a), "HS256", PUBLIC_PEM), id="hs256-public-key"),
        pytest.param(lambda a: jwt.encode(claims(a), "secret", "HS256", {"kid": "key-1"}), id="hs256"),
        pytest.param(lambda a: "not-a-jwt", id="garbage"),
        pytest.param(lambda a: None, id="no-header"),
    ],
)
def test_a_token_that_fails_any_check_is_refused(activity, keys, make_token):
    with pytest.raises(Refused):
        check(make_token(activity), activity, keys)


def test_a_key_not_endorsed_for_the_activitys_channel_is_refused(activity, microsoft, keys):
    microsoft.keys = [jwk(SIGNER, "key-1", endorsements=["skype"])]
    with pytest.raises(Refused, match="endorsed"):
        check(signed(claims(activity)), activity, keys)


def test_other_schemes_than_bearer_are_refused(activity, keys):
    with pytest.raises(Refused):
        asyncio.run(authenticate("Basic dXNlcjpwYXNz", json.dumps(activity).encode(), APP_ID, keys))


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'"message"'])
def test_an_authentic_request_that_is_not_an_activity_is_a_bad_request(activity, keys, body):
    with pytest.raises(BadActivity):
        check(signed(claims(activity)), activity, keys, body=body)


def test_the_keys_are_fetched_on_first_use_then_kept(activity, microsoft, clock):
    keys = SigningKeys(OPENID, microsoft.fetch_json, clock)
    assert microsoft.fetched == []  # nothing at start: the server starts without network
    for _ in range(3):
        check(signed(claims(activity)), activity, keys)
        clock.now += 600
    assert microsoft.fetched == [OPENID, JWKS]
    clock.now += KEYS_MAX_AGE
    check(signed(claims(activity)), activity, keys)
    assert microsoft.fetched == [OPENID, JWKS] * 2  # a day later, fetched again


def test_a_key_the_set_lacks_makes_one_fetch_at_most_a_minute(activity, microsoft, clock, keys):
    check(signed(claims(activity)), activity, keys)
    clock.now += MISS_INTERVAL + 1
    microsoft.keys.append(jwk(OTHER_SIGNER, "key-2"))  # Microsoft rotates its keys
    assert check(signed(claims(activity), OTHER_SIGNER, "key-2"), activity, keys) == activity
    assert len(microsoft.fetched) == 4
    for _ in range(5):  # made-up key ids: refused, and at most one fetch a minute
        with pytest.raises(Refused):
            check(signed(claims(activity), OTHER_SIGNER, "made-up"), activity, keys)
    assert len(microsoft.fetched) == 4
    clock.now += MISS_INTERVAL + 1
    with pytest.raises(Refused):
        check(signed(claims(activity), OTHER_SIGNER, "made-up"), activity, keys)
    assert len(microsoft.fetched) == 6


def test_without_any_key_the_token_cannot_be_checked_and_the_next_minute_tries_again(
    activity, microsoft, clock, keys
):
    microsoft.down = True
    with pytest.raises(KeysUnavailable, match="network unreachable"):
        check(signed(claims(activity)), activity, keys)
    microsoft.down = False
    with pytest.raises(KeysUnavailable):  # not fetched again at once
        check(signed(claims(activity)), activity, keys)
    clock.now += MISS_INTERVAL + 1
    assert check(signed(claims(activity)), activity, keys) == activity


def test_keys_already_fetched_still_serve_when_microsoft_is_unreachable(activity, microsoft, clock, keys):
    check(signed(claims(activity)), activity, keys)
    microsoft.down = True
    clock.now += KEYS_MAX_AGE + 1
    assert check(signed(claims(activity)), activity, keys) == activity
