"""From a question and what the user named to the replies that answer it.

Pure: no rasa_sdk, no I/O. An answer is a list of `Reply` (a domain response name and the
values that fill it, already in the reply's language) plus the new conversation context,
so that "And Kayes?" or "How many staff does it have?" can be answered next. Every value
comes from the dataset; when the dataset has nothing, the reply says so and says what it
does know.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum

from actions.dataset import Dataset, Language, Office
from actions.mentions import YEAR, Mentions
from actions.terms import Match, vocabularies
from actions.wording import join, join_clauses, number, opening_date, quoted

ECHO_LIMIT = 60  # characters of a user's unknown word repeated back to them


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
# The office fact each cue of `actions.cues.ATTRIBUTE_CUES` asks for.
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
    if mentions.unlisted and question != Question.UNICEF_PARTNER:  # "who runs it?", "its budget?"
        return Question.UNLISTED_FACT
    if mentions.staff_limit and not mentions.office:  # "which offices have more than 12 staff?"
        return Question.OFFICE_RANKING
    if question == Question.OFFICE_RANKING and not mentions.ranking and mentions.which_offices:
        return Question.OFFICES_WORKING_ON  # "d'accord, alors lesquels en font ?": the last term
    if question in (Question.OFFICE_LIST, Question.FIELD_OFFICE_COUNT) and mentions.asked == ("staff",):
        return Question.TOTAL_STAFF  # "list all field offices + staff"
    if question == Question.OFFICES_WORKING_ON and mentions.ranking:  # "the largest team among ..."
        return Question.OFFICE_RANKING
    if question == Question.OFFICES_OPENED_IN and mentions.office and (mentions.month or mentions.asked):
        return Question.OFFICE_OPENING  # "in which month of 2013 did Sikasso open?"
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
    if mentions.office and mentions.term:
        return Question.OFFICE_WORKS_ON
    return followup(mentions, context)


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
    if mentions.ranking:
        return Question.OFFICE_RANKING
    return None


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


def office_buttons(offices: Sequence[Office], language: Language) -> tuple[tuple[str, str], ...]:
    """One button per office that asks for its overview."""
    return tuple((o.name(language), f'/ask_office_overview{{"office":"{o.id}"}}') for o in offices)


def _echo(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 1] + "…"


class _Answerer:
    """One answer in the making: the dataset, the language, what was said and the context."""

    def __init__(self, dataset: Dataset, language: Language, mentions: Mentions, context: Context) -> None:
        self.data = dataset
        self.lang = language
        self.said = mentions
        self.context = context
        self.vocab = vocabularies(dataset)

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

    # -- shared pieces ------------------------------------------------------------------

    def _done(
        self,
        *replies: Reply,
        office: str | None = None,
        term: str | None = None,
        listed: Sequence[Office] = (),
    ) -> Answer:
        return Answer(
            list(replies),
            replace(
                self.context,
                office=office or self.context.office,
                term=term or self.context.term,
                offices=tuple(o.id for o in listed) or self.context.offices,
            ),
        )

    def _those(self) -> list[Office]:
        """The offices of the last list, when the message says "of them", « lequel des deux »."""
        return [self.data.office(o) for o in self.context.offices] if self.said.those else []

    def _names(self, offices: Sequence[Office]) -> str:
        return join([o.name(self.lang) for o in offices], self.lang)

    def _office_params(self, office: Office) -> dict[str, str]:
        return {"office": office.name(self.lang), "kind": self.data.kind_label(office)(self.lang)}

    def _term_label(self, match: Match) -> str:
        entry = {"sector": self.data.sector, "issue": self.data.issue, "topic": self.data.topic}[match.kind](
            match.id
        )
        return entry.label(self.lang)

    def _sector_labels(self, ids: Sequence[str]) -> str:
        return join([self.data.sector(i).label(self.lang) for i in ids], self.lang)

    def _work_of(self, office: Office, ids: Sequence[str]) -> str:
        """What the office does about these issues, in the page's words where it has them."""
        return join_clauses(office.work_on(self.data.issue(i))(self.lang) for i in ids)

    def _all_sectors(self) -> str:
        return self._sector_labels([s.id for s in self.data.sectors])

    def _office_list_reply(self, response: str, **params: str) -> Reply:
        offices = self.data.offices
        return Reply(
            response,
            {
                "offices": self._names(self.data.field_offices),
                "main": self.data.main_office.name(self.lang),
                **params,
            },
            office_buttons(offices, self.lang),
        )

    def _resolve_office(self) -> tuple[Office | None, Answer | None]:
        """The office named in the message, else the one in context; or the reply to give."""
        text = self.said.office or self.said.place  # NLU may tag "Gao" as a place
        if text:
            match = self.vocab.offices.resolve(text)
            if match:
                return self.data.office(match.id), None
            if self.vocab.regions.resolve(text):  # "Tell me about Kidal": a region, not an office
                return None, _Answerer(
                    self.data, self.lang, Mentions(place=text), self.context
                ).place_office()
            return None, self._done(self._office_list_reply("utter_unknown_office", typed=_echo(text)))
        if self.context.office:
            return self.data.office(self.context.office), None
        return None, self._done(self._office_list_reply("utter_ask_office"))

    def _resolve_term(self) -> tuple[Match | None, Answer | None]:
        text = self.said.term
        if text:
            match = self.vocab.terms.resolve(text)
            if match:
                return match, None
            return None, self._done(
                Reply("utter_unknown_term", {"typed": _echo(text), "sectors": self._all_sectors()})
            )
        if self.context.term:
            kind, _, term_id = self.context.term.partition(":")
            return Match(kind, term_id), None
        return None, self._done(Reply("utter_ask_term", {"sectors": self._all_sectors()}))

    def _issues_of(self, match: Match) -> list[str]:
        return self.data.topic(match.id).issues if match.kind == "topic" else [match.id]

    # -- offices by issue or sector ------------------------------------------------------

    def offices_working_on(self) -> Answer:
        if self.said.all_terms:
            return self._offices_working_on_all()
        if len(self.said.any_terms) > 1 and not self.said.negated:
            return self._offices_working_on_any()
        match, failed = self._resolve_term()
        if failed:
            return failed
        term_key = f"{match.kind}:{match.id}"
        label = quoted(self._term_label(match), self.lang)
        if match.kind == "sector":
            offices = self.data.offices_in_sector(match.id)
            details = self._names(offices)
        else:
            found = self.data.offices_with_issues(self._issues_of(match))
            offices = [office for office, _ in found]
            details = (
                join_clauses(f"{o.name(self.lang)}: {self._work_of(o, ids)}" for o, ids in found)
                if match.kind == "topic"
                else self._names(offices)
            )
        if self.said.negated:
            return self._offices_not_working_on(offices, label, term_key)
        if not offices:
            return self._done(Reply("utter_no_office_works_on", {"term": label}), term=term_key)
        return self._done(
            Reply(
                "utter_one_office_works_on" if len(offices) == 1 else "utter_offices_working_on",
                {"term": label, "offices": details, "count": number(len(offices), self.lang)},
                office_buttons(offices, self.lang),
            ),
            office=offices[0].id if len(offices) == 1 else None,
            term=term_key,
            listed=offices,
        )

    def _every_term(self) -> list[Match]:
        return [Match(*key.split(":", 1)) for key in self.said.all_terms]

    def _offices_working_on_all(self) -> Answer:
        """ "Which offices work on both child protection and C4D?": the intersection."""
        terms = self._every_term()
        offices = [o for o in self.data.offices if all(self._works_on(o, t) for t in terms)]
        labels = join([quoted(self._term_label(t), self.lang) for t in terms], self.lang)
        if not offices:
            return self._done(Reply("utter_no_office_works_on", {"term": labels}))
        return self._done(
            Reply(
                "utter_offices_working_on_all",
                {"terms": labels, "offices": self._names(offices), "count": number(len(offices), self.lang)},
                office_buttons(offices, self.lang),
            ),
            listed=offices,
        )

    def _offices_working_on_any(self) -> Answer:
        """ "Children on the move, displaced or nomadic": every office whose work matches one
        of the terms, each with the part of its work that does."""
        terms = [Match(*key.split(":", 1)) for key in self.said.any_terms]
        found = []
        for office in self.data.offices:
            issues = [i for t in terms if t.kind != "sector" for i in self._issues_of(t)]
            issues = [i for i in dict.fromkeys(issues) if i in office.issues]
            sectors = [t.id for t in terms if t.kind == "sector" and t.id in office.sectors]
            if issues or sectors:
                parts = [self._sector_labels(sectors)] if sectors else []
                parts += [self._work_of(office, issues)] if issues else []
                found.append((office, "; ".join(parts)))
        labels = join([quoted(self._term_label(t), self.lang) for t in terms], self.lang)
        if not found:
            return self._done(Reply("utter_no_office_works_on", {"term": labels}))
        offices = [office for office, _ in found]
        return self._done(
            Reply(
                "utter_offices_working_on_any",
                {
                    "terms": labels,
                    "count": number(len(found), self.lang),
                    "offices": join_clauses(f"{o.name(self.lang)}: {work}" for o, work in found),
                },
                office_buttons(offices, self.lang),
            ),
            listed=offices,
        )

    def _offices_not_working_on(self, working: Sequence[Office], label: str, term_key: str) -> Answer:
        """The field offices whose listed work does not include the term (the complement)."""
        others = [o for o in self.data.field_offices if o not in working]
        if not others:
            reply = Reply("utter_every_office_works_on", {"term": label, "offices": self._names(working)})
        else:
            reply = Reply(
                "utter_offices_not_working_on",
                {"term": label, "offices": self._names(others), "count": number(len(others), self.lang)},
                office_buttons(others, self.lang),
            )
        return self._done(reply, term=term_key, listed=others)

    def office_works_on(self) -> Answer:
        office, failed = self._resolve_office()
        if failed:
            return failed
        match, failed = self._resolve_term()
        if failed:
            return replace(failed, context=replace(failed.context, office=office.id))
        term_key = f"{match.kind}:{match.id}"
        params = {**self._office_params(office), "term": quoted(self._term_label(match), self.lang)}
        if match.kind == "sector":
            known, does = office.sectors, match.id in office.sectors
            what = self._sector_labels(office.sectors)
        else:
            known = office.issues
            matched = [i for i in office.issues if i in self._issues_of(match)]
            does = bool(matched)
            what = self._work_of(office, office.issues)
            if matched and (match.kind == "topic" or any(i in office.how for i in matched)):
                params["term"] += f" ({self._work_of(office, matched)})"
        if not known:
            reply = Reply("utter_office_works_on_unknown", params)
        elif does:
            reply = Reply("utter_office_works_on_yes", params)
        else:
            reply = Reply("utter_office_works_on_no", {**params, "what": what})
        return self._done(reply, office=office.id, term=term_key)

    # -- one office ---------------------------------------------------------------------

    def about_office(self, question: Question) -> Answer:
        """One or more facts ("when did it open and how many staff?") of one or more offices."""
        asked = [ATTRIBUTE_QUESTIONS[a] for a in self.said.asked]
        questions = asked if question in asked and len(asked) > 1 else [question]
        offices = self._compared() or self._those()
        if len(offices) > 1:
            replies = [r for q in questions for r in self._of_offices(q, offices)]
            return self._done(*replies)
        office, failed = self._resolve_office()
        if failed:
            return failed
        facts = {
            Question.OFFICE_OPENING: self._opening,
            Question.OFFICE_STAFF: self._staff,
            Question.OFFICE_SECTORS: self._sectors,
            Question.OFFICE_ISSUES: self._issues,
            Question.OFFICE_REGIONS: self._regions,
            Question.OFFICE_OVERVIEW: self._overview,
        }
        return self._done(*(r for q in questions for r in facts[q](office)), office=office.id)

    def _compared(self) -> list[Office]:
        """The offices named, with the one just talked about where the message compares one
        office to it ("Is that more than Gao?", « comparé à Kayes »)."""
        named = list(self.said.offices)
        if len(named) == 1 and self.said.compares and self.context.office not in (None, named[0]):
            named.insert(0, self.context.office)
        return [self.data.office(o) for o in named] if len(named) > 1 else []

    def _of_offices(self, question: Question, offices: Sequence[Office]) -> list[Reply]:
        """A fact of several named offices: compared where there are two, summed for staff."""
        if question == Question.OFFICE_STAFF:
            return self._compare_staff(offices)
        if question == Question.OFFICE_OPENING:
            return self._compare_opening(offices)
        return [r for o in offices for r in self._office_fact(question, o)]

    def _office_fact(self, question: Question, office: Office) -> list[Reply]:
        return _Answerer(self.data, self.lang, Mentions(office=office.id), self.context).about_office(
            question
        ).replies

    def _compare_staff(self, offices: Sequence[Office]) -> list[Reply]:
        known = sorted((o for o in offices if o.staff is not None), key=lambda o: -o.staff)
        unknown = [r for o in offices if o.staff is None for r in self._staff(o)]
        total = number(sum(o.staff for o in known), self.lang)
        if len(known) == 2 and known[0].staff != known[1].staff:
            more, fewer = known
            reply = Reply(
                "utter_compare_staff",
                {
                    "more": more.name(self.lang),
                    "fewer": fewer.name(self.lang),
                    "more_staff": number(more.staff, self.lang),
                    "fewer_staff": number(fewer.staff, self.lang),
                    "difference": number(more.staff - fewer.staff, self.lang),
                    "total": total,
                },
            )
        elif len(known) > 1 and len({o.staff for o in known}) == 1:
            staff = number(known[0].staff, self.lang)
            reply = Reply("utter_same_staff", {"offices": self._names(known), "staff": staff})
        elif known:
            breakdown = self._listing(known, by_date=False)
            reply = Reply("utter_staff_of_offices", {"breakdown": breakdown, "total": total})
        else:
            return unknown
        return [reply, *unknown]

    def _compare_opening(self, offices: Sequence[Office]) -> list[Reply]:
        dated = sorted((o for o in offices if o.opened), key=_opened)
        unknown = [r for o in offices if o.opened is None for r in self._opening(o)]
        if len(dated) == 2 and dated[0].opened.year != dated[1].opened.year:
            older, newer = dated
            reply = Reply(
                "utter_compare_opening",
                {
                    "older": older.name(self.lang),
                    "newer": newer.name(self.lang),
                    "older_date": opening_date(older.opened, self.lang),
                    "newer_date": opening_date(newer.opened, self.lang),
                    "years": number(newer.opened.year - older.opened.year, self.lang),
                },
            )
        elif len(dated) > 1 and len({o.opened.year for o in dated}) == 1:
            year = str(dated[0].opened.year)
            reply = Reply("utter_same_opening", {"offices": self._names(dated), "year": year})
        elif dated:
            reply = Reply("utter_openings_of_offices", {"openings": self._openings_of(dated)})
        else:
            return unknown
        return [reply, *unknown]

    def _opening(self, office: Office) -> list[Reply]:
        params = self._office_params(office)
        if office.opened is None:
            return [Reply("utter_office_opening_unknown", {**params, **self._country()})]
        if self.said.month and office.opened.month is None:
            return [Reply("utter_office_opening_month_unknown", {**params, "date": str(office.opened.year)})]
        return [Reply("utter_office_opening", {**params, "date": opening_date(office.opened, self.lang)})]

    def _staff(self, office: Office) -> list[Reply]:
        params = self._office_params(office)
        if office.staff is None:
            return [Reply("utter_office_staff_unknown", {**params, "known": self._staff_breakdown()})]
        return [Reply("utter_office_staff", {**params, "staff": number(office.staff, self.lang)})]

    def _sectors(self, office: Office) -> list[Reply]:
        params = self._office_params(office)
        if not office.sectors:
            return [Reply("utter_office_sectors_unknown", params)]
        return [Reply("utter_office_sectors", {**params, "sectors": self._sector_labels(office.sectors)})]

    def _issues(self, office: Office) -> list[Reply]:
        params = self._office_params(office)
        if not office.issues:
            return [Reply("utter_office_issues_unknown", params)]
        return [Reply("utter_office_issues", {**params, "issues": self._work_of(office, office.issues)})]

    def _regions(self, office: Office) -> list[Reply]:
        """The regions an office covers; where the page names none beyond the office's own
        city, that is said, with the offices it does say cover more (Gao: Ménaka, Kidal)."""
        params = {**self._office_params(office), "regions": self._region_names(office)}
        wider = [o for o in self.data.field_offices if len(o.regions) > 1]
        if len(office.regions) > 1 or office.kind == "main" or not wider or not self.said.other:
            return [Reply("utter_office_regions", params)]
        covered = join_clauses(f"{o.name(self.lang)}: {self._region_names(o)}" for o in wider)
        return [Reply("utter_office_regions_unknown", {**params, "wider": covered})]

    def _region_names(self, office: Office) -> str:
        return join([self.data.region(r).name(self.lang) for r in office.regions], self.lang)

    def _overview(self, office: Office) -> list[Reply]:
        params = {**self._office_params(office), "source": self.data.source(self.lang)}
        if office.kind == "main":
            return [
                Reply(
                    "utter_office_overview_main",
                    {**params, **self._country(), "offices": self._names(self.data.field_offices)},
                )
            ]
        if office.opened and office.staff is not None and office.sectors and office.issues:
            return [
                Reply(
                    "utter_office_overview",
                    {
                        **params,
                        "date": opening_date(office.opened, self.lang),
                        "staff": number(office.staff, self.lang),
                        "sectors": self._sector_labels(office.sectors),
                        "issues": self._work_of(office, office.issues),
                        "regions": join(
                            [self.data.region(r).name(self.lang) for r in office.regions], self.lang
                        ),
                    },
                )
            ]
        # A field office the page says less about: each fact on its own, unknowns said so.
        return [
            *self._opening(office),
            *self._staff(office),
            *self._sectors(office),
            *self._issues(office),
            *self._regions(office),
        ]

    # -- places -------------------------------------------------------------------------

    def place_office(self) -> Answer:
        text = self.said.place or self.said.office
        if not text:
            return self._done(Reply("utter_ask_place", {"regions": self._covered_regions()}))
        region = self.vocab.regions.resolve(text)
        if region is None:
            office = self.vocab.offices.resolve(text)
            region = Match("region", self.data.office(office.id).regions[0]) if office else None
        offices = self.data.offices_covering(region.id) if region else []
        place = self.data.region(region.id).name(self.lang) if region else _echo(text)
        field_offices = [o for o in offices if o.kind == "field"]
        if field_offices:
            return self._done(
                Reply(
                    "utter_place_office",
                    {
                        **self._office_params(field_offices[0]),
                        "place": place,
                        "office": self._names(field_offices),
                    },
                    office_buttons(field_offices, self.lang),
                ),
                office=field_offices[0].id,
            )
        if offices:  # the main office's own city
            return self._done(
                Reply(
                    "utter_place_main_office",
                    {
                        **self._office_params(offices[0]),
                        "place": place,
                        "offices": self._names(self.data.field_offices),
                    },
                ),
                office=offices[0].id,
            )
        return self._done(
            Reply(
                "utter_place_no_office",
                {
                    "place": place,
                    "offices": self._names(self.data.field_offices),
                    "regions": self._covered_regions(),
                    "main": self.data.main_office.name(self.lang),
                },
                office_buttons(self.data.field_offices, self.lang),
            )
        )

    def _covered_regions(self) -> str:
        ids = [r for o in self.data.field_offices for r in o.regions]
        return join([self.data.region(r).name(self.lang) for r in ids], self.lang)

    # -- the country and all offices ----------------------------------------------------

    def _country(self) -> dict[str, str]:
        return {"country": self.data.country.name(self.lang), "since": str(self.data.country.since)}

    def unicef_since(self) -> Answer:
        return self._done(
            Reply(
                "utter_unicef_since",
                {
                    **self._country(),
                    "main": self.data.main_office.name(self.lang),
                    "count": number(len(self.data.field_offices), self.lang),
                },
            )
        )

    def main_office(self) -> Answer:
        main = self.data.main_office
        response = (
            "utter_main_office_capital" if self.data.country.capital in main.regions else "utter_main_office"
        )
        return self._done(
            Reply(
                response,
                {
                    **self._office_params(main),
                    **self._country(),
                    "count": number(len(self.data.field_offices), self.lang),
                    "offices": self._names(self.data.field_offices),
                },
            ),
            office=main.id,
        )

    def field_office_count(self) -> Answer:
        return self._done(
            self._office_list_reply(
                "utter_field_office_count",
                **self._country(),
                count=number(len(self.data.field_offices), self.lang),
            )
        )

    def office_list(self) -> Answer:
        return self._done(
            self._office_list_reply(
                "utter_office_list",
                **self._country(),
                count=number(len(self.data.field_offices), self.lang),
                source=self.data.source(self.lang),
            )
        )

    def _staff_breakdown(self) -> str:
        known = sorted((o for o in self.data.offices if o.staff is not None), key=lambda o: -o.staff)
        return self._listing(known, by_date=False)

    def total_staff(self) -> Answer:
        those = self._those() or self._filtered()
        if those:  # "how many staff in those offices / in the offices opened in 2013 altogether?"
            listing = self.offices_working_on().replies if self.said.term else []
            return self._done(*listing, *self._compare_staff(those), listed=those)
        field_offices = self.data.field_offices
        known = [o for o in field_offices if o.staff is not None]
        replies = [
            Reply(
                "utter_total_staff",
                {
                    "count": number(len(known), self.lang),
                    "total": number(sum(o.staff for o in known), self.lang),
                    "breakdown": self._staff_breakdown(),
                },
            )
        ]
        unknown = [o for o in field_offices if o.staff is None]
        if unknown:
            replies.append(Reply("utter_staff_unknown_for", {"offices": self._names(unknown)}))
        return self._done(*replies)

    def office_ranking(self) -> Answer:
        """The first (or second) office by age or staff: of all field offices, of those that
        work on a term, or between the offices named ("which is older, Gao or Mopti?")."""
        if self.said.staff_limit:
            return self._offices_by_staff_limit(*self.said.staff_limit)
        match = self.vocab.rankings.resolve(self.said.ranking)
        if match is None and (self.said.order or self.said.second) and self.said.asked:  # "by staff"
            match = Match("ranking", "oldest" if self.said.asked[0] == "opening" else "most_staff")
        compared = self._compared()
        if match is None and compared:  # "Is that more or less than Gao?": the fact just asked
            by_date = self.context.question == Question.OFFICE_OPENING or "opening" in self.said.asked
            return self._done(*(self._compare_opening if by_date else self._compare_staff)(compared))
        if match is None:
            return self._done(Reply("utter_ask_ranking"))
        ranking = match.id
        by_date = ranking in ("oldest", "newest")
        if compared:
            compare = self._compare_opening if by_date else self._compare_staff
            return self._done(*compare(compared))
        term, term_key = None, None
        candidates = self._those() or self.data.field_offices
        year = YEAR.search(self.said.year or "")
        if year:  # "of the offices opened in 2013"
            candidates = [o for o in candidates if o.opened and o.opened.year == int(year.group(1))]
        if self.said.all_terms:  # "among the offices doing both child protection and C4D"
            candidates = [o for o in candidates if all(self._works_on(o, t) for t in self._every_term())]
        elif self.said.term:
            found, failed = self._resolve_term()
            if failed:
                return failed
            term, term_key = found, f"{found.kind}:{found.id}"
            candidates = [o for o in candidates if self._works_on(o, found)]
        key: Callable[[Office], tuple] = _opened if by_date else (lambda o: (o.staff,))
        known = [o for o in candidates if (o.opened if by_date else o.staff is not None)]
        values = sorted({key(o) for o in known}, reverse=ranking not in ("oldest", "fewest_staff"))
        if not values:
            return self._done(Reply("utter_no_office_works_on", {"term": self._quoted_term(term)}))
        label = self.data.ranking(ranking).label(self.lang)
        if self.said.order:
            ordered = sorted(known, key=key, reverse=ranking not in ("oldest", "fewest_staff"))
            in_order = self._listing(ordered, by_date)
            return self._done(Reply("utter_offices_in_order", {"ranking": label, "ordered": in_order}))
        place = 1 if self.said.second and len(values) > 1 else 0
        winners = [o for o in known if key(o) == values[place]]
        params = {"offices": self._names(winners), "ranking": label}
        value = "date" if by_date else "staff"
        params[value] = self._value(winners[0], by_date)
        if place:
            first = [o for o in known if key(o) == values[0]]
            response = f"utter_ranking_second_{value}"
            params.update({"first": self._names(first), f"first_{value}": self._value(first[0], by_date)})
        elif term:
            response = f"utter_ranking_among_{value}"
            params["term"] = self._quoted_term(term)
        elif candidates != self.data.field_offices:
            response = f"utter_ranking_of_{value}"
            params["candidates"] = self._names(candidates)
        else:
            response = f"utter_{ranking}_office"
        return self._done(
            Reply(response, params, office_buttons(winners, self.lang)),
            office=winners[0].id if len(winners) == 1 else None,
            term=term_key,
        )

    def _filtered(self) -> list[Office]:
        """The field offices a year ("opened in 2013") or a term named in the message selects."""
        year = YEAR.search(self.said.year or "")
        match = self.vocab.terms.resolve(self.said.term) if self.said.term else None
        if not year and not match:
            return []
        return [
            o
            for o in self.data.field_offices
            if (not year or (o.opened and o.opened.year == int(year.group(1))))
            and (not match or self._works_on(o, match))
        ]

    def _offices_by_staff_limit(self, limit: str, value: int) -> Answer:
        """ "Which offices have more than 12 staff?": each with its staff, and how many."""
        keep = {"over": lambda n: n > value, "at_least": lambda n: n >= value, "under": lambda n: n < value}
        offices = [o for o in self.data.field_offices if o.staff is not None and keep[limit](o.staff)]
        offices.sort(key=lambda o: -o.staff)
        listed = self._listing(offices, by_date=False)
        return self._done(
            Reply(
                f"utter_offices_staff_{limit}",
                {
                    "value": number(value, self.lang),
                    "count": number(len(offices), self.lang),
                    "offices": listed or "—",
                },
                office_buttons(offices, self.lang),
            ),
            listed=offices,
        )

    def _listing(self, offices: Sequence[Office], by_date: bool) -> str:
        """ "Mopti 20, Sikasso 16 and Gao 14" or "Mopti 2008 and Gao 2013": each office with its value."""
        return join([f"{o.name(self.lang)} {self._value(o, by_date)}" for o in offices], self.lang)

    def _value(self, office: Office, by_date: bool) -> str:
        return opening_date(office.opened, self.lang) if by_date else number(office.staff, self.lang)

    def _quoted_term(self, match: Match | None) -> str:
        return quoted(self._term_label(match), self.lang) if match else ""

    def _works_on(self, office: Office, match: Match) -> bool:
        if match.kind == "sector":
            return match.id in office.sectors
        return any(i in office.issues for i in self._issues_of(match))

    def offices_opened_in(self) -> Answer:
        found = YEAR.search(self.said.year or "")
        if not found:
            return self._done(Reply("utter_ask_year", {"openings": self._openings()}))
        year = int(found.group(1))
        offices = self.data.offices_opened_in(year)
        if self.said.negated:
            others = [o for o in self.data.field_offices if o not in offices]
            return self._done(
                Reply(
                    "utter_offices_not_opened_in",
                    {"year": str(year), "openings": self._openings_of(others) if others else "—"},
                    office_buttons(others, self.lang),
                ),
                listed=others,
            )
        if not offices:
            return self._done(
                Reply("utter_no_office_opened_in", {"year": str(year), "openings": self._openings()})
            )
        return self._done(
            Reply(
                "utter_offices_opened_in",
                {
                    "year": str(year),
                    "offices": self._names(offices),
                    "count": number(len(offices), self.lang),
                },
                office_buttons(offices, self.lang),
            ),
            office=offices[0].id if len(offices) == 1 else None,
            listed=offices,
        )

    def _openings(self) -> str:
        return self._openings_of([o for o in self.data.offices if o.opened])

    def _openings_of(self, offices: Sequence[Office]) -> str:
        dated = sorted((o for o in offices if o.opened), key=_opened)
        return self._listing(dated, by_date=True)

    # -- the page's country paragraph, and what the page does not say -------------------

    def unicef_partner(self) -> Answer:
        country = self.data.country
        return self._done(
            Reply(
                "utter_unicef_partner",
                {
                    "partner": country.partner(self.lang),
                    "aim": country.aim(self.lang),
                    "main": self.data.main_office.name(self.lang),
                    "count": number(len(self.data.field_offices), self.lang),
                    "offices": self._names(self.data.field_offices),
                },
            )
        )

    def unlisted_fact(self) -> Answer:
        """Who runs an office, its address, its budget...: said to be unknown, with what is known."""
        text = self.said.office or self.said.place
        office = self.vocab.offices.resolve(text) if text else None
        office_id = office.id if office else (None if text else self.context.office)
        if office_id is None:
            source = self.data.source(self.lang)
            return self._done(self._office_list_reply("utter_not_on_page", **self._country(), source=source))
        found = self.data.office(office_id)
        unknown = Reply("utter_not_on_page_office", self._office_params(found))
        return self._done(unknown, *self._overview(found), office=office_id)


def _opened(office: Office) -> tuple[int, int]:
    return (office.opened.year, office.opened.month or 0)
