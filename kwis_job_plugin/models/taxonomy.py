"""Taxonomies: data seeded by a migration and editable by admins, never hard-coded in templates."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base


class _Term:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class OccupationalField(_Term, Base):
    """A BA Berufsfeld (16 at the top level) or an optional sub-group of one."""

    __tablename__ = "kwis_job_occupational_field"

    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("kwis_job_occupational_field.id", ondelete="CASCADE")
    )
    parent: Mapped[OccupationalField | None] = relationship(remote_side="OccupationalField.id")


class TrainingOccupation(_Term, Base):
    """A recognised Ausbildungsberuf, filed under one occupational field."""

    __tablename__ = "kwis_job_training_occupation"

    field_id: Mapped[int | None] = mapped_column(
        ForeignKey("kwis_job_occupational_field.id", ondelete="SET NULL"), index=True
    )
    field: Mapped[OccupationalField | None] = relationship()


class Benefit(_Term, Base):
    __tablename__ = "kwis_job_benefit"


class OfferType(_Term, Base):
    """A kind of "latent" offer; ``schema_kind`` picks JobPosting or Event for JSON-LD."""

    __tablename__ = "kwis_job_offer_type"

    schema_kind: Mapped[str] = mapped_column(String(20), default="job")
    employment_type: Mapped[str | None] = mapped_column(String(40))


class TargetGroup(_Term, Base):
    __tablename__ = "kwis_job_target_group"
