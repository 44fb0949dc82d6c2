"""The public event calendar and event pages: which events are public and what they show.

Whether an event is public is decided here and nowhere else, so the calendar, the event page,
its calendar file, its JSON-LD and the sitemap can never disagree:

* An event is public while it is ``published``, has not ended (``ends_on`` is today or later)
  and its region has both the ``events`` and the ``portal`` feature on: the calendar lives
  under /jobs/ and is part of the portal, so switching off either one hides it.
* A published event that has ended, or an archived one, is gone (the page answers 410);
  drafts, cancelled events and events of regions with a feature off do not exist (404).
* A company is named as taking part only while it has a company page of its own
  (the condition of ``public_pages.public_profile``), so an unpublished company never appears
  by name and no link leads to a 404. Companies are listed by name, not by size.

Slot times and registration windows are naive wall-clock times in Europe/Berlin, as the
company page shows them. No Flask here: ``today`` and the session come from the caller.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from babel.dates import format_date as babel_format_date
from sqlalchemy import ScalarSelect, bindparam, func, select
from sqlalchemy.orm import Session

from .. import i18n
from ..config import FEATURES
from ..i18n import N_, gettext
from ..models import (
    EmployerProfile,
    Event,
    EventParticipation,
    FeatureSwitch,
    OccupationalField,
    Region,
    RegionLegal,
    Registration,
    Slot,
)
from ..models.event import EVENT_KINDS
from ..models.host import customer_table
from . import features, publication, sanitize
from .input_checks import single_line
from .public_pages import SLUG, WITHDRAWN, Address, event_region_ids, region_state
from .sanitize import plain_text

KIND_LABELS = {
    "fair": N_("Ausbildungsmesse / Berufemarkt"),
    "open_companies": N_("Woche der offenen Unternehmen"),
    "project_week": N_("Projektwoche"),
    "info_day": N_("Infotag"),
    "parents_evening": N_("Elternabend"),
    "returnee_day": N_("Rückkehrertag / Treffpunkt Karriere"),
}
assert set(KIND_LABELS) == set(EVENT_KINDS), "every event kind needs a label"
SUMMARY_LENGTH = 200
DEFAULT_SLUG = "termin"
PARAM_LENGTH = 40
_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


def kind_label(kind: str) -> str:
    label = KIND_LABELS.get(kind)
    return gettext(label) if label else kind


def event_slug(event: Event) -> str:
    """The slug of the event's URL; an unusable stored one (typed by hand) falls back."""
    return event.slug if SLUG.fullmatch(event.slug or "") else DEFAULT_SLUG


def _sort_key(name: str) -> str:
    """"Ärztehaus" next to "Apotheke", not after "Zimmerei"."""
    return name.casefold().translate(_UMLAUTS)


_PUBLISHED_PROFILE = publication.public_conditions(EmployerProfile)
"""``publication.is_public`` of a company page, in SQL."""


def _public_profile_conditions(portal_region_ids: Iterable[int]) -> tuple:
    """``publication.is_public`` and the portal check of a company page, in SQL."""
    return (EmployerProfile.region_id.in_(list(portal_region_ids)), *_PUBLISHED_PROFILE)


def _company_slugs(session: Session, event_ids: list[int]) -> dict[int, list[str]]:
    """Per event, the slugs of the taking-part companies that have a company page."""
    if not event_ids:
        return {}
    portal_ids = features.enabled_region_ids(session, "portal")
    rows = session.execute(
        select(EventParticipation.event_id, EmployerProfile.slug)
        .join(EmployerProfile, EmployerProfile.id == EventParticipation.profile_id)
        .where(
            EventParticipation.event_id.in_(event_ids),
            EventParticipation.status.not_in(WITHDRAWN),
            *_public_profile_conditions(portal_ids),
        )
    ).all()
    found: dict[int, list[str]] = {}
    for event_id, slug in rows:
        if SLUG.fullmatch(slug or ""):
            found.setdefault(event_id, []).append(slug)
    return found


