"""The JSON API's documents (/jobs/api/v1/): what the public portal shows, as plain data.

Every document is built from the views the portal pages use (``search.search`` for the offer
list, ``public_pages.offer_page`` / ``company_page``, ``event_pages.event_page``), so the API
can never show more than the portal: a draft, a company without a page or an event of a
region with the calendar off does not exist here either. On top of the portal's rules the
region must have the ``api`` feature on (``api_region_ids``).

Paging: lists answer ``PAGE_SIZE`` items and a position for the next page. Companies and events
are walked by id (``after``: keyset); offers in the search's order of the day, which is fixed
for a day and a query (the daily rotation), by position, at most ``search_query.RESULT_CAP``
deep, as on the portal. The view signs positions into opaque cursors.

No Flask here: URLs come from the caller's ``Links``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import icalendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import force_locale
from ..i18n import gettext as _
from ..models import (
    Benefit,
    EmployerProfile,
    Event,
    OccupationalField,
    Offer,
    OfferType,
    Region,
    SearchDoc,
    TargetGroup,
    TrainingOccupation,
)
from . import event_ics, event_pages, features, public_pages, publication, search, taxonomy
from .errors import NotFound
from .geocoder import GeocoderSettings
from .search_query import PAGE_SIZE, PARAMS, RESULT_CAP, Vocabulary, parse_query

FEATURE = "api"
OFFER_FILTERS = frozenset(v for k, v in PARAMS.items() if k != "page")
"""The portal search's URL parameters, minus its page number (the API pages by cursor)."""


class BadQuery(ValueError):
    """A parameter the API cannot answer; ``messages`` has the reason in German and English."""

    def __init__(self, de: str, en: str):
        super().__init__(en)
        self.messages = {"de": de, "en": en}


@dataclass(frozen=True)
class Links:
    """The caller's URL builders (the portal's public pages, absolute)."""

    offer: Callable[[int, str], str]
    company: Callable[[str], str]
    event: Callable[[int, str], str]
    media: Callable[[int], str]


@dataclass
class Page:
    items: list[dict[str, Any]]
    next: int | None
    """The position (offers) or last id (companies, events) to continue after; ``None``: done."""
    total: int | None = None


# --- regions ---------------------------------------------------------------------------------


def api_region_ids(session: Session, feature: str = "portal") -> set[int]:
    """Regions whose ``feature`` (the portal; for events the calendar's rule) is public and
    whose API is on."""
    api = features.enabled_region_ids(session, FEATURE)
    if feature == "events":
        return api & public_pages.event_region_ids(session)
    return api & features.enabled_region_ids(session, feature)


def _region_id(session: Session, slug: str | None, allowed: set[int]) -> int | None:
    """The id of the region ``slug`` names; ``NotFound`` unless its API is on (404), and
    without a region when no region has it on."""
    if not allowed:
        raise NotFound(FEATURE)
    if slug is None:
        return None
    region_id = session.scalar(select(Region.id).where(Region.slug == slug))
    if region_id is None or region_id not in allowed:
        raise NotFound(slug)
    return region_id


def _region_slugs(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Region.id, Region.slug)).all())


# --- offers ----------------------------------------------------------------------------------


def _both_languages(message: Callable[[], Any]) -> tuple[Any, Any]:
    with force_locale("de"):
        de = message()
    with force_locale("en"):
        en = message()
    return de, en


def _search(
    session: Session,
    args: Mapping[str, list[str]],
    today: date,
    geocoder: GeocoderSettings | None,
    page: int = 1,
    **options: Any,
) -> search.SearchResult:
    """``search.search`` for ``args`` (the portal's parameter names) in the regions with the
    API on; ``options`` go to the search (a named order, a choice of companies). A filter the
    portal would drop with a note is a ``BadQuery`` here (a program wants to know); a region
    whose API is off is ``NotFound``."""
    allowed = api_region_ids(session)
    vocab = Vocabulary.load(session)
    region = (args.get("region") or [None])[0]
    if region is not None and (
        region not in vocab.regions or vocab.regions[region][0] not in allowed
    ):
        raise NotFound(region)
    vocab = dataclasses.replace(vocab, regions={
        slug: value for slug, value in vocab.regions.items() if value[0] in allowed
    })
    if not vocab.regions:
        raise NotFound("api")
    de_parsed, en_parsed = _both_languages(lambda: parse_query(session, args, vocab))
    if de_parsed.notes:
        raise BadQuery(" ".join(de_parsed.notes), " ".join(en_parsed.notes))
    query = de_parsed.query.with_page(page)
    result = search.search(session, query, today, vocab, geocoder, **options)
    if result.place_error:
        de, en = _both_languages(lambda: search.search(
            session, query.with_page(1), today, vocab, geocoder, **options).place_error)
        raise BadQuery(de or result.place_error, en or result.place_error)
    return result


