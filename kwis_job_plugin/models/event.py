"""Events run by the agency, the companies taking part, their visit slots and registrations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamps
from .profile import EmployerProfile
from .region import Region

EVENT_KINDS = ("fair", "open_companies", "project_week", "info_day")
EVENT_STATUSES = ("draft", "published", "cancelled", "archived")
REGISTRATION_STATUSES = ("pending", "confirmed", "waitlisted", "cancelled")


class Event(Timestamps, Base):
    __tablename__ = "kwis_job_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_id: Mapped[int] = mapped_column(
        ForeignKey("kwis_job_region.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    slug: Mapped[str] = mapped_column(String(160))
    title: Mapped[str] = mapped_column(String(200))
    description_html: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    venue: Mapped[str | None] = mapped_column(String(200))
    street: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(120))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    registration_opens_at: Mapped[datetime | None] = mapped_column(DateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )

    region: Mapped[Region] = relationship()
    participations: Mapped[list[EventParticipation]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )


class EventParticipation(Timestamps, Base):
    """A company taking part in an event."""

    __tablename__ = "kwis_job_event_participation"
    __table_args__ = (UniqueConstraint("event_id", "profile_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("kwis_job_event.id", ondelete="CASCADE"))
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("kwis_job_employer_profile.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="registered")
    note: Mapped[str | None] = mapped_column(Text)

    event: Mapped[Event] = relationship(back_populates="participations")
    profile: Mapped[EmployerProfile] = relationship()
    slots: Mapped[list[Slot]] = relationship(
        back_populates="participation", cascade="all, delete-orphan", order_by="Slot.starts_at"
    )


class Slot(Timestamps, Base):
    """A visit slot with a capacity; the capacity check happens under a row lock in services."""

    __tablename__ = "kwis_job_slot"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participation_id: Mapped[int] = mapped_column(
        ForeignKey("kwis_job_event_participation.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    waitlist_capacity: Mapped[int] = mapped_column(Integer, default=0)
    confirmed_count: Mapped[int] = mapped_column(Integer, default=0)
    min_age: Mapped[int | None] = mapped_column(Integer)
    place: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="open")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    participation: Mapped[EventParticipation] = relationship(back_populates="slots")
    registrations: Mapped[list[Registration]] = relationship(
        back_populates="slot", cascade="all, delete-orphan"
    )


class Registration(Base):
    """A pupil's or parent's place in a slot, with as little personal data as will do.

    Only a hash of the cancel/confirm token is stored, so a leaked table cannot be used to
    cancel someone else's place.
    """

    __tablename__ = "kwis_job_registration"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slot_id: Mapped[int] = mapped_column(
        ForeignKey("kwis_job_slot.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    party_size: Mapped[int] = mapped_column(Integer, default=1)
    under_16: Mapped[bool] = mapped_column(Boolean, default=False)
    guardian_email: Mapped[str | None] = mapped_column(String(254))
    guardian_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    slot: Mapped[Slot] = relationship(back_populates="registrations")