# --- the calendar ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarEntry:
    event_id: int
    slug: str
    title: str
    kind: str
    starts_on: date
    ends_on: date
    venue: str | None
    city: str | None
    region_name: str
    company_count: int


@dataclass(frozen=True)
class Month:
    first_day: date
    entries: list[CalendarEntry]


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    selected: bool


@dataclass
class Calendar:
    months: list[Month]
    region: str | None
    """The slug of the chosen region, if a valid one was asked for."""
    kind: str | None
    regions: list[Option]
    """Empty while only one region shows events: a choice of one is no choice."""
    kinds: list[Option]
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(month.entries) for month in self.months)

    @property
    def is_filtered(self) -> bool:
        return bool(self.region or self.kind)


def _checked(raw: str | None, known: dict[str, str], note: str, notes: list[str]) -> str | None:
    """A known value or ``None``; anything else is dropped with a German note."""
    value = single_line(raw or "")[:PARAM_LENGTH]
    if not value:
        return None
    if value in known:
        return value
    notes.append(gettext(note, value=value))
    return None


def calendar(
    session: Session, today: date, *, region: str | None = None, kind: str | None = None
) -> Calendar | None:
    """Public events, by start date and grouped by the month they start in, filtered by a
    region slug and an event kind; ``None`` when no region shows events at all."""
    region_ids = event_region_ids(session)
    if not region_ids:
        return None
    regions = session.execute(
        select(Region.id, Region.slug, Region.name)
        .where(Region.id.in_(list(region_ids)))
        .order_by(Region.name, Region.id)
    ).all()
    notes: list[str] = []
    region = _checked(
        region, {r.slug: r.name for r in regions},
        N_("Die Region „%(value)s“ gibt es hier nicht; gezeigt werden alle Regionen."), notes,
    )
    kind = _checked(
        kind, KIND_LABELS,
        N_("Die Art „%(value)s“ gibt es nicht; gezeigt werden alle Arten von Terminen."), notes,
    )
    query = (
        select(Event, Region.name)
        .join(Region, Region.id == Event.region_id)
        .where(
            Event.status == "published",
            Event.ends_on >= today,
            Event.region_id.in_(list(region_ids)),
        )
        .order_by(Event.starts_on, Event.ends_on, Event.id)
    )
    if region:
        query = query.where(Region.slug == region)
    if kind:
        query = query.where(Event.kind == kind)
    rows = session.execute(query).all()
    companies = _company_slugs(session, [event.id for event, _name in rows])
    months: list[Month] = []
    for event, region_name in rows:
        first_day = event.starts_on.replace(day=1)
        if not months or months[-1].first_day != first_day:
            months.append(Month(first_day, []))
        months[-1].entries.append(CalendarEntry(
            event_id=event.id,
            slug=event_slug(event),
            title=event.title,
            kind=event.kind,
            starts_on=event.starts_on,
            ends_on=event.ends_on,
            venue=event.venue,
            city=event.city,
            region_name=region_name,
            company_count=len(companies.get(event.id, [])),
        ))
    return Calendar(
        months=months,
        region=region,
        kind=kind,
        regions=[Option(r.slug, r.name, r.slug == region) for r in regions]
        if len(regions) > 1 else [],
        kinds=[Option(key, kind_label(key), key == kind) for key in EVENT_KINDS],
        notes=notes,
    )


# --- one event -------------------------------------------------------------------------------


def public_event(session: Session, event_id: int) -> Event | None:
    """The event if it is or was public (published or archived, in a region showing events);
    whether it is over is ``is_over``'s question, so the view can tell 410 from 404."""
    event = session.get(Event, event_id)
    if event is None or event.status not in ("published", "archived"):
        return None
    if event.region_id not in event_region_ids(session):
        return None
    return event


def is_over(event: Event, today: date) -> bool:
    return event.status == "archived" or event.ends_on < today


