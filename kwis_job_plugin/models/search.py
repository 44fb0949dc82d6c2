"""The search index: one denormalised row per searchable offer, rebuilt on every write.

Search never reads the working copies, and it never joins profiles, customers or taxonomies at
query time: ``services/search_index.py`` copies what the public may see from the published
snapshots into ``SearchDoc`` (with the facets in ``SearchFacet``) whenever an offer or its
profile is published, paused, archived or changed, and deletes the row when the offer stops being
searchable. Expiry is the one rule checked at query time (``expires_on``), so no nightly job is
needed to hide an offer whose date has passed.

The portal does not query these tables directly: each process keeps a replica in memory
(``services/search_replica.py``) that follows ``SearchChange``, a log appended by a database
trigger on every written document (migration 0004), so a cascade or bulk delete is seen too.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow


def is_engine_specific(name: str | None) -> bool:
    """Whether a database object is one the models do not describe: the change log's triggers
    (and trigger function) exist per engine, see migration 0004."""
    return bool(name) and name.startswith("kwis_job_search_change_")


class SearchDoc(Base):
    """What the portal's search finds: the public version of one offer, ready to filter."""

    __tablename__ = "kwis_job_search_doc"
    __table_args__ = (Index("ix_kwis_job_search_doc_lat_lon", "lat", "lon"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offer_id: Mapped[int] = mapped_column(
        ForeignKey("kwis_job_offer.id", ondelete="CASCADE"), unique=True
    )
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("kwis_job_employer_profile.id", ondelete="CASCADE"), index=True
    )
    region_id: Mapped[int] = mapped_column(
        ForeignKey("kwis_job_region.id", ondelete="CASCADE"), index=True
    )
    offer_type: Mapped[str] = mapped_column(String(80), index=True)
    title: Mapped[str] = mapped_column(String(200))
    offer_slug: Mapped[str] = mapped_column(String(160))
    company_name: Mapped[str] = mapped_column(String(200))
    company_slug: Mapped[str] = mapped_column(String(120))
    postcode: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(120))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    places: Mapped[int | None] = mapped_column(Integer)
    has_places: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_on: Mapped[date | None] = mapped_column(Date, index=True)
    next_start: Mapped[date | None] = mapped_column(Date)
    yearly_window: Mapped[str | None] = mapped_column(String(11))
    rotation: Mapped[int] = mapped_column(Integer)
    company_rotation: Mapped[int] = mapped_column(Integer)
    title_terms: Mapped[str] = mapped_column(Text, default="")
    terms: Mapped[str] = mapped_column(Text, default="")
    indexed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    facets: Mapped[list[SearchFacet]] = relationship(
        back_populates="doc", cascade="all, delete-orphan"
    )


class SearchFacet(Base):
    """One filter value of a document, e.g. ``("field", "it")`` or ``("benefit", "jobticket")``."""

    __tablename__ = "kwis_job_search_facet"
    __table_args__ = (Index("ix_kwis_job_search_facet_facet_key", "facet", "key"),)

    doc_id: Mapped[int] = mapped_column(
        ForeignKey("kwis_job_search_doc.id", ondelete="CASCADE"), primary_key=True
    )
    facet: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)

    doc: Mapped[SearchDoc] = relationship(back_populates="facets")


class SearchChange(Base):
    """One written document: the replicas re-read the offers logged after their last ``seq``.

    Rows come only from the trigger of migration 0004 (never from Python), which also keeps the
    log to its last 10,000 rows."""

    __tablename__ = "kwis_job_search_change"
    __table_args__ = {"sqlite_autoincrement": True}

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), Identity(), primary_key=True
    )
    offer_id: Mapped[int] = mapped_column(Integer)


class SettingsVersion(Base):
    """One row: a number that grows whenever regions, switches, taxonomies or looks change.

    Every worker compares it with the version of its copy of those settings at each request
    (``services/search_settings.py``); it used to be a special ``DailyCounter`` row."""

    __tablename__ = "kwis_job_settings_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"),
                                         default=0)


class SearchSnapshot(Base):
    """The search replica serialised (``services/search_snapshot.py``), so a new worker starts
    from it and the change log instead of reading every document. One row (``id`` 1); a cache
    like the replica itself: deleting it costs only a slower first search."""

    __tablename__ = "kwis_job_search_snapshot"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    """The change-log ``seq`` the snapshot is current with."""
    format: Mapped[int] = mapped_column(Integer)
    written_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    data: Mapped[bytes] = mapped_column(LargeBinary)
