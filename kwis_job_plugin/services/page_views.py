"""Page views of public company and offer pages, counted per day without a write per request.

A view is one number in ``DailyCounter`` (metric ``offer_view`` or ``profile_view``, scope
the region's slug, subject ``offer:<id>`` or ``profile:<id>``, one row a day): no cookie, no
address, no User-Agent is kept, so nothing in it is personal. Which requests are views (no
bots, no prefetches, no HEAD, only 200 answers) is decided by ``is_countable`` and the
view-side hook (``views/page_views.py``).

Writing a row per request would put a write transaction on the portal's hot path (and on
SQLite serialise every reader behind it). Instead each process keeps a ``ViewBuffer``: adding
a view is a dict update under a lock; ``flush`` takes the whole buffer at once and writes it as
one upsert batch (``INSERT ... ON CONFLICT DO UPDATE SET value = value + excluded.value``,
SQLAlchemy's PostgreSQL and SQLite inserts) when the buffer is older than ``max_age`` seconds
or holds more than ``max_entries`` keys, and at process exit (``flush_at_exit``). Each process
adds only its own counts to the rows, so several processes (gunicorn workers, app servers) add
up without knowing of each other; the buffer holds nothing another process needs to see
(DESIGN: "no state in process memory that another worker would need"), only writes not yet
done. A failed flush puts its counts back and is logged; the next one tries again.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import crawleruseragents
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from ..models import DailyCounter

log = logging.getLogger(__name__)

OFFER, PROFILE = "offer", "profile"
METRICS = {OFFER: "offer_view", PROFILE: "profile_view"}
"""``offer_view`` is also what ``offer_display.view_counts`` reads."""
RECENT_DAYS = 30
"""The tabs show the views of the last 30 days (today included)."""
MAX_AGE_SECONDS = 60.0
MAX_ENTRIES = 500
KEEP_AT_MOST = 100_000
"""Keys kept while the database refuses flushes; beyond that new views are dropped (and
logged), so a long outage cannot fill the process's memory."""
ROWS_PER_STATEMENT = 500
"""Rows of one INSERT (5 parameters each; SQLite allows 32766 bound parameters)."""
UPSERT_DIALECTS = ("postgresql", "sqlite")

UA_MAX = 512
"""A longer User-Agent is not a browser's."""


@dataclass(frozen=True, order=True)
class Key:
    """One counter row: ``DailyCounter``'s unique key."""

    day: date
    metric: str
    scope: str
    subject: str

    @classmethod
    def of_page(cls, day: date, kind: str, object_id: int, scope: str) -> Key:
        """The key of a view of the ``kind`` page (``OFFER``, ``PROFILE``) of ``object_id``."""
        return cls(day, METRICS[kind], scope, subject(kind, object_id))


def subject(kind: str, object_id: int) -> str:
    """``offer:<id>`` or ``profile:<id>``: the counter's subject of a page."""
    if kind not in (OFFER, PROFILE):
        raise ValueError(f"page_views.subject: unknown page kind {kind!r} (offer or profile)")
    return f"{kind}:{int(object_id)}"


# --- which requests are views ------------------------------------------------------------------


@lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    """Whether the User-Agent names a crawler, a preview fetcher or a script.

    The list is ``crawler-user-agents`` (a maintained list of ~1,500 patterns: search engines,
    link previews, AI crawlers, headless browsers, curl, wget, HTTP libraries; from PyPI). An
    empty User-Agent is a script's.
    Cached: a portal sees the same few hundred browsers over and over (a check costs ~0.1 ms)."""
    if not user_agent.strip() or len(user_agent) > UA_MAX:
        return True
    return crawleruseragents.is_crawler(user_agent)


def is_prefetch(headers: Mapping[str, str]) -> bool:
    """A speculative load (``Sec-Purpose``/``Purpose: prefetch``, Firefox's ``X-Moz``): the
    person may never see the page; if they open it, the browser shows the prefetched copy."""
    purpose = " ".join(
        (headers.get(name) or "") for name in ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz")
    ).lower()
    return "prefetch" in purpose or "prerender" in purpose or "preview" in purpose


def is_countable(method: str, headers: Mapping[str, str]) -> bool:
    """Whether a request for a page is a view (the answer's status is checked after it).

    Only GET (a HEAD asks whether the page exists; nobody reads it), no prefetch, no bot."""
    if method != "GET" or is_prefetch(headers):
        return False
    return not is_bot(headers.get("User-Agent") or "")


# --- the buffer ------------------------------------------------------------------------------


