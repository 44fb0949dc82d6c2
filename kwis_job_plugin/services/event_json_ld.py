"""schema.org JSON-LD for a public event page, next to the offers' (``structured_data``).

An agency event is an ``Event`` over whole days (``startDate``/``endDate`` as dates: the
event has no clock times, only its visit slots do). It is organised by the agency (the
operator named in the region's legal data, ``services/legal.py``), the companies taking part
are its ``performer``s, linked to their own company pages, and its ``offers`` are free of
charge (the portal's events cost nothing): while registration is open, the registration page of
each visit slot (sold out once full), as the event page links them; before it opens, the event
page as a pre-order from the window's opening; once it has closed, or for an event without
slots, the event page. Cancelled events have no page, so the status
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
    PRE_ORDER,
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


def _offer(url: str, availability: str, valid_from: datetime | None) -> dict[str, Any]:
    return _without_empty({
        "@type": "Offer",
        "url": url,
        "price": 0,
        "priceCurrency": CURRENCY,
        "availability": availability,
        "validFrom": _moment(valid_from),
    })


def _offers(page: EventPage, url: str, slot_url: Callable[[int], str] | None,
            state: str) -> list[dict[str, Any]]:
    slots = [s for p in page.participants for s in p.slots]
    opens = page.registration_opens_at
    if state == "not_yet" and slots:
        return [_offer(url, PRE_ORDER, opens)]
    if state == "closed" and slots:
        return [_offer(url, SOLD_OUT, opens)]
    if slot_url is None or not slots or len(slots) > MAX_OFFERS:
        full = bool(slots) and all(s.full for s in slots)
        return [_offer(url, SOLD_OUT if full else IN_STOCK, opens)]
    return [_offer(slot_url(s.slot_id), SOLD_OUT if s.full else IN_STOCK, opens)
            for s in slots]


def event_json_ld(
    page: EventPage, *, url: str, company_url: Callable[[str], str],
    slot_url: Callable[[int], str] | None = None, organizer_url: str | None = None,
    image_url: str | None = None, registration_state: str = "open",
) -> dict[str, Any]:
    """The event page's JSON-LD; ``company_url`` makes the absolute URL of a company page,
    ``slot_url`` that of a slot's registration page (``None``: registration is off),
    ``registration_state`` is ``EventPage.registration_state`` now."""
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
        "offers": _offers(page, url, slot_url, registration_state),
        "performer": [
            {"@type": "Organization", "name": p.name, "url": company_url(p.slug)}
            for p in page.participants
        ],
    })
