"""Every action, given random and hostile messages, entities and slots, still replies with a
response of the domain, fully filled in, and never raises."""

from __future__ import annotations

import asyncio
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from project import LANGUAGES
from tests.conftest import make_tracker

ENTITIES = ["office", "issue", "sector", "place", "year", "ranking", "language", "unknown"]
hostile_text = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.sampled_from(["\x00", "Gao\x00", "{office}", "%s", "<img src=x onerror=alert(1)>", "Ménaka" * 500]),
)
values = st.one_of(hostile_text, st.none(), st.integers(), st.lists(st.text(max_size=10), max_size=3))


@pytest.fixture(scope="module")
def actions() -> dict:
    executor = ActionExecutor()
    executor.register_package("actions")
    return executor.actions


@settings(
    max_examples=2000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    data=st.data(),
    text=hostile_text,
    entities=st.dictionaries(st.sampled_from(ENTITIES), hostile_text, max_size=4),
    slots=st.fixed_dictionaries(
        {},
        optional={
            "language": st.one_of(st.sampled_from(LANGUAGES), values),
            "office": values,
            "term": values,
            "last_question": values,
        },
    ),
)
def test_any_message_gets_filled_in_domain_responses(actions, conversation, data, text, entities, slots):
    name = data.draw(st.sampled_from(sorted(actions)))
    tracker = make_tracker(text, name.removeprefix("action_"), entities, slots)
    dispatcher = CollectingDispatcher()
    asyncio.run(actions[name](dispatcher, tracker, conversation.domain.as_dict()))
    assert dispatcher.messages, f"{name} sent nothing"
    for message in dispatcher.messages:
        variants = conversation.domain.responses[message["response"]]
        placeholders = {name for v in variants for name in re.findall(r"{(\w+)}", v.get("text", ""))}
        assert all(message.get(name) is not None for name in placeholders), message
        for language in LANGUAGES:
            assert conversation.render(message, language)["text"].strip()
