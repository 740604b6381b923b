"""Insights report on a store built here: the exact counts, the unanswered list, feedback, output.

Events are Rasa's own (`as_dict()`, as the SQL tracker store writes them), in Rasa's `events`
table of a SQLite file; the expected numbers come from the conversations written below.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered

from project import CONFIG
from tools.insights.__main__ import main
from tools.insights.aggregate import TEXT_LIMIT
from tools.insights.store import EVENTS, StoreError, database_url, endpoints_path
from tools.insights.unanswered import DONT_KNOW_RESPONSES, UNANSWERED_INTENTS, fallback_threshold

DAY1 = datetime(2025, 3, 10, 9, 0, tzinfo=timezone.utc).timestamp()
DAY2 = datetime(2025, 3, 11, 9, 0, tzinfo=timezone.utc).timestamp()
OUTSIDE = datetime(2025, 2, 1, 9, 0, tzinfo=timezone.utc).timestamp()
PHONE, EMAIL = "+223 76 12 34 56", "awa.keita@example.org"
FEEDBACK_BUTTONS = {
    "buttons": [
        {"title": "👍", "payload": "/feedback_helpful"},
        {"title": "👎", "payload": "/feedback_wrong"},
    ]
}


def user(text: str, intent: str, confidence: float = 0.99, entities=(), channel: str = "rest") -> UserUttered:
    return UserUttered(
        text, {"name": intent, "confidence": confidence}, list(entities), input_channel=channel
    )


def language(value: str) -> SlotSet:
    return SlotSet("language", value)


def bot(response: str, data: dict | None = None) -> BotUttered:
    return BotUttered("(reply)", data or {}, {"utter_action": response})


def entity(kind: str, value: str) -> dict:
    return {"entity": kind, "value": value, "start": 0, "end": 1}


def conversation(start: float, *events: Event, step: float = 0.25) -> list[Event]:
    """A session's events, `step` seconds apart (so each reply comes `step` s after its message)."""
    session = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        *events,
    ]
    for n, event in enumerate(session):
        event.timestamp = start + n * step
    return session


SCRIPT = {
    # Day 1, English on REST: two answered questions (Gao twice, under two names), feedback offered
    # and rated helpful, then an unanswered question with a phone number in it.
    "+22370000001": conversation(
        DAY1,
        user(
            "Tell me about Gao",
            "ask_office_overview",
            entities=[entity("office", "Gao"), entity("language", "en")],
        ),
        language("en"),
        bot("utter_office_overview"),
        bot("utter_ask_feedback", FEEDBACK_BUTTONS),
        user("/feedback_helpful", "feedback_helpful", 1.0),
        bot("utter_feedback_thanks"),
        user("How many staff does gao have", "ask_office_staff", entities=[entity("office", "gao")]),
        bot("utter_office_staff"),
        user(f"What's the weather in Paris? call {PHONE}", "out_of_scope", 0.9),
        bot("utter_out_of_scope"),
    ),
    # Day 1 and day 2 (two sessions), French on socket.io: a sector, an issue through its
    # alias, a term the dataset does not know (answered "I don't know"), gibberish (low
    # confidence), an emoji-only message (not listed), then "c'est faux" after an answer.
    "web-session-42": conversation(
        DAY1 + 60,
        user(
            "Quels bureaux travaillent dans la santé ?",
            "ask_offices_working_on",
            entities=[entity("sector", "santé")],
            channel="socketio",
        ),
        language("fr"),
        bot("utter_offices_working_on"),
        user(
            "Quels bureaux travaillent sur la pêche ?",
            "ask_offices_working_on",
            entities=[entity("issue", "pêche")],
            channel="socketio",
        ),
        bot("utter_unknown_term"),
        user("qsdlkj qsdlkfj", "goodbye", 0.3, channel="socketio"),
        bot("utter_fallback"),
        user("🙂🙂", "nlu_fallback", 1.0, channel="socketio"),
        bot("utter_fallback"),
    )
    + conversation(
        DAY2,
        user(
            "Quels bureaux travaillent sur l'excision ?",
            "ask_offices_working_on",
            entities=[entity("issue", "excision")],
            channel="socketio",
        ),
        bot("utter_offices_working_on"),
        user("c'est faux", "feedback_wrong", 0.95, channel="socketio"),
        bot("utter_feedback_thanks"),
        user(f"quel temps fait-il à Paris ? écrivez à {EMAIL}", "nlu_fallback", 0.45, channel="socketio"),
        bot("utter_fallback"),
    ),
    # Day 2, English then French: out of scope again (a near-duplicate), in a language switch,
    # and one outside the period, which must not count.
    "+22370000002": conversation(
        OUTSIDE,
        user("Where is the Bamako office?", "ask_main_office"),
        language("en"),
        bot("utter_main_office"),
    )
    + conversation(
        DAY2 + 30,
        user("what is the weather in paris", "out_of_scope", 0.97, entities=[entity("language", "en")]),
        language("en"),
        bot("utter_out_of_scope"),
        user("Combien de personnes à Bamako ?", "ask_office_staff", entities=[entity("office", "Bamako")]),
        language("fr"),
        bot("utter_office_staff_unknown"),
        user("x" * 2500, "nlu_fallback", 1.0),
        bot("utter_message_too_long"),
    ),
}


