"""Sets the conversation's language from each message, for replies in the user's language.

Runs last in the NLU pipeline and emits a `language` entity (en / fr) that fills the
`language` slot before any action runs, so domain responses pick their language variant
on the very turn the user switches. In order of precedence:
1. an explicit request ("in English please": intent `request_language`, entity from DIET);
2. the language the message is plainly written in (names of offices and places ignored);
3. the channel's hint (message metadata `language`: the web page, Telegram's user language);
4. nothing: short or neutral messages ("Gao ?", "ok", "2013") keep the current language.
A message plainly in another language, or refused by the MessageGuard, becomes
`nlu_fallback` so that the reply explains what the assistant understands.
"""

from __future__ import annotations

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

from components.language import SUPPORTED, LanguageIdentifier, language_hint
from components.message_guard import REFUSED

LANGUAGE_ENTITY = "language"
FOREIGN = "foreign_language"  # parse-data key: the code of an unsupported language
NAME_ENTITIES = ("office", "place", "year")  # proper names say nothing about the language
FALLBACK_INTENT = "nlu_fallback"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
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

    def __init__(self, config: dict[str, Any]) -> None:
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
        return cls(config)

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
            names = [
                (e[ENTITY_ATTRIBUTE_START], e[ENTITY_ATTRIBUTE_END])
                for e in others
                if e[ENTITY_ATTRIBUTE_TYPE] in NAME_ENTITIES and ENTITY_ATTRIBUTE_START in e
            ]
            verdict = self.identifier.identify(message.get(TEXT) or "", names)
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
