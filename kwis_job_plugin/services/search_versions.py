"""Every version number a portal page depends on, read in one statement per request.

A search used to ask twice: once for the settings version (``search_settings``), once for the
change log's newest and oldest ``seq`` (``search_sync``). Both are index probes, so one
``SELECT`` of three scalar subqueries costs what one of them did, and a search costs one round
trip less (issue #12; on PostgreSQL a round trip is most of a statement's cost).

The answer is kept for the rest of the transaction and forgotten at its next flush (a flush
may write the index or the settings, and the trigger then appends to the log), so a reader
never sees numbers older than what the transaction itself wrote. Numbers kept from earlier in a
transaction may be older than what another worker has committed since; ``search_sync`` asks
again (``fresh``) before it concludes from an old number that the database went backwards.
No Flask here.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import event, text
from sqlalchemy.orm import Session

_KEY = "kwis_job_versions"

_READ = text(
    # scalar subqueries, not max() and min() in one select: each alone is one index probe,
    # together SQLite would scan the log
    "SELECT (SELECT version FROM kwis_job_settings_version WHERE id = 1),"
    " (SELECT MAX(seq) FROM kwis_job_search_change),"
    " (SELECT MIN(seq) FROM kwis_job_search_change)"
)


class Versions(NamedTuple):
    settings: int
    """The settings version (0 before the first change)."""
    newest: int
    """The newest change-log ``seq`` (0 for an empty log)."""
    oldest: int | None
    """The oldest ``seq`` still in the log (``None`` for an empty log)."""


def read(session: Session) -> Versions:
    """The versions as this transaction sees them, asked at most once between flushes."""
    transaction = session.get_transaction()
    known = session.info.get(_KEY)
    if known is not None and transaction is not None and known[0] is transaction:
        return known[1]
    return fresh(session)


def fresh(session: Session) -> Versions:
    """The versions read now (and kept for ``read`` in this transaction)."""
    settings, newest, oldest = session.execute(_READ).one()
    found = Versions(settings or 0, newest or 0, oldest)
    session.info[_KEY] = (session.get_transaction(), found)
    return found


def forget(session: Session) -> None:
    """Drop the kept numbers (after a write that no flush announces, e.g. plain SQL)."""
    session.info.pop(_KEY, None)


@event.listens_for(Session, "after_flush")
def _forget(session: Session, _context) -> None:
    forget(session)
