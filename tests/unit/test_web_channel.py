"""The website's pieces without a browser: what the socket.io channel keeps of the page's data,
which origins it accepts, the Markdown escaping of the bot's text, and the page server
(tests/e2e/test_web_widget.py runs them all in Chromium)."""

from __future__ import annotations

import asyncio
import re
import urllib.error
import urllib.request

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rasa.core.run import create_http_input_channels

from channels.socketio import SocketIOInput, SocketIOOutput, allowed_origins, literal_markdown
from components.language import kept_metadata
from project import CREDENTIALS
from tools.webpage import FILES, page_origins, page_server, security_policy

MARKDOWN = re.compile(r"[\\`*{}\[\]()#+\-.!_>~|]")
ESCAPED = re.compile(r"\\([\\`*{}\[\]()#+\-.!_>~|])")


@pytest.mark.parametrize(
    "custom_data, metadata",
    [
        ({"language": "en"}, {"language": "en"}),
        ({"language": "fr-FR", "email": "someone@example.org"}, {"language": "fr"}),
        ({"language": "es"}, {}),
        ({"language": 42}, {}),
        ("fr", {}),
        (None, {}),
    ],
)
def test_only_a_supported_page_language_is_kept(custom_data, metadata):
    assert kept_metadata(custom_data) == metadata


@pytest.mark.parametrize(
    "value, origins",
    [
        ("http://127.0.0.1:8080 http://localhost:8080", ["http://127.0.0.1:8080", "http://localhost:8080"]),
        ("https://www.example.org,https://example.org", ["https://www.example.org", "https://example.org"]),
        ("*", "*"),
        ("", None),
    ],
)
def test_allowed_origins_come_from_the_environment(value, origins):
    assert allowed_origins({"WEBCHAT_ORIGINS": value}) == origins


def test_without_a_setting_only_the_server_s_own_origin_is_accepted():
    assert allowed_origins({}) is None


@given(st.text().filter(lambda text: "http" not in text and "\n" not in text))
def test_escaped_text_reads_as_the_original(text):
    """Every Markdown character is escaped, and undoing the escapes gives the text back."""
    escaped = literal_markdown(text)
    assert not MARKDOWN.search(ESCAPED.sub("", escaped))
    assert ESCAPED.sub(r"\1", escaped) == text


@pytest.mark.parametrize(
    "text, markdown",
    [
        ("<img src=x onerror=alert(1)>", r"<img src=x onerror=alert\(1\)\>"),
        ("[Gao](javascript:alert(1))", r"\[Gao\]\(javascript:alert\(1\)\)"),
        ("Kayes (MGF/E).", r"Kayes \(MGF/E\)\."),
        (
            "More: https://www.unicef.org/mali/en/where-we-work.",
            r"More: https://www.unicef.org/mali/en/where-we-work\.",
        ),
        ("https://x.org/[a](javascript:b)", r"https://x.org/\[a\]\(javascript:b\)"),
        ("one\ntwo", "one  \ntwo"),
    ],
)
def test_markdown_is_escaped_except_web_addresses(text, markdown):
    assert literal_markdown(text) == markdown


class _Server:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict]] = []

    async def emit(self, event: str, data: dict, room: str) -> None:
        self.sent.append((event, data))


def test_the_output_escapes_text_and_keeps_buttons_under_it():
    server = _Server()
    output = SocketIOOutput(server, "bot_uttered")
    payload = '/ask_office_overview{"office":"gao"}'
    buttons = [{"title": "Gao (nord)", "payload": payload, "type": "web_url", "url": "javascript:alert(1)"}]
    asyncio.run(output.send_text_with_buttons("session", "Quel bureau (de zone) ?", buttons))
    assert server.sent == [
        (
            "bot_uttered",
            {"text": r"Quel bureau \(de zone\) ?", "buttons": [{"title": "Gao (nord)", "payload": payload}]},
        )
    ]


def test_credentials_yml_builds_the_channel_for_the_widget():
    channels = create_http_input_channels(None, str(CREDENTIALS))
    socketio = next(c for c in channels if isinstance(c, SocketIOInput))
    assert socketio.metadata_key == "customData"
    assert socketio.session_persistence is True


def test_the_page_s_origins_and_policy():
    assert page_origins("127.0.0.1", 8080) == ["http://127.0.0.1:8080", "http://localhost:8080"]
    assert page_origins("chat.example.org", 80) == ["http://chat.example.org:80"]
    policy = security_policy("http://127.0.0.1:5005")
    assert "script-src 'self'" in policy
    assert "connect-src http://127.0.0.1:5005 ws://127.0.0.1:5005" in policy
    remote = security_policy("https://bot.example.org")
    assert "connect-src https://bot.example.org wss://bot.example.org" in remote


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_page_server_serves_its_files_only():
    if not FILES["/vendor/rasa-webchat.js"][0].exists():
        pytest.fail("the widget is not installed: run `make web`")
    with page_server(0, "http://127.0.0.1:5005") as url:
        status, headers, body = _get(url)
        assert status == 200 and b'src="/chat.js"' in body
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        status, _, body = _get(url + "config.js")
        assert body == b'window.ASSISTANT_CONFIG = {"socketUrl": "http://127.0.0.1:5005"};\n'
        assert _get(url + "vendor/rasa-webchat.js")[0] == 200
        for path in ("package.json", "node_modules/rasa-webchat/package.json", "%2e%2e/Makefile"):
            assert _get(url + path)[0] == 404, path