def offers(
    session: Session,
    args: Mapping[str, list[str]],
    today: date,
    position: int,
    links: Links,
    geocoder: GeocoderSettings | None = None,
) -> Page:
    """One page of the portal search for ``args`` from ``position`` on, in regions with the
    API on. The search itself is ``search.search``: the same hits in the same order as
    /jobs/suche."""
    if not 0 <= position < RESULT_CAP or position % PAGE_SIZE:
        de, en = _both_languages(lambda: _("Der Cursor ist ungültig."))
        raise BadQuery(de, en)
    page = position // PAGE_SIZE + 1
    result = _search(session, args, today, geocoder, page)
    items = result.items if result.page == page else []
    end = position + PAGE_SIZE
    return Page(
        items=[_offer_item(item, links) for item in items],
        next=end if items and end < min(result.total, RESULT_CAP) else None,
        total=result.total,
    )


@dataclass(frozen=True)
class NewOffer:
    """One entry of the offers feed: the search's card and when its version was published."""

    item: search.SearchItem
    published_at: datetime
    updated_at: datetime
    """The same as ``published_at`` (a republished change moves both); kept apart for Atom's
    ``published`` and ``updated``."""


def new_offers(
    session: Session,
    args: Mapping[str, list[str]],
    today: date,
    geocoder: GeocoderSettings | None = None,
) -> list[NewOffer]:
    """The newest offers (one search page, ``PAGE_SIZE``) for ``args``, newest first: the
    feed of a search (``search.ORDER_NEWEST``), by the same rules as ``offers``."""
    result = _search(session, args, today, geocoder, order=search.ORDER_NEWEST)
    ids = [item.offer_id for item in result.items]
    stamps = {
        row.id: row for row in session.execute(
            select(Offer.id, Offer.published_at, Offer.created_at)
            .where(Offer.id.in_(ids))
        )
    } if ids else {}
    found = []
    for item in result.items:
        row = stamps.get(item.offer_id)
        if row is None:
            continue
        # the time of the published version: a draft's edits (``updated_at``) are not public
        published = row.published_at or row.created_at
        found.append(NewOffer(item, published, published))
    return found


def _offer_item(item: search.SearchItem, links: Links) -> dict[str, Any]:
    return {
        "id": item.offer_id,
        "title": item.title,
        "type": item.type_key,
        "type_label": item.type_label,
        "company": {"slug": item.company_slug, "name": item.company_name,
                    "url": links.company(item.company_slug)},
        "postcode": item.postcode,
        "city": item.city,
        "distance_km": round(item.distance_km, 1) if item.distance_km is not None else None,
        "next_start": item.next_start.isoformat() if item.next_start else None,
        "places": item.places,
        "url": links.offer(item.offer_id, item.offer_slug),
    }


def offer(session: Session, offer_id: int, today: date, links: Links) -> dict[str, Any]:
    """The offer as its portal page shows it; ``NotFound`` unless it has one in a region with
    the API on."""
    region_id = session.scalar(select(SearchDoc.region_id).where(SearchDoc.offer_id == offer_id))
    if region_id not in api_region_ids(session):
        raise NotFound(offer_id)
    page = public_pages.offer_page(session, offer_id, today)
    if page is None:
        raise NotFound(offer_id)
    view = page.view
    period = page.next_period
    return {
        "id": page.offer_id,
        "title": page.title,
        "type": page.type_key,
        "type_label": view["type_name"],
        "region": _region_slugs(session).get(region_id),
        "description_html": view["description_html"],
        "summary": page.summary,
        "target_groups": list(view.get("target_groups") or []),
        "target_group_labels": view["target_group_names"],
        "fields": list(view.get("fields") or []),
        "field_labels": view["field_names"],
        "time_text": view["time_text"] or None,
        "next_period": {"start": period.start.isoformat(), "end": period.end.isoformat()}
        if period else None,
        "valid_through": page.valid_through.isoformat() if page.valid_through else None,
        "place": _address(page.place),
        "apply_url": view["apply_url"],
        "company": {"slug": page.company_slug, "name": page.company_name,
                    "url": links.company(page.company_slug)},
        "url": links.offer(page.offer_id, page.slug),
    }


