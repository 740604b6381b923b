"""The report as files: a self-contained HTML page and a CSV of the unanswered questions.

Everything typed by users is escaped (Jinja2 autoescape) and was masked before it got here;
sender ids never reach this module, only their pseudonyms.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import jinja2

from tools.insights import charts
from tools.insights.aggregate import Activity, Insights, Unanswered

TOP = 15  # rows of each "most asked" table
EXAMPLES = 5  # distinct wordings shown per group of unanswered questions
CSV_FIELDS = ("group", "group_size", "text", "reasons", "language", "channel", "day", "user")


@dataclass(frozen=True)
class Group:
    """Near-duplicate unanswered questions, as one row of the report."""

    number: int
    messages: list[Unanswered]

    @property
    def label(self) -> str:
        return Counter(m.text for m in self.messages).most_common(1)[0][0]

    @property
    def examples(self) -> list[str]:
        return [text for text, _ in Counter(m.text for m in self.messages).most_common(EXAMPLES)]

    @property
    def users(self) -> int:
        return len({m.user for m in self.messages})

    def split(self, attribute: str) -> str:
        """e.g. "en 3, fr 1" for the languages of the group's messages."""
        counts = Counter(value for m in self.messages for value in _values(m, attribute))
        return ", ".join(f"{value} {count}" for value, count in counts.most_common())


def _values(message: Unanswered, attribute: str) -> tuple[str, ...]:
    value = getattr(message, attribute)
    return value if isinstance(value, tuple) else (value,)


def groups(unanswered: Sequence[Unanswered], clustered: Sequence[Sequence[int]]) -> list[Group]:
    return [Group(n, [unanswered[i] for i in members]) for n, members in enumerate(clustered, 1)]


def _days(since: str, until: str) -> list[str]:
    first, last = date.fromisoformat(since), date.fromisoformat(until)
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def _rows(table: dict[str, Activity]) -> list[tuple[str, int, int, int]]:
    return [(key, len(a.conversations), a.messages, len(a.users)) for key, a in sorted(table.items())]


def html(insights: Insights, unanswered_groups: Sequence[Group]) -> str:
    days = _days(insights.since, insights.until)
    languages = sorted(insights.by_language)
    daily = {lang: [insights.messages_by_day_language[day, lang] for day in days] for lang in languages}
    tables = {
        "Question kinds": insights.question_kinds,
        "Offices": insights.offices,
        "Issues": insights.issues,
        "Sectors": insights.sectors,
    }
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent),
        autoescape=True,  # user text everywhere: never trusted as markup
        undefined=jinja2.StrictUndefined,
    )
    return environment.get_template("report.html.j2").render(
        report=insights,
        total=_rows({"all": insights.total})[0],
        by_day=_rows(insights.by_day),
        by_channel=_rows(insights.by_channel),
        by_language=_rows(insights.by_language),
        daily_chart=charts.daily(days, daily) if insights.total.messages else None,
        tables={name: counts.most_common(TOP) for name, counts in tables.items()},
        charts={
            name: charts.ranking(name, counts.most_common(TOP))
            for name, counts in tables.items()
            if counts and name in ("Question kinds", "Offices")
        },
        groups=unanswered_groups,
        marked_wrong=insights.marked_wrong.most_common(TOP),
    )


def _cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula (a user could type "=HYPERLINK(...)")."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def write_csv(path: Path, unanswered_groups: Sequence[Group]) -> None:
    """One row per unanswered message, grouped, most frequent group first."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(CSV_FIELDS)
        for group in unanswered_groups:
            for m in group.messages:
                writer.writerow(
                    (
                        group.number,
                        len(group.messages),
                        _cell(m.text),
                        " ".join(m.reasons),
                        m.language,
                        m.channel,
                        m.day,
                        m.user,
                    )
                )