def write_store(path: Path, script: dict[str, list[Event]]) -> Path:
    """A SQLite tracker store holding the script, conversations interleaved by timestamp."""
    rows = [
        {
            "sender_id": sender,
            "type_name": event.type_name,
            "timestamp": event.timestamp,
            "intent_name": None,
            "action_name": None,
            "data": json.dumps(event.as_dict()),
        }
        for sender, events in script.items()
        for event in events
    ]
    engine = sa.create_engine(f"sqlite:///{path}")
    EVENTS.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(EVENTS.insert(), sorted(rows, key=lambda row: row["timestamp"]))
    engine.dispose()
    return path


@pytest.fixture
def report(tmp_path: Path) -> tuple[str, list[dict[str, str]], str]:
    """The report for the two days, its CSV rows, and what it said on stderr."""
    store = write_store(tmp_path / "rasa.db", SCRIPT)
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        yaml.safe_dump(
            {"tracker_store": {"type": "stores.sql.SQLTrackerStore", "dialect": "sqlite", "db": str(store)}}
        )
    )
    main(
        [
            "--endpoints",
            str(endpoints),
            "--since",
            "2025-03-10",
            "--until",
            "2025-03-11",
            "--out",
            str(tmp_path),
        ]
    )
    page = (tmp_path / "insights-2025-03-10-2025-03-11.html").read_text(encoding="utf-8")
    with (tmp_path / "insights-2025-03-10-2025-03-11.csv").open(encoding="utf-8") as file:
        return page, list(csv.DictReader(file))


def cells(page: str, caption: str) -> list[list[str]]:
    """The rows of the table with this caption, as cell texts."""
    table = page.split(f"<caption>{caption}</caption>", 1)[1].split("</table>", 1)[0]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in table.split("<tr>")[2:]]


def test_activity_per_day_channel_and_language(report) -> None:
    page, _ = report
    # conversations, messages, users; "web-session-42" has a session on each day
    assert cells(page, "Per day") == [["2025-03-10", "2", "8", "2"], ["2025-03-11", "2", "6", "2"]]
    assert cells(page, "Per channel") == [["rest", "2", "7", "2"], ["socketio", "2", "7", "1"]]
    # a message's language is the conversation's once it was read: "x"*2500 stays French
    assert cells(page, "Per language") == [["en", "2", "5", "2"], ["fr", "3", "9", "2"]]
    assert (
        "<b>4</b>conversations" in page
        and "<b>14</b>user messages" in page
        and "<b>3</b>unique users" in page
    )


def test_most_asked_kinds_offices_issues_sectors(report, dataset) -> None:
    page, _ = report
    assert cells(page, "Question kinds") == [
        ["ask_offices_working_on", "3"],
        ["ask_office_staff", "2"],
        ["ask_office_overview", "1"],
    ]
    assert cells(page, "Offices") == [["Gao", "2"], ["Bamako", "1"]]  # "Gao" and "gao" are one office
    fgm = dataset.issue("fgm").label.en  # typed "excision"
    assert sorted(cells(page, "Issues")) == sorted([[fgm, "1"], ["(not in the dataset)", "1"]])  # "pêche"
    assert cells(page, "Sectors") == [[dataset.sector("health").label.en, "1"]]  # typed "santé"


def test_unanswered_grouped_most_frequent_first(report) -> None:
    page, rows = report
    texts = [
        (row["group"], row["group_size"], row["text"], row["reasons"], row["language"], row["channel"])
        for row in rows
    ]
    assert texts == [
        (
            "1",
            "2",
            "What's the weather in Paris? call [phone]",
            "out_of_scope utter_out_of_scope",
            "en",
            "rest",
        ),
        ("1", "2", "what is the weather in paris", "out_of_scope utter_out_of_scope", "en", "rest"),
        ("2", "1", "Quels bureaux travaillent sur la pêche ?", "utter_unknown_term", "fr", "socketio"),
        ("3", "1", "qsdlkj qsdlkfj", "low_confidence utter_fallback", "fr", "socketio"),
        (
            "4",
            "1",
            "quel temps fait-il à Paris ? écrivez à [email]",
            "nlu_fallback utter_fallback",
            "fr",
            "socketio",
        ),
        ("5", "1", "Combien de personnes à Bamako ?", "utter_office_staff_unknown", "fr", "rest"),
        ("6", "1", "x" * TEXT_LIMIT + "…", "nlu_fallback utter_message_too_long", "fr", "rest"),
    ]
    assert len({row["user"] for row in rows}) == 3
    assert "<b>7</b>unanswered messages" in page


