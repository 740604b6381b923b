"""Shared test fixtures: the real dataset and domain, trackers built from events, a dispatcher.

Nothing here touches the network; the server tests in tests/e2e start their own servers
on loopback.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet as CoreSlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.dataset import DEFAULT_PATH, Dataset, load_dataset
from project import LANGUAGES, ROOT


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return load_dataset(DEFAULT_PATH)


@pytest.fixture(scope="session")
def domain() -> Domain:
    return Domain.load(ROOT / "domain.yml")


@pytest.fixture(params=LANGUAGES)
def language(request: pytest.FixtureRequest) -> str:
    return request.param


def make_tracker(
    text: str = "",
    intent: str = "",
    entities: dict[str, str] | None = None,
    slots: dict[str, Any] | None = None,
    parse_extra: dict[str, Any] | None = None,
    channel: str = "rest",
) -> Tracker:
    """A tracker whose latest user message has this text, intent and entities."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
        **(parse_extra or {}),
    }
    events = [{"event": "user", "text": text, "parse_data": latest, "input_channel": channel}]
    return Tracker("test-user", slots or {}, latest, events, False, None, {}, "action_listen")


class Conversation:
    """Runs actions as the action server would and renders their replies with the domain."""

    def __init__(self, domain: Domain) -> None:
        self.domain = domain
        self.nlg = TemplatedNaturalLanguageGenerator(domain.responses)
        self.slots: dict[str, Any] = {}

    def run(self, action, tracker: Tracker) -> list[dict[str, Any]]:
        dispatcher = CollectingDispatcher()
        events = asyncio.run(action.run(dispatcher, tracker, self.domain.as_dict()))
        for event in events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
        return dispatcher.messages

    def render(self, message: dict[str, Any], language: str) -> dict[str, Any]:
        """The bot message as Rasa's RemoteAction builds it, for the conversation's language."""
        message = dict(message)
        name = message.pop("response")
        core = DialogueStateTracker.from_events(
            "test-user", [CoreSlotSet("language", language)], slots=self.domain.slots
        )
        draft = asyncio.run(self.nlg.generate(name, core, "rest", **message)) or {}
        buttons = message.pop("buttons", None) or []
        draft["buttons"] = (draft.get("buttons") or []) + buttons
        draft.update({k: v for k, v in message.items() if v})
        return draft

    def ask(
        self,
        action,
        language: str,
        intent: str = "",
        entities: dict[str, str] | None = None,
        text: str = "",
        parse_extra: dict[str, Any] | None = None,
    ) -> list[str]:
        """Run the action for a message and return the texts the user would read."""
        tracker = make_tracker(text, intent, entities, {**self.slots, "language": language}, parse_extra)
        return [self.render(m, language)["text"] for m in self.run(action, tracker)]


@pytest.fixture
def conversation(domain: Domain) -> Conversation:
    return Conversation(domain)
