"""The facts of one office, or of several named together (compared where there are two)."""

from __future__ import annotations

from collections.abc import Sequence

from actions.answer_base import opening_order
from actions.answer_places import PlaceAnswers
from actions.dataset import Office
from actions.mentions import Mentions
from actions.questions import ATTRIBUTE_QUESTIONS, Answer, Question, Reply
from actions.wording import join, join_clauses, number, opening_date


class OfficeAnswers(PlaceAnswers):
    """Opening, staff, sectors, issues, regions and overview of the offices asked about."""

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
        return (
            type(self)(self.data, self.lang, Mentions(office=office.id), self.context)
            .about_office(question)
            .replies
        )

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
        dated = sorted((o for o in offices if o.opened), key=opening_order)
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
        if self.said.day and office.opened.month is not None:  # "which day in January?"
            date = opening_date(office.opened, self.lang)
            return [Reply("utter_office_opening_day_unknown", {**params, "date": date})]
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
