"""Found by search engines and read right by screen readers (issue 14), over HTTP.

Every public portal page has a meta description and a canonical link (a search's is its
normalised URL, without tracking or ``zurueck`` parameters), and an icon link, so no browser asks
for a missing ``/favicon.ico``; the host's ``/robots.txt`` names the sitemap (hook
``kwis_robots_txt``). On English pages, the German text companies write and the German taxonomy
terms carry ``lang="de"``.
"""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from support import search_world

from kwis_job_plugin.models import Event

BASE = "http://localhost"
EN = {"Accept-Language": "en"}


class HeadLinks(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "meta" and "name" in values:
            self.meta[values["name"]] = values.get("content") or ""
        if tag == "link" and "rel" in values:
            self.links[values["rel"]] = values.get("href") or ""


class GermanText(HTMLParser):
    """The text inside elements marked ``lang="de"``, on a page marked otherwise."""

    def __init__(self, html: str):
        super().__init__()
        self.depth = 0
        self.stack: list[bool] = []
        self.german: list[str] = []
        self.feed(html)

    VOID = {"meta", "link", "img", "input", "br", "hr", "source"}

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        marked = dict(attrs).get("lang") == "de"
        self.stack.append(marked)
        self.depth += marked

    def handle_endtag(self, tag):
        if tag in self.VOID or not self.stack:
            return
        self.depth -= self.stack.pop()

    def handle_data(self, data):
        if self.depth and data.strip():
            self.german.append(" ".join(data.split()))

    def marked(self, text: str) -> bool:
        return any(text in part for part in self.german)


@pytest.fixture
def fw(session):
    sw = search_world.build(session)
    day = sw.today + timedelta(days=10)
    event = Event(region_id=sw.regions["jena"].id, kind="fair", status="published",
                  slug="ausbildungsmesse", title="Ausbildungsmesse", starts_on=day, ends_on=day,
                  city="Jena", postcode="07743")
    session.add(event)
    session.commit()
    sw.event = event
    return sw


def _page(client, path: str, **kwargs) -> str:
    response = client.get(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def test_every_public_page_has_description_canonical_and_icon(client, fw):
    offer, bakery = fw.offers["a"], fw.profiles["bakery"]
    pages = {
        "/jobs/": f"{BASE}/jobs/",
        "/jobs/suche": f"{BASE}/jobs/suche",
        "/jobs/suche?art=ferienjob&utm_source=newsletter&fbclid=x&zurueck=q%3Dy&seite=1":
            f"{BASE}/jobs/suche?art=ferienjob",
        "/jobs/suche?ort=07743&art=ferienjob&umkreis=10": None,  # normalised, checked below
        f"/jobs/betriebe/{bakery.slug}?zurueck=art%3Dferienjob":
            f"{BASE}/jobs/betriebe/{bakery.slug}",
        f"/jobs/angebote/{offer.id}-{offer.slug}?zurueck=art%3Dferienjob":
            f"{BASE}/jobs/angebote/{offer.id}-{offer.slug}",
        f"/jobs/termine/{fw.event.id}-{fw.event.slug}":
            f"{BASE}/jobs/termine/{fw.event.id}-{fw.event.slug}",
        "/jobs/termine": f"{BASE}/jobs/termine",
        "/jobs/impressum": f"{BASE}/jobs/impressum",
        "/jobs/regionen/jena/impressum": f"{BASE}/jobs/regionen/jena/impressum",
        "/jobs/regionen/jena/datenschutz": f"{BASE}/jobs/regionen/jena/datenschutz",
        "/jobs/regionen/jena/barrierefreiheit": f"{BASE}/jobs/regionen/jena/barrierefreiheit",
        "/jobs/leichte-sprache?utm_campaign=x": f"{BASE}/jobs/leichte-sprache",
    }
    for path, canonical in pages.items():
        head = HeadLinks(_page(client, path))
        assert len(head.meta.get("description", "")) >= 40, path
        assert head.links["canonical"] == (canonical or head.links["canonical"]), path
        assert head.links["canonical"].startswith(f"{BASE}/jobs/"), path
        assert "utm_" not in head.links["canonical"] and "zurueck" not in head.links["canonical"]
        assert head.links["icon"], path
    radius = HeadLinks(_page(client, "/jobs/suche?ort=07743&art=ferienjob&umkreis=10"))
    assert radius.links["canonical"] == f"{BASE}/jobs/suche?art=ferienjob&ort=07743&umkreis=10"
    error = HeadLinks(client.get("/jobs/gibt-es-nicht").get_data(as_text=True))
    assert "canonical" not in error.links and error.meta["robots"] == "noindex"


def test_the_icon_is_the_portals_own_or_the_regions_logo(client, fw, session):
    head = HeadLinks(_page(client, "/jobs/"))
    response = client.get(head.links["icon"])
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.data.startswith(b"<svg") and "Set-Cookie" not in response.headers
    jena = fw.regions["jena"]
    jena.logo_data, jena.logo_content_type, jena.logo_sha256 = b"\x89PNG", "image/png", "c" * 64
    jena.logo_width = jena.logo_height = 16
    session.commit()
    head = HeadLinks(_page(client, "/jobs/regionen/jena/impressum"))
    assert head.links["icon"] == "/jobs/regionen/jena/logo?v=cccccccccc"


def test_robots_txt_at_the_host_root_names_the_sitemap(client, fw, session):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    assert f"Sitemap: {BASE}/jobs/sitemap.xml" in lines
    assert client.get("/jobs/sitemap.xml").status_code == 200


def test_english_pages_mark_the_companies_german_text(client, fw):
    offer, bakery = fw.offers["a"], fw.profiles["bakery"]
    html = _page(client, f"/jobs/angebote/{offer.id}-{offer.slug}", headers=EN)
    assert '<html lang="en">' in html
    text = GermanText(html)
    for german in ("Ferienjob in der Backstube", "Im Sommer helfen Sie beim Backen",
                   "Ferienjob", "Schülerinnen und Schüler", "Produktion"):
        assert text.marked(german), german
    assert not text.marked("How to apply") and not text.marked("When")

    text = GermanText(_page(client, f"/jobs/betriebe/{bakery.slug}", headers=EN))
    assert text.marked("Ferienjob in der Backstube")  # the offer cards
    assert not text.marked("Offers")

    text = GermanText(_page(client, "/jobs/suche?art=ferienjob", headers=EN))
    assert text.marked("Ferienjob in der Backstube") and text.marked("Schülerpraktikum")
    assert text.marked("Produktion"), "the facets' taxonomy terms"
    assert text.marked("Angebotsart: Ferienjob") is False and text.marked("Ferienjob")

    german = _page(client, f"/jobs/angebote/{offer.id}-{offer.slug}")
    assert 'lang="de"' not in german.split("</head>", 1)[1], "a German page marks nothing"
