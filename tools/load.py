"""`make load` (`python -m tools.load`): a burst of conversations with known answers, round-robin
over Rasa servers of the production profile, one of them killed with SIGKILL and restarted
mid-load; then every acknowledged message and reply looked up in the store.

Each conversation asks about offices in one language ("How many staff does the Gao office
have?", "And Kayes?", "When did it open?"), so every answer is known from the source page,
and neighbouring conversations ask about other offices in the other language: an answer that
crossed conversations shows as a wrong office, number or language. A user told that the
assistant is busy or could not look the answer up sends the message again, after a pause, as
the reply asks. Messages go to the servers in turn, as a round-robin load balancer sends
them; a server that refuses the connection (killed) is skipped.

Printed: conversations, messages acknowledged, messages a second, errors (no reply, HTTP
errors, a message not saved), busy replies, apologies, wrong answers, p50 / p95 of the
answered messages, and the acknowledged events missing from the store. `make load` starts
its own servers (an action server, two Rasa servers) on PostgreSQL and Redis of this machine,
with a database of its own, dropped afterwards; `tests/e2e/test_production_profile.py`
drives its servers with the same `run`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import aiohttp

from project import MODEL, PROFILES, ROOT
from tools.chat import webhook_url
from tools.serve import action_server, production_settings, rasa_server, ready_url, stop, wait_until_up

# Facts typed from the source page (where-we-work), per office: English name, French name,
# staff, year opened.
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
# What the replies that ask for the message again say (domain.yml: utter_busy,
# utter_action_failed, utter_service_unavailable), and the other language's apology opening.
BUSY = {"en": "Please send it again.", "fr": "Renvoyez-le, s'il vous plaît."}
COULD_NOT_LOOK_UP = {"en": "Please try again in a moment.", "fr": "Réessayez dans un instant."}
NOT_SAVED = {"en": "was not saved", "fr": "n'a pas été enregistré"}
SORRY = {"en": "Sorry", "fr": "Désolé"}
MAX_ATTEMPTS = 12  # sends of one message told "busy" before the conversation gives up
TIMEOUT = 60.0  # seconds a client waits for a reply (a killed server's lock lasts 20 s)


@dataclass(frozen=True)
class Turn:
    text: str
    must: tuple[str, ...]
    must_not: tuple[str, ...]


def script(number: int, turns: int) -> tuple[str, list[Turn]]:
    """Conversation `number`: staff of one office, "and <another>?", "when did it open?", ...

    Its answers depend on what was said earlier in this conversation only.
    """
    language = "fr" if number % 2 else "en"
    name = 1 if language == "fr" else 0
    first = OFFICES[number % 5]
    second = OFFICES[(number + 1 + number // 5 % 4) % 5]
    plan = []
    for t in range(turns):
        one, other = (first, second) if t // 3 % 2 == 0 else (second, first)
        if t % 3 == 0:
            plan.append(Turn(STAFF_QUESTION[language].format(one[name]), (one[name], one[2]), ()))
        elif t % 3 == 1:
            plan.append(Turn(AND_QUESTION[language].format(other[name]), (other[name], other[2]), (one[2],)))
        else:
            plan.append(Turn(OPENED_QUESTION[language], (other[name], other[3]), (one[name],)))
    return language, plan


def said(fact: str, answer: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(fact)}(?!\w)", answer) is not None


def right(answer: str, turn: Turn, language: str) -> bool:
    """The facts the turn must name, none it must not, in the conversation's language."""
    other = "en" if language == "fr" else "fr"
    return (
        all(said(fact, answer) for fact in turn.must)
        and not any(said(fact, answer) for fact in turn.must_not)
        and SORRY[other] not in answer
    )


def kind_of(answer: str, turn: Turn, language: str) -> str:
    """answer, busy, apology (the action failed), not_saved, or wrong."""
    if BUSY[language] in answer:
        return "busy"
    if COULD_NOT_LOOK_UP[language] in answer:
        return "apology"
    if NOT_SAVED[language] in answer:
        return "not_saved"
    return "answer" if right(answer, turn, language) else "wrong"


@dataclass
class Exchange:
    """One message a server acknowledged (HTTP 200) and what the user got back."""

    sender: str
    text: str
    replies: list[str]
    server: int  # index in the servers' list
    seconds: float
    kind: str


