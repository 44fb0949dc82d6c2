"""The public event calendar, event pages, their calendar files and sitemap entries, on both
engines.

One data set (``ew``): three public events (a fair in Jena, a week of open companies in the
Weimarer Land, an info day that ends today) and six that must never show (draft, cancelled,
ended, archived, a region with events off, a region with the portal off). Among the companies
of the fair only the one with a public profile may be named; withdrawn, draft and paused ones
never appear, on the page or in its JSON-LD.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from types import SimpleNamespace
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import icalendar
import pytest
from babel.dates import format_date
from sqlalchemy import func, select

import kwis_job_plugin.views.portal_events  # noqa: F401  (registers the routes until portal.py does)
from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import Event, EventParticipation, Registration, Slot
from kwis_job_plugin.services import event_pages, features

BERLIN = ZoneInfo("Europe/Berlin")
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
HIDDEN_EVENTS = ("draft", "cancelled", "ended", "archived", "events_off", "portal_off")
HIDDEN_NAMES = ("Entwurfsbetrieb Delta", "Pausenbetrieb Epsilon", "Abgesprungen Zeta",
                "Geheime Projektwoche", "Abgesagte Messe", "Messe im Vorjahr",
                "Archivierte Messe", "Messe ohne Terminfunktion", "Messe ohne Portal")


class Page(HTMLParser):
    """What these tests read from a page: meta tags, canonical link, JSON-LD, h1, links."""

    def __init__(self, html: str):
        super().__init__()
        self.html = html
        self.meta: dict[str, list[str]] = {}
        self.canonical: list[str] = []
        self.json_ld: list[str] = []
        self.links: list[str] = []
        self.h1 = ""
        self._script = self._h1 = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        key = attrs.get("property") or attrs.get("name")
        if tag == "meta" and key:
            self.meta.setdefault(key, []).append(attrs.get("content"))
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs["href"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._script = True
            self.json_ld.append("")
        self._h1 = self._h1 or tag == "h1"

    def handle_endtag(self, tag):
        self._script = self._script and tag != "script"
        self._h1 = self._h1 and tag != "h1"

    def handle_data(self, data):
        if self._script:
            self.json_ld[-1] += data
        if self._h1:
            self.h1 += data

    @property
    def data(self) -> dict:
        assert len(self.json_ld) == 1, self.json_ld
        return json.loads(self.json_ld[0])


def get_page(client, path: str, **kwargs) -> Page:
    response = client.get(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    assert "Set-Cookie" not in response.headers, path
    return Page(response.get_data(as_text=True))


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, datetime.min.time()).replace(hour=hour)


def path_of(event: Event) -> str:
    return f"/jobs/termine/{event.id}-{event.slug}"


@pytest.fixture
def ew(session, world):
    today = date.today()
    jena = world.region
    weimar = factories.RegionFactory(slug="weimarer-land", name="Weimarer Land",
                                     prefixes=["16071"])
    no_events = factories.RegionFactory(slug="ohne-termine", name="Ohne Termine",
                                        prefixes=["16074"])
    no_portal = factories.RegionFactory(slug="ohne-portal", name="Ohne Portal",
                                        prefixes=["16073"])
    session.flush()
    features.set_enabled(session, no_events.id, "events", False, None)
    features.set_enabled(session, no_portal.id, "portal", False, None)

    def profile(name: str, status: str, region=jena, city="Jena"):
        return factories.ProfileFactory(
            customer=factories.CustomerFactory(name=name, city=city), region=region, status=status
        )

    alpha = factories.ProfileFactory(customer=world.a.customer, region=jena, status="published")
    companies = {
        "alpha": alpha,
        "apolda": profile("Glaserei Apolda", "published", weimar, "Apolda"),
        "draft": profile("Entwurfsbetrieb Delta", "draft"),
        "paused": profile("Pausenbetrieb Epsilon", "paused"),
        "withdrawn": profile("Abgesprungen Zeta", "published"),
        "aaron": profile("Ärztehaus am Markt", "published"),
    }
    session.flush()
    companies["paused"].published_snapshot = {"display_name": "Pausenbetrieb Epsilon"}

    def event(key, title, *, region=jena, kind="fair", status="published", start=10, days=1,
              **values):
        starts_on = today + timedelta(days=start)
        found = Event(region_id=region.id, kind=kind, status=status, slug=key.replace("_", "-"),
                      title=title, starts_on=starts_on,
                      ends_on=starts_on + timedelta(days=days - 1), **values)
        session.add(found)
        return found

    events = {
        "fair": event(
            "fair", "Ausbildungsmesse Jena", venue="Volkshaus", street="Carl-Zeiß-Platz 15",
            postcode="07743", city="Jena", lat=50.9279, lon=11.5869,
            description_html='<p onclick="steal()">Über <strong>40</strong> Berufe.</p>'
                             "<script>alert(1)</script>",
            registration_opens_at=at(today, 0), registration_closes_at=at(today, 0) + timedelta(
                days=7, hours=18),
        ),
        "week": event("week", "Woche der offenen Betriebe Apolda", region=weimar,
                      kind="open_companies", start=40, days=5, city="Apolda"),
        "info": event("info", "Infotag Ausbildung", kind="info_day", start=-1, days=2),
        "draft": event("draft", "Geheime Projektwoche", status="draft", kind="project_week"),
        "cancelled": event("cancelled", "Abgesagte Messe", status="cancelled"),
        "ended": event("ended", "Messe im Vorjahr", start=-300, days=2),
        "archived": event("archived", "Archivierte Messe", status="archived"),
        "events_off": event("events_off", "Messe ohne Terminfunktion", region=no_events),
        "portal_off": event("portal_off", "Messe ohne Portal", region=no_portal),
    }
    fair_day = events["fair"].starts_on

    def take_part(event_key, company_key, status="registered"):
        found = EventParticipation(event=events[event_key], profile=companies[company_key],
                                   status=status)
        session.add(found)
        return found

    alpha_at_fair = take_part("fair", "alpha")
    for key in ("draft", "paused", "aaron"):
        take_part("fair", key)
    take_part("fair", "withdrawn", status="withdrawn")
    take_part("week", "apolda")
    for key in HIDDEN_EVENTS:
        take_part(key, "alpha")

    def slot(title, start, hours=2, **values):
        found = Slot(participation=alpha_at_fair, title=title, starts_at=start,
                     ends_at=start + timedelta(hours=hours), **{"capacity": 8, **values})
        session.add(found)
        return found

    slots = {
        "open": slot("Werkstattrundgang", at(fair_day, 9), confirmed_count=3, min_age=14,
                     place="Halle 2"),
        "full": slot("Mitmachen am Messestand", at(fair_day, 13), capacity=4, confirmed_count=4),
        "cancelled": slot("Abgesagter Rundgang", at(fair_day, 15), status="cancelled"),
        "past": slot("Vorabbesuch gestern", at(today - timedelta(days=1), 9)),
    }
    session.commit()
    return SimpleNamespace(today=today, events=events, companies=companies, slots=slots,
                           weimar=weimar, jena=jena)


# --- the calendar ----------------------------------------------------------------------------


def test_the_calendar_lists_public_events_by_start_grouped_by_month(client, ew):
    page = get_page(client, "/jobs/termine")
    html = page.html
    shown = [ew.events[k] for k in ("info", "fair", "week")]
    positions = [html.index(f">{event.title}</a>") for event in shown]
    assert positions == sorted(positions), "ordered by start date"
    for event in shown:
        assert path_of(event) in page.links
    for name in HIDDEN_NAMES:
        assert name not in html, name
    months = sorted({e.starts_on.replace(day=1) for e in shown})
    for month in months:
        assert f">{format_date(month, 'LLLL yyyy', locale='de')}</h2>" in html
    assert html.count('class="kj-event-month"') == len(months)
    assert "3 Termine gefunden." in html
    # only the companies with a company page count: Alpha and the Ärztehaus, not the rest
    assert "2 Betriebe machen mit" in html and "1 Betrieb macht mit" in html
    assert "Die Betriebe werden bald bekannt gegeben." in html  # the info day has none


def test_the_calendar_filters_by_region_and_kind_with_shareable_urls(client, ew):
    page = get_page(client, "/jobs/termine?region=weimarer-land")
    assert "Woche der offenen Unternehmen" in page.html
    assert "Ausbildungsmesse Jena" not in page.html and "Infotag Ausbildung" not in page.html
    assert page.canonical == ["http://localhost/jobs/termine?region=weimarer-land"]
    assert '<option value="weimarer-land" selected>' in page.html

    page = get_page(client, "/jobs/termine?art=info_day&region=jena")
    assert "Infotag Ausbildung" in page.html and "Ausbildungsmesse Jena" not in page.html
    assert '<option value="info_day" selected>' in page.html
    assert "/jobs/termine" in page.links, "a way back to all events"

    page = get_page(client, "/jobs/termine?art=project_week")
    assert "Zu dieser Auswahl gibt es gerade keinen Termin." in page.html
    assert "Geheime Projektwoche" not in page.html


@pytest.mark.parametrize("query, note", [
    ("region=atlantis", "Die Region „atlantis“ gibt es hier nicht"),
    ("region=ohne-termine", "Die Region „ohne-termine“ gibt es hier nicht"),
    ("art=rave", "Die Art „rave“ gibt es nicht"),
    ("art=%00%3Cscript%3E", "„art“ enthielt Steuerzeichen"),
    ("region=" + "x" * 5000, "war länger als 4000 Zeichen"),
])
def test_bad_filters_give_a_german_note_and_all_events(client, ew, query, note):
    page = get_page(client, f"/jobs/termine?{query}")
    assert note in page.html
    assert "3 Termine gefunden." in page.html
    assert page.canonical == ["http://localhost/jobs/termine"]


def test_the_calendar_has_an_empty_state_and_is_gone_without_any_region_showing_events(
    client, session, world
):
    page = get_page(client, "/jobs/termine")
    assert "Zurzeit sind keine Termine geplant." in page.html
    assert "Keine Termine gefunden." in page.html
    features.set_enabled(session, world.region.id, "events", False, None)
    session.commit()
    assert client.get("/jobs/termine").status_code == 404


def test_the_calendar_service_keeps_an_event_until_its_last_day(session, ew):
    fair = ew.events["fair"]
    titles = lambda today: [  # noqa: E731
        entry.title
        for month in event_pages.calendar(session, today).months
        for entry in month.entries
    ]
    assert "Ausbildungsmesse Jena" in titles(fair.ends_on)
    assert "Ausbildungsmesse Jena" not in titles(fair.ends_on + timedelta(days=1))


def test_the_calendar_and_an_event_page_render_in_english(client, ew):
    english = {"Accept-Language": "en-GB,en;q=0.9"}
    page = get_page(client, "/jobs/termine", headers=english)
    assert '<html lang="en"' in page.html
    month = ew.events["week"].starts_on
    assert f">{format_date(month, 'LLLL yyyy', locale='en')}</h2>" in page.html
    page = get_page(client, path_of(ew.events["fair"]), headers=english)
    assert page.meta["og:locale"] == ["en_GB"]


# --- the event page --------------------------------------------------------------------------


def test_the_event_page_shows_dates_place_description_registration_and_companies(client, ew):
    fair = ew.events["fair"]
    page = get_page(client, path_of(fair))
    html = page.html
    assert page.h1 == "Ausbildungsmesse Jena"
    assert ">Ausbildungsmesse / Berufemarkt</p>" in html
    assert "Volkshaus, Carl-Zeiß-Platz 15, 07743 Jena" in html
    assert fair.starts_on.strftime("%d.%m.%Y") in html
    # description: sanitised again on the way out
    assert "<p>Über <strong>40</strong> Berufe.</p>" in html
    assert "steal()" not in html and "alert(1)" not in html
    opens = ew.today.strftime("%d.%m.%Y")
    closes = (ew.today + timedelta(days=7)).strftime("%d.%m.%Y")
    assert f"Anmeldezeitraum: {opens} bis {closes}, 18:00 Uhr." in html
    assert "Besuchstermine und Anmeldung" in html
    # companies: only those with a company page, by name (Ä sorts as A)
    assert html.index("Ärztehaus am Markt") < html.index("Optik Alpha")
    assert f"/jobs/betriebe/{ew.companies['alpha'].slug}" in page.links
    assert f"/jobs/betriebe/{ew.companies['aaron'].slug}" in page.links
    for name in HIDDEN_NAMES:
        assert name not in html, name
    # slots: places left, full, cancelled and past ones hidden
    assert "Werkstattrundgang <span" in html and "09:00–11:00 Uhr · Halle 2 · ab 14 Jahren" in html
    assert "noch 5 Plätze frei" in html
    assert "Mitmachen am Messestand" in html and "ausgebucht" in html
    assert "Abgesagter Rundgang" not in html and "Vorabbesuch gestern" not in html
    assert "Die Besuchstermine dieses Betriebs folgen." in html  # the Ärztehaus has none


def test_an_event_without_companies_or_registration_window_says_so(client, ew):
    html = get_page(client, path_of(ew.events["info"])).html
    assert "Die teilnehmenden Betriebe werden hier bald genannt." in html
    assert "Anmeldezeitraum" not in html
    assert "Für diese Veranstaltung gibt es noch keine Besuchstermine zum Anmelden." in html


def test_the_event_page_has_canonical_url_open_graph_and_event_json_ld(client, ew):
    fair = ew.events["fair"]
    url = f"http://localhost{path_of(fair)}"
    page = get_page(client, path_of(fair))
    assert page.canonical == [url]
    assert page.meta["og:url"] == [url] and page.meta["og:title"] == ["Ausbildungsmesse Jena"]
    assert page.meta["og:description"] == ["Über 40 Berufe."]
    data = page.data
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["name"] == "Ausbildungsmesse Jena" and data["url"] == url
    assert data["startDate"] == fair.starts_on.isoformat()
    assert data["endDate"] == fair.ends_on.isoformat()
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"]["name"] == "Volkshaus"
    assert data["location"]["address"]["streetAddress"] == "Carl-Zeiß-Platz 15"
    assert data["location"]["geo"] == {"@type": "GeoCoordinates", "latitude": 50.9279,
                                       "longitude": 11.5869}
    assert [p["name"] for p in data["performer"]] == ["Ärztehaus am Markt", "Optik Alpha"]
    assert data["performer"][1]["url"] == (
        f"http://localhost/jobs/betriebe/{ew.companies['alpha'].slug}"
    )
    assert "<script>" not in page.json_ld[0] and "steal" not in page.json_ld[0]


def test_a_wrong_slug_or_the_bare_id_moves_to_the_canonical_url(client, ew):
    fair = ew.events["fair"]
    for path in (f"/jobs/termine/{fair.id}-alter-titel?x=1", f"/jobs/termine/{fair.id}?x=1"):
        response = client.get(path)
        assert response.status_code == 301, path
        assert response.headers["Location"] == f"{path_of(fair)}?x=1"
    response = client.get(f"/jobs/termine/{fair.id}-alt.ics")
    assert response.status_code == 301 and response.headers["Location"] == f"{path_of(fair)}.ics"


@pytest.mark.parametrize("key", ["draft", "cancelled", "events_off", "portal_off"])
def test_hidden_events_have_no_page_and_no_calendar_file(client, ew, key):
    event = ew.events[key]
    for path in (path_of(event), f"/jobs/termine/{event.id}-x", f"/jobs/termine/{event.id}",
                 f"{path_of(event)}.ics"):
        assert client.get(path).status_code == 404, (key, path)


@pytest.mark.parametrize("key", ["ended", "archived"])
def test_ended_and_archived_events_are_gone(client, ew, key):
    event = ew.events[key]
    for path in (path_of(event), f"{path_of(event)}.ics"):
        assert client.get(path).status_code == 410, (key, path)


def test_unknown_and_huge_ids_are_404(client, ew):
    for path in ("/jobs/termine/999999-x", "/jobs/termine/99999999999999999999-x",
                 "/jobs/termine/abc-x", "/jobs/termine/0"):
        assert client.get(path).status_code == 404, path


def test_switching_a_feature_off_hides_a_public_event_at_once(client, session, ew):
    path = path_of(ew.events["week"])
    assert client.get(path).status_code == 200
    features.set_enabled(session, ew.weimar.id, "events", False, None)
    session.commit()
    assert client.get(path).status_code == 404
    assert "Woche der offenen Betriebe Apolda" not in client.get("/jobs/termine").get_data(True)


def test_event_pages_are_public_cacheable_cookie_free_and_read_only(client, ew):
    fair = ew.events["fair"]
    for path in ("/jobs/termine", path_of(fair), f"{path_of(fair)}.ics"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"].startswith("public"), path
        assert "Set-Cookie" not in response.headers, path
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        etag = response.headers["ETag"]
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304, path
        assert client.head(path).status_code == 200, path
        for method in ("POST", "PUT", "DELETE", "OPTIONS"):
            assert client.open(path, method=method).status_code == 405, (method, path)


# --- calendar files --------------------------------------------------------------------------


def test_the_event_calendar_file_is_an_all_day_entry_with_a_stable_uid(client, ew):
    fair = ew.events["fair"]
    response = client.get(f"{path_of(fair)}.ics")
    assert response.mimetype == "text/calendar"
    assert response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{fair.slug}.ics"'
    )
    cal = icalendar.Calendar.from_ical(response.data)
    assert str(cal["version"]) == "2.0" and "KWIS.job" in str(cal["prodid"])
    (entry,) = cal.walk("VEVENT")
    assert str(entry["summary"]) == "Ausbildungsmesse Jena"
    assert entry.decoded("dtstart") == fair.starts_on
    assert entry.decoded("dtend") == fair.ends_on + timedelta(days=1), "DTEND is exclusive"
    assert str(entry["location"]) == "Volkshaus, Carl-Zeiß-Platz 15, 07743 Jena"
    assert str(entry["url"]) == f"http://localhost{path_of(fair)}"
    assert entry.decoded("dtstamp").tzinfo is not None
    assert str(entry["uid"]) == f"kwis-job-event-{fair.id}@localhost"
    again = icalendar.Calendar.from_ical(client.get(f"{path_of(fair)}.ics").data)
    assert str(again.walk("VEVENT")[0]["uid"]) == str(entry["uid"])
    assert client.get(f"{path_of(fair)}.ics").data == response.data, "same file until a change"


def test_a_slot_calendar_file_has_its_times_in_europe_berlin(client, ew):
    fair, slot = ew.events["fair"], ew.slots["open"]
    response = client.get(f"{path_of(fair)}/besuch-{slot.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert b"DTSTART;TZID=Europe/Berlin:" in response.data
    cal = icalendar.Calendar.from_ical(response.data)
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    (entry,) = cal.walk("VEVENT")
    start, end = entry.decoded("dtstart"), entry.decoded("dtend")
    assert start.replace(tzinfo=None) == slot.starts_at and end.replace(tzinfo=None) == slot.ends_at
    wanted = slot.starts_at.replace(tzinfo=BERLIN).astimezone(UTC)
    assert start.astimezone(UTC) == wanted, "9:00 on the wall clock in Jena"
    assert str(entry["summary"]) == "Werkstattrundgang – Optik Alpha"
    assert str(entry["uid"]) == f"kwis-job-slot-{slot.id}@localhost"
    assert str(entry["related-to"]) == f"kwis-job-event-{fair.id}@localhost"


def test_only_slots_the_page_shows_have_a_calendar_file(client, ew):
    fair, week = ew.events["fair"], ew.events["week"]
    for key in ("cancelled", "past"):
        path = f"{path_of(fair)}/besuch-{ew.slots[key].id}.ics"
        assert client.get(path).status_code == 404, key
    # a slot of another event under this event's URL
    assert client.get(f"{path_of(week)}/besuch-{ew.slots['open'].id}.ics").status_code == 404
    response = client.get(f"/jobs/termine/{fair.id}-alt/besuch-{ew.slots['open'].id}.ics")
    assert response.status_code == 301
    assert response.headers["Location"] == f"{path_of(fair)}/besuch-{ew.slots['open'].id}.ics"


def test_a_registration_page_exists_exactly_for_the_slots_an_event_page_lists(session, ew):
    """``registration_slot`` checks the page's rules in one statement of its own (it runs on
    every registration): for a slot of every participation here, hidden ones included, it
    answers as the event page does, with the same content."""
    apolda_at_fair = EventParticipation(event=ew.events["fair"], profile=ew.companies["apolda"])
    session.add(apolda_at_fair)
    session.flush()
    for participation in session.scalars(select(EventParticipation)).all():
        start = at(participation.event.starts_on, 10)
        session.add(Slot(participation=participation, title=f"Besuch {participation.id}",
                         starts_at=start, ends_at=start + timedelta(hours=2), capacity=5))
    session.add(Registration(slot=ew.slots["full"], status="waitlisted", first_name="W",
                             last_name="L", email="warte@example.org", party_size=2))
    session.commit()

    def listed_and_checked() -> set[int]:
        listed = {}
        for event in session.scalars(select(Event)):
            if event_pages.public_event(session, event.id) and not event_pages.is_over(
                    event, ew.today):
                page = event_pages.event_page(session, event, ew.today)
                for participant in page.participants:
                    for slot in participant.slots:
                        listed[slot.slot_id] = (page, participant, slot)
        for slot_id in session.scalars(select(Slot.id)):
            found = event_pages.registration_slot(session, slot_id, ew.today)
            if slot_id not in listed:
                assert found is None, slot_id
                continue
            page, participant, slot = listed[slot_id]
            assert found == event_pages.SlotPage(
                slot=slot, company=participant.name, city=participant.city,
                event_id=page.event_id, slug=page.slug, title=page.title, kind=page.kind,
                region_slug=page.region_slug, registration_opens_at=page.registration_opens_at,
                registration_closes_at=page.registration_closes_at,
            ), slot_id
        return set(listed)

    listed = listed_and_checked()
    apolda_slot = apolda_at_fair.slots[0].id
    assert {ew.slots["open"].id, ew.slots["full"].id, apolda_slot} <= listed
    assert session.scalar(select(func.count()).select_from(Slot)) - len(listed) >= 10
    assert event_pages.registration_slot(session, ew.slots["full"].id, ew.today).slot.waiting == 2
    assert event_pages.registration_slot(session, 2_000_000_000, ew.today) is None
    # Apolda's own region leaves the portal: it is no longer named at the fair in Jena.
    features.set_enabled(session, ew.weimar.id, "portal", False, None)
    session.commit()
    assert apolda_slot not in listed_and_checked()


# --- sitemap ---------------------------------------------------------------------------------


def test_the_sitemap_entries_are_exactly_the_public_events(app, session, ew):
    from kwis_job_plugin.views.portal_events import sitemap_urls

    with app.test_request_context():
        urls = dict(sitemap_urls(session, ew.today))
    expected = {"http://localhost/jobs/termine"} | {
        f"http://localhost{path_of(ew.events[k])}" for k in ("fair", "week", "info")
    }
    assert set(urls) == expected
    assert all(urls.values()), "every entry has a lastmod"


def test_an_empty_calendar_is_not_in_the_sitemap(app, session, world):
    from kwis_job_plugin.views.portal_events import sitemap_urls

    with app.test_request_context():
        assert sitemap_urls(session, date.today()) == []


def test_the_sitemap_lists_the_calendar_and_the_public_events(client, ew):
    """Needs the sitemap view to include ``portal_events.sitemap_urls`` (see the report)."""
    response = client.get("/jobs/sitemap.xml")
    root = ElementTree.fromstring(response.data)
    locs = {url.findtext("sm:loc", namespaces=SITEMAP_NS)
            for url in root.findall("sm:url", SITEMAP_NS)}
    assert "http://localhost/jobs/termine" in locs
    for key in ("fair", "week", "info"):
        assert f"http://localhost{path_of(ew.events[key])}" in locs, key
    for key in HIDDEN_EVENTS:
        assert not any(f"/jobs/termine/{ew.events[key].id}-" in loc for loc in locs), key
