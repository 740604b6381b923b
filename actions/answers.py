"""From a question and what the user named to the replies that answer it.

Pure: no rasa_sdk, no I/O. An answer is a list of `Reply` (a domain response name and the
values that fill it, already in the reply's language) plus the new conversation context,
so that "And Kayes?" or "How many staff does it have?" can be answered next. Every value
comes from the dataset; when the dataset has nothing, the reply says so and says what it
does know. Each operation's answers live in their own module (`answer_*`); this one picks the
handler for a question.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from actions.answer_base import office_buttons
from actions.answer_country import CountryAnswers
from actions.answer_rankings import RankingAnswers
from actions.dataset import Dataset, Language
from actions.mentions import Mentions
from actions.questions import Answer, Context, Question, Reply, refine
from actions.wording import join, number


def answer(
    question: Question,
    mentions: Mentions,
    context: Context,
    dataset: Dataset,
    language: Language,
) -> Answer:
    """Answer one question in one language from the dataset."""
    return _Answerer(dataset, language, mentions, context).answer(refine(question, mentions, context))


def explain_scope(why: str, dataset: Dataset, language: Language, limit: int = 0) -> Reply:
    """What the assistant can answer, worded for why the user is being told.

    `why`: help, out_of_scope, not_understood, other_language, empty or too_long.
    """
    params = {
        "main": dataset.main_office.name(language),
        "offices": join([o.name(language) for o in dataset.field_offices], language),
        "limit": number(limit, language),
    }
    response = {
        "help": "utter_help",
        "out_of_scope": "utter_out_of_scope",
        "other_language": "utter_other_language",
        "empty": "utter_empty_message",
        "too_long": "utter_message_too_long",
    }.get(why, "utter_fallback")
    return Reply(response, params, office_buttons(dataset.offices, language) if why == "help" else ())


class _Answerer(RankingAnswers, CountryAnswers):
    """Every operation's answers, one handler per question."""

    def answer(self, question: Question) -> Answer:
        handlers: dict[Question, Callable[[], Answer]] = {
            Question.OFFICES_WORKING_ON: self.offices_working_on,
            Question.OFFICE_WORKS_ON: self.office_works_on,
            Question.PLACE_OFFICE: self.place_office,
            Question.UNICEF_SINCE: self.unicef_since,
            Question.MAIN_OFFICE: self.main_office,
            Question.FIELD_OFFICE_COUNT: self.field_office_count,
            Question.TOTAL_STAFF: self.total_staff,
            Question.OFFICE_RANKING: self.office_ranking,
            Question.OFFICES_OPENED_IN: self.offices_opened_in,
            Question.OFFICE_LIST: self.office_list,
            Question.UNICEF_PARTNER: self.unicef_partner,
            Question.UNLISTED_FACT: self.unlisted_fact,
        }
        handler = handlers.get(question) or (lambda: self.about_office(question))
        result = handler()
        return Answer(result.replies, replace(result.context, question=question))