def test_feedback_and_response_time(report) -> None:
    page, _ = report
    assert cells(page, "Questions whose answer was rated wrong") == [
        ["Quels bureaux travaillent sur l&#39;excision ?", "1"]
    ]
    assert '<th>feedback offers (answers with the buttons)</th><td class="n">1</td>' in page
    assert "<b>50 %</b>answers rated helpful" in page
    assert "<b>250 ms</b>median response time" in page


def test_no_sender_id_phone_or_email_in_the_output(report) -> None:
    page, rows = report
    written = page + json.dumps(rows)
    for secret in [*SCRIPT, PHONE, EMAIL, "76 12 34 56", "example.org"]:
        assert secret not in written


def one_day_report(tmp_path: Path, typed: str, intent: str, reply: str) -> tuple[str, str]:
    """The report's page and CSV for one message on DAY1, answered with `reply`."""
    write_store(tmp_path / "rasa.db", {"s": conversation(DAY1, user(typed, intent, 1.0), bot(reply))})
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        yaml.safe_dump({"tracker_store": {"dialect": "sqlite", "db": str(tmp_path / "rasa.db")}})
    )
    main(
        [
            "--endpoints",
            str(endpoints),
            "--since",
            "2025-03-10",
            "--until",
            "2025-03-10",
            "--out",
            str(tmp_path),
        ]
    )
    return tuple(
        (tmp_path / f"insights-2025-03-10-2025-03-10.{ext}").read_text(encoding="utf-8")
        for ext in ("html", "csv")
    )


def test_user_text_is_escaped(tmp_path: Path) -> None:
    attack = '<script>alert("x")</script> =HYPERLINK("http://evil")'
    page, table = one_day_report(tmp_path, attack, "out_of_scope", "utter_out_of_scope")
    assert "<script>" not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "\"'=HYPERLINK(" not in table  # starts with <


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("qsdf\x00lkj", "qsdf\u2400lkj"),
        ("qsdf\x1b[2J lkj", "qsdf\u241b[2J lkj"),
        ("qsdf \ud800 lkj", "qsdf \ufffd lkj"),
    ],
    ids=["NUL", "escape", "lone surrogate"],
)
def test_text_no_file_can_hold_is_shown_as_symbols(tmp_path: Path, typed: str, shown: str) -> None:
    """As channels store them: Rasa keeps a NUL or a lone surrogate (JSON-escaped) in the event."""
    page, table = one_day_report(tmp_path, typed, "nlu_fallback", "utter_fallback")
    assert [row["text"] for row in csv.DictReader(io.StringIO(table))] == [shown]
    assert shown in page


def test_every_unanswered_name_exists(domain) -> None:
    assert set(domain.responses) >= DONT_KNOW_RESPONSES
    assert UNANSWERED_INTENTS - {"nlu_fallback"} <= set(domain.intents)


def test_threshold_comes_from_the_config(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text(
        yaml.safe_dump(
            {"pipeline": [{"name": "DIETClassifier"}, {"name": "FallbackClassifier", "threshold": 0.7}]}
        )
    )
    assert fallback_threshold(config) == 0.7
    assert 0 < fallback_threshold(CONFIG) < 1


def test_store_from_the_endpoints_of_each_profile(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("POSTGRES_HOST", raising=False)
    monkeypatch.setenv("POSTGRES_DB", "insights_test")
    url = database_url(endpoints_path(None, "production"))
    assert (url.get_backend_name(), url.host, url.port, url.database) == (
        "postgresql",
        "127.0.0.1",
        5432,
        "insights_test",
    )
    missing = tmp_path / "endpoints.yml"
    missing.write_text(
        yaml.safe_dump({"tracker_store": {"dialect": "sqlite", "db": str(tmp_path / "none.db")}})
    )
    with pytest.raises(StoreError, match="no SQLite tracker store"):
        database_url(missing)
    assert not (tmp_path / "none.db").exists()


def test_default_period_is_the_last_30_days(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        yaml.safe_dump(
            {"tracker_store": {"dialect": "sqlite", "db": str(write_store(tmp_path / "r.db", {}))}}
        )
    )
    main(["--endpoints", str(endpoints), "--until", "2025-03-30", "--out", str(tmp_path)])
    assert (tmp_path / "insights-2025-03-01-2025-03-30.html").is_file()  # 30 days, both included
