"""The search page over HTTP: every state is a URL, filters come off as chips, nothing hidden
shows, bad input gets a German note (never a 500), no cookies, conditional GET."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from support import search_world

from kwis_job_plugin.demo import factories
from kwis_job_plugin.services import features, search_index

HIDDEN_TITLES = (
    "Ferienjob Sommer 2020", "Pausierter Ferienjob", "Archiviertes Praktikum",
    "Ferienjob ohne Profil", "Ferienjob im Lager", "Ferienjob im Archiv",
    "Entwurf eines Ferienjobs",
)


class Page(HTMLParser):
    """What the tests look at: result titles, chip links, other links, checked inputs."""

    def __init__(self, html: str):
        super().__init__()
        self.html = html
        self.titles: list[str] = []
        self.chips: dict[str, str] = {}
        self.links: list[tuple[str, str]] = []
        self.checked: set[tuple[str, str]] = set()
        self._link: dict | None = None
        self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h3" and (attrs.get("id") or "").startswith("kj-offer-"):
            self._in_title = True
        if tag == "a":
            self._link = {"href": attrs.get("href"), "class": attrs.get("class") or "",
                          "text": ""}
        if tag == "input" and "checked" in attrs:
            self.checked.add((attrs.get("name"), attrs.get("value")))

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            link, self._link = self._link, None
            text = " ".join(link["text"].split())
            if self._in_title:
                self.titles.append(text)
            elif "kj-chip" in link["class"].split():  # the visible label, without "– … ×"
                self.chips[text.split(" – ")[0]] = link["href"]
            self.links.append((text, link["href"]))
        if tag == "h3":
            self._in_title = False

    def handle_data(self, data):
        if self._link is not None:
            self._link["text"] += data

    @property
    def status(self) -> str:
        match = re.search(r'role="status"[^>]*>(.*?)</p>', self.html, re.S)
        return " ".join(match.group(1).split()) if match else ""


def get(client, url, **kwargs) -> Page:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    return Page(response.get_data(as_text=True))


@pytest.fixture
def sw(session):
    return search_world.build(session)


def titles_of(sw, letters) -> set[str]:
    return {sw.offers[letter].title for letter in letters}


def test_the_front_page_shows_todays_rotation_of_every_visible_offer(client, sw):
    page = get(client, "/jobs/")
    assert "<h1>Arbeitgeber in der Region</h1>" in page.html
    assert set(page.titles) == titles_of(sw, search_world.VISIBLE)
    assert page.status == "7 Angebote gefunden."
    assert "Die Reihenfolge wechselt jeden Tag" in page.html
    for title in HIDDEN_TITLES:
        assert title not in page.html
    assert 'action="/jobs/suche"' in page.html and 'method="get"' in page.html


def test_filters_are_urls_and_chips_remove_one_filter_each(client, sw):
    page = get(client, "/jobs/suche?art=ferienjob&art=schnuppertag&feld=bau")
    assert page.titles == [sw.offers["g"].title]
    assert {("art", "ferienjob"), ("art", "schnuppertag"), ("feld", "bau")} <= page.checked
    assert page.status == "1 Angebot gefunden."
    chips = page.chips
    assert parse_qs(urlsplit(chips["Angebotsart: Ferienjob"]).query) == {
        "art": ["schnuppertag"], "feld": ["bau"]}
    assert parse_qs(urlsplit(chips["Berufsfeld: Bau, Architektur, Vermessung"]).query) == {
        "art": ["ferienjob", "schnuppertag"]}
    assert chips["Alle Filter entfernen"] == "/jobs/suche"

    following = get(client, chips["Berufsfeld: Bau, Architektur, Vermessung"])
    assert set(following.titles) == titles_of(sw, "ag")


def test_facet_counts_stand_beside_the_options(client, sw):
    html = get(client, "/jobs/suche?art=ferienjob").html
    label = re.search(r'<label for="kj-facet-type-ausbildungsplatz">(.*?)</label>', html, re.S)
    assert label and " ".join(label.group(1).split()) == (
        'Ausbildungsplatz <span class="kj-count">(1)</span>')
    assert re.search(r'Nur mit freien Plätzen <span class="kj-count">\(1\)</span>', html)
    assert "kj-facet-type-feriencamp" not in html, "options without hits are not offered"


def test_text_search_with_folding_and_plurals(client, sw):
    assert set(get(client, "/jobs/suche?q=Baecker").titles) == titles_of(sw, "ab")
    assert set(get(client, "/jobs/suche?q=Praktika").titles) == titles_of(sw, "cdf")
    page = get(client, "/jobs/suche?q=Museen")
    assert page.titles == [sw.offers["f"].title]
    assert "Suchtext: „Museen“" in page.chips
    assert "Suchtext: „Museen“<span class=\"visually-hidden\"> – Filter entfernen</span>" in (
        page.html)


def test_distance_search_orders_by_distance_and_shows_it(client, sw):
    page = get(client, "/jobs/suche?ort=07743&umkreis=5")
    order = [sw.letters[int(i)] for i in re.findall(r'id="kj-offer-(\d+)"', page.html)]
    assert order[0] == "b" and set(order[1:3]) == {"c", "d"} and order[3:] == ["e", "a"]
    assert "(0,0 km entfernt)" in page.html and "(4,7 km entfernt)" in page.html
    assert "Sortiert nach Entfernung (Luftlinie) von 07743 Jena." in page.html
    assert page.chips["Umkreis 5 km um 07743 Jena"] == "/jobs/suche"
    assert '<option value="5" selected>5 km</option>' in page.html


def test_an_unknown_place_is_explained_at_the_field_with_suggestions(client, sw):
    page = get(client, "/jobs/suche?ort=Jna")
    assert 'aria-invalid="true" aria-describedby="kj-ort-error"' in page.html
    error = re.search(r'<span class="kj-error" id="kj-ort-error">(.*?)</span>', page.html, re.S)
    assert error and "Den Ort „Jna“ kennen wir nicht" in error.group(1)
    assert ("Jena", "/jobs/suche?ort=Jena&umkreis=25") in page.links
    assert set(page.titles) == titles_of(sw, search_world.VISIBLE), "never an empty page"


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ("umkreis=abc&ort=Jena", "Der Umkreis muss eine Zahl in Kilometern sein"),
        ("umkreis=0&ort=Jena", "Der kleinste Umkreis ist 5 km"),
        ("umkreis=1e9&ort=Jena", "Der größte Umkreis ist 100 km"),
        ("seite=-3", "Die Seitenzahl „-3“ ist ungültig"),
        ("seite=zwei", "Die Seitenzahl „zwei“ ist ungültig"),
        ("seite=100000", "Diese Seite gibt es nicht (mehr)"),
        ("art=%3Cscript%3Ealert(1)%3C/script%3E", "„&lt;script&gt;alert(1)&lt;/script&gt;“"),
        ("region=atlantis", "„atlantis“ gibt es bei „Region“ nicht"),
        ("q=" + "Praktikum%20" * 100, "Der Suchtext wurde auf 200 Zeichen gekürzt."),
        ("q=und", "„und“ ist zu allgemein"),
        ("ort=%00%01", ""),
        ("q=%00Praktikum&ort=Je%00na", ""),
        ("umkreis=nan&ort=Jena", "Der Umkreis muss eine Zahl"),
        ("umkreis=inf&ort=Jena", "Der Umkreis muss eine Zahl"),
    ],
)
def test_bad_input_gets_a_note_never_an_error(client, sw, query, note):
    response = client.get(f"/jobs/suche?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert note in html
    assert "<script>" not in html


def test_pages_link_to_each_other(client, session):
    factories.use_session(session)
    region = factories.RegionFactory(slug="jena", prefixes=["16053"])
    for n in range(25):
        profile = factories.ProfileFactory(region=region, status="published")
        factories.OfferFactory(profile=profile, status="published", title=f"Angebot Nr. {n}")
    search_index.rebuild_all(session)
    session.commit()

    first = get(client, "/jobs/suche")
    assert len(first.titles) == 20 and first.status == "25 Angebote gefunden. Seite 1 von 2."
    assert ("Weiter", "/jobs/suche?seite=2") in first.links
    assert 'aria-current="page">1</a>' in first.html
    second = get(client, "/jobs/suche?seite=2")
    assert len(second.titles) == 5 and not set(second.titles) & set(first.titles)
    assert ("Zurück", "/jobs/suche") in second.links


PAST_THE_END = "Diese Seite gibt es nicht (mehr); hier ist die letzte Seite."
CAP_NOTE = "höchstens 1.000 Treffer durchblättern"


@pytest.fixture
def seventy_one(session):
    """71 hits: four pages of 20."""
    factories.use_session(session)
    region = factories.RegionFactory(slug="jena", prefixes=["16053"])
    for n in range(71):
        profile = factories.ProfileFactory(region=region, status="published")
        factories.OfferFactory(profile=profile, status="published", title=f"Angebot Nr. {n}")
    search_index.rebuild_all(session)
    session.commit()


@pytest.mark.parametrize("number", [5, 50, 51, 52, 2147483648, 10**30])
def test_a_page_past_the_end_does_not_exist_whatever_its_number(client, seventy_one, number):
    """With 71 hits, page 51 and beyond do not exist exactly as pages 5 to 50 do not: the
    cap of 1,000 pageable hits has nothing to do with it."""
    page = get(client, f"/jobs/suche?seite={number}")
    assert PAST_THE_END in page.html
    assert CAP_NOTE not in page.html
    assert page.status == "71 Angebote gefunden. Seite 4 von 4."
    assert len(page.titles) == 11


def test_the_cap_is_named_only_when_there_are_more_hits_than_can_be_paged(
    client, seventy_one, monkeypatch
):
    """With more hits than the cap (here a cap of 40, so two pages), a page beyond the cap
    names the cap instead of saying that the page does not exist."""
    from kwis_job_plugin.services import search, search_query

    monkeypatch.setattr(search, "RESULT_CAP", 40)
    monkeypatch.setattr(search_query, "MAX_PAGE", 2)
    page = get(client, "/jobs/suche?seite=3")
    assert "Es lassen sich höchstens 40 Treffer durchblättern" in page.html
    assert PAST_THE_END not in page.html
    assert page.status.endswith("Seite 2 von 2.")


def test_results_link_to_the_offer_and_company_pages(client, sw):
    page = get(client, "/jobs/suche?q=Museen")
    offer, profile = sw.offers["f"], sw.profiles["museum"]
    links = {(text, href.split("?")[0]) for text, href in page.links}
    assert (offer.title, f"/jobs/angebote/{offer.id}-{offer.slug}") in links
    assert ("Museum Apolda", f"/jobs/betriebe/{profile.slug}") in links
    back = {href for text, href in page.links if text == offer.title}
    assert back == {f"/jobs/angebote/{offer.id}-{offer.slug}?zurueck=q%3DMuseen"}, \
        "the search travels along, so the page can lead back to it"


def test_no_cookie_short_public_caching_and_conditional_get(client, sw):
    for url in ("/jobs/", "/jobs/suche", "/jobs/suche?q=Bäcker&ort=Jena", "/jobs/suche?ort=xy"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, url
        assert response.headers["Cache-Control"] == "public, max-age=60"
        assert "Accept-Language" in response.headers["Vary"]
        etag = response.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"", url
    head = client.head("/jobs/suche?q=Bäcker")
    assert head.status_code == 200 and head.data == b""


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_the_search_refuses_writes(client, sw, method):
    assert client.open("/jobs/suche?q=x", method=method).status_code == 405


def test_empty_states(client, session, sw):
    page = get(client, "/jobs/suche?q=xyzzy")
    assert page.status == "Keine Angebote gefunden."
    assert "Versuchen Sie es mit weniger Filtern" in page.html
    assert ("Alle Angebote zeigen", "/jobs/suche") in page.links

    factories.use_session(session)
    factories.RegionFactory(slug="leer", name="Region ohne Angebote", prefixes=["16076"])
    for region in sw.regions.values():
        features.set_enabled(session, region.id, "portal", False, None)
    session.commit()
    page = get(client, "/jobs/")
    assert page.status == "Keine Angebote gefunden." and page.titles == []
    assert "Noch hat kein Betrieb ein Angebot veröffentlicht" in page.html


def test_with_the_portal_off_everywhere_the_search_is_404(client, session, sw):
    for region in sw.regions.values():
        features.set_enabled(session, region.id, "portal", False, None)
    session.commit()
    assert client.get("/jobs/suche").status_code == 404
    assert client.get("/jobs/").status_code == 404


def test_the_header_links_the_event_calendar_while_events_are_on(client, session, sw):
    assert ("Termine", "/jobs/termine") in get(client, "/jobs/").links
    for region in sw.regions.values():
        features.set_enabled(session, region.id, "events", False, None)
    session.commit()
    assert "Termine" not in {text for text, _href in get(client, "/jobs/").links}
    assert client.get("/jobs/termine").status_code == 404


def test_the_page_speaks_english_to_an_english_browser(client, sw):
    response = client.get("/jobs/suche?q=Bäcker", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert '<html lang="en">' in response.get_data(as_text=True)
