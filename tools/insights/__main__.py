"""`python -m tools.insights [--since DAY] [--until DAY] [--profile production | --endpoints FILE]`.

Writes results/insights/insights-<since>-<until>.html and .csv (or under --out), with a line
per stage and a progress bar on stderr.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock
from operator import attrgetter
from pathlib import Path

from tqdm import tqdm

from actions.dataset import get_dataset
from project import CONFIG, PROFILES, ROOT
from tools.insights import render
from tools.insights.aggregate import Aggregator, Insights
from tools.insights.clusters import clusters
from tools.insights.privacy import Pseudonymiser
from tools.insights.store import Row, Store, StoreError, database_url, endpoints_path
from tools.insights.turns import turns
from tools.insights.unanswered import fallback_threshold

DEFAULT_DAYS = 30
OUT = ROOT / "results" / "insights"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tools.insights",
        description="What people ask the assistant, in which language, and what it could not answer: "
        "an HTML page and a CSV of the unanswered questions, from the tracker store.",
    )
    today = datetime.now(timezone.utc).date()
    parser.add_argument(
        "--until", type=date.fromisoformat, default=today, help="last day, YYYY-MM-DD (today)"
    )
    parser.add_argument("--since", type=date.fromisoformat, help=f"first day (the last {DEFAULT_DAYS} days)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--profile", choices=sorted(PROFILES), help="the profile's endpoints file")
    where.add_argument("--endpoints", help="an endpoints file (default: endpoints.yml)")
    parser.add_argument("--config", type=Path, default=CONFIG, help="for the fallback threshold")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output directory ({OUT.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    args.since = args.since or args.until - timedelta(days=DEFAULT_DAYS - 1)
    if args.since > args.until:
        parser.error("--since is after --until")
    return args


def report(store: Store, since: date, until: date, config: Path, out: Path) -> tuple[Path, Path]:
    """Read the period's events once, aggregate, group the unanswered, write HTML and CSV."""
    started = time.monotonic()
    insights = Insights(since.isoformat(), until.isoformat())
    aggregator = Aggregator(insights, get_dataset(), fallback_threshold(config), Pseudonymiser())
    low, high = store.id_range()
    _say(f"Reading events {since} to {until} (ids {low} to {high})...")
    rows = store.events(_start(since), _start(until + timedelta(days=1)))
    with tqdm(total=high - low + 1, unit=" ids", file=sys.stderr, mininterval=0.5) as progress:
        aggregator.add_all(turns(_tracked(rows, progress, low)))
    _say(f"{insights.total.messages} user messages; grouping {len(insights.unanswered)} unanswered...")
    in_order = sorted(insights.unanswered, key=attrgetter("timestamp"))
    unanswered = render.groups(in_order, clusters([m.text for m in in_order]))
    _say("Drawing charts and writing the report...")
    out.mkdir(parents=True, exist_ok=True)
    page, table = (out / f"insights-{since}-{until}.{ext}" for ext in ("html", "csv"))
    page.write_text(render.html(insights, unanswered), encoding="utf-8")
    render.write_csv(table, unanswered)
    _say(f"Wrote {page} and {table} in {time.monotonic() - started:.1f} s")
    return page, table


def _tracked(rows: Iterable[Row], progress: tqdm, first_id: int) -> Iterator[Row]:
    """The rows, moving the bar over the ids passed (ids outside the period count too)."""
    previous = first_id - 1
    for row in rows:
        progress.update(row.id - previous)
        previous = row.id
        yield row


def _start(day: date) -> datetime:
    return datetime.combine(day, clock.min, timezone.utc)


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    try:
        store = Store(database_url(endpoints_path(args.endpoints, args.profile)))
    except StoreError as error:
        raise SystemExit(f"insights: {error}") from None
    try:
        report(store, args.since, args.until, args.config, args.out)
    finally:
        store.close()


if __name__ == "__main__":
    main()
