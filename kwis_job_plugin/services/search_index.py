"""Keep the search index (``models/search.py``) in step with what is published.

Every write that can change what the public sees calls one of these functions in the same
transaction: ``refresh_offer`` after an offer is published, paused, resumed, archived or edited;
``refresh_profile`` after a profile changes (its name, fields, benefits and status show on every
offer); ``remove_offer`` before an offer is deleted; ``rebuild_all`` after a bulk import or an
upgrade. They read only the published snapshots, never the working copies.

An offer is searchable when the offer and its profile are both public (a snapshot exists, the
status is neither paused nor archived and no unanswered staleness reminder took it off the
portal, see ``publication.is_public``) and the profile belongs to
a region. Expiry is checked when searching (``expires_on``), and so is the region's ``portal``
switch, so neither needs a job that runs at midnight. No Flask here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..models import (
    EmployerProfile,
    OccupationalField,
    Offer,
    OfferType,
    SearchDoc,
    SearchFacet,
    TargetGroup,
    TrainingOccupation,
)
from ..models.base import utcnow
from ..models.host import get_customer
from . import places, publication, recurrence, sanitize, search_sync, snapshots
from .text import normalise

ROTATION_MODULUS = 2_147_483_647
"""A prime (2**31 - 1): rotation values lie below it, and the daily order is an affine map
modulo it (``services/search.py``), which stays inside 64-bit integers on both engines."""

FACETS = ("field", "target_group", "benefit", "occupation")


def rotation_of(kind: str, item_id: int) -> int:
    """A fixed, evenly spread number per item: the seed of its place in the daily rotation.

    It comes from the id alone, so nothing about a company (size, age, amount of text) moves it.
    """
    digest = hashlib.sha256(f"kwis_job:{kind}:{item_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % ROTATION_MODULUS


def searchable(offer: Offer, profile: EmployerProfile | None) -> bool:
    """Whether ``offer`` belongs in the index (expiry and the portal switch aside)."""
    return (
        profile is not None
        and profile.region_id is not None
        and publication.is_public(offer)
        and publication.is_public(profile)
    )


def _fixed_dates(snapshot: dict[str, Any]) -> list[date]:
    dates = (snapshots.read_date(v) for v in snapshot.get("fixed_dates") or ())
    return [d for d in dates if d is not None]


def expires_on(snapshot: dict[str, Any]) -> date | None:
    """The last day an offer is current: its "gültig bis", or the end of a one-off period.

    Yearly offers and offers "nach Absprache" without a "gültig bis" never expire.
    """
    last = recurrence.last_date(
        snapshot.get("time_mode") or "",
        end=snapshots.read_date(snapshot.get("end_date")),
        fixed_dates=_fixed_dates(snapshot),
    )
    days = [d for d in (snapshots.read_date(snapshot.get("valid_until")), last) if d is not None]
    return min(days) if days else None


def is_expired(snapshot: dict[str, Any], today: date) -> bool:
    ends = expires_on(snapshot)
    return ends is not None and ends < today


def _next_start(snapshot: dict[str, Any]) -> tuple[date | None, str | None]:
    """(first start date of a one-off offer, "MM-DD/MM-DD" of a yearly one)."""
    mode = snapshot.get("time_mode")
    if mode == "yearly":
        bounds = snapshot.get("recurrence") or []
        if len(bounds) == 4 and all(isinstance(b, int) for b in bounds):
            return None, "{:02d}-{:02d}/{:02d}-{:02d}".format(*bounds)
        return None, None
    if mode == "fixed":
        dates = _fixed_dates(snapshot)
        return (min(dates) if dates else snapshots.read_date(snapshot.get("start_date"))), None
    if mode == "range":
        return snapshots.read_date(snapshot.get("start_date")), None
    return None, None


def yearly_window(value: str | None) -> recurrence.Window | None:
    """``"07-01/08-31"`` as a ``recurrence.Window``."""
    try:
        start, end = (value or "").split("/")
        start_month, start_day = (int(p) for p in start.split("-"))
        end_month, end_day = (int(p) for p in end.split("-"))
    except ValueError:
        return None
    return recurrence.Window(start_month, start_day, end_month, end_day)


class Names:
    """Display names of the taxonomies, loaded once per refresh run (they become terms)."""

    def __init__(self, session: Session):
        def load(model) -> dict[str, str]:
            return dict(session.execute(select(model.key, model.name)).all())

        self.types = load(OfferType)
        self.fields = load(OccupationalField)
        self.occupations = load(TrainingOccupation)
        self.target_groups = load(TargetGroup)


def _place(session: Session, snapshot: dict[str, Any], profile: EmployerProfile) -> dict:
    """Where the offer is: its own place, else the company's geocoded address, else the
    centroid of its postcode. An offer at another place never borrows the company address."""
    place = snapshot.get("place") or {}
    found = {k: place.get(k) for k in ("postcode", "city", "lat", "lon")}
    if place.get("mode") != "other":
        # The company address is the host's master data, not reviewed content: a company that
        # moved is found at its new address at once, whatever the snapshot still says.
        customer = get_customer(session, profile.customer_id)
        if customer is not None:
            found = {
                "postcode": customer.postcode or found["postcode"],
                "city": customer.city or found["city"],
                "lat": customer.lat,
                "lon": customer.lon,
            }
    if (found["lat"] is None or found["lon"] is None) and found["postcode"]:
        centroid = places.by_postcode(session, found["postcode"])
        if centroid is not None:
            found["lat"], found["lon"] = centroid.lat, centroid.lon
    if found["lat"] is None or found["lon"] is None:
        found["lat"] = found["lon"] = None
    return found


def facets_of(offer_snapshot: dict[str, Any], profile_snapshot: dict[str, Any]) -> set[tuple]:
    """(facet, key) pairs: the offer's fields (else its profile's), the offer's target groups,
    the profile's benefits and training occupations."""
    fields = offer_snapshot.get("fields") or profile_snapshot.get("fields") or []
    pairs = {("field", k) for k in fields}
    pairs |= {("target_group", k) for k in offer_snapshot.get("target_groups") or []}
    pairs |= {("benefit", k) for k in profile_snapshot.get("benefits") or []}
    pairs |= {("occupation", k) for k in profile_snapshot.get("occupations") or []}
    return {(f, k) for f, k in pairs if k}