# --- companies -------------------------------------------------------------------------------


def _address(address: public_pages.Address) -> dict[str, Any]:
    return {"street": address.street, "postcode": address.postcode, "city": address.city,
            "lat": address.lat, "lon": address.lon}


def companies(
    session: Session, today: date, after: int, links: Links, region: str | None = None
) -> Page:
    """Companies with a public page in regions with the API on, by id after ``after``."""
    allowed = api_region_ids(session)
    region_id = _region_id(session, region, allowed)
    wanted = [region_id] if region_id is not None else sorted(allowed)
    rows = session.execute(
        select(EmployerProfile.id, EmployerProfile.slug)
        .where(EmployerProfile.region_id.in_(wanted), EmployerProfile.id > after,
               *publication.public_conditions(EmployerProfile))
        .order_by(EmployerProfile.id)
        .limit(PAGE_SIZE + 1)
    ).all()
    items = []
    for _profile_id, slug in rows[:PAGE_SIZE]:
        document = _company(session, slug, today, links)
        if document is not None:
            items.append(document)
    last = rows[PAGE_SIZE - 1][0] if len(rows) > PAGE_SIZE else None
    return Page(items=items, next=last)


def company(session: Session, slug: str, today: date, links: Links) -> dict[str, Any]:
    """The company as its portal page shows it; ``NotFound`` unless it has one in a region
    with the API on."""
    found = _company(session, slug, today, links)
    if found is None:
        raise NotFound(slug)
    return found


def _company(session: Session, slug: str, today: date, links: Links) -> dict[str, Any] | None:
    profile = public_pages.public_profile(session, slug)
    if profile is None or profile.region_id not in api_region_ids(session):
        return None
    page = public_pages.company_page(session, slug, today, media_url=links.media)
    if page is None:
        return None
    view = page.view
    return {
        "id": page.profile_id,
        "slug": page.slug,
        "name": page.name,
        "region": _region_slugs(session).get(profile.region_id),
        "summary": page.summary,
        "philosophy_html": view["philosophy_html"],
        "fields": view["fields"],
        "occupations": view["occupations"],
        "benefits": view["benefits"],
        "contact": view["contact"],
        "address": _address(page.address),
        "website": page.website,
        "social": [{"network": s["key"], "url": s["url"]} for s in view["social"]],
        "logo_url": links.media(page.logo_media_id) if page.logo_media_id else None,
        "offers": [_offer_item(item, links) for item in page.offers],
        "events": [{"id": e.event_id, "title": e.title, "starts_on": e.starts_on.isoformat(),
                    "ends_on": e.ends_on.isoformat(),
                    "url": links.event(e.event_id, _event_slug(e.slug))}
                   for e in page.events],
        "url": links.company(page.slug),
    }


# --- events ----------------------------------------------------------------------------------


def _event_slug(slug: str | None) -> str:
    """``event_pages.event_slug`` for a slug read without its event."""
    return slug if public_pages.SLUG.fullmatch(slug or "") else event_pages.DEFAULT_SLUG


def events(
    session: Session, today: date, after: int, links: Links, region: str | None = None
) -> Page:
    """Public events (``event_pages``' rule) of regions with the API on, by id after
    ``after``; each with its companies, their slots and the places left."""
    allowed = api_region_ids(session, "events")
    region_id = _region_id(session, region, allowed)
    wanted = [region_id] if region_id is not None else sorted(allowed)
    found = session.scalars(
        select(Event)
        .where(Event.status == "published", Event.ends_on >= today,
               Event.region_id.in_(wanted), Event.id > after)
        .order_by(Event.id)
        .limit(PAGE_SIZE + 1)
    ).all()
    items = [_event(session, event, today, links) for event in found[:PAGE_SIZE]]
    return Page(items=items, next=found[PAGE_SIZE - 1].id if len(found) > PAGE_SIZE else None)


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="minutes") if moment else None


