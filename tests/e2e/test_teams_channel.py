"""Microsoft Teams through the Bot Framework, end to end, with Microsoft stood in for.

Teams activities from Microsoft's documentation and public test suites (tests/channels/payloads,
sources in its README) are posted to the shared Rasa server's Teams channel, each signed here as
the Bot Connector signs them, with an RSA key the stand-in (`microsoft`) publishes as the Bot
Connector's key set. Each activity names the stand-in as its serviceUrl, where the replies go:
with the message text, the only change made to the payloads. Expected facts come from the dataset.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from actions.dataset import DEFAULT_PATH, load_dataset
from components.language import LanguageIdentifier
from tests.e2e.conftest import RASA_PORT
from tests.e2e.platform_standin import BOTFRAMEWORK_APP, Call, PlatformStandIn

pytestmark = pytest.mark.servers

WEBHOOK = f"http://127.0.0.1:{RASA_PORT}/webhooks/botframework/webhook"
PAYLOADS = Path(__file__).resolve().parent.parent / "channels" / "payloads"
ISSUER = "https://api.botframework.com"  # Microsoft's, for the Bot Connector's tokens
KEY_ID = "bot-connector-stand-in"
SIGNER, INTRUDER = (rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2))
DATA = load_dataset(DEFAULT_PATH)
GAO = DATA.office("gao")
FGM = {office.name.fr for office, _ in DATA.offices_with_issues(["fgm"])}
CHILD_MARRIAGE = {office.name.en for office, _ in DATA.offices_with_issues(["child_marriage"])}


@pytest.fixture(scope="module")
def bot_connector(assistant, microsoft) -> PlatformStandIn:
    """The stand-in, publishing the key the tests sign with, endorsed for Teams."""
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(SIGNER.public_key()))
    microsoft.botframework_keys = [{**public, "kid": KEY_ID, "use": "sig", "endorsements": ["msteams"]}]
    return microsoft


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


def activity(name: str, standin: PlatformStandIn, text: str | None = None) -> dict:
    """A recorded activity, sent through the stand-in's Bot Connector, with `text` if given."""
    recorded = json.loads((PAYLOADS / name).read_text(encoding="utf-8"))
    recorded["serviceUrl"] = f"{standin.url}/botframework/"
    if text is not None:
        recorded["text"] = text
    return recorded


def claims(activity: dict, **changes) -> dict:
    now = int(time.time())
    base = {"serviceurl": activity["serviceUrl"], "nbf": now - 5, "exp": now + 3600, "iss": ISSUER}
    return {**base, "aud": BOTFRAMEWORK_APP["app_id"], **changes}


def signed(payload: dict, key: rsa.RSAPrivateKey = SIGNER) -> str:
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": KEY_ID})


