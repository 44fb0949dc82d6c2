"""Reach (issue 11): the Atom feed of a search, the calendars per region and per company, the
widget and its configurator, the school button and the visits it brings, each 404 while its
feature (``api`` for feeds and calendars, ``embed`` for widget and button) is off."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

import feedparser
import icalendar
import pytest
from sqlalchemy import select
from support import search_world

from kwis_job_plugin.models import DailyCounter, Event, EventParticipation, Offer
from kwis_job_plugin.services import features, search
from kwis_job_plugin.services.reach import schools
from kwis_job_plugin.services.search_query import Vocabulary, parse_query
from kwis_job_plugin.views import page_views as page_views_hook
from kwis_job_plugin.views.security import CSP, FRAMEABLE_CSP

API = "/jobs/api/v1"
BROWSER = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/126.0 Safari/537.36")


def _switch(session, world, feature: str, on: bool = True) -> None:
    for key in ("jena", "shk", "wl", "off"):
        features.set_enabled(session, world.regions[key].id, feature, on, None)
    session.commit()


@pytest.fixture
def sw(session):
    world = search_world.build(session)
    _switch(session, world, "api")
    _switch(session, world, "embed")
    return world


# --- the Atom feed -------------------------------------------------------------------------


@pytest.mark.parametrize("args", [{}, {"art": ["schuelerpraktikum"]},
                                  {"region": ["jena"], "feld": ["technik"]}],
                         ids=lambda a: urlencode(a, doseq=True) or "all")
def test_the_feed_parses_back_with_the_searchs_offers_newest_first(client, session, sw, args):
    response = client.get(f"{API}/offers.atom?{urlencode(args, doseq=True)}")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    assert "Set-Cookie" not in response.headers
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.bozo_exception
    vocab = Vocabulary.load(session)
    query = parse_query(session, args, vocab).query
    expected = search.search(session, query, date.today(), vocab)
    expected_ids = sorted((item.offer_id for item in expected.items), reverse=True)
    got_ids = [int(entry.id.rstrip("/").rsplit("/", 1)[1]) for entry in parsed.entries]
    assert got_ids == expected_ids
    assert {sw.letters[i] for i in got_ids} <= search_world.VISIBLE
    titles = {row.id: row.title for row in session.execute(select(Offer.id, Offer.title))}
    assert [entry.title for entry in parsed.entries] == [titles[i] for i in got_ids]
    first = parsed.entries[0]
    newest = sw.offers[sw.letters[got_ids[0]]]
    assert first.link.endswith(f"/jobs/angebote/{got_ids[0]}-{newest.slug}")
    assert first.author and first.published_parsed and first.updated_parsed
    assert parsed.feed.title.startswith("Neue Angebote")
    assert any(link.rel == "self" for link in parsed.feed.links)


def test_the_search_page_names_its_feed_and_the_feed_is_404_with_the_api_off(
    client, session, sw
):
    page = client.get("/jobs/suche?art=schuelerpraktikum&seite=1").get_data(as_text=True)
    assert ('<link rel="alternate" type="application/atom+xml" '
            f'href="{API}/offers.atom?art=schuelerpraktikum"') in page
    assert 'type="application/atom+xml"' in client.get("/jobs/").get_data(as_text=True)
    assert client.get(f"{API}/offers.atom?lang=en").status_code == 200
    assert feedparser.parse(client.get(f"{API}/offers.atom?lang=en").data).feed.title \
        .startswith("New offers")
    _switch(session, sw, "api", False)
    assert client.get(f"{API}/offers.atom").status_code == 404
    assert "application/atom+xml" not in client.get("/jobs/suche").get_data(as_text=True)


def test_a_bad_feed_parameter_is_a_400(client, sw):
    assert client.get(f"{API}/offers.atom?art=unbekannt").status_code == 400
    assert client.get(f"{API}/offers.atom?wer=1").status_code == 400


# --- calendars -----------------------------------------------------------------------------


@pytest.fixture
def events(session, sw):
    today = date.today()
    jena = sw.regions["jena"].id
    fair = Event(region_id=jena, kind="fair", status="published", slug="messe",
                 title="Ausbildungsmesse Jena", starts_on=today + timedelta(days=5),
                 ends_on=today + timedelta(days=5))
    day = Event(region_id=jena, kind="info_day", status="published", slug="infotag",
                title="Infotag Handwerk", starts_on=today + timedelta(days=9),
                ends_on=today + timedelta(days=9))
    session.add_all([fair, day])
    session.add(EventParticipation(event=fair, profile=sw.offers["c"].profile,
                                   status="registered"))
    session.commit()
    return fair, day


def _summaries(data: bytes) -> list[str]:
    return [str(e["summary"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")]


def test_the_calendar_per_company_has_its_events_and_is_linked(client, session, sw, events):
    company = sw.offers["c"].profile.slug
    response = client.get(f"{API}/events.ics?company={company}")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert _summaries(response.data) == ["Ausbildungsmesse Jena"]
    assert _summaries(client.get(f"{API}/events.ics?region=jena").data) == [
        "Ausbildungsmesse Jena", "Infotag Handwerk"]
    page = client.get(f"/jobs/betriebe/{company}").get_data(as_text=True)
    assert f'href="{API}/events.ics?company={company}"' in page
    calendar = client.get("/jobs/termine?region=jena").get_data(as_text=True)
    assert f'href="{API}/events.ics?region=jena"' in calendar
    assert client.get(f"{API}/events.ics?company=gibt-es-nicht").status_code == 404
    assert client.get(f"{API}/events.ics?company=a&company=b").status_code == 400
    _switch(session, sw, "api", False)
    assert client.get(f"{API}/events.ics?company={company}").status_code == 404
    assert "events.ics" not in client.get(f"/jobs/betriebe/{company}").get_data(as_text=True)
    assert "events.ics" not in client.get("/jobs/termine").get_data(as_text=True)


# --- the widget and its configurator -------------------------------------------------------


def test_the_widget_lists_the_choice_may_be_framed_and_sets_no_cookie(client, session, sw):
    optics = sw.offers["c"].profile.slug
    response = client.get(f"/jobs/einbetten/angebote?region=jena&betrieb={optics}&anzahl=3")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == FRAMEABLE_CSP
    assert "frame-ancestors *" in FRAMEABLE_CSP
    assert "X-Frame-Options" not in response.headers or "frame-ancestors" in \
        response.headers["Content-Security-Policy"]
    assert "Set-Cookie" not in response.headers
    html = response.get_data(as_text=True)
    optics_titles = [sw.offers[k].title for k in ("c", "d", "e")]
    shown = [t for t in optics_titles if t in html]
    assert len(shown) == 3
    assert sw.offers["a"].title not in html  # the bakery was not chosen
    assert 'target="_blank" rel="noopener"' in html
    assert "<script" not in html
    english = client.get("/jobs/einbetten/angebote?region=jena&lang=en").get_data(as_text=True)
    assert 'lang="en"' in english and "Offers in" in english
    typed = client.get("/jobs/einbetten/angebote?region=jena&art=schuelerpraktikum")
    assert sw.offers["d"].title in typed.get_data(as_text=True)
    assert sw.offers["c"].title not in typed.get_data(as_text=True)
    # every other page keeps its own frame-ancestors
    assert client.get("/jobs/einbetten/").headers["Content-Security-Policy"] == CSP
    assert client.get("/jobs/suche").headers["Content-Security-Policy"] == CSP


def test_the_configurator_previews_the_choice_and_gives_the_snippets(client, sw):
    page = client.get("/jobs/einbetten/?region=jena&art=schuelerpraktikum&anzahl=10"
                      "&schule=gym-jena-1").get_data(as_text=True)
    assert 'src="/jobs/einbetten/angebote?region=jena&amp;art=schuelerpraktikum&amp;anzahl=10"' \
        in page
    assert "&lt;iframe src=&#34;http://localhost/jobs/einbetten/angebote?region=jena" in page
    assert "schule=GYM-JENA-1" in page
    assert "&lt;p&gt;&lt;a href=" in page  # the plain link under the frame
    bad = client.get("/jobs/einbetten/?region=jena&schule=<x>").get_data(as_text=True)
    assert 'aria-invalid="true"' in bad and "Schulcode" in bad
    front = client.get("/jobs/").get_data(as_text=True)
    assert 'href="/jobs/einbetten/"' in front


def test_widget_configurator_and_button_are_404_with_embed_off(client, session, sw):
    _switch(session, sw, "embed", False)
    for url in ("/jobs/einbetten/", "/jobs/einbetten/angebote?region=jena",
                "/jobs/einbetten/schulbutton.svg?region=jena",
                "/jobs/einbetten/schulbutton.png?region=jena"):
        assert client.get(url).status_code == 404, url
    assert 'href="/jobs/einbetten/"' not in client.get("/jobs/").get_data(as_text=True)
    features.set_enabled(session, sw.regions["jena"].id, "embed", True, None)
    session.commit()
    assert client.get("/jobs/einbetten/angebote?region=jena").status_code == 200
    assert client.get("/jobs/einbetten/angebote?region=shk").status_code == 404


# --- the school button ---------------------------------------------------------------------


def test_the_badges_are_svg_and_png(client, sw):
    import io

    from PIL import Image

    svg = client.get("/jobs/einbetten/schulbutton.svg?region=jena")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert "Praktika und Ausbildung in der Region" in svg.get_data(as_text=True)
    png = client.get("/jobs/einbetten/schulbutton.png?region=jena")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert Image.open(io.BytesIO(png.data)).size == (600, 168)
    assert client.get("/jobs/einbetten/schulbutton.svg").status_code == 200  # plain look
    assert client.get("/jobs/einbetten/schulbutton.svg?region=nirgends").status_code == 404


def _visit(client, url, user_agent=BROWSER, method="GET"):
    response = client.open(url, method=method, headers={"User-Agent": user_agent})
    response.close()
    return response


def test_visits_through_the_button_are_counted_per_school_and_day(app, client, session, sw):
    for _ in range(3):
        _visit(client, "/jobs/?region=jena&schule=gym-jena-1")
    _visit(client, "/jobs/?region=jena&schule=RS-2")
    _visit(client, "/jobs/?region=jena&schule=RS-2", user_agent="Googlebot/2.1")
    _visit(client, "/jobs/?region=jena&schule=RS-2", method="HEAD")
    _visit(client, "/jobs/?region=jena&schule=<böse>")
    _visit(client, "/jobs/?region=jena")
    page_views_hook.recorder(app).flush()
    session.expire_all()
    rows = session.execute(select(DailyCounter.scope, DailyCounter.subject, DailyCounter.value)
                           .where(DailyCounter.metric == schools.METRIC)).all()
    assert sorted(rows) == [("jena", "school:GYM-JENA-1", 3), ("jena", "school:RS-2", 1)]
    today = date.today()
    assert [(v.code, v.visits) for v in schools.visits(session, "jena", today, today)] == [
        ("GYM-JENA-1", 3), ("RS-2", 1)]
    from kwis_job_plugin.services import indicators

    figures = indicators.compute(session, sw.regions["jena"], today.year, today)
    assert figures.schools.button_schools == 2
    assert [(c.key, c.value) for c in figures.schools.by_code] == [("GYM-JENA-1", 3),
                                                                   ("RS-2", 1)]


def test_no_visit_is_counted_while_the_button_is_off(app, client, session, sw):
    _switch(session, sw, "embed", False)
    _visit(client, "/jobs/?region=jena&schule=GYM-1")
    page_views_hook.recorder(app).flush()
    assert session.scalar(select(DailyCounter.id).where(
        DailyCounter.metric == schools.METRIC)) is None

