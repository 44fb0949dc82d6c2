"""What a portal request needs and admins rarely change, read once per process and version.

Every search used to read the regions with their feature switches and the five taxonomies, and
the page header read the switches twice more for the calendar link (issue #12). They change a
few times a year, so each process keeps them (``Settings``) and checks one number per request:
the settings version, the one row of ``kwis_job_settings_version``, read together with the
search change log's numbers in one statement (``search_versions``). Any flush that
inserts, changes or deletes a region (its look included), a feature switch or a taxonomy term
adds one to that number in the same transaction (``_bump``, an ORM flush listener), so a switch
thrown in the admin area reaches every worker at its next request, the way the search replica
follows its change log (``search_sync``). The database stays the only source of truth.

Writes outside the ORM (SQL by hand, a migration) do not bump it: a migration runs before the
workers start; anything else calls ``bump`` itself.

A transaction that has itself changed settings and not committed gets values read fresh and
not kept, so the shared copy never holds writes that might still roll back. No Flask here.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from types import MappingProxyType

from sqlalchemy import event, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..models import (
    Benefit,
    FeatureSwitch,
    OccupationalField,
    OfferType,
    Region,
    RegionLegal,
    TargetGroup,
    TrainingOccupation,
)
from . import features, region_theme, search_versions, taxonomy

WATCHED = (Region, FeatureSwitch, OfferType, TargetGroup, OccupationalField,
           TrainingOccupation, Benefit, RegionLegal)
"""Rows whose change changes what every portal page shows (the legal data: the footer's links;
the version also keys the finished pages of ``response_cache``)."""
_CHANGED = "kwis_job_settings_changed"

_BUMP = text(
    # one statement, the same on SQLite and PostgreSQL, and safe when two admins change
    # settings at once (the row's key serialises them; no insert race on the first)
    "INSERT INTO kwis_job_settings_version (id, version) VALUES (1, 1)"
    " ON CONFLICT (id) DO UPDATE SET version = kwis_job_settings_version.version + 1"
)


@dataclass(frozen=True)
class Settings:
    """Regions with the portal or events on, and the active taxonomy names."""

    version: int | None
    portal_regions: tuple  # rows (id, slug, name) of regions with the portal on, by name
    event_region_ids: frozenset[int]  # events and the portal both on (the calendar's rule)
    api_region_ids: frozenset[int]  # the API (feeds, calendars) and the portal both on
    embed_region_ids: frozenset[int]  # the widget and the school button and the portal on
    alert_region_ids: frozenset[int]  # alerts (subscription, returnees) and the portal on
    taxonomies: tuple[MappingProxyType, ...]
    """key -> name of the active offer types, target groups, fields, occupations and benefits
    (read-only: one copy serves every request of the process)."""
    themes: MappingProxyType  # region slug -> region_theme.Theme (the region's look)


@dataclass
class _Slot:
    settings: Settings | None = None


_slots: weakref.WeakKeyDictionary[Engine, _Slot] = weakref.WeakKeyDictionary()
_lock = threading.Lock()
_IN_TRANSACTION = "kwis_job_settings"


def version(session: Session) -> int:
    """The settings version as this transaction sees it (0 before the first change), read
    with the change log's numbers in one statement (``search_versions``)."""
    return search_versions.read(session).settings


def _read(session: Session, number: int | None) -> Settings:
    portal = features.regions_with(session, "portal")
    events = {row.id for row in features.regions_with(session, "events")}
    return Settings(
        version=number,
        portal_regions=tuple(portal),
        event_region_ids=frozenset(events & {row.id for row in portal}),
        api_region_ids=frozenset(features.enabled_region_ids(session, "api")
                                 & {row.id for row in portal}),
        embed_region_ids=frozenset(features.enabled_region_ids(session, "embed")
                                   & {row.id for row in portal}),
        alert_region_ids=frozenset(features.enabled_region_ids(session, "alerts")
                                   & {row.id for row in portal}),
        taxonomies=tuple(MappingProxyType(names) for names in taxonomy.active_names_of(
            session, OfferType, TargetGroup, OccupationalField, TrainingOccupation, Benefit
        )),
        themes=MappingProxyType({
            slug: region_theme.for_region(session, slug)
            for slug in session.scalars(select(Region.slug).order_by(Region.id))
        }),
    )


def current(session: Session) -> Settings:
    """The settings for this transaction: the process's copy if its version is current.

    Asked again in the same transaction (the page header after the search), the answer is
    the one already found, without another look at the version."""
    if session.info.get(_CHANGED):
        return _read(session, None)
    transaction = session.get_transaction()
    known_here = session.info.get(_IN_TRANSACTION)
    if known_here is not None and transaction is not None and known_here[0] is transaction:
        return known_here[1]
    found = _current(session)
    session.info[_IN_TRANSACTION] = (session.get_transaction(), found)
    return found


def _current(session: Session) -> Settings:
    number = version(session)
    engine = session.get_bind()
    with _lock:
        slot = _slots.get(engine)
        if slot is None:
            slot = _slots[engine] = _Slot()
        known = slot.settings
    if known is not None and known.version == number:
        return known
    fresh = _read(session, number)
    with _lock:
        slot.settings = fresh
    return fresh


def bump(session: Session) -> None:
    """Add one to the settings version in ``session``'s transaction (flushes nothing)."""
    _mark(session)
    session.execute(_BUMP)
    search_versions.forget(session)


def _mark(session: Session) -> None:
    if session.info.get(_CHANGED):
        return
    session.info[_CHANGED] = True

    def clear(*_args) -> None:
        session.info.pop(_CHANGED, None)

    event.listen(session, "after_commit", clear, once=True)
    event.listen(session, "after_rollback", clear, once=True)


@event.listens_for(Session, "after_flush")
def _bump(session: Session, _context) -> None:
    changed = any(isinstance(obj, WATCHED) for obj in (*session.new, *session.deleted)) or any(
        isinstance(obj, WATCHED) and session.is_modified(obj, include_collections=False)
        for obj in session.dirty
    )
    if changed:
        bump(session)
