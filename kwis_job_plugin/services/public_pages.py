"""The public company and offer pages and the sitemap: what they show and whether they exist.

Whether a page exists is decided here and nowhere else:

* An offer page exists while the offer has a search document that is current
  (``search.current_conditions``: a region with the ``portal`` feature on, not expired today).
  Documents exist only while the offer and its profile are both public
  (``search_index.searchable``), so drafts, paused, archived and never-published offers, and
  offers of unpublished or archived profiles, have no page, exactly as they have no search hit.
* A company page exists while the profile is public (``publication.is_public``: released,
  neither paused nor archived, not taken off by an unanswered staleness reminder) and belongs to
  a region with the ``portal`` feature on (``has_company_page``). Its pictures are served
  (``public_media``) by exactly this rule, and only those its published version lists.

Everything shown comes from the published snapshots, never from the working copies; address and
website of a company are the host's master data, as in the preview (``profile_display``). The
upcoming events a company takes part in are read from the events tables. No Flask here: picture
URLs come from a callable the view passes in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    EmployerProfile,
    Event,
    EventParticipation,
    Media,
    Offer,
    OfferType,
    RegionAgsPrefix,
    SearchDoc,
    Slot,
)
from ..models.host import get_customer
from . import (
    features,
    offer_display,
    profile_display,
    publication,
    search,
    search_index,
    structured_data,
)
from . import media as media_service
from .errors import NotFound
from .offer_input import URL_RE
from .offer_timing import Timing
from .recurrence import Period
from .sanitize import plain_text
from .search import SearchItem

SLUG = re.compile(r"[a-z0-9-]{1,160}")
"""What ``slugs.slugify`` makes; anything else cannot name a page (and never reaches SQL)."""
SUMMARY_LENGTH = 200
WITHDRAWN = ("cancelled", "withdrawn", "declined", "rejected")
"""Participation statuses of a company that no longer takes part in an event."""


@dataclass(frozen=True)
class Address:
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    lat: float | None = None
    lon: float | None = None
    region: str | None = None
    """The federal state (schema.org ``addressRegion``), from the region's AGS."""

    @property
    def line(self) -> str:
        """"Street 1, 07743 Jena", leaving out what is unknown."""
        town = " ".join(p for p in (self.postcode, self.city) if p)
        return ", ".join(p for p in (self.street, town) if p)


@dataclass(frozen=True)
class SlotItem:
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str | None
    min_age: int | None


@dataclass(frozen=True)
class EventItem:
    event_id: int
    slug: str
    title: str
    starts_on: date
    ends_on: date
    venue: str | None
    address: Address
    slots: list[SlotItem] = field(default_factory=list)


@dataclass
class CompanyPage:
    profile_id: int
    slug: str
    name: str
    view: dict[str, Any]
    """``profile_display.profile_view`` of the published snapshot: ``_profile_body.html``."""
    offers: list[SearchItem]
    events: list[EventItem]
    address: Address
    website: str | None
    same_as: list[str]
    logo_media_id: int | None
    summary: str


@dataclass
class OfferPage:
    offer_id: int
    slug: str
    title: str
    view: dict[str, Any]
    """``offer_display.public_view`` of the published snapshot: ``_offer_body.html``."""
    type_key: str
    schema_kind: str
    """``"job"`` (JSON-LD JobPosting) or ``"event"`` (JSON-LD Event), from the offer type."""
    employment_type: str | None
    company_name: str
    company_slug: str
    company_website: str | None
    place: Address
    next_period: Period | None
    date_posted: date | None
    valid_through: date | None
    summary: str
    time_mode: str = "by_arrangement"
    upcoming_dates: list[date] = field(default_factory=list)
    """The fixed dates still to come (at most up to "gültig bis"): each one a day of its own."""
    logo_media_id: int | None = None
    """The company's published logo, the picture of the offer's JSON-LD."""


@dataclass(frozen=True)
class SitemapEntry:
    kind: str
    """``"company"`` or ``"offer"``."""
    slug: str
    offer_id: int | None
    lastmod: date | None


def _latest(*stamps: datetime | date | None) -> date | None:
    days = [s.date() if isinstance(s, datetime) else s for s in stamps if s is not None]
    return max(days) if days else None


def _web_link(url: str | None) -> str | None:
    """A host's website only if it is a plain web link (host data is not validated by us)."""
    url = (url or "").strip()
    return url if URL_RE.match(url) else None


def region_state(session: Session, region_id: int | None) -> str | None:
    """The federal state of a region (``addressRegion``), from its first AGS prefix."""
    if region_id is None:
        return None
    prefix = session.scalar(
        select(RegionAgsPrefix.prefix).where(RegionAgsPrefix.region_id == region_id)
        .order_by(RegionAgsPrefix.prefix).limit(1)
    )
    return structured_data.state_of_ags(prefix)


