"""schema.org JSON-LD for a public event page, next to the offers' (``structured_data``).

An agency event is an ``Event`` over whole days (``startDate``/``endDate`` as dates: the
event has no clock times, only its visit slots do). It is organised by the agency (the
operator named in the region's legal data, ``services/legal.py``), the companies taking part
are its ``performer``s, linked to their own company pages, and its ``offers`` are the
registration pages of its visit slots: free of charge (the portal's events cost nothing),
sold out once a slot is full, bookable from the registration window's opening. An event
without slots is free to visit, its page says how. Cancelled events have no page, so the status
is always "scheduled". Only what the page itself shows goes in. Written with
``structured_data.to_json`` so nothing in it can end the script element.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from .structured_data import (
    CONTEXT,
    CURRENCY,
    IN_STOCK,
    OFFLINE,
    SCHEDULED,
    SOLD_OUT,
    identifier,
    place,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from .event_pages import EventPage

BERLIN = ZoneInfo("Europe/Berlin")
MAX_OFFERS = 50
"""More slots than this are summed up by the event page's own URL (a fair with hundreds)."""


def _without_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def _moment(value: datetime | None) -> str | None:
    """A naive Berlin wall-clock time as ISO 8601 with its offset."""
    return value.replace(tzinfo=BERLIN).isoformat() if value else None


def _offer(url: str, *, full: bool, valid_from: datetime | None) -> dict[str, Any]:
    return _without_empty({
        "@type": "Offer",
        "url": url,
        "price": 0,
        "priceCurrency": CURRENCY,
        "availability": SOLD_OUT if full else IN_STOCK,
        "validFrom": _moment(valid_from),
    })


def _offers(page: EventPage, url: str, slot_url: Callable[[int], str] | None
            ) -> list[dict[str, Any]]:
    slots = [s for p in page.participants for s in p.slots]
    if slot_url is None or not slots or len(slots) > MAX_OFFERS:
        full = bool(slots) and all(s.full for s in slots)
        return [_offer(url, full=full, valid_from=page.registration_opens_at)]
    return [_offer(slot_url(s.slot_id), full=s.full, valid_from=page.registration_opens_at)
            for s in slots]


def event_json_ld(
    page: EventPage, *, url: str, company_url: Callable[[str], str],
    slot_url: Callable[[int], str] | None = None, organizer_url: str | None = None,
    image_url: str | None = None,
) -> dict[str, Any]:
    """The event page's JSON-LD; ``company_url`` makes the absolute URL of a company page,
    ``slot_url`` that of a slot's registration page (``None``: registration is off)."""
    return _without_empty({
        "@context": CONTEXT,
        "@type": "Event",
        "name": page.title,
        "description": page.summary or page.title,
        "url": url,
        "identifier": identifier(f"event-{page.event_id}"),
        "startDate": page.starts_on.isoformat(),
        "endDate": page.ends_on.isoformat(),
        "eventAttendanceMode": OFFLINE,
        "eventStatus": SCHEDULED,
        "location": place(page.address, page.venue or page.address.city),
        "image": [image_url] if image_url else None,
        "organizer": _without_empty({
            "@type": "Organization",
            "name": page.organizer or page.region_name,
            "url": organizer_url,
        }),
        "offers": _offers(page, url, slot_url),
        "performer": [
            {"@type": "Organization", "name": p.name, "url": company_url(p.slug)}
            for p in page.participants
        ],
    })
