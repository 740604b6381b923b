"""Staff ask one question from a terminal or a script: `bin/ask`, with no server to start."""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess

import pytest

from project import MODEL, ROOT

pytestmark = pytest.mark.cli
ASK = ROOT / "bin" / "ask"


def ask(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    return subprocess.run(
        [str(ASK), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        cwd="/",  # works from anywhere
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )


def test_one_question_prints_the_answer_in_its_language():
    done = ask("Quels bureaux travaillent sur l'excision ?")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Kayes" in done.stdout and "Bureaux" in done.stdout  # FGM: Kayes only, in French
    assert not {"Mopti", "Gao", "Sikasso"} & set(re.findall(r"\w+", done.stdout))
    assert "utile" not in done.stdout  # no "helpful?" buttons on a command line


def test_json_questions_from_stdin_are_one_conversation_and_fast_once_loaded():
    questions = ["How many staff does the Gao office have?", "And Kayes?"] * 10
    done = ask("--json", "--timing", "-", stdin="\n".join(questions) + "\n")
    assert done.returncode == 0, done.stderr[-2000:]
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert [a["question"] for a in answers] == questions
    texts = [" ".join(m["text"] for m in a["messages"]) for a in answers]
    assert all("14" in t for t in texts[::2]) and all("10" in t for t in texts[1::2])  # the source page
    times = [float(ms) for ms in re.findall(r"^(\d+) ms: ", done.stderr, re.MULTILINE)]
    assert len(times) == len(questions)
    loaded = re.search(r"loaded in [\d.]+ s", done.stderr)
    assert loaded, done.stderr[-2000:]
    print(f"\nbin/ask: {loaded.group()}; median {statistics.median(times):.0f} ms per question")
    assert statistics.median(times) < 500


def test_a_missing_question_is_a_usage_error():
    done = ask()
    assert done.returncode == 2 and "QUESTION" in done.stderr
