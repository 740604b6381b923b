"""The production profile with real servers: two Rasa servers and one action server sharing
PostgreSQL (tracker store) and Redis (lock store), as `python -m tools.serve --profile production`
starts them, with endpoints.production.yml.

PostgreSQL and Redis are the machine's own servers, reached through relays (`tests/e2e/relay.py`)
that the fault tests cut. Each request has a timeout and every loop a bound on count and time.
"""

from __future__ import annotations

import signal
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.e2e.relay import Relay
from tests.e2e.servers import ProductionServers, e2e_port
from tools import load
from tools.chat import ask
from tools.load import NOT_SAVED, SORRY, Turn, right, script

pytestmark = pytest.mark.servers

A, B, ACTIONS = e2e_port(16005), e2e_port(16006), e2e_port(16055)
TOKEN = uuid.uuid4().hex
STARTUP_LIMIT = 150  # seconds, for both Rasa servers together on 2 cores


# The conversations' scripts, with the facts typed from the source page: tools/load.py.
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
    """`count` conversations at once, each its own script; what each turn was answered. A user
    told the assistant is busy sends the message again after a pause, as the reply asks."""

    def converse(number: int) -> tuple[str, list[tuple[Turn, str]]]:
        sender = f"load-{number}-{uuid.uuid4().hex[:6]}"
        language, plan = script(number, turns)
        done = []
        for step, turn in enumerate(plan):
            if time.monotonic() > deadline:
                break
            for attempt in range(load.MAX_ATTEMPTS):
                answer = deliver(step, sender, turn.text)
                if load.kind_of(answer, turn, language) != "busy":
                    break
                time.sleep(0.5 * (attempt + 1))
            done.append((turn, answer))
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


def test_a_burst_over_both_servers_one_killed_gets_every_answer_right_or_a_stored_busy(cluster):
    """100 conversations with known answers (tools/load.py), round-robin over both servers,
    A killed with SIGKILL and restarted mid-load. Every acknowledged message gets its right
    answer, or a "busy" / "could not look it up" reply that asks for it again and is stored;
    none crosses conversations; every acknowledged message and reply is in the store, in
    order; after any of those, the conversation goes on with its context (its next answers are
    right); the only errors are the requests the killed server had in flight."""
    conversations, turns = 100, 3  # staff, "and <another>?", "when did it open?": the context counts
    restart: dict[str, float] = {}

    def kill_and_restart() -> None:
        cluster.rasa[A].send_signal(signal.SIGKILL)
        cluster.rasa[A].wait()
        began = time.monotonic()
        cluster.start_rasa(A)
        restart["seconds"] = time.monotonic() - began

    servers = [f"http://127.0.0.1:{port}" for port in (A, B)]
    report = load.run(servers, conversations, turns, (1.0, 3.0), kill_and_restart, disrupt_after=100)
    lost = load.missing(report, load.stored_events(servers[1], TOKEN))
    print("\n" + "\n".join(load.summary(report, conversations, lost)), f"\nA restarted in {restart}")

    assert restart, "the killed server was not restarted"
    assert report.wrong() == []
    assert report.count("not_saved") == 0
    # Every reply is the right answer or asks for the message again; most are answers (a user
    # told "busy" many times in a row stops, as people do: counted, never wrong or lost).
    assert {e.kind for e in report.exchanges} <= {"answer", "busy", "apology"}
    assert report.count("answer") >= conversations * turns // 2
    assert lost == {}
    # The only errors: the requests the killed server held (one per conversation at most),
    # cut when it died; each was sent again to the other server.
    cut = ("server 0: ServerDisconnectedError", "server 0: ClientOSError")
    assert all(error.startswith(cut) for error in report.errors), report.errors
    assert len(report.errors) <= conversations
    served = {index: sum(e.server == index for e in report.exchanges) for index in (0, 1)}
    assert served[0] > 0 and served[1] > 0
    # After the restart, a conversation goes on, on the restarted server, where it left off:
    # its last question, asked again, gets the same answer (from the second answer on: the
    # first one also asks "helpful?", once).
    answered: dict[str, list[load.Exchange]] = {}
    for exchange in report.exchanges:
        answered.setdefault(exchange.sender, []).append(exchange)
    ended = [done[-1] for done in answered.values() if done[-1].kind == "answer"]
    again = [e for e in ended if sum(x.kind == "answer" for x in answered[e.sender]) >= 2][:10]
    assert again
    for exchange in again:
        assert cluster.replies(A, exchange.sender, exchange.text) == exchange.replies


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

    def test_a_failed_turn_is_stored_with_its_apology_and_the_context_survives(self, cluster, sender):
        """Rasa drops a failed action's events and the apology went only to the channel: here
        the stored conversation shows the question and the apology the user got, and the
        dialogue goes on from the last answered question."""
        opened = "When did the Mopti office open?"
        assert "2008" in cluster.ask(A, sender, opened)
        cluster.actions.send_signal(signal.SIGSTOP)
        try:
            apology = cluster.replies(B, sender, "How many staff does the Gao office have?")
        finally:
            cluster.actions.send_signal(signal.SIGCONT)
        assert any(SORRY["en"] in reply for reply in apology) and "14" not in " ".join(apology)
        # The follow-up is resolved against the question last answered (the opening of Mopti):
        # the question that failed left no half-done turn behind.
        follow_up = cluster.ask(A, sender, "And Kayes?")
        assert "Kayes" in follow_up and "2013" in follow_up and "10" not in follow_up, follow_up
        # Sent again, as the apology asks, the question is answered and becomes the context.
        assert "14" in cluster.ask(B, sender, "How many staff does the Gao office have?")
        assert "10" in cluster.ask(A, sender, "And Kayes?")
        events = [
            (e["event"], e.get("text") or "")
            for e in cluster.get(A, f"/conversations/{sender}/tracker")[1]["events"]
            if e["event"] in ("user", "bot")
        ]
        failed = events.index(("user", "How many staff does the Gao office have?"))
        assert events[failed + 1] == ("bot", apology[0])
        assert events[failed + 2] == ("user", "And Kayes?")

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
