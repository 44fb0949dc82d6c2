"""Engine and per-request session of the reference host."""

from __future__ import annotations

from flask import g
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys on and a busy timeout, as production needs."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


class RequestSessions:
    """One session per request, closed (and so rolled back unless committed) at teardown."""

    def __init__(self, engine: Engine):
        self.factory = sessionmaker(bind=engine, expire_on_commit=False)

    def get(self) -> Session:
        if "kwis_db_session" not in g:
            g.kwis_db_session = self.factory()
        return g.kwis_db_session

    def close(self, _exc=None) -> None:
        session = g.pop("kwis_db_session", None)
        if session is not None:
            session.close()