def forged(payload: dict, algorithm: str, secret: bytes = b"") -> str:
    """What an attacker sends: an unsigned ("none") or HMAC token, naming the Bot Connector's key."""

    def encode(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = encode(json.dumps({"alg": algorithm, "typ": "JWT", "kid": KEY_ID}).encode())
    body = encode(json.dumps(payload).encode())
    signature = hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest() if secret else b""
    return f"{header}.{body}.{encode(signature)}"


def post(activity: dict | bytes, token: str | None) -> int:
    body = activity if isinstance(activity, bytes) else json.dumps(activity).encode()
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    try:
        with urllib.request.urlopen(urllib.request.Request(WEBHOOK, body, headers), timeout=60) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def send(activity: dict) -> int:
    return post(activity, signed(claims(activity)))


def calls_after(standin: PlatformStandIn, mark: int, method: str) -> list[Call]:
    return [c for c in standin.calls[mark:] if c.platform == "botframework" and c.method == method]


def shown(reply: Call) -> str:
    """What Teams shows of a reply: its text, or its hero card's text (HTML)."""
    for attachment in reply.params.get("attachments", []):
        return html.unescape(attachment["content"]["text"].replace("<br>", "\n"))
    return reply.params["text"]


def check_replies_to(activity: dict, replies: list[Call]) -> None:
    """Every reply answers `activity`, in its conversation, from the bot to its sender."""
    assert replies, "nothing was sent"
    for reply in replies:
        assert reply.path == {"conversation": activity["conversation"]["id"], "activity": activity["id"]}
        assert reply.params["replyToId"] == activity["id"] and reply.params["type"] == "message"
        assert reply.params["recipient"] == activity["from"] and reply.params["from"] == activity["recipient"]
        assert reply.headers["Authorization"].startswith("Bearer stand-in-token-")


def test_the_server_started_without_asking_microsoft_for_anything(bot_connector):
    assert [c for c in bot_connector.calls if c.platform == "botframework"] == []


@pytest.mark.parametrize(
    "payload, language, facts",
    [
        ("teams_personal_en.json", "en", [GAO.name.en, str(GAO.staff)]),
        ("teams_personal_fr.json", "fr", sorted(FGM)),
    ],
)
def test_a_personal_chat_is_answered_in_its_language(bot_connector, identifier, payload, language, facts):
    mark = len(bot_connector.calls)
    question = activity(payload, bot_connector)
    assert send(question) == 200
    replies = calls_after(bot_connector, mark, "activities")
    check_replies_to(question, replies)
    answer = shown(replies[0])
    assert all(fact in answer for fact in facts), f"{facts} not all in {answer!r}"
    assert identifier.identify(answer).supported == language, answer
    assert all(r.params.get("textFormat") == "plain" for r in replies if "text" in r.params)


def test_a_neutral_message_follows_the_teams_clients_language(bot_connector, identifier):
    # the conversation is in French; "Gao ?" says nothing of its language; Teams says en-US
    assert send(activity("teams_personal_fr.json", bot_connector)) == 200
    mark = len(bot_connector.calls)
    assert send(activity("teams_personal_neutral_en.json", bot_connector)) == 200
    [answer, *_] = calls_after(bot_connector, mark, "activities")
    assert GAO.name.en in shown(answer) and identifier.identify(shown(answer)).supported == "en"


def test_a_mention_in_a_channel_gets_a_card_whose_buttons_ask_about_each_office(bot_connector, domain):
    mark = len(bot_connector.calls)
    question = activity("teams_channel_mention_en.json", bot_connector)
    assert send(question) == 200
    replies = calls_after(bot_connector, mark, "activities")
    check_replies_to(question, replies)  # in the question's thread: its conversation id names it
    cards = [r.params["attachments"][0] for r in replies if r.params.get("attachments")]
    assert cards and all(c["contentType"] == "application/vnd.microsoft.card.hero" for c in cards)
    offices = cards[0]["content"]
    assert all(name in shown(replies[0]) for name in CHILD_MARRIAGE)
    assert {b["title"] for b in offices["buttons"]} == CHILD_MARRIAGE
    assert all(b["type"] == "messageBack" and b["displayText"] == b["title"] for b in offices["buttons"])

    # the "helpful?" card follows; its 👍 posts its messageBack text back, as Teams does
    [thumbs_up] = [b for c in cards for b in c["content"]["buttons"] if b["text"] == "/feedback_helpful"]
    mark = len(bot_connector.calls)
    assert send(activity("teams_channel_mention_en.json", bot_connector, thumbs_up["text"])) == 200
    [thanks] = calls_after(bot_connector, mark, "activities")
    english = [v for v in domain.responses["utter_feedback_thanks"] if v.get("condition")][0]
    assert shown(thanks) == english["text"]


def _public_pem() -> bytes:
    return SIGNER.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


REFUSED = {
    "wrong-issuer": lambda a: signed(
        claims(a, iss="https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/")
    ),
    "wrong-audience": lambda a: signed(claims(a, aud="another-bots-app-id")),
    "expired": lambda a: signed(claims(a, nbf=int(time.time()) - 7200, exp=int(time.time()) - 3600)),
    "not-yet-valid": lambda a: signed(claims(a, nbf=int(time.time()) + 3600)),
    "alg-hs256-public-key": lambda a: forged(claims(a), "HS256", _public_pem()),
    "alg-hs256": lambda a: forged(claims(a), "HS256", BOTFRAMEWORK_APP["app_password"].encode()),
    "alg-none": lambda a: forged(claims(a), "none"),
    "another-key": lambda a: signed(claims(a), key=INTRUDER),
    "no-token": lambda a: None,
    # a genuine token for the real serviceUrl, on an activity that sends the reply elsewhere
    "service-url-elsewhere": lambda a: signed(
        claims(a, serviceurl=a["serviceUrl"].replace("/botframework/", "/"))
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_forged_or_misdirected_activity_is_refused_and_nothing_is_sent(bot_connector, case):
    mark = len(bot_connector.calls)
    question = activity("teams_personal_en.json", bot_connector)
    assert post(question, REFUSED[case](question)) == 401
    assert calls_after(bot_connector, mark, "activities") == calls_after(bot_connector, mark, "token") == []


def test_an_authentic_request_that_is_not_an_activity_is_a_bad_request(bot_connector):
    mark = len(bot_connector.calls)
    question = activity("teams_personal_en.json", bot_connector)
    assert post(b"{not json", signed(claims(question))) == 400
    assert calls_after(bot_connector, mark, "activities") == []


@pytest.mark.parametrize("payload", ["teams_conversation_update.json", "teams_typing.json"])
def test_conversation_updates_and_typing_get_200_and_no_reply(bot_connector, payload):
    mark = len(bot_connector.calls)
    assert send(activity(payload, bot_connector)) == 200
    assert calls_after(bot_connector, mark, "activities") == []


def test_microsofts_keys_and_the_bots_token_were_fetched_once_for_all_these_activities(bot_connector):
    assert (
        len(calls_after(bot_connector, 0, "openid")) == 1 and len(calls_after(bot_connector, 0, "keys")) == 1
    )
    [token] = calls_after(bot_connector, 0, "token")
    assert token.path == {"tenant": BOTFRAMEWORK_APP["tenant_id"]}
    assert token.params == {
        "grant_type": "client_credentials",
        "client_id": BOTFRAMEWORK_APP["app_id"],
        "client_secret": BOTFRAMEWORK_APP["app_password"],
        "scope": "https://api.botframework.com/.default",
    }