@dataclass(frozen=True)
class SlotView:
    slot_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str | None
    min_age: int | None
    capacity: int
    places_left: int
    min_grade: int | None = None
    field_ids: tuple[int, ...] = ()
    waitlist_capacity: int = 0
    waiting: int = 0
    """People on the waiting list (party sizes summed)."""
    max_party_size: int = 1
    description: str | None = None
    accessibility: str | None = None

    @property
    def full(self) -> bool:
        return self.places_left <= 0

    @property
    def waitlist_left(self) -> int:
        return max(0, self.waitlist_capacity - self.waiting)

    @property
    def bookable(self) -> bool:
        """A registration would get a place or a spot on the waiting list."""
        return not self.full or self.waitlist_left > 0

    def started(self, now_berlin: datetime) -> bool:
        return now_berlin >= self.starts_at


@dataclass(frozen=True)
class Participant:
    name: str
    slug: str
    city: str | None
    slots: list[SlotView]


@dataclass
class EventPage:
    event_id: int
    slug: str
    title: str
    kind: str
    starts_on: date
    ends_on: date
    venue: str | None
    address: Address
    region_name: str
    region_slug: str
    description_html: str
    """Cleaned again on the way out (as offers are), whatever wrote it."""
    summary: str
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    participants: list[Participant]
    changed_at: datetime
    organizer: str = ""
    """Who runs the event: the agency's name from the region's legal data, else the region's."""

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    def slot(self, slot_id: int) -> tuple[Participant, SlotView] | None:
        for participant in self.participants:
            for slot in participant.slots:
                if slot.slot_id == slot_id:
                    return participant, slot
        return None

    def registration_state(self, now_berlin: datetime) -> str:
        return registration_state(self.registration_opens_at, self.registration_closes_at,
                                  now_berlin)


def registration_state(opens_at: datetime | None, closes_at: datetime | None,
                       now_berlin: datetime) -> str:
    """``open``, ``not_yet`` or ``closed``: an event's registration window (naive Berlin
    time; no window: open until a slot starts)."""
    if opens_at and now_berlin < opens_at:
        return "not_yet"
    if closes_at and now_berlin > closes_at:
        return "closed"
    return "open"


def _waiting(session: Session, slot_ids: list[int]) -> dict[int, int]:
    """People waiting per slot (one grouped query; the waiting list has no stored count)."""
    if not slot_ids:
        return {}
    return dict(session.execute(
        select(Registration.slot_id, func.sum(Registration.party_size))
        .where(Registration.slot_id.in_(slot_ids), Registration.status == "waitlisted")
        .group_by(Registration.slot_id)
    ).all())


def _slot_view(slot, waiting: int) -> SlotView:
    """A ``SlotView`` of a ``Slot`` or of a row with the same column names."""
    return SlotView(
        slot_id=slot.id,
        title=slot.title,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        place=slot.place,
        min_age=slot.min_age,
        capacity=slot.capacity,
        places_left=max(0, slot.capacity - (slot.confirmed_count or 0)),
        min_grade=slot.min_grade,
        field_ids=tuple(i for i in (slot.field_ids or []) if isinstance(i, int)),
        waitlist_capacity=slot.waitlist_capacity or 0,
        waiting=waiting or 0,
        max_party_size=max(1, slot.max_party_size or 1),
        description=slot.description,
        accessibility=slot.accessibility,
    )


