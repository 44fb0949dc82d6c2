"""Campaigns: the agency invites companies of its customer database ("Aktivierung").

One ``Campaign`` is a selection (filters) and a mail text of one region. A ``CampaignRecipient``
row is written in the same transaction as the company's outbox mail; its unique key
(campaign, customer) is what makes sending idempotent: a second send finds the row and skips
the company, and two senders racing each other fail on the key instead of mailing twice.
``MailOptOut`` is the plug-in's own "no invitations, please" list (the host's customer table
has no such flag); every campaign leaves those companies out.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Timestamps, utcnow

PRESENCE_CHOICES = ("all", "none", "profile", "offers")
"""The "has a profile / has offers / none" filter: ``all`` no filter, ``none`` no profile yet,
``profile`` a profile (any state), ``offers`` a profile with at least one offer (any state)."""


class Campaign(Timestamps, Base):
    __tablename__ = "kwis_job_campaign"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_id: Mapped[int] = mapped_column(
        ForeignKey("kwis_job_region.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    filter_wz: Mapped[str | None] = mapped_column(String(10))
    """A WZ 2008 code or its leading part (``62`` takes ``62.01``)."""
    filter_size: Mapped[str | None] = mapped_column(String(20))
    filter_postcode: Mapped[str | None] = mapped_column(String(10))
    """A postcode or its leading digits (``077`` takes ``07743``)."""
    filter_presence: Mapped[str] = mapped_column(String(10), default="all")
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    last_sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class CampaignRecipient(Base):
    """A company invited by a campaign, and how far the invitation led it."""

    __tablename__ = "kwis_job_campaign_recipient"
    __table_args__ = (UniqueConstraint("campaign_id", "customer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("kwis_job_campaign.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    outbox_mail_id: Mapped[int | None] = mapped_column(Integer)
    """No foreign key: the outbox may be cleaned up, the invitation stays counted."""
    invited_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    logged_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    """When a user of the company, logged in, first followed the personal link."""


class MailOptOut(Base):
    """A company that asked for no invitations (set by an admin on the campaign page)."""

    __tablename__ = "kwis_job_mail_opt_out"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
