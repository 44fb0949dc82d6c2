"""What the admin page "E-Mail-Versand" shows, and putting a failed mail back in the queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import OutboxMail
from ...models.base import utcnow
from ...models.outbox import MAIL_STATUSES
from ..errors import NotFound

LIST_LIMIT = 50


@dataclass
class MailOverview:
    counts: dict[str, int]
    """Rows per status, every status present (0 if none)."""
    pending: list[OutboxMail]
    """Oldest due first: what the sender takes next, and what has been waiting longest."""
    failed: list[OutboxMail]
    """Newest first, with ``last_error``."""
    sent: list[OutboxMail]
    """Newest first."""


def overview(session: Session, *, limit: int = LIST_LIMIT) -> MailOverview:
    """Counts per status and the most recent rows of each (``limit`` per list)."""
    counts = dict.fromkeys(MAIL_STATUSES, 0)
    for status, count in session.execute(
        select(OutboxMail.status, func.count()).group_by(OutboxMail.status)
    ):
        counts[status] = count

    def rows(status: str, *order):
        return list(session.scalars(
            select(OutboxMail).where(OutboxMail.status == status).order_by(*order).limit(limit)
        ))

    return MailOverview(
        counts=counts,
        pending=rows("pending", OutboxMail.next_attempt_at, OutboxMail.id),
        failed=rows("failed", OutboxMail.id.desc()),
        sent=rows("sent", OutboxMail.sent_at.desc(), OutboxMail.id.desc()),
    )


def retry(session: Session, mail_id: int, *, now: datetime | None = None) -> OutboxMail:
    """Put a failed mail back: pending, due ``now``, with a fresh count of attempts (flushed).

    ``NotFound`` unless the row exists and has failed (a double click, or a row another admin
    retried meanwhile, changes nothing). The last error stays visible until the next attempt.
    """
    mail = session.get(OutboxMail, mail_id, with_for_update=True)
    if mail is None or mail.status != "failed":
        raise NotFound(f"no failed mail {mail_id}")
    mail.status = "pending"
    mail.attempts = 0
    mail.next_attempt_at = now or utcnow()
    mail.claimed_by = None
    mail.claimed_until = None
    session.flush()
    return mail
