"""What every answer is made of: the dataset, the language, what was said and the context.

`Answering` holds the pieces the answers by operation share (names and labels in the reply's
language, the new context, an office's values listed); each operation's answers extend it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from actions.dataset import Dataset, Language, Office
from actions.mentions import Mentions
from actions.questions import Answer, Context, Reply
from actions.terms import Match, vocabularies
from actions.wording import join, join_clauses, number, opening_date, quoted

ECHO_LIMIT = 60  # characters of a user's unknown word repeated back to them


def office_buttons(offices: Sequence[Office], language: Language) -> tuple[tuple[str, str], ...]:
    """One button per office that asks for its overview."""
    return tuple((o.name(language), f'/ask_office_overview{{"office":"{o.id}"}}') for o in offices)


def echo(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 1] + "…"


def opening_order(office: Office) -> tuple[int, int]:
    return (office.opened.year, office.opened.month or 0)


class Answering:
    """One answer in the making."""

    def __init__(self, dataset: Dataset, language: Language, mentions: Mentions, context: Context) -> None:
        self.data = dataset
        self.lang = language
        self.said = mentions
        self.context = context
        self.vocab = vocabularies(dataset)

    def _done(
        self,
        *replies: Reply,
        office: str | None = None,
        term: str | None = None,
        listed: Sequence[Office] = (),
        ranking: str | None = None,
    ) -> Answer:
        previous = self.context.office
        # One office after another ("Mopti?" then "And Gao?") are the two "the two" and "in
        # total" speak of next, as the offices of a list are.
        one_after_another = (previous, office) if office and previous not in (None, office) else ()
        return Answer(
            list(replies),
            replace(
                self.context,
                office=office or previous,
                term=term or self.context.term,
                offices=tuple(o.id for o in listed) or one_after_another or self.context.offices,
                ranking=ranking or self.context.ranking,
            ),
        )

    def _those(self) -> list[Office]:
        """The offices of the last list, or the two just asked about one after the other, when
        the message says "of them", « lequel des deux », "so in total?"."""
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

    def _resolve_term(self) -> tuple[Match | None, Answer | None]:
        text = self.said.term
        if text:
            match = self.vocab.terms.resolve(text)
            if match:
                return match, None
            return None, self._done(
                Reply("utter_unknown_term", {"typed": echo(text), "sectors": self._all_sectors()})
            )
        if self.context.term:
            kind, _, term_id = self.context.term.partition(":")
            return Match(kind, term_id), None
        return None, self._done(Reply("utter_ask_term", {"sectors": self._all_sectors()}))

    def _issues_of(self, match: Match, office: Office | None = None) -> list[str]:
        """The issues a term stands for; of one office's work, for a topic only some offices do
        ("community-led": Kayes and Sikasso)."""
        if match.kind != "topic":
            return [match.id]
        topic = self.data.topic(match.id)
        return [] if office and topic.offices and office.id not in topic.offices else topic.issues

    def _every_term(self) -> list[Match]:
        return [Match(*key.split(":", 1)) for key in self.said.all_terms]

    def _works_on(self, office: Office, match: Match) -> bool:
        if match.kind == "sector":
            return match.id in office.sectors
        return any(i in office.issues for i in self._issues_of(match, office))

    def _quoted_term(self, match: Match | None) -> str:
        return quoted(self._term_label(match), self.lang) if match else ""

    def _listing(self, offices: Sequence[Office], by_date: bool) -> str:
        """ "Mopti 20, Sikasso 16 and Gao 14" or "Mopti 2008 and Gao 2013": each office with its value."""
        return join([f"{o.name(self.lang)} {self._value(o, by_date)}" for o in offices], self.lang)

    def _value(self, office: Office, by_date: bool) -> str:
        return opening_date(office.opened, self.lang) if by_date else number(office.staff, self.lang)

    def _openings(self) -> str:
        return self._openings_of([o for o in self.data.offices if o.opened])

    def _openings_of(self, offices: Sequence[Office]) -> str:
        dated = sorted((o for o in offices if o.opened), key=opening_order)
        return self._listing(dated, by_date=True)

    def _staff_breakdown(self) -> str:
        known = sorted((o for o in self.data.offices if o.staff is not None), key=lambda o: -o.staff)
        return self._listing(known, by_date=False)

    def _country(self) -> dict[str, str]:
        return {"country": self.data.country.name(self.lang), "since": str(self.data.country.since)}

    def _region_names(self, office: Office) -> str:
        return join([self.data.region(r).name(self.lang) for r in office.regions], self.lang)

    def _covered_regions(self) -> str:
        ids = [r for o in self.data.field_offices for r in o.regions]
        return join([self.data.region(r).name(self.lang) for r in ids], self.lang)
