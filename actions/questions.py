"""The kinds of question, the context kept between turns, and the replies that answer them.

Pure: no rasa_sdk, no I/O. `refine`, `understood_anyway` and `followup` decide which question a
message asks when NLU picked a neighbouring intent, none, or only named something ("And Kayes?").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from actions.mentions import Mentions


class Question(str, Enum):
    """The kinds of question the assistant answers; `action_<value>` answers each."""

    OFFICES_WORKING_ON = "offices_working_on"
    OFFICE_WORKS_ON = "office_works_on"
    OFFICE_OPENING = "office_opening"
    OFFICE_STAFF = "office_staff"
    OFFICE_SECTORS = "office_sectors"
    OFFICE_ISSUES = "office_issues"
    OFFICE_REGIONS = "office_regions"
    OFFICE_OVERVIEW = "office_overview"
    PLACE_OFFICE = "place_office"
    UNICEF_SINCE = "unicef_since"
    MAIN_OFFICE = "main_office"
    FIELD_OFFICE_COUNT = "field_office_count"
    TOTAL_STAFF = "total_staff"
    OFFICE_RANKING = "office_ranking"
    OFFICES_OPENED_IN = "offices_opened_in"
    OFFICE_LIST = "office_list"
    UNICEF_PARTNER = "unicef_partner"
    UNLISTED_FACT = "unlisted_fact"


OFFICE_QUESTIONS = frozenset(
    {
        Question.OFFICE_OPENING,
        Question.OFFICE_STAFF,
        Question.OFFICE_SECTORS,
        Question.OFFICE_ISSUES,
        Question.OFFICE_REGIONS,
        Question.OFFICE_OVERVIEW,
    }
)

ATTRIBUTE_QUESTIONS = {
    "opening": Question.OFFICE_OPENING,
    "staff": Question.OFFICE_STAFF,
    "sectors": Question.OFFICE_SECTORS,
    "regions": Question.OFFICE_REGIONS,
}


@dataclass(frozen=True)
class Context:
    """What the conversation is about: kept in slots between turns."""

    office: str | None = None  # office id
    term: str | None = None  # "issue:fgm", "sector:wash", "topic:malnutrition"
    question: Question | None = None
    offices: tuple[str, ...] = ()  # the offices the last list named ("which of them...?")
    ranking: str | None = None  # the last ranking answered, "newest" or "most_staff in order"


@dataclass(frozen=True)
class Reply:
    response: str
    params: dict[str, str] = field(default_factory=dict)
    buttons: tuple[tuple[str, str], ...] = ()  # (title, payload)


@dataclass(frozen=True)
class Answer:
    replies: list[Reply]
    context: Context

    @property
    def answered(self) -> bool:
        """False when the reply asks the user something back ("which office?"): nothing to rate yet."""
        return not any(reply.response.startswith("utter_ask_") for reply in self.replies)


def refine(question: Question, mentions: Mentions, context: Context) -> Question:
    """The question actually asked, when NLU picked a neighbouring intent.

    "Is Gao working on GBV?" read as "which offices work on GBV?" names an office: it is a
    yes/no question. "Does it work on FGM?" with no office anywhere lists the offices.
    """
    if question == Question.OFFICES_WORKING_ON and mentions.office and mentions.term:
        return Question.OFFICE_WORKS_ON
    if question == Question.OFFICE_WORKS_ON and not mentions.office and not context.office:
        return Question.OFFICES_WORKING_ON
    if question == Question.OFFICE_WORKS_ON and not (mentions.term or context.term):
        return Question.OFFICE_OVERVIEW  # "what does the Gao branch do?"
    if mentions.first_mentioned and len(context.offices) > 1 and not mentions.office:
        if question in OFFICE_QUESTIONS:  # "back to the first one: what does it do?"
            return question
        return ATTRIBUTE_QUESTIONS[mentions.asked[0]] if mentions.asked else Question.OFFICE_OVERVIEW
    if mentions.unlisted and question != Question.UNICEF_PARTNER:  # "who runs it?", "its budget?"
        return Question.UNLISTED_FACT
    if mentions.staff_limit and not mentions.office:  # "which offices have more than 12 staff?"
        return Question.OFFICE_RANKING
    if question == Question.OFFICE_RANKING and not mentions.ranking and mentions.which_offices:
        return Question.OFFICES_WORKING_ON  # "d'accord, alors lesquels en font ?": the last term
    if question in (Question.OFFICE_LIST, Question.FIELD_OFFICE_COUNT) and mentions.asked == ("staff",):
        return Question.TOTAL_STAFF  # "list all field offices + staff"
    if (
        question in (Question.OFFICES_WORKING_ON, Question.OFFICES_OPENED_IN)
        and "staff" in mentions.asked
        and mentions.counted == "other"
        and not (mentions.ranking or mentions.negated or mentions.office)
    ):
        return Question.TOTAL_STAFF  # "how many staff do the offices opened in 2013 have?"
    if question == Question.OFFICES_WORKING_ON and mentions.ranking:  # "the largest team among ..."
        return Question.OFFICE_RANKING
    if question == Question.OFFICES_OPENED_IN and mentions.office and (mentions.month or mentions.asked):
        return Question.OFFICE_OPENING  # "in which month of 2013 did Sikasso open?"
    if question in OFFICE_QUESTIONS and mentions.ranking and mentions.compares and len(mentions.offices) == 1:
        return Question.OFFICE_RANKING  # "and the biggest office: how many more staff than Kayes?"
    if question in OFFICE_QUESTIONS and not mentions.offices and not mentions.office:
        if mentions.ranking:  # "the runner-up by staff among the WASH offices?"
            return Question.OFFICE_RANKING
        if mentions.term and not context.office:  # "which office also works in operations?"
            return Question.OFFICES_WORKING_ON
    return question


def understood_anyway(mentions: Mentions, context: Context) -> Question | None:
    """The question a message NLU could not read asks, from what it names: an office and a
    term, a fact the page does not give, or what a follow-up would mean. None: nothing named."""
    if mentions.unlisted:
        return Question.UNLISTED_FACT
    if mentions.asked and mentions.office and not mentions.term:
        return ATTRIBUTE_QUESTIONS[mentions.asked[0]]
    if mentions.staff_limit or (mentions.order and mentions.asked):
        return Question.OFFICE_RANKING  # "more than 12 staff", "in the order they opened"
    if mentions.asked == ("staff",) and mentions.every and not (mentions.office or mentions.term):
        return Question.TOTAL_STAFF  # "all field offices + staff"
    if mentions.which_offices and context.term and not mentions.term:
        return Question.OFFICES_WORKING_ON  # "which offices do, then?"
    if mentions.those and len(context.offices) > 1 and not (mentions.office or mentions.term):
        return Question.TOTAL_STAFF if mentions.total else Question.OFFICE_RANKING  # "so the difference?"
    if mentions.office and mentions.term:
        return Question.OFFICE_WORKS_ON
    found = followup(mentions, context)
    if found is None and mentions.plural_offices and not (mentions.term or mentions.year or mentions.ranking):
        return Question.FIELD_OFFICE_COUNT if mentions.counted == "offices" else Question.OFFICE_LIST
    return found


def followup(mentions: Mentions, context: Context) -> Question | None:
    """The question "And Kayes?" / "What about FGM?" stands for, given the last one."""
    if mentions.asked and not mentions.term and (mentions.office or context.office):  # « et cb de pers ? »
        return ATTRIBUTE_QUESTIONS[mentions.asked[0]]
    if mentions.office:
        if context.question in OFFICE_QUESTIONS:
            return context.question
        if context.question in (Question.OFFICES_WORKING_ON, Question.OFFICE_WORKS_ON):
            return Question.OFFICE_WORKS_ON if context.term else Question.OFFICE_OVERVIEW
        return Question.OFFICE_OVERVIEW
    if mentions.term:  # "does it also do C4D?" after a question about one office
        if context.office and context.question in (Question.OFFICE_WORKS_ON, *OFFICE_QUESTIONS):
            return Question.OFFICE_WORKS_ON
        return Question.OFFICES_WORKING_ON
    if mentions.place:
        return Question.PLACE_OFFICE
    if mentions.year:
        return Question.OFFICES_OPENED_IN
    if mentions.ranking or (mentions.reverse and context.ranking):  # "and the other way round?"
        return Question.OFFICE_RANKING
    return None