class ViewBuffer:
    """The views of one process not yet written, by ``Key``; safe to share between threads.

    ``add`` is what a request pays: a dict update under a lock, and whether a flush is due.
    ``take`` empties the buffer atomically, so two threads flushing at once write disjoint
    batches and no view is written twice or lost."""

    def __init__(self, *, max_age: float = MAX_AGE_SECONDS, max_entries: int = MAX_ENTRIES,
                 clock: Callable[[], float] = time.monotonic):
        self.max_age = max_age
        self.max_entries = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._counts: Counter[Key] = Counter()
        self._since: float | None = None
        _BUFFERS.add(self)

    def add(self, key: Key, n: int = 1) -> bool:
        """Count ``n`` views of ``key``; ``True`` when the buffer should now be flushed."""
        with self._lock:
            if key not in self._counts and len(self._counts) >= KEEP_AT_MOST:
                log.warning("page views: %s keys unwritten, dropping a view", KEEP_AT_MOST)
                return True
            if self._since is None:
                self._since = self._clock()
            self._counts[key] += n
            return self._due()

    def due(self) -> bool:
        with self._lock:
            return self._due()

    def _due(self) -> bool:
        return bool(self._counts) and (
            len(self._counts) > self.max_entries
            or self._clock() - (self._since or 0.0) >= self.max_age
        )

    def take(self) -> dict[Key, int]:
        """Everything counted so far; the buffer starts empty (and young) again."""
        with self._lock:
            counts, self._counts, self._since = dict(self._counts), Counter(), None
            return counts

    def put_back(self, counts: Mapping[Key, int]) -> None:
        """Counts a flush could not write: kept for the next flush, ``max_age`` from now."""
        with self._lock:
            for key, n in counts.items():
                if key in self._counts or len(self._counts) < KEEP_AT_MOST:
                    self._counts[key] += n
            self._since = self._clock()

    def pending(self) -> dict[Key, int]:
        """A copy of the unwritten counts (for tests and the exit log)."""
        with self._lock:
            return dict(self._counts)

    def _reset_after_fork(self) -> None:
        """In a forked child: the parent's unwritten views are the parent's to write."""
        self._lock = threading.Lock()
        self._counts, self._since = Counter(), None


_BUFFERS: weakref.WeakSet[ViewBuffer] = weakref.WeakSet()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(
        after_in_child=lambda: [b._reset_after_fork() for b in list(_BUFFERS)]
    )


# --- writing -----------------------------------------------------------------------------------


def _insert(dialect: str):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        raise NotImplementedError(
            f"page views: no upsert for the {dialect!r} database; supported: "
            f"{', '.join(UPSERT_DIALECTS)}"
        )
    return insert


def write(connection: Connection | Session, counts: Mapping[Key, int]) -> int:
    """Add ``counts`` to their ``DailyCounter`` rows (created at 0 if missing); flushes, never
    commits. Returns the number of rows touched.

    One ``INSERT ... ON CONFLICT (day, metric, scope, subject) DO UPDATE`` per 500 rows, the
    rows sorted by key: two processes flushing overlapping batches at once then lock the rows
    in the same order (PostgreSQL would otherwise let them deadlock)."""
    if not counts:
        return 0
    table = DailyCounter.__table__
    insert = _insert(connection.get_bind().dialect.name if isinstance(connection, Session)
                     else connection.dialect.name)
    rows = [
        {"day": key.day, "metric": key.metric, "scope": key.scope, "subject": key.subject,
         "value": n}
        for key, n in sorted(counts.items()) if n
    ]
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        statement = insert(table).values(rows[start:start + ROWS_PER_STATEMENT])
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.day, table.c.metric, table.c.scope, table.c.subject],
            set_={"value": table.c.value + statement.excluded.value},
        )
        connection.execute(statement)
    return len(rows)


def flush(buffer: ViewBuffer, engine: Engine) -> int:
    """Write what ``buffer`` holds in a transaction of its own; never raises.

    A failure (database away, lock timeout) is logged and the counts go back into the buffer
    for the next flush: a view is delayed, not lost, and the request that triggered the flush
    is not affected. Returns the number of rows written (0 on failure)."""
    counts = buffer.take()
    if not counts:
        return 0
    try:
        with engine.begin() as connection:
            return write(connection, counts)
    except Exception:  # noqa: BLE001 - counting must never break a page
        log.exception("page views: writing %s counters failed; kept for the next flush",
                      len(counts))
        buffer.put_back(counts)
        return 0


_AT_EXIT: list[tuple[weakref.ref, weakref.ref]] = []
_AT_EXIT_LOCK = threading.Lock()


def flush_at_exit(buffer: ViewBuffer, engine: Engine) -> None:
    """Flush ``buffer`` into ``engine`` when the process ends normally (gunicorn's workers end
    with ``sys.exit``, which runs ``atexit``). Held weakly: an app that is gone is skipped."""
    with _AT_EXIT_LOCK:
        if not _AT_EXIT:
            atexit.register(_flush_all)
        _AT_EXIT.append((weakref.ref(buffer), weakref.ref(engine)))


def _flush_all() -> None:
    with _AT_EXIT_LOCK:
        pairs = [(b(), e()) for b, e in _AT_EXIT]
    for buffer, engine in pairs:
        if buffer is not None and engine is not None and buffer.pending():
            flush(buffer, engine)


# --- reading ---------------------------------------------------------------------------------


def recent_totals(session: Session, kind: str, subjects: Iterable[str], today: date,
                  days: int = RECENT_DAYS) -> dict[str, int]:
    """Views per subject of ``kind`` pages over the last ``days`` days up to ``today`` (all
    regions): the written counts only, so the last ``max_age`` seconds may be missing."""
    wanted = sorted(set(subjects))
    if not wanted:
        return {}
    rows = session.execute(
        select(DailyCounter.subject, func.sum(DailyCounter.value))
        .where(
            DailyCounter.metric == METRICS[kind],
            DailyCounter.subject.in_(wanted),
            DailyCounter.day > today - timedelta(days=days),
            DailyCounter.day <= today,
        )
        .group_by(DailyCounter.subject)
    ).all()
    return {name: int(total or 0) for name, total in rows}


def recent_views(session: Session, kind: str, object_ids: Iterable[int], today: date,
                 days: int = RECENT_DAYS) -> dict[int, int]:
    """``recent_totals`` by object id for one kind of page (``OFFER`` or ``PROFILE``); ids
    without a view are missing (read them as 0)."""
    by_subject = {subject(kind, i): i for i in object_ids}
    totals = recent_totals(session, kind, by_subject, today, days)
    return {by_subject[name]: total for name, total in totals.items()}
