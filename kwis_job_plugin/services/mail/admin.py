"""What the admin page "E-Mail-Versand" shows, and putting a failed mail back in the queue.

Region admins (``services/admin_scope.py``) see only the mails of their regions: both functions
take ``region_ids`` (``None``: a global admin, everything). A mail without region (``region_id``
is ``None``) cannot be placed in an agency's area and may concern people anywhere, so only
global admins see and retry it, as for every other object without a region.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import OutboxMail
from ...models.base import utcnow
from ...models.outbox import MAIL_STATUSES
from .. import audit
from ..admin_scope import allows, narrow
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


def overview(session: Session, *, limit: int = LIST_LIMIT,
             region_ids: frozenset[int] | None = None) -> MailOverview:
    """Counts per status and the most recent rows of each (``limit`` per list), of the
    regions in ``region_ids`` (``None``: all mails)."""
    counts = dict.fromkeys(MAIL_STATUSES, 0)
    for status, count in session.execute(narrow(
        select(OutboxMail.status, func.count()), OutboxMail.region_id, region_ids
    ).group_by(OutboxMail.status)):
        counts[status] = count

    def rows(status: str, *order):
        return list(session.scalars(narrow(
            select(OutboxMail).where(OutboxMail.status == status), OutboxMail.region_id,
            region_ids).order_by(*order).limit(limit)
        ))

    return MailOverview(
        counts=counts,
        pending=rows("pending", OutboxMail.next_attempt_at, OutboxMail.id),
        failed=rows("failed", OutboxMail.id.desc()),
        sent=rows("sent", OutboxMail.sent_at.desc(), OutboxMail.id.desc()),
    )


def retry(session: Session, mail_id: int, *, now: datetime | None = None,
          region_ids: frozenset[int] | None = None,
          actor_user_id: int | None = None) -> OutboxMail:
    """Put a failed mail back: pending, due ``now``, with a fresh count of attempts (flushed).

    ``NotFound`` unless the row exists, lies in ``region_ids`` (``None``: any) and has failed (a
    double click, or a row another admin retried meanwhile, changes nothing). The last error
    stays visible until the next attempt. Audited as ``mail.retried`` (status and attempts, no
    address or subject).
    """
    mail = session.get(OutboxMail, mail_id, with_for_update=True)
    if mail is None or not allows(region_ids, mail.region_id) or mail.status != "failed":
        raise NotFound(f"no failed mail {mail_id}")
    audit.record(session, "mail.retried", "mail", mail.id, actor_user_id=actor_user_id,
                 region_id=mail.region_id, details={
                     "kind": mail.kind, "fields": ["status", "attempts"],
                     "before": {"status": mail.status, "attempts": mail.attempts},
                     "after": {"status": "pending", "attempts": 0}})
    mail.status = "pending"
    mail.attempts = 0
    mail.next_attempt_at = now or utcnow()
    mail.claimed_by = None
    mail.claimed_until = None
    session.flush()
    return mail
