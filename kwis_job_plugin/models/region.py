"""Regions (the agency's area, found by AGS prefix) and their feature switches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from .base import Base, Timestamps, utcnow

REVIEW_RULES = ("none", "first_publication", "every_change")
"""``none``: submitting publishes; ``first_publication``: only a first release is reviewed;
``every_change``: every submitted change waits for an admin."""


class Region(Timestamps, Base):
    __tablename__ = "kwis_job_region"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    review_rule: Mapped[str] = mapped_column(String(20), default="every_change")
    theme_color: Mapped[str | None] = mapped_column(String(7))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    # The portal's look in this region (``services/region_theme.py``; migration 0005). Colours
    # are "#rrggbb" that white text can stand on; the logo is re-encoded like profile pictures
    # and kept in the row, deferred, so listing regions never loads it.
    theme_color_secondary: Mapped[str | None] = mapped_column(String(7))
    logo_data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    logo_content_type: Mapped[str | None] = mapped_column(String(40))
    logo_width: Mapped[int | None] = mapped_column(Integer)
    logo_height: Mapped[int | None] = mapped_column(Integer)
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
    logo_alt: Mapped[str | None] = mapped_column(String(300))
    # Days without a change after which a profile or offer gets its "still current?" reminder,
    # and after as many again without an answer leaves the portal; None: the installation's
    # ``KWIS_JOB_STALE_AFTER_DAYS`` (migration 0009).
    stale_after_days: Mapped[int | None] = mapped_column(Integer)

    ags_prefixes: Mapped[list[RegionAgsPrefix]] = relationship(
        back_populates="region", cascade="all, delete-orphan", order_by="RegionAgsPrefix.prefix"
    )
    feature_switches: Mapped[list[FeatureSwitch]] = relationship(
        back_populates="region", cascade="all, delete-orphan"
    )


class RegionAgsPrefix(Base):
    """An AGS prefix (e.g. ``16053`` for Jena) that places a customer in a region."""

    __tablename__ = "kwis_job_region_ags_prefix"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_id: Mapped[int] = mapped_column(
        ForeignKey("kwis_job_region.id", ondelete="CASCADE"), index=True
    )
    prefix: Mapped[str] = mapped_column(String(8), unique=True)

    region: Mapped[Region] = relationship(back_populates="ags_prefixes")


class FeatureSwitch(Base):
    """The state of one declared feature in one region; no row means the feature's default."""

    __tablename__ = "kwis_job_feature_switch"
    __table_args__ = (UniqueConstraint("region_id", "feature_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("kwis_job_region.id", ondelete="CASCADE"))
    feature_key: Mapped[str] = mapped_column(String(60))
    enabled: Mapped[bool] = mapped_column(Boolean)
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    changed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )

    region: Mapped[Region] = relationship(back_populates="feature_switches")
