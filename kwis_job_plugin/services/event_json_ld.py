"""schema.org JSON-LD for a public event page, next to the offers' (``structured_data``).

An agency event is an ``Event`` over whole days (``startDate``/``endDate`` as dates: the
event has no clock times, only its visit slots do). The companies taking part are its
``performer``s, linked to their own company pages; only what the page itself shows goes in.
Written with ``structured_data.to_json`` so nothing in it can end the script element.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .structured_data import CONTEXT, OFFLINE, SCHEDULED, place

if TYPE_CHECKING:
    from collections.abc import Callable

    from .event_pages import EventPage


def _without_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def event_json_ld(
    page: EventPage, *, url: str, company_url: Callable[[str], str]
) -> dict[str, Any]:
    """The event page's JSON-LD; ``company_url`` makes the absolute URL of a company page."""
    return _without_empty({
        "@context": CONTEXT,
        "@type": "Event",
        "name": page.title,
        "description": page.summary or page.title,
        "url": url,
        "startDate": page.starts_on.isoformat(),
        "endDate": page.ends_on.isoformat(),
        "eventAttendanceMode": OFFLINE,
        "eventStatus": SCHEDULED,
        "location": place(page.address, page.venue or page.address.city),
        "performer": [
            {"@type": "Organization", "name": p.name, "url": company_url(p.slug)}
            for p in page.participants
        ],
    })
