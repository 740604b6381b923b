"""The country paragraph and all offices: since when, the main office, how many, the partner,
and what the page does not say (with what it does say).
"""

from __future__ import annotations

from actions.answer_offices import OfficeAnswers
from actions.questions import Answer, Reply
from actions.wording import number


class CountryAnswers(OfficeAnswers):
    """Answers about UNICEF in the country and the offices as a whole."""

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
