"""The mail outbox: mail is written here in the same transaction as the change that causes it.

Senders claim rows before they send (``claimed_by`` and a lease in ``claimed_until``), so several
senders never send the same row, and a sender that dies mid-batch leaves rows that another one
takes over once the lease has run out (``services/mail/sender.py``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow

MAIL_STATUSES = ("pending", "sent", "failed")


class OutboxMail(Base):
    __tablename__ = "kwis_job_mail_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    to_addr: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    ics: Mapped[str | None] = mapped_column(Text)
    """An iCalendar attachment (``invite.ics``), e.g. the visit slot of a confirmation."""
    kind: Mapped[str | None] = mapped_column(String(40))
    """What the mail is about (``registration.confirmed``, ...); shown on the admin page."""
    region_id: Mapped[int | None] = mapped_column(Integer, index=True)
    """The region the mail belongs to (no foreign key: a mail outlives its region)."""
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, index=True, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    list_unsubscribe: Mapped[str | None] = mapped_column(String(500))
    """A one-click unsubscribe link (alerts): sent as ``List-Unsubscribe`` with
    ``List-Unsubscribe-Post`` (RFC 8058) by ``services/mail/message.py``."""
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
