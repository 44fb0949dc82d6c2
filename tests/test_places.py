"""Distances between real towns, and places typed by people turned into coordinates."""

from __future__ import annotations

import math

import pytest
from pyroaring import BitMap

from kwis_job_plugin.demo import factories
from kwis_job_plugin.services import places
from kwis_job_plugin.services.search_replica import DocRow, Replica

# Town centres (WGS84), as in kwis_job_plugin.demo.data; Weimar and Berlin for the long pairs.
JENA = (50.9279, 11.5869)
WEIMAR = (50.9795, 11.3235)
APOLDA = (51.0264, 11.5139)
EISENBERG = (50.9683, 11.8997)
BERLIN = (52.5200, 13.4050)


def vincenty_km(p1, p2) -> float:
    """Geodesic distance on the WGS84 ellipsoid (Vincenty's inverse formula): the reference."""
    a, f = 6378137.0, 1 / 298.257223563
    b = (1 - f) * a
    lat1, lon1, lat2, lon2 = map(math.radians, (*p1, *p2))
    u1, u2 = math.atan((1 - f) * math.tan(lat1)), math.atan((1 - f) * math.tan(lat2))
    lam = big_l = lon2 - lon1
    for _ in range(200):
        sin_lam, cos_lam = math.sin(lam), math.cos(lam)
        sin_sigma = math.hypot(math.cos(u2) * sin_lam,
                               math.cos(u1) * math.sin(u2) - math.sin(u1) * math.cos(u2) * cos_lam)
        cos_sigma = math.sin(u1) * math.sin(u2) + math.cos(u1) * math.cos(u2) * cos_lam
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = math.cos(u1) * math.cos(u2) * sin_lam / sin_sigma
        cos2_alpha = 1 - sin_alpha**2
        cos_2sm = cos_sigma - 2 * math.sin(u1) * math.sin(u2) / cos2_alpha
        c = f / 16 * cos2_alpha * (4 + f * (4 - 3 * cos2_alpha))
        previous, lam = lam, big_l + (1 - c) * f * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm**2)))
        if abs(lam - previous) < 1e-12:
            break
    u_sq = cos2_alpha * (a**2 - b**2) / b**2
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    delta = big_b * sin_sigma * (cos_2sm + big_b / 4 * (
        cos_sigma * (-1 + 2 * cos_2sm**2)
        - big_b / 6 * cos_2sm * (-3 + 4 * sin_sigma**2) * (-3 + 4 * cos_2sm**2)))
    return b * big_a * (sigma - delta) / 1000


# (from, to, centre-to-centre distance in km as the crow flies, tolerance in km). The issue's
# rough figures were Jena–Weimar ≈ 20, Jena–Apolda ≈ 14–15 and Jena–Eisenberg ≈ 25 km; between
# the town centres Apolda is nearer (about 12 km) and Eisenberg about 22 km, see the report.
TOWN_PAIRS = [
    (JENA, WEIMAR, 19.4, 1.0),
    (JENA, APOLDA, 12.1, 1.0),
    (JENA, EISENBERG, 22.4, 1.0),
    (APOLDA, WEIMAR, 14.3, 1.0),
    (JENA, BERLIN, 217.0, 3.0),
]


@pytest.mark.parametrize(("one", "other", "km", "tolerance"), TOWN_PAIRS)
def test_haversine_between_known_towns(one, other, km, tolerance):
    distance = places.haversine_km(*one, *other)
    assert distance == pytest.approx(km, abs=tolerance)
    assert distance == pytest.approx(vincenty_km(one, other), rel=0.005), "sphere vs ellipsoid"
    assert places.haversine_km(*other, *one) == pytest.approx(distance, rel=1e-12)


def test_haversine_edge_cases():
    assert places.haversine_km(*JENA, *JENA) == 0
    assert places.haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * places.EARTH_RADIUS_KM)
    assert places.haversine_km(0, 0, 1, 0) == pytest.approx(111.19, abs=0.01)


@pytest.mark.parametrize("radius", [5, 25, 100])
def test_the_bounding_box_holds_the_whole_circle(radius):
    min_lat, max_lat, min_lon, max_lon = places.bounding_box(*JENA, radius)
    for bearing in range(0, 360, 15):
        # a point at exactly ``radius`` km in direction ``bearing`` (great-circle destination)
        phi1, lam1, theta = math.radians(JENA[0]), math.radians(JENA[1]), math.radians(bearing)
        delta = radius / places.EARTH_RADIUS_KM
        phi2 = math.asin(math.sin(phi1) * math.cos(delta)
                         + math.cos(phi1) * math.sin(delta) * math.cos(theta))
        lam2 = lam1 + math.atan2(math.sin(theta) * math.sin(delta) * math.cos(phi1),
                                 math.cos(delta) - math.sin(phi1) * math.sin(phi2))
        lat, lon = math.degrees(phi2), math.degrees(lam2)
        assert places.haversine_km(*JENA, lat, lon) == pytest.approx(radius)
        assert min_lat <= lat <= max_lat and min_lon <= lon <= max_lon, bearing