def _participants(session: Session, event: Event, today: date) -> list[Participant]:
    portal_ids = features.enabled_region_ids(session, "portal")
    rows = session.execute(
        select(EventParticipation.id, EmployerProfile, customer_table.c.city)
        .join(EmployerProfile, EmployerProfile.id == EventParticipation.profile_id)
        .outerjoin(customer_table, customer_table.c.id == EmployerProfile.customer_id)
        .where(
            EventParticipation.event_id == event.id,
            EventParticipation.status.not_in(WITHDRAWN),
            *_public_profile_conditions(portal_ids),
        )
    ).all()
    rows = [row for row in rows if SLUG.fullmatch(row[1].slug or "")]
    slots: dict[int, list[SlotView]] = {}
    if rows:
        found = session.scalars(
            select(Slot)
            .where(
                Slot.participation_id.in_([row[0] for row in rows]),
                Slot.status != "cancelled",
                Slot.ends_at >= datetime.combine(today, time.min),
            )
            .order_by(Slot.starts_at, Slot.id)
        ).all()
        waiting = _waiting(session, [slot.id for slot in found])
        for slot in found:
            slots.setdefault(slot.participation_id, []).append(
                _slot_view(slot, waiting.get(slot.id, 0)))
    participants = []
    for pid, profile, city in rows:
        participants.append(Participant(
            name=(profile.published_snapshot or {}).get("display_name") or profile.display_name,
            slug=profile.slug,
            city=city,
            slots=slots.get(pid, []),
        ))
    return sorted(participants, key=lambda p: (_sort_key(p.name), p.slug))


def event_page(session: Session, event: Event, today: date) -> EventPage:
    """What the page of a public event shows (``public_event`` decides that it has one)."""
    region = session.get(Region, event.region_id)
    description = sanitize.clean_html(event.description_html)
    participants = _participants(session, event, today)
    changed = session.scalar(
        select(func.max(EventParticipation.updated_at)).where(
            EventParticipation.event_id == event.id
        )
    )
    return EventPage(
        event_id=event.id,
        slug=event_slug(event),
        title=event.title,
        kind=event.kind,
        starts_on=event.starts_on,
        ends_on=event.ends_on,
        venue=event.venue,
        address=Address(event.street, event.postcode, event.city, event.lat, event.lon,
                        region=region_state(session, event.region_id)),
        region_name=region.name if region else "",
        region_slug=region.slug if region else "",
        description_html=description,
        summary=plain_text(description, SUMMARY_LENGTH),
        registration_opens_at=event.registration_opens_at,
        registration_closes_at=event.registration_closes_at,
        participants=participants,
        changed_at=max(d for d in (event.updated_at, changed, event.created_at) if d),
        organizer=_organizer(session, region),
    )


def _organizer(session: Session, region: Region | None) -> str:
    if region is None:
        return ""
    operator = session.scalar(
        select(RegionLegal.operator_name).where(RegionLegal.region_id == region.id)
    )
    return (operator or "").strip() or region.name


@dataclass(frozen=True)
class SlotPage:
    """What a slot's registration page shows (``registration_slot``): the slot, its company and
    just enough of its event, without the rest of the event page."""

    slot: SlotView
    company: str
    city: str | None
    event_id: int
    slug: str
    title: str
    """The event's title."""
    kind: str
    """The event's kind: a returnee day's form asks no school, grade or age."""
    region_slug: str
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None

    def registration_state(self, now_berlin: datetime) -> str:
        return registration_state(self.registration_opens_at, self.registration_closes_at,
                                  now_berlin)


_FEATURE_DEFAULTS = {f.key: f.default_enabled for f in FEATURES}


def _switch(feature: str, region_id) -> ScalarSelect:
    """The stored switch of ``feature`` in the region ``region_id`` (a column), ``NULL`` when
    none is stored; ``_on`` applies the default as ``features.enabled_region_ids`` does."""
    return (
        select(FeatureSwitch.enabled)
        .where(FeatureSwitch.region_id == region_id, FeatureSwitch.feature_key == feature)
        .scalar_subquery()
    )


def _on(feature: str, region_id: int | None, stored: bool | None) -> bool:
    if region_id is None:
        return False
    return _FEATURE_DEFAULTS[feature] if stored is None else bool(stored)


