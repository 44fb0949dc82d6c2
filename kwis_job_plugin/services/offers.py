"""A company's offers: reading its own, writing the working copy, and every change of status.

Plain functions over a session: they flush, never commit, and raise ``ValidationError`` (German
messages keyed by form field) before they change anything. Ownership is always the join from
the offer to the customer's profile; ``status``, the customer and the region never come from
input. The row is the working copy; the public version is ``published_snapshot``, written only
by ``services.publication``. Pausing, resuming and archiving change the public visibility, so
they refresh the search index in the same transaction (``services.search_index``). What the
input may be is ``services.offer_input``; what the company sees is ``services.offer_display``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ..i18n import N_
from ..i18n import gettext as _
from ..models import EmployerProfile, Offer
from ..models.base import utcnow
from ..models.host import get_customer
from . import (
    audit,
    geocoding,
    ownership,
    profiles,
    publication,
    recurrence,
    search_index,
    staleness,
)
from .errors import NotFound, ValidationError
from .geocoder import GeocoderSettings
from .input_checks import db_ids, stripped_or_none, without_control_chars
from .locking import check_version, flush_or_conflict
from .offer_input import TITLE_MAX, OfferInput, ResolvedInput, validate_input
from .offer_timing import Timing
from .regions import region_by_id
from .slugs import slugify
from .snapshots import offer_snapshot

# --- reading ----------------------------------------------------------------------------------


def get_profile(session: Session, customer_id: int) -> EmployerProfile:
    profile = profiles.profile_for_customer(session, customer_id)
    if profile is None:
        raise NotFound("no profile")
    return profile


def get_offer(session: Session, customer_id: int, offer_id: int) -> Offer:
    """The customer's own offer; another company's id is ``NotFound``, like a missing one."""
    if not db_ids([offer_id]):
        raise NotFound(offer_id)
    return ownership.owned(session, Offer, customer_id, offer_id)


def needs_review(session: Session, offer: Offer) -> bool:
    """Whether submitting this offer waits for the region's review."""
    return publication.needs_review(offer, region_by_id(session, offer.profile.region_id))


def prefill(session: Session, customer_id: int) -> dict[str, Any]:
    """Form values for a new offer, from the profile and the host's customer record."""
    profile = get_profile(session, customer_id)
    customer = get_customer(session, customer_id)
    contact = ", ".join(
        part for part in (profile.contact_name, profile.contact_phone) if part
    )
    return {
        "place_mode": "company",
        "time_mode": "by_arrangement",
        "apply_contact": contact or None,
        "apply_email": profile.contact_email or (customer.email if customer else None),
    }


# --- writing ----------------------------------------------------------------------------------


def _slug(title: str) -> str:
    return slugify(title)[:160].strip("-") or "angebot"


def _apply(session: Session, offer: Offer, profile: EmployerProfile, data: OfferInput,
           resolved: ResolvedInput, geocoder: GeocoderSettings | None = None) -> None:
    offer.offer_type = resolved.offer_type
    offer.title = without_control_chars(data.title).strip()
    offer.slug = _slug(offer.title)
    offer.description_html = resolved.description_html
    offer.target_groups = resolved.target_groups
    offer.fields = resolved.fields
    offer.min_age, offer.min_grade, offer.places = data.min_age, data.min_grade, data.places

    mode = data.time_mode
    offer.time_mode = mode
    offer.start_date = data.start_date if mode == "range" else None
    offer.end_date = data.end_date if mode == "range" else None
    dates = sorted(set(data.fixed_dates)) if mode == "fixed" else []
    offer.fixed_dates = [d.isoformat() for d in dates]
    if mode == "fixed":
        offer.start_date, offer.end_date = dates[0], dates[-1]
    window = data.recurrence if mode == "yearly" else None
    offer.recur_start_month = window.start_month if window else None
    offer.recur_start_day = window.start_day if window else None
    offer.recur_end_month = window.end_month if window else None
    offer.recur_end_day = window.end_day if window else None
    offer.valid_until = data.valid_until

    _apply_place(session, offer, profile, data, geocoder)
    offer.apply_contact = stripped_or_none(data.apply_contact)
    offer.apply_url = stripped_or_none(data.apply_url)
    offer.apply_email = stripped_or_none(data.apply_email)
    offer.accessible_workplace = bool(data.accessible_workplace)


