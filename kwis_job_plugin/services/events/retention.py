"""Deleting personal data once it has served its purpose, keeping only counts.

Registrations exist so that a visit can take place: the place, the mails, the attendee list, the
check-in. Some time after the event (``Event.retention_days`` after ``ends_on``, 90 by default)
nothing needs them any more, so ``run`` deletes them with their tokens and keeps, per event, a
few numbers in ``DailyCounter`` for the success indicators. Those counters hold no personal data:
numbers per event, dated on the event's last day, scoped by region slug. Events, slots and their
``confirmed_count`` (a number, no one's data) stay, so the agency's overview of a past event still
shows places and fill rate.

Sent mails hold addresses and texts with names; the sender needs them no longer than it takes to
answer "did my mail go out?", so ``run`` also deletes ``sent`` outbox rows older than
``KWIS_JOB_OUTBOX_KEEP_DAYS`` (30 by default). Pending and failed rows stay: they are mail not yet
delivered, which the admin page shows and retries.

``kwis-job retention run`` calls ``run`` once a day (cron); it may run more often, and two runs
at once are harmless: each event's registrations are deleted under the event's row lock, and
the counters are *added to* by what is deleted, so a second run adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ...models import (
    DailyCounter,
    Event,
    EventParticipation,
    OutboxMail,
    Region,
    Registration,
    RegistrationToken,
    Slot,
)
from .. import audit

OUTBOX_KEEP_DAYS = 30
"""Default of the setting ``KWIS_JOB_OUTBOX_KEEP_DAYS``."""

METRICS = (
    "event_registrations",
    "event_attendance",
    "event_schools",
    "event_places",
    "event_waitlisted",
)
"""What is kept per event (``subject = "event:<id>"``, ``day = ends_on``, ``scope`` = region slug):

* ``event_registrations``: registrations that held a confirmed place at the end,
* ``event_attendance``: registrations checked in on the day,
* ``event_schools``: distinct schools among the confirmed registrations (names compared
  case- and space-insensitively),
* ``event_places``: people in the confirmed registrations (party sizes summed: a class counts
  as its size),
