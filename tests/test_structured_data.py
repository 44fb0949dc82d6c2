"""schema.org JSON-LD of the public pages: safe to embed in HTML, and the shapes search engines
expect (JobPosting, Event, Organization). Pure functions, no database."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kwis_job_plugin.services import sanitize
from kwis_job_plugin.services import structured_data as sd
from kwis_job_plugin.services.public_pages import Address, CompanyPage, OfferPage
from kwis_job_plugin.services.recurrence import Period

URL = "https://portal.example/jobs/angebote/7-schnuppertag"
COMPANY_URL = "https://portal.example/jobs/betriebe/holzbau"
JOB_REQUIRED = {"@context", "@type", "title", "description", "datePosted", "hiringOrganization",
                "jobLocation"}
EVENT_REQUIRED = {"@context", "@type", "name", "startDate", "location"}


def offer_page(**changes) -> OfferPage:
    values = dict(
        offer_id=7,
        slug="schnuppertag",
        title="Ausbildung zur Tischlerin",
        view={"description_html": "<p>Drei Jahre <strong>Holz</strong>.</p>"},
        type_key="ausbildungsplatz",
        schema_kind="job",
        employment_type="FULL_TIME",
        company_name="Holzbau Eisenberg",
        company_slug="holzbau",
        company_website="https://holzbau.example",
        place=Address("Am Markt 1", "07607", "Eisenberg", 50.9683, 11.8997),
        next_period=Period(date(2026, 7, 3), date(2026, 7, 3)),
        date_posted=date(2026, 5, 1),
        valid_through=date(2026, 9, 30),
        summary="Drei Jahre Holz.",
    )
    values.update(changes)
    return OfferPage(**values)


def company_page(**changes) -> CompanyPage:
    values = dict(
        profile_id=3, slug="holzbau", name="Holzbau Eisenberg", view={}, offers=[], events=[],
        address=Address("Am Markt 1", "07607", "Eisenberg"), website="https://holzbau.example",
        same_as=["https://holzbau.example", "https://www.instagram.com/holzbau"],
        logo_media_id=None, summary="Wir bauen mit Holz.",
    )
    values.update(changes)
    return CompanyPage(**values)


# --- embedding -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "</script><script>alert(1)</script>",
        "</SCRIPT >",
        "<!-- <script>",
        "Fish & Chips &amp; more",
        "zeile\u2028trenner\u2029absatz",
        'Anführungszeichen " und \\ Backslash',
    ],
)
def test_to_json_cannot_close_the_script_element_and_reads_back_the_same(text):
    data = {"@type": "JobPosting", "title": text, "nested": {"list": [text]}}
    written = sd.to_json(data)
    for char in "<>&\u2028\u2029":
        assert char not in written
    assert "</script" not in written.lower()
    assert json.loads(written) == data


def test_to_json_keeps_umlauts_readable():
    assert sd.to_json({"name": "Bäckerei Müßig"}) == '{"name":"Bäckerei Müßig"}'


@pytest.mark.parametrize(
    ("markup", "limit", "expected"),
    [
        ("<p>Eins</p><p>Zwei &amp; drei</p>", None, "Eins Zwei & drei"),
        ("<script>alert(1)</script><p>Text</p>", None, "Text"),
        ("<p>Ein   langer\n Text mit vielen Wörtern</p>", 16, "Ein langer Text…"),
        ("<p>Ein   langer\n Text mit vielen Wörtern</p>", 15, "Ein langer…"),
        ("<ul><li>Eins</li><li>Zwei</li></ul>Drei<br>Vier", None, "Eins Zwei Drei Vier"),
        ("<p>Wir suchen</p><p>Jena</p><ul><li>Holz</li><li>Metall</li></ul>Zeile<br>zwei", None,
         "Wir suchen Jena Holz Metall Zeile zwei"),
        ("Vorher<ul><li>Holz</li></ul><h3>Titel</h3>Nachher", None, "Vorher Holz Titel Nachher"),
        ("Drei Jahre <strong>Holz</strong>.", None, "Drei Jahre Holz."),
        ("Donaudampfschifffahrtsgesellschaft", 10, "Donaudamp…"),
        ("", 10, ""),
        (None, None, ""),
    ],
)
def test_plain_text(markup, limit, expected):
    """Markup becomes text in one place (``sanitize.plain_text``), with a space at every block
    and line boundary (issue 15)."""
    text = sanitize.plain_text(markup, limit)
    assert text == expected
    assert limit is None or len(text) <= limit


# --- JobPosting ------------------------------------------------------------------------------


def test_a_job_posting_has_what_search_engines_require():
    data = sd.for_offer(offer_page(), url=URL, company_url=COMPANY_URL)
    assert set(data) >= JOB_REQUIRED
    assert data["@context"] == "https://schema.org" and data["@type"] == "JobPosting"
    assert data["description"] == "<p>Drei Jahre <strong>Holz</strong>.</p>"
    assert data["datePosted"] == "2026-05-01" and data["validThrough"] == "2026-09-30"
    assert data["employmentType"] == "FULL_TIME" and data["directApply"] is False
    assert data["url"] == URL
    assert data["hiringOrganization"] == {
        "@type": "Organization", "name": "Holzbau Eisenberg",
        "sameAs": "https://holzbau.example", "url": COMPANY_URL,
    }
    assert data["jobLocation"] == {
        "@type": "Place",
        "address": {"@type": "PostalAddress", "streetAddress": "Am Markt 1",
                    "postalCode": "07607", "addressLocality": "Eisenberg",
                    "addressCountry": "DE"},
        "geo": {"@type": "GeoCoordinates", "latitude": 50.9683, "longitude": 11.8997},
    }


def test_an_internship_is_an_intern_job_posting():
    data = sd.for_offer(offer_page(employment_type="INTERN", type_key="schuelerpraktikum"),
                        url=URL, company_url=COMPANY_URL)
    assert data["@type"] == "JobPosting" and data["employmentType"] == "INTERN"


def test_unknown_parts_are_left_out_not_written_empty():
    page = offer_page(
        employment_type=None, valid_through=None, company_website=None,
        place=Address(None, "07607", "Eisenberg"), view={"description_html": ""},
    )
    data = sd.job_posting(page, url=URL, company_url=COMPANY_URL)
    assert "employmentType" not in data and "validThrough" not in data
    assert "sameAs" not in data["hiringOrganization"]
    assert "geo" not in data["jobLocation"]
    assert "streetAddress" not in data["jobLocation"]["address"]
    assert data["description"] == page.title, "never an empty description"
    assert None not in data.values() and "" not in data.values()


# --- Event -----------------------------------------------------------------------------------


def test_an_event_at_its_next_occurrence():
    page = offer_page(schema_kind="event", employment_type=None, type_key="schnuppertag",
                      title="Schnuppertag", next_period=Period(date(2026, 7, 3),
                                                               date(2026, 7, 4)))
    data = sd.for_offer(page, url=URL, company_url=COMPANY_URL)
    assert set(data) >= EVENT_REQUIRED and data["@type"] == "Event"
    assert (data["startDate"], data["endDate"]) == ("2026-07-03", "2026-07-04")
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["location"]["@type"] == "Place"
    assert data["location"]["name"] == "Holzbau Eisenberg"
    assert data["location"]["address"]["addressCountry"] == "DE"
    assert data["organizer"] == {"@type": "Organization", "name": "Holzbau Eisenberg",
                                 "url": COMPANY_URL}
    assert data["description"] == "Drei Jahre Holz."
    assert not {"employmentType", "hiringOrganization", "jobLocation"} & set(data)


def test_an_event_without_a_next_date_has_no_json_ld():
    page = offer_page(schema_kind="event", next_period=None)
    assert sd.events(page, url=URL, company_url=COMPANY_URL) == []
    assert sd.for_offer(page, url=URL, company_url=COMPANY_URL) is None


def test_each_upcoming_fixed_date_is_an_event_of_its_own():
    days = [date(2026, 9, 5), date(2026, 10, 3)]
    page = offer_page(schema_kind="event", time_mode="fixed", upcoming_dates=days,
                      next_period=Period(days[0], days[0]))
    data = sd.for_offer(page, url=URL, company_url=COMPANY_URL, logo_url="https://x/logo")
    assert [(e["startDate"], e["endDate"]) for e in data] == [
        ("2026-09-05", "2026-09-05"), ("2026-10-03", "2026-10-03")]
    assert len({e["identifier"]["value"] for e in data}) == 2
    assert data[0]["image"] == ["https://x/logo"]


@pytest.mark.parametrize("days, events", [(14, 1), (15, 0), (61, 0)])
def test_a_long_period_is_not_an_event(days, events):
    """A two-month open day says when one may come, not which days: no Event at all."""
    start = date(2026, 9, 1)
    page = offer_page(schema_kind="event", time_mode="yearly",
                      next_period=Period(start, date.fromordinal(start.toordinal() + days - 1)))
    assert len(sd.events(page, url=URL, company_url=COMPANY_URL)) == events


def test_a_yearly_offer_is_valid_through_the_end_of_its_current_window():
    summer = Period(date(2026, 7, 1), date(2026, 8, 31))
    page = offer_page(time_mode="yearly", next_period=summer, valid_through=None)
    assert sd.for_offer(page, url=URL, company_url=COMPANY_URL)["validThrough"] == "2026-08-31"
    ends_sooner = offer_page(time_mode="yearly", next_period=summer,
                             valid_through=date(2026, 7, 15))
    assert sd.valid_through(ends_sooner) == date(2026, 7, 15)
    assert sd.valid_through(offer_page(next_period=None, valid_through=None)) is None


def test_the_cooperation_offer_to_schools_is_a_service():
    page = offer_page(schema_kind="service", employment_type=None, next_period=None,
                      type_key="kooperation-schulen",
                      view={"description_html": "<p>Klassen</p>", "type_name": "Kooperation"})
    data = sd.for_offer(page, url=URL, company_url=COMPANY_URL)
    assert data["@type"] == "Service" and data["serviceType"] == "Kooperation"
    assert data["provider"]["url"] == COMPANY_URL
    assert data["audience"]["@type"] == "EducationalAudience"
    assert data["identifier"] == {"@type": "PropertyValue", "name": "KWIS.job", "value": "7"}


def test_the_state_comes_from_the_ags():
    assert sd.state_of_ags("16053") == "Thüringen"
    assert sd.state_of_ags("09162000") == "Bayern"
    assert sd.state_of_ags(None) is None and sd.state_of_ags("99") is None
    assert sd.postal_address(Address("A 1", "07743", "Jena", region="Thüringen"))[
        "addressRegion"] == "Thüringen"


# --- Organization ----------------------------------------------------------------------------


def test_a_company_is_an_organization():
    data = sd.organization(company_page(), url=COMPANY_URL,
                           logo_url="https://portal.example/jobs/medien/4")
    assert data["@context"] == "https://schema.org" and data["@type"] == "Organization"
    assert data["name"] == "Holzbau Eisenberg" and data["url"] == COMPANY_URL
    assert data["logo"] == "https://portal.example/jobs/medien/4"
    assert data["sameAs"] == ["https://holzbau.example", "https://www.instagram.com/holzbau"]
    assert data["address"]["postalCode"] == "07607"


def test_an_organization_without_address_logo_or_links():
    page = company_page(address=Address(), same_as=[], website=None, summary="")
    data = sd.organization(page, url=COMPANY_URL, logo_url=None)
    assert set(data) == {"@context", "@type", "name", "url"}
