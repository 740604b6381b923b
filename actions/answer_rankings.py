"""Offices ordered or selected by a value: rankings, staff limits, totals, openings in a year."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from actions.answer_base import office_buttons, opening_order
from actions.answer_offices import OfficeAnswers
from actions.answer_terms import TermAnswers
from actions.dataset import Office
from actions.mentions import YEAR
from actions.questions import ATTRIBUTE_QUESTIONS, Answer, Question, Reply
from actions.terms import Match
from actions.wording import number

OPPOSITE = {
    "oldest": "newest",
    "newest": "oldest",
    "most_staff": "fewest_staff",
    "fewest_staff": "most_staff",
}


class RankingAnswers(TermAnswers, OfficeAnswers):
    """The first or second office by age or staff, within a filter; sums; an opening year."""

    def office_ranking(self) -> Answer:
        """The first (or second) office by age or staff: of all field offices, of those that
        work on a term, or between the offices named ("which is older, Gao or Mopti?")."""
        if self.said.staff_limit:
            return self._offices_by_staff_limit(*self.said.staff_limit)
        match = self.vocab.rankings.resolve(self.said.ranking)
        if match is None and self.said.reverse and self.context.ranking:  # "and the other way round?"
            last, _, ordered = self.context.ranking.partition(" ")
            flipped = replace(self.said, ranking=OPPOSITE[last], order=bool(ordered), reverse=False)
            return type(self)(self.data, self.lang, flipped, self.context).office_ranking()
        if match is None and (self.said.order or self.said.second) and self.said.asked:  # "by staff"
            match = Match("ranking", "oldest" if self.said.asked[0] == "opening" else "most_staff")
        those = self._those()
        filtered = self.said.year or self.said.term or self.said.all_terms
        compared = self._compared() or (those if len(those) == 2 and not filtered else [])  # "of the two"
        if self.said.office and not compared and self.said.asked and (match is None or self._stray(match)):
            return self.about_office(ATTRIBUTE_QUESTIONS[self.said.asked[0]])  # no ranking: a fact of it
        if match and len(self.said.rankings) > 1 and not (compared or self.said.second or self.said.order):
            return self._each_ranking()
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
        candidates = those or self.data.field_offices
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
        key: Callable[[Office], tuple] = opening_order if by_date else (lambda o: (o.staff,))
        known = [o for o in candidates if (o.opened if by_date else o.staff is not None)]
        values = sorted({key(o) for o in known}, reverse=ranking not in ("oldest", "fewest_staff"))
        if not values:
            return self._done(Reply("utter_no_office_works_on", {"term": self._quoted_term(term)}))
        label = self.data.ranking(ranking).label(self.lang)
        if self.said.order:
            ordered = sorted(known, key=key, reverse=ranking not in ("oldest", "fewest_staff"))
            in_order = self._listing(ordered, by_date)
            return self._done(
                Reply("utter_offices_in_order", {"ranking": label, "ordered": in_order}),
                ranking=f"{ranking} in order",
            )
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
        reply = Reply(response, params, office_buttons(winners, self.lang))
        named = self.said.offices[0] if len(self.said.offices) == 1 else self.context.office
        previous = self.data.office(named) if named else None
        if self.said.compares and previous and previous not in winners and len(winners) == 1:
            # "and the biggest office: how many more staff than Kayes?": the first, then both compared
            compare = self._compare_opening if by_date else self._compare_staff
            return self._done(
                reply, *compare([winners[0], previous]), office=winners[0].id, term=term_key, ranking=ranking
            )
        return self._done(
            reply, office=winners[0].id if len(winners) == 1 else None, term=term_key, ranking=ranking
        )

    def _each_ranking(self) -> Answer:
        """One answer per ranking named ("the oldest and the newest"), the context of the last."""
        results = [
            type(self)(
                self.data, self.lang, replace(self.said, ranking=r, rankings=()), self.context
            ).office_ranking()
            for r in self.said.rankings
        ]
        return Answer([r for result in results for r in result.replies], results[-1].context)

    def _stray(self, ranking: Match) -> bool:
        """Whether a ranking word ranks by another fact than the one asked of a named office:
        "earlier" in "thanks for earlier! how many staff in Gao?" ranks nothing."""
        by = "opening" if ranking.id in ("oldest", "newest") else "staff"
        return bool(self.said.asked) and by not in self.said.asked

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
