"""The public company and offer pages and the sitemap over HTTP, on both engines.

Built on the search tests' data set (``support/search_world.py``): the same seven offers that
the search shows have pages, the seven hidden ones have none (404), and the sitemap lists
exactly the pages that exist. Pages show the published version, carry canonical URLs, Open
Graph tags and schema.org JSON-LD, set no cookie and answer GET and HEAD only.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from support import search_world
from support.web import login

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import Event, EventParticipation, Region, Slot
from kwis_job_plugin.services import features, public_pages, publication, search_index
from kwis_job_plugin.services.snapshots import offer_snapshot, profile_snapshot
from kwis_job_plugin.views.portal import sitemap_xml

BASE = "http://localhost"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
HIDDEN = "hijklmn"
PUBLIC_COMPANIES = ("bakery", "optics", "museum", "carpenter", "paused")
HIDDEN_COMPANIES = ("draft", "far", "archived")


class Head(HTMLParser):
    """The parts of a page these tests read: meta tags, canonical link, JSON-LD, the h1."""

    def __init__(self, html: str):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.canonical: list[str] = []
        self.json_ld: list[str] = []
        self.h1 = ""
        self._script = self._h1 = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, []).append(attrs.get("content"))
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs.get("href"))
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._script = True
            self.json_ld.append("")
        if tag == "h1":
            self._h1 = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = False
        if tag == "h1":
            self._h1 = False

    def handle_data(self, data):
        if self._script:
            self.json_ld[-1] += data
        if self._h1:
            self.h1 += data

    def og(self, key: str) -> str:
        values = self.meta.get(f"og:{key}") or []
        assert len(values) == 1, (key, values)
        return values[0]

    @property
    def data(self) -> dict:
        assert len(self.json_ld) == 1, self.json_ld
        return json.loads(self.json_ld[0])


@pytest.fixture
def sw(session):
    return search_world.build(session)


def offer_path(offer) -> str:
    return f"/jobs/angebote/{offer.id}-{offer.slug}"


def company_path(profile) -> str:
    return f"/jobs/betriebe/{profile.slug}"


def page(client, path: str, **kwargs) -> tuple[str, Head]:
    response = client.get(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    html = response.get_data(as_text=True)
    return html, Head(html)


def sitemap_urls(client) -> dict[str, str | None]:
    response = client.get("/jobs/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ElementTree.fromstring(response.data)
    return {
        url.findtext("sm:loc", namespaces=SITEMAP_NS): url.findtext(
            "sm:lastmod", namespaces=SITEMAP_NS
        )
        for url in root.findall("sm:url", SITEMAP_NS)
    }


# --- what the pages show ---------------------------------------------------------------------


def test_the_company_page_shows_the_profile_its_current_offers_and_contact(client, session, sw):
    bakery = sw.profiles["bakery"]
    bakery.contact_name, bakery.contact_email = "Frau Korn", "ausbildung@sonnenkorn.example"
    publication.submit(session, bakery, session.get(Region, bakery.region_id), profile_snapshot,
                       None)
    session.commit()

    html, head = page(client, company_path(bakery))
    assert head.h1 == "Bäckerei Sonnenkorn"
    assert '<article class="kj-profile-body">' in html, "the partial of the preview"
    assert "Frau Korn" in html and 'href="mailto:ausbildung@sonnenkorn.example"' in html
    offers = re.findall(r'<h3 id="kj-offer-(\d+)"><a href="([^"]+)">([^<]+)</a>', html)
    assert {(int(i), href, title) for i, href, title in offers} == {
        (sw.offers[k].id, offer_path(sw.offers[k]), sw.offers[k].title) for k in "ab"
    }
    assert "Entwurf eines Ferienjobs" not in html
    assert 'href="/jobs/suche"' in html, "a way back to the search"


def test_a_company_without_current_offers_still_has_its_page(client, sw):
    html, head = page(client, company_path(sw.profiles["paused"]))
    assert head.h1 == "Pausenhof GmbH"
    assert "Zurzeit hat dieser Betrieb kein Angebot veröffentlicht." in html
    assert "Pausierter Ferienjob" not in html and "Archiviertes Praktikum" not in html
    html, _head = page(client, company_path(sw.profiles["carpenter"]))
    assert "Schnuppertag in der Zimmerei" in html and "Ferienjob Sommer 2020" not in html, (
        "an expired offer leaves its company's page")


def test_the_offer_page_shows_all_details_the_next_date_and_how_to_apply(client, session, sw):
    offer = sw.offers["g"]
    offer.apply_contact, offer.apply_email = "Meister Holz", "lehre@holzbau.example"
    offer.apply_url, offer.min_age = "https://holzbau.example/bewerben", 14
    publication.submit(session, offer, session.get(Region, offer.profile.region_id),
                       offer_snapshot, None)
    session.commit()

    html, head = page(client, offer_path(offer))
    assert head.h1 == "Schnuppertag in der Zimmerei"
    assert '<article class="kj-offer" aria-labelledby="kj-offer-title">' in html
    event_day = (sw.today + timedelta(days=30)).strftime("%d.%m.%Y")
    assert f"Nächster Termin: {event_day}" in html
    assert "Einen Tag lang Holz bearbeiten." in html and "ab 14 Jahren" in html
    assert "So bewerben Sie sich" in html and "Meister Holz" in html
    assert 'href="https://holzbau.example/bewerben"' in html
    assert 'href="mailto:lehre@holzbau.example"' in html
    assert f'href="{company_path(offer.profile)}"' in html
    assert '<p class="kj-offer-employer">Holzbau Eisenberg</p>' in html


def test_pages_show_the_published_version_not_a_newer_draft(client, session, sw):
    offer, profile = sw.offers["a"], sw.profiles["bakery"]
    published_title = offer.title
    offer.title, offer.description_html = "Geheimer Entwurf", "<p>Noch nicht freigegeben.</p>"
    offer.status = "draft"
    profile.display_name = "Neuer Name im Entwurf"
    profile.philosophy_html = "<p>Unveröffentlichte Philosophie.</p>"
    profile.status = "draft"
    search_index.refresh_profile(session, profile)
    session.commit()

    for path in (offer_path(offer), company_path(profile)):
        html, head = page(client, path)
        for draft in ("Geheimer Entwurf", "Noch nicht freigegeben", "Neuer Name im Entwurf",
                      "Unveröffentlichte Philosophie"):
            assert draft not in html, (path, draft)
            assert draft not in "".join(head.json_ld), (path, draft)
    html, head = page(client, offer_path(offer))
    assert head.h1 == published_title and "Bäckerei Sonnenkorn" in html


def test_upcoming_published_events_and_slots_appear_on_the_company_page(client, session, sw):
    carpenter, other = sw.profiles["carpenter"], sw.profiles["museum"]
    start = sw.today + timedelta(days=20)

    def event(title, status, starts_on, profile=carpenter, **values):
        found = Event(region_id=profile.region_id, kind="open_companies", status=status,
                      slug=title.lower().replace(" ", "-"), title=title, starts_on=starts_on,
                      ends_on=starts_on + timedelta(days=1), venue="Innenstadt", city="Eisenberg",
                      postcode="07607", **values)
        participation = EventParticipation(event=found, profile=profile)
        session.add_all([found, participation])
        return participation

    shown = event("Tage der offenen Betriebe", "published", start)
    nine = datetime.combine(start, datetime.min.time()).replace(hour=9)
    session.add(Slot(participation=shown, title="Werkstattrundgang", starts_at=nine,
                     ends_at=nine + timedelta(hours=2), capacity=8, min_age=13, place="Halle 2"))
    event("Geplante Messe im Entwurf", "draft", start)
    event("Messe im letzten Jahr", "published", sw.today - timedelta(days=300))
    event("Fremde Veranstaltung", "published", start, profile=other)
    session.commit()

    html, _head = page(client, company_path(carpenter))
    assert "<h2 id=\"kj-company-events-heading\">Termine</h2>" in html
    event_path = f"/jobs/termine/{shown.event.id}-tage-der-offenen-betriebe"
    assert f'<a href="{event_path}">Tage der offenen Betriebe</a>' in html
    assert client.get(event_path).status_code == 200, "the link leads to the event's page"
    assert "09:00–11:00 Uhr: Werkstattrundgang (Halle 2) – ab 13 Jahren" in html
    for hidden in ("Geplante Messe im Entwurf", "Messe im letzten Jahr", "Fremde Veranstaltung"):
        assert hidden not in html

    features.set_enabled(session, carpenter.region_id, "events", False, None)
    session.commit()
    html, _head = page(client, company_path(carpenter))
    assert "Tage der offenen Betriebe" not in html and "kj-company-events" not in html


# --- what never appears ----------------------------------------------------------------------


@pytest.mark.parametrize("letter", HIDDEN)
def test_hidden_offers_have_no_page(client, sw, letter):
    """Expired, paused, archived, profile never published, portal off, profile archived,
    draft: all 404, under their own slug as under any other."""
    offer = sw.offers[letter]
    for path in (offer_path(offer), f"/jobs/angebote/{offer.id}-x", f"/jobs/angebote/{offer.id}"):
        assert client.get(path).status_code == 404, (letter, path)


@pytest.mark.parametrize("company", HIDDEN_COMPANIES)
def test_hidden_companies_have_no_page(client, sw, company):
    """Never published, region with the portal off, archived: 404."""
    assert client.get(company_path(sw.profiles[company])).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/jobs/angebote/0-x", "/jobs/angebote/999999-x", "/jobs/angebote/99999999999999999-x",
        "/jobs/angebote/-1-x", "/jobs/angebote/abc-x", "/jobs/angebote/1-", "/jobs/angebote/",
        "/jobs/betriebe/", "/jobs/betriebe/gibt-es-nicht", "/jobs/betriebe/%00",
        "/jobs/betriebe/B%C3%A4ckerei", "/jobs/betriebe/" + "a" * 500,
        "/jobs/betriebe/x%27%20OR%201=1--",
    ],
)
def test_unknown_or_malformed_addresses_are_404_never_an_error(client, sw, path):
    assert client.get(path).status_code == 404


def test_an_item_that_leaves_the_public_loses_its_page_at_once(client, session, sw):
    offer, profile = sw.offers["c"], sw.profiles["museum"]
    assert client.get(offer_path(offer)).status_code == 200
    offer.status = "paused"
    search_index.refresh_offer(session, offer)
    profile.status = "archived"
    search_index.refresh_profile(session, profile)
    session.commit()
    assert client.get(offer_path(offer)).status_code == 404
    assert client.get(offer_path(sw.offers["f"])).status_code == 404, "the museum's offer"
    assert client.get(company_path(profile)).status_code == 404


def test_an_offer_expires_at_the_end_of_its_last_day(client, session, sw):
    offer = sw.offers["a"]
    offer.valid_until = date.today()
    publication.submit(session, offer, session.get(Region, offer.profile.region_id),
                       offer_snapshot, None)
    session.commit()
    assert client.get(offer_path(offer)).status_code == 200
    offer.valid_until = date.today() - timedelta(days=1)
    publication.submit(session, offer, session.get(Region, offer.profile.region_id),
                       offer_snapshot, None)
    session.commit()
    assert client.get(offer_path(offer)).status_code == 404
    assert offer_path(offer) not in client.get(company_path(offer.profile)).get_data(as_text=True)


def test_with_the_portal_switched_off_everything_is_404(client, session, sw):
    for region in sw.regions.values():
        features.set_enabled(session, region.id, "portal", False, None)
    session.commit()
    for path in (offer_path(sw.offers["a"]), company_path(sw.profiles["bakery"]),
                 "/jobs/sitemap.xml"):
        assert client.get(path).status_code == 404, path


# --- addresses -------------------------------------------------------------------------------


def test_a_wrong_or_missing_slug_moves_permanently_to_the_canonical_address(client, sw):
    offer = sw.offers["b"]
    for path in (f"/jobs/angebote/{offer.id}-alter-titel", f"/jobs/angebote/{offer.id}"):
        response = client.get(path)
        assert response.status_code == 301, path
        assert urlsplit(response.headers["Location"]).path == offer_path(offer)
    response = client.get(f"/jobs/angebote/{offer.id}-alt?zurueck=q%3DB%C3%A4cker")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"{offer_path(offer)}?zurueck=q%3DB%C3%A4cker")


def test_a_new_title_gives_a_new_slug_and_the_old_address_follows(client, session, sw):
    offer = sw.offers["e"]
    old_path = offer_path(offer)
    offer.title, offer.slug = "Masterarbeit Lasertechnik", "masterarbeit-lasertechnik"
    publication.submit(session, offer, session.get(Region, offer.profile.region_id),
                       offer_snapshot, None)
    session.commit()
    response = client.get(old_path)
    assert response.status_code == 301
    assert urlsplit(response.headers["Location"]).path == (
        f"/jobs/angebote/{offer.id}-masterarbeit-lasertechnik")


def test_canonical_url_and_open_graph_tags(client, sw):
    offer, profile = sw.offers["f"], sw.profiles["museum"]
    _html, head = page(client, offer_path(offer))
    assert head.canonical == [BASE + offer_path(offer)]
    assert head.og("url") == BASE + offer_path(offer)
    assert head.og("title") == "Praktika im Museum – Museum Apolda"
    assert head.og("description") == "Einblicke in Ausstellung und Archiv."
    assert head.og("type") == "website" and head.og("locale") == "de_DE"
    assert head.meta["og:locale:alternate"] == ["en_GB"]

    html, head = page(client, company_path(profile), headers={"Accept-Language": "en"})
    assert '<html lang="en">' in html
    assert head.canonical == [BASE + company_path(profile)]
    assert head.og("locale") == "en_GB" and head.og("title") == "Museum Apolda"
    assert head.og("description").startswith("Bei uns lernen Sie das Handwerk")


def test_the_way_back_keeps_the_search_and_never_echoes_the_parameter(client, sw):
    offer = sw.offers["a"]
    html, _head = page(client, offer_path(offer) + "?zurueck=q%3DBaecker%26art%3Dferienjob")
    assert 'href="/jobs/suche?q=Baecker&amp;art=ferienjob"' in html
    for junk in ("javascript%3Aalert(1)", "%22%3E%3Cscript%3E", "art%3Dunbekannt"):
        html, _head = page(client, offer_path(offer) + f"?zurueck={junk}")
        assert 'href="/jobs/suche">' in html, junk
        assert "javascript:" not in html and "<script>" not in html


# --- JSON-LD ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("letter", "employment_type"),
    [("a", "TEMPORARY"), ("b", "FULL_TIME"), ("c", "INTERN"), ("d", "INTERN"), ("e", "OTHER")],
)
def test_jobs_internships_and_apprenticeships_are_job_postings(client, sw, letter, employment_type):
    offer = sw.offers[letter]
    _html, head = page(client, offer_path(offer))
    data = head.data
    assert data["@context"] == "https://schema.org" and data["@type"] == "JobPosting"
    assert data["title"] == offer.title
    assert data["employmentType"] == employment_type
    assert data["description"] == offer.description_html
    assert data["datePosted"] == offer.published_at.date().isoformat()
    assert data["directApply"] is False
    assert data["url"] == BASE + offer_path(offer)
    organisation = data["hiringOrganization"]
    assert organisation["@type"] == "Organization"
    assert organisation["name"] == search_world.COMPANIES[
        next(k for k, p in sw.profiles.items() if p.id == offer.profile_id)][0]
    assert organisation["sameAs"].startswith("https://")
    assert organisation["url"] == BASE + company_path(offer.profile)
    address = data["jobLocation"]["address"]
    assert data["jobLocation"]["@type"] == "Place" and address["@type"] == "PostalAddress"
    assert address["addressCountry"] == "DE"
    assert (address["postalCode"], address["addressLocality"]) == (offer.postcode, offer.city)
    geo = data["jobLocation"]["geo"]
    assert (geo["latitude"], geo["longitude"]) == (offer.lat, offer.lon)


def test_valid_through_is_the_last_day_an_offer_is_current(client, session, sw):
    offer = sw.offers["c"]
    offer.valid_until = sw.today + timedelta(days=40)
    publication.submit(session, offer, session.get(Region, offer.profile.region_id),
                       offer_snapshot, None)
    session.commit()
    assert page(client, offer_path(offer))[1].data["validThrough"] == (
        (sw.today + timedelta(days=40)).isoformat())
    assert "validThrough" not in page(client, offer_path(sw.offers["d"]))[1].data


def test_a_schnuppertag_is_an_event_at_its_next_date(client, sw):
    offer = sw.offers["g"]
    data = page(client, offer_path(offer))[1].data
    day = (sw.today + timedelta(days=30)).isoformat()
    assert data["@type"] == "Event" and data["name"] == "Schnuppertag in der Zimmerei"
    assert (data["startDate"], data["endDate"]) == (day, day)
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["location"]["@type"] == "Place"
    assert data["location"]["address"]["postalCode"] == "07607"
    assert data["organizer"] == {"@type": "Organization", "name": "Holzbau Eisenberg",
                                 "url": BASE + company_path(offer.profile)}
    assert "employmentType" not in data and "hiringOrganization" not in data


def test_an_event_without_a_next_date_has_a_page_but_no_json_ld(client, session, sw):
    profile = sw.profiles["carpenter"]
    camp = factories.OfferFactory(profile=profile, type_key="feriencamp", title="Holzcamp",
                                  time_mode="by_arrangement")
    publication.submit(session, camp, session.get(Region, profile.region_id), offer_snapshot,
                       None)
    session.commit()
    _html, head = page(client, offer_path(camp))
    assert head.h1 == "Holzcamp" and head.json_ld == []


def test_the_company_page_is_an_organization(client, sw):
    profile = sw.profiles["optics"]
    data = page(client, company_path(profile))[1].data
    assert data["@type"] == "Organization" and data["name"] == "Optikwerk Saale"
    assert data["url"] == BASE + company_path(profile)
    assert data["address"]["postalCode"] == "07745"
    assert data["sameAs"] and all(url.startswith("https://") for url in data["sameAs"])


def test_user_text_cannot_break_out_of_the_json_ld(client, session, sw):
    offer = sw.offers["c"]
    evil = "Praktikum </script><script>alert(1)</script> & <!-- mehr"
    offer.title = evil
    offer.description_html = "<p>Text mit </script><img src=x onerror=alert(1)></p>"
    publication.submit(session, offer, session.get(Region, offer.profile.region_id),
                       offer_snapshot, None)
    session.commit()
    response = client.get(f"/jobs/angebote/{offer.id}", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "<script>alert(1)" not in html and "onerror=alert" not in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)["title"] == evil
    assert html.count("</script>") == 1


def test_no_json_ld_on_the_search_and_its_canonical_is_the_normalised_search(client, sw):
    html = client.get("/jobs/suche?utm_source=x&zurueck=a%3Db&art=ferienjob&seite=1"
                      ).get_data(as_text=True)
    assert "application/ld+json" not in html
    assert '<link rel="canonical" href="http://localhost/jobs/suche?art=ferienjob">' in html


# --- HTTP ------------------------------------------------------------------------------------


def test_no_cookie_public_caching_and_conditional_get(client, sw):
    for path in (offer_path(sw.offers["a"]), company_path(sw.profiles["bakery"]),
                 "/jobs/sitemap.xml"):
        response = client.get(path)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, path
        assert response.headers["Cache-Control"] == "public, max-age=60"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304, path
        head = client.head(path)
        assert head.status_code == 200 and head.data == b"", path
    assert "Set-Cookie" not in client.get("/jobs/angebote/999-x").headers
    assert "Set-Cookie" not in client.get(f"/jobs/angebote/{sw.offers['a'].id}").headers


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_the_pages_refuse_writes(client, sw, method):
    for path in (offer_path(sw.offers["a"]), company_path(sw.profiles["bakery"]),
                 "/jobs/sitemap.xml", f"/jobs/angebote/{sw.offers['a'].id}"):
        assert client.open(path, method=method).status_code == 405, path


# --- sitemap ---------------------------------------------------------------------------------


def test_the_sitemap_lists_exactly_the_public_pages(client, sw):
    urls = sitemap_urls(client)
    expected = {BASE + "/jobs/", BASE + "/jobs/suche"}
    expected |= {BASE + offer_path(sw.offers[k]) for k in search_world.VISIBLE}
    expected |= {BASE + company_path(sw.profiles[k]) for k in PUBLIC_COMPANIES}
    assert set(urls) == expected
    for offer in (sw.offers[k] for k in HIDDEN):
        assert not any(f"/angebote/{offer.id}-" in url for url in urls), offer.title
    for key in HIDDEN_COMPANIES:
        assert BASE + company_path(sw.profiles[key]) not in urls
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", lastmod or "") for lastmod in urls.values())
    published = {date.today().isoformat(), sw.offers["a"].published_at.date().isoformat()}
    assert urls[BASE + offer_path(sw.offers["a"])] in published
    for url in urls:  # every listed page exists
        assert client.get(url).status_code == 200, url


def test_the_sitemap_follows_what_is_public(client, session, sw):
    offer = sw.offers["a"]
    offer.status = "paused"
    search_index.refresh_offer(session, offer)
    profile = sw.profiles["optics"]
    profile.status = "archived"
    search_index.refresh_profile(session, profile)
    features.set_enabled(session, sw.regions["wl"].id, "portal", False, None)
    session.commit()
    urls = set(sitemap_urls(client))
    assert BASE + offer_path(offer) not in urls
    assert BASE + company_path(profile) not in urls
    assert not any(BASE + offer_path(sw.offers[k]) in urls for k in "cde"), "optics' offers"
    assert BASE + company_path(sw.profiles["museum"]) not in urls, "its region is off now"
    assert BASE + offer_path(sw.offers["f"]) not in urls
    assert BASE + offer_path(sw.offers["b"]) in urls


def test_the_sitemap_says_every_company_that_is_public_and_no_other(session, sw):
    """The sitemap's SQL condition for companies agrees with ``publication.is_public``."""
    listed = {e.slug for e in public_pages.sitemap_entries(session, sw.today)
              if e.kind == "company"}
    portal_on = features.enabled_region_ids(session, "portal")
    for key, profile in sw.profiles.items():
        public = publication.is_public(profile) and profile.region_id in portal_on
        assert (profile.slug in listed) == public, key
        assert (public_pages.public_profile(session, profile.slug) is not None) == public, key


