"""Events run by the agency, the companies taking part, their visit slots and registrations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamps, utcnow
from .profile import EmployerProfile
from .region import Region

EVENT_KINDS = (
    "fair", "open_companies", "project_week", "info_day", "parents_evening", "returnee_day",
)
EVENT_STATUSES = ("draft", "published", "cancelled", "archived")
SLOT_STATUSES = ("open", "cancelled")
PARTICIPATION_STATUSES = ("registered", "withdrawn")
REGISTRATION_STATUSES = ("pending", "confirmed", "waitlisted", "cancelled", "expired")
ACTIVE_REGISTRATION_STATUSES = ("pending", "confirmed", "waitlisted")
"""A registration in one of these holds a place or a spot in the queue; at most one per address
and slot (the partial unique index below)."""
HOLDING_STATUSES = ("pending", "confirmed")
"""These hold places of the slot's capacity: a pending place waits for a guardian."""
TOKEN_PURPOSES = ("cancel", "guardian")


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
    at_companies: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """"In den Betrieben": no central venue, every slot has its own place."""
    venue: Mapped[str | None] = mapped_column(String(200))
    street: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(120))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    participation_opens_at: Mapped[datetime | None] = mapped_column(DateTime)
    participation_closes_at: Mapped[datetime | None] = mapped_column(DateTime)
    """The window in which companies can take part and add slots (naive Europe/Berlin)."""
    registration_opens_at: Mapped[datetime | None] = mapped_column(DateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(DateTime)
    retention_days: Mapped[int] = mapped_column(
        Integer, default=90, server_default=text("90")
    )
    """Registrations are deleted this many days after ``ends_on`` (``kwis-job retention run``)."""
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )

    region: Mapped[Region] = relationship()
    participations: Mapped[list[EventParticipation]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )


class EventParticipation(Timestamps, Base):
    """A company taking part in an event: a stand at a fair, or visit slots of its own."""

    __tablename__ = "kwis_job_event_participation"
    __table_args__ = (UniqueConstraint("event_id", "profile_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("kwis_job_event.id", ondelete="CASCADE"))
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("kwis_job_employer_profile.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="registered")
    note: Mapped[str | None] = mapped_column(Text)
    stand_info: Mapped[str | None] = mapped_column(Text)
    """At a fair: what the stand shows."""
    stand_people: Mapped[str | None] = mapped_column(String(300))
    """At a fair: who is there (roles, e.g. "zwei Auszubildende und die Ausbilderin")."""
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)

    event: Mapped[Event] = relationship(back_populates="participations")
    profile: Mapped[EmployerProfile] = relationship()
    slots: Mapped[list[Slot]] = relationship(
        back_populates="participation", cascade="all, delete-orphan", order_by="Slot.starts_at"
    )


class Slot(Timestamps, Base):
    """A visit slot with a capacity; the capacity check happens under a row lock in services.

    ``confirmed_count`` is the number of places held (pending and confirmed registrations, party
    sizes summed). Only ``services/events/registrations.py`` writes it, under the slot's row
    lock and recounted there, so public pages can show places left without counting rows.
    """

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
    """How many may wait once the slot is full; 0: no waiting list."""
    confirmed_count: Mapped[int] = mapped_column(Integer, default=0)
    min_age: Mapped[int | None] = mapped_column(Integer)
    min_grade: Mapped[int | None] = mapped_column(Integer)
    max_party_size: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    """Above 1, a teacher may register a class of up to this many people at once."""
    place: Mapped[str | None] = mapped_column(String(200))
    """The meeting point."""
    accessibility: Mapped[str | None] = mapped_column(String(500))
    field_ids: Mapped[list[int] | None] = mapped_column(JSON)
    """Ids of the occupational fields (``kwis_job_occupational_field``) the visit shows."""
    status: Mapped[str] = mapped_column(String(20), default="open")
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    participation: Mapped[EventParticipation] = relationship(back_populates="slots")
    registrations: Mapped[list[Registration]] = relationship(
        back_populates="slot", cascade="all, delete-orphan"
    )


_ACTIVE = "status IN ('pending', 'confirmed', 'waitlisted')"


class Registration(Base):
    """A pupil's, parent's or teacher's place in a slot, with as little personal data as will do.

    E-mail addresses are stored lower-cased, so the partial unique index refuses the same
    address twice among the active registrations of one slot. Tokens live in
    ``RegistrationToken``, as hashes only.
    """

    __tablename__ = "kwis_job_registration"
    __table_args__ = (
        Index(
            "uq_kwis_job_registration_active_email",
            "slot_id",
            "email",
            unique=True,
            sqlite_where=text(_ACTIVE),
            postgresql_where=text(_ACTIVE),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slot_id: Mapped[int] = mapped_column(
        ForeignKey("kwis_job_slot.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254), index=True)
    school: Mapped[str | None] = mapped_column(String(200))
    grade: Mapped[int | None] = mapped_column(Integer)
    party_size: Mapped[int] = mapped_column(Integer, default=1)
    under_16: Mapped[bool] = mapped_column(Boolean, default=False)
    guardian_email: Mapped[str | None] = mapped_column(String(254), index=True)
    guardian_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    pending_until: Mapped[datetime | None] = mapped_column(DateTime)
    """A pending place is released at this time unless the guardian has confirmed."""
    form_nonce: Mapped[str | None] = mapped_column(String(64), unique=True)
    """The nonce of the signed form that created the row: a double submit finds it again."""
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    promoted_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    slot: Mapped[Slot] = relationship(back_populates="registrations")
    tokens: Mapped[list[RegistrationToken]] = relationship(
        back_populates="registration", cascade="all, delete-orphan"
    )


class RegistrationToken(Base):
    """A link sent by mail (cancel, guardian confirmation): random, one purpose, expiring.

    Only the SHA-256 of the token is stored, so a leaked table cannot cancel anyone's place.
    """

    __tablename__ = "kwis_job_registration_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("kwis_job_registration.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="tokens")

