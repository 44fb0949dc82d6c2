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


def profile_snapshot(profile: EmployerProfile) -> dict[str, Any]:
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
        "media": [m.id for m in media.live_media(profile)],
    }


def offer_snapshot(offer: Offer) -> dict[str, Any]:
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
