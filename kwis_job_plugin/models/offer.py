"""Offers: the "latent" opportunities a company has for young people."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Publishable, Timestamps, metadata
from .profile import EmployerProfile
from .taxonomy import OccupationalField, OfferType, TargetGroup

OFFER_STATUSES = ("draft", "in_review", "published", "paused", "archived")
TIME_MODES = ("fixed", "range", "by_arrangement", "yearly")
PLACE_MODES = ("company", "other", "multiple")

offer_field = Table(
    "kwis_job_offer_field",
    metadata,
    Column("offer_id", ForeignKey("kwis_job_offer.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "field_id", ForeignKey("kwis_job_occupational_field.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)

offer_target_group = Table(
    "kwis_job_offer_target_group",
    metadata,
    Column("offer_id", ForeignKey("kwis_job_offer.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "target_group_id", ForeignKey("kwis_job_target_group.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


class Offer(Publishable, Timestamps, Base):
    """One offer of one employer profile.

    Time is one of four modes: fixed dates, a date range, "nach Absprache", or a yearly
    recurrence given as month/day bounds, so that a summer job need not be re-entered each year.
    """

    __tablename__ = "kwis_job_offer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("kwis_job_employer_profile.id", ondelete="CASCADE"), index=True
    )
    offer_type_id: Mapped[int] = mapped_column(ForeignKey("kwis_job_offer_type.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    slug: Mapped[str] = mapped_column(String(160))
    title: Mapped[str] = mapped_column(String(200))
    description_html: Mapped[str] = mapped_column(Text, default="")
    min_age: Mapped[int | None] = mapped_column(Integer)
    min_grade: Mapped[int | None] = mapped_column(Integer)
    places: Mapped[int | None] = mapped_column(Integer)
    time_mode: Mapped[str] = mapped_column(String(20), default="by_arrangement")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    fixed_dates: Mapped[list[str]] = mapped_column(JSON, default=list)
    recur_start_month: Mapped[int | None] = mapped_column(Integer)
    recur_start_day: Mapped[int | None] = mapped_column(Integer)
    recur_end_month: Mapped[int | None] = mapped_column(Integer)
    recur_end_day: Mapped[int | None] = mapped_column(Integer)
    valid_until: Mapped[date | None] = mapped_column(Date)
    place_mode: Mapped[str] = mapped_column(String(20), default="company")
    street: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(10), index=True)
    city: Mapped[str | None] = mapped_column(String(120))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    apply_contact: Mapped[str | None] = mapped_column(String(200))
    apply_url: Mapped[str | None] = mapped_column(String(500))
    apply_email: Mapped[str | None] = mapped_column(String(254))
    accessible_workplace: Mapped[bool] = mapped_column(Boolean, default=False)

    profile: Mapped[EmployerProfile] = relationship()
    offer_type: Mapped[OfferType] = relationship()
    fields: Mapped[list[OccupationalField]] = relationship(secondary=offer_field)
    target_groups: Mapped[list[TargetGroup]] = relationship(secondary=offer_target_group)
