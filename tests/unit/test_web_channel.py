"""The website's pieces without a browser: what the socket.io channel keeps of the page's data,
which origins it accepts, how a reply is shaped for the page (French spacing, lists, links),
and the page server (tests/e2e/test_web_widget.py runs them all in Chromium)."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.parse
import urllib.request

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rasa.core.run import create_http_input_channels

from channels.socketio import SocketIOInput, SocketIOOutput, allowed_origins
from channels.web_text import NARROW_NO_BREAK_SPACE as NNBSP
from channels.web_text import blocks, typography, web_message
from components.language import kept_metadata
from project import CREDENTIALS
from tools.webpage import FILES, page_origins, page_server, security_policy


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


@pytest.mark.parametrize(
    "text, shown",
    [
        ("Gao : bureau de zone. Utile ? Oui !", f"Gao{NNBSP}: bureau de zone. Utile{NNBSP}? Oui{NNBSP}!"),
        (
            "la page « Où nous travaillons » ; ou « aide »",
            f"la page «{NNBSP}Où nous travaillons{NNBSP}»{NNBSP}; ou «{NNBSP}aide{NNBSP}»",
        ),
        ("Which offices work on FGM? Sectors: health.", "Which offices work on FGM? Sectors: health."),
        ("En savoir plus : https://x.org/a?b=c:d", f"En savoir plus{NNBSP}: https://x.org/a?b=c:d"),
    ],
)
def test_french_spacing_uses_narrow_no_break_spaces(text, shown):
    assert typography(text) == shown


def _shown(found: list[dict]) -> list:
    """Blocks as what a reader sees: paragraphs as strings, lists as lists of strings."""

    def line(parts):
        return "".join(part["text"] for part in parts)

    return [line(b["paragraph"]) if "paragraph" in b else [line(item) for item in b["list"]] for b in found]


def test_a_long_answer_reads_as_labelled_paragraphs_and_a_list(dataset):
    gao = dataset.office("gao")
    issues = [dataset.issue(i).label.en for i in gao.issues]
    text = (
        f"Gao: field office opened in 2013. Sectors: health, nutrition. Issues: {'; '.join(issues)}. "
        f"Regions covered: Gao, Ménaka. More: {dataset.source('en')}"
    )
    assert _shown(blocks(text)) == [
        "Gao: field office opened in 2013.",
        "Sectors: health, nutrition.",
        "Issues:",
        issues,
        "Regions covered: Gao, Ménaka.",
        f"More: {dataset.source('en')}",
    ]


def test_a_list_item_keeps_an_office_with_its_issues():
    text = "Offices working on “malnutrition”: Mopti: prevention; chronic malnutrition; Gao: SAM."
    assert _shown(blocks(text)) == [
        "Offices working on “malnutrition”:",
        ["Mopti: prevention; chronic malnutrition", "Gao: SAM"],
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Ségou accueille le bureau principal ; il n'y a pas de bureau de zone.",
        "Mopti is home to the office; there is no other one.",
        'Hello! I answer questions about Mali: its offices, their staff. For example: "Tell me about Gao"',
    ],
)
def test_prose_with_semicolons_is_no_list(text):
    assert not any("list" in block for block in blocks(text))


def test_the_french_source_is_shown_decoded_and_links_to_the_address(dataset):
    source = dataset.source("fr")
    assert "%" in source
    [paragraph] = blocks(f"En savoir plus : {source}")
    link = paragraph["paragraph"][-1]
    assert link == {"link": source, "text": urllib.parse.unquote(source)}
    assert "où-nous-travaillons" in link["text"]


def test_only_web_addresses_become_links():
    text = "[Gao](javascript:alert(1)) <a href='x'>y</a> mailto:a@b.org ftp://x.org https://x.org/[a](b)"
    links = [part["link"] for block in blocks(text) for part in block["paragraph"] if "link" in part]
    assert links == ["https://x.org/"]


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="%"), max_size=300))
def test_nothing_is_lost_or_added(text):
    """Whatever the text, the blocks show all of it, less spacing, list separators and a list's
    final stop (no "%": a decoded address reads otherwise, tested above)."""

    def letters(value: str) -> str:
        return "".join(ch for ch in value if not ch.isspace() and ch not in ";.")

    found = blocks(text)
    shown = "".join(
        part["text"]
        for block in found
        for parts in (block.get("list") or [block["paragraph"]])
        for part in parts
    )
    assert letters(shown) == letters(text)
    assert letters(web_message(text)["text"]) == letters(text)


class _Server:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict]] = []

    async def emit(self, event: str, data: dict, room: str) -> None:
        self.sent.append((event, data))


def test_the_output_shapes_text_for_the_page_and_keeps_buttons_under_it():
    server = _Server()
    output = SocketIOOutput(server, "bot_uttered")
    payload = '/ask_office_overview{"office":"gao"}'
    buttons = [{"title": "Gao (nord)", "payload": payload, "type": "web_url", "url": "javascript:alert(1)"}]
    asyncio.run(output.send_text_with_buttons("session", "Quel bureau (de zone) ?", buttons))
    text = f"Quel bureau (de zone){NNBSP}?"
    assert server.sent == [
        (
            "bot_uttered",
            {
                "text": text,
                "blocks": [{"paragraph": [{"text": text}]}],
                "buttons": [{"title": "Gao (nord)", "payload": payload}],
            },
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
    if not FILES["/vendor/socket.io.js"][0].exists():
        pytest.fail("socket.io-client is not installed: run `make web`")
    with page_server(0, "http://127.0.0.1:5005") as url:
        status, headers, body = _get(url)
        assert status == 200 and b'src="/chat.js"' in body
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        status, _, body = _get(url + "config.js")
        assert body == b'window.ASSISTANT_CONFIG = {"socketUrl": "http://127.0.0.1:5005"};\n'
        assert _get(url + "vendor/socket.io.js")[0] == 200
        for path in ("package.json", "node_modules/socket.io-client/package.json", "%2e%2e/Makefile"):
            assert _get(url + path)[0] == 404, path