def _event(session: Session, event: Event, today: date, links: Links) -> dict[str, Any]:
    page = event_pages.event_page(session, event, today)
    return {
        "id": page.event_id,
        "title": page.title,
        "kind": page.kind,
        "kind_label": page.kind_label,
        "starts_on": page.starts_on.isoformat(),
        "ends_on": page.ends_on.isoformat(),
        "venue": page.venue,
        "address": _address(page.address),
        "region": page.region_slug,
        "summary": page.summary,
        "description_html": page.description_html,
        "registration_opens_at": _stamp(page.registration_opens_at),
        "registration_closes_at": _stamp(page.registration_closes_at),
        "companies": [
            {
                "slug": p.slug,
                "name": p.name,
                "city": p.city,
                "url": links.company(p.slug),
                "slots": [
                    {"id": s.slot_id, "title": s.title, "starts_at": _stamp(s.starts_at),
                     "ends_at": _stamp(s.ends_at), "place": s.place, "min_age": s.min_age,
                     "capacity": s.capacity, "places_left": max(0, s.places_left),
                     "waitlist_left": s.waitlist_left}
                    for s in p.slots
                ],
            }
            for p in page.participants
        ],
        "url": links.event(page.event_id, page.slug),
    }


CALENDAR_LIMIT = 500
"""At most this many events in one calendar file (the next ones by start)."""


def events_calendar(
    session: Session, today: date, links: Links, domain: str, region: str | None = None,
    company: str | None = None,
) -> bytes:
    """The upcoming public events of the regions with the API on (or of one region, or those
    one company takes part in) as one iCalendar file: each entry exactly as the event's own
    file (``event_ics.event_calendar``), so a calendar app that subscribed to both keeps one
    entry (same UID). A company is one with a public page (``NotFound`` otherwise); its events
    are those its public page lists (``public_pages.company_page``)."""
    allowed = api_region_ids(session, "events")
    region_id = _region_id(session, region, allowed)
    wanted = [region_id] if region_id is not None else sorted(allowed)
    conditions = [Event.status == "published", Event.ends_on >= today,
                  Event.region_id.in_(wanted)]
    if company is not None:
        profile = public_pages.public_profile(session, company)
        page = (public_pages.company_page(session, company, today, media_url=links.media)
                if profile is not None and profile.region_id in allowed else None)
        if page is None:
            raise NotFound(company)
        conditions.append(Event.id.in_([e.event_id for e in page.events]))
    found = session.scalars(
        select(Event).where(*conditions).order_by(Event.starts_on, Event.id)
        .limit(CALENDAR_LIMIT)
    ).all()
    calendar = icalendar.Calendar()
    for name, value in (("prodid", event_ics.PRODID), ("version", "2.0"),
                        ("calscale", "GREGORIAN"), ("method", "PUBLISH")):
        calendar.add(name, value)
    for event in found:
        page = event_pages.event_page(session, event, today)
        single = icalendar.Calendar.from_ical(event_ics.event_calendar(
            page, url=links.event(page.event_id, page.slug), domain=domain))
        for entry in single.walk("VEVENT"):
            calendar.add_component(entry)
    return calendar.to_ical()


# --- taxonomies ------------------------------------------------------------------------------


def taxonomies(session: Session) -> dict[str, Any]:
    """The filter values (keys for the ``offers`` parameters), the regions with the API on,
    and the event kinds. Term names are data, kept in German only; kinds are labelled in the
    request's language."""
    types, groups, fields, occupations, benefits = taxonomy.active_names_of(
        session, OfferType, TargetGroup, OccupationalField, TrainingOccupation, Benefit
    )
    allowed = api_region_ids(session)

    def terms(names: dict[str, str]) -> list[dict[str, str]]:
        return [{"key": key, "label": name} for key, name in names.items()]

    return {
        "types": terms(types),
        "target_groups": terms(groups),
        "fields": terms(fields),
        "occupations": terms(occupations),
        "benefits": terms(benefits),
        "regions": [{"key": r.slug, "label": r.name}
                    for r in features.regions_with(session, "portal") if r.id in allowed],
        "event_kinds": [{"key": k, "label": event_pages.kind_label(k)}
                        for k in event_pages.KIND_LABELS],
    }