def test_distance_in_the_search_replica_equals_haversine_in_python():
    replica = Replica()
    towns = {"weimar": WEIMAR, "apolda": APOLDA, "eisenberg": EISENBERG, "berlin": BERLIN}
    for n, (lat, lon) in enumerate(towns.values(), start=1):
        replica.put([DocRow(n, n, n, 1, "ferienjob", lat, lon, False, None, n, n, "", "", ())])
    replica.put([DocRow(9, 9, 9, 1, "ferienjob", None, None, False, None, 9, 9, "", "", ())])
    km = replica.distances_to(*JENA)
    location = replica.location.view()
    for n, (lat, lon) in enumerate(towns.values()):
        assert km[location[n]] == pytest.approx(places.haversine_km(*JENA, lat, lon), rel=1e-9)
    assert km[location[4]] == math.inf, "no coordinates: never within any radius"
    for radius in (5, 15, 25, 300):
        expected = {n for n, town in enumerate(towns.values())
                    if places.haversine_km(*JENA, *town) <= radius}
        assert replica.within(*JENA, radius, replica.alive) == BitMap(expected), radius
    assert replica.within(*JENA, 15, replica.alive) == BitMap([1]), "Apolda, 12 km"


@pytest.fixture
def customers(session):
    factories.use_session(session)
    for name, postcode, city, lat, lon in [
        ("A", "07743", "Jena", 50.92, 11.58),
        ("B", "07743", "Jena", 50.94, 11.60),
        ("C", "07743", "jena", None, None),  # not geocoded: ignored
        ("D", "07616", "Bürgel", 50.9419, 11.7572),
        ("E", "07616", "Buergel", 50.9421, 11.7570),  # another spelling of the same town
        ("F", "99510", "Apolda", 51.0264, 11.5139),
        ("G", "07745", "Jena", 50.9253, 11.5694),
    ]:
        factories.CustomerFactory(name=name, postcode=postcode, city=city, lat=lat, lon=lon)
    session.flush()


def test_a_postcode_is_the_centroid_of_its_companies(session, customers):
    place = places.resolve(session, "07743")
    assert (place.lat, place.lon) == (pytest.approx(50.93), pytest.approx(11.59))
    assert place.label == "07743 Jena" and place.postcode == "07743"
    assert places.resolve(session, " 07743 Jena ") == place
    assert places.resolve(session, "D-07743") == place


def test_the_search_directory_agrees_with_the_one_by_one_lookups(session, customers):
    def same(one, other):
        assert (one.label, one.postcode) == (other.label, other.postcode)
        assert (one.lat, one.lon) == (pytest.approx(other.lat), pytest.approx(other.lon))

    for postcode in ("07743", "07616", "99510", "07745"):
        same(places.resolve(session, postcode), places.by_postcode(session, postcode))
    for town in ("Jena", "Bürgel", "Apolda"):
        same(places.resolve(session, town), places.by_name(session, town))
    assert places.resolve(session, "Atlantis") is None


@pytest.mark.parametrize("typed", ["Bürgel", "bürgel", "BUERGEL", "Buergel", "  bürgel  "])
def test_a_town_is_found_whatever_the_case_and_umlaut_spelling(session, customers, typed):
    place = places.resolve(session, typed)
    assert place is not None and place.postcode is None
    assert place.lat == pytest.approx(50.942) and place.lon == pytest.approx(11.7571)
    assert place.label in ("Bürgel", "Buergel")


def test_a_town_with_several_postcodes_is_their_centroid(session, customers):
    place = places.resolve(session, "JENA")
    assert place.lat == pytest.approx((50.92 + 50.94 + 50.9253) / 3)
    assert place.label == "Jena"


def test_an_unknown_postcode_falls_back_to_the_town(session, customers):
    assert places.resolve(session, "07999 Apolda").label == "Apolda"


@pytest.mark.parametrize(
    "typed", ["", "   ", "Atlantis", "12345", "0774", "ÄÖÜ", "x" * 500, "\x00", "\x00\x01"]
)
def test_unknown_places_are_none(session, customers, typed):
    assert places.resolve(session, typed) is None


def test_suggestions_for_a_misspelt_town(session, customers):
    assert places.suggestions(session, "Jna") == ["Jena"]
    assert places.suggestions(session, "Apold") == ["Apolda"]
    assert places.suggestions(session, "Burgl") in (["Bürgel"], ["Buergel"])
    assert places.suggestions(session, "Zzz") == []
