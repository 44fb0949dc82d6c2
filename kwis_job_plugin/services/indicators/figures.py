"""The figures of one region and year, each counted by the rule the rest of the plug-in owns.

* Profiles with offers and the offers themselves are what the portal shows *today*: an offer
  counts while it has a current search document (``search.current_conditions``, the rule of
  ``public_pages``: the offer and its profile public, not expired), with the portal switch
  aside, so an agency can read its figures before it switches the portal on. The tables keep no
  history of publication, so for a past year these are today's numbers too (``as_of`` says so).
  By type and by occupational field as the portal's filters count them (the offer's fields,
  else its profile's; an offer in two fields counts in both).
* Events held: of the region, not cancelled and not a draft, ended within the year and by
  ``today``. Registrations are the confirmed ones of companies still taking part, in slots not
  cancelled (withdrawn, cancelled, expired and waiting-list registrations are left out);
  attendance is those checked in (only confirmed registrations can be, see
  ``events.companies.set_checked_in``). Each counted as registrations and as people (a teacher
  registers a class as one registration).
* Schools reached: the distinct schools named in those registrations (spelling and case
  aside), and, counted apart (a code is not a name), the school codes whose button brought
  visits to the region's portal in the year (``services/reach/schools``: per day, no cookie,
  nothing personal, bots not counted).
* Returnees: the "Zurück in der Region" messages received in the calendar year
  (``alerts.returnees.count``; the messages themselves are deleted after a year, so a year
  further back counts what is left).
* Page views: the daily counters (``page_views``) of the region's pages in the calendar year;
  no cookie, nothing personal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...i18n import gettext as _
from ...models import (
    DailyCounter,
    EmployerProfile,
    Event,
    EventParticipation,
    OccupationalField,
    Offer,
    OfferType,
    Region,
    Registration,
    SearchDoc,
    SearchFacet,
    Slot,
)
from .. import page_views, search
from ..alerts import returnees
from ..events.agency import TAKING_PART
from ..reach import schools
from ..search_index import Names
from .targets import PROFILES_WITH_OFFERS, targets

HELD_EVENT_STATUSES = ("published", "archived")
"""Events that took place: drafts never did, cancelled ones did not."""


@dataclass(frozen=True)
class Count:
    """One line of a breakdown: ``key`` (a taxonomy key, a school), its name and the number."""

    key: str
    label: str
    value: int


@dataclass(frozen=True)
class HeldEvent:
    id: int
    title: str
    ends_on: date
    registrations: int
    people: int
    attended: int
    attended_people: int


@dataclass
class EventFigures:
    held: int = 0
    registrations: int = 0
    people: int = 0
    attended: int = 0
    attended_people: int = 0
    events: list[HeldEvent] = field(default_factory=list)

    @property
    def attendance_rate(self) -> float | None:
        """Share of the registered people who came, 0..1."""
        return self.attended_people / self.people if self.people else None


@dataclass
class SchoolFigures:
    reached: int = 0
    by_school: list[Count] = field(default_factory=list)
    """Registrations per school, most first."""
    without_school: int = 0
    """Registrations that named no school (grown-ups, returnee days)."""
    button_schools: int = 0
    """School codes whose button brought at least one visit in the year."""
    by_code: list[Count] = field(default_factory=list)
    """Visits through each school's button, most first (``key`` and name: the code)."""


@dataclass(frozen=True)
class ViewLine:
    """Views of one page in the year: ``kind`` is ``page_views.OFFER`` or ``PROFILE``."""

    kind: str
    id: int
    name: str
    views: int


@dataclass
class PageViews:
    profile_views: int = 0
    offer_views: int = 0
    profiles: list[ViewLine] = field(default_factory=list)
    offers: list[ViewLine] = field(default_factory=list)


@dataclass
class Indicators:
    region: Region
    year: int
    as_of: date
    """The day the portal figures (profiles with offers, offers) describe."""
    profiles_with_offers: int
    target: int | None
    offers: int
    offers_by_type: list[Count]
    offers_by_field: list[Count]
    events: EventFigures
    schools: SchoolFigures
    views: PageViews
    returnees: int = 0
    """"Rückmeldungen Zurück in der Region" received in the year."""

    @property
    def target_share(self) -> float | None:
        """How far the profiles with offers are towards the target, 0..1 (more above it)."""
        return self.profiles_with_offers / self.target if self.target else None