def _apply_place(session: Session, offer: Offer, profile: EmployerProfile,
                 data: OfferInput, geocoder: GeocoderSettings | None = None) -> None:
    """Company address (and "mehrere Standorte", placed at the company) or another address."""
    offer.place_mode = data.place_mode
    if data.place_mode == "other":
        street, postcode, city = (stripped_or_none(data.street), stripped_or_none(data.postcode),
                                  stripped_or_none(data.city))
        lat = lon = None
    else:
        customer = get_customer(session, profile.customer_id)
        street, postcode, city = customer.street, customer.postcode, customer.city
        lat, lon = customer.lat, customer.lon
    if lat is None or lon is None:
        location = geocoding.locate(session, postcode, city, street, geocoder)
        lat, lon = (location.lat, location.lon) if location else (None, None)
    offer.street, offer.postcode, offer.city, offer.lat, offer.lon = (
        street, postcode, city, lat, lon
    )


def _record(session: Session, action: str, offer: Offer, actor_user_id: int | None,
            **details: Any) -> None:
    audit.record(
        session, f"offer.{action}", "offer", offer.id, actor_user_id=actor_user_id,
        region_id=offer.profile.region_id if offer.profile else None, details=details or None,
    )


def create_offer(session: Session, customer_id: int, data: OfferInput,
                 actor_user_id: int | None = None,
                 geocoder: GeocoderSettings | None = None) -> Offer:
    """A new draft of the customer's profile."""
    profile = get_profile(session, customer_id)
    resolved = validate_input(session, data)
    offer = Offer(profile=profile, profile_id=profile.id, status="draft",
                  updated_by_user_id=actor_user_id)
    _apply(session, offer, profile, data, resolved, geocoder)
    session.add(offer)
    session.flush()
    _record(session, "created", offer, actor_user_id)
    session.flush()
    return offer


def update_offer(session: Session, customer_id: int, offer_id: int, data: OfferInput,
                 expected_version: int | None, actor_user_id: int | None = None,
                 geocoder: GeocoderSettings | None = None) -> Offer:
    """Save the working copy. A change to a published or submitted offer makes it a draft
    again ("changes pending"); the published snapshot stays public until the next release."""
    offer = get_offer(session, customer_id, offer_id)
    _require(offer, "edit")
    check_version(expected_version, offer.version)
    resolved = validate_input(session, data)
    before = offer_snapshot(offer)
    with session.no_autoflush:
        _apply(session, offer, offer.profile, data, resolved, geocoder)
    if offer_snapshot(offer) != before:
        if offer.status in ("published", "in_review"):
            offer.status = "draft"
        offer.updated_by_user_id = actor_user_id
        _record(session, "updated", offer, actor_user_id)
    was_hidden = staleness.answer(offer)
    flush_or_conflict(session)
    if was_hidden:
        search_index.refresh_offer(session, offer)
    return offer


# --- status -----------------------------------------------------------------------------------


def has_pending_changes(offer: Offer) -> bool:
    """A released offer whose working copy differs from what the public sees."""
    return offer.published_snapshot is not None and offer_snapshot(offer) != (
        offer.published_snapshot
    )


def allowed_actions(offer: Offer) -> frozenset[str]:
    """The buttons an offer has now (``_REFUSALS`` says why a missing one is refused)."""
    actions = {"duplicate"}
    if offer.status != "archived":
        actions |= {"edit", "archive"}
    else:
        actions.add("restore")
    if offer.status == "draft":
        actions.add("submit")
    if publication.is_public(offer):
        actions.add("pause")
    if offer.status == "paused":
        actions.add("resume")
    if offer.status == "draft" and offer.published_snapshot is None and offer.published_at is None:
        actions.add("delete")
    if offer.time_mode in ("range", "fixed") and offer.status != "archived":
        actions.add("make_yearly")
    return frozenset(actions)


