"""Keep each process's search replica (``services/search_replica.py``) in step with the database.

Before every search, ``current`` reads the newest ``seq`` of the change log (migration 0004; one
index lookup, in the same statement as the settings version: ``search_versions``) and applies
the offers logged since the replica's own ``seq``: their old positions retire, their current
rows (if any) are added. A new replica starts from the stored snapshot (``search_snapshot``)
when the log reaches back to it. A replica loads whole from the documents when it is new and
there is no usable snapshot, when the log no longer reaches back to it (it keeps 10,000
changes), when the log is behind it (the database was replaced), or when a quarter of its
positions are retired.

A transaction that has itself written the index and not committed yet (tests, scripts; never a
portal request, which only reads) gets a throwaway replica built from what it sees, so the
shared one never holds writes that might still roll back. ``search_index`` marks such sessions
with ``written``.

One replica per engine and process; each is used under its lock.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ..models import SearchChange, SearchDoc, SearchFacet
from . import (
    search_settings,  # noqa: F401  (its flush listener, in every writing process)
    search_snapshot,
    search_versions,
)
from .search_replica import DocRow, Replica

CHUNK = 20_000
"""Documents read per query when loading (bounded memory at any size)."""
_WRITTEN = "kwis_job_search_written"


@dataclass
class _Slot:
    lock: threading.RLock
    replica: Replica | None = None


_slots: weakref.WeakKeyDictionary[Engine, _Slot] = weakref.WeakKeyDictionary()
_slots_lock = threading.Lock()


def written(session: Session) -> None:
    """Note that ``session``'s transaction changed the index (until it commits or rolls back)."""
    if session.info.get(_WRITTEN):
        return
    session.info[_WRITTEN] = True

    def clear(*_args) -> None:
        session.info.pop(_WRITTEN, None)

    event.listen(session, "after_commit", clear, once=True)
    event.listen(session, "after_rollback", clear, once=True)


@contextmanager
def current(session: Session) -> Iterator[Replica]:
    """The replica as of this moment, locked for the caller's use."""
    if session.info.get(_WRITTEN):
        replica = Replica()
        replica.version = _latest(session)[0]
        _load(session, replica, None)
        yield replica
        return
    engine = session.get_bind()
    with _slots_lock:
        slot = _slots.get(engine)
        if slot is None:
            slot = _slots[engine] = _Slot(threading.RLock())
    with slot.lock:
        slot.replica = _sync(session, slot.replica)
        with slot.replica.lock:
            yield slot.replica


def _latest(session: Session) -> tuple[int, int | None]:
    found = search_versions.read(session)
    return found.newest, found.oldest


def _sync(session: Session, replica: Replica | None) -> Replica:
    newest, oldest = _latest(session)
    if replica is None:
        replica = _from_snapshot(session, newest, oldest)
    if replica is not None and newest == replica.version:
        return replica
    if replica is not None and newest < replica.version:
        # read earlier in this transaction, before another worker's sync: ask again before
        # concluding that the database went backwards
        found = search_versions.fresh(session)
        newest, oldest = found.newest, found.oldest
        if newest == replica.version:
            return replica
    whole = (
        replica is None
        or newest < replica.version
        or (oldest is not None and oldest > replica.version + 1)
        or replica.retired > max(1_000, replica.size // 4)
    )
    if whole:
        fresh = Replica(newest)
        _load(session, fresh, None)
        return fresh
    offer_ids = sorted(set(session.scalars(
        select(SearchChange.offer_id).where(SearchChange.seq > replica.version)
    )))
    for offer_id in offer_ids:
        replica.remove(offer_id)
    for start in range(0, len(offer_ids), 500):
        _load(session, replica, SearchDoc.offer_id.in_(offer_ids[start:start + 500]))
    replica.version = newest
    return replica


def reaches(seq: int, newest: int, oldest: int | None) -> bool:
    """Whether a replica at ``seq`` can be brought to ``newest`` from the log."""
    return seq <= newest and (oldest is None or oldest <= seq + 1)


def _from_snapshot(session: Session, newest: int, oldest: int | None) -> Replica | None:
    """The stored snapshot if the change log still reaches back to it (``search_snapshot``)."""
    found = search_snapshot.seq(session)
    if found is None or not reaches(found, newest, oldest):
        return None
    return search_snapshot.read(session)


def write_snapshot(session: Session, *, from_documents: bool = False) -> tuple[int, int]:
    """Store the replica as the snapshot: the process's own (brought up to date), or with
    ``from_documents`` one read from the documents alone (after a rebuild, when the old
    snapshot would only add work). Returns (``seq``, bytes); the caller commits."""
    if from_documents:
        replica = load_fresh(session)
        return replica.version, search_snapshot.write(session, replica)
    with current(session) as replica:
        return replica.version, search_snapshot.write(session, replica)


def load_fresh(session: Session) -> Replica:
    """A replica built from the documents alone, never from a snapshot (``search snapshot``
    after a rebuild, tests)."""
    replica = Replica(_latest(session)[0])
    _load(session, replica, None)
    return replica


def _load(session: Session, replica: Replica, condition: ColumnElement | None) -> None:
    """Add the documents matching ``condition`` (all if ``None``), ``CHUNK`` at a time."""
    after = 0
    connection = session.connection()  # Core rows: the ORM's result handling would double the cost
    while True:
        where = [SearchDoc.id > after] + ([condition] if condition is not None else [])
        docs = connection.execute(
            select(
                SearchDoc.id, SearchDoc.offer_id, SearchDoc.profile_id, SearchDoc.region_id,
                SearchDoc.offer_type, SearchDoc.lat, SearchDoc.lon, SearchDoc.has_places,
                SearchDoc.expires_on, SearchDoc.rotation, SearchDoc.company_rotation,
                SearchDoc.title_terms, SearchDoc.terms,
            ).where(*where).order_by(SearchDoc.id).limit(CHUNK)
        ).all()
        if not docs:
            return
        ids = [doc.id for doc in docs]
        facets: dict[int, list[tuple[str, str]]] = {}
        for doc_id, facet, key in connection.execute(
            select(SearchFacet.doc_id, SearchFacet.facet, SearchFacet.key).where(
                # a whole load reads a dense range; a few changed documents are named
                SearchFacet.doc_id.between(ids[0], ids[-1]) if condition is None
                else SearchFacet.doc_id.in_(ids)
            )
        ):
            facets.setdefault(doc_id, []).append((facet, key))
        replica.put([DocRow(*doc, facets=tuple(facets.get(doc.id, ()))) for doc in docs])
        after = docs[-1].id
