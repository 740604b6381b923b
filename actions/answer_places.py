"""Which office a message means, and which office covers a place it names."""

from __future__ import annotations

from actions.answer_base import Answering, echo, office_buttons
from actions.dataset import Office
from actions.mentions import Mentions
from actions.questions import Answer, Reply
from actions.terms import Match


class PlaceAnswers(Answering):
    """The office named or in context, and the office of a region or city."""

    def _resolve_office(self) -> tuple[Office | None, Answer | None]:
        """The office named in the message, else the one in context; or the reply to give."""
        text = self.said.office or self.said.place  # NLU may tag "Gao" as a place
        if text:
            match = self.vocab.offices.resolve(text)
            if match:
                return self.data.office(match.id), None
            if self.vocab.regions.resolve(text):  # "Tell me about Kidal": a region, not an office
                return None, type(self)(
                    self.data, self.lang, Mentions(place=text), self.context
                ).place_office()
            return None, self._done(self._office_list_reply("utter_unknown_office", typed=echo(text)))
        if self.said.first_mentioned and len(self.context.offices) > 1:  # "the first one we talked about"
            return self.data.office(self.context.offices[0]), None
        if self.context.office:
            return self.data.office(self.context.office), None
        return None, self._done(self._office_list_reply("utter_ask_office"))

    def place_office(self) -> Answer:
        text = self.said.place or self.said.office
        if not text:
            return self._done(Reply("utter_ask_place", {"regions": self._covered_regions()}))
        region = self.vocab.regions.resolve(text)
        if region is None:
            office = self.vocab.offices.resolve(text)
            region = Match("region", self.data.office(office.id).regions[0]) if office else None
        offices = self.data.offices_covering(region.id) if region else []
        place = self.data.region(region.id).name(self.lang) if region else echo(text)
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