_REFUSALS = {
    "edit": N_(
        "Archivierte Angebote können nicht bearbeitet werden. Stellen Sie das Angebot wieder "
        "her oder legen Sie eine Kopie an."
    ),
    "restore": N_("Nur archivierte Angebote können wiederhergestellt werden."),
    "submit": N_("Nur Entwürfe und geänderte Angebote können eingereicht werden."),
    "pause": N_("Nur veröffentlichte Angebote können pausiert werden."),
    "resume": N_("Nur pausierte Angebote können fortgesetzt werden."),
    "archive": N_("Das Angebot ist bereits archiviert."),
    "delete": N_(
        "Nur Entwürfe, die nie veröffentlicht waren, können gelöscht werden. "
        "Archivieren Sie das Angebot stattdessen."
    ),
    "make_yearly": N_(
        "Nur Angebote mit festen Terminen oder einem Zeitraum können jährlich wiederkehren."
    ),
}


def _require(offer: Offer, action: str) -> None:
    if action not in allowed_actions(offer):
        raise ValidationError({"status": _(_REFUSALS[action])})


def submit_offer(session: Session, customer_id: int, offer_id: int,
                 actor_user_id: int | None = None) -> str:
    """Submit under the review rule of the profile's region; return the new status."""
    offer = get_offer(session, customer_id, offer_id)
    _require(offer, "submit")
    region = region_by_id(session, offer.profile.region_id)
    staleness.answer(offer)  # publication.submit refreshes the index
    status = publication.submit(session, offer, region, offer_snapshot, actor_user_id)
    flush_or_conflict(session)
    return status


def _set_visibility(session: Session, offer: Offer, status: str, event: str,
                    actor_user_id: int | None) -> Offer:
    """A status change that shows or hides the public version: the index follows at once."""
    offer.status = status
    _record(session, event, offer, actor_user_id)
    flush_or_conflict(session)
    search_index.refresh_offer(session, offer)
    return offer


def pause_offer(session: Session, customer_id: int, offer_id: int,
                actor_user_id: int | None = None) -> Offer:
    offer = get_offer(session, customer_id, offer_id)
    _require(offer, "pause")
    return _set_visibility(session, offer, "paused", "paused", actor_user_id)


def resume_offer(session: Session, customer_id: int, offer_id: int,
                 actor_user_id: int | None = None) -> Offer:
    """Back online with the published version; pending changes stay a draft to submit."""
    offer = get_offer(session, customer_id, offer_id)
    _require(offer, "resume")
    status = "draft" if has_pending_changes(offer) else "published"
    staleness.answer(offer)  # the company put it back online itself
    return _set_visibility(session, offer, status, "resumed", actor_user_id)


def archive_offer(session: Session, customer_id: int, offer_id: int,
                  actor_user_id: int | None = None) -> Offer:
    offer = get_offer(session, customer_id, offer_id)
    _require(offer, "archive")
    return _set_visibility(session, offer, "archived", "archived", actor_user_id)


def restore_offer(session: Session, customer_id: int, offer_id: int,
                  actor_user_id: int | None = None, *,
                  expected_version: int | None) -> Offer:
    """Archived → an unpublished draft the company can edit and submit again.

    Never straight back online: what was archived may be long out of date (dates, places,
    contact), so the restored offer counts as new. Its former public version is dropped, and
    the next submission goes through the region's review rule as a first publication
    (``publication.needs_review``); ``published_at`` stays, so it is never deleted as a "draft
    that was never published". ``expected_version`` is the version the button was shown with
    (``EditConflict`` when someone changed the offer since).
    """
    offer = get_offer(session, customer_id, offer_id)
    check_version(expected_version, offer.version)
    _require(offer, "restore")
    offer.status = "draft"
    offer.published_snapshot = None
    offer.updated_at = utcnow()
    offer.updated_by_user_id = actor_user_id
    staleness.clear(offer)
    _record(session, "restored", offer, actor_user_id)
    flush_or_conflict(session)
    search_index.refresh_offer(session, offer)
    return offer


