"""Sets the conversation's language from each message, for replies in the user's language.

Runs last in the NLU pipeline and emits a `language` entity (en / fr) that fills the
`language` slot before any action runs, so domain responses pick their language variant
on the very turn the user switches. In order of precedence:
1. an explicit request ("in English please": intent `request_language`, entity from DIET);
2. the language the message is plainly written in (names of offices and places ignored;
   where the detector hesitates, the words only one language's training examples use);
3. the channel's hint (message metadata `language`: the web page, Telegram's user language);
4. nothing: short or neutral messages ("Gao ?", "ok", "2013") keep the current language.
A message plainly in another language, or refused by the MessageGuard, becomes
`nlu_fallback` so that the reply explains what the assistant understands.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.language import SUPPORTED, LanguageIdentifier, Lexicon, language_hint
from components.message_guard import REFUSED

LANGUAGE_ENTITY = "language"
FOREIGN = "foreign_language"  # parse-data key: the code of an unsupported language
NAME_ENTITIES = ("office", "place", "year")  # proper names say nothing about the language
FALLBACK_INTENT = "nlu_fallback"
LEXICON_FILE = "lexicon.json"


def _name_spans(entities: list[dict[str, Any]]) -> list[tuple[int, int]]:
    return [
        (e[ENTITY_ATTRIBUTE_START], e[ENTITY_ATTRIBUTE_END])
        for e in entities
        if e[ENTITY_ATTRIBUTE_TYPE] in NAME_ENTITIES and ENTITY_ATTRIBUTE_START in e
    ]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class LanguageDetector(GraphComponent):
    """Emits the `language` entity and routes unusable messages to the fallback."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "request_intent": "request_language",
            "min_confidence": 0.6,
            "min_foreign_confidence": 0.75,
            "min_foreign_words": 3,
            "neutral_words": ["UNICEF", "Mali"],
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage | None = None,
        resource: Resource | None = None,
        lexicon: Lexicon | None = None,
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self.lexicon = lexicon or Lexicon({})
        self.request_intent = config["request_intent"]
        self.identifier = LanguageIdentifier(
            min_confidence=config["min_confidence"],
            min_foreign_confidence=config["min_foreign_confidence"],
            min_foreign_words=config["min_foreign_words"],
            neutral_words=config["neutral_words"],
        )

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LanguageDetector:
        try:
            with model_storage.read_from(resource) as directory:
                words = json.loads((directory / LEXICON_FILE).read_text(encoding="utf-8"))
        except ValueError:  # a model trained before the lexicon: lingua alone decides
            words = {}
        return cls(config, model_storage, resource, Lexicon(words))

    def train(self, training_data: TrainingData) -> Resource:
        """Learn the lexicon from the NLU examples, with their annotated names masked."""
        examples = [
            (m.get(TEXT), _name_spans(m.get(ENTITIES) or []))
            for m in training_data.intent_examples
            if m.get(TEXT)
        ]
        self.lexicon = Lexicon.learn(examples, self.identifier)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / LEXICON_FILE).write_text(json.dumps(dict(self.lexicon.words)), encoding="utf-8")
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._process_one(message)
        return messages

    def _process_one(self, message: Message) -> None:
        entities = message.get(ENTITIES) or []
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        requested = next(
            (
                e[ENTITY_ATTRIBUTE_VALUE]
                for e in entities
                if e[ENTITY_ATTRIBUTE_TYPE] == LANGUAGE_ENTITY and e.get(ENTITY_ATTRIBUTE_VALUE) in SUPPORTED
            ),
            None,
        )
        others = [e for e in entities if e[ENTITY_ATTRIBUTE_TYPE] != LANGUAGE_ENTITY]
        language = requested if intent == self.request_intent else None

        if message.get(REFUSED):
            self._fall_back(message)
        elif language is None:
            verdict = self.identifier.identify(message.get(TEXT) or "", _name_spans(others), self.lexicon)
            if verdict.other:
                message.set(FOREIGN, verdict.other, add_to_output=True)
                self._fall_back(message)
            language = verdict.supported or language_hint(message.get("metadata"))

        if language:
            others.append(self._entity(language))
        message.set(ENTITIES, others, add_to_output=True)

    @staticmethod
    def _entity(language: str) -> dict[str, Any]:
        """The language as an entity, with an empty span: it is not a word of the message."""
        return {
            ENTITY_ATTRIBUTE_TYPE: LANGUAGE_ENTITY,
            ENTITY_ATTRIBUTE_VALUE: language,
            ENTITY_ATTRIBUTE_START: 0,
            ENTITY_ATTRIBUTE_END: 0,
            EXTRACTOR: LanguageDetector.__name__,
        }

    @staticmethod
    def _fall_back(message: Message) -> None:
        message.set(
            INTENT,
            {INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0},
            add_to_output=True,
        )