_WAITING = (
    select(func.coalesce(func.sum(Registration.party_size), 0))
    .where(Registration.slot_id == Slot.id, Registration.status == "waitlisted")
    .scalar_subquery()
)
_SLOT_PAGE = (
    select(
        Slot.id, Slot.title, Slot.starts_at, Slot.ends_at, Slot.place, Slot.min_age,
        Slot.capacity, Slot.confirmed_count, Slot.min_grade, Slot.field_ids,
        Slot.waitlist_capacity, Slot.max_party_size, Slot.description, Slot.accessibility,
        _WAITING.label("waiting"),
        Event.id.label("event_id"),
        Event.slug.label("event_slug"),
        Event.title.label("event_title"),
        Event.kind.label("event_kind"),
        Event.region_id.label("event_region_id"),
        Event.registration_opens_at,
        Event.registration_closes_at,
        Region.slug.label("region_slug"),
        EmployerProfile.slug.label("profile_slug"),
        EmployerProfile.region_id.label("profile_region_id"),
        EmployerProfile.display_name,
        EmployerProfile.published_snapshot["display_name"].as_string().label("public_name"),
        customer_table.c.city,
        _switch("events", Event.region_id).label("events_on"),
        _switch("portal", Event.region_id).label("portal_on"),
        _switch("portal", EmployerProfile.region_id).label("profile_portal_on"),
    )
    .join(EventParticipation, EventParticipation.id == Slot.participation_id)
    .join(Event, Event.id == EventParticipation.event_id)
    .join(Region, Region.id == Event.region_id)
    .join(EmployerProfile, EmployerProfile.id == EventParticipation.profile_id)
    .outerjoin(customer_table, customer_table.c.id == EmployerProfile.customer_id)
    .where(
        Slot.id == bindparam("slot_id"),
        Slot.status != "cancelled",
        Slot.ends_at >= bindparam("midnight"),
        Event.status == "published",
        Event.ends_on >= bindparam("today"),
        EventParticipation.status.not_in(WITHDRAWN),
        *_PUBLISHED_PROFILE,
    )
)
"""Built once: the statement's cache key is then computed once, not on every request."""


def registration_slot(session: Session, slot_id: int, today: date) -> SlotPage | None:
    """A slot that its event's public page shows, for its registration page; ``None`` for any
    other slot, so registration pages exist exactly for the slots listed.

    The rules are the page's (``public_event``, ``is_over``, ``_participants``), checked in
    one statement for this one slot: every visitor opens this page first, and a registration
    reads it again, so it must cost about as much as a bare request, not a whole event page.
    ``tests/test_event_pages.py`` holds the two to the same answer for every slot.
    """
    row = session.execute(_SLOT_PAGE, {
        "slot_id": slot_id, "today": today, "midnight": datetime.combine(today, time.min),
    }).first()
    if (
        row is None
        or not _on("events", row.event_region_id, row.events_on)
        or not _on("portal", row.event_region_id, row.portal_on)
        or not _on("portal", row.profile_region_id, row.profile_portal_on)
        or not SLUG.fullmatch(row.profile_slug or "")
    ):
        return None
    return SlotPage(
        slot=_slot_view(row, row.waiting),
        company=row.public_name or row.display_name,
        city=row.city,
        event_id=row.event_id,
        slug=row.event_slug if SLUG.fullmatch(row.event_slug or "") else DEFAULT_SLUG,
        title=row.event_title,
        kind=row.event_kind,
        region_slug=row.region_slug,
        registration_opens_at=row.registration_opens_at,
        registration_closes_at=row.registration_closes_at,
    )


# --- the slot list's filters -----------------------------------------------------------------

SLOT_PARAMS = {"field": "feld", "day": "tag", "city": "ort", "free": "frei"}
"""The GET parameters of the slot filters on an event page (German, like the portal's)."""


@dataclass(frozen=True)
class SlotEntry:
    participant: Participant
    slot: SlotView


@dataclass
class SlotList:
    entries: list[SlotEntry]
    total: int
    """Slots before filtering."""
    field: int | None
    day: date | None
    city: str | None
    only_free: bool
    fields: list[Option]
    days: list[Option]
    cities: list[Option]
    notes: list[str] = field(default_factory=list)

    @property
    def is_filtered(self) -> bool:
        return bool(self.field or self.day or self.city or self.only_free)


def _day_label(day: date) -> str:
    return babel_format_date(day, format="EEEE, d. MMMM", locale=i18n.get_locale())


