"""Teams (Bot Framework) channel pieces without Microsoft: what reaches NLU, what the user sees,
where the token and the replies go, and that building the channel calls nobody.

The Bot Connector and the token endpoint are an aiohttp app in the test's own loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable

import pytest
from aiohttp import web
from rasa.core.run import create_http_input_channels

from channels.botframework import BotFrameworkInput, BotFrameworkOutput, hero_card, text_for_the_bot
from channels.botframework_auth import OPENID_URL
from channels.botframework_connector import AccessToken, Connector, Http, token_url
from project import CREDENTIALS, ROOT

PAYLOADS = ROOT / "tests" / "channels" / "payloads"
TENANT = "0f4e2b1a-7c3d-4a5e-8b9f-6d2c1e0a3b48"


def payload(name: str) -> dict:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


class TestWhatReachesTheAssistant:
    def test_the_mention_of_the_bot_in_a_channel_is_taken_out(self):
        assert (
            text_for_the_bot(payload("teams_channel_mention_en.json"))
            == "Which offices work on child marriage?"
        )

    def test_a_personal_message_is_read_as_written(self):
        assert (
            text_for_the_bot(payload("teams_personal_fr.json"))
            == "Quels bureaux travaillent sur l'excision ?"
        )

    def test_the_mention_of_someone_else_stays(self):
        activity = payload("teams_channel_mention_en.json")
        activity["entities"][0]["mentioned"]["id"] = "29:someone-else"
        assert text_for_the_bot(activity).startswith("<at>My Combined</at>")

    def test_a_message_without_text_is_empty(self):
        activity = payload("teams_personal_en.json")
        del activity["text"]
        assert text_for_the_bot(activity) == ""

    def test_the_teams_clients_language_is_the_hint_and_the_user_the_conversation(self, monkeypatch):
        channel = _teams_channel(monkeypatch)
        activity = payload("teams_personal_en.json")
        message = channel.user_message(activity, BotFrameworkOutput(activity, channel.connector))
        assert message.metadata == {"language": "en-US"}
        assert message.sender_id == activity["from"]["id"] and message.input_channel == "botframework"


class TestWhatTheUserSees:
    def test_buttons_are_message_back_actions_showing_their_title_and_sending_their_payload(self):
        card = hero_card("Was this answer helpful?", [{"title": "👍 Yes", "payload": "/feedback_helpful"}])
        assert card["contentType"] == "application/vnd.microsoft.card.hero"
        [action] = card["content"]["buttons"]
        assert action["type"] == "messageBack" and action["title"] == action["displayText"] == "👍 Yes"
        assert action["text"] == "/feedback_helpful"

    def test_a_cards_text_shows_as_written_not_as_html(self):
        card = hero_card(
            '<img src=x onerror="alert(1)"> & co\nline 2', [{"title": "Aide", "payload": "aide"}]
        )
        assert card["content"]["text"] == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; co<br>line 2"

    def test_a_refused_card_still_sends_its_text_with_the_titles_as_lines(self):
        class RefusingCards:
            def __init__(self) -> None:
                self.sent: list[dict] = []

            async def reply(self, activity, content) -> bool:
                self.sent.append(content)
                return "attachments" not in content

        connector = RefusingCards()
        output = BotFrameworkOutput(payload("teams_personal_en.json"), connector)  # type: ignore[arg-type]
        buttons = [{"title": "Gao", "payload": "/ask_office_overview"}, {"title": "Kayes", "payload": "x"}]
        asyncio.run(output.send_text_with_buttons("user", "Offices:", buttons))
        assert connector.sent[-1] == {"text": "Offices:\n• Gao\n• Kayes", "textFormat": "plain"}


class TestMicrosoftsSide:
    def test_the_token_comes_from_the_bots_own_tenant(self):
        # Microsoft identity platform, client credentials flow: /{tenant}/oauth2/v2.0/token
        assert (
            token_url("https://login.microsoftonline.com", TENANT)
            == f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token"
        )

    def test_building_the_channel_calls_nobody_and_uses_microsofts_addresses(self, monkeypatch):
        channel = _teams_channel(monkeypatch)
        assert channel.keys.openid_url == OPENID_URL
        assert channel.connector.token.url == f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token"
        assert channel.http._session is None  # no connection made, none attempted

    def test_a_token_serves_until_near_expiry_and_a_refused_one_is_replaced_once(self):
        async def revoked_once(request: web.Request) -> web.Response:
            if request.headers["Authorization"] == "Bearer token-1":
                return web.json_response(
                    {"message": "Authorization has been denied for this request."}, status=401
                )
            return web.json_response({"id": "1:reply"}, status=201)

        async def two_replies() -> tuple[list[bool], list[tuple]]:
            async with microsoft(revoked_once) as (connector, activity, requests):
                sent = [
                    await connector.reply(activity, {"text": "Gao", "textFormat": "plain"}) for _ in range(2)
                ]
            return sent, requests

        sent, requests = asyncio.run(two_replies())
        assert sent == [True, True]
        tokens = [r for r in requests if r[0] == "token"]
        assert [(form["client_id"], tenant) for _, form, tenant in tokens] == [("app", TENANT)] * 2
        assert tokens[0][1]["scope"] == "https://api.botframework.com/.default"
        assert (
            tokens[0][1]["grant_type"] == "client_credentials" and tokens[0][1]["client_secret"] == "secret"
        )
        assert [r[2] for r in requests if r[0] == "reply"] == [
            "Bearer token-1",
            "Bearer token-2",
            "Bearer token-2",
        ]

    @pytest.mark.parametrize("status", [400, 403, 500])
    def test_a_reply_the_bot_connector_refuses_is_reported_not_raised(self, status):
        async def refuse(_: web.Request) -> web.Response:
            return web.json_response({"error": {"code": "BadArgument"}}, status=status)

        async def one_reply() -> bool:
            async with microsoft(refuse) as (connector, activity, _):
                return await connector.reply(activity, {"text": "Gao"})

        assert asyncio.run(one_reply()) is False


def _teams_channel(monkeypatch) -> BotFrameworkInput:
    for name, value in {
        "BOTFRAMEWORK_APP_ID": "app",
        "BOTFRAMEWORK_APP_PASSWORD": "secret",
        "BOTFRAMEWORK_TENANT_ID": TENANT,
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("BOTFRAMEWORK_OPENID_URL", "BOTFRAMEWORK_LOGIN_URL"):
        monkeypatch.delenv(name, raising=False)
    [channel] = [
        c for c in create_http_input_channels(None, str(CREDENTIALS)) if isinstance(c, BotFrameworkInput)
    ]
    return channel


@contextlib.asynccontextmanager
async def microsoft(reply: Callable) -> AsyncIterator[tuple[Connector, dict, list[tuple]]]:
    """A token endpoint (token-1, token-2, ...) and a Bot Connector answering with `reply`, on
    loopback in this loop; yields a connector to them, an activity they serve, the requests."""
    requests: list[tuple] = []

    async def token(request: web.Request) -> web.Response:
        requests.append(("token", dict(await request.post()), request.match_info["tenant"]))
        number = sum(1 for r in requests if r[0] == "token")
        return web.json_response(
            {"token_type": "Bearer", "expires_in": 3600, "access_token": f"token-{number}"}
        )

    async def recorded_reply(request: web.Request) -> web.Response:
        requests.append(("reply", await request.json(), request.headers["Authorization"]))
        return await reply(request)

    app = web.Application()
    app.router.add_post("/{tenant}/oauth2/v2.0/token", token)
    app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", recorded_reply)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
    http = Http()
    try:
        connector = Connector(http, AccessToken(http, token_url(base, TENANT), "app", "secret"))
        yield connector, {**payload("teams_personal_en.json"), "serviceUrl": f"{base}/"}, requests
    finally:
        await http.close()
        await runner.cleanup()