def published_logo_id(session: Session, profile_snapshot: dict[str, Any]) -> int | None:
    """The logo among the pictures a profile's published version lists, if it has one."""
    ids = [i for i in profile_snapshot.get("media") or [] if isinstance(i, int)]
    if not ids:
        return None
    for media_id, kind in session.execute(
        select(Media.id, Media.kind).where(Media.id.in_(ids)).order_by(Media.id)
    ):
        if kind.removeprefix(media_service.RETIRED_PREFIX) == media_service.LOGO:
            return media_id
    return None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


# --- offer page ------------------------------------------------------------------------------


def current_doc(session: Session, offer_id: int, today: date) -> SearchDoc | None:
    """The offer's search document if the offer has a public page today, else ``None``."""
    region_ids = features.enabled_region_ids(session, "portal")
    return session.scalar(
        select(SearchDoc).where(
            SearchDoc.offer_id == offer_id, *search.current_conditions(region_ids, today)
        )
    )


def offer_page(session: Session, offer_id: int, today: date) -> OfferPage | None:
    """The public page of an offer, or ``None`` when it has none (see the module docstring)."""
    doc = current_doc(session, offer_id, today)
    if doc is None:
        return None
    offer = session.get(Offer, offer_id)
    if offer is None or not offer_display.is_visible(offer, offer.profile):
        return None  # the index is written in the same transaction; this only guards a race
    snapshot = offer.published_snapshot or {}
    psnap = offer.profile.published_snapshot or {}
    offer_type = session.scalar(select(OfferType).where(OfferType.key == snapshot.get("type")))
    view = offer_display.public_view(session, snapshot, today)
    timing = Timing.of_snapshot(snapshot)
    place = snapshot.get("place") or {}
    customer = get_customer(session, offer.profile.customer_id)
    return OfferPage(
        offer_id=offer.id,
        slug=doc.offer_slug or "angebot",
        title=snapshot.get("title") or doc.title,
        view=view,
        type_key=doc.offer_type,
        schema_kind=offer_type.schema_kind if offer_type is not None else "job",
        employment_type=offer_type.employment_type if offer_type is not None else None,
        company_name=psnap.get("display_name") or doc.company_name,
        company_slug=doc.company_slug,
        company_website=_web_link(customer.website if customer else None),
        place=Address(
            street=place.get("street") or None,
            postcode=place.get("postcode") or doc.postcode,
            city=place.get("city") or doc.city,
            lat=_number(place.get("lat")),
            lon=_number(place.get("lon")),
            region=region_state(session, offer.profile.region_id),
        ),
        next_period=view["next_period"],
        date_posted=_latest(offer.published_at),
        valid_through=search_index.expires_on(snapshot),
        summary=plain_text(view["description_html"], SUMMARY_LENGTH),
        time_mode=timing.time_mode,
        upcoming_dates=[d for d in timing.fixed_dates if d >= today
                        and (timing.valid_until is None or d <= timing.valid_until)],
        logo_media_id=published_logo_id(session, psnap),
    )


# --- company page ----------------------------------------------------------------------------


def has_company_page(session: Session, profile: EmployerProfile | None) -> bool:
    """Whether ``profile`` has a public company page: the one rule (see the module docstring)
    for the page itself and for everything served only because the page shows it (its
    pictures, ``public_media``)."""
    if profile is None or not publication.is_public(profile) or profile.region_id is None:
        return False
    return profile.region_id in features.enabled_region_ids(session, "portal")


def public_profile(session: Session, slug: str) -> EmployerProfile | None:
    """The profile with this slug if it has a public page, else ``None``."""
    if not SLUG.fullmatch(slug or ""):
        return None
    profile = session.scalar(select(EmployerProfile).where(EmployerProfile.slug == slug))
    return profile if has_company_page(session, profile) else None


def public_media(session: Session, media_id: int) -> Media:
    """A picture the public may see, else ``NotFound``: one the published version of a company
    page lists, while that page exists (``has_company_page``). Media ids are sequential, so
    anything else (a draft's pictures, new uploads, pictures of a region with the portal off)
    is the same 404 as an id that was never used: asking every id reveals only what the
    public pages show anyway."""
    media = session.get(Media, media_id)
    if media is None:
        raise NotFound(media_id)
    profile = media.profile
    if not has_company_page(session, profile) or media.id not in media_service.published_ids(
        profile
    ):
        raise NotFound(media_id)
    return media


def company_offers(session: Session, profile_id: int, today: date) -> list[SearchItem]:
    """The company's current offers as search result cards, by title."""
    region_ids = features.enabled_region_ids(session, "portal")
    docs = session.scalars(
        select(SearchDoc)
        .where(SearchDoc.profile_id == profile_id, *search.current_conditions(region_ids, today))
        .order_by(SearchDoc.title, SearchDoc.offer_id)
    ).all()
    names = dict(session.execute(select(OfferType.key, OfferType.name)).all())
    return [search.item_of(doc, names.get(doc.offer_type, doc.offer_type), today) for doc in docs]


def event_region_ids(session: Session) -> set[int]:
    """Regions whose events are public: events and the portal both on (the calendar, the event
    pages and the company pages' event lists all use this rule)."""
    return features.enabled_region_ids(session, "events") & features.enabled_region_ids(
        session, "portal")


