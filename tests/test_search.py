"""Search correctness on a fixed data set, the same on SQLite and PostgreSQL; fair rotation;
query parsing; and a property test that hidden offers never leak into any search."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from support import search_world
from werkzeug.datastructures import MultiDict

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import SearchDoc
from kwis_job_plugin.services import features, publication, search, search_index, search_query
from kwis_job_plugin.services.snapshots import offer_snapshot, profile_snapshot

VISIBLE = set(search_world.VISIBLE)


@pytest.fixture
def sw(session):
    return search_world.build(session)


def run(session, args, today=None) -> search.SearchResult:
    parsed = search_query.parse_query(session, MultiDict(args))
    result = search.search(session, parsed.query, today or date.today())
    result.notes[:0] = parsed.notes
    return result


def letters(sw, result) -> list[str]:
    return [sw.letters[item.offer_id] for item in result.items]


def matches(expected, got: list[str]) -> bool:
    """A set: these hits in any order. A list: this order; a set inside it is a group of ties."""
    if isinstance(expected, set):
        return set(got) == expected and len(got) == len(expected)
    position = 0
    for part in expected:
        group = part if isinstance(part, set) else {part}
        if set(got[position:position + len(group)]) != group:
            return False
        position += len(group)
    return position == len(got)


# Each row: URL arguments, expected letters, and the order the search must have used.
CASES = [
    ({}, VISIBLE, "rotation"),
    ({"q": "Praktika"}, {"c", "d", "f"}, "relevance"),
    ({"q": "Praktikum"}, {"c", "d", "f"}, "relevance"),
    ({"q": "praktikums"}, {"c", "d", "f"}, "relevance"),
    ({"q": "Baecker"}, {"a", "b"}, "relevance"),
    ({"q": "BÄCKER"}, {"a", "b"}, "relevance"),
    ({"q": "Museen"}, {"f"}, "relevance"),
    ({"q": "Feinoptik"}, ["d", {"c", "e"}], "relevance"),  # title hit first
    ({"q": "Zimmerei Eisenberg"}, {"g"}, "relevance"),
    ({"q": "Lase"}, {"e"}, "relevance"),  # the last word matches as a prefix
    ({"q": "Ferienjob"}, {"a"}, "relevance"),  # h expired, i paused, k/l/m/n hidden
    ({"q": "Tag der offenen Tür"}, set(), "relevance"),
    ({"q": "xyzzy"}, set(), "relevance"),
    ({"q": "und"}, VISIBLE, "rotation"),  # only a stop word: no text filter
    ({"art": "ferienjob"}, {"a"}, "rotation"),
    ({"art": ["schuelerpraktikum", "schnuppertag"]}, {"d", "f", "g"}, "rotation"),
    ({"art": ["ferienjob", "gibt-es-nicht"]}, {"a"}, "rotation"),
    ({"feld": "produktion"}, {"a", "b"}, "rotation"),
    ({"feld": ["produktion", "kunst"]}, {"a", "b", "f"}, "rotation"),
    ({"zielgruppe": "studierende"}, {"c", "e"}, "rotation"),
    ({"vorteil": "jobticket"}, {"a", "b", "c", "d", "e"}, "rotation"),
    ({"vorteil": "jobticket", "feld": "technik"}, {"c", "d"}, "rotation"),
    ({"beruf": "zimmerer"}, {"g"}, "rotation"),
    ({"frei": "1"}, {"a", "b", "c", "f", "g"}, "rotation"),
    ({"region": "saale-holzland"}, {"g"}, "rotation"),
    ({"region": "saalfeld"}, VISIBLE, "rotation"),  # portal off there: not a known region
    ({"q": "Praktika", "zielgruppe": "schueler"}, {"d", "f"}, "relevance"),
    ({"q": "Ferienjob", "frei": "1"}, {"a"}, "relevance"),
    ({"ort": "07743", "umkreis": "5"}, ["b", {"c", "d"}, "e", "a"], "distance"),
    ({"ort": "07743", "umkreis": "10"}, ["b", {"c", "d"}, "e", "a"], "distance"),
    ({"ort": "Jena", "umkreis": "25"}, [{"c", "d"}, "b", "e", "a", "f", "g"], "distance"),
    ({"ort": "apolda", "umkreis": "5"}, ["f"], "distance"),
    ({"ort": "99510 Apolda", "umkreis": "25", "q": "Praktikum"}, ["f", {"c", "d"}],
     "distance"),
    ({"ort": "Eisenberg", "umkreis": "5", "art": "ferienjob"}, [], "distance"),
    ({"ort": "Atlantis"}, VISIBLE, "rotation"),  # unknown place: message, no radius
]


@pytest.mark.parametrize(("args", "expected", "order"), CASES, ids=[str(c[0]) for c in CASES])
def test_search_table(session, sw, args, expected, order):
    result = run(session, args)
    got = letters(sw, result)
    assert matches(expected, got), f"{args}: got {got}, expected {expected}"
    assert result.total == len(got)
    assert result.order == order


def test_distances_are_reported_and_within_the_radius(session, sw):
    result = run(session, {"ort": "07743", "umkreis": "5"})
    distances = {sw.letters[i.offer_id]: i.distance_km for i in result.items}
    assert distances["b"] == pytest.approx(0.0, abs=0.01)
    assert distances["c"] == pytest.approx(1.26, abs=0.05)
    assert distances["a"] == pytest.approx(4.66, abs=0.05)
    assert all(d <= 5 for d in distances.values())
    assert result.place is not None and result.place.label == "07743 Jena"


def test_my_location_searches_around_the_browsers_coordinates(session, sw):
    by_postcode = run(session, {"ort": "07743", "umkreis": "5"})
    centre = by_postcode.place
    result = run(session, {"ort": f"{centre.lat:.5f},{centre.lon:.5f}", "umkreis": "5"})
    assert result.place is not None and result.place.label == "Mein Standort"
    assert result.place_error is None and result.order == search.ORDER_DISTANCE
    assert [i.offer_id for i in result.items] == [i.offer_id for i in by_postcode.items]

    wrong = run(session, {"ort": "95.1,11.6", "umkreis": "5"})
    assert wrong.place is None and "keine gültigen Koordinaten" in wrong.place_error
    assert wrong.order != search.ORDER_DISTANCE


def test_facet_counts_ignore_their_own_selection(session, sw):
    result = run(session, {"art": "ferienjob"})
    types = {o.key: o.count for o in result.facets["type"] if o.count}
    assert types == {"ferienjob": 1, "ausbildungsplatz": 1, "studierendenpraktikum": 1,
                     "schuelerpraktikum": 2, "abschlussarbeit": 1, "schnuppertag": 1}
    assert [o.key for o in result.facets["type"] if o.selected] == ["ferienjob"]
    fields = {o.key: o.count for o in result.facets["field"] if o.count}
    assert fields == {"produktion": 1}, "other groups are counted within the selection"
    assert result.places_left_count == 1

    both = run(session, {"feld": ["produktion", "kunst"], "frei": "1"})
    fields = {o.key: o.count for o in both.facets["field"] if o.count}
    assert fields == {"produktion": 2, "kunst": 1, "technik": 1, "bau": 1}
    assert both.places_left_count == 3
    regions = {o.key: o.count for o in both.facets["region"]}
    assert regions == {"jena": 2, "saale-holzland": 0, "weimarer-land": 1}, "portal off: absent"


def test_notes_explain_every_correction(session, sw):
    result = run(session, {"art": ["ferienjob", "<b>x</b>"], "umkreis": "500", "ort": "Jena",
                           "seite": "abc", "region": "mars"})
    notes = " ".join(result.notes)
    assert "„<b>x</b>“ gibt es bei „Angebotsart“ nicht" in notes
    assert "größte Umkreis ist 100 km" in notes
    assert "Seitenzahl „abc“ ist ungültig" in notes
    assert "„mars“ gibt es bei „Region“ nicht" in notes
    assert result.query.radius_km == 100 and result.query.page == 1
    assert run(session, {"ort": "Jena", "umkreis": "1"}).query.radius_km == 5
    assert run(session, {"ort": "Jena", "umkreis": "42"}).query.radius_km == 42
    assert run(session, {"umkreis": "500"}).notes == [], "no place: the radius is not used"


def test_unknown_place_gives_a_message_and_suggestions(session, sw):
    result = run(session, {"ort": "Jna"})
    assert result.place is None and "Den Ort „Jna“ kennen wir nicht" in result.place_error
    assert result.place_suggestions == ["Jena"]
    assert set(letters(sw, result)) == VISIBLE, "the page is never empty because of the place"
    short = run(session, {"ort": "0774"})
    assert "eine Postleitzahl hat fünf Ziffern" in short.place_error


def test_paging_is_capped_but_the_total_is_exact(session, sw):
    result = run(session, {"seite": "9999"})
    assert result.query.page == 1 and result.page == 1, "beyond the results: the last page"
    assert result.notes == ["Diese Seite gibt es nicht (mehr); hier ist die letzte Seite."], \
        "a few hits: the page does not exist (the cap is named only above 1,000 hits)"
    capped = search.SearchResult(
        query=search_query.SearchQuery(), items=[], total=search_query.RESULT_CAP + 1, page=1,
        pages=50,
        order="rotation", facets={}, places_left_count=0,
    )
    assert capped.capped and capped.total_label == "1.001"


def test_expiry_is_decided_on_the_day_of_the_search(session, sw):
    before = run(session, {"art": "ferienjob"}, today=sw.today - timedelta(days=365))
    assert set(letters(sw, before)) == {"a", "h"}, "a year ago, h was still current"
    event_day = sw.today + timedelta(days=30)
    on_the_day = run(session, {"art": "schnuppertag"}, today=event_day)
    after = run(session, {"art": "schnuppertag"}, today=event_day + timedelta(days=1))
    assert letters(sw, on_the_day) == ["g"] and letters(sw, after) == []


def test_switching_the_portal_off_hides_a_region_at_once(session, sw):
    assert "f" in letters(sw, run(session, {}))
    features.set_enabled(session, sw.regions["wl"].id, "portal", False, None)
    assert "f" not in letters(sw, run(session, {}))


def test_search_reads_the_published_version_not_the_working_copy(session, sw):
    offer = sw.offers["f"]
    offer.title = "Geheimer Entwurfstitel"
    offer.status = "draft"
    session.flush()
    assert letters(sw, run(session, {"q": "Geheimer"})) == []
    assert letters(sw, run(session, {"q": "Museum"})) == ["f"]


# --- rotation --------------------------------------------------------------------------------


@pytest.fixture
def crowd(session):
    """47 companies of every size with 1 to 6 offers each, all public in one region."""
    factories.use_session(session)
    region = factories.RegionFactory(slug="jena", prefixes=["16053"])
    sizes = ("micro", "small", "medium", "large")
    companies = {}
    for n in range(47):
        customer = factories.CustomerFactory(size_class=sizes[n % 4])
        profile = factories.ProfileFactory(customer=customer, region=region, status="published")
        count = 1 + (n * 7) % 6
        for k in range(count):
            factories.OfferFactory(profile=profile, status="published",
                                   title=f"Angebot {k} von Betrieb {n}")
        companies[profile.id] = (sizes[n % 4], count)
    search_index.rebuild_all(session)
    session.commit()
    return companies


def test_rotation_is_fair_over_30_days(session, crowd):
    start = date(2026, 9, 1)
    on_page_one: Counter[int] = Counter()
    first_pages = []
    for day in (start + timedelta(days=k) for k in range(30)):
        result = search.search(session, search_query.SearchQuery(), day)
        docs = session.scalars(
            select(SearchDoc).where(SearchDoc.offer_id.in_([i.offer_id for i in result.items]))
        ).all()
        companies = [d.profile_id for d in docs]
        assert len(result.items) == 20
        assert len(set(companies)) == 20, "page 1 shows 20 different companies, one offer each"
        on_page_one.update(companies)
        first_pages.append(tuple(i.offer_id for i in result.items))

    counts = [on_page_one[p] for p in crowd]
    assert min(counts) >= 12 and max(counts) - min(counts) <= 1, counts
    by_offers = {}
    for profile_id, (_size, offers) in crowd.items():
        by_offers.setdefault(offers, []).append(on_page_one[profile_id])
    by_size = {}
    for profile_id, (size, _offers) in crowd.items():
        by_size.setdefault(size, []).append(on_page_one[profile_id])
    for groups in (by_offers, by_size):
        means = [sum(v) / len(v) for v in groups.values()]
        assert max(means) - min(means) <= 1, groups
    assert len(set(first_pages)) == 30, "every day starts differently"


def test_rotation_is_deterministic_and_pages_do_not_overlap(session, crowd):
    day = date(2026, 9, 1)
    query = search_query.SearchQuery()
    total = sum(offers for _size, offers in crowd.values())
    seen = []
    for page in range(1, 10):
        result = search.search(session, query.with_page(page), day)
        seen.extend(i.offer_id for i in result.items)
    assert len(seen) == len(set(seen)) == total, "every offer exactly once across the pages"
    again = search.search(session, query, day)
    assert [i.offer_id for i in again.items] == seen[:20]


# --- parsing ---------------------------------------------------------------------------------


def test_query_round_trips_through_its_url_arguments(session, sw):
    args = {"q": "Bäcker", "art": ["ferienjob", "schnuppertag"], "feld": "bau", "ort": "Jena",
            "umkreis": "10", "frei": "1", "region": "jena", "seite": "2"}
    query = search_query.parse_query(session, MultiDict(args)).query
    assert query.types == ("ferienjob", "schnuppertag") and query.places_left
    again = search_query.parse_query(session, MultiDict(query.args())).query
    assert again == query
    assert query.without("types", "ferienjob").types == ("schnuppertag",)
    assert query.without("place").args().get("ort") is None
    assert query.without("fields", "bau").page == 1
    assert search_query.SearchQuery().args() == {}


# --- nothing hidden ever leaks ---------------------------------------------------------------

PROFILE_STATES = ("draft", "in_review", "published", "archived")
OFFER_STATES = ("draft", "in_review", "published", "paused", "archived")


@pytest.fixture
def leak_world(session):
    factories.use_session(session)
    region = factories.RegionFactory(slug="jena", prefixes=["16053"], review_rule="none")
    customer = factories.CustomerFactory(name="Leckfrei GmbH", postcode="07743", city="Jena")
    control = factories.ProfileFactory(region=region, status="published")
    factories.OfferFactory(profile=control, status="published", type_key="ferienjob",
                           title="Immer sichtbares Kontrollangebot")
    search_index.rebuild_all(session)
    session.commit()
    return region, customer


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    profile_state=st.sampled_from(PROFILE_STATES),
    profile_snapshot_exists=st.booleans(),
    offer_state=st.sampled_from(OFFER_STATES),
    offer_snapshot_exists=st.booleans(),
    valid_days=st.one_of(st.none(), st.integers(min_value=-3, max_value=3)),
    published_first=st.booleans(),
)
def test_an_offer_is_searchable_iff_profile_and_offer_are_public_and_current(
    session, leak_world, profile_state, profile_snapshot_exists, offer_state,
    offer_snapshot_exists, valid_days, published_first,
):
    region, customer = leak_world
    today = date(2026, 6, 15)
    try:
        profile = factories.ProfileFactory(customer=customer, region=region, status="published")
        offer = factories.OfferFactory(
            profile=profile, status="published", type_key="schnuppertag",
            title="Zauberhafter Schnuppertag",
            valid_until=None if valid_days is None else today + timedelta(days=valid_days),
        )
        offer.published_snapshot = offer_snapshot(offer)
        if published_first:  # start public and indexed, then change, as real edits do
            search_index.refresh_offer(session, offer)
        profile.status = profile_state
        profile.published_snapshot = profile_snapshot(profile) if profile_snapshot_exists else None
        offer.status = offer_state
        offer.published_snapshot = offer_snapshot(offer) if offer_snapshot_exists else None
        session.flush()
        search_index.refresh_profile(session, profile)
        search_index.refresh_offer(session, offer)

        expected = (
            publication.is_public(profile)
            and publication.is_public(offer)
            and not search_index.is_expired(offer.published_snapshot, today)
        )
        for args in ({}, {"q": "zauberhaft"}, {"art": "schnuppertag"},
                     {"ort": "07743", "umkreis": "5"}, {"q": "Schnuppertag Jena"}):
            result = run(session, args, today=today)
            ids = {i.offer_id for i in result.items}
            assert (offer.id in ids) == expected, (args, ids)
        assert run(session, {"q": "Kontrollangebot"}, today=today).total == 1
    finally:
        session.rollback()
