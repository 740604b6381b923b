"""The demo page's chat widget in a real browser: headless Chromium (Debian's), driven by Playwright.

The page is served as `make run` serves it (`tools.webpage`), and talks to the real Rasa server
over its socket.io channel. The expected facts come from the dataset, not from the bot. A
screenshot of the conversation is saved to tests/output/web_widget.png.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, Page, sync_playwright

from actions.dataset import Dataset
from project import ROOT
from tests.e2e.conftest import RASA_PORT, WEB_PORT
from tools.webpage import page_server

pytestmark = pytest.mark.servers

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = ROOT / "tests" / "output" / "web_widget.png"
BOT, USER, BUTTON = ".rw-response", ".rw-client", ".rw-reply"
QUIET = 1.5  # s without a new bot message: the reply is complete (the widget shows one per 0.3 s)
# Each bot message shown, with the buttons under it.
BOT_MESSAGES = """() => [...document.querySelectorAll('.rw-message')]
  .filter((message) => message.querySelector('.rw-response'))
  .map((message) => ({
    text: message.querySelector('.rw-response').innerText,
    buttons: [...message.querySelectorAll('.rw-reply')].map((button) => button.innerText),
  }))"""


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: list[str]


def text_of(replies: list[Reply]) -> str:
    return " ".join(reply.text for reply in replies)


@pytest.fixture(scope="module")
def page_url(assistant) -> Iterator[str]:
    """The chat page, talking to the e2e Rasa server (whose channel accepts this page's origin)."""
    with page_server(WEB_PORT, f"http://127.0.0.1:{RASA_PORT}") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is missing ({CHROMIUM}): `apt-get install -y chromium` (.ci/run installs it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visitor:
    """One visitor of the page: a fresh browser profile, so a new conversation."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.url = url
        self.context = browser.new_context(viewport={"width": 1000, "height": 1000})
        self.page: Page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, language: str) -> list[Reply]:
        """Open the page in `language`; its bot messages once the widget has shown them."""
        self.page.goto(f"{self.url}?lang={language}")
        return self._bot_messages_from(0)

    def reload(self) -> None:
        self.page.reload()
        self.page.wait_for_selector(BOT)

    def ask(self, text: str) -> list[Reply]:
        """Type `text` and send it; the bot messages that answer it."""
        before = self.page.locator(BOT).count()
        self.page.fill(".rw-new-message", text)
        self.page.keyboard.press("Enter")
        return self._bot_messages_from(before)

    def click_button(self, title: str) -> list[Reply]:
        before = self.page.locator(BOT).count()
        self.page.locator(BUTTON, has_text=title).last.click()
        return self._bot_messages_from(before)

    def conversation(self) -> list[str]:
        """Every message shown, the user's and the bot's, in order."""
        return self.page.locator(f"{USER}, {BOT}").all_inner_texts()

    def _bot_messages_from(self, before: int, timeout: float = 30) -> list[Reply]:
        deadline = time.monotonic() + timeout
        count, changed = before, time.monotonic()
        while time.monotonic() < deadline:
            now = self.page.locator(BOT).count()
            if now != count:
                count, changed = now, time.monotonic()
            elif count > before and time.monotonic() - changed > QUIET:
                return [Reply(**message) for message in self.page.evaluate(BOT_MESSAGES)[before:]]
            time.sleep(0.1)
        raise AssertionError(f"no reply within {timeout:.0f} s; the page shows {self.conversation()}")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visitor(browser: Browser, page_url: str) -> Iterator[Visitor]:
    visiting = Visitor(browser, page_url)
    yield visiting
    assert not visiting.errors, f"script errors on the page: {visiting.errors}"
    visiting.close()


def test_a_conversation_in_both_languages_kept_across_reloads(visitor: Visitor, dataset: Dataset):
    greeting = text_of(visitor.open("fr"))
    assert "Bonjour" in greeting, greeting
    assert visitor.page.locator("html").get_attribute("lang") == "fr"

    # French: the offices that work on child marriage, and one button per office.
    offices = [office for office, _ in dataset.offices_with_issues(["child_marriage"])]
    others = [o for o in dataset.field_offices if o not in offices]
    replies = visitor.ask("Quels bureaux travaillent sur le mariage d'enfants ?")
    answer = replies[0].text
    assert dataset.issue("child_marriage").label.fr in answer, answer
    assert all(o.name.fr in answer for o in offices), answer
    assert not any(o.name.fr in answer for o in others), answer
    assert replies[0].buttons == [o.name.fr for o in offices], replies

    # An office's button: that office's details, in French.
    office = offices[-1]
    details = text_of(visitor.click_button(office.name.fr))
    facts = [office.name.fr, str(office.staff), str(office.opened.year), dataset.kind_label(office).fr]
    assert all(fact in details for fact in facts), (facts, details)

    # The English page: same conversation, now with the English hint. A message in no
    # language ("Gao ?") is answered in the page's language, though the conversation was French...
    visitor.page.click("a[hreflang=en]")
    visitor.page.wait_for_selector(BOT)
    assert visitor.page.locator("html").get_attribute("lang") == "en"
    gao = dataset.office("gao")
    answer = text_of(visitor.ask(f"{gao.name.en} ?"))
    assert dataset.kind_label(gao).en in answer and dataset.kind_label(gao).fr not in answer, answer
    # ... and a question in English, in English.
    timbuktu = dataset.office("timbuktu")
    answer = text_of(visitor.ask("When did the Timbuktu office open?"))
    facts = [timbuktu.name.en, str(timbuktu.opened.year), dataset.kind_label(timbuktu).en]
    assert all(fact in answer for fact in facts), (facts, answer)
    assert timbuktu.name.fr not in answer, answer

    # A reload shows the whole conversation again, and it goes on where it was.
    shown = visitor.conversation()
    visitor.reload()
    assert visitor.conversation() == shown
    answer = text_of(visitor.ask("And Gao?"))
    assert gao.name.en in answer and str(gao.opened.year) in answer, answer
    assert not any("\\" in text for text in visitor.conversation()), "Markdown escapes shown"
    assert not visitor.dialogs

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    visitor.page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_html_and_markdown_typed_by_the_user_are_shown_as_text(visitor: Visitor):
    visitor.open("en")
    payloads = [
        "<img src=x onerror=alert(1)>",
        "Tell me about [Gao](javascript:alert(2)) <b>now</b> ![x](x.png)",
    ]
    for payload in payloads:
        reply = visitor.ask(payload)
        assert reply, payload
        assert visitor.page.locator(USER).last.inner_text() == payload
    page = visitor.page
    assert page.locator(".rw-messages-container img, .rw-messages-container b").count() == 0
    assert page.locator("[onerror], a[href^='javascript']").count() == 0
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert not visitor.dialogs, f"a script ran: {visitor.dialogs}"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_welcome_message_offers_example_questions(visitor: Visitor, language: str):
    greeting = visitor.open(language)[0]
    assert greeting.buttons, f"no example-question buttons under the welcome message {greeting.text!r}"
    answer = text_of(visitor.click_button(greeting.buttons[0]))
    assert visitor.page.locator(USER).last.inner_text() == greeting.buttons[0]
    assert answer and greeting.text not in answer


def _handshake(origin: str) -> int:
    """The status of a socket.io (Engine.IO 4) handshake sent by a page from `origin`."""
    url = f"http://127.0.0.1:{RASA_PORT}/socket.io/?EIO=4&transport=polling"
    request = urllib.request.Request(url, headers={"Origin": origin})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def test_only_the_page_s_own_origin_may_connect(page_url: str):
    assert _handshake(page_url.rstrip("/")) == 200
    assert _handshake(f"http://localhost:{WEB_PORT}") == 200
    assert _handshake("https://elsewhere.example") == 400
    assert _handshake(f"http://127.0.0.1:{WEB_PORT + 1}") == 400
