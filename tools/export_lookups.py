"""Write data/lookups.yml, the NLU synonyms and lookup tables, from the office dataset.

`python -m tools.export_lookups` (`make lookups`). The dataset is the one home of names and
aliases; this file is derived from it and a test fails when the two drift apart.
"""

from __future__ import annotations

import sys

import yaml

from actions.dataset import Dataset, get_dataset
from project import ROOT

TARGET = ROOT / "data" / "lookups.yml"
HEADER = "# Generated from actions/offices.yml by `make lookups`: do not edit by hand.\n"


def _unique(values: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        seen.setdefault(value, None)
    return list(seen)


class _Dumper(yaml.SafeDumper):
    """Writes multi-line strings as `|` blocks, the way Rasa training data is written."""


_Dumper.add_representer(
    str,
    lambda dumper, value: dumper.represent_scalar(
        "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None
    ),
)


def render(dataset: Dataset) -> str:
    """The lookups file's text for a dataset (deterministic: dataset order)."""
    synonyms: list[dict] = []
    lookups: dict[str, list[str]] = {"office": [], "issue": [], "sector": [], "place": [], "ranking": []}

    def add(entity: str, entry_id: str, names: list[str]) -> None:
        names = _unique(names)
        lookups[entity].extend(n for n in names if n not in lookups[entity])
        synonyms.append({"synonym": entry_id, "examples": names})

    for office in dataset.offices:
        add("office", office.id, [office.name.en, office.name.fr, *office.aliases])
    for sector in dataset.sectors:
        add("sector", sector.id, [*sector.aliases.en, *sector.aliases.fr])
    for term in (*dataset.issues, *dataset.topics):
        add("issue", term.id, [*term.aliases.en, *term.aliases.fr])
    for ranking in dataset.rankings:
        add("ranking", ranking.id, [*ranking.aliases.en, *ranking.aliases.fr])
    for region in dataset.regions:
        names = _unique([region.name.en, region.name.fr, *region.aliases])
        lookups["place"].extend(n for n in names if n not in lookups["place"])

    nlu: list[dict] = [
        {"lookup": entity, "examples": "".join(f"- {n}\n" for n in names)}
        for entity, names in lookups.items()
    ]
    nlu += [
        {"synonym": s["synonym"], "examples": "".join(f"- {n}\n" for n in s["examples"])} for s in synonyms
    ]
    body = yaml.dump(
        {"version": "3.1", "nlu": nlu}, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100
    )
    return HEADER + body


def main() -> None:
    TARGET.write_text(render(get_dataset()), encoding="utf-8")
    print(f"wrote {TARGET}", file=sys.stderr)


if __name__ == "__main__":
    main()
