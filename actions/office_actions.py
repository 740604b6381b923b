"""The custom actions: one per kind of question, each a look-up in the dataset.

An action holds no fact and no wording: it reads the conversation, asks `answers` for the
replies, and sends them (domain responses in the user's language).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import answer
from actions.conversation import context_of, language_of, mentions_in, send
from actions.dataset import get_dataset
from actions.questions import Question, followup


class QuestionAction(Action, ABC):
    """Answers one kind of question; subclasses only say which (abstract: not registered)."""

    @property
    @abstractmethod
    def question(self) -> Question:
        """The kind of question this action answers."""

    def name(self) -> str:
        return f"action_{self.question.value}"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        result = answer(
            self.question, mentions_in(tracker), context_of(tracker), get_dataset(), language_of(tracker)
        )
        return send(dispatcher, result, tracker)


class ActionOfficesWorkingOn(QuestionAction):
    question = Question.OFFICES_WORKING_ON


class ActionOfficeWorksOn(QuestionAction):
    question = Question.OFFICE_WORKS_ON


class ActionOfficeOpening(QuestionAction):
    question = Question.OFFICE_OPENING


class ActionOfficeStaff(QuestionAction):
    question = Question.OFFICE_STAFF


class ActionOfficeSectors(QuestionAction):
    question = Question.OFFICE_SECTORS


class ActionOfficeIssues(QuestionAction):
    question = Question.OFFICE_ISSUES


class ActionOfficeRegions(QuestionAction):
    question = Question.OFFICE_REGIONS


class ActionOfficeOverview(QuestionAction):
    question = Question.OFFICE_OVERVIEW


class ActionPlaceOffice(QuestionAction):
    question = Question.PLACE_OFFICE


class ActionUnicefSince(QuestionAction):
    question = Question.UNICEF_SINCE


class ActionMainOffice(QuestionAction):
    question = Question.MAIN_OFFICE


class ActionFieldOfficeCount(QuestionAction):
    question = Question.FIELD_OFFICE_COUNT


class ActionTotalStaff(QuestionAction):
    question = Question.TOTAL_STAFF


class ActionOfficeRanking(QuestionAction):
    question = Question.OFFICE_RANKING


class ActionOfficesOpenedIn(QuestionAction):
    question = Question.OFFICES_OPENED_IN


class ActionOfficeList(QuestionAction):
    question = Question.OFFICE_LIST


class ActionUnicefPartner(QuestionAction):
    question = Question.UNICEF_PARTNER


class ActionUnlistedFact(QuestionAction):
    question = Question.UNLISTED_FACT


class ActionFollowup(Action):
    """ "And Kayes?", "What about FGM?": the last kind of question, about something new; also
    the question asked together with a language request ("in English: when did Gao open?")."""

    def name(self) -> str:
        return "action_followup"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        mentions, context = mentions_in(tracker), context_of(tracker)
        question = followup(mentions, context)
        if question is None:
            intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
            if intent != "request_language":  # a language switch that asks nothing more: said already
                dispatcher.utter_message(response="utter_ask_followup")
            return []
        result = answer(question, mentions, context, get_dataset(), language_of(tracker))
        return send(dispatcher, result, tracker)
