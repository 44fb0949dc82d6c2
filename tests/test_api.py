"""The JSON API (/jobs/api/v1/): the portal search's results, keyset/cursor paging, conditional
GET, CORS, the per-region feature switch, bad input as JSON 400 (never a 500), and the OpenAPI
document held true by schemathesis against the app."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode, urlsplit

import pytest
from support import search_world

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import Event, EventParticipation, Slot
from kwis_job_plugin.services import features, search
from kwis_job_plugin.services.search_query import Vocabulary, parse_query

API = "/jobs/api/v1"


@pytest.fixture
def sw(session):
    world = search_world.build(session)
    for key in ("jena", "shk", "wl", "off"):
        features.set_enabled(session, world.regions[key].id, "api", True, None)
    session.commit()
    return world


def get_json(client, url, status=200, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == status, (url, response.status_code, response.data[:300])
    assert response.mimetype == "application/json", url
    return response.get_json()


def walk(client, url) -> list[dict]:
    """Every item of a list, following ``next`` to the end."""
    items: list[dict] = []
    while url:
        body = get_json(client, url)
        items.extend(body["items"])
        url = body["next"]
        if url:
            parts = urlsplit(url)
            url = f"{parts.path}?{parts.query}"
    return items


def portal_ids(session, args: dict, today: date, region_keys=None) -> list[int]:
    """What the portal search finds for ``args``, page by page (its own service and parser)."""
    vocab = Vocabulary.load(session)
    found: list[int] = []
    page = 1
    while True:
        query = parse_query(session, {**args, "seite": [str(page)]}, vocab).query
        result = search.search(session, query, today, vocab)
        found.extend(item.offer_id for item in result.items)
        if page >= result.pages:
            return found
        page += 1


QUERIES = [
    {},
    {"q": ["Praktikum"]},
    {"art": ["schuelerpraktikum"]},
    {"art": ["schuelerpraktikum", "ferienjob"], "zielgruppe": ["schueler"]},
    {"feld": ["technik"]},
    {"region": ["jena"]},
    {"ort": ["07743"], "umkreis": ["10"]},
    {"frei": ["1"]},
    {"vorteil": ["jobticket"]},
]


@pytest.mark.parametrize("args", QUERIES, ids=lambda a: urlencode(a, doseq=True) or "all")
def test_offers_give_the_portal_searchs_ids_in_its_order(client, session, sw, args):
    items = walk(client, f"{API}/offers?{urlencode(args, doseq=True)}")
    assert [item["id"] for item in items] == portal_ids(session, args, date.today())
    assert {sw.letters[item["id"]] for item in items} <= search_world.VISIBLE


def test_the_api_switch_narrows_the_offers_and_a_region_with_it_off_is_404(client, session, sw):
    everything = {item["id"] for item in walk(client, f"{API}/offers")}
    assert {sw.letters[i] for i in everything} == search_world.VISIBLE
    features.set_enabled(session, sw.regions["jena"].id, "api", False, None)
    session.commit()
    left = {sw.letters[item["id"]] for item in walk(client, f"{API}/offers")}
    assert left and left < search_world.VISIBLE
    assert all(sw.offers[letter].profile.region_id != sw.regions["jena"].id for letter in left)
    body = get_json(client, f"{API}/offers?region=jena", 404)
    assert body["message"] and body["message_en"]
    jena_offer = sw.ids["a"]
    get_json(client, f"{API}/offers/{jena_offer}", 404)
    get_json(client, f"{API}/companies/{sw.offers['a'].profile.slug}", 404)
    get_json(client, f"{API}/companies?region=jena", 404)


def test_everything_is_404_while_the_api_is_off_everywhere(client, session):
    search_world.build(session)
    session.commit()
    for path in ("/", "/offers", "/companies", "/events", "/taxonomies", "/openapi.json"):
        body = get_json(client, API + path, 404)
        assert body["error"] == "not_found"


def test_offers_and_companies_walk_every_result_exactly_once_across_pages(
    client, session, sw
):
    region = sw.regions["jena"]
    for _n in range(45):
        profile = factories.ProfileFactory(region=region, status="published",
                                           customer__ags="16053000")
        factories.OfferFactory(profile=profile, status="published", type_key="ferienjob")
    session.commit()
    from kwis_job_plugin.services import search_index

    search_index.rebuild_all(session)
    session.commit()
    offers = walk(client, f"{API}/offers")
    ids = [item["id"] for item in offers]
    assert len(ids) == len(set(ids)) > 40
    assert ids == portal_ids(session, {}, date.today())
    companies = walk(client, f"{API}/companies")
    slugs = [item["slug"] for item in companies]
    assert len(slugs) == len(set(slugs)) >= 45
    first = get_json(client, f"{API}/companies")
    assert len(first["items"]) == 20 and first["next"]


def test_an_offer_and_a_company_document(client, sw):
    offer = get_json(client, f"{API}/offers/{sw.ids['a']}")
    assert offer["title"] == "Ferienjob in der Backstube"
    assert offer["url"].endswith(f"/jobs/angebote/{sw.ids['a']}-{sw.offers['a'].slug}") or \
        "/jobs/angebote/" in offer["url"]
    company = get_json(client, f"{API}/companies/{offer['company']['slug']}")
    assert company["name"] == "Bäckerei Sonnenkorn"
    assert sw.ids["a"] in {item["id"] for item in company["offers"]}
    assert sw.ids["n"] not in {item["id"] for item in company["offers"]}  # a draft
    for hidden in "hijklmn":
        get_json(client, f"{API}/offers/{sw.ids[hidden]}", 404)


def test_conditional_get_cors_and_no_cookie(client, sw):
    response = client.get(f"{API}/offers?art=ferienjob")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "Set-Cookie" not in response.headers
    etag = response.headers["ETag"]
    again = client.get(f"{API}/offers?art=ferienjob", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get(f"{API}/offers?art=schuelerpraktikum", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_labels_in_german_and_english(client, sw):
    de = get_json(client, f"{API}/taxonomies")
    en = get_json(client, f"{API}/taxonomies?lang=en")
    by_header = get_json(client, f"{API}/taxonomies", headers={"Accept-Language": "en"})
    kinds = {k["key"]: k["label"] for k in de["event_kinds"]}
    kinds_en = {k["key"]: k["label"] for k in en["event_kinds"]}
    assert kinds["info_day"] == "Infotag" and kinds_en["info_day"] != "Infotag"
    assert by_header["event_kinds"] == en["event_kinds"]
    slugs = {sw.regions[key].slug for key in ("jena", "shk", "wl")}
    assert {r["key"] for r in de["regions"]} == slugs  # not "off": its portal is off
    error = get_json(client, f"{API}/offers?art=gibtsnicht", 400)
    assert "gibtsnicht" in error["message"] and "gibtsnicht" in error["message_en"]
    assert error["message"] != error["message_en"]


BAD = [
    "q=a%00b", "q=%E2%80%AE", "q=" + "x" * 100_000, "umkreis=-5&ort=07743",
    "ort=07743&umkreis=1e999", "ort=07743&umkreis=99999999999999999999999",
    "cursor=abc", "cursor=" + "A" * 5000, "unbekannt=1", "lang=fr", "region=%00",
    "region=nirgendwo",
]


@pytest.mark.parametrize("query", BAD, ids=lambda q: q[:30])
def test_bad_parameters_are_a_json_400_never_a_500(client, sw, query):
    status = 404 if query == "region=nirgendwo" else 400
    body = get_json(client, f"{API}/offers?{query}", status)
    assert body["status"] == status and body["message"] and body["message_en"]
    for path in ("/companies", "/events"):
        response = client.get(f"{API}{path}?{query}")
        assert response.status_code in (400, 404) and response.is_json, (path, query)


def test_a_cursor_of_another_query_or_forged_is_refused(client, sw):
    first = get_json(client, f"{API}/companies?region=jena")
    factories_needed = first["next"]  # fewer than a page: no cursor
    assert factories_needed is None
    from itsdangerous import URLSafeSerializer

    forged = URLSafeSerializer("wrong-secret", salt="kwis-job-api-cursor").dumps(
        {"v": 0, "d": date.today().isoformat(), "f": "x"})
    body = get_json(client, f"{API}/offers?cursor={forged}", 400)
    assert "Cursor" in body["message"]
    for value in (2**40, -1):
        from kwis_job_plugin.views.api import CURSOR_SALT

        sneaky = URLSafeSerializer("test-secret", salt=CURSOR_SALT).dumps(
            {"v": value, "d": date.today().isoformat(), "f": "x"})
        get_json(client, f"{API}/offers?cursor={sneaky}", 400)


@pytest.fixture
def events_world(session, sw):
    today = date.today()
    profile = sw.offers["c"].profile
    event = Event(region_id=sw.regions["jena"].id, kind="fair", status="published",
                  slug="messe", title="Ausbildungsmesse Jena", starts_on=today + timedelta(days=5),
                  ends_on=today + timedelta(days=5))
    hidden = Event(region_id=sw.regions["jena"].id, kind="fair", status="draft",
                   slug="geheim", title="Geheime Messe", starts_on=today + timedelta(days=5),
                   ends_on=today + timedelta(days=5))
    session.add_all([event, hidden])
    part = EventParticipation(event=event, profile=profile, status="registered")
    session.add(part)
    start = datetime.combine(event.starts_on, time(9))
    session.add(Slot(participation=part, title="Rundgang", starts_at=start,
                     ends_at=start + timedelta(hours=2), capacity=8, confirmed_count=3))
    session.commit()
    return event


def test_events_with_slots_and_free_places(client, session, events_world):
    body = get_json(client, f"{API}/events")
    assert [e["title"] for e in body["items"]] == ["Ausbildungsmesse Jena"]
    slots = body["items"][0]["companies"][0]["slots"]
    assert [(s["title"], s["capacity"], s["places_left"]) for s in slots] == [
        ("Rundgang", 8, 5)]
    assert get_json(client, f"{API}/events?region=jena")["items"] == body["items"]
    features.set_enabled(session, events_world.region_id, "events", False, None)
    session.commit()
    assert get_json(client, f"{API}/events")["items"] == []


def test_the_events_calendar_parses_back_with_one_entry_per_public_event(
    client, session, events_world
):
    import icalendar

    response = client.get(f"{API}/events.ics?region=jena")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    entries = list(calendar.walk("VEVENT"))
    assert [str(e["summary"]) for e in entries] == ["Ausbildungsmesse Jena"]
    single = client.get(f"/jobs/termine/{events_world.id}-messe.ics")
    assert single.status_code == 200
    one = next(iter(icalendar.Calendar.from_ical(single.data).walk("VEVENT")))
    assert str(one["uid"]) == str(entries[0]["uid"])  # one entry in a calendar app
    features.set_enabled(session, events_world.region_id, "api", False, None)
    session.commit()
    assert client.get(f"{API}/events.ics?region=jena").status_code == 404


def test_the_openapi_document_is_served_and_names_every_route(client, app, sw):
    document = get_json(client, f"{API}/openapi.json")
    assert document["openapi"].startswith("3.1")
    rules = {r.rule.removeprefix(API) for r in app.url_map.iter_rules()
             if r.endpoint.startswith("kwis_job_api.")} - {"/", "/openapi.json"}
    documented = {path.replace("{offer_id}", "<int(max=2147483647):offer_id>")
                  .replace("{slug}", "<slug>") for path in document["paths"]}
    assert documented == rules


def test_schemathesis_finds_no_500_and_every_response_matches_the_schema(
    app, client, session, events_world
):
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis import checks

    schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", app)
    failures = []
    seen: dict[str, set[int]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=8, derandomize=True, deadline=None, database=None,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            # The app gzips JSON for clients that ask (views/assets.py ``compress_html``); the
            # WSGI transport does not undo a Content-Encoding, so ask for the plain body.
            response = case.call(headers={"Accept-Encoding": "identity"})
            seen.setdefault(case.operation.label, set()).add(response.status_code)
            assert response.status_code < 500, (case.formatted_path, response.status_code)
            # Not ``positive_data_acceptance``: a place nobody is in or an old cursor is
            # schema-valid and still a documented 400.
            case.validate_response(response, checks=[
                checks.not_a_server_error, checks.status_code_conformance,
                checks.content_type_conformance, checks.response_schema_conformance,
            ])

        try:
            run()
        except Exception as error:  # noqa: BLE001 - collect all operations' failures
            failures.append(f"{operation.label}: {error}")
    assert not failures, "\n".join(failures)
    assert len(seen) == 8, seen
    assert all(200 in seen[f"GET {path}"] for path in (
        "/offers", "/companies", "/events", "/taxonomies")), seen


def test_the_api_is_rate_limited_per_client_with_a_json_429(app, client, sw):
    app.config["KWIS_JOB_RATELIMIT_API"] = "3 per minute"
    statuses = [client.get(f"{API}/taxonomies").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    body = client.get(f"{API}/taxonomies").get_json()
    assert body["status"] == 429 and body["message"]
    assert client.get("/jobs/").status_code == 200  # the portal is not limited
