"""Employer profiles (one per host customer) and their pictures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Publishable, Timestamps, metadata
from .taxonomy import Benefit, OccupationalField, TrainingOccupation

PROFILE_STATUSES = ("draft", "in_review", "published", "archived")

profile_field = Table(
    "kwis_job_profile_field",
    metadata,
    Column(
        "profile_id",
        ForeignKey("kwis_job_employer_profile.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "field_id", ForeignKey("kwis_job_occupational_field.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)

profile_occupation = Table(
    "kwis_job_profile_occupation",
    metadata,
    Column(
        "profile_id",
        ForeignKey("kwis_job_employer_profile.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "occupation_id",
        ForeignKey("kwis_job_training_occupation.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)

profile_benefit = Table(
    "kwis_job_profile_benefit",
    metadata,
    Column(
        "profile_id",
        ForeignKey("kwis_job_employer_profile.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("benefit_id", ForeignKey("kwis_job_benefit.id", ondelete="CASCADE"), primary_key=True),
)


class EmployerProfile(Publishable, Timestamps, Base):
    """What a company tells young people about itself; one per host customer."""

    __tablename__ = "kwis_job_employer_profile"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), unique=True
    )
    region_id: Mapped[int | None] = mapped_column(
        ForeignKey("kwis_job_region.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    philosophy_html: Mapped[str] = mapped_column(Text, default="")
    custom_benefits: Mapped[list[str]] = mapped_column(JSON, default=list)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_role: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(60))
    video_url: Mapped[str | None] = mapped_column(String(500))
    social_links: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    fields: Mapped[list[OccupationalField]] = relationship(secondary=profile_field)
    occupations: Mapped[list[TrainingOccupation]] = relationship(secondary=profile_occupation)
    benefits: Mapped[list[Benefit]] = relationship(secondary=profile_benefit)
    media: Mapped[list[Media]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="Media.sort_order"
    )


class Media(Base):
    """A logo or photo, re-encoded on upload and kept in the database.

    Stored in the database rather than on disk so that several stateless app servers see the
    same files without a shared volume.
    """

    __tablename__ = "kwis_job_media"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("kwis_job_employer_profile.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    alt_text: Mapped[str] = mapped_column(String(300), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    profile: Mapped[EmployerProfile] = relationship(back_populates="media")
