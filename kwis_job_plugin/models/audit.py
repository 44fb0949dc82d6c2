"""Audit log and the daily counters behind the success indicators (no personal data in either)."""

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