def compute(session: Session, region: Region, year: int, today: date) -> Indicators:
    """Every figure of ``region`` in ``year``, counted on ``today``."""
    docs = _current_docs(session, region, today)
    return Indicators(
        region=region,
        year=year,
        as_of=today,
        profiles_with_offers=_profiles_with_offers(session, docs),
        target=targets(session, region.id, year).get(PROFILES_WITH_OFFERS),
        offers=session.scalar(select(func.count()).select_from(docs)) or 0,
        offers_by_type=_by_type(session, docs),
        offers_by_field=_by_field(session, docs),
        events=_events(session, region, year, today),
        schools=_schools(session, region, year, today),
        views=_views(session, region, year),
        returnees=returnees.count(session, region.id, year),
    )


# --- the portal today ----------------------------------------------------------------------


def _current_docs(session: Session, region: Region, today: date):
    """The region's offers on the portal today, as a subquery of document ids."""
    return (
        select(SearchDoc.id, SearchDoc.profile_id, SearchDoc.offer_type)
        .where(*search.current_conditions([region.id], today))
        .subquery()
    )


def _profiles_with_offers(session: Session, docs) -> int:
    return session.scalar(select(func.count(func.distinct(docs.c.profile_id)))) or 0


def _ordered(rows, names: dict[str, str], order: list[str]) -> list[Count]:
    """Every term of the taxonomy in its order (zeros too, so years compare line by line),
    then keys no longer in it."""
    counts = {key: int(n) for key, n in rows}
    known = [Count(key, names[key], counts.pop(key, 0)) for key in order]
    return known + [Count(key, names.get(key, key), n) for key, n in sorted(counts.items())]


def _term_order(session: Session, model) -> list[str]:
    return list(session.scalars(
        select(model.key).where(model.active.is_(True)).order_by(model.sort_order, model.name)
    ))


def _by_type(session: Session, docs) -> list[Count]:
    rows = session.execute(
        select(docs.c.offer_type, func.count()).group_by(docs.c.offer_type)
    ).all()
    return _ordered(rows, Names(session).types, _term_order(session, OfferType))


def _by_field(session: Session, docs) -> list[Count]:
    rows = session.execute(
        select(SearchFacet.key, func.count())
        .join(docs, docs.c.id == SearchFacet.doc_id)
        .where(SearchFacet.facet == "field")
        .group_by(SearchFacet.key)
    ).all()
    order = list(session.scalars(
        select(OccupationalField.key)
        .where(OccupationalField.active.is_(True), OccupationalField.parent_id.is_(None))
        .order_by(OccupationalField.sort_order, OccupationalField.name)
    ))
    return _ordered(rows, Names(session).fields, order)


# --- events --------------------------------------------------------------------------------


def _held_events(region: Region, year: int, today: date):
    last = min(date(year, 12, 31), today)
    return (
        Event.region_id == region.id,
        Event.status.in_(HELD_EVENT_STATUSES),
        Event.ends_on >= date(year, 1, 1),
        Event.ends_on <= last,
    )


def _counted_registrations(region: Region, year: int, today: date):
    """Confirmed registrations of held events, of companies taking part, in open slots."""
    return (
        select(Registration, Event.id.label("event_id"))
        .join(Slot, Slot.id == Registration.slot_id)
        .join(EventParticipation, EventParticipation.id == Slot.participation_id)
        .join(Event, Event.id == EventParticipation.event_id)
        .where(
            *_held_events(region, year, today),
            EventParticipation.status == TAKING_PART,
            Slot.status == "open",
            Registration.status == "confirmed",
        )
    )


