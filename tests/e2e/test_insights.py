"""The insights report on conversations driven through the real servers, and on 100,000 events.

Rasa and the action server run on ports of their own (15305 / 15355, moved by E2E_PORT_OFFSET)
with a fresh SQLite store.
Scripted conversations go over REST and socket.io, in French and English, with answered,
unanswered and feedback turns and planted contact details; the report on that store must give
the counts the script implies, list what the script left unanswered (masked, near-duplicates
together), and show no sender id, phone number or e-mail address. Its page is opened in
headless Chromium and a screenshot kept. Then the same conversations are cloned into a
100,000-event store, and the report's time on it is measured.
"""

from __future__ import annotations

import asyncio
import csv
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import pairwise
from pathlib import Path

import pytest
import socketio
import sqlalchemy as sa

from project import ROOT, WEBCHAT_ORIGINS
from tests.e2e.servers import Servers, e2e_port
from tests.unit.test_insights_report import cells
from tools.chat import ask
from tools.insights.store import EVENTS
from tools.serve import PRODUCTION_DEFAULTS, local_endpoints

pytestmark = pytest.mark.servers

RASA_PORT, ACTIONS_PORT = e2e_port(15305), e2e_port(15355)
RASA_URL = f"http://127.0.0.1:{RASA_PORT}"
PAGE_ORIGIN = f"http://127.0.0.1:{e2e_port(15380)}"  # the chat page the socket.io client stands for
KEPT = ROOT / "results" / "insights" / "e2e"  # the report, its CSV and the screenshot, kept
CHROMIUM = Path("/usr/bin/chromium")
LOAD_EVENTS = 100_000
LOAD_SECONDS = 60  # bound on the report's wall time for LOAD_EVENTS events (2 shared cores)

PHONE, PHONE_DIGITS, EMAIL = "+223 76 12 34 56", "0612345678", "awa.keita@example.org"


@dataclass(frozen=True)
class Turn:
    """A scripted message and what the report must make of it."""

    text: str
    language: str  # the conversation's language once the message is read
    kind: str | None = None  # the ask_* intent of an answered question
    unanswered: str | None = None  # the text the report must list, masked
    feedback: str | None = None  # helpful / wrong


@dataclass(frozen=True)
class Conversation:
    channel: str  # rest / socketio
    hint: str  # the channel's language hint (metadata / customData)
    turns: tuple[Turn, ...]


SCRIPT = (
    Conversation(
        "rest",
        "en",
        (
            Turn("Tell me about Gao", "en", kind="ask_office_overview"),
            Turn("/feedback_helpful", "en", feedback="helpful"),
            Turn(
                f"What's the weather in Paris? Call me on {PHONE}",
                "en",
                unanswered="What's the weather in Paris? Call me on [phone]",
            ),
            Turn("How many staff does the Sikasso office have?", "en", kind="ask_office_staff"),
        ),
    ),
    Conversation(
        "rest",
        "fr",
        (
            Turn("Parle-moi de Mopti", "fr", kind="ask_office_overview"),
            Turn("qsdlkfj qsdmlkf wxcvb", "fr", unanswered="qsdlkfj qsdmlkf wxcvb"),
            Turn(
                f"Quel temps fait-il à Paris ? Écrivez-moi à {EMAIL}",
                "fr",
                unanswered="Quel temps fait-il à Paris ? Écrivez-moi à [email]",
            ),
        ),
    ),
    Conversation(
        "socketio",
        "fr",
        (
            Turn("Quels bureaux travaillent sur l'excision ?", "fr", kind="ask_offices_working_on"),
            Turn("c'est faux", "fr", feedback="wrong"),
            Turn("what is the weather in paris", "en", unanswered="what is the weather in paris"),
        ),
    ),
    Conversation(
        "socketio",
        "en",
        (
            Turn("Which offices work on WASH?", "en", kind="ask_offices_working_on"),
            Turn("asdkjh qwezxc zzkj", "en", unanswered="asdkjh qwezxc zzkj"),
            Turn(
                f"My number is {PHONE_DIGITS}, who won the football match?",
                "en",
                unanswered="My number is [phone], who won the football match?",
            ),
        ),
    ),
)
# Near-duplicates the report must put in one group.
SAME_GROUP = ("What's the weather in Paris? Call me on [phone]", "what is the weather in paris")


