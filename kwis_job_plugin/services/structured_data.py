"""schema.org JSON-LD for the public pages, built as dicts and written safely into HTML.

An offer page describes a ``JobPosting`` (jobs, internships, apprenticeships), events
(Schnuppertag, open day, camp) or a ``Service`` (the cooperation offer to schools), as its offer
type says (``OfferType.schema_kind``; the JobPosting's ``employmentType`` is
``OfferType.employment_type``). A company page describes an ``Organization``.

Events are real days only (``event_periods``): each upcoming date of an offer with fixed dates
is an ``Event`` of its own, a range or yearly window is one ``Event`` only while it is at most
``MAX_EVENT_DAYS`` long (a camp, a "Schnupperwoche"). A longer period ("Tag der offenen Tür,
1 September to 31 October") says on which days one *may* come, not which days the event takes
place; the data model cannot name those days, so such an offer, like one arranged individually,
gets no JSON-LD: an ``Event`` without its real ``startDate`` would be false.

The cooperation offer to schools is a ``Service`` (provider, audience, area served): it is
arranged with each school, so it has no days of its own (not an ``Event``), and no one is hired
(not a ``JobPosting``); ``EducationalOccupationalProgram`` would claim a programme leading to an
occupation, which a class visit or an application training is not.

``validThrough`` is the offer's end where it has one: its "gültig bis", the end of a dated
period, or the end of the current occurrence of a yearly window (a holiday job each summer is
posted for this summer). ``addressRegion`` is the federal state, read from the first two digits
of the region's AGS (``STATES``).

Only what the page itself shows goes in, read from the same published data. ``to_json`` escapes
``<``, ``>`` and ``&`` so that text such as ``</script>`` cannot end the script element. No Flask
here: the view passes absolute URLs.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from .recurrence import Period

if TYPE_CHECKING:
    from .public_pages import Address, CompanyPage, OfferPage


def state_of_ags(ags: str | None) -> str | None:
    """The federal state of an AGS or AGS prefix ("16053" is in Thüringen), else ``None``."""
    return STATES.get((ags or "")[:2])

CONTEXT = "https://schema.org"
COUNTRY = "DE"
OFFLINE = "https://schema.org/OfflineEventAttendanceMode"
SCHEDULED = "https://schema.org/EventScheduled"
IN_STOCK = "https://schema.org/InStock"
SOLD_OUT = "https://schema.org/SoldOut"
PRE_ORDER = "https://schema.org/PreOrder"
CURRENCY = "EUR"
MAX_EVENT_DAYS = 14
"""The longest range that is still one event (two weeks of a holiday camp)."""
MAX_EVENT_DATES = 20
"""At most this many upcoming fixed dates are listed as events of one offer page."""
IDENTIFIER_NAME = "KWIS.job"
STATES = {
    "01": "Schleswig-Holstein", "02": "Hamburg", "03": "Niedersachsen", "04": "Bremen",
    "05": "Nordrhein-Westfalen", "06": "Hessen", "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg", "09": "Bayern", "10": "Saarland", "11": "Berlin",
    "12": "Brandenburg", "13": "Mecklenburg-Vorpommern", "14": "Sachsen",
    "15": "Sachsen-Anhalt", "16": "Thüringen",
}
"""The federal states by the first two digits of the AGS (Amtlicher Gemeindeschlüssel)."""
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
            "\u2029": "\\u2029"}


def to_json(data: dict[str, Any] | list[dict[str, Any]]) -> str:
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
        "addressRegion": address.region,
        "addressCountry": COUNTRY,
    })


def place(address: Address, name: str | None = None) -> dict[str, Any]:
    found = {"@type": "Place", "name": name, "address": postal_address(address)}
    if address.lat is not None and address.lon is not None:
        found["geo"] = {"@type": "GeoCoordinates", "latitude": address.lat,
                        "longitude": address.lon}
    return _without_empty(found)


def identifier(value: int | str) -> dict[str, Any]:
    """The portal's own id of an offer or event (``PropertyValue``, as Google asks)."""
    return {"@type": "PropertyValue", "name": IDENTIFIER_NAME, "value": str(value)}


