"""The production profile with real servers: two Rasa servers and one action server sharing
PostgreSQL (tracker store) and Redis (lock store), as `python -m tools.serve --profile production`
starts them, with endpoints.production.yml.

PostgreSQL and Redis are the machine's own servers, reached through relays (`tests/e2e/relay.py`)
that the fault tests cut. Each request has a timeout and every loop a bound on count and time.
"""

from __future__ import annotations

import re
import signal
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.relay import Relay
from tests.e2e.servers import ProductionServers, e2e_port
from tools.chat import ask

pytestmark = pytest.mark.servers

A, B, ACTIONS = e2e_port(16005), e2e_port(16006), e2e_port(16055)
TOKEN = uuid.uuid4().hex
STARTUP_LIMIT = 150  # seconds, for both Rasa servers together on 2 cores

# Facts typed from the source page, per office: (English name, French name, staff, year opened).
OFFICES = [
    ("Mopti", "Mopti", "20", "2008"),
    ("Timbuktu", "Tombouctou", "6", "2016"),
    ("Gao", "Gao", "14", "2013"),
    ("Kayes", "Kayes", "10", "2013"),
    ("Sikasso", "Sikasso", "16", "2013"),
]
STAFF_QUESTION = {
    "en": "How many staff does the {} office have?",
    "fr": "Combien de personnes travaillent au bureau de {} ?",
}
AND_QUESTION = {"en": "And {}?", "fr": "Et {} ?"}
OPENED_QUESTION = {"en": "When did it open?", "fr": "Quand a-t-il ouvert ?"}
SORRY = {"en": "Sorry", "fr": "Désolé"}
NOT_SAVED = {"en": "was not saved", "fr": "n'a pas été enregistré"}


class Cluster(ProductionServers):
    """The production profile on loopback, its stores behind relays the tests can cut."""

    def __init__(self, workdir: Path) -> None:
        self.postgres, self.redis = Relay(5432), Relay(6379)
        super().__init__(workdir, ACTIONS, (A, B), TOKEN, self.postgres.port, self.redis.port)

    def replies(self, port: int, sender: str, text: str, timeout: float = 60) -> list[str]:
        messages = ask(f"http://127.0.0.1:{port}/webhooks/rest/webhook", sender, text, timeout=timeout)
        return [m.get("text", "") for m in messages]

    def ask(self, port: int, sender: str, text: str, timeout: float = 60) -> str:
        return " ".join(self.replies(port, sender, text, timeout))

    def events(self, sender: str, kind: str) -> list[str]:
        status, tracker = self.get(A, f"/conversations/{sender}/tracker")
        assert status == 200, tracker
        return [e.get("text") or "" for e in tracker["events"] if e["event"] == kind]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Cluster:
    running = Cluster(tmp_path_factory.mktemp("production"))
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture
def sender() -> str:
    return f"prod-{uuid.uuid4().hex[:10]}"


# A conversation's script: each turn asks one server a question whose answer depends on what
# was said earlier in this conversation only.


@dataclass
class Turn:
    text: str
    must: list[str]
    must_not: list[str]


