"""The office dataset: schema, validation and look-ups.

This module is the only home of facts. It reads `offices.yml` (or the file named by the
`OFFICES_DATASET` environment variable) once, validates it with pydantic, and refuses to
return anything from a file that does not validate: a broken dataset must stop the action
server with an error naming the file, the office and the field, never answer from half of it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cache, cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, conint, root_validator, validator

from actions.text import normalise
from project import Language

DEFAULT_PATH = Path(__file__).with_name("offices.yml")
PATH_VARIABLE = "OFFICES_DATASET"


class DatasetError(Exception):
    """The dataset file is missing or does not validate; the message says where."""


class _Strict(BaseModel):
    class Config:
        extra = "forbid"
        allow_mutation = False
        keep_untouched = (cached_property,)


class Text(_Strict):
    """The same words in each language the assistant speaks."""

    en: str = Field(..., min_length=1)
    fr: str = Field(..., min_length=1)

    def __call__(self, language: Language) -> str:
        return getattr(self, language)


class Aliases(_Strict):
    """What people type for a term, per language (both are matched whatever the language)."""

    en: list[str] = Field(..., min_items=1)
    fr: list[str] = Field(..., min_items=1)

    def all(self) -> list[str]:
        return [*self.en, *self.fr]


class Term(_Strict):
    """A programme sector, an issue or a topic: something an office works on."""

    id: str
    label: Text
    aliases: Aliases

    def names(self) -> list[str]:
        """Everything that refers to it: id, aliases and labels in both languages."""
        return [self.id, *self.aliases.all(), self.label.en, self.label.fr]


class Sector(Term):
    pass


class Issue(Term):
    pass


class Topic(Term):
    """A broad word ("malnutrition") that covers several issues."""

    issues: list[str] = Field(..., min_items=2)
    # Where given, only these offices' work on the issues is of this kind: Kayes's work on child
    # marriage is community-led, Mopti's is not.
    offices: list[str] = []


class Ranking(Term):
    """A superlative about offices; the answers know these four."""

    id: Literal["oldest", "newest", "most_staff", "fewest_staff"]


class Region(_Strict):
    id: str
    name: Text
    aliases: list[str] = Field(..., min_items=1)

    def names(self) -> list[str]:
        """Everything that refers to it: id, aliases and names in both languages."""
        return [self.id, *self.aliases, self.name.en, self.name.fr]


class Opening(_Strict):
    year: conint(ge=1946, le=2100)  # type: ignore[valid-type]
    month: conint(ge=1, le=12) | None = None  # type: ignore[valid-type]


class Office(_Strict):
    """One UNICEF office; a field left out is a fact the page does not give."""

    id: str
    kind: Literal["main", "field"]
    name: Text
    aliases: list[str] = Field(..., min_items=1)
    opened: Opening | None = None
    staff: conint(ge=0) | None = None  # type: ignore[valid-type]
    sectors: list[str] = []
    issues: list[str] = []
    how: dict[str, Text] = {}  # the page's own words for some of its issues, by issue id
    regions: list[str] = Field(..., min_items=1)

    @validator("how")
    def _how_is_about_its_issues(cls, how: dict[str, Text], values: dict) -> dict[str, Text]:
        unknown = set(how) - set(values.get("issues", []))
        if unknown:
            raise ValueError(f"not among the office's issues: {', '.join(sorted(unknown))}")
        return how

    def names(self) -> list[str]:
        """Everything that refers to it: id, aliases and names in both languages."""
        return [self.id, *self.aliases, self.name.en, self.name.fr]

    def work_on(self, issue: Issue) -> Text:
        """What the office does about an issue: the page's words where it has them, else its label."""
        return self.how.get(issue.id, issue.label)


class Country(_Strict):
    name: Text
    since: conint(ge=1946, le=2100)  # type: ignore[valid-type]
    capital: str
    partner: Text  # who UNICEF works with, and at which level
    aim: Text  # what the field offices are for


class OfficeKinds(_Strict):
    main: Text
    field: Text


