"""The HTTP geocoder against a real local HTTP server (pytest-httpserver): what is asked, what is
cached, what is refused, the throttle, and its use as the second source for places."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from support import search_world
from werkzeug.wrappers import Response

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models.base import utcnow
from kwis_job_plugin.models.geo import GeocodeCacheEntry
from kwis_job_plugin.services import geocoder, geocoding, places

UA = "KWIS.job/test (+wf@jena.example)"
KAHLA = {"lat": "50.8066", "lon": "11.5853", "display_name": "Kahla, Saale-Holzland-Kreis"}
PARAMS = {"format": "jsonv2", "limit": "1", "countrycodes": "de", "addressdetails": "0"}


@pytest.fixture
def settings(httpserver):
    return geocoder.GeocoderSettings(base_url=httpserver.url_for("/"), user_agent=UA,
                                     timeout=0.5)


def ask(session, settings, query, **kwargs):
    return geocoder.search(session, query, base_url=settings.base_url,
                           user_agent=settings.user_agent, timeout=settings.timeout, **kwargs)


def cache_rows(session) -> dict[str, GeocodeCacheEntry]:
    session.expire_all()
    rows = session.scalars(select(GeocodeCacheEntry)).all()
    return {row.query: row for row in rows if row.query != geocoder.THROTTLE_KEY}


def expect(httpserver, query, answer):
    httpserver.expect_request("/search", query_string={"q": query, **PARAMS}).respond_with_json(
        answer)


def test_a_found_place_has_coordinates_and_is_asked_only_once(session, httpserver, settings):
    expect(httpserver, "Kahla (Thür.)", [KAHLA])
    found = ask(session, settings, "  Kahla  (Thür.) ")
    assert found == geocoder.GeoResult(50.8066, 11.5853, "Kahla, Saale-Holzland-Kreis")
    assert len(httpserver.log) == 1
    request = httpserver.log[0][0]
    assert request.headers["User-Agent"] == UA
    assert request.headers["Accept-Language"] == "de"
    assert dict(request.args) == {"q": "Kahla (Thür.)", **PARAMS}

    row = cache_rows(session)["kahla (thür.)"]
    assert row.found and (row.lat, row.lon) == (50.8066, 11.5853)
    assert utcnow() - row.fetched_at < timedelta(minutes=1)
    again = ask(session, settings, "KAHLA (thür.)", max_wait=0)
    assert again == found and len(httpserver.log) == 1, "the cache answers, no second request"


def test_an_unknown_place_is_none_and_cached_for_a_week(session, httpserver, settings):
    expect(httpserver, "Xyzdorf", [])
    assert ask(session, settings, "Xyzdorf") is None
    row = cache_rows(session)["xyzdorf"]
    assert not row.found and row.lat is None
    assert ask(session, settings, "xyzdorf", max_wait=0) is None
    assert len(httpserver.log) == 1

    session.execute(update(GeocodeCacheEntry).where(GeocodeCacheEntry.query == "xyzdorf")
                    .values(fetched_at=utcnow() - geocoder.NEGATIVE_TTL - timedelta(hours=1)))
    session.commit()
    time.sleep(1.05)  # the throttle's next slot
    assert ask(session, settings, "Xyzdorf", max_wait=0) is None
    assert len(httpserver.log) == 2, "a stale negative answer is asked again"


def test_a_place_outside_germany_is_refused(session, httpserver, settings):
    expect(httpserver, "Wien", [{"lat": "48.2082", "lon": "16.3738", "display_name": "Wien"}])
    assert ask(session, settings, "Wien") is None
    assert not cache_rows(session)["wien"].found


def _slow(_request):
    time.sleep(1.0)
    return Response("[]", content_type="application/json")


@pytest.mark.parametrize(
    "respond",
    [
        lambda handler: handler.respond_with_data("boom", status=500),
        lambda handler: handler.respond_with_data("<html>nope", content_type="text/html"),
        lambda handler: handler.respond_with_json({"error": "Unable to geocode"}),
        lambda handler: handler.respond_with_json([{"lat": "north", "lon": "11.5"}]),
        lambda handler: handler.respond_with_handler(_slow),
    ],
    ids=["http-500", "not-json", "not-a-list", "bad-coordinates", "timeout"],
)
def test_transient_errors_are_none_and_not_cached(session, httpserver, settings, respond, caplog):
    respond(httpserver.expect_request("/search"))
    lookup = geocoder.lookup_with(session, "Kahla", settings)
    assert lookup == geocoder.Lookup(None, "unavailable")
    deadline = time.monotonic() + 2  # the slow handler is logged once it has answered
    while not httpserver.log and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(httpserver.log) == 1
    assert cache_rows(session) == {}
    ours = [r.getMessage() for r in caplog.records if r.name == geocoder.__name__]
    assert ours and not any("Kahla" in message for message in ours), "never what was typed"


def test_an_unreachable_geocoder_is_none(session, httpserver):
    httpserver.stop()
    try:
        assert geocoder.search(session, "Kahla", base_url=httpserver.url_for("/"),
                               user_agent=UA, timeout=0.5) is None
    finally:
        httpserver.start()
    assert cache_rows(session) == {}


def test_at_most_one_request_a_second(session, httpserver, settings):
    expect(httpserver, "Kahla", [KAHLA])
    expect(httpserver, "Dornburg", [{"lat": "51.0050", "lon": "11.6445"}])
    expect(httpserver, "Camburg", [{"lat": "51.0536", "lon": "11.7080"}])
    assert ask(session, settings, "Kahla") is not None
    started = time.monotonic()
    assert ask(session, settings, "Dornburg") is not None, "waits for the next slot"
    waited = time.monotonic() - started
    assert 0.5 < waited < 1.6 and len(httpserver.log) == 2
    # Asked too soon and not allowed to wait: gives up at once, without a request.
    started = time.monotonic()
    lookup = geocoder.lookup(session, "Camburg", base_url=settings.base_url, user_agent=UA,
                             timeout=0.5, max_wait=0)
    assert lookup == geocoder.Lookup(None, "unavailable")
    assert time.monotonic() - started < 0.5 and len(httpserver.log) == 2
    assert "camburg" not in cache_rows(session), "nothing cached: asked again later"


def test_the_user_agent_names_kwis_job_and_a_contact():
    config = {"KWIS_JOB_GEOCODER_URL": "https://geo.example/",
              "KWIS_JOB_MAIL_FROM": "KWIS.job <jobs@wf-jena.example>"}
    settings = geocoder.settings_from(config)
    assert re.fullmatch(r"KWIS\.job/\S+ \(\+jobs@wf-jena\.example\)", settings.user_agent)
    assert geocoder.settings_from({"KWIS_JOB_GEOCODER_URL": None}) is None
    own = geocoder.settings_from({**config, "KWIS_JOB_GEOCODER_USER_AGENT": "Mine/1 (+x@y.z)",
                                  "KWIS_JOB_GEOCODER_TIMEOUT": "2"})
    assert (own.user_agent, own.timeout) == ("Mine/1 (+x@y.z)", 2.0)


# --- as the second source ---------------------------------------------------------------------


def test_places_ask_the_geocoder_only_for_places_no_company_is_in(session, httpserver,
                                                                   settings):
    factories.CustomerFactory(postcode="07743", city="Jena", lat=50.93, lon=11.59)
    session.commit()
    expect(httpserver, "07768 Kahla", [KAHLA])
    assert places.resolve(session, "07743", settings).label == "07743 Jena"
    assert places.resolve(session, "Jena", settings).label == "Jena"
    assert len(httpserver.log) == 0
    found = places.resolve(session, "07768 Kahla", settings)
    assert (found.lat, found.lon, found.label, found.postcode) == (
        50.8066, 11.5853, "07768 Kahla", "07768")
    assert places.resolve(session, "07768 Kahla") is None, "no settings: no geocoder"


def test_offer_addresses_ask_the_geocoder_after_the_centroid(session, httpserver, settings):
    expect(httpserver, "Markt 1, 07768 Kahla", [KAHLA])
    location = geocoding.locate(session, "07768", "Kahla", "Markt 1", settings)
    assert (location.lat, location.lon, location.precision, location.source) == (
        50.8066, 11.5853, "address", "geocoder")
    assert geocoding.locate(session, "07768", "Kahla", "Markt 1") is None
    assert geocoding.locate(session, "abc", "Kahla", None, settings) is None
    assert len(httpserver.log) == 1


# --- the portal -------------------------------------------------------------------------------


@pytest.fixture
def sw(session):
    return search_world.build(session)


def test_the_portal_finds_a_place_only_the_geocoder_knows(app, client, sw, httpserver):
    app.config["KWIS_JOB_GEOCODER_URL"] = httpserver.url_for("/")
    expect(httpserver, "Kahla", [KAHLA])
    html = client.get("/jobs/suche?ort=Kahla&umkreis=25").get_data(as_text=True)
    assert "Sortiert nach Entfernung (Luftlinie) von Kahla." in html
    km = [float(x.replace(",", ".")) for x in re.findall(r"\((\d+,\d) km entfernt\)", html)]
    assert km and km == sorted(km) and km[-1] <= 25
    order = [sw.letters[int(i)] for i in re.findall(r'id="kj-offer-(\d+)"', html)]
    assert order[0] == "a", "Lobeda is nearest to Kahla"
    request = httpserver.log[0][0]
    assert request.headers["User-Agent"].startswith("KWIS.job/")
    assert request.args["q"] == "Kahla"


def test_the_portal_explains_a_place_the_geocoder_does_not_know(app, client, sw, httpserver):
    app.config["KWIS_JOB_GEOCODER_URL"] = httpserver.url_for("/")
    expect(httpserver, "Xyzdorf", [])
    html = client.get("/jobs/suche?ort=Xyzdorf").get_data(as_text=True)
    assert "Den Ort „Xyzdorf“ kennen wir nicht" in html
    assert len(re.findall(r'id="kj-offer-(\d+)"', html)) == len(search_world.VISIBLE)


def test_the_portal_says_when_a_place_cannot_be_located_now(app, client, sw, httpserver):
    app.config["KWIS_JOB_GEOCODER_URL"] = httpserver.url_for("/")
    httpserver.expect_request("/search").respond_with_data("down", status=503)
    html = client.get("/jobs/suche?ort=Kahla").get_data(as_text=True)
    assert "Den Ort „Kahla“ können wir gerade nicht finden" in html
    assert len(re.findall(r'id="kj-offer-(\d+)"', html)) == len(search_world.VISIBLE)