@dataclass
class Report:
    exchanges: list[Exchange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    refused: int = 0  # connections a down server refused: sent to the next one
    gave_up: int = 0  # conversations that stopped on a message told "busy" MAX_ATTEMPTS times
    elapsed: float = 0.0
    disruption: object = None  # what the disruption returned

    def count(self, kind: str) -> int:
        return sum(exchange.kind == kind for exchange in self.exchanges)

    def latencies(self, kind: str = "answer") -> list[float]:
        return [exchange.seconds for exchange in self.exchanges if exchange.kind == kind]

    def percentile(self, share: int) -> float:
        seconds = sorted(self.latencies())
        if len(seconds) < 2:
            return seconds[0] if seconds else 0.0
        return statistics.quantiles(seconds, n=100, method="inclusive")[share - 1]

    def wrong(self) -> list[tuple[str, str]]:
        return [(e.text, " ".join(e.replies)) for e in self.exchanges if e.kind == "wrong"]

    def summary(self, conversations: int) -> str:
        acknowledged = len(self.exchanges)
        rate = acknowledged / self.elapsed if self.elapsed else 0.0
        answered = self.count("answer") / self.elapsed if self.elapsed else 0.0
        return (
            f"{conversations} conversations, {acknowledged} messages acknowledged in {self.elapsed:.1f} s "
            f"({rate:.1f} msgs/s, {answered:.1f} answered/s): {self.count('answer')} answered, "
            f"{self.count('wrong')} wrong, "
            f"{self.count('busy')} busy replies, {self.count('apology')} apologies, "
            f"{self.count('not_saved')} not saved, {len(self.errors)} errors, {self.gave_up} gave up, "
            f"{self.refused} refused connections; answered p50 {self.percentile(50):.2f} s, "
            f"p95 {self.percentile(95):.2f} s"
        )


class _Balancer:
    """Round-robin over the servers, skipping one that refuses the connection."""

    def __init__(self, servers: Sequence[str]) -> None:
        self.servers = list(servers)
        self.next = 0

    def order(self) -> list[int]:
        first = self.next
        self.next = (self.next + 1) % len(self.servers)
        return [(first + k) % len(self.servers) for k in range(len(self.servers))]


async def _send(
    session: aiohttp.ClientSession, balancer: _Balancer, report: Report, sender: str, text: str
) -> tuple[int, list[str], float] | None:
    """The replies to one message from the first server that takes it (None: no reply)."""
    for index in balancer.order():
        started = time.monotonic()
        try:
            async with session.post(
                webhook_url(balancer.servers[index]), json={"sender": sender, "message": text}
            ) as reply:
                if reply.status != 200:
                    report.errors.append(f"server {index}: HTTP {reply.status} for {sender}")
                    return None
                messages = await reply.json()
        except aiohttp.ClientConnectorError:  # refused: the server is down, try the next one
            report.refused += 1
            continue
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            # Reset mid-request (the server was killed) or no reply in time: the user does not
            # know whether it was heard, and sends it again.
            report.errors.append(f"server {index}: {type(error).__name__} for {sender}")
            return None
        return index, [m.get("text") or "" for m in messages], time.monotonic() - started
    report.errors.append(f"every server refused {sender}")
    return None


async def _converse(
    session: aiohttp.ClientSession,
    balancer: _Balancer,
    report: Report,
    number: int,
    turns: int,
    think: tuple[float, float],
    acknowledged: Callable[[], None],
) -> None:
    pause = random.Random(number)
    sender = f"load-{number}-{uuid.uuid4().hex[:6]}"
    language, plan = script(number, turns)
    await asyncio.sleep(pause.uniform(0, think[1]))  # users do not all arrive in the same second
    for turn in plan:
        for _attempt in range(MAX_ATTEMPTS):
            result = await _send(session, balancer, report, sender, turn.text)
            if result is None:
                await asyncio.sleep(pause.uniform(*think))
                continue
            server, replies, seconds = result
            kind = kind_of(" ".join(replies), turn, language)
            report.exchanges.append(Exchange(sender, turn.text, replies, server, seconds, kind))
            acknowledged()
            if kind in ("answer", "wrong"):
                await asyncio.sleep(pause.uniform(*think))
                break
            # Told to send it again: a person reads that, then sends it (longer than a pause).
            await asyncio.sleep(pause.uniform(2 * think[0] + 1, 2 * think[1] + 1))
        else:
            report.gave_up += 1
            return


def run(
    servers: Sequence[str],
    conversations: int = 100,
    turns: int = 8,
    think: tuple[float, float] = (1.0, 3.0),
    disrupt: Callable[[], object] | None = None,
    disrupt_after: int = 0,
) -> Report:
    """The conversations at once; `disrupt` (in a thread) once `disrupt_after` messages were
    acknowledged, waited for before returning. Blocking."""
    report = Report()
    started = threading.Event()
    worker: list[threading.Thread] = []

    def acknowledged() -> None:
        if disrupt and not started.is_set() and len(report.exchanges) >= disrupt_after:
            started.set()

            def target() -> None:
                report.disruption = disrupt()

            worker.append(threading.Thread(target=target, daemon=True))
            worker[0].start()

    async def main() -> None:
        balancer = _Balancer(servers)
        timeout = aiohttp.ClientTimeout(total=TIMEOUT)
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            await asyncio.gather(
                *(
                    _converse(session, balancer, report, n, turns, think, acknowledged)
                    for n in range(conversations)
                )
            )

    began = time.monotonic()
    asyncio.run(main())
    report.elapsed = time.monotonic() - began
    for thread in worker:
        thread.join()
    return report


def missing(report: Report, stored: Callable[[str], list[tuple[str, str]]]) -> dict[str, list[str]]:
    """Per conversation, the acknowledged messages and replies not found, in order, among its
    stored (kind, text) events, `stored(sender)` ("user" / "bot")."""
    wanted: dict[str, list[tuple[str, str]]] = {}
    for exchange in report.exchanges:
        if exchange.kind == "not_saved":  # told it was not saved: nothing to find
            continue
        items = wanted.setdefault(exchange.sender, [])
        items.append(("user", exchange.text))
        items.extend(("bot", reply) for reply in exchange.replies)
    lost = {}
    for sender, items in wanted.items():
        rest = iter(stored(sender))
        gone = [f"{kind}: {text}" for kind, text in items if not any(found == (kind, text) for found in rest)]
        if gone:
            lost[sender] = gone
    return lost


def stored_events(server: str, token: str) -> Callable[[str], list[tuple[str, str]]]:
    """A conversation's user and bot events, as the tracker API of `server` returns them."""

    def events(sender: str) -> list[tuple[str, str]]:
        query = urllib.parse.urlencode({"token": token})
        path = urllib.parse.quote(sender, safe="")
        with urllib.request.urlopen(f"{server}/conversations/{path}/tracker?{query}", timeout=30) as reply:
            tracker = json.loads(reply.read())
        return [(e["event"], e.get("text") or "") for e in tracker["events"] if e["event"] in ("user", "bot")]

    return events


def summary(report: Report, conversations: int, lost: dict[str, list[str]]) -> Iterable[str]:
    yield report.summary(conversations)
    yield f"missing from the store: {sum(map(len, lost.values()))} events in {len(lost)} conversations"
    for question, answer in report.wrong()[:10]:
        yield f"  wrong: {question!r} -> {answer!r}"
    for error in report.errors[:10]:
        yield f"  error: {error}"


def _serve_and_load(args: argparse.Namespace) -> int:
    """Start an action server and two Rasa servers (production profile), load them, kill one."""
    database = f"unicef_mali_load_{uuid.uuid4().hex[:6]}"
    token = secrets.token_hex(16)  # in the environment only, never on a command line
    env, flags = production_settings(
        {
            **os.environ,
            "RASA_AUTH_TOKEN": token,
            "POSTGRES_DB": database,
            "ACTION_SERVER_URL": f"http://127.0.0.1:{args.actions_port}/webhook",
        }
    )
    logs = ROOT / "results" / "load"
    logs.mkdir(parents=True, exist_ok=True)
    ports = args.rasa_ports
    processes: dict[int, subprocess.Popen] = {}

    def start(*numbers: int) -> None:
        for port in numbers:  # all at once, then wait: they load their model side by side
            with open(logs / f"rasa-{port}.log", "ab") as log:
                processes[port] = rasa_server(
                    port, MODEL, PROFILES["production"], flags, env, stdout=log, stderr=subprocess.STDOUT
                )
        for port in numbers:
            wait_until_up(ready_url(port), processes[port], 600)

    with open(logs / "actions.log", "ab") as log:
        actions = action_server(args.actions_port, env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{args.actions_port}/health", actions, 60)
        start(*ports)
        rasa_ports = ", ".join(map(str, ports))
        print(f"servers ready: Rasa on {rasa_ports}, actions on {args.actions_port}", flush=True)

        def kill_and_restart() -> float:
            victim = processes[ports[0]]
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            print(f"killed the Rasa server on {ports[0]} (SIGKILL); restarting it", flush=True)
            began = time.monotonic()
            start(ports[0])
            print(f"restarted in {time.monotonic() - began:.1f} s", flush=True)
            return time.monotonic() - began

        servers = [f"http://127.0.0.1:{port}" for port in ports]
        report = run(
            servers,
            args.conversations,
            args.turns,
            (args.think_min, args.think_max),
            kill_and_restart if args.kill_after else None,
            args.kill_after,
        )
        lost = missing(report, stored_events(servers[-1], token))
        for line in summary(report, args.conversations, lost):
            print(line)
        bad = report.count("wrong") or report.count("not_saved") or lost
        return 1 if bad else 0
    finally:
        for process in processes.values():
            stop(process)
        stop(actions)
        _drop(database, env)


def _drop(database: str, env: dict[str, str]) -> None:
    import psycopg2

    connection = psycopg2.connect(
        host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"], user=env["POSTGRES_USER"], dbname="postgres"
    )
    connection.autocommit = True
    connection.cursor().execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--turns", type=int, default=8)
    parser.add_argument("--think-min", type=float, default=1.0, help="seconds a user pauses, at least")
    parser.add_argument("--think-max", type=float, default=3.0, help="seconds a user pauses, at most")
    parser.add_argument("--kill-after", type=int, default=200, help="messages before the kill (0: none)")
    parser.add_argument("--rasa-port", type=int, action="append", dest="rasa_ports")
    parser.add_argument("--actions-port", type=int, default=5155)
    args = parser.parse_args()
    args.rasa_ports = args.rasa_ports or [5105, 5106]
    raise SystemExit(_serve_and_load(args))


if __name__ == "__main__":
    main()
