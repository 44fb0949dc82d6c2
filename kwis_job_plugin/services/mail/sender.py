"""Delivering the outbox: claim a batch, send mail by mail, record each result at once.

Why it never loses mail and (almost) never sends one twice:

- A row is *claimed* before it is sent: in one short transaction the sender picks pending rows
  whose time has come and whose lease is not live, and writes its id and a lease
  (``claimed_by``, ``claimed_until``). On PostgreSQL the pick is ``SELECT ... FOR UPDATE SKIP
  LOCKED``, so concurrent senders take disjoint rows without waiting; on SQLite the transaction
  starts with ``BEGIN IMMEDIATE``, so claims are one at a time. Several senders may run.
- Right before each mail the lease is renewed, but only if the row is still this sender's: a
  sender that stalled past its lease finds the row taken over and skips it.
- Each result (sent, retry later, failed) is committed at once, so a sender killed mid-batch
  loses nothing: its other rows become claimable when the lease runs out. The one mail in
  flight at the kill may arrive twice (at-least-once); it carries the same Message-ID.
- Temporary failures (server unreachable, 4xx) count an attempt and wait ``backoff(attempts)``;
  permanent ones (5xx, recipient refused) and the last allowed attempt mark the row failed with
  the error (the recipient's address is cut out of it). An admin can put it back (``admin.py``).

Time comes in as ``now`` so tests can move it without sleeping; within one pass it runs on by the
real time elapsed.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ...models import OutboxMail
from ...models.base import utcnow
from .message import build_message
from .transport import DeliveryError, PermanentFailure, Transport

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 50
DEFAULT_LEASE = timedelta(minutes=5)
DEFAULT_MAX_ATTEMPTS = 12
DEFAULT_POLL_SECONDS = 5.0
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=4)
ERROR_MAX = 500
_ADDRESS = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+")


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failed ones: 1, 2, 4, ... minutes, at most 4 h.

    With the default 12 attempts a mail is given up after about 20 hours of failures."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def default_sender_id() -> str:
    """Host name and process id: enough to tell senders apart on the admin page and in logs."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


@dataclass
class PassResult:
    """What one pass did; ``claimed`` = ``sent + retrying + failed + skipped``."""

    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    """Rows another sender took over meanwhile (this sender stalled past its lease), or rows
    given back untouched because the sender was asked to stop."""
    errors: list[str] = field(default_factory=list)


class _Clock:
    """``now`` as given, running on by the real time elapsed since."""

    def __init__(self, now: datetime | None):
        self._start = now if now is not None else utcnow()
        self._t0 = time.monotonic()

    def __call__(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0)


def _claimable(now: datetime):
    return (
        (OutboxMail.status == "pending")
        & (OutboxMail.next_attempt_at <= now)
        & or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until < now)
    )


def claim(
    engine: Engine, *, sender_id: str, batch_size: int, now: datetime,
    lease: timedelta = DEFAULT_LEASE,
) -> list[int]:
    """Claim up to ``batch_size`` due rows for ``sender_id`` and commit; returns their ids."""
    with Session(engine) as session:
        if engine.dialect.name == "sqlite":
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        ids = list(session.scalars(
            select(OutboxMail.id)
            .where(_claimable(now))
            .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
            .limit(batch_size)
            .with_for_update(skip_locked=True)
        ))
        if ids:
            session.execute(
                update(OutboxMail)
                .where(OutboxMail.id.in_(ids))
                .values(claimed_by=sender_id, claimed_until=now + lease),
                execution_options={"synchronize_session": False},
            )
        session.commit()
    return ids


def _mine(mail_id: int, sender_id: str):
    return (
        (OutboxMail.id == mail_id)
        & (OutboxMail.claimed_by == sender_id)
        & (OutboxMail.status == "pending")
    )


def _renew(session: Session, mail_id: int, sender_id: str, until: datetime) -> OutboxMail | None:
    """Extend the lease on one row if it is still ours; the row, or ``None`` if taken over."""
    if _is_sqlite(session):
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")
    result = session.execute(
        update(OutboxMail).where(_mine(mail_id, sender_id)).values(claimed_until=until),
        execution_options={"synchronize_session": False},
    )
    session.commit()
    if result.rowcount != 1:
        return None
    mail = session.get(OutboxMail, mail_id, populate_existing=True)
    session.commit()  # no transaction stays open while the mail server is talked to
    return mail


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _clean_error(text: str, address: str) -> str:
    """The server's answer without the recipient's (or any) address: the row keeps the address
    once, in ``to_addr``, where erasure finds it."""
    text = text.replace(address, "[Empfänger]")
    return _ADDRESS.sub("[Adresse]", text)[:ERROR_MAX]


