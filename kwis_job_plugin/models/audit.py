"""Audit log, the daily counters behind the success indicators and their yearly targets (no
personal data in any)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class AuditEntry(Base):
    __tablename__ = "kwis_job_audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    region_id: Mapped[int | None] = mapped_column(
        ForeignKey("kwis_job_region.id", ondelete="SET NULL")
    )
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class DailyCounter(Base):
    """One number per day, metric, scope and subject, e.g. views of ``offer:12`` in ``jena``."""

    __tablename__ = "kwis_job_daily_counter"
    __table_args__ = (UniqueConstraint("day", "metric", "scope", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    metric: Mapped[str] = mapped_column(String(60))
    scope: Mapped[str] = mapped_column(String(60), default="")
    subject: Mapped[str] = mapped_column(String(60), default="")
    value: Mapped[int] = mapped_column(Integer, default=0)


class IndicatorTarget(Base):
    """A region's target for one success indicator in one year (e.g. 30 published employer
    profiles with offers in the pilot's first year), editable on the indicators dashboard."""

    __tablename__ = "kwis_job_indicator_target"
    __table_args__ = (UniqueConstraint("region_id", "year", "metric"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_id: Mapped[int] = mapped_column(
        ForeignKey("kwis_job_region.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    metric: Mapped[str] = mapped_column(String(60))
    target: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