def slot_list(
    session: Session, page: EventPage, *, field_key: str | None = None,
    day: str | None = None, city: str | None = None, free: str | None = None,
) -> SlotList:
    """The event's slots in time order, filtered by occupational field (id), day (ISO date),
    the company's town and "only with free places"; the choices offered are those the slots
    have. An unknown value is dropped with a German note, as in the calendar."""
    everything = [SlotEntry(p, s) for p in page.participants for s in p.slots]
    everything.sort(key=lambda e: (e.slot.starts_at, _sort_key(e.participant.name),
                                   e.slot.slot_id))
    field_ids = sorted({i for e in everything for i in e.slot.field_ids})
    names = dict(session.execute(
        select(OccupationalField.id, OccupationalField.name).where(
            OccupationalField.id.in_(field_ids), OccupationalField.active.is_(True)
        )
    ).all()) if field_ids else {}
    days = sorted({e.slot.starts_at.date() for e in everything})
    cities = sorted({e.participant.city for e in everything if e.participant.city},
                    key=_sort_key)
    notes: list[str] = []
    chosen_field = _checked(
        field_key, {str(i): n for i, n in names.items()},
        N_("Das Berufsfeld „%(value)s“ hat hier keine Termine; gezeigt werden alle."), notes,
    )
    chosen_day = _checked(
        day, {d.isoformat(): d.isoformat() for d in days},
        N_("Am Tag „%(value)s“ gibt es hier keine Termine; gezeigt werden alle Tage."), notes,
    )
    chosen_city = _checked(
        city, {c: c for c in cities},
        N_("Im Ort „%(value)s“ gibt es hier keine Termine; gezeigt werden alle Orte."), notes,
    )
    only_free = single_line(free or "")[:PARAM_LENGTH] in ("1", "ja", "on", "true")
    entries = [
        e for e in everything
        if (chosen_field is None or int(chosen_field) in e.slot.field_ids)
        and (chosen_day is None or e.slot.starts_at.date().isoformat() == chosen_day)
        and (chosen_city is None or e.participant.city == chosen_city)
        and (not only_free or not e.slot.full)
    ]
    return SlotList(
        entries=entries,
        total=len(everything),
        field=int(chosen_field) if chosen_field else None,
        day=date.fromisoformat(chosen_day) if chosen_day else None,
        city=chosen_city,
        only_free=only_free,
        fields=[Option(str(i), names[i], str(i) == chosen_field)
                for i in sorted(names, key=lambda i: _sort_key(names[i]))],
        days=[Option(d.isoformat(), _day_label(d), d.isoformat() == chosen_day) for d in days],
        cities=[Option(c, c, c == chosen_city) for c in cities],
        notes=notes,
    )


# --- sitemap ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SitemapEntry:
    event_id: int
    slug: str
    lastmod: date | None


def sitemap_entries(session: Session, today: date) -> list[SitemapEntry]:
    """Every public event page, with the day it or its list of companies last changed."""
    region_ids = event_region_ids(session)
    if not region_ids:
        return []
    changed = (
        select(
            EventParticipation.event_id,
            func.max(EventParticipation.updated_at).label("changed_at"),
        )
        .group_by(EventParticipation.event_id)
        .subquery()
    )
    rows = session.execute(
        select(Event.id, Event.slug, Event.updated_at, changed.c.changed_at)
        .outerjoin(changed, changed.c.event_id == Event.id)
        .where(
            Event.status == "published",
            Event.ends_on >= today,
            Event.region_id.in_(list(region_ids)),
        )
        .order_by(Event.starts_on, Event.id)
    ).all()
    entries = []
    for row in rows:
        stamps = [s for s in (row.updated_at, row.changed_at) if s is not None]
        entries.append(SitemapEntry(
            row.id,
            row.slug if SLUG.fullmatch(row.slug or "") else DEFAULT_SLUG,
            max(stamps).date() if stamps else None,
        ))
    return entries