class Dataset(_Strict):
    source: Text
    country: Country
    office_kinds: OfficeKinds
    sectors: list[Sector] = Field(..., min_items=1)
    issues: list[Issue] = Field(..., min_items=1)
    topics: list[Topic] = []
    rankings: list[Ranking] = Field(..., min_items=4, max_items=4)
    regions: list[Region] = Field(..., min_items=1)
    offices: list[Office] = Field(..., min_items=1)

    @validator("sectors", "issues", "topics", "rankings", "regions", "offices")
    def _unique_ids(cls, items: list) -> list:
        seen = set()
        for item in items:
            if item.id in seen:
                raise ValueError(f"id '{item.id}' is used twice")
            seen.add(item.id)
        return items

    @root_validator(skip_on_failure=True)
    def _references_exist(cls, values: dict) -> dict:
        known = {
            "sectors": {s.id for s in values["sectors"]},
            "issues": {i.id for i in values["issues"]},
            "regions": {r.id for r in values["regions"]},
        }
        for office in values["offices"]:
            for field, ids in known.items():
                for ref in getattr(office, field):
                    if ref not in ids:
                        raise ValueError(f"office '{office.id}', field '{field}': unknown id '{ref}'")
        offices = {o.id for o in values["offices"]}
        for topic in values["topics"]:
            for field, ids in (("issues", known["issues"]), ("offices", offices)):
                for ref in getattr(topic, field):
                    if ref not in ids:
                        raise ValueError(f"topic '{topic.id}', field '{field}': unknown id '{ref}'")
        if [o.kind for o in values["offices"]].count("main") != 1:
            raise ValueError("offices: exactly one office must be of kind 'main'")
        _check_aliases_are_unambiguous(values)
        if values["country"].capital not in known["regions"]:
            raise ValueError(f"country, field 'capital': unknown region '{values['country'].capital}'")
        return values

    def __hash__(self) -> int:  # immutable: look-up tables built from it can be cached
        return id(self)

    # -- look-ups ---------------------------------------------------------------------

    @cached_property
    def _by_id(self) -> dict[str, dict[str, object]]:
        return {
            kind: {item.id: item for item in getattr(self, kind)}
            for kind in ("sectors", "issues", "topics", "rankings", "regions", "offices")
        }

    def has(self, kind: str, item_id: object) -> bool:
        """Whether `item_id` is one of the `kind` ("offices", "issues", ...) of this dataset."""
        return isinstance(item_id, str) and item_id in self._by_id.get(kind, {})

    def office(self, office_id: str) -> Office:
        return self._by_id["offices"][office_id]  # type: ignore[return-value]

    def sector(self, sector_id: str) -> Sector:
        return self._by_id["sectors"][sector_id]  # type: ignore[return-value]

    def issue(self, issue_id: str) -> Issue:
        return self._by_id["issues"][issue_id]  # type: ignore[return-value]

    def topic(self, topic_id: str) -> Topic:
        return self._by_id["topics"][topic_id]  # type: ignore[return-value]

    def ranking(self, ranking_id: str) -> Ranking:
        return self._by_id["rankings"][ranking_id]  # type: ignore[return-value]

    def region(self, region_id: str) -> Region:
        return self._by_id["regions"][region_id]  # type: ignore[return-value]

    @property
    def main_office(self) -> Office:
        return next(o for o in self.offices if o.kind == "main")

    @property
    def field_offices(self) -> list[Office]:
        return [o for o in self.offices if o.kind == "field"]

    def offices_with_issues(self, issue_ids: Iterable[str]) -> list[tuple[Office, list[str]]]:
        """Offices that work on any of the issues, each with the ones it works on."""
        wanted = list(issue_ids)
        found = []
        for office in self.offices:
            matched = [i for i in office.issues if i in wanted]
            if matched:
                found.append((office, matched))
        return found

    def offices_in_sector(self, sector_id: str) -> list[Office]:
        return [o for o in self.offices if sector_id in o.sectors]

    def offices_covering(self, region_id: str) -> list[Office]:
        return [o for o in self.offices if region_id in o.regions]

    def kind_label(self, office: Office) -> Text:
        return getattr(self.office_kinds, office.kind)

    def offices_opened_in(self, year: int) -> list[Office]:
        return [o for o in self.offices if o.opened and o.opened.year == year]


def _check_aliases_are_unambiguous(values: dict) -> None:
    """One alias, one meaning: "FGM" cannot mean two issues, nor "Gao" two offices."""
    families = {
        "offices": [(o.id, o.names()) for o in values["offices"]],
        "regions": [(r.id, r.names()) for r in values["regions"]],
        "sectors, issues and topics": [
            (f"{kind.rstrip('s')} '{t.id}'", t.names())
            for kind in ("sectors", "issues", "topics")
            for t in values[kind]
        ],
        "rankings": [(r.id, r.names()) for r in values["rankings"]],
    }
    for family, entries in families.items():
        owner: dict[str, str] = {}
        for entry_id, aliases in entries:
            for alias in aliases:
                key = normalise(alias)
                if owner.setdefault(key, entry_id) != entry_id:
                    raise ValueError(f"{family}: alias '{alias}' belongs to both {owner[key]} and {entry_id}")


def _where(raw: dict, loc: tuple) -> str:
    """Turn a pydantic error location into "office 'gao', field 'staff'"."""
    if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(raw.get(loc[0]), list):
        items = raw[loc[0]]
        item = items[loc[1]] if loc[1] < len(items) else None
        name = item.get("id", f"#{loc[1] + 1}") if isinstance(item, dict) else f"#{loc[1] + 1}"
        kind = {"offices": "office", "sectors": "sector", "issues": "issue"}.get(loc[0], loc[0].rstrip("s"))
        field = ".".join(str(part) for part in loc[2:]) or "(whole entry)"
        return f"{kind} '{name}', field '{field}'"
    return "field '" + ".".join(str(part) for part in loc) + "'"


def load_dataset(path: Path) -> Dataset:
    """Read and validate one dataset file; raise DatasetError naming what is wrong."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DatasetError(f"{path}: cannot read the office dataset: {error}") from error
    if not isinstance(raw, dict):
        raise DatasetError(f"{path}: the office dataset must be a mapping")
    try:
        return Dataset.parse_obj(raw)
    except ValidationError as error:
        problems = [
            f"{path}: {_where(raw, e['loc'])}: {e['msg']}"
            if e["loc"] != ("__root__",)
            else f"{path}: {e['msg']}"
            for e in error.errors()
        ]
        raise DatasetError("invalid office dataset\n" + "\n".join(problems)) from error


def dataset_path() -> Path:
    return Path(os.environ.get(PATH_VARIABLE) or DEFAULT_PATH)


@cache
def get_dataset() -> Dataset:
    """The dataset, loaded once per process on first use (the action server loads it at start)."""
    return load_dataset(dataset_path())