def _values(
    session: Session, offer: Offer, profile: EmployerProfile, names: Names
) -> tuple[dict[str, Any], set[tuple]]:
    snap = offer.published_snapshot or {}
    psnap = profile.published_snapshot or {}
    facets = facets_of(snap, psnap)
    where = _place(session, snap, profile)
    type_key = snap.get("type") or ""
    places_count = snap.get("places")
    next_start, window = _next_start(snap)

    def keyed(facet: str, lookup: dict[str, str]) -> Iterable[str]:
        return (lookup.get(k, "") for f, k in sorted(facets) if f == facet)

    words = [
        snap.get("title") or "",
        sanitize.plain_text(snap.get("description_html")),
        psnap.get("display_name") or "",
        names.types.get(type_key, ""),
        *keyed("field", names.fields),
        *keyed("occupation", names.occupations),
        *keyed("target_group", names.target_groups),
        where["city"] or "",
    ]
    values = {
        "profile_id": profile.id,
        "region_id": profile.region_id,
        "offer_type": type_key,
        "title": (snap.get("title") or "")[:200],
        "offer_slug": (snap.get("slug") or "")[:160],
        "company_name": (psnap.get("display_name") or "")[:200],
        "company_slug": (psnap.get("slug") or profile.slug)[:120],
        "postcode": where["postcode"],
        "city": where["city"],
        "lat": where["lat"],
        "lon": where["lon"],
        "places": places_count,
        "has_places": isinstance(places_count, int) and places_count > 0,
        "expires_on": expires_on(snap),
        "next_start": next_start,
        "yearly_window": window,
        "rotation": rotation_of("offer", offer.id),
        "company_rotation": rotation_of("profile", profile.id),
        "title_terms": f" {' '.join(normalise(snap.get('title')))} ",
        "terms": " ".join(normalise(" ".join(words))),
    }
    return values, facets


def _doc(session: Session, offer_id: int) -> SearchDoc | None:
    return session.scalar(select(SearchDoc).where(SearchDoc.offer_id == offer_id))


def remove_offer(session: Session, offer_id: int) -> bool:
    """Take an offer out of the index (call before deleting it); return whether it was in."""
    doc = _doc(session, offer_id)
    if doc is None:
        return False
    session.delete(doc)
    session.flush()
    search_sync.written(session)
    return True


def refresh_offer(
    session: Session, offer: Offer, names: Names | None = None
) -> SearchDoc | None:
    """Insert, update or delete the offer's document; return it (``None`` if not searchable)."""
    if offer.id is None:
        session.flush()
    profile = offer.profile
    if not searchable(offer, profile):
        remove_offer(session, offer.id)
        return None
    values, facets = _values(session, offer, profile, names or Names(session))
    doc = _doc(session, offer.id)
    if doc is None:
        doc = SearchDoc(offer_id=offer.id)
        session.add(doc)
    for key, value in values.items():
        setattr(doc, key, value)
    doc.indexed_at = utcnow()  # always an UPDATE, so the change log hears of facet-only changes
    current = {(f.facet, f.key): f for f in doc.facets}
    for pair, facet in current.items():
        if pair not in facets:
            doc.facets.remove(facet)
    for facet, key in sorted(facets - set(current)):
        doc.facets.append(SearchFacet(facet=facet, key=key))
    session.flush()
    search_sync.written(session)
    return doc


def refresh_profile(session: Session, profile: EmployerProfile) -> int:
    """Refresh every offer of ``profile``; return how many are searchable now."""
    if profile.id is None:
        session.flush()
    names = Names(session)
    offers = session.scalars(select(Offer).where(Offer.profile_id == profile.id).order_by(Offer.id))
    return sum(refresh_offer(session, offer, names) is not None for offer in offers)


def refresh(session: Session, obj: Any) -> None:
    """Refresh whatever ``obj`` is (a profile or an offer); anything else is ignored."""
    if isinstance(obj, EmployerProfile):
        refresh_profile(session, obj)
    elif isinstance(obj, Offer):
        refresh_offer(session, obj)


def rebuild_all(session: Session) -> int:
    """Rebuild the whole index from the snapshots; return the number of searchable offers."""
    session.flush()
    for obj in list(session.identity_map.values()):  # about to be deleted in bulk
        # ``in session``: expunging a document cascades to its facets, which may come later
        # in the list (the identity map's order is not fixed).
        if isinstance(obj, SearchDoc | SearchFacet) and obj in session:
            session.expunge(obj)
    session.execute(delete(SearchFacet))
    session.execute(delete(SearchDoc))
    search_sync.written(session)
    names = Names(session)
    offers = session.scalars(
        select(Offer)
        .join(EmployerProfile, Offer.profile_id == EmployerProfile.id)
        .where(
            Offer.published_snapshot.is_not(None),
            EmployerProfile.published_snapshot.is_not(None),
        )
        .order_by(Offer.id)
    ).all()
    return sum(refresh_offer(session, offer, names) is not None for offer in offers)