def valid_through(page: OfferPage) -> date | None:
    """The offer's end (see the module docstring), or ``None`` when it has none."""
    ends = [page.valid_through]
    if page.time_mode == "yearly" and page.next_period is not None:
        ends.append(page.next_period.end)
    found = [d for d in ends if d is not None]
    return min(found) if found else None


def event_periods(page: OfferPage) -> list[Period]:
    """The real days of an event-like offer (see the module docstring); ``[]``: none known."""
    if page.time_mode == "fixed":
        return [Period(d, d) for d in page.upcoming_dates[:MAX_EVENT_DATES]]
    period = page.next_period
    if period is None or period.days > MAX_EVENT_DAYS:
        return []
    return [period]


def _company(page: OfferPage, company_url: str, logo_url: str | None) -> dict[str, Any]:
    return _without_empty({
        "@type": "Organization",
        "name": page.company_name,
        "sameAs": page.company_website,
        "url": company_url,
        "logo": logo_url,
    })


def job_posting(page: OfferPage, *, url: str, company_url: str,
                logo_url: str | None = None) -> dict[str, Any]:
    ends = valid_through(page)
    return _without_empty({
        "@context": CONTEXT,
        "@type": "JobPosting",
        "title": page.title,
        "description": page.view.get("description_html") or page.title,
        "url": url,
        "identifier": identifier(page.offer_id),
        "datePosted": page.date_posted.isoformat() if page.date_posted else None,
        "validThrough": ends.isoformat() if ends else None,
        "employmentType": page.employment_type,
        "hiringOrganization": _company(page, company_url, logo_url),
        "jobLocation": place(page.place),
        "directApply": False,
    })


def events(page: OfferPage, *, url: str, company_url: str,
           image_url: str | None = None) -> list[dict[str, Any]]:
    """One ``Event`` for each real day or short period of the offer (``event_periods``)."""
    return [
        _without_empty({
            "@context": CONTEXT,
            "@type": "Event",
            "name": page.title,
            "description": page.summary or page.title,
            "url": url,
            "identifier": identifier(f"{page.offer_id}-{period.start.isoformat()}"),
            "startDate": period.start.isoformat(),
            "endDate": period.end.isoformat(),
            "eventAttendanceMode": OFFLINE,
            "eventStatus": SCHEDULED,
            "location": place(page.place, page.company_name),
            "image": [image_url] if image_url else None,
            "organizer": _without_empty({
                "@type": "Organization",
                "name": page.company_name,
                "url": company_url,
            }),
            "offers": _without_empty({
                "@type": "Offer",
                "url": page.view.get("apply_url") or url,
                "availability": IN_STOCK,
            }),
        })
        for period in event_periods(page)
    ]


def service(page: OfferPage, *, url: str, company_url: str, image_url: str | None = None,
            logo_url: str | None = None) -> dict[str, Any]:
    """The cooperation offer to schools (see the module docstring for why a ``Service``)."""
    return _without_empty({
        "@context": CONTEXT,
        "@type": "Service",
        "name": page.title,
        "serviceType": page.view.get("type_name"),
        "description": page.summary or page.title,
        "url": url,
        "identifier": identifier(page.offer_id),
        "image": image_url,
        "provider": _company(page, company_url, logo_url),
        "areaServed": place(page.place),
        "audience": {"@type": "EducationalAudience", "educationalRole": "teacher"},
    })


def for_offer(
    page: OfferPage, *, url: str, company_url: str, logo_url: str | None = None,
    image_url: str | None = None,
) -> dict[str, Any] | list[dict[str, Any]] | None:
    """The offer page's JSON-LD, chosen by the offer type (``None``: the page carries none).

    ``logo_url``: the company's logo; ``image_url``: the picture of an event or service (the
    company's logo, else the region's). Several events are a list: a JSON-LD document may be
    an array of nodes."""
    image_url = image_url or logo_url
    if page.schema_kind == "service":
        return service(page, url=url, company_url=company_url, image_url=image_url,
                       logo_url=logo_url)
    if page.schema_kind == "event":
        found = events(page, url=url, company_url=company_url, image_url=image_url)
        return (found[0] if len(found) == 1 else found) or None
    return job_posting(page, url=url, company_url=company_url, logo_url=logo_url)


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
