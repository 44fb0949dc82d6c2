"""The public version of a profile or offer, as stored in ``published_snapshot``.

Only what the public may see goes in: no review comments, no editor ids. Portal pages, search,
feeds and JSON-LD read snapshots, never the company's working copy.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..models import EmployerProfile, Offer
from . import media  # a module, not a name: media -> publication -> search_index -> here


def _date(value) -> str | None:
    return value.isoformat() if value else None


def read_date(value: Any) -> date | None:
    """A snapshot's ISO date as a ``date``; anything unreadable is ``None``."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


MEDIA_ALT = "media_alt"
"""Snapshot key of the pictures' descriptions (alt texts), by media id as a string (JSON object
keys are strings on both engines). Part of the public version like every other text: before it
was, the public page read the description from the shared ``Media`` row, so a changed
description went public without review. Snapshots published before it have no such key; for
them the row's description *is* the public one (``published_alt_texts``)."""


def alt_texts(pictures) -> dict[str, str]:
    """``MEDIA_ALT`` of a working copy's pictures (``media.live_media``)."""
    return {str(m.id): m.alt_text or "" for m in pictures}


def published_alt_texts(snapshot: dict[str, Any], rows) -> dict[str, str]:
    """The descriptions the public version shows: its own, or for an older snapshot without
    ``MEDIA_ALT`` those of the rows it lists (what the public page showed then)."""
    stored = snapshot.get(MEDIA_ALT)
    if isinstance(stored, dict):
        return {str(k): v if isinstance(v, str) else "" for k, v in stored.items()}
    return {str(m.id): m.alt_text or "" for m in rows}


def complete_alt_texts(profile: EmployerProfile) -> None:
    """Give a public version published before ``MEDIA_ALT`` existed the descriptions it shows
    now (its rows'), before the working copy's descriptions change: from then on a changed
    description waits for review there too. Nothing else of the public version changes."""
    published = profile.published_snapshot
    if published is None or MEDIA_ALT in published:
        return
    listed = {i for i in published.get("media") or [] if isinstance(i, int)}
    rows = [m for m in profile.media if m.id in listed]
    profile.published_snapshot = {**published, MEDIA_ALT: published_alt_texts(published, rows)}


def profile_snapshot(profile: EmployerProfile) -> dict[str, Any]:
    """The profile as the public sees it: everything the portal page shows, pictures as media
    ids with their descriptions (``MEDIA_ALT``). Also the working copy's shape for "changes
    pending" and for the review's fingerprint, so what is not in here is not reviewed."""
    pictures = media.live_media(profile)
    return {
        "display_name": profile.display_name,
        "slug": profile.slug,
        "philosophy_html": profile.philosophy_html or "",
        "fields": [f.key for f in profile.fields],
        "occupations": [o.key for o in profile.occupations],
        "benefits": [b.key for b in profile.benefits],
        "custom_benefits": list(profile.custom_benefits or []),
        "contact": {
            "name": profile.contact_name,
            "role": profile.contact_role,
            "email": profile.contact_email,
            "phone": profile.contact_phone,
        },
        "video_url": profile.video_url,
        "social_links": dict(profile.social_links or {}),
        "media": [m.id for m in pictures],
        MEDIA_ALT: alt_texts(pictures),
    }


def offer_snapshot(offer: Offer) -> dict[str, Any]:
    """The offer as the public sees it (portal, search index, feeds, JSON-LD)."""
    return {
        "title": offer.title,
        "slug": offer.slug,
        "type": offer.offer_type.key if offer.offer_type else None,
        "description_html": offer.description_html or "",
        "fields": [f.key for f in offer.fields],
        "target_groups": [g.key for g in offer.target_groups],
        "min_age": offer.min_age,
        "min_grade": offer.min_grade,
        "places": offer.places,
        "time_mode": offer.time_mode,
        "start_date": _date(offer.start_date),
        "end_date": _date(offer.end_date),
        "fixed_dates": list(offer.fixed_dates or []),
        "recurrence": [offer.recur_start_month, offer.recur_start_day, offer.recur_end_month,
                       offer.recur_end_day] if offer.time_mode == "yearly" else None,
        "valid_until": _date(offer.valid_until),
        "place": {"mode": offer.place_mode, "street": offer.street, "postcode": offer.postcode,
                  "city": offer.city, "lat": offer.lat, "lon": offer.lon},
        "apply": {"contact": offer.apply_contact, "url": offer.apply_url,
                  "email": offer.apply_email},
        "accessible_workplace": offer.accessible_workplace,
    }
