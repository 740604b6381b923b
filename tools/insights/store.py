"""Reading the tracker store the assistant runs on, through the same endpoints file.

The rows are read directly with SQLAlchemy in one query ordered by id and streamed
(`yield_per`), not through Rasa's tracker replay: replaying every conversation costs a query
and a tracker per sender, and reads events outside the period too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.utils.endpoints import read_endpoint_config

from project import PROFILES
from tools.serve import PRODUCTION_DEFAULTS

BATCH = 5000  # rows fetched at a time: memory stays flat whatever the size of the store

EVENTS = sa.Table(  # Rasa's SQLTrackerStore schema (rasa.core.tracker_store.SQLEvent)
    "events",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255)),
    sa.Column("type_name", sa.String(255)),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)


class StoreError(Exception):
    """The endpoints file names no SQL tracker store, or the store cannot be read."""


@dataclass(frozen=True)
class Row:
    id: int
    sender_id: str
    type_name: str
    timestamp: float
    data: str


def endpoints_path(endpoints: str | None, profile: str | None) -> Path:
    """The endpoints file of a profile (its environment defaults filled in), or the one given."""
    if profile == "production":
        for name, value in PRODUCTION_DEFAULTS.items():  # as tools.serve does for the servers
            os.environ.setdefault(name, value)
    return Path(endpoints) if endpoints else PROFILES[profile or "default"]


def database_url(endpoints: Path) -> sa.engine.URL:
    """The tracker store's database, built as Rasa builds it from the endpoints file."""
    config = read_endpoint_config(str(endpoints), "tracker_store")
    if config is None or "dialect" not in config.kwargs:
        raise StoreError(f"{endpoints} names no SQL tracker store")
    settings = config.kwargs
    url = SQLTrackerStore.get_db_url(
        settings["dialect"],
        config.url,
        int(settings["port"]) if settings.get("port") else None,
        settings.get("db", "rasa.db"),
        settings.get("username"),
        settings.get("password"),
        query=settings.get("query"),
    )
    url = sa.engine.make_url(url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        raise StoreError(f"no SQLite tracker store at {url.database}")  # never create an empty one
    return url


class Store:
    """The events table of one database, read for a period."""

    def __init__(self, url: sa.engine.URL | str) -> None:
        self.engine = sa.create_engine(url)

    def id_range(self) -> tuple[int, int]:
        """The smallest and largest event ids: what a progress bar measures against."""
        with self.engine.connect() as connection:
            low, high = connection.execute(
                sa.select(sa.func.min(EVENTS.c.id), sa.func.max(EVENTS.c.id))
            ).one()
        return (low or 0, high or 0)

    def events(self, since: datetime, until: datetime) -> Iterator[Row]:
        """Every event with since <= timestamp < until, in the order they were stored."""
        query = (
            sa.select(EVENTS.c.id, EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
            .where(EVENTS.c.timestamp >= since.timestamp(), EVENTS.c.timestamp < until.timestamp())
            .order_by(EVENTS.c.id)
        )
        with self.engine.connect() as connection:
            result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(query)
            for row in result:
                yield Row(*row)

    def close(self) -> None:
        self.engine.dispose()