def test_sitemap_xml_escapes_what_it_writes():
    xml = sitemap_xml([("http://example.org/jobs/?a=1&b=<2>", date(2026, 7, 1)),
                       ("http://example.org/jobs/suche", None)])
    root = ElementTree.fromstring(xml)
    urls = root.findall("sm:url", SITEMAP_NS)
    assert urls[0].findtext("sm:loc", namespaces=SITEMAP_NS) == "http://example.org/jobs/?a=1&b=<2>"
    assert urls[0].findtext("sm:lastmod", namespaces=SITEMAP_NS) == "2026-07-01"
    assert urls[1].find("sm:lastmod", SITEMAP_NS) is None


# --- the preview is the public page ----------------------------------------------------------


def _article(html: str, css_class: str) -> str:
    match = re.search(rf'<article class="{css_class}".*?</article>', html, re.S)
    assert match, css_class
    return match.group(0)


def _raise_headings(html: str, by: int) -> str:
    return re.sub(r"<(/?)h(\d)", lambda m: f"<{m.group(1)}h{int(m.group(2)) - by}", html)


def test_the_public_bodies_are_the_previews_the_company_saw(client, session, world):
    profile = factories.ProfileFactory(
        customer=world.a.customer, region=world.region, status="published",
        contact_name="Frau Alpha", contact_email="lehre@alpha.example", contact_phone="03641 1234",
    )
    offer = factories.OfferFactory(
        profile=profile, status="published", title="Praktikum in der Optik", min_age=15,
        apply_contact="Frau Alpha", apply_email="lehre@alpha.example", places=3,
    )
    search_index.rebuild_all(session)
    session.commit()
    public_profile = _article(client.get(company_path(profile)).get_data(as_text=True),
                              "kj-profile-body")
    public_offer = _article(client.get(offer_path(offer)).get_data(as_text=True), "kj-offer")

    login(client, world.a.email, world.password)
    preview = client.get("/selfservice/job/profil").get_data(as_text=True)
    assert _raise_headings(_article(preview, "kj-profile-body"), 2) == public_profile
    preview = client.get(f"/selfservice/job/angebote/{offer.id}").get_data(as_text=True)
    assert _raise_headings(_article(preview, "kj-offer"), 2) == public_offer
