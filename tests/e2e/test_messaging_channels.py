"""Telegram, Slack, Messenger, Twilio SMS and WhatsApp, end to end, without the platforms.

The platforms' recorded webhook payloads (tests/channels/payloads) are posted to a real Rasa
server and action server; the channels' outgoing clients are pointed at a stand-in of the
platforms' APIs on loopback (`platform_standin`), which records what would have been sent.
Expected facts are typed from the source page, as in test_rest_webhook.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from twilio.request_validator import RequestValidator

from components.language import LanguageIdentifier
from project import ROOT
from tests.e2e.platform_standin import TELEGRAM_BOT, Call, PlatformStandIn
from tests.e2e.servers import Servers, e2e_port
from tools.serve import stop

pytestmark = pytest.mark.servers

RASA_PORT, ACTIONS_PORT = e2e_port(15105), e2e_port(15155)
WEBHOOKS = f"http://127.0.0.1:{RASA_PORT}/webhooks"
PAYLOADS = ROOT / "tests" / "channels" / "payloads"
PUBLIC = "https://bot.example.org/webhooks"
SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
FACEBOOK_SECRET = "4a1f0c0e2b9d8e7f6a5b4c3d2e1f0a9b"
TWILIO_TOKEN = "9e3b1c7d5a2f4e6b8c0d1a3f5e7b9c2d"
SMS_NUMBER, WHATSAPP_NUMBER = "+14155550134", "whatsapp:+14155238886"
# The platforms' limits for one message (characters), as their API documentation gives them.
LIMITS = {"telegram": 4096, "slack": 4000, "facebook": 2000, "sms": 320, "whatsapp": 1600}


def _environment(standin: PlatformStandIn) -> dict[str, str]:
    return {
        "TELEGRAM_ACCESS_TOKEN": f"{TELEGRAM_BOT['id']}:AAHk-not-a-real-token",
        "TELEGRAM_BOT_USERNAME": TELEGRAM_BOT["username"],
        "TELEGRAM_WEBHOOK_URL": f"{PUBLIC}/telegram/webhook",
        "TELEGRAM_API_URL": f"{standin.url}/telegram",
        "SLACK_BOT_TOKEN": "xoxb-not-a-real-token",
        "SLACK_SIGNING_SECRET": SLACK_SECRET,
        "SLACK_API_URL": f"{standin.url}/slack",
        "FACEBOOK_VERIFY_TOKEN": "unicef-mali-verify",
        "FACEBOOK_APP_SECRET": FACEBOOK_SECRET,
        "FACEBOOK_PAGE_ACCESS_TOKEN": "EAAB-not-a-real-token",
        "FACEBOOK_API_URL": f"{standin.url}/facebook",
        "TWILIO_ACCOUNT_SID": "ACd7c3f0a9b2e14c6f8a5b1d9e2c7f4a30",
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_SMS_NUMBER": SMS_NUMBER,
        "TWILIO_SMS_WEBHOOK_URL": f"{PUBLIC}/twilio/webhook",  # as behind a proxy
        "TWILIO_WHATSAPP_NUMBER": WHATSAPP_NUMBER,
        "TWILIO_API_URL": f"{standin.url}/twilio",
    }


@pytest.fixture(scope="module")
def standin() -> Iterator[PlatformStandIn]:
    server = PlatformStandIn()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def servers(standin, tmp_path_factory) -> Iterator[Servers]:
    workdir = tmp_path_factory.mktemp("channels")
    running = Servers(workdir, ACTIONS_PORT, [RASA_PORT], env=_environment(standin))
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture
def platforms(servers, standin) -> PlatformStandIn:
    """The stand-in, with the calls of earlier tests forgotten."""
    standin.clear()
    return standin


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


def _post(channel: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(f"{WEBHOOKS}/{channel}/webhook", body, headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def _payload(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes().strip()


def post_telegram(name: str) -> int:
    return _post("telegram", _payload(name), {"Content-Type": "application/json"})


def post_slack(name: str, secret: str = SLACK_SECRET, body: bytes | None = None) -> int:
    body = body or _payload(name)
    stamp = str(int(time.time()))
    signature = "v0=" + hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}
    return _post("slack", body, {"Content-Type": "application/json", **headers})


def post_facebook(name: str, secret: str = FACEBOOK_SECRET, body: bytes | None = None) -> int:
    body = body or _payload(name)
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return _post("facebook", body, {"Content-Type": "application/json", "X-Hub-Signature-256": signature})


def post_twilio(channel: str, name: str, token: str = TWILIO_TOKEN) -> int:
    """Signed as Twilio signs: the address it was given (behind a proxy for SMS) and the form."""
    body = _payload(name)
    url = f"{PUBLIC}/twilio/webhook" if channel == "twilio" else f"{WEBHOOKS}/{channel}/webhook"
    signature = RequestValidator(token).compute_signature(url, dict(urllib.parse.parse_qsl(body.decode())))
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
    return _post(channel, body, headers)


def form(name: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(_payload(name).decode()))


def event(name: str) -> dict:
    return json.loads(_payload(name))


def check_answer(texts: list[str], limit: int, language: str, facts: list[str], identifier) -> None:
    assert texts, "nothing was sent"
    for text in texts:
        assert 0 < len(text) <= limit, f"{len(text)} characters over the limit of {limit}: {text!r}"
    answer = " ".join(texts)
    for fact in facts:
        assert fact in answer, f"{fact!r} missing from {answer!r}"
    assert identifier.identify(answer).supported == language, f"not in {language}: {answer!r}"


def sent_to(calls: list[Call], key: str, recipient: str) -> list[str]:
    """The texts of `calls` whose `key` parameter names `recipient`, checking none went elsewhere."""
    assert {str(c.params[key]) for c in calls} <= {recipient}, f"sent to others: {calls}"
    return [c.params.get("text") or c.params.get("Body") for c in calls]


def test_telegram_webhook_is_set_at_start_on_the_stand_in(servers, standin):
    # set once the server runs, which may be just after it first answers its health check
    calls = standin.wait_for(lambda: standin.received("telegram", "setWebhook"))
    assert [c.params["url"] for c in calls] == [f"{PUBLIC}/telegram/webhook"]


@pytest.mark.parametrize(
    "payload, language, facts",
    [
        ("telegram_en.json", "en", ["Mopti", "Kayes"]),
        ("telegram_fr.json", "fr", ["Mopti et Kayes"]),
        # "Gao ?" says nothing of its language: the user's Telegram app language (en-GB) decides,
        # where a new conversation would otherwise be answered in French.
        ("telegram_neutral_en.json", "en", ["Gao", "2013", "14"]),
    ],
)
def test_telegram_answers_the_chat_in_its_language(platforms, identifier, payload, language, facts):
    assert post_telegram(payload) == 200
    chat = str(event(payload)["message"]["chat"]["id"])
    calls = platforms.wait_for(lambda: platforms.received("telegram", "sendMessage"))
    check_answer(sent_to(calls, "chat_id", chat), LIMITS["telegram"], language, facts, identifier)


@pytest.mark.parametrize(
    "payload, language, facts",
    [("slack_dm_en.json", "en", ["16"]), ("slack_mention_fr.json", "fr", ["14", "Gao"])],
)
def test_slack_answers_in_the_conversation_it_was_asked_in(platforms, identifier, payload, language, facts):
    assert post_slack(payload) == 200
    channel = event(payload)["event"]["channel"]
    calls = platforms.wait_for(lambda: platforms.received("slack", "chat.postMessage"))
    check_answer(sent_to(calls, "channel", channel), LIMITS["slack"], language, facts, identifier)


def _messenger_texts(platforms: PlatformStandIn) -> list[Call]:
    return [c for c in platforms.received("facebook", "messages") if "message" in c.params]


@pytest.mark.parametrize(
    "payload, language, facts",
    [("facebook_en.json", "en", ["January 2016"]), ("facebook_fr.json", "fr", ["janvier 2016"])],
)
def test_messenger_answers_the_sender(platforms, identifier, payload, language, facts):
    assert post_facebook(payload) == 200
    sender = event(payload)["entry"][0]["messaging"][0]["sender"]["id"]
    calls = _messenger_texts(platforms)
    assert {c.params["recipient"]["id"] for c in calls} == {sender}
    # a text message, or a button template (the "helpful?" buttons) with its text in its payload
    texts = [
        c.params["message"].get("text") or c.params["message"]["attachment"]["payload"]["text"] for c in calls
    ]
    check_answer(texts, LIMITS["facebook"], language, facts, identifier)


def test_messenger_answers_every_message_of_a_batched_delivery(platforms):
    deliveries = [event("facebook_en.json"), event("facebook_fr.json")]
    batch = {"object": "page", "entry": [entry for d in deliveries for entry in d["entry"]]}
    assert post_facebook("", body=json.dumps(batch).encode()) == 200
    senders = {d["entry"][0]["messaging"][0]["sender"]["id"] for d in deliveries}
    assert {c.params["recipient"]["id"] for c in _messenger_texts(platforms)} == senders


def test_messenger_webhook_verification_echoes_the_challenge(servers):
    query = urllib.parse.urlencode(
        {"hub.mode": "subscribe", "hub.verify_token": "unicef-mali-verify", "hub.challenge": "1158201444"}
    )
    with urllib.request.urlopen(f"{WEBHOOKS}/facebook/webhook?{query}", timeout=10) as reply:
        assert reply.read() == b"1158201444"


@pytest.mark.parametrize(
    "channel, payload, number, limit, language, facts",
    [
        ("twilio", "twilio_sms_en.form", SMS_NUMBER, "sms", "en", ["Gao"]),
        ("twilio", "twilio_sms_fr.form", SMS_NUMBER, "sms", "fr", ["Gao"]),
        ("twilio_whatsapp", "twilio_whatsapp_en.form", WHATSAPP_NUMBER, "whatsapp", "en", ["Kayes"]),
        ("twilio_whatsapp", "twilio_whatsapp_fr.form", WHATSAPP_NUMBER, "whatsapp", "fr", ["Kayes"]),
    ],
)
def test_twilio_answers_from_the_number_written_to(
    platforms, identifier, channel, payload, number, limit, language, facts
):
    assert post_twilio(channel, payload) == 204
    fields = form(payload)
    calls = platforms.received("twilio", "Messages.json")
    assert {c.params["From"] for c in calls} == {number} == {fields["To"]}
    check_answer(sent_to(calls, "To", fields["From"]), LIMITS[limit], language, facts, identifier)


def test_a_long_sms_answer_is_split_under_the_limit(platforms, identifier):
    assert post_twilio("twilio", "twilio_sms_help_fr.form") == 204
    calls = platforms.received("twilio", "Messages.json")
    texts = sent_to(calls, "To", form("twilio_sms_help_fr.form")["From"])
    assert len(texts) >= 2, f"one SMS of {len(texts[0])} characters"
    field_offices = ["Mopti", "Gao", "Tombouctou", "Sikasso", "Kayes"]
    check_answer(texts, LIMITS["sms"], "fr", field_offices, identifier)


@pytest.mark.parametrize(
    "post",
    [
        pytest.param(lambda: post_slack("slack_dm_en.json", secret="not-the-secret"), id="slack"),
        pytest.param(lambda: post_facebook("facebook_en.json", secret="not-the-secret"), id="facebook"),
        pytest.param(lambda: post_twilio("twilio", "twilio_sms_en.form", token="not-the-token"), id="sms"),
        pytest.param(
            lambda: post_twilio("twilio_whatsapp", "twilio_whatsapp_en.form", token="not-the-token"),
            id="whatsapp",
        ),
        pytest.param(
            lambda: _post("facebook", _payload("facebook_en.json"), {"Content-Type": "application/json"}),
            id="facebook-unsigned",
        ),
    ],
)
def test_a_request_with_a_bad_signature_is_refused_and_answers_nothing(platforms, post):
    assert post() == 403
    time.sleep(2)  # Slack's channel would answer in the background
    assert platforms.calls == []


def test_the_user_gets_an_apology_when_the_action_server_is_down(servers, platforms, identifier):
    stop(servers.actions)
    try:
        assert post_telegram("telegram_en.json") == 200
        calls = platforms.wait_for(lambda: platforms.received("telegram", "sendMessage"))
        chat = str(event("telegram_en.json")["message"]["chat"]["id"])
        check_answer(sent_to(calls, "chat_id", chat), LIMITS["telegram"], "en", ["Sorry"], identifier)
    finally:
        servers.start_actions()
