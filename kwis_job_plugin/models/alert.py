"""Alerts (issue 11, the Alumni-Karte): double opt-in digests of new offers and events, and the
"Zurück in der Region" messages of people who came back.

One subscription per address (``email`` is stored lower-case and unique): a second request for
an address that is pending or confirmed sends no second confirmation mail. A request is
``pending`` until its link is used, and deleted when ``confirm_until`` has passed
(``kwis-job alerts tick``). Unsubscribing deletes the row (and its digests); nothing is kept
"unsubscribed". The consent record is ``consent_version`` (the version of the consent text
shown), ``created_at`` (request) and ``confirmed_at`` (confirmation).

``AlertDigest`` is one digest of one subscriber for one period (``2027-03``, ``2027-Q1``,
``2027-H1``, ``2027``): written in the transaction that queues its mail, unique per subscriber
and period, so a crashed and rerun ``kwis-job alerts send`` never sends one digest twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow

ALERT_STATUSES = ("pending", "active")
ALERT_FREQUENCIES = ("monthly", "quarterly", "halfyearly", "yearly")


class AlertSubscription(Base):
    __tablename__ = "kwis_job_alert_subscription"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_id: Mapped[int | None] = mapped_column(
        ForeignKey("kwis_job_region.id", ondelete="CASCADE"), index=True
    )
    """The region whose page took the request (its mails are the region's)."""
    email: Mapped[str] = mapped_column(String(254), unique=True)
    interests: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """``{"regions": [ids], "types": [keys], "fields": [keys], "events": bool}``; an empty
    list means "all"."""
    frequency: Mapped[str] = mapped_column(String(10), default="quarterly")
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the confirmation link's random token."""
    consent_version: Mapped[str] = mapped_column(String(20))
    return_hint: Mapped[str | None] = mapped_column(String(20))
    """"Ich komme vielleicht zurück in ...": ``YYYY-MM``, ``unsure`` or empty."""
    source: Mapped[str | None] = mapped_column(String(60))
    """The campaign code the page was opened with (``?quelle=karte-jena``)."""
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    confirm_until: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    """Up to when the last digest reported (the next one reports what is new since)."""


class AlertDigest(Base):
    __tablename__ = "kwis_job_alert_digest"
    __table_args__ = (UniqueConstraint("subscription_id", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("kwis_job_alert_subscription.id", ondelete="CASCADE",
                   name="fk_kwis_job_alert_digest_subscription"),  # the default is too long
        index=True,
    )
    period: Mapped[str] = mapped_column(String(10))
    items: Mapped[int] = mapped_column(Integer, default=0)
    outbox_id: Mapped[int | None] = mapped_column(Integer)
    """The mail queued (none when nothing was new)."""
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Returnee(Base):
    """Someone telling the region's agency they are back ("Zurück in der Region")."""

    __tablename__ = "kwis_job_returnee"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_id: Mapped[int] = mapped_column(
        ForeignKey("kwis_job_region.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    looking_for: Mapped[str] = mapped_column(Text)
    consent_version: Mapped[str] = mapped_column(String(20))
    form_nonce: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