def _events(session: Session, region: Region, year: int, today: date) -> EventFigures:
    events = session.execute(
        select(Event.id, Event.title, Event.ends_on)
        .where(*_held_events(region, year, today))
        .order_by(Event.ends_on, Event.title, Event.id)
    ).all()
    per_event: dict[int, list[int]] = {e.id: [0, 0, 0, 0] for e in events}
    for registration, event_id in session.execute(_counted_registrations(region, year, today)):
        line = per_event[event_id]
        people = registration.party_size or 1
        line[0] += 1
        line[1] += people
        if registration.checked_in_at is not None:
            line[2] += 1
            line[3] += people
    held = [HeldEvent(e.id, e.title, e.ends_on, *per_event[e.id]) for e in events]
    return EventFigures(
        held=len(held),
        registrations=sum(e.registrations for e in held),
        people=sum(e.people for e in held),
        attended=sum(e.attended for e in held),
        attended_people=sum(e.attended_people for e in held),
        events=held,
    )


def school_key(name: str) -> str:
    """One school however it was typed: whitespace collapsed, case folded."""
    return " ".join(name.split()).casefold()


def _schools(session: Session, region: Region, year: int, today: date) -> SchoolFigures:
    statement = _counted_registrations(region, year, today).order_by(Registration.id)
    counts: dict[str, int] = {}
    labels: dict[str, str] = {}
    without = 0
    for registration, _event_id in session.execute(statement):
        key = school_key(registration.school or "")
        if not key:
            without += 1
            continue
        labels.setdefault(key, " ".join(registration.school.split()))
        counts[key] = counts.get(key, 0) + 1
    by_school = sorted(
        (Count(key, labels[key], n) for key, n in counts.items()),
        key=lambda c: (-c.value, c.key),
    )
    visits = schools.visits(session, region.slug, date(year, 1, 1), date(year, 12, 31))
    return SchoolFigures(reached=len(by_school), by_school=by_school, without_school=without,
                         button_schools=len(visits),
                         by_code=[Count(v.code, v.code, v.visits) for v in visits])


# --- page views ----------------------------------------------------------------------------


def _view_totals(session: Session, region: Region, year: int, kind: str) -> dict[int, int]:
    prefix = f"{kind}:"
    rows = session.execute(
        select(DailyCounter.subject, func.sum(DailyCounter.value))
        .where(
            DailyCounter.metric == page_views.METRICS[kind],
            DailyCounter.scope == region.slug,
            DailyCounter.day >= date(year, 1, 1),
            DailyCounter.day <= date(year, 12, 31),
        )
        .group_by(DailyCounter.subject)
    ).all()
    found = {}
    for subject, total in rows:
        if subject.startswith(prefix) and subject[len(prefix):].isdigit():
            found[int(subject[len(prefix):])] = int(total or 0)
    return found


def _name(obj, key: str, fallback: str) -> str:
    return (obj.published_snapshot or {}).get(key) or fallback


def _views(session: Session, region: Region, year: int) -> PageViews:
    profile_totals = _view_totals(session, region, year, page_views.PROFILE)
    offer_totals = _view_totals(session, region, year, page_views.OFFER)
    profiles = {p.id: p for p in session.scalars(
        select(EmployerProfile).where(EmployerProfile.id.in_(list(profile_totals)))
    )} if profile_totals else {}
    offers = {o.id: o for o in session.scalars(
        select(Offer).where(Offer.id.in_(list(offer_totals)))
    )} if offer_totals else {}

    def profile_name(pid: int) -> str:
        p = profiles.get(pid)
        if p is None:
            return _("gelöschtes Profil #%(id)d", id=pid)
        return _name(p, "display_name", p.display_name)

    def offer_name(oid: int) -> str:
        o = offers.get(oid)
        if o is None:
            return _("gelöschtes Angebot #%(id)d", id=oid)
        company = _name(o.profile, "display_name", o.profile.display_name)
        return f"{_name(o, 'title', o.title)} – {company}"

    def lines(kind, totals, name) -> list[ViewLine]:
        found = [ViewLine(kind, i, name(i), n) for i, n in totals.items()]
        return sorted(found, key=lambda v: (-v.views, v.name.casefold(), v.id))

    return PageViews(
        profile_views=sum(profile_totals.values()),
        offer_views=sum(offer_totals.values()),
        profiles=lines(page_views.PROFILE, profile_totals, profile_name),
        offers=lines(page_views.OFFER, offer_totals, offer_name),
    )
