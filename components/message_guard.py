"""Keeps blank and oversized messages away from the NLU pipeline.

Placed first in the pipeline: a 100 KB message would otherwise go through spaCy and DIET
(stock Rasa spends more than 30 s and gigabytes on one); a message of emoji only would get a
confident but random intent, except the few `symbols` the training data gives a meaning (👍 and
👎: an answer's rating, on channels without buttons too). Such a message is emptied and
flagged `refused`; the language detector, last in the pipeline, turns it into
`nlu_fallback`, and `action_explain_scope` tells the user why.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

REFUSED = "refused"  # parse-data key: {"reason": "empty" | "no_words" | "too_long", "limit": ...}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class MessageGuard(GraphComponent):
    """Empties blank or too-long messages before tokenisation and flags why."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"max_characters": 2000, "symbols": []}

    def __init__(self, config: dict[str, Any]) -> None:
        self.max_characters = int(config["max_characters"])
        self.symbols = tuple(config["symbols"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MessageGuard:
        return cls(config)

    def _reason(self, text: str | None) -> str | None:
        if not text or not text.strip():
            return "empty"
        if not any(c.isalnum() for c in text) and not any(symbol in text for symbol in self.symbols):
            return "no_words"  # "🙂🙂🙂", "???": nothing NLU could read
        if len(text) > self.max_characters:
            return "too_long"
        return None

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            reason = self._reason(message.get(TEXT))
            if reason:
                message.set(TEXT, "")
                message.set(REFUSED, {"reason": reason, "limit": self.max_characters}, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
