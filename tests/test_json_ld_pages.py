"""Every offer and event page's JSON-LD, checked over HTTP against Google's documentation.

A fixture world holds an offer of every offer type (each with the kind of dates that type
usually has) and a public event of every event kind. Each page's JSON-LD must have what Google
requires and, where the data exists, what it recommends; values must have the right types and
formats (ISO 8601 dates, ``validThrough`` not before ``datePosted``, full postal addresses,
absolute URLs, schema.org enumeration members).

The property lists are copied from Google Search Central's structured data documentation:
- JobPosting: https://developers.google.com/search/docs/appearance/structured-data/job-posting
  ("Required properties" and "Recommended properties")
- Event: https://developers.google.com/search/docs/appearance/structured-data/event
  ("Required properties" and "Recommended properties")
Google has no rich result for ``Service`` (the cooperation offer to schools); its check is
schema.org's own: a name, a provider and an area served.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta

import pytest
from support import search_world

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import Event, EventParticipation, OfferType, Region, Slot
from kwis_job_plugin.models.event import EVENT_KINDS
from kwis_job_plugin.services import publication
from kwis_job_plugin.services.snapshots import offer_snapshot

# --- Google's lists --------------------------------------------------------------------------

JOB_POSTING_REQUIRED = {"datePosted", "description", "hiringOrganization", "jobLocation", "title"}
JOB_POSTING_RECOMMENDED = {
    "applicantLocationRequirements", "baseSalary", "directApply", "employmentType",
    "identifier", "jobLocationType", "validThrough",
}
JOB_POSTING_NOT_APPLICABLE = {
    "applicantLocationRequirements": "only for remote jobs; every offer here has a place",
    "jobLocationType": "only TELECOMMUTE for remote jobs",
    "baseSalary": "the offers carry no pay",
    "validThrough": "only where the offer has an end (checked separately)",
}
GOOGLE_EMPLOYMENT_TYPES = {"FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY", "INTERN",
                           "VOLUNTEER", "PER_DIEM", "OTHER"}
EVENT_REQUIRED = {"location", "name", "startDate"}
EVENT_RECOMMENDED = {
    "description", "endDate", "eventAttendanceMode", "eventStatus", "image", "offers",
    "organizer", "performer", "previousStartDate",
}
EVENT_NOT_APPLICABLE = {
    "previousStartDate": "only for a rescheduled event; a moved event simply has new dates",
}
OFFER_EVENT_NOT_APPLICABLE = {
    **EVENT_NOT_APPLICABLE,
    "performer": "a company's own open day or camp: the company is the organizer",
}
EVENT_OFFER_RECOMMENDED = {"availability", "price", "priceCurrency", "validFrom", "url"}
OFFER_EVENT_OFFER_NOT_APPLICABLE = {
    "price": "offers carry no price", "priceCurrency": "no price", "validFrom": "no window",
}
ADDRESS_FIELDS = {"streetAddress", "addressLocality", "addressRegion", "postalCode",
                  "addressCountry"}
STATUSES = {"https://schema.org/EventScheduled", "https://schema.org/EventCancelled",
            "https://schema.org/EventMovedOnline", "https://schema.org/EventPostponed",
            "https://schema.org/EventRescheduled"}
MODES = {"https://schema.org/OfflineEventAttendanceMode",
         "https://schema.org/OnlineEventAttendanceMode",
         "https://schema.org/MixedEventAttendanceMode"}
AVAILABILITY = {"https://schema.org/InStock", "https://schema.org/SoldOut",
                "https://schema.org/PreOrder", "https://schema.org/LimitedAvailability"}
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


# --- the world -------------------------------------------------------------------------------


def _time(today: date, kind: str) -> dict:
    """The dates an offer type usually has (``"long"``: a two-month open day)."""
    start = today + timedelta(days=20)
    return {
        "yearly": {"time_mode": "yearly", "recur_start_month": 7, "recur_start_day": 1,
                   "recur_end_month": 8, "recur_end_day": 31},
        "range": {"time_mode": "range", "start_date": start,
                  "end_date": start + timedelta(days=13), "valid_until": None},
        "camp": {"time_mode": "range", "start_date": start,
                 "end_date": start + timedelta(days=4), "valid_until": None},
        "long": {"time_mode": "range", "start_date": start,
                 "end_date": start + timedelta(days=60), "valid_until": None},
        "fixed": {"time_mode": "fixed", "fixed_dates": [
            (start + timedelta(days=d)).isoformat() for d in (0, 7)]},
        "until": {"time_mode": "by_arrangement", "valid_until": today + timedelta(days=90)},
        "open": {"time_mode": "by_arrangement"},
    }[kind]


OFFER_DATES = {
    "ferienjob": "yearly", "schuelerpraktikum": "range", "studierendenpraktikum": "until",
    "praktikum-arbeitsuchende": "open", "abschlussarbeit": "open", "schnuppertag": "fixed",
    "feriencamp": "camp", "tag-der-offenen-tuer": "long", "kooperation-schulen": "open",
    "ausbildungsplatz": "until", "duales-studium": "yearly",
}


@pytest.fixture
def ld_world(session):
    sw = search_world.build(session)
    today = sw.today
    jena: Region = sw.regions["jena"]
    jena.logo_data, jena.logo_content_type, jena.logo_sha256 = PNG, "image/png", "ab" * 32
    jena.logo_width = jena.logo_height = 16
    jena.logo_alt = "Logo der Stadt Jena"
    bakery = sw.profiles["bakery"]
    types = {t.key: t for t in session.query(OfferType)}
    assert set(OFFER_DATES) == set(types), "a new offer type needs its dates here"
    offers = {}
    for key, kind in OFFER_DATES.items():
        offer = factories.OfferFactory(
            profile=bakery, type_key=key, title=f"{types[key].name} in der Backstube",
            place_mode="other", street="Löbdergraben 1", postcode="07743", city="Jena",
            lat=50.9279, lon=11.5869, **_time(today, kind),
        )
        session.flush()
        publication.submit(session, offer, jena, offer_snapshot, None)
        offers[key] = offer
    events = {}
    for number, kind in enumerate(EVENT_KINDS):
        starts_on = today + timedelta(days=10 + number)
        event = Event(region_id=jena.id, kind=kind, status="published",
                      slug="termin-" + kind.replace("_", "-"), title=f"Termin {kind}",
                      starts_on=starts_on,
                      ends_on=starts_on + timedelta(days=number % 2), venue="Volkshaus",
                      street="Carl-Zeiß-Platz 15", postcode="07743", city="Jena",
                      description_html="<p>Für Schülerinnen und Schüler.</p>",
                      registration_opens_at=datetime.combine(today, datetime.min.time()))
        session.add(event)
        participation = EventParticipation(event=event, profile=bakery, status="registered")
        session.add(participation)
        if number % 2 == 0:
            session.add(Slot(participation=participation, title="Rundgang", capacity=8,
                             starts_at=datetime.combine(starts_on, datetime.min.time())
                             + timedelta(hours=9),
                             ends_at=datetime.combine(starts_on, datetime.min.time())
                             + timedelta(hours=11)))
        events[kind] = event
    session.commit()
    return sw, offers, events


def json_ld(client, path: str) -> list[dict]:
    response = client.get(path)
    assert response.status_code == 200, path
    found = []
    for block in JSON_LD.findall(response.get_data(as_text=True)):
        data = json.loads(block)
        found.extend(data if isinstance(data, list) else [data])
    return found


# --- the checks ------------------------------------------------------------------------------


def _iso_date(value: str) -> date:
    assert isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}(T.*)?", value), value
    return datetime.fromisoformat(value).date() if "T" in value else date.fromisoformat(value)


def _url(value: str) -> None:
    assert isinstance(value, str) and re.match(r"https?://[^/\s]+/", value), value


def _address(address: dict, *, street: bool = True) -> None:
    assert address["@type"] == "PostalAddress"
    wanted = ADDRESS_FIELDS if street else ADDRESS_FIELDS - {"streetAddress"}
    assert wanted <= set(address), wanted - set(address)
    assert address["addressCountry"] == "DE"
    assert re.fullmatch(r"\d{5}", address["postalCode"])
    assert address["addressRegion"] == "Thüringen"


def _identifier(found: dict) -> None:
    assert found["@type"] == "PropertyValue" and found["name"] and found["value"]


def _recommended(data: dict, recommended: set[str], exempt: dict[str, str]) -> None:
    missing = recommended - set(data) - set(exempt)
    assert not missing, f"recommended but missing: {missing}"


def check_job_posting(data: dict, offer) -> None:
    assert data["@context"] == "https://schema.org" and data["@type"] == "JobPosting"
    assert set(data) >= JOB_POSTING_REQUIRED, JOB_POSTING_REQUIRED - set(data)
    _recommended(data, JOB_POSTING_RECOMMENDED, JOB_POSTING_NOT_APPLICABLE)
    posted = _iso_date(data["datePosted"])
    if offer.time_mode in ("yearly", "range", "fixed") or offer.valid_until:
        assert "validThrough" in data, "an offer with an end says so"
    if "validThrough" in data:
        assert _iso_date(data["validThrough"]) >= posted
    assert data["employmentType"] in GOOGLE_EMPLOYMENT_TYPES
    assert data["hiringOrganization"]["@type"] == "Organization"
    assert data["hiringOrganization"]["name"]
    _url(data["hiringOrganization"]["url"])
    assert data["jobLocation"]["@type"] == "Place"
    _address(data["jobLocation"]["address"])
    _identifier(data["identifier"])
    assert isinstance(data["directApply"], bool)
    _url(data["url"])


def check_event(data: dict, *, exempt: dict[str, str], offer_exempt: dict[str, str]) -> None:
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert set(data) >= EVENT_REQUIRED, EVENT_REQUIRED - set(data)
    _recommended(data, EVENT_RECOMMENDED, exempt)
    assert _iso_date(data["endDate"]) >= _iso_date(data["startDate"])
    assert data["eventStatus"] in STATUSES and data["eventAttendanceMode"] in MODES
    assert data["location"]["@type"] == "Place" and data["location"]["name"]
    _address(data["location"]["address"])
    assert data["organizer"]["name"]
    _url(data["organizer"]["url"])
    for image in data["image"]:
        _url(image)
    offers = data["offers"] if isinstance(data["offers"], list) else [data["offers"]]
    for found in offers:
        assert found["@type"] == "Offer"
        _recommended(found, EVENT_OFFER_RECOMMENDED, offer_exempt)
        _url(found["url"])
        assert found["availability"] in AVAILABILITY
        if "price" in found:
            assert isinstance(found["price"], int | float) and found["priceCurrency"] == "EUR"
        if "validFrom" in found:
            assert datetime.fromisoformat(found["validFrom"]).tzinfo is not None
    for performer in data.get("performer", []):
        assert performer["name"]
        _url(performer["url"])
    _url(data["url"])


def check_service(data: dict) -> None:
    assert data["@type"] == "Service"
    assert {"name", "provider", "areaServed", "description", "url", "identifier"} <= set(data)
    _address(data["areaServed"]["address"])
    _url(data["provider"]["url"])


# --- the test --------------------------------------------------------------------------------


def test_every_offer_and_event_page_has_valid_json_ld(client, ld_world):
    sw, offers, events = ld_world
    kinds = {}
    for key, offer in offers.items():
        path = f"/jobs/angebote/{offer.id}-{offer.slug}"
        found = json_ld(client, path)
        kinds[key] = sorted({d["@type"] for d in found})
        for data in found:
            if data["@type"] == "JobPosting":
                check_job_posting(data, offer)
            elif data["@type"] == "Event":
                check_event(data, exempt=OFFER_EVENT_NOT_APPLICABLE,
                            offer_exempt=OFFER_EVENT_OFFER_NOT_APPLICABLE)
            else:
                check_service(data)
    assert kinds == {
        "ferienjob": ["JobPosting"], "schuelerpraktikum": ["JobPosting"],
        "studierendenpraktikum": ["JobPosting"], "praktikum-arbeitsuchende": ["JobPosting"],
        "abschlussarbeit": ["JobPosting"], "ausbildungsplatz": ["JobPosting"],
        "duales-studium": ["JobPosting"], "schnuppertag": ["Event"], "feriencamp": ["Event"],
        "kooperation-schulen": ["Service"],
        "tag-der-offenen-tuer": [],  # two months: no real days known, so no Event at all
    }
    schnupper = json_ld(client, f"/jobs/angebote/{offers['schnuppertag'].id}-"
                                f"{offers['schnuppertag'].slug}")
    assert [e["startDate"] for e in schnupper] == sorted(offers["schnuppertag"].fixed_dates)
    summer = json_ld(client, f"/jobs/angebote/{offers['ferienjob'].id}-"
                             f"{offers['ferienjob'].slug}")[0]
    assert summer["validThrough"].endswith("-08-31")

    for kind, event in events.items():
        found = json_ld(client, f"/jobs/termine/{event.id}-{event.slug}")
        assert len(found) == 1, kind
        check_event(found[0], exempt=EVENT_NOT_APPLICABLE, offer_exempt={})
        urls = [o["url"] for o in found[0]["offers"]]
        if event.participations[0].slots:
            assert all("/anmeldung/besuch-" in u for u in urls), urls


def test_before_registration_opens_the_event_is_a_pre_order_without_slot_links(
    client, session, ld_world
):
    _sw, _offers, events = ld_world
    fair = events["fair"]
    fair.registration_opens_at = datetime.now() + timedelta(days=2)
    session.commit()
    (data,) = json_ld(client, f"/jobs/termine/{fair.id}-{fair.slug}")
    (offer,) = data["offers"]
    assert offer["availability"] == "https://schema.org/PreOrder"
    assert offer["url"].endswith(f"/jobs/termine/{fair.id}-{fair.slug}")
    assert datetime.fromisoformat(offer["validFrom"]).tzinfo is not None
