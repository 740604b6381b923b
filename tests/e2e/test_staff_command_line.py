"""Staff ask from a terminal or a script: `bin/ask`, over HTTP when the assistant runs, and
in-process, after loading the model, when none answers.

The same questions are asked both ways (arguments, stdin with `-`, `--json`, `--language`,
`--timing`), and both must give the same answers; the facts they must state are read from
the dataset, not from the bot. The in-process run is made once for the module (it loads the
model: 20 s or more); the HTTP runs ask the shared test server.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import time
from pathlib import Path

import pytest

from actions.dataset import DEFAULT_PATH, load_dataset
from components.language import LanguageIdentifier
from project import MODEL, ROOT
from tests.e2e.conftest import ACTIONS_PORT, RASA_PORT
from tools.serve import local_endpoints

pytestmark = pytest.mark.servers

ASK = ROOT / "bin" / "ask"
SERVER = f"http://127.0.0.1:{RASA_PORT}"
NOBODY = "http://127.0.0.1:9"  # the discard port: nothing answers there
DATA = load_dataset(DEFAULT_PATH)
GAO, KAYES, MOPTI = (DATA.office(office) for office in ("gao", "kayes", "mopti"))
FGM_OFFICES = {office.name.fr for office, _ in DATA.offices_with_issues(["fgm"])}
# (question, language of the answer, facts the answer states), asked in this order, in one
# conversation, with `--language en`: "Gao ?", which says nothing of its language, opens it
# and is answered in English where a new conversation would be in French.
QUESTIONS = [
    ("Gao ?", "en", [GAO.name.en, str(GAO.opened.year), str(GAO.staff)]),
    ("How many staff does the Kayes office have?", "en", [KAYES.name.en, str(KAYES.staff)]),
    ("And Mopti?", "en", [MOPTI.name.en, str(MOPTI.staff)]),
    ("Quels bureaux travaillent sur l'excision ?", "fr", sorted(FGM_OFFICES)),
]


def ask(*args: str, server: str, state: Path, stdin: str = "") -> subprocess.CompletedProcess:
    """bin/ask run as staff run it, from anywhere, with its conversation kept under `state`."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    environ = {**os.environ, "ASSISTANT_URL": server, "XDG_STATE_HOME": str(state)}
    environ["RASA_TELEMETRY_ENABLED"] = "false"
    return subprocess.run(
        [str(ASK), *args], input=stdin, capture_output=True, text=True, timeout=600, cwd="/", env=environ
    )


def answers(done: subprocess.CompletedProcess) -> list[dict]:
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines()]


def text_of(answer: dict) -> str:
    return " ".join(m.get("text", "") for m in answer["messages"])


def without_recipient(answer: dict) -> list[dict]:
    return [{k: v for k, v in m.items() if k != "recipient_id"} for m in answer["messages"]]


def batch(server: str, state: Path, extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    stdin = "".join(f"{question}\n" for question, _, _ in QUESTIONS)
    return ask(
        "--json",
        "--timing",
        "--language",
        "en",
        "--new",
        *extra,
        "-",
        server=server,
        state=state,
        stdin=stdin,
    )


@pytest.fixture(scope="module")
def warm(assistant, tmp_path_factory) -> None:
    """The server's first answers load what the actions read: not what a staff call costs."""
    ask("--new", "Tell me about Sikasso", server=SERVER, state=tmp_path_factory.mktemp("warm-up"))


@pytest.fixture(scope="module")
def over_http(warm, tmp_path_factory) -> subprocess.CompletedProcess:
    return batch(SERVER, tmp_path_factory.mktemp("state-http"))


@pytest.fixture(scope="module")
def in_process(tmp_path_factory) -> subprocess.CompletedProcess:
    """With no assistant to ask; the conversation goes to a throw-away SQLite file."""
    work = tmp_path_factory.mktemp("in-process")
    endpoints = local_endpoints(work / "endpoints.yml", ACTIONS_PORT, work / "rasa.db")
    return batch(NOBODY, work / "state", ("--endpoints", str(endpoints)))


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


def test_over_http_each_answer_states_the_datasets_facts_in_its_language(over_http, identifier):
    got = answers(over_http)
    assert [a["question"] for a in got] == [q for q, _, _ in QUESTIONS]
    for answer, (question, language, facts) in zip(got, QUESTIONS, strict=True):
        text = text_of(answer)
        assert all(fact in text for fact in facts), f"{question!r}: {facts} not all in {text!r}"
        assert identifier.identify(text).supported == language, f"{question!r}: not in {language}: {text!r}"
    others = {office.name.fr for office in DATA.field_offices} - FGM_OFFICES
    assert not others & set(re.findall(r"\w+", text_of(got[3]))), "offices that do not work on FGM"


def test_in_process_the_answers_are_the_same_as_over_http(in_process, over_http):
    assert [without_recipient(a) for a in answers(in_process)] == [
        without_recipient(a) for a in answers(over_http)
    ]


def test_without_an_assistant_it_says_so_and_suggests_make_serve(in_process, over_http):
    assert "No assistant to ask at" in in_process.stderr and "make serve" in in_process.stderr
    assert re.search(r"loaded in [\d.]+ s", in_process.stderr)
    assert "No assistant" not in over_http.stderr and "loaded in" not in over_http.stderr


def test_the_helpful_question_is_never_asked_on_the_command_line(in_process, over_http):
    for done in (in_process, over_http):
        payloads = [b["payload"] for a in answers(done) for m in a["messages"] for b in m.get("buttons", [])]
        assert "/feedback_helpful" not in payloads


@pytest.mark.parametrize("way", ["in_process", "over_http"])
def test_each_question_takes_milliseconds_once_the_model_is_loaded(request, way):
    done = request.getfixturevalue(way)
    times = [float(ms) for ms in re.findall(r"^(\d+) ms: ", done.stderr, re.MULTILINE)]
    assert len(times) == len(QUESTIONS), done.stderr[-2000:]
    print(f"\nbin/ask {way}: median {statistics.median(times):.0f} ms per question, {times}")
    assert statistics.median(times) < 500


def test_a_call_follows_up_the_call_before_and_new_starts_afresh(assistant, tmp_path):
    first = answers(
        ask("--json", "--new", "How many staff does the Gao office have?", server=SERVER, state=tmp_path)
    )
    follow_up = answers(ask("--json", "And Kayes?", server=SERVER, state=tmp_path))
    fresh = answers(ask("--json", "--new", "And Kayes?", server=SERVER, state=tmp_path))
    assert str(GAO.staff) in text_of(first[0])
    staff_answer = text_of(follow_up[0])
    # a staff count, as the question before asked, and nothing of what else Kayes does
    assert str(KAYES.staff) in staff_answer
    assert not [s for s in KAYES.sectors if DATA.sector(s).label.en in staff_answer]
    assert text_of(fresh[0]) != staff_answer  # a new conversation has no question to follow


def test_over_http_a_call_takes_under_a_second_from_start_to_answer(warm, tmp_path):
    seconds = []
    for _ in range(10):
        started = time.perf_counter()
        done = ask("How many staff does the Gao office have?", server=SERVER, state=tmp_path)
        seconds.append(time.perf_counter() - started)
        assert done.returncode == 0 and str(GAO.staff) in done.stdout, done.stderr[-2000:]
    print(f"\nbin/ask over HTTP, whole command: median {statistics.median(seconds):.2f} s of {seconds}")
    assert statistics.median(seconds) < 1.0


def test_a_missing_question_is_a_usage_error(tmp_path):
    done = ask(server=NOBODY, state=tmp_path)
    assert done.returncode == 2 and "QUESTION" in done.stderr
