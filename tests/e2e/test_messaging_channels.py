"""Telegram, Slack, Messenger, Twilio SMS and WhatsApp, and WhatsApp's Cloud API, end to end.

The platforms' recorded webhook payloads (tests/channels/payloads, sources in its README) are
posted, signed as each platform signs, to the session's real Rasa server and action server;
the channels' outgoing clients reply to a stand-in of the platforms' APIs on loopback
(`platform_standin`), which records what would have been sent and refuses what the platform
would refuse. Each test checks what reached the stand-in: the recipient, the facts (typed from
the dataset, actions/offices.yml), the language and the platform's limits, and that nothing is
sent for the updates a bot must not answer; every update gets its 200 (a 403 when forged).
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from twilio.request_validator import RequestValidator

from components.language import LanguageIdentifier
from tests.e2e import channel_accounts as accounts
from tests.e2e.conftest import RASA_PORT
from tests.e2e.platform_standin import Call, PlatformStandIn

pytestmark = pytest.mark.servers

WEBHOOKS = f"http://127.0.0.1:{RASA_PORT}/webhooks"
PAYLOADS = Path(__file__).resolve().parent.parent / "channels" / "payloads"
# The platforms' limits for one message (characters), as their API documentation gives them.
LIMITS = {
    "telegram": 4096,
    "slack": 4000,
    "facebook": 2000,
    "sms": 320,
    "twilio_whatsapp": 1600,
    "whatsapp": 4096,
}
# Each test's conversations get ids of their own: a recorded payload's ids are shared by all.
_ids = itertools.count(int(time.time() * 1000) % 10**9 * 1000)


def new_id() -> int:
    return next(_ids)


@pytest.fixture
def platforms(assistant, standin) -> PlatformStandIn:
    """The stand-in, with the calls and refusals of earlier tests forgotten."""
    standin.clear()
    return standin


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


def post(channel: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(f"{WEBHOOKS}/{channel}/webhook", body, headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def get(path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"{WEBHOOKS}/{path}", timeout=30) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def recorded(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def check_answer(texts: list[str], limit: int, language: str, facts: list[str], identifier) -> None:
    assert texts, "nothing was sent"
    for text in texts:
        assert 0 < len(text) <= limit, f"{len(text)} characters over the limit of {limit}: {text!r}"
    answer = " ".join(texts)
    for fact in facts:
        assert fact in answer, f"{fact!r} missing from {answer!r}"
    assert identifier.identify(answer).supported == language, f"not in {language}: {answer!r}"


def to(calls: list[Call], recipient: Callable[[Call], Any], user: Any) -> list[Call]:
    """The calls whose recipient is `user`."""
    return [c for c in calls if str(recipient(c)) == str(user)]


def log_of(assistant) -> str:
    return assistant.log(f"rasa-{RASA_PORT}").read_text(errors="replace")


def post_to_meta(channel: str, payload: Any, secret: str, signed: bool = True) -> int:
    """Post a JSON body as Meta does: signed with the app secret in `X-Hub-Signature-256`."""
    raw = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if signed:
        headers["X-Hub-Signature-256"] = accounts.meta_signature(secret, raw)
    return post(channel, raw, headers)


def stored_replies(assistant, sender: Any) -> list[str]:
    """The bot's messages in the stored conversation (the session's SQLite tracker store)."""
    with sqlite3.connect(assistant.workdir / "rasa.db") as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'bot' ORDER BY id", (str(sender),)
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


# Telegram -----------------------------------------------------------------------------------


def telegram(
    name: str,
    language: str | None = None,
    secret: str | None = accounts.TELEGRAM_SECRET,
    update: dict | None = None,
) -> tuple[int, dict, int]:
    """Post a recorded update as a new user (in `language`, when given); (status, update, chat)."""
    update = update or recorded(name)
    user = new_id()
    update["update_id"] = new_id()
    for kind in ("message", "edited_message", "my_chat_member", "callback_query"):
        part = update.get(kind)
        if part is None:
            continue
        part["from"]["id"] = user
        if "chat" in part:
            part["chat"]["id"] = user
        if kind == "callback_query":
            part["id"] = str(new_id())
        if language:
            part["from"]["language_code"] = language
    headers = {
        "Content-Type": "application/json",
        **({"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}),
    }
    return post("telegram", json.dumps(update).encode(), headers), update, user


def telegram_texts(platforms: PlatformStandIn, chat: int) -> list[str]:
    return [
        c.params["text"]
        for c in to(platforms.received("telegram", "sendMessage"), lambda c: c.params["chat_id"], chat)
    ]


def test_telegram_sets_its_webhook_with_a_secret_token(platforms):
    # asked again here (the server also asks once started, maybe just after the stand-in was cleared)
    status, _ = get("telegram/set_webhook")
    assert status == 200
    calls = platforms.received("telegram", "setWebhook")
    assert calls, "setWebhook was not called"
    for call in calls:
        assert call.params["url"] == f"{accounts.PUBLIC}/telegram/webhook"
        assert call.params["secret_token"] == accounts.TELEGRAM_SECRET
        assert json.loads(call.params["allowed_updates"]) == ["message", "callback_query"]
    assert platforms.received("telegram", "getMe"), "the token's bot was not checked"


@pytest.mark.parametrize(
    "payload, app_language, language, facts",
    [
        ("telegram_text_en.json", "en", "en", ["Mopti", "Kayes"]),
        ("telegram_text_fr.json", "fr", "fr", ["Mopti et Kayes"]),
        # "Gao ?" says nothing of its language: the user's Telegram app language (en-GB) decides,
        # where a new conversation would otherwise be answered in French.
        ("telegram_neutral.json", "en-GB", "en", ["Gao", "2013", "14"]),
        ("telegram_photo_caption.json", None, "en", ["Gao"]),  # the caption is read: Kidal -> Gao
    ],
)
def test_telegram_answers_the_chat_in_its_language(
    platforms, identifier, payload, app_language, language, facts
):
    status, _, chat = telegram(payload, app_language)
    assert status == 200
    check_answer(telegram_texts(platforms, chat), LIMITS["telegram"], language, facts, identifier)


@pytest.mark.parametrize(
    "app_language, language, greeting",
    [(None, "fr", "Bonjour"), ("en", "en", "Hello"), ("fr-FR", "fr", "Bonjour")],
)
def test_telegram_start_greets_in_the_users_language_with_buttons(
    platforms, identifier, app_language, language, greeting
):
    status, _, chat = telegram("telegram_start.json", app_language)
    assert status == 200
    [sent] = to(platforms.received("telegram", "sendMessage"), lambda c: c.params["chat_id"], chat)
    assert (
        sent.params["text"].startswith(greeting)
        and identifier.identify(sent.params["text"]).supported == language
    )
    keyboard = json.loads(sent.params["reply_markup"])["inline_keyboard"]
    assert len(keyboard) == 3 and all(len(row) == 1 for row in keyboard), "one example question a row"
    assert all(len(row[0]["callback_data"].encode()) <= 64 for row in keyboard)


def test_telegram_button_press_is_acknowledged_and_answered_in_the_app_language(platforms, identifier):
    # Telegram's example press comes from an inline message: no chat, the user's private chat answers
    status, update, user = telegram("telegram_callback_query.json", "en")
    assert status == 200
    [ack] = platforms.received("telegram", "answerCallbackQuery")
    assert ack.params["callback_query_id"] == update["callback_query"]["id"]
    check_answer(telegram_texts(platforms, user), LIMITS["telegram"], "en", ["Gao", "2013", "14"], identifier)


@pytest.mark.parametrize(
    "payload, app_language, language, words",
    [
        ("telegram_voice.json", None, "fr", ["texte"]),
        ("telegram_voice.json", "en", "en", ["text"]),
        ("telegram_location.json", "en", "en", ["Kidal"]),
    ],
)
def test_telegram_media_without_text_gets_a_short_reply(
    assistant, platforms, identifier, payload, app_language, language, words
):
    status, _, chat = telegram(payload, app_language)
    assert status == 200
    texts = telegram_texts(platforms, chat)
    check_answer(texts, LIMITS["telegram"], language, words, identifier)
    assert stored_replies(assistant, chat) == texts, "the reply is not in the stored conversation"


@pytest.mark.parametrize(
    "payload", ["telegram_edited_message.json", "telegram_sticker.json", "telegram_my_chat_member.json"]
)
def test_telegram_updates_without_a_message_to_answer_get_200_and_nothing(platforms, payload):
    status, _, chat = telegram(payload)
    assert status == 200
    assert telegram_texts(platforms, chat) == []


def test_telegram_re_sent_update_is_answered_once(platforms):
    status, update, chat = telegram("telegram_text_en.json")
    assert status == 200
    headers = {
        "Content-Type": "application/json",
        "X-Telegram-Bot-Api-Secret-Token": accounts.TELEGRAM_SECRET,
    }
    assert post("telegram", json.dumps(update).encode(), headers) == 200
    answers = telegram_texts(platforms, chat)
    assert answers and len(answers) == len(set(answers)), f"answered twice: {answers}"


@pytest.mark.parametrize("secret", [None, "not-the-secret"], ids=["unsigned", "wrong-secret"])
def test_telegram_update_without_the_secret_token_is_refused(platforms, secret):
    status, _, chat = telegram("telegram_text_en.json", secret=secret)
    assert status == 403
    assert telegram_texts(platforms, chat) == []


def test_telegram_refused_send_still_gets_telegram_its_200(assistant, platforms):
    # a user who blocked the bot: Telegram refuses every message to them
    platforms.refuse("telegram", lambda call: call.method == "sendMessage")
    status, _, chat = telegram("telegram_text_en.json")
    assert status == 200
    assert telegram_texts(platforms, chat) == []
    assert f"A reply to sender {chat} was not delivered" in log_of(assistant)


def test_the_user_gets_an_apology_when_the_action_server_is_down(assistant, platforms, identifier):
    assistant.stop_actions()
    try:
        status, _, chat = telegram("telegram_text_en.json", "en")
        assert status == 200
        check_answer(telegram_texts(platforms, chat), LIMITS["telegram"], "en", ["Sorry"], identifier)
    finally:
        assistant.start_actions()


# Slack ----------------------------------------------------------------------------------------


def slack(
    name: str, body: Any = None, stamp: int | None = None, secret: str = accounts.SLACK_SECRET, **headers: str
):
    """Post a recorded Events API or Interactivity request as a new user in a new conversation;
    (status, the request, the user, the conversation)."""
    payload = body if body is not None else recorded(name)
    user, channel = f"U{new_id()}", f"D{new_id()}"
    if payload.get("type") == "block_actions":
        payload["user"]["id"], payload["channel"]["id"] = user, channel
        payload["container"]["channel_id"], payload["trigger_id"] = channel, f"{new_id()}.valid"
        raw = f"payload={urllib.parse.quote(json.dumps(payload))}".encode()
        content_type = "application/x-www-form-urlencoded"
    else:
        if "event" in payload:
            payload["event"]["channel"], payload["event_id"] = channel, f"Ev{new_id()}"
            if "user" in payload["event"]:
                payload["event"]["user"] = user
        raw, content_type = json.dumps(payload).encode(), "application/json"
    signed = accounts.slack_headers(secret, raw, stamp)
    return post("slack", raw, {"Content-Type": content_type, **signed, **headers}), payload, user, channel


def slack_texts(platforms: PlatformStandIn, channel: str, count: int = 1) -> list[str]:
    """What was posted in `channel` once `count` messages are (Slack is answered in the background)."""
    calls = platforms.wait_for(
        lambda: to(platforms.received("slack", "chat.postMessage"), lambda c: c.params["channel"], channel),
        count,
    )
    return [c.params["text"] for c in calls]


def test_slack_url_verification_returns_the_challenge(platforms):
    status, body = None, None
    payload = recorded("slack_url_verification.json")
    raw = json.dumps(payload).encode()
    request = urllib.request.Request(
        f"{WEBHOOKS}/slack/webhook",
        raw,
        {"Content-Type": "application/json", **accounts.slack_headers(accounts.SLACK_SECRET, raw)},
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        status, body = reply.status, json.loads(reply.read())
    assert status == 200 and body == {"challenge": payload["challenge"]}


@pytest.mark.parametrize(
    "payload, language, facts",
    [
        ("slack_dm_en.json", "en", ["16"]),
        ("slack_dm_fr.json", "fr", ["14", "Gao"]),
        ("slack_app_mention_en.json", "en", ["January 2016"]),  # the mention is removed before NLU
        # a button press opening a conversation: Slack says nothing of the language, French it is
        ("slack_block_actions.json", "fr", ["Kayes", "2013", "10"]),
    ],
)
def test_slack_answers_in_the_conversation_it_was_asked_in(platforms, identifier, payload, language, facts):
    status, _, _, channel = slack(payload)
    assert status == 200
    check_answer(slack_texts(platforms, channel), LIMITS["slack"], language, facts, identifier)


def test_slack_file_without_text_gets_a_short_reply(platforms, identifier):
    status, _, _, channel = slack("slack_file_share.json")
    assert status == 200
    check_answer(slack_texts(platforms, channel), LIMITS["slack"], "fr", ["texte"], identifier)


def test_slack_bot_messages_and_edits_get_200_and_nothing(platforms):
    sent = [slack(name) for name in ("slack_bot_message.json", "slack_message_changed.json")]
    assert [status for status, *_ in sent] == [200, 200]
    time.sleep(2)  # the answers would come in the background
    posted = {c.params["channel"] for c in platforms.received("slack", "chat.postMessage", delivered=False)}
    assert not posted & {channel for *_, channel in sent}


def test_slack_retried_event_is_answered_once(platforms):
    status, payload, _, channel = slack("slack_dm_en.json")
    assert status == 200
    raw = json.dumps(payload).encode()
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    headers = {
        "Content-Type": "application/json",
        **accounts.slack_headers(accounts.SLACK_SECRET, raw),
        **retry,
    }
    assert post("slack", raw, headers) == 200
    slack_texts(platforms, channel)
    time.sleep(2)  # a second answer would be on its way
    answers = slack_texts(platforms, channel)
    assert len(answers) == len(set(answers)), f"answered twice: {answers}"


def slack_blocks(call: Call) -> list[dict]:
    blocks = call.params.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else blocks


@pytest.mark.parametrize(
    "payload, language, key, buttons",
    [
        # the greeting's example questions: each button sends its whole question (domain.yml)
        (
            "slack_hello_en.json",
            "en",
            "value",
            {
                "Which offices work on child marriage?",
                "Tell me about Gao",
                "Which office covers Kidal?",
            },
        ),
        # the help answer: one button per office of the dataset (actions/offices.yml)
        ("slack_help_fr.json", "fr", "label", {"Bamako", "Mopti", "Tombouctou", "Gao", "Kayes", "Sikasso"}),
    ],
)
def test_slack_buttons_keep_to_block_kits_limits(platforms, identifier, payload, language, key, buttons):
    # Block Kit: an actions block holds 1-25 elements; a button's plain_text label 1-75 characters,
    # its value up to 2,000; a section's text up to 3,000 (api.slack.com/reference/block-kit)
    status, *_, channel = slack(payload)
    assert status == 200
    slack_texts(platforms, channel)
    time.sleep(2)  # the rest of the answer, if any
    calls = to(
        platforms.received("slack", "chat.postMessage", delivered=False),
        lambda c: c.params["channel"],
        channel,
    )
    assert calls and [c.refusal for c in calls] == [None] * len(calls), "Slack refused a message"
    actions = [b for c in calls for b in slack_blocks(c) if b["type"] == "actions"]
    assert actions, "no buttons were sent"
    for call in calls:
        for block in slack_blocks(call):
            if block["type"] == "section":
                assert 1 <= len(block["text"]["text"]) <= 3000
    for block in actions:
        assert 1 <= len(block["elements"]) <= 25
        for button in block["elements"]:
            assert button["type"] == "button" and button["text"]["type"] == "plain_text"
            assert 1 <= len(button["text"]["text"]) <= 75, button
            assert 1 <= len(button["value"]) <= 2000, button
    sent = {e["value"] if key == "value" else e["text"]["text"] for b in actions for e in b["elements"]}
    assert buttons <= sent, f"{buttons - sent} missing from the buttons"
    with_buttons = [c for c in calls if any(b["type"] == "actions" for b in slack_blocks(c))]
    assert identifier.identify(with_buttons[0].params["text"]).supported == language


@pytest.mark.parametrize(
    "tamper",
    [{"secret": "not-the-secret"}, {"stamp": int(time.time()) - 6 * 60}],
    ids=["bad-signature", "stale"],
)
def test_slack_forged_or_stale_request_is_refused(platforms, tamper):
    status, *_, channel = slack("slack_dm_en.json", **tamper)
    assert status == 403
    time.sleep(1)
    assert not to(
        platforms.received("slack", "chat.postMessage", delivered=False),
        lambda c: c.params["channel"],
        channel,
    )


# Messenger --------------------------------------------------------------------------------------


def messenger(
    name: str, secret: str = accounts.FACEBOOK_SECRET, user: str | None = None, signed: bool = True
):
    """Post a recorded delivery from a new user (or `user`); (status, the delivery, the user).
    An echo is left as it is: it comes from the page."""
    payload = recorded(name)
    user = user or str(new_id())
    for entry in payload["entry"]:
        for event in entry["messaging"]:
            if event.get("message", {}).get("is_echo"):
                continue
            event["sender"]["id"] = user
            for kind in ("message", "postback"):
                if kind in event:
                    event[kind]["mid"] = f"m_{new_id()}"
    return post_to_meta("facebook", payload, secret, signed), payload, user


def messenger_messages(platforms: PlatformStandIn, user: str, delivered: bool = True) -> list[dict]:
    calls = platforms.received("facebook", "messages", delivered)
    return [
        c.params["message"]
        for c in to(calls, lambda c: c.params["recipient"]["id"], user)
        if "message" in c.params
    ]


def message_text(message: dict) -> str:
    """A text message's text, or a button template's."""
    return message.get("text") or message["attachment"]["payload"]["text"]


@pytest.mark.parametrize(
    "payload, language, facts",
    [
        ("facebook_text_en.json", "en", ["January 2016"]),
        ("facebook_text_fr.json", "fr", ["janvier 2016"]),
        ("facebook_postback.json", "fr", ["Mopti", "2008", "20"]),  # a button press, a new conversation
    ],
)
def test_messenger_answers_the_sender(platforms, identifier, payload, language, facts):
    status, _, user = messenger(payload)
    assert status == 200
    texts = [message_text(m) for m in messenger_messages(platforms, user)]
    check_answer(texts, LIMITS["facebook"], language, facts, identifier)
    marks = to(platforms.received("facebook", "messages"), lambda c: c.params["recipient"]["id"], user)
    assert [c.params.get("sender_action") for c in marks][:2] == ["mark_seen", "typing_on"]


def test_messenger_hello_gets_the_greeting_with_buttons_within_metas_limits(platforms, identifier):
    status, _, user = messenger("facebook_hello.json")
    assert status == 200
    assert messenger_messages(platforms, user, delivered=False) == messenger_messages(platforms, user), (
        "refused"
    )
    [greeting] = messenger_messages(platforms, user)
    template = greeting["attachment"]["payload"]
    assert template["template_type"] == "button" and len(template["text"]) <= 640
    assert identifier.identify(template["text"]).supported == "en"
    titles = [b["title"] for b in template["buttons"]]
    assert len(titles) == 3 and all(len(t) <= 20 for t in titles), titles
    assert template["buttons"][0]["payload"] == "Which offices work on child marriage?"  # the whole question


def test_messenger_refused_buttons_fall_back_to_plain_text(assistant, platforms, identifier):
    # as Meta refuses a page's templates: the greeting must still reach the user
    platforms.refuse("facebook", lambda call: "attachment" in call.params.get("message", {}))
    status, _, user = messenger("facebook_hello.json")
    assert status == 200
    [text] = messenger_messages(platforms, user)
    assert "Hello" in text["text"] and "• Which offices work on child marriage?" in text["text"]
    assert "sent again as plain text" in log_of(assistant)


def test_messenger_like_sticker_rates_the_last_answer(platforms, identifier):
    status, _, user = messenger("facebook_text_en.json")
    assert status == 200
    platforms.clear()
    assert messenger("facebook_like_sticker.json", user=user)[0] == 200
    texts = [message_text(m) for m in messenger_messages(platforms, user)]
    check_answer(texts, LIMITS["facebook"], "en", ["Thank you"], identifier)


@pytest.mark.parametrize(
    "payload, words", [("facebook_image.json", ["texte"]), ("facebook_location.json", ["Kidal"])]
)
def test_messenger_attachment_without_text_gets_a_short_reply(platforms, identifier, payload, words):
    status, _, user = messenger(payload)
    assert status == 200
    texts = [message_text(m) for m in messenger_messages(platforms, user)]
    check_answer(texts, LIMITS["facebook"], "fr", words, identifier)


@pytest.mark.parametrize("payload", ["facebook_echo.json", "facebook_delivery.json"])
def test_messenger_echoes_and_receipts_get_200_and_nothing(platforms, payload):
    status, _, _ = messenger(payload)
    assert status == 200
    assert platforms.received("facebook", "messages", delivered=False) == []


def test_messenger_answers_every_message_of_a_batched_delivery(platforms):
    deliveries = [recorded("facebook_text_en.json"), recorded("facebook_text_fr.json")]
    users = [str(new_id()), str(new_id())]
    for delivery, user in zip(deliveries, users, strict=True):
        delivery["entry"][0]["messaging"][0]["sender"]["id"] = user
        delivery["entry"][0]["messaging"][0]["message"]["mid"] = f"m_{new_id()}"
    batch = {"object": "page", "entry": [entry for d in deliveries for entry in d["entry"]]}
    assert post_to_meta("facebook", batch, accounts.FACEBOOK_SECRET) == 200
    assert all(messenger_messages(platforms, user) for user in users)


def test_messenger_re_sent_message_is_answered_once(platforms):
    # Meta re-sends a delivery it thinks was lost, with the same message id (`mid`)
    status, delivery, user = messenger("facebook_text_en.json")
    assert status == 200
    calls = to(
        platforms.received("facebook", "messages", delivered=False),
        lambda c: c.params["recipient"]["id"],
        user,
    )
    assert messenger_messages(platforms, user), "the first delivery was not answered"
    assert post_to_meta("facebook", delivery, accounts.FACEBOOK_SECRET) == 200
    again = to(
        platforms.received("facebook", "messages", delivered=False),
        lambda c: c.params["recipient"]["id"],
        user,
    )
    assert again == calls, f"answered again: {[c.params for c in again[len(calls) :]]}"


@pytest.mark.parametrize(
    "token, expected", [(accounts.FACEBOOK_VERIFY, (200, "1158201444")), ("not-the-token", (403, None))]
)
def test_messenger_webhook_verification_echoes_the_challenge_to_the_right_token(assistant, token, expected):
    query = urllib.parse.urlencode(
        {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1158201444"}
    )
    status, body = get(f"facebook/webhook?{query}")
    assert status == expected[0] and (expected[1] is None or body == expected[1])


@pytest.mark.parametrize("signed", [True, False], ids=["bad-signature", "unsigned"])
def test_messenger_forged_request_is_refused(platforms, signed):
    status, _, user = messenger("facebook_text_en.json", secret="not-the-secret", signed=signed)
    assert status == 403
    assert (
        to(
            platforms.received("facebook", "messages", delivered=False),
            lambda c: c.params["recipient"]["id"],
            user,
        )
        == []
    )


# Twilio SMS and WhatsApp ----------------------------------------------------------------------------


def twilio(
    channel: str,
    name: str,
    token: str = accounts.TWILIO_TOKEN,
    fields: list | None = None,
    sender: str | None = None,
):
    """Post a recorded form from a new number (or `sender`), signed as Twilio signs: the address it
    was given (a proxy's for SMS) and every parameter, blank ones too; (status, the form, the sender)."""
    fields = fields or urllib.parse.parse_qsl((PAYLOADS / name).read_text().strip(), keep_blank_values=True)
    prefix = "whatsapp:" if channel == "twilio_whatsapp" else ""
    sender = sender or f"{prefix}+1413{new_id() % 10**7:07d}"
    fields = [
        (k, sender if k == "From" else f"SM{new_id():032d}" if k == "MessageSid" else v) for k, v in fields
    ]
    return post_twilio_form(channel, fields, token), dict(fields), sender


def post_twilio_form(channel: str, fields: list[tuple[str, str]], token: str = accounts.TWILIO_TOKEN) -> int:
    """Post a form as it is, signed as Twilio signs it."""
    url = f"{accounts.PUBLIC}/twilio/webhook" if channel == "twilio" else f"{WEBHOOKS}/{channel}/webhook"
    signature = RequestValidator(token).compute_signature(url, dict(fields))
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
    return post(channel, urllib.parse.urlencode(fields).encode(), headers)


def twilio_messages(platforms: PlatformStandIn, sender: str) -> list[Call]:
    return to(
        platforms.received("twilio", "Messages.json", delivered=False), lambda c: c.params["To"], sender
    )


@pytest.mark.parametrize(
    "channel, payload, number, limit, language, facts",
    [
        ("twilio", "twilio_sms_en.form", accounts.SMS_NUMBER, "sms", "en", ["Gao"]),
        ("twilio", "twilio_sms_fr.form", accounts.SMS_NUMBER, "sms", "fr", ["Gao"]),
        (
            "twilio_whatsapp",
            "twilio_whatsapp_en.form",
            accounts.TWILIO_WHATSAPP_NUMBER,
            "twilio_whatsapp",
            "en",
            ["Kayes"],
        ),
        (
            "twilio_whatsapp",
            "twilio_whatsapp_fr.form",
            accounts.TWILIO_WHATSAPP_NUMBER,
            "twilio_whatsapp",
            "fr",
            ["Kayes"],
        ),
    ],
)
def test_twilio_answers_from_the_number_written_to(
    platforms, identifier, channel, payload, number, limit, language, facts
):
    status, fields, sender = twilio(channel, payload)
    assert status == 200  # with empty TwiML: the replies go through the REST API
    assert "" in fields.values(), "the recorded form has blank parameters, signed too"
    calls = twilio_messages(platforms, sender)
    assert {c.params["From"] for c in calls} == {number} == {fields["To"]}
    check_answer([c.params["Body"] for c in calls], LIMITS[limit], language, facts, identifier)


def test_a_long_sms_answer_is_split_under_the_limit(platforms, identifier):
    status, _, sender = twilio("twilio", "twilio_sms_help_fr.form")
    assert status == 200
    texts = [c.params["Body"] for c in twilio_messages(platforms, sender)]
    assert len(texts) >= 2, f"one SMS of {len(texts[0])} characters"
    check_answer(texts, LIMITS["sms"], "fr", ["Mopti", "Gao", "Tombouctou", "Sikasso", "Kayes"], identifier)


def test_twilio_picture_without_text_gets_a_short_reply(platforms, identifier):
    status, fields, sender = twilio("twilio", "twilio_sms_media.form")
    assert status == 200 and "Body" not in fields
    check_answer(
        [c.params["Body"] for c in twilio_messages(platforms, sender)],
        LIMITS["sms"],
        "fr",
        ["texte"],
        identifier,
    )


@pytest.mark.parametrize(
    "first, language, words",
    [
        (None, "fr", ["position", "Kidal"]),  # a new conversation: French
        ("twilio_whatsapp_en.form", "en", ["location", "Kidal"]),  # a conversation held in English
    ],
    ids=["new-conversation", "english-conversation"],
)
def test_twilio_location_without_text_gets_a_short_reply_in_the_conversations_language(
    assistant, platforms, identifier, first, language, words
):
    sender = None
    if first:
        status, _, sender = twilio("twilio_whatsapp", first)
        assert status == 200 and twilio_messages(platforms, sender), "the first message was not answered"
        platforms.clear()
    status, fields, sender = twilio("twilio_whatsapp", "twilio_whatsapp_location.form", sender=sender)
    assert status == 200 and fields["Body"] == "" and fields["Latitude"] and fields["Longitude"]
    texts = [c.params["Body"] for c in twilio_messages(platforms, sender)]
    check_answer(texts, LIMITS["twilio_whatsapp"], language, words, identifier)
    assert {c.params["From"] for c in twilio_messages(platforms, sender)} == {accounts.TWILIO_WHATSAPP_NUMBER}
    assert stored_replies(assistant, sender)[-len(texts) :] == texts, (
        "the reply is not in the stored conversation"
    )


@pytest.mark.parametrize(
    "channel, payload", [("twilio", "twilio_sms_en.form"), ("twilio_whatsapp", "twilio_whatsapp_en.form")]
)
def test_twilio_re_sent_message_is_answered_once(platforms, channel, payload):
    # Twilio re-sends a request that timed out or failed (its connection overrides), the same MessageSid
    status, fields, sender = twilio(channel, payload)
    assert status == 200
    answers = len(twilio_messages(platforms, sender))
    assert answers, "the first request was not answered"
    assert post_twilio_form(channel, list(fields.items())) == 200
    assert len(twilio_messages(platforms, sender)) == answers, "answered twice"


def test_twilio_status_callback_gets_200_and_nothing(platforms):
    status, _, _ = twilio("twilio", "twilio_status.form")
    assert status == 200
    assert platforms.received("twilio", "Messages.json", delivered=False) == []


@pytest.mark.parametrize(
    "channel, payload", [("twilio", "twilio_sms_en.form"), ("twilio_whatsapp", "twilio_whatsapp_en.form")]
)
def test_twilio_request_with_a_bad_signature_is_refused(platforms, channel, payload):
    status, _, sender = twilio(channel, payload, token="not-the-token")
    assert status == 403
    assert twilio_messages(platforms, sender) == []


def test_twilio_signature_over_a_form_without_its_blanks_is_refused(platforms):
    # what the old check verified: a signature Twilio never makes
    fields = urllib.parse.parse_qsl(
        (PAYLOADS / "twilio_sms_en.form").read_text().strip(), keep_blank_values=True
    )
    url = f"{accounts.PUBLIC}/twilio/webhook"
    signature = RequestValidator(accounts.TWILIO_TOKEN).compute_signature(url, {k: v for k, v in fields if v})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
    assert post("twilio", urllib.parse.urlencode(fields).encode(), headers) == 403


# WhatsApp through Meta's Cloud API ------------------------------------------------------------------


def whatsapp(name: str, secret: str = accounts.WHATSAPP_SECRET, payload: Any = None, signed: bool = True):
    """Post a recorded notification from a new user; (status, the notification, the user)."""
    payload = payload or recorded(name)
    user = str(new_id())
    for entry in payload["entry"]:
        for change in entry["changes"]:
            value = change["value"]
            for contact in value.get("contacts", []):
                if "wa_id" in contact:
                    contact["wa_id"] = user
            for message in value.get("messages", []):
                if "from" in message:
                    message["from"] = user
                else:  # known only by a business-scoped user id
                    user = message["from_user_id"] = f"ML.{new_id()}"
                message["id"] = f"wamid.{new_id()}"
    return post_to_meta("whatsapp", payload, secret, signed), payload, user


def whatsapp_messages(platforms: PlatformStandIn, user: str, delivered: bool = True) -> list[dict]:
    calls = platforms.received("whatsapp", "messages", delivered)
    return [c.params for c in calls if user in (c.params.get("to"), c.params.get("recipient"))]


def whatsapp_text(message: dict) -> str:
    return message["text"]["body"] if message["type"] == "text" else message["interactive"]["body"]["text"]


@pytest.mark.parametrize(
    "payload, language, facts",
    [
        ("whatsapp_text_en.json", "en", ["Mopti", "Kayes"]),
        ("whatsapp_text_fr.json", "fr", ["Mopti et Kayes"]),
        ("whatsapp_button_reply.json", "en", ["Gao", "2013", "14"]),  # a reply button's id
        ("whatsapp_list_reply.json", "fr", ["Sikasso", "2013", "16"]),  # a list row's id (a new conversation)
        ("whatsapp_image_caption.json", "en", ["Gao"]),  # the caption is read: Kidal -> Gao
    ],
)
def test_whatsapp_answers_the_user_in_their_language(platforms, identifier, payload, language, facts):
    status, notification, user = whatsapp(payload)
    assert status == 200
    messages = whatsapp_messages(platforms, user)
    check_answer([whatsapp_text(m) for m in messages], LIMITS["whatsapp"], language, facts, identifier)
    assert all(m["messaging_product"] == "whatsapp" and m["to"] == user for m in messages)
    [read] = [
        c.params for c in platforms.received("whatsapp", "messages") if c.params.get("status") == "read"
    ]
    assert read["message_id"] == notification["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    assert all(
        c.headers["Authorization"] == f"Bearer {accounts.WHATSAPP_TOKEN}"
        for c in platforms.received("whatsapp", "messages")
    )


def test_whatsapp_greeting_has_at_most_three_reply_buttons(platforms, identifier):
    status, _, user = whatsapp("whatsapp_hello.json")
    assert status == 200
    [greeting] = whatsapp_messages(platforms, user)
    interactive = greeting["interactive"]
    assert interactive["type"] == "button" and identifier.identify(whatsapp_text(greeting)).supported == "en"
    buttons = interactive["action"]["buttons"]
    assert len(buttons) == 3 and all(len(b["reply"]["title"]) <= 20 for b in buttons)
    assert buttons[1]["reply"]["id"] == "Tell me about Gao"


def test_whatsapp_more_choices_than_buttons_come_as_a_list(platforms, identifier):
    status, _, user = whatsapp("whatsapp_help_fr.json")
    assert status == 200
    [help_message] = whatsapp_messages(platforms, user)
    interactive = help_message["interactive"]
    assert (
        interactive["type"] == "list" and identifier.identify(whatsapp_text(help_message)).supported == "fr"
    )
    rows = [row for section in interactive["action"]["sections"] for row in section["rows"]]
    assert [row["title"] for row in rows] == ["Bamako", "Mopti", "Tombouctou", "Gao", "Kayes", "Sikasso"]
    assert len(rows) <= 10 and len(interactive["action"]["button"]) <= 20


def test_whatsapp_refused_interactive_message_falls_back_to_plain_text(assistant, platforms):
    platforms.refuse("whatsapp", lambda call: call.params.get("type") == "interactive")
    status, _, user = whatsapp("whatsapp_hello.json")
    assert status == 200
    [text] = whatsapp_messages(platforms, user)
    assert text["type"] == "text" and "• Tell me about Gao" in text["text"]["body"]


def test_whatsapp_user_known_only_by_a_business_scoped_id_is_answered(platforms, identifier):
    notification = recorded("whatsapp_bsuid.json")
    notification["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = (
        accounts.WHATSAPP_PHONE_NUMBER_ID
    )
    status, _, user = whatsapp("", payload=notification)
    assert status == 200
    messages = whatsapp_messages(platforms, user)
    assert messages and all(m["recipient"] == user and "to" not in m for m in messages)
    check_answer(
        [whatsapp_text(m) for m in messages], LIMITS["whatsapp"], "en", ["Kayes", "2013", "10"], identifier
    )


@pytest.mark.parametrize(
    "payload, language, words",
    [("whatsapp_image.json", "fr", ["texte"]), ("whatsapp_location.json", "fr", ["Kidal"])],
)
def test_whatsapp_media_without_caption_and_locations_get_a_short_reply(
    platforms, identifier, payload, language, words
):
    status, _, user = whatsapp(payload)
    assert status == 200
    check_answer(
        [whatsapp_text(m) for m in whatsapp_messages(platforms, user)],
        LIMITS["whatsapp"],
        language,
        words,
        identifier,
    )


@pytest.mark.parametrize(
    "payload",
    [
        "whatsapp_status_sent.json",
        "whatsapp_status_failed.json",
        "whatsapp_other_number.json",
        "whatsapp_account_update.json",  # another field than `messages`
        "whatsapp_template_status.json",  # another field than `messages`
    ],
)
def test_whatsapp_statuses_other_numbers_and_other_fields_get_200_and_nothing(assistant, platforms, payload):
    unreadable = log_of(assistant).count("whatsapp: an update could not be read")
    status, _, _ = whatsapp(payload)
    assert status == 200
    assert platforms.received("whatsapp", "messages", delivered=False) == []
    assert log_of(assistant).count("whatsapp: an update could not be read") == unreadable, "read as an error"


def test_whatsapp_re_sent_message_is_answered_once(platforms):
    status, notification, user = whatsapp("whatsapp_text_en.json")
    assert status == 200
    answers = len(whatsapp_messages(platforms, user))
    assert post_to_meta("whatsapp", notification, accounts.WHATSAPP_SECRET) == 200
    assert answers and len(whatsapp_messages(platforms, user)) == answers


@pytest.mark.parametrize("signed", [True, False], ids=["bad-signature", "unsigned"])
def test_whatsapp_forged_request_is_refused(platforms, signed):
    status, _, _ = whatsapp("whatsapp_text_en.json", secret="not-the-secret", signed=signed)
    assert status == 403
    assert platforms.received("whatsapp", "messages", delivered=False) == []


@pytest.mark.parametrize(
    "query, expected",
    [
        (
            {
                "hub.mode": "subscribe",
                "hub.verify_token": accounts.WHATSAPP_VERIFY,
                "hub.challenge": "1158201444",
            },
            (200, "1158201444"),
        ),
        (
            {"hub.mode": "subscribe", "hub.verify_token": "not-the-token", "hub.challenge": "1158201444"},
            (403, None),
        ),
        ({"hub.verify_token": accounts.WHATSAPP_VERIFY, "hub.challenge": "1158201444"}, (403, None)),
    ],
    ids=["right-token", "wrong-token", "no-mode"],
)
def test_whatsapp_webhook_handshake(assistant, query, expected):
    status, body = get(f"whatsapp/webhook?{urllib.parse.urlencode(query)}")
    assert status == expected[0] and (expected[1] is None or body == expected[1])