def delete_offer(session: Session, customer_id: int, offer_id: int,
                 actor_user_id: int | None = None) -> None:
    """Delete a draft that was never published; everything else is archived instead."""
    offer = get_offer(session, customer_id, offer_id)
    _require(offer, "delete")
    _record(session, "deleted", offer, actor_user_id)
    search_index.remove_offer(session, offer.id)
    session.delete(offer)
    flush_or_conflict(session)


def duplicate_offer(session: Session, customer_id: int, offer_id: int,
                    actor_user_id: int | None = None) -> Offer:
    """A new draft with the same content, titled "Kopie von …"; never published."""
    source = get_offer(session, customer_id, offer_id)
    title = _("Kopie von %(title)s", title=source.title)
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rstrip() + "…"
    copy = Offer(
        profile_id=source.profile_id,
        profile=source.profile,
        offer_type=source.offer_type,
        status="draft",
        title=title,
        slug=_slug(title),
        updated_by_user_id=actor_user_id,
    )
    for name in ("description_html", "min_age", "min_grade", "places", "time_mode",
                 "start_date", "end_date", "recur_start_month", "recur_start_day",
                 "recur_end_month", "recur_end_day", "valid_until", "place_mode", "street",
                 "postcode", "city", "lat", "lon", "apply_contact", "apply_url", "apply_email",
                 "accessible_workplace"):
        setattr(copy, name, getattr(source, name))
    copy.fixed_dates = list(source.fixed_dates or [])
    copy.fields = list(source.fields)
    copy.target_groups = list(source.target_groups)
    session.add(copy)
    session.flush()
    _record(session, "duplicated", copy, actor_user_id, source=source.id)
    session.flush()
    return copy


def make_yearly(session: Session, customer_id: int, offer_id: int,
                actor_user_id: int | None = None, today: date | None = None) -> Offer:
    """Turn a one-off period into the same yearly window (a past summer job recurs)."""
    offer = get_offer(session, customer_id, offer_id)
    _require(offer, "make_yearly")
    timing = Timing.of_offer(offer)
    first = timing.start if offer.time_mode == "range" else min(timing.fixed_dates, default=None)
    last = recurrence.last_date(offer.time_mode, end=timing.end, fixed_dates=timing.fixed_dates)
    window = recurrence.window_from_period(first, last) if first and last else None
    if window is None:
        raise ValidationError({"time_mode": _(
            "Dieser Zeitraum ist ein Jahr oder länger und kann sich nicht jährlich wiederholen. "
            "Bitte passen Sie die Zeit im Formular an."
        )})
    offer.time_mode = "yearly"
    offer.start_date = offer.end_date = None
    offer.fixed_dates = []
    (offer.recur_start_month, offer.recur_start_day, offer.recur_end_month,
     offer.recur_end_day) = (window.start_month, window.start_day, window.end_month,
                             window.end_day)
    offer.valid_until = None if timing.is_expired(today or date.today()) else offer.valid_until
    if offer.status in ("published", "in_review"):
        offer.status = "draft"
    offer.updated_by_user_id = actor_user_id
    was_hidden = staleness.answer(offer)
    _record(session, "made_yearly", offer, actor_user_id)
    flush_or_conflict(session)
    if was_hidden:
        search_index.refresh_offer(session, offer)
    return offer


def confirm_current(session: Session, customer_id: int, offer_id: int,
                    actor_user_id: int | None = None, *, via: str = "tab") -> Offer:
    """The company says a stale offer is still right: it counts as touched today.

    One path for the tab's button and the one-click link of the reminder mail (``via="link"``,
    no user: the signed token was the check, ``services.staleness.check_link``). A reminder's
    stamps are cleared, so an offer the reminder took off the portal is back at once."""
    offer = get_offer(session, customer_id, offer_id)
    was_hidden = staleness.touch(offer)
    offer.updated_by_user_id = actor_user_id
    _record(session, "confirmed", offer, actor_user_id, via=via, was_hidden=was_hidden)
    flush_or_conflict(session)
    if was_hidden:
        search_index.refresh_offer(session, offer)
    return offer
