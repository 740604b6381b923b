"""How each messaging channel reads the platforms' recorded updates (tests/channels/payloads),
builds buttons within their limits, and falls back to plain text when a platform refuses:
the channels' pure parts, without a server (the e2e tests post the same payloads for real)."""

from __future__ import annotations

import asyncio
import copy
import json
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from rasa.core.channels.channel import OutputChannel

from channels.buttons import ButtonLimits, shorten
from channels.facebook import RATING, read_delivery
from channels.inbound import Inbound, RecentIds, with_language
from channels.limits import _SplittingOutputChannel
from channels.outbound import SendFailed
from channels.slack import read_event, read_interaction
from channels.telegram import read_update
from channels.twilio import posted_form, read_message
from channels.whatsapp import address, read_notification

PAYLOADS = Path(__file__).resolve().parents[1] / "channels" / "payloads"
PHONE_NUMBER_ID = "106540352242922"  # Meta's examples'


def recorded(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def form(name: str) -> dict[str, str]:
    return posted_form((PAYLOADS / name).read_bytes().strip())


class TestTelegram:
    def test_a_text_is_read_with_the_apps_language(self):
        [update] = read_update(recorded("telegram_text_fr.json"))
        assert update == Inbound(
            "123456789", "12345678", "Quels bureaux travaillent sur le mariage des enfants ?", language="ru"
        )

    @pytest.mark.parametrize(
        "text, read",
        [
            ("/start", "/greet"),
            ("/start@unicef_mali_bot", "/greet"),
            ("/start ref-42", "/greet"),
            ("/help", "/ask_help"),
            ("/other", "/other"),
        ],
    )
    def test_commands_ask_what_they_mean(self, text, read):
        update = recorded("telegram_start.json")
        update["message"]["text"] = text
        assert [u.text for u in read_update(update)] == [read]

    def test_a_caption_is_read(self):
        assert [u.text for u in read_update(recorded("telegram_photo_caption.json"))] == [
            "Which office covers Kidal?"
        ]

    @pytest.mark.parametrize(
        "name, kind", [("telegram_voice.json", "media"), ("telegram_location.json", "location")]
    )
    def test_nothing_to_read(self, name, kind):
        [update] = read_update(recorded(name))
        assert (update.kind, update.sender, update.text) == (kind, "3527065", "")

    @pytest.mark.parametrize(
        "name", ["telegram_sticker.json", "telegram_edited_message.json", "telegram_my_chat_member.json"]
    )
    def test_updates_without_a_message_to_answer(self, name):
        assert read_update(recorded(name)) == []

    def test_a_button_press_on_an_inline_message_is_answered_in_the_users_chat(self):
        [update] = read_update(recorded("telegram_callback_query.json"))
        assert (update.sender, update.receipt) == ("1111111", "4382bfdwdsb323b2d9")
        assert update.text == '/ask_office_overview{"office":"gao"}'

    def test_another_bot_is_not_answered(self):
        update = recorded("telegram_text_en.json")
        update["message"]["from"]["is_bot"] = True
        assert read_update(update) == []

    @pytest.mark.parametrize("junk", [None, "update", [], {"update_id": 1}, {"message": "text"}])
    def test_anything_else_is_nothing(self, junk):
        assert read_update(junk) == []


class TestSlack:
    def test_a_direct_message(self):
        [update] = read_event(recorded("slack_dm_en.json"))
        assert (update.sender, update.reply_to, update.text) == (
            "user1",
            "channel1",
            "How many staff does the Sikasso office have?",
        )

    def test_a_mention_is_answered_without_the_mention(self):
        [update] = read_event(recorded("slack_app_mention_en.json"))
        assert (update.text, update.reply_to, update.id) == (
            "When did the Timbuktu office open?",
            "C111",
            "Ev111",
        )

    def test_a_channel_message_mentioning_the_bot_is_answered_from_its_app_mention(self):
        body = recorded("slack_app_mention_en.json")
        body["event"]["type"] = "message"
        assert read_event(body) == []

    def test_a_file_without_text(self):
        [update] = read_event(recorded("slack_file_share.json"))
        assert (update.kind, update.sender) == ("media", "U111")

    @pytest.mark.parametrize(
        "name", ["slack_bot_message.json", "slack_message_changed.json", "slack_url_verification.json"]
    )
    def test_bots_edits_and_handshakes_are_not_answered(self, name):
        assert read_event(recorded(name)) == []

    def test_a_bot_message_is_not_answered_in_a_direct_message_either(self):
        body = recorded("slack_dm_en.json")
        body["event"]["bot_id"] = "B999"
        assert read_event(body) == []

    def test_a_button_press(self):
        [update] = read_interaction(recorded("slack_block_actions.json"))
        assert (update.sender, update.reply_to, update.text) == (
            "W111",
            "C111",
            '/ask_office_overview{"office":"kayes"}',
        )


class TestMessenger:
    def test_text_and_postback(self):
        assert [u.text for u in read_delivery(recorded("facebook_text_en.json"))] == [
            "When did the Timbuktu office open?"
        ]
        assert [u.text for u in read_delivery(recorded("facebook_postback.json"))] == [
            '/ask_office_overview{"office":"mopti"}'
        ]

    def test_the_like_sticker_is_a_rating(self):
        assert [u.text for u in read_delivery(recorded("facebook_like_sticker.json"))] == [RATING]

    def test_another_sticker_is_not_answered(self):
        delivery = recorded("facebook_like_sticker.json")
        delivery["entry"][0]["messaging"][0]["message"]["attachments"][0]["payload"]["sticker_id"] = 1
        assert read_delivery(delivery) == []

    @pytest.mark.parametrize(
        "name, kind", [("facebook_image.json", "media"), ("facebook_location.json", "location")]
    )
    def test_attachments_without_text(self, name, kind):
        assert [u.kind for u in read_delivery(recorded(name))] == [kind]

    @pytest.mark.parametrize("name", ["facebook_echo.json", "facebook_delivery.json"])
    def test_echoes_and_receipts_are_not_answered(self, name):
        assert read_delivery(recorded(name)) == []

    def test_only_page_deliveries(self):
        delivery = recorded("facebook_text_en.json")
        delivery["object"] = "instagram"
        assert read_delivery(delivery) == []


class TestTwilio:
    def test_blank_parameters_are_kept_for_the_signature(self):
        fields = form("twilio_sms_en.form")
        assert fields["ToCity"] == "" and fields["ToZip"] == ""

    def test_a_text(self):
        [update] = read_message(form("twilio_sms_fr.form"))
        assert (update.sender, update.text, update.id) == (
            "+14133881111",
            "Quel bureau couvre Ménaka ?",
            "SMe287d7109a5a925f182f0e07fe5b223b",
        )

    def test_pictures_without_text(self):
        assert [u.kind for u in read_message(form("twilio_sms_media.form"))] == ["media"]

    def test_a_location_without_text(self):
        fields = form("twilio_whatsapp_location.form")
        assert fields["Body"] == ""  # Twilio posts the blank Body with a location
        [update] = read_message(fields)
        assert (update.kind, update.sender, update.text) == ("location", "whatsapp:+14133881111", "")

    def test_status_callbacks_are_not_answered(self):
        assert read_message(form("twilio_status.form")) == []


class TestWhatsApp:
    @pytest.mark.parametrize(
        "name, text",
        [
            ("whatsapp_text_en.json", "Which offices work on child marriage?"),
            ("whatsapp_button_reply.json", "Tell me about Gao"),
            ("whatsapp_list_reply.json", '/ask_office_overview{"office":"sikasso"}'),
            ("whatsapp_image_caption.json", "Which office covers Kidal?"),
        ],
    )
    def test_what_the_user_wrote_or_tapped(self, name, text):
        [update] = read_notification(recorded(name), PHONE_NUMBER_ID)
        assert (update.text, update.sender) == (text, "16505551234")
        assert update.receipt == update.id and update.id.startswith("wamid.")

    @pytest.mark.parametrize(
        "name, kind", [("whatsapp_image.json", "media"), ("whatsapp_location.json", "location")]
    )
    def test_nothing_to_read(self, name, kind):
        assert [u.kind for u in read_notification(recorded(name), PHONE_NUMBER_ID)] == [kind]

    @pytest.mark.parametrize(
        "name",
        [
            "whatsapp_status_sent.json",
            "whatsapp_status_failed.json",
            "whatsapp_other_number.json",
            "whatsapp_account_update.json",
            "whatsapp_template_status.json",
        ],
    )
    def test_statuses_other_numbers_and_other_fields_are_not_answered(self, name):
        assert read_notification(recorded(name), PHONE_NUMBER_ID) == []

    def test_a_user_without_phone_number_is_their_business_scoped_id(self):
        [update] = read_notification(recorded("whatsapp_bsuid.json"), "12345")
        assert update.sender == "US.13491208655302741918"
        assert address(update.sender) == {"recipient": "US.13491208655302741918"}
        assert address("16505551234") == {"to": "16505551234"}


class TestLanguageHint:
    @pytest.mark.parametrize(
        "text, language, read",
        [
            ("/feedback_helpful", "en", '/feedback_helpful{"language":"en"}'),
            (
                '/ask_office_overview{"office":"gao"}',
                "fr",
                '/ask_office_overview{"office":"gao","language":"fr"}',
            ),
            ('/greet{"language":"en"}', "fr", '/greet{"language":"en"}'),  # a language already named wins
            ("Gao ?", "en", "Gao ?"),  # text: the language detector reads the hint itself
            ("/feedback_helpful", None, "/feedback_helpful"),
            ("/broken{", "en", "/broken{"),
        ],
    )
    def test_intent_messages_carry_the_hint(self, text, language, read):
        assert with_language(text, language) == read


def test_a_re_sent_update_is_seen_once_and_old_ids_are_forgotten():
    recent = RecentIds(size=2)
    assert [recent.first_time(i) for i in ("a", "a", "b", "c", "a", None, None)] == [
        True,
        False,
        True,
        True,
        True,
        True,
        True,
    ]


class TestButtonLimits:
    META = ButtonLimits(count=3, title=20, payload=1000, text=640)

    def test_titles_are_shortened_at_a_word_payloads_kept(self):
        [button] = self.META.fit(
            "Hello",
            [
                {
                    "title": "Which offices work on child marriage?",
                    "payload": "Which offices work on child marriage?",
                }
            ],
        )
        assert (button.title, button.payload) == (
            "Which offices work…",
            "Which offices work on child marriage?",
        )
        assert len(shorten("Quels bureaux travaillent sur le mariage d'enfants ?", 20)) <= 20
        assert shorten("Supercalifragilisticexpialidocious", 10) == "Supercali…"

    @pytest.mark.parametrize(
        "buttons, text",
        [
            ([{"title": str(i), "payload": str(i)} for i in range(4)], "ok"),  # too many
            ([{"title": "a", "payload": "x" * 1001}], "ok"),  # a payload cannot be cut
            ([{"title": "a", "payload": "a"}], "x" * 641),  # the text is too long to carry them
            (
                [
                    {"title": "Which offices work on FGM?", "payload": "1"},
                    {"title": "Which offices work on WASH?", "payload": "2"},
                ],
                "ok",
            ),
            ([{"title": "", "payload": "a"}], "ok"),
        ],
        ids=["count", "payload", "text", "same-titles", "no-title"],
    )
    def test_buttons_that_cannot_be_shown(self, buttons, text):
        assert self.META.fit(text, buttons) is None

    def test_telegram_counts_callback_data_in_bytes(self):
        telegram = ButtonLimits(count=100, title=4096, payload=64, payload_in_bytes=True)
        assert telegram.fit("ok", [{"title": "é", "payload": "é" * 32}]) is not None
        assert telegram.fit("ok", [{"title": "é", "payload": "é" * 33}]) is None


class _Platform(OutputChannel):
    """Refuses what `refuses` says, records the rest."""

    def __init__(self, refuses) -> None:
        self.refuses = refuses
        self.sent: list[dict] = []

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        if self.refuses(message):
            raise SendFailed("Platform", "HTTP 400: refused")
        self.sent.append(copy.deepcopy(message))


class TestRefusedSends:
    REPLY = {"text": "Bonjour !", "buttons": [{"title": "Parle-moi de Gao", "payload": "Parle-moi de Gao"}]}

    def test_a_refused_message_with_buttons_is_sent_as_plain_text(self, caplog):
        platform = _Platform(lambda message: bool(message.get("buttons")))
        asyncio.run(_SplittingOutputChannel(platform, 2000, None, False).send_response("u", self.REPLY))
        assert platform.sent == [{"text": "Bonjour !\n• Parle-moi de Gao"}]
        assert "sent again as plain text" in caplog.text

    def test_a_refused_plain_text_is_a_failure(self):
        platform = _Platform(lambda message: True)
        with pytest.raises(SendFailed):
            asyncio.run(
                _SplittingOutputChannel(platform, 2000, None, False).send_response("u", {"text": "Bonjour"})
            )


def test_recorded_payloads_all_have_a_source():
    readme = (PAYLOADS / "README.md").read_text(encoding="utf-8")
    files = sorted(p.name for p in PAYLOADS.iterdir() if p.suffix in (".json", ".form"))
    assert files and [f for f in files if f"`{f}`" not in readme] == []
    assert all(json.loads((PAYLOADS / f).read_text()) for f in files if f.endswith(".json"))
    assert all(urllib.parse.parse_qsl((PAYLOADS / f).read_text()) for f in files if f.endswith(".form"))
