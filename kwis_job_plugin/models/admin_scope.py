"""Which regions a host admin may see and change (issue 10: admins per region).

The host knows only "admin"; the plug-in narrows it. A host admin without an ``AdminScope`` row
is a global admin, as every admin was before regions could be assigned, so an upgrade locks
nobody out. Once a global admin assigns regions, the row says ``all_regions = False`` and the
``RegionAdmin`` rows list the regions; taking the last region away leaves an admin who sees
nothing rather than one who silently becomes global again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class AdminScope(Base):
    __tablename__ = "kwis_job_admin_scope"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    all_regions: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    changed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )


class RegionAdmin(Base):
    """One region a restricted admin may manage."""

    __tablename__ = "kwis_job_region_admin"
    __table_args__ = (UniqueConstraint("user_id", "region_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), index=True
    )
    region_id: Mapped[int] = mapped_column(
        ForeignKey("kwis_job_region.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