def upcoming_events(session: Session, profile_id: int, today: date) -> list[EventItem]:
    """Published events, not yet over, in regions with events and the portal on (so each has
    its public page), that the company takes part in; with its own slots not ended yet."""
    region_ids = event_region_ids(session)
    if not region_ids:
        return []
    rows = session.execute(
        select(Event, EventParticipation.id)
        .join(EventParticipation, EventParticipation.event_id == Event.id)
        .where(
            EventParticipation.profile_id == profile_id,
            EventParticipation.status.not_in(WITHDRAWN),
            Event.status == "published",
            Event.ends_on >= today,
            Event.region_id.in_(list(region_ids)),
        )
        .order_by(Event.starts_on, Event.id)
    ).all()
    if not rows:
        return []
    slots: dict[int, list[SlotItem]] = {}
    for slot in session.scalars(
        select(Slot)
        .where(
            Slot.participation_id.in_([participation_id for _event, participation_id in rows]),
            Slot.status != "cancelled",
            Slot.ends_at >= datetime.combine(today, time.min),
        )
        .order_by(Slot.starts_at, Slot.id)
    ):
        slots.setdefault(slot.participation_id, []).append(
            SlotItem(slot.title, slot.starts_at, slot.ends_at, slot.place, slot.min_age)
        )
    return [
        EventItem(
            event_id=event.id,
            slug=event.slug,
            title=event.title,
            starts_on=event.starts_on,
            ends_on=event.ends_on,
            venue=event.venue,
            address=Address(event.street, event.postcode, event.city, event.lat, event.lon),
            slots=slots.get(participation_id, []),
        )
        for event, participation_id in rows
    ]


def company_page(
    session: Session, slug: str, today: date, *, media_url: Callable[[int], str]
) -> CompanyPage | None:
    """The public page of a company, or ``None`` when it has none (see the module docstring)."""
    profile = public_profile(session, slug)
    if profile is None:
        return None
    customer = get_customer(session, profile.customer_id)
    view = profile_display.profile_view(
        session, profile.published_snapshot or {}, media_url=media_url, customer=customer
    )
    company = view["company"] or {}
    name = view["display_name"] or profile.display_name
    website = company.get("website")
    summary = plain_text(view["philosophy_html"], SUMMARY_LENGTH)
    return CompanyPage(
        profile_id=profile.id,
        slug=profile.slug,
        name=name,
        view=view,
        offers=company_offers(session, profile.id, today),
        events=upcoming_events(session, profile.id, today),
        address=Address(
            street=company.get("street"),
            postcode=company.get("postcode"),
            city=company.get("city"),
            lat=_number(customer.lat) if customer else None,
            lon=_number(customer.lon) if customer else None,
            region=region_state(session, profile.region_id),
        ),
        website=website,
        same_as=[url for url in [website, *(s["url"] for s in view["social"])] if url],
        logo_media_id=view["logo"]["id"] if view["logo"] else None,
        summary=summary,
    )


# --- sitemap ---------------------------------------------------------------------------------


def sitemap_entries(session: Session, today: date) -> list[SitemapEntry]:
    """Every public company page and every public offer page, each with the day its public
    version last changed (the latest publication, review or re-index)."""
    region_ids = features.enabled_region_ids(session, "portal")
    if not region_ids:
        return []
    docs = session.execute(
        select(
            SearchDoc.offer_id, SearchDoc.offer_slug, SearchDoc.profile_id, SearchDoc.indexed_at,
            Offer.published_at, Offer.reviewed_at, Offer.submitted_at,
        )
        .join(Offer, Offer.id == SearchDoc.offer_id)
        .where(*search.current_conditions(region_ids, today))
        .order_by(SearchDoc.offer_id)
    ).all()
    offers_changed: dict[int, date | None] = {}
    for row in docs:
        changed = _latest(row.indexed_at, row.published_at, row.reviewed_at, row.submitted_at)
        offers_changed[row.profile_id] = _latest(offers_changed.get(row.profile_id), changed)

    # The condition of ``publication.is_public`` in SQL, so the snapshots need not be loaded.
    profiles = session.execute(
        select(
            EmployerProfile.id, EmployerProfile.slug, EmployerProfile.published_at,
            EmployerProfile.reviewed_at, EmployerProfile.submitted_at,
        )
        .where(
            EmployerProfile.region_id.in_(list(region_ids)),
            *publication.public_conditions(EmployerProfile),
        )
        .order_by(EmployerProfile.slug)
    ).all()
    entries = [
        SitemapEntry(
            "company", p.slug, None,
            _latest(p.published_at, p.reviewed_at, p.submitted_at, offers_changed.get(p.id)),
        )
        for p in profiles
        if SLUG.fullmatch(p.slug)
    ]
    entries += [
        SitemapEntry(
            "offer", row.offer_slug or "angebot", row.offer_id,
            _latest(row.indexed_at, row.published_at, row.reviewed_at, row.submitted_at),
        )
        for row in docs
    ]
    return entries

