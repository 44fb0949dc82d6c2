"""Writing mail into the outbox, in the transaction of the change that causes it.

Nothing here talks to a mail server: ``sender.py`` does that later, in its own process. An
address with a line break (or any control character) is refused here, before it could reach a
header; forms refuse it earlier at the field with a German message.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ...models import OutboxMail
from ...models.base import utcnow

SUBJECT_MAX = 300


class UnsafeAddress(ValueError):
    """An address that could inject a header; the caller's form should have refused it."""


def _checked_address(address: str) -> str:
    if not address or any(not c.isprintable() or c.isspace() for c in address) or (
        address.count("@") != 1
    ):
        raise UnsafeAddress(f"not a single mail address: {address!r}")
    return address


def queue(
    session: Session,
    *,
    to: str,
    subject: str,
    text: str,
    kind: str,
    region_id: int | None = None,
    ics: str | None = None,
    html: str | None = None,
    dedupe_key: str | None = None,
    send_after: datetime | None = None,
    unsubscribe_url: str | None = None,
) -> OutboxMail:
    """Add one mail to the outbox (flushed, not committed).

    ``dedupe_key`` makes a mail unique (a second ``queue`` with the same key raises the
    database's ``IntegrityError``); ``send_after`` delays the first attempt (reminders);
    ``unsubscribe_url`` becomes the RFC 8058 one-click headers (``message.py``).
    """
    subject = " ".join(subject.split())[:SUBJECT_MAX]
    mail = OutboxMail(
        to_addr=_checked_address(to),
        subject=subject,
        body_text=text,
        body_html=html,
        ics=ics,
        kind=kind,
        region_id=region_id,
        dedupe_key=dedupe_key,
        list_unsubscribe=unsubscribe_url,
        status="pending",
        attempts=0,
        next_attempt_at=send_after or utcnow(),
        created_at=utcnow(),
    )
    session.add(mail)
    session.flush()
    return mail