def _record(
    session: Session, mail: OutboxMail, sender_id: str, now: datetime, max_attempts: int,
    error: DeliveryError | None,
) -> str:
    """Write the outcome of one attempt and commit; returns ``sent``, ``retrying`` or ``failed``."""
    attempts = mail.attempts + 1
    values: dict = {"attempts": attempts, "claimed_by": None, "claimed_until": None}
    if error is None:
        outcome = "sent"
        values.update(status="sent", sent_at=now, last_error=None)
    else:
        message = _clean_error(str(error), mail.to_addr)
        if isinstance(error, PermanentFailure) or attempts >= max_attempts:
            outcome = "failed"
            if not isinstance(error, PermanentFailure):
                message = f"{message} (aufgegeben nach {attempts} Versuchen)"[-ERROR_MAX:]
            values.update(status="failed", last_error=message)
        else:
            outcome = "retrying"
            values.update(next_attempt_at=now + backoff(attempts), last_error=message)
    session.execute(
        update(OutboxMail).where(_mine(mail.id, sender_id)).values(**values),
        execution_options={"synchronize_session": False},
    )
    session.commit()
    return outcome


def send_pass(
    engine: Engine,
    transport: Transport,
    *,
    sender_id: str,
    mail_from: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    now: datetime | None = None,
    lease: timedelta = DEFAULT_LEASE,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    should_stop: Callable[[], bool] = lambda: False,
) -> PassResult:
    """Claim one batch and deliver it mail by mail, committing each result at once.

    When the server cannot be reached at all, the rest of the batch is recorded as the same
    temporary failure without trying (each try would only wait for the same timeout).
    ``should_stop`` is asked between mails; unsent claimed rows are then released.
    """
    clock = _Clock(now)
    result = PassResult()
    ids = claim(engine, sender_id=sender_id, batch_size=batch_size, now=clock(), lease=lease)
    result.claimed = len(ids)
    unreachable: DeliveryError | None = None
    try:
        with Session(engine, expire_on_commit=False) as session:
            for index, mail_id in enumerate(ids):
                if should_stop():
                    _release(session, ids[index:], sender_id)
                    result.skipped += len(ids) - index
                    break
                mail = _renew(session, mail_id, sender_id, clock() + lease)
                if mail is None:
                    result.skipped += 1
                    continue
                error = unreachable
                if error is None:
                    try:
                        transport.send(build_message(
                            mail, mail_from=mail_from, now=clock(), readable=transport.readable
                        ))
                    except DeliveryError as exc:
                        error = exc
                        unreachable = exc if exc.connection else None
                    except ValueError as exc:  # UnsafeMessage, or a header the library refused
                        error = PermanentFailure(f"Mail nicht erstellbar: {exc}")
                outcome = _record(session, mail, sender_id, clock(), max_attempts, error)
                setattr(result, outcome, getattr(result, outcome) + 1)
                if error is not None:
                    cleaned = _clean_error(str(error), mail.to_addr)
                    result.errors.append(cleaned)
                    log.warning("mail %s: %s (%s)", mail_id, outcome, cleaned)
    finally:
        transport.close()
    return result


def _release(session: Session, ids: list[int], sender_id: str) -> None:
    """Give rows back untouched (a sender asked to stop), so another one takes them now."""
    if _is_sqlite(session):
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")
    session.execute(
        update(OutboxMail)
        .where(OutboxMail.id.in_(ids), OutboxMail.claimed_by == sender_id)
        .values(claimed_by=None, claimed_until=None),
        execution_options={"synchronize_session": False},
    )
    session.commit()


def run_loop(
    engine: Engine,
    make_transport: Callable[[], Transport],
    *,
    sender_id: str,
    mail_from: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    poll_seconds: float = DEFAULT_POLL_SECONDS,
    lease: timedelta = DEFAULT_LEASE,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    stop: threading.Event | None = None,
    handle_signals: bool = True,
    on_pass: Callable[[PassResult], None] | None = None,
) -> None:
    """Send until ``stop`` is set (or SIGTERM/SIGINT arrive): a pass, then a short sleep unless
    the batch was full. The mail being sent when the signal comes is finished first."""
    stop = stop or threading.Event()
    previous = {}
    if handle_signals:
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    try:
        while not stop.is_set():
            try:
                result = send_pass(
                    engine, make_transport(), sender_id=sender_id, mail_from=mail_from,
                    batch_size=batch_size, lease=lease, max_attempts=max_attempts,
                    should_stop=stop.is_set,
                )
            except Exception:  # the database away for a moment: log, wait, try again
                log.exception("mail pass failed")
                result = PassResult()
            if on_pass is not None:
                on_pass(result)
            if result.claimed < batch_size:
                stop.wait(poll_seconds)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
