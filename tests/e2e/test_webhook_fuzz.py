"""Random and hostile requests to the running REST webhook: never a 5xx, never silence, and
the server keeps answering real questions afterwards."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.servers

EXAMPLES = 1000
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
hostile_text = st.one_of(
    st.text(max_size=300),  # every kind of unicode, lone surrogates and NUL included
    st.sampled_from(["\x00", "Gao\x00?", "<img src=x onerror=alert(1)>", "{office}", "\u202e\u200b"]),
    st.tuples(st.characters(), st.integers(2_000, 100_000)).map(lambda c: c[0] * c[1]),  # up to 100 KB
)


def nested(depth: int) -> str:
    return '{"sender": "deep", "message": "hi", "metadata": ' + '{"a": ' * depth + "1" + "}" * depth + "}"


bodies = st.one_of(
    st.binary(max_size=2_000),  # not JSON at all
    json_values.map(json.dumps),  # JSON of any shape
    st.fixed_dictionaries({"sender": json_values, "message": json_values}).map(json.dumps),  # wrong types
    st.fixed_dictionaries(
        {"sender": st.text(min_size=1, max_size=64), "message": hostile_text},
        optional={"metadata": json_values},
    ).map(json.dumps),
    st.integers(100, 100_000).map(lambda depth: "[" * depth + "]" * depth),  # deep JSON
    st.integers(100, 100_000).map(nested),
).map(lambda body: body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass"))


# Requests to a real server: no deadline, no example database, large and slow inputs wanted.
FUZZ = settings(
    deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@settings(FUZZ, max_examples=EXAMPLES)
@given(body=bodies)
def test_any_request_gets_a_reply_or_a_4xx(assistant, body):
    status, text = assistant.post(body)
    assert status in (200, 400), (status, text[:300])
    if status == 200:
        replies = json.loads(text)
        assert isinstance(replies, list) and replies, "a message must never go unanswered"
        assert all(isinstance(reply.get("text"), str) and reply["text"] for reply in replies)


def test_the_assistant_still_answers_after_the_fuzzing(assistant, sender):
    assert "Gao" in assistant.ask(sender, "Which office covers Kidal?")
