"""schema.org JSON-LD for the public pages, built as dicts and written safely into HTML.

An offer page describes a ``JobPosting`` (jobs, internships, apprenticeships) or an ``Event``
(Schnuppertag, open day, camp), as its offer type says (``OfferType.schema_kind``; the JobPosting's
``employmentType`` is ``OfferType.employment_type``). An event without a next date (arranged
individually, or all dates past) gets no JSON-LD at all: an ``Event`` without ``startDate`` is
not a valid event. A company page describes an ``Organization``.

Only what the page itself shows goes in, read from the same published data. ``to_json`` escapes
``<``, ``>`` and ``&`` so that text such as ``</script>`` cannot end the script element. No Flask
here: the view passes absolute URLs.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .public_pages import Address, CompanyPage, OfferPage

CONTEXT = "https://schema.org"
COUNTRY = "DE"
OFFLINE = "https://schema.org/OfflineEventAttendanceMode"
SCHEDULED = "https://schema.org/EventScheduled"
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
            "\u2029": "\\u2029"}


def to_json(data: dict[str, Any]) -> str:
    """JSON for a ``<script type="application/ld+json">`` element: nothing in it can close the
    element or open another one."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return "".join(_ESCAPES.get(char, char) for char in text)


def _without_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def postal_address(address: Address) -> dict[str, Any]:
    return _without_empty({
        "@type": "PostalAddress",
        "streetAddress": address.street,
        "postalCode": address.postcode,
        "addressLocality": address.city,
        "addressCountry": COUNTRY,
    })


def place(address: Address, name: str | None = None) -> dict[str, Any]:
    found = {"@type": "Place", "name": name, "address": postal_address(address)}
    if address.lat is not None and address.lon is not None:
        found["geo"] = {"@type": "GeoCoordinates", "latitude": address.lat,
                        "longitude": address.lon}
    return _without_empty(found)


def job_posting(page: OfferPage, *, url: str, company_url: str) -> dict[str, Any]:
    return _without_empty({
        "@context": CONTEXT,
        "@type": "JobPosting",
        "title": page.title,
        "description": page.view.get("description_html") or page.title,
        "url": url,
        "datePosted": page.date_posted.isoformat() if page.date_posted else None,
        "validThrough": page.valid_through.isoformat() if page.valid_through else None,
        "employmentType": page.employment_type,
        "hiringOrganization": _without_empty({
            "@type": "Organization",
            "name": page.company_name,
            "sameAs": page.company_website,
            "url": company_url,
        }),
        "jobLocation": place(page.place),
        "directApply": False,
    })


def event(page: OfferPage, *, url: str, company_url: str) -> dict[str, Any] | None:
    """The next occurrence as an ``Event``; ``None`` if there is no next date."""
    period = page.next_period
    if period is None:
        return None
    return _without_empty({
        "@context": CONTEXT,
        "@type": "Event",
        "name": page.title,
        "description": page.summary,
        "url": url,
        "startDate": period.start.isoformat(),
        "endDate": period.end.isoformat(),
        "eventAttendanceMode": OFFLINE,
        "eventStatus": SCHEDULED,
        "location": place(page.place, page.company_name),
        "organizer": _without_empty({
            "@type": "Organization",
            "name": page.company_name,
            "url": company_url,
        }),
    })


def for_offer(page: OfferPage, *, url: str, company_url: str) -> dict[str, Any] | None:
    """The offer page's JSON-LD, chosen by the offer type (``None``: the page carries none)."""
    if page.schema_kind == "event":
        return event(page, url=url, company_url=company_url)
    return job_posting(page, url=url, company_url=company_url)


def organization(page: CompanyPage, *, url: str, logo_url: str | None) -> dict[str, Any]:
    return _without_empty({
        "@context": CONTEXT,
        "@type": "Organization",
        "name": page.name,
        "url": url,
        "description": page.summary,
        "logo": logo_url,
        "sameAs": page.same_as,
        "address": postal_address(page.address) if page.address.line else None,
    })
