"""The messaging channels' pieces, without a server or a network: message splitting,
credentials from the environment, Meta's signatures and handshake, and each channel built
from credentials.yml as the server builds it."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.run import create_http_input_channels

from channels.botframework import BotFrameworkInput
from channels.environment import resolve
from channels.facebook import FacebookInput
from channels.graph import is_signed, subscription_reply
from channels.messaging import ChannelOff
from channels.rest import RestInput
from channels.slack import SlackInput
from channels.splitting import ELLIPSIS, split_message
from channels.telegram import TelegramInput
from channels.twilio import TwilioInput, TwilioWhatsAppInput
from channels.whatsapp import WhatsAppInput
from project import CREDENTIALS

MESSAGING = (
    TelegramInput,
    SlackInput,
    FacebookInput,
    TwilioInput,
    TwilioWhatsAppInput,
    WhatsAppInput,
    BotFrameworkInput,
)
SECRETS = {
    "TELEGRAM_ACCESS_TOKEN": "123456:not-a-token",
    "TELEGRAM_BOT_USERNAME": "unicef_mali_bot",
    "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/webhooks/telegram/webhook",
    "TELEGRAM_SECRET_TOKEN": "not-a-secret",
    "SLACK_BOT_TOKEN": "xoxb-not-a-token",
    "SLACK_SIGNING_SECRET": "not-a-secret",
    "FACEBOOK_VERIFY_TOKEN": "verify",
    "FACEBOOK_APP_SECRET": "not-a-secret",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "not-a-token",
    "TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000",
    "TWILIO_AUTH_TOKEN": "not-a-token",
    "TWILIO_SMS_NUMBER": "+14155550134",
    "TWILIO_WHATSAPP_NUMBER": "whatsapp:+14155238886",
    "WHATSAPP_ACCESS_TOKEN": "not-a-token",
    "WHATSAPP_APP_SECRET": "not-a-secret",
    "WHATSAPP_VERIFY_TOKEN": "verify",
    "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
    "BOTFRAMEWORK_APP_ID": "3b6c8a2e-5d1f-4e7a-9c0b-8f2d6e4a1c57",
    "BOTFRAMEWORK_APP_PASSWORD": "not-a-secret",
    "BOTFRAMEWORK_TENANT_ID": "0f4e2b1a-7c3d-4a5e-8b9f-6d2c1e0a3b48",
}
API_URLS = {
    "TELEGRAM_API_URL": "http://127.0.0.1:9/telegram",
    "SLACK_API_URL": "http://127.0.0.1:9/slack",
    "FACEBOOK_API_URL": "http://127.0.0.1:9/facebook",
    "TWILIO_API_URL": "http://127.0.0.1:9/twilio",
    "WHATSAPP_API_URL": "http://127.0.0.1:9/whatsapp",
    "BOTFRAMEWORK_OPENID_URL": "http://127.0.0.1:9/botframework/openid",
    "BOTFRAMEWORK_LOGIN_URL": "http://127.0.0.1:9/botframework",
}
SENTENCE = "Gao: field office opened in 2013, 14 staff on the ground. "


def _blanks_removed(text: str) -> str:
    return re.sub(r"\s+", "", text)


class TestSplitting:
    def test_a_short_answer_is_one_message(self):
        assert split_message("  Mopti and Kayes.  ", 320) == ["Mopti and Kayes."]

    def test_a_long_answer_is_cut_between_sentences(self):
        parts = split_message(SENTENCE * 20, 160)
        assert len(parts) == 10  # two sentences of 57 characters a part: 3 would be 173
        assert all(p.endswith("ground.") and len(p) <= 160 for p in parts)

    def test_paragraphs_come_before_sentences(self):
        first, second = "a" * 40 + ". " + "b" * 40, "c" * 50
        assert split_message(f"{first}\n\n{second}", 100) == [first, second]

    def test_a_text_without_blanks_is_cut_at_the_limit(self):
        assert split_message("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]

    def test_beyond_the_maximum_the_answer_is_shortened(self):
        parts = split_message(SENTENCE * 20, 160, max_parts=3)
        assert len(parts) == 3
        assert parts[-1].endswith(ELLIPSIS) and all(len(p) <= 160 for p in parts)

    def test_a_limit_below_two_characters_is_refused(self):
        with pytest.raises(ValueError, match="at least 2"):
            split_message("text", 1)

    @given(st.text(max_size=3000), st.integers(min_value=2, max_value=400))
    def test_no_part_is_over_the_limit_and_nothing_is_lost(self, text, limit):
        parts = split_message(text, limit)
        assert all(0 < len(p) <= limit and p == p.strip() for p in parts)
        assert _blanks_removed("".join(parts)) == _blanks_removed(text)

    @given(st.text(max_size=3000), st.integers(min_value=2, max_value=400), st.integers(1, 5))
    def test_shortened_answers_keep_to_the_limit(self, text, limit, max_parts):
        parts = split_message(text, limit, max_parts)
        assert len(parts) <= max_parts and all(0 < len(p) <= limit for p in parts)


class TestEnvironment:
    NAMES = {"from_environment": {"token": "T", "secret": "S", "api_url": "U"}, "use_threads": True}

    def test_values_come_from_the_variables_named(self):
        resolved, missing = resolve(self.NAMES, {"api_url"}, {"T": "t", "S": "s", "U": "u"})
        assert (resolved, missing) == ({"token": "t", "secret": "s", "api_url": "u", "use_threads": True}, [])

    def test_unset_or_blank_required_variables_are_named(self):
        resolved, missing = resolve(self.NAMES, {"api_url"}, {"S": "  "})
        assert missing == ["T", "S"]

    def test_an_unset_optional_variable_leaves_the_default(self):
        resolved, missing = resolve(self.NAMES, {"api_url"}, {"T": "t", "S": "s"})
        assert "api_url" not in resolved and missing == []


class TestSignaturesAndHints:
    BODY = b'{"object": "page", "entry": []}'

    @pytest.mark.parametrize(
        "header, prefix, digest",
        [("X-Hub-Signature-256", "sha256=", hashlib.sha256), ("X-Hub-Signature", "sha1=", hashlib.sha1)],
    )
    def test_meta_signatures(self, header, prefix, digest):
        good = prefix + hmac.new(b"secret", self.BODY, digest).hexdigest()
        assert is_signed("secret", self.BODY, {header: good})
        assert not is_signed("other", self.BODY, {header: good})
        assert not is_signed("secret", self.BODY + b" ", {header: good})
        assert not is_signed("secret", self.BODY, {header: good.removeprefix(prefix)})

    def test_an_unsigned_request_is_not_from_meta(self):
        assert not is_signed("secret", self.BODY, {})

    @pytest.mark.parametrize(
        "args, status",
        [
            ({"hub.mode": "subscribe", "hub.verify_token": "verify", "hub.challenge": "42"}, 200),
            ({"hub.mode": "subscribe", "hub.verify_token": "other", "hub.challenge": "42"}, 403),
            ({"hub.verify_token": "verify", "hub.challenge": "42"}, 403),
            ({}, 403),
        ],
    )
    def test_metas_handshake(self, args, status):
        reply = subscription_reply(args, "verify")
        assert reply.status == status and (status != 200 or reply.body == b"42")


class TestChannelsFromCredentials:
    def _channels(self, monkeypatch, environ: dict[str, str]) -> dict[str, object]:
        """The channels the server builds from credentials.yml in this environment, by class
        name (by channel name for those that are off)."""
        for name in {*SECRETS, *API_URLS}:
            monkeypatch.delenv(name, raising=False)
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        built = create_http_input_channels(None, str(CREDENTIALS))
        return {c.url_prefix() if isinstance(c, ChannelOff) else type(c).__name__: c for c in built}

    def test_without_variables_every_messaging_channel_is_off(self, monkeypatch):
        channels = self._channels(monkeypatch, {})
        assert isinstance(channels["RestInput"], RestInput)
        assert {name for name, c in channels.items() if isinstance(c, ChannelOff)} == {
            c.name() for c in MESSAGING
        }

    def test_with_variables_every_messaging_channel_is_on(self, monkeypatch):
        channels = self._channels(monkeypatch, SECRETS)
        for channel_class in MESSAGING:
            assert isinstance(channels[channel_class.__name__], channel_class)

    def test_replies_go_to_the_api_address_given(self, monkeypatch):
        channels = self._channels(monkeypatch, {**SECRETS, **API_URLS})
        telegram = channels["TelegramInput"].get_output_channel()
        assert (
            telegram.server.api_url("T", "sendMessage") == f"{API_URLS['TELEGRAM_API_URL']}/botT/sendMessage"
        )
        assert (
            channels["SlackInput"].get_output_channel("C1").client.base_url == API_URLS["SLACK_API_URL"] + "/"
        )
        assert channels["FacebookInput"].graph.base_url == API_URLS["FACEBOOK_API_URL"]
        assert channels["WhatsAppInput"].graph.base_url == API_URLS["WHATSAPP_API_URL"]
        for name in ("TwilioInput", "TwilioWhatsAppInput"):
            assert channels[name].get_output_channel().api.base_url == API_URLS["TWILIO_API_URL"]

    def test_replies_go_to_the_platforms_by_default(self, monkeypatch):
        channels = self._channels(monkeypatch, SECRETS)
        telegram = channels["TelegramInput"].get_output_channel()
        assert telegram.server.api_url("T", "getMe").startswith("https://api.telegram.org/")
        assert channels["SlackInput"].get_output_channel("C1").client.base_url == "https://slack.com/api/"
        for name in ("FacebookInput", "WhatsAppInput"):
            assert channels[name].graph.base_url.startswith("https://graph.facebook.com/v")
        assert channels["TwilioInput"].get_output_channel().api.base_url == "https://api.twilio.com"

    @pytest.mark.parametrize("channel_class", MESSAGING)
    def test_every_reply_keeps_to_the_platforms_limit(self, monkeypatch, channel_class):
        channel = self._channels(monkeypatch, SECRETS)[channel_class.__name__]
        answer = SENTENCE * 200  # 11,600 characters

        async def bot(message: UserMessage) -> None:
            await message.output_channel.send_response(message.sender_id, {"text": answer})

        collected = CollectingOutputChannel()
        asyncio.run(channel.replying(bot)(UserMessage("Gao ?", collected, "user")))
        texts = [m["text"] for m in collected.messages]
        assert texts and all(len(t) <= channel.max_characters for t in texts)
        if channel.max_messages is None:
            assert _blanks_removed("".join(texts)) == _blanks_removed(answer)
        else:
            assert len(texts) == channel.max_messages and texts[-1].endswith(ELLIPSIS)

    def test_telegram_unreachable_at_start_is_logged_not_raised(self, monkeypatch, caplog):
        unreachable = {**SECRETS, "TELEGRAM_API_URL": "http://127.0.0.1:9"}  # the discard port
        telegram = self._channels(monkeypatch, unreachable)["TelegramInput"]
        asyncio.run(telegram.register_webhook())
        assert "setWebhook" in caplog.text and "failed" in caplog.text

    @pytest.mark.parametrize("channel_class", MESSAGING)
    def test_buttons_are_lines_of_text_where_the_platform_has_none(self, monkeypatch, channel_class):
        channel = self._channels(monkeypatch, SECRETS)[channel_class.__name__]
        buttons = [{"title": "Et Mopti ?", "payload": "Et Mopti ?"}, {"title": "Aide", "payload": "aide"}]

        async def bot(message: UserMessage) -> None:
            reply = {"text": "Gao : bureau de zone ouvert en 2013.", "buttons": buttons}
            await message.output_channel.send_response(message.sender_id, reply)

        collected = CollectingOutputChannel()
        asyncio.run(channel.replying(bot)(UserMessage("Gao ?", collected, "user")))
        [sent] = collected.messages
        if channel_class in (TwilioInput, TwilioWhatsAppInput):
            assert sent["text"] == "Gao : bureau de zone ouvert en 2013.\n• Et Mopti ?\n• Aide"
            assert not sent.get("buttons")
        else:
            assert sent["buttons"] == buttons