def _rest(sender: str, conversation: Conversation) -> list[list[dict]]:
    url = f"{RASA_URL}/webhooks/rest/webhook"
    return [ask(url, sender, turn.text, {"language": conversation.hint}) for turn in conversation.turns]


async def _socketio(session: str, conversation: Conversation) -> list[list[dict]]:
    """Each turn's bot messages: the server acknowledges a message once it is fully handled."""
    client = socketio.AsyncClient()
    received: list[dict] = []
    client.on("bot_uttered", received.append)
    confirmed = asyncio.Event()
    client.on("session_confirm", lambda _: confirmed.set())
    # polling: python-engineio 4.15 needs aiohttp>=3.10 for its websocket client (ClientWSTimeout)
    await client.connect(RASA_URL, headers={"Origin": PAGE_ORIGIN}, transports=["polling"])
    try:
        await client.emit("session_request", {"session_id": session})
        await asyncio.wait_for(confirmed.wait(), 10)
        replies = []
        for turn in conversation.turns:
            received.clear()
            message = {
                "message": turn.text,
                "session_id": session,
                "customData": {"language": conversation.hint},
            }
            await client.call("user_uttered", message, timeout=30)
            replies.append(list(received))
        return replies
    finally:
        await client.disconnect()


@dataclass
class Driven:
    """The store the script was played into, with what the servers sent back."""

    database: Path
    senders: dict[str, Conversation]
    offers: int  # bot messages with the feedback buttons
    started: datetime


@pytest.fixture(scope="module")
def driven(tmp_path_factory: pytest.TempPathFactory) -> Driven:
    work = tmp_path_factory.mktemp("insights")
    servers = Servers(work, ACTIONS_PORT, [RASA_PORT], env={WEBCHAT_ORIGINS: PAGE_ORIGIN})
    try:
        servers.start()
        started = datetime.now(timezone.utc)
        senders, replies = {}, []
        for number, conversation in enumerate(SCRIPT):
            # Ids as channels make them: a phone number, a web session; none may be shown.
            sender = f"+2237{number:07d}-{uuid.uuid4().hex[:6]}"
            senders[sender] = conversation
            if conversation.channel == "rest":
                replies += _rest(sender, conversation)
            else:
                replies += asyncio.run(_socketio(sender, conversation))
        assert all(replies), "every message gets a reply"
        offers = sum(  # buttons over REST, quick replies over socket.io
            any(
                b.get("payload") == "/feedback_helpful"
                for b in m.get("buttons") or m.get("quick_replies") or []
            )
            for messages in replies
            for m in messages
        )
        return Driven(work / "rasa.db", senders, offers, started)
    finally:
        servers.stop()


def _run_report(
    store: list[str], since: str, until: str, out: Path, env: dict[str, str] | None = None
) -> tuple[str, list[dict[str, str]], float]:
    """The report command as staff run it (`store`: its --endpoints or --profile option): its
    page, its CSV rows and its wall time."""
    started = time.monotonic()
    command = [sys.executable, "-m", "tools.insights", *store, "--since", since, "--until", until]
    subprocess.run([*command, "--out", str(out)], cwd=ROOT, env=env, check=True)
    seconds = time.monotonic() - started
    page = (out / f"insights-{since}-{until}.html").read_text(encoding="utf-8")
    with (out / f"insights-{since}-{until}.csv").open(encoding="utf-8") as file:
        return page, list(csv.DictReader(file)), seconds


def _endpoints(database: Path) -> list[str]:
    return ["--endpoints", str(local_endpoints(database.with_suffix(".yml"), ACTIONS_PORT, database))]


@pytest.fixture(scope="module")
def report(driven: Driven) -> tuple[str, list[dict[str, str]]]:
    shutil.rmtree(KEPT, ignore_errors=True)
    page, rows, _ = _run_report(_endpoints(driven.database), *_period(driven), KEPT)
    return page, rows


def _period(driven: Driven) -> tuple[str, str]:
    return driven.started.date().isoformat(), datetime.now(timezone.utc).date().isoformat()