def script(number: int, turns: int) -> tuple[str, list[Turn]]:
    """Conversation `number`: staff of one office, "and <another>?", "when did it open?", ...

    Neighbouring conversations ask about different offices in different languages, so an
    answer that crossed conversations shows up as a wrong office, number or language.
    """
    language = "fr" if number % 2 else "en"
    name = 1 if language == "fr" else 0
    first = OFFICES[number % 5]
    second = OFFICES[(number + 1 + number // 5 % 4) % 5]
    plan = []
    for t in range(turns):
        one, other = (first, second) if t // 3 % 2 == 0 else (second, first)
        if t % 3 == 0:
            plan.append(Turn(STAFF_QUESTION[language].format(one[name]), [one[name], one[2]], []))
        elif t % 3 == 1:
            plan.append(Turn(AND_QUESTION[language].format(other[name]), [other[name], other[2]], [one[2]]))
        else:
            plan.append(Turn(OPENED_QUESTION[language], [other[name], other[3]], [one[name]]))
    return language, plan


def right(answer: str, turn: Turn, language: str) -> bool:
    def said(fact: str) -> bool:
        return re.search(rf"(?<!\w){re.escape(fact)}(?!\w)", answer) is not None

    other = "en" if language == "fr" else "fr"
    return all(map(said, turn.must)) and not any(map(said, turn.must_not)) and SORRY[other] not in answer


def test_both_servers_report_ready_and_started_in_bounded_time(cluster):
    assert cluster.startup_seconds < STARTUP_LIMIT
    for port in (A, B):
        status, health = cluster.get(port, "/webhooks/rest/health", token=None)
        assert status == 200
        assert health == {"model": "ok", "tracker_store": "ok", "lock_store": "ok", "ready": True}


def test_a_conversation_alternating_between_servers_keeps_its_context(cluster, sender):
    language, turns = script(0, 6)
    for number, turn in enumerate(turns):
        answer = cluster.ask((A, B)[number % 2], sender, turn.text)
        assert right(answer, turn, language), (turn, answer)


class TestHttpApi:
    def test_the_tracker_is_refused_without_the_token(self, cluster, sender):
        cluster.ask(A, sender, "Tell me about Gao")
        for token in (None, "wrong"):
            status, _ = cluster.get(A, f"/conversations/{sender}/tracker", token=token)
            assert status == 401
        assert "Tell me about Gao" in cluster.events(sender, "user")

    def test_the_channels_need_no_token(self, cluster, sender):
        assert "14" in cluster.ask(B, sender, "How many staff does the Gao office have?")


def run_conversations(
    count: int, turns: int, deliver: Callable[[int, str, str], str], deadline: float
) -> dict[str, list[tuple[Turn, str]]]:
    """`count` conversations at once, each its own script; what each turn was answered."""

    def converse(number: int) -> tuple[str, list[tuple[Turn, str]]]:
        sender = f"load-{number}-{uuid.uuid4().hex[:6]}"
        _, plan = script(number, turns)
        done = []
        for step, turn in enumerate(plan):
            if time.monotonic() > deadline:
                break
            done.append((turn, deliver(step, sender, turn.text)))
        return sender, done

    with ThreadPoolExecutor(max_workers=count) as pool:
        return dict(pool.map(converse, range(count)))


def test_fifty_concurrent_conversations_never_cross(cluster):
    count, turns = 50, 6
    started = time.monotonic()
    results = run_conversations(
        count, turns, lambda step, sender, text: cluster.ask((A, B)[step % 2], sender, text), started + 240
    )
    elapsed = time.monotonic() - started
    wrong = [
        (turn.text, answer)
        for number, done in enumerate(results.values())
        for turn, answer in done
        if not right(answer, turn, script(number, turns)[0])
    ]
    sent = sum(len(done) for done in results.values())
    print(f"\n{count} conversations, {sent} messages in {elapsed:.1f} s, {len(wrong)} wrong")
    assert sent == count * turns
    assert wrong == []


@dataclass
class LoadBalancer:
    """Sends each turn to its server; when that server is down, to the other (as a load
    balancer would), and remembers what each conversation was acknowledged."""

    cluster: Cluster
    acknowledged: dict[str, list[tuple[str, list[str]]]] = field(default_factory=dict)
    served: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def deliver(self, step: int, sender: str, text: str) -> str:
        for port in ((A, B), (B, A))[step % 2]:
            try:
                replies = self.cluster.replies(port, sender, text)
            except urllib.error.HTTPError as error:
                with self.lock:
                    self.errors.append(f"{port}: HTTP {error.code}")
                return ""
            except OSError as error:
                if isinstance(error, TimeoutError) or "timed out" in str(error):
                    with self.lock:
                        self.errors.append(f"{port}: no answer within the client's timeout")
                    return ""
                with self.lock:  # connection refused or reset: the server is down
                    self.refused[port] += 1
                continue
            with self.lock:
                self.served[port] += 1
                self.acknowledged.setdefault(sender, []).append((text, replies))
            return " ".join(replies)
        with self.lock:
            self.errors.append("both servers down")
        return ""


def subsequence(wanted: list[str], found: list[str]) -> list[str]:
    """The items of `wanted` missing from `found` in order (the events lost)."""
    rest = iter(found)
    return [item for item in wanted if not any(item == candidate for candidate in rest)]


def test_a_server_killed_mid_load_loses_no_acknowledged_event(cluster):
    balancer = LoadBalancer(cluster)
    count, turns = 50, 8
    killed = threading.Event()
    served_by_b_while_a_was_down = []

    def kill_then_restart() -> None:
        deadline = time.monotonic() + 120
        while sum(balancer.served.values()) < 80 and time.monotonic() < deadline:
            time.sleep(0.05)
        cluster.rasa[A].send_signal(signal.SIGKILL)
        cluster.rasa[A].wait()
        killed.set()
        b_before = balancer.served[B]
        cluster.start_rasa(A)
        served_by_b_while_a_was_down.append(balancer.served[B] - b_before)

    killer = threading.Thread(target=kill_then_restart)
    killer.start()
    started = time.monotonic()
    results = run_conversations(count, turns, balancer.deliver, started + 300)
    killer.join(timeout=240)
    assert killed.is_set() and not killer.is_alive()

    # After the restart, each conversation goes on, on the restarted server, where it left off.
    for sender, done in results.items():
        last = done[-1][0]
        assert cluster.ask(A, sender, last.text) == done[-1][1]

    lost = {
        sender: subsequence([question for question, _ in acked], cluster.events(sender, "user"))
        + subsequence([reply for _, replies in acked for reply in replies], cluster.events(sender, "bot"))
        for sender, acked in balancer.acknowledged.items()
    }
    lost = {sender: events for sender, events in lost.items() if events}
    print(
        f"\nkill test: {count} conversations, {sum(balancer.served.values())} messages acknowledged "
        f"(A {balancer.served[A]}, B {balancer.served[B]}), {sum(balancer.refused.values())} refused by the "
        f"killed server and sent to the other, {served_by_b_while_a_was_down} answered by B while A "
        f"restarted, {len(balancer.errors)} errors, {len(lost)} conversations lost events"
    )
    assert balancer.errors == [], balancer.errors
    assert lost == {}
    assert sum(len(acked) for acked in balancer.acknowledged.values()) == count * turns
    assert served_by_b_while_a_was_down and served_by_b_while_a_was_down[0] > 0


class TestFaults:
    QUESTIONS = (
        (A, "en", "How many staff does the Kayes office have?"),
        (B, "fr", "Combien de personnes travaillent au bureau de Kayes ?"),
    )

    def test_a_hung_action_server_gets_an_apology_within_five_seconds(self, cluster, sender):
        cluster.ask(A, sender, "How many staff does the Gao office have?")
        cluster.actions.send_signal(signal.SIGSTOP)
        try:
            for port, language, text in self.QUESTIONS:
                started = time.monotonic()
                answer = cluster.ask(port, sender, text)
                elapsed = time.monotonic() - started
                print(f"\nhung action server: apology ({language}) after {elapsed:.2f} s")
                assert elapsed < 5
                assert SORRY[language] in answer and "10" not in answer, answer
        finally:
            cluster.actions.send_signal(signal.SIGCONT)
        # Answers come back, and the conversation is intact: its context is the last answer.
        assert "2013" in cluster.ask(B, sender, "When did the Gao office open?")
        assert "14" in cluster.ask(A, sender, "How many staff does it have?")

    @pytest.mark.parametrize("store, check", [("postgres", "tracker_store"), ("redis", "lock_store")])
    def test_an_unreachable_store_is_reported_then_service_resumes(self, cluster, sender, store, check):
        relay = getattr(cluster, store)
        assert "14" in cluster.ask(A, sender, "How many staff does the Gao office have?")
        relay.cut()
        try:
            for port, language, text in self.QUESTIONS:
                started = time.monotonic()
                answer = cluster.ask(port, sender, text)
                assert time.monotonic() - started < 5
                assert NOT_SAVED[language] in answer and "10" not in answer, answer
            status, health = cluster.get(A, "/webhooks/rest/health", token=None)
            assert status == 503 and not health["ready"]
            assert health[check].startswith("unreachable"), health
        finally:
            relay.restore()
        assert "was not handled and not stored" in cluster.log(f"rasa-{A}").read_text(errors="replace")
        # The first message once the store is back is answered, in the context from before.
        answer = cluster.ask(B, sender, "When did it open?")
        assert "Gao" in answer and "2013" in answer
        assert cluster.get(A, "/webhooks/rest/health", token=None)[0] == 200


def test_every_server_stops_cleanly_on_sigterm(cluster):
    """Last in this module: it stops the servers."""
    processes = [*cluster.rasa.values(), cluster.actions]
    for process in processes:
        process.send_signal(signal.SIGTERM)
    assert [process.wait(timeout=30) for process in processes] == [0] * len(processes)
