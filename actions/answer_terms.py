"""Offices by issue or sector: which work on it (all, any, or not), and whether one does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from actions.answer_base import office_buttons
from actions.answer_places import PlaceAnswers
from actions.dataset import Office
from actions.questions import Answer, Reply
from actions.terms import Match
from actions.wording import join, join_clauses, number, quoted


class TermAnswers(PlaceAnswers):
    """Lists and yes/no answers over the offices' sectors and issues."""

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
            found = [
                (office, ids)
                for office, ids in self.data.offices_with_issues(self._issues_of(match))
                if self._issues_of(match, office)
            ]
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
            issues = [i for t in terms if t.kind != "sector" for i in self._issues_of(t, office)]
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
            matched = [i for i in office.issues if i in self._issues_of(match, office)]
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
        done = self._done(reply, office=office.id, term=term_key)
        if does or not (self.said.if_not or self.said.which_offices):
            return done
        # "If not, which offices do?": the offices that do, after the no
        asked = replace(self.said, negated=False)  # "if it doesn't" is no complement
        others = type(self)(self.data, self.lang, asked, done.context).offices_working_on()
        return replace(others, replies=[reply, *others.replies])