def _turns(driven: Driven):
    return [(sender, c, turn) for sender, c in driven.senders.items() for turn in c.turns]


def _activity(driven: Driven, key) -> list[list[str]]:
    """Expected rows of an activity table: conversations, messages, users per key."""
    messages, senders = Counter(), {}
    for sender, conversation, turn in _turns(driven):
        messages[key(conversation, turn)] += 1
        senders.setdefault(key(conversation, turn), set()).add(sender)
    # one session per sender: as many conversations as users
    return [[k, str(len(senders[k])), str(messages[k]), str(len(senders[k]))] for k in sorted(messages)]


def test_counts_per_channel_language_and_day(driven: Driven, report) -> None:
    page, _ = report
    assert cells(page, "Per channel") == _activity(driven, lambda c, t: c.channel)
    assert cells(page, "Per language") == _activity(driven, lambda c, t: t.language)
    days = cells(page, "Per day")
    assert sum(int(row[2]) for row in days) == len(_turns(driven))
    assert f"<b>{len(SCRIPT)}</b>conversations" in page and f"<b>{len(SCRIPT)}</b>unique users" in page


def test_question_kinds_and_feedback(driven: Driven, report) -> None:
    page, _ = report
    kinds = Counter(turn.kind for _, _, turn in _turns(driven) if turn.kind)
    assert sorted(cells(page, "Question kinds")) == sorted([k, str(n)] for k, n in kinds.items())
    feedback = Counter(turn.feedback for _, _, turn in _turns(driven) if turn.feedback)
    assert f'<th>rated helpful</th><td class="n">{feedback["helpful"]}</td>' in page
    assert f'<th>rated wrong</th><td class="n">{feedback["wrong"]}</td>' in page
    assert driven.offers >= len(SCRIPT)  # at least once in each conversation
    assert f'<th>feedback offers (answers with the buttons)</th><td class="n">{driven.offers}</td>' in page
    wrong = [
        before.text for (_, _, before), (_, _, turn) in pairwise(_turns(driven)) if turn.feedback == "wrong"
    ]
    assert cells(page, "Questions whose answer was rated wrong") == [
        [text.replace("'", "&#39;"), "1"] for text in wrong
    ]
    median = re.search(r"<b>([0-9]+) ms</b>median response time", page)
    assert median and 0 <= int(median.group(1)) < 3000  # the action endpoint's timeout


def test_unanswered_list(driven: Driven, report) -> None:
    page, rows = report
    expected = {
        (turn.unanswered, turn.language, c.channel) for _, c, turn in _turns(driven) if turn.unanswered
    }
    assert {(row["text"], row["language"], row["channel"]) for row in rows} == expected
    assert len(rows) == len(expected)
    groups = {row["text"]: row["group"] for row in rows}
    assert groups[SAME_GROUP[0]] == groups[SAME_GROUP[1]] == "1"  # the largest group first
    assert len(set(groups.values())) == len(expected) - 1
    senders = {sender for sender, _, turn in _turns(driven) if turn.unanswered}
    assert len({row["user"] for row in rows}) == len(senders)
    assert f"<b>{len(expected)}</b>unanswered messages" in page


def test_no_sender_id_or_contact_details_in_the_output(driven: Driven, report) -> None:
    for path in KEPT.iterdir():
        if path.suffix in (".html", ".csv"):
            written = path.read_text(encoding="utf-8")
            for secret in [*driven.senders, PHONE, PHONE_DIGITS, EMAIL, "76 12 34 56", "example.org"]:
                assert secret not in written, (secret, path)
            assert not any(
                sender.split("-")[0] in written for sender in driven.senders
            )  # not even the number


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed (apt-get install -y chromium)")
def test_the_page_in_a_browser(report) -> None:
    page = next(KEPT.glob("insights-*.html"))
    shot = KEPT / "screenshot.png"
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--screenshot={shot}",
            "--window-size=1280,2400",
            "--hide-scrollbars",
            page.as_uri(),
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    assert shot.stat().st_size > 50_000  # a page with charts, not a blank one
    print(f"screenshot: {shot}")