* ``event_waitlisted``: registrations still on a waiting list at the end (unmet demand).
"""


@dataclass(frozen=True)
class RetentionSummary:
    """What one run deleted; ``events`` counts the events whose registrations were deleted."""

    events: int = 0
    registrations: int = 0
    tokens: int = 0
    outbox_mails: int = 0


def is_due(event: Event, today: date) -> bool:
    """Whether ``event``'s registrations are past their retention: ``ends_on + retention_days``
    lies before ``today`` (with 0 days: from the day after the event's last day)."""
    return _due(event.ends_on, event.retention_days, today)


def _due(ends_on: date, retention_days: int | None, today: date) -> bool:
    return ends_on + timedelta(days=max(retention_days or 0, 0)) < today


def run(
    session: Session, today: date, *, outbox_keep_days: int = OUTBOX_KEEP_DAYS
) -> RetentionSummary:
    """Delete what is past its retention on ``today``; flushes, the caller commits.

    Events not yet due are not touched. An event whose counters exist and that has no
    registrations left is skipped, so a second run changes nothing.
    """
    if outbox_keep_days < 0:
        raise ValueError("outbox_keep_days must not be negative")
    events = registrations = tokens = 0
    for event_id in _candidate_event_ids(session, today):
        deleted = _expire_event(session, event_id, today)
        if deleted is not None:
            events += 1
            registrations += deleted[0]
            tokens += deleted[1]
    mails = delete_sent_mails(session, before=_midnight(today - timedelta(days=outbox_keep_days)))
    session.flush()
    return RetentionSummary(events, registrations, tokens, mails)


def delete_sent_mails(session: Session, *, before: datetime) -> int:
    """Delete the outbox rows sent before ``before`` (naive UTC); returns how many."""
    result = session.execute(
        delete(OutboxMail)
        .where(OutboxMail.status == "sent", OutboxMail.sent_at < before)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def event_counts(session: Session, event_id: int) -> dict[str, int]:
    """The numbers ``run`` keeps for one event, computed from its registrations as they are now."""
    regs = _registrations_of(event_id)
    confirmed = regs.where(Registration.status == "confirmed")
    schools = {
        " ".join(name.split()).casefold()
        for name in session.scalars(select(Registration.school).where(
            Registration.id.in_(confirmed.with_only_columns(Registration.id))
        ))
        if name and name.strip()
    }
    return {
        "event_registrations": _count(session, confirmed),
        "event_attendance": _count(session, regs.where(Registration.checked_in_at.is_not(None))),
        "event_schools": len(schools),
        "event_places": session.scalar(
            confirmed.with_only_columns(func.coalesce(func.sum(Registration.party_size), 0))
        ) or 0,
        "event_waitlisted": _count(session, regs.where(Registration.status == "waitlisted")),
    }


def _candidate_event_ids(session: Session, today: date) -> list[int]:
    # retention_days varies per event, so the final test is in Python (date arithmetic differs
    # between SQLite and PostgreSQL); ends_on < today already narrows it to past events.
    rows = session.execute(
        select(Event.id, Event.ends_on, Event.retention_days)
        .where(Event.ends_on < today)
        .order_by(Event.id)
    ).all()
    return [row.id for row in rows if _due(row.ends_on, row.retention_days, today)]


def _expire_event(session: Session, event_id: int, today: date) -> tuple[int, int] | None:
    """Count, keep the counts, delete. None when there was nothing to do."""
    event = session.scalars(
        select(Event).where(Event.id == event_id).with_for_update()
    ).one()
    if not is_due(event, today):  # changed while we waited for the lock
        return None
    regs = _registrations_of(event_id)
    remaining = _count(session, regs)
    scope = session.scalar(select(Region.slug).where(Region.id == event.region_id)) or ""
    subject = f"event:{event_id}"
    if remaining == 0 and _has_counters(session, event, scope, subject):
        return None
    for metric, value in event_counts(session, event_id).items():
        _add(session, day=event.ends_on, metric=metric, scope=scope, subject=subject, value=value)
    reg_ids = regs.with_only_columns(Registration.id)
    tokens = session.execute(
        delete(RegistrationToken)
        .where(RegistrationToken.registration_id.in_(reg_ids))
        .execution_options(synchronize_session=False)
    ).rowcount or 0
    session.execute(
        delete(Registration)
        .where(Registration.id.in_(reg_ids))
        .execution_options(synchronize_session=False)
    )
    audit.record(
        session,
        "event.registrations_deleted",
        "event",
        event_id,
        region_id=event.region_id,
        details={"registrations": remaining, "retention_days": event.retention_days},
    )
    session.flush()
    # Rows deleted in bulk may still sit in the identity map (e.g. a slot's loaded collection).
    session.expire_all()
    return remaining, tokens


def _registrations_of(event_id: int):
    return (
        select(Registration)
        .join(Slot, Slot.id == Registration.slot_id)
        .join(EventParticipation, EventParticipation.id == Slot.participation_id)
        .where(EventParticipation.event_id == event_id)
    )


def _count(session: Session, query) -> int:
    return session.scalar(query.with_only_columns(func.count(Registration.id))) or 0


def _has_counters(session: Session, event: Event, scope: str, subject: str) -> bool:
    return session.scalar(
        select(func.count()).select_from(DailyCounter).where(
            DailyCounter.day == event.ends_on,
            DailyCounter.metric == METRICS[0],
            DailyCounter.scope == scope,
            DailyCounter.subject == subject,
        )
    ) > 0


def _add(session: Session, *, day: date, metric: str, scope: str, subject: str, value: int) -> None:
    counter = session.scalars(
        select(DailyCounter).where(
            DailyCounter.day == day,
            DailyCounter.metric == metric,
            DailyCounter.scope == scope,
            DailyCounter.subject == subject,
        )
    ).one_or_none()
    if counter is None:
        session.add(DailyCounter(day=day, metric=metric, scope=scope, subject=subject, value=value))
    else:
        counter.value += value


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())
