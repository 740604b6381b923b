"""Rasa's SQL tracker store, with each pooled connection checked before use.

Rasa keeps a pool of PostgreSQL connections and never checks them: after the database
restarts or the network drops, every message sent on a dead pooled connection fails.
`pool_pre_ping` tests a connection (`SELECT 1`) when it is taken from the pool and replaces
it if it is dead, so service resumes with the first message once PostgreSQL is back.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core import tracker_store


class ResilientSQLTrackerStore(tracker_store.SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **tracker_store.create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