def _load_store(source: Path, target: Path, total: int, days: int) -> Counter:
    """`total` events: the driven conversations cloned under new senders over `days` days.

    Returns the user messages written per UTC day: what the report must count.
    """
    engine = sa.create_engine(f"sqlite:///{source}")
    with engine.connect() as connection:
        events = connection.execute(sa.select(EVENTS).order_by(EVENTS.c.id)).mappings().all()
    engine.dispose()
    engine = sa.create_engine(f"sqlite:///{target}")
    EVENTS.metadata.create_all(engine)
    written, batch, copy = Counter(), [], 0
    with engine.begin() as connection:
        while sum(written.values()) < total:
            shift = timedelta(days=copy % days).total_seconds()
            for event in events[: total - sum(written.values())]:
                timestamp = event["timestamp"] - shift
                row = {
                    **event,
                    "id": None,
                    "sender_id": f"load-{copy}-{event['sender_id']}",
                    "timestamp": timestamp,
                }
                batch.append(row)
                kind = "user" if event["type_name"] == "user" else "other"
                day = datetime.fromtimestamp(timestamp, timezone.utc).date().isoformat()
                written[kind, day] += 1
            connection.execute(EVENTS.insert(), batch)
            batch.clear()
            copy += 1
    engine.dispose()
    return Counter({day: n for (kind, day), n in written.items() if kind == "user"})


def test_100000_events(driven: Driven, tmp_path: Path) -> None:
    days = 30
    per_day = _load_store(driven.database, tmp_path / "load.db", LOAD_EVENTS, days)
    until = datetime.now(timezone.utc).date()
    since = until - timedelta(days=days + 1)  # the clones' days, and the day before the drive began
    page, _, seconds = _run_report(
        _endpoints(tmp_path / "load.db"), since.isoformat(), until.isoformat(), tmp_path
    )
    print(f"insights report on {LOAD_EVENTS} events: {seconds:.1f} s")
    assert f"<b>{sum(per_day.values())}</b>user messages" in page
    assert [[row[0], row[2]] for row in cells(page, "Per day")] == [
        [d, str(n)] for d, n in sorted(per_day.items())
    ]
    assert seconds < LOAD_SECONDS


def _copy_events(source: Path, target: sa.engine.URL) -> None:
    engine = sa.create_engine(f"sqlite:///{source}")
    with engine.connect() as connection:
        events = [dict(row) for row in connection.execute(sa.select(EVENTS).order_by(EVENTS.c.id)).mappings()]
    engine.dispose()
    engine = sa.create_engine(target)
    EVENTS.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(EVENTS.insert(), events)
    engine.dispose()


def test_production_profile_reads_postgresql(driven: Driven, report, tmp_path: Path) -> None:
    """The same events in PostgreSQL, read through endpoints.production.yml: the same report."""
    env = {**PRODUCTION_DEFAULTS, **os.environ, "POSTGRES_DB": f"insights_e2e_{uuid.uuid4().hex[:8]}"}
    server = sa.engine.URL.create(
        "postgresql",
        env["POSTGRES_USER"],
        env["POSTGRES_PASSWORD"] or None,
        env["POSTGRES_HOST"],
        int(env["POSTGRES_PORT"]),
        env["POSTGRES_LOGIN_DB"],
        query={"connect_timeout": "3"},
    )
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{env["POSTGRES_DB"]}"'))
    except sa.exc.OperationalError as error:
        pytest.skip(f"no PostgreSQL to test the production profile with: {error}")
    try:
        _copy_events(driven.database, server.set(database=env["POSTGRES_DB"]))
        page, rows, _ = _run_report(["--profile", "production"], *_period(driven), tmp_path, env)
        sqlite_page, sqlite_rows = report
        for table in ("Per channel", "Per language", "Per day", "Question kinds", "Offices"):
            assert cells(page, table) == cells(sqlite_page, table)
        assert cells(page, "Per channel") == _activity(driven, lambda c, t: c.channel)
        assert [row["text"] for row in rows] == [row["text"] for row in sqlite_rows]
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{env["POSTGRES_DB"]}" WITH (FORCE)'))
        admin.dispose()
