"""The plug-in's declarative base.

All own tables share one ``MetaData`` with a naming convention, so constraint names are the same
on SQLite and PostgreSQL and Alembic can drop them again on downgrade.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, MetaData, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

TABLE_PREFIX = "kwis_job_"

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = metadata


class Timestamps:
    """Created/updated stamps; ``updated_at`` also drives the staleness reminders."""

    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Publishable:
    """Columns of content that companies publish under a review rule (profiles, offers).

    The row is the working copy, ``published_snapshot`` the public version (see
    ``services/publication.py``). ``version`` is SQLAlchemy's optimistic lock: a second editor's
    stale save fails instead of overwriting the first.
    """

    published_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    review_comment: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    reviewed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    updated_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    stale_notified_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Set when an unanswered reminder took the content off the portal (kept, not deleted);
    # cleared when the company confirms or changes it (migration 0009).
    stale_hidden_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}
