"""Places people type into the search ("07743", "Jena", "Buergel") and distances between them.

A place is found from the companies' own geocoded addresses in the host's customer table (read
only): a postcode is the centroid of the customers with that postcode, a town the centroid of
the customers in that town. Only for places no company is in, and only when one is configured
(``GeocoderSettings``, passed in by the views), a Nominatim-compatible geocoder over HTTP is
asked (see ``geocoder``: cached, throttled, Germany only). No Flask here.

The centroids are averages over the whole customer table, which the plug-in may not index (it
is the host's); so the search reads all of them at once into a directory (two grouped queries)
and each process keeps it for ``CENTROID_TTL``. That is the one thing here kept in process
memory, on purpose: a postcode's centre moves by metres when a company moves, and two workers
disagreeing about it for ten minutes changes no search visibly.
"""

from __future__ import annotations

import difflib
import math
import re
import threading
import time
import unicodedata
import weakref
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..models.host import customer_table
from . import coordinates
from . import geocoder as http_geocoder
from .geocoder import GeocoderSettings
from .input_checks import single_line

EARTH_RADIUS_KM = 6371.0088
"""Mean earth radius (IUGG); haversine on this sphere is within 0.5 % of the ellipsoid."""

POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
MAX_PLACE_LENGTH = 120
CENTROID_TTL = 600.0
"""Seconds a process reuses its directory of centroids (see the module docstring)."""


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    label: str
    postcode: str | None = None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km ("as the crow flies") between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box that contains the circle around a point."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    dlon = math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat))
    margin = 1.001
    return lat - dlat * margin, lat + dlat * margin, lon - dlon * margin, lon + dlon * margin


def fold(name: str | None) -> str:
    """Compare place names case- and umlaut-insensitively: "Bürgel" = "Buergel" = "burgel"."""
    text = (name or "").casefold().replace("ß", "ss")
    for pair, plain in (("ae", "a"), ("oe", "o"), ("ue", "u")):
        text = text.replace(pair, plain)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.findall(r"[0-9a-z]+", text))


def _clean(text: str | None) -> str:
    """Printable characters only, spaces collapsed, at most ``MAX_PLACE_LENGTH`` long."""
    return single_line(text or "")[:MAX_PLACE_LENGTH]


def _with_coordinates():
    c = customer_table.c
    return (c.lat.is_not(None), c.lon.is_not(None))


def by_postcode(session: Session, postcode: str) -> Place | None:
    c = customer_table.c
    lat, lon, count = session.execute(
        select(func.avg(c.lat), func.avg(c.lon), func.count()).where(
            c.postcode == postcode, *_with_coordinates()
        )
    ).one()
    if not count:
        return None
    city = session.execute(
        select(c.city, func.count().label("n"))
        .where(c.postcode == postcode, c.city.is_not(None), *_with_coordinates())
        .group_by(c.city)
        .order_by(func.count().desc(), c.city)
        .limit(1)
    ).first()
    label = f"{postcode} {city.city}" if city else postcode
    return Place(float(lat), float(lon), label, postcode)


def _initials(name: str) -> list[str]:
    """First letters a town in the table may start with when someone typed ``name``."""
    first = name.strip()[:1]
    if not first:
        return []
    variants = {first.lower(), first.upper()}
    umlauts = {"a": "äÄ", "o": "öÖ", "u": "üÜ", "ä": "aA", "ö": "oO", "ü": "uU"}
    for char in umlauts.get(first.lower(), ""):
        variants.add(char)
    return sorted(variants)


def _towns(session: Session, name: str) -> list:
    """Towns with coordinates whose name starts with the same letter (umlauts either way)."""
    c = customer_table.c
    initials = _initials(name)
    if not initials:
        return []
    return list(
        session.execute(
            select(c.city, func.avg(c.lat), func.avg(c.lon), func.count())
            .where(
                c.city.is_not(None),
                or_(*(func.substr(c.city, 1, 1) == i for i in initials)),
                *_with_coordinates(),
            )
            .group_by(c.city)
        )
    )


def by_name(session: Session, name: str) -> Place | None:
    """The town whose folded name equals the folded input; spellings of a town are merged."""
    wanted = fold(name)
    if not wanted:
        return None
    rows = [row for row in _towns(session, name) if fold(row[0]) == wanted]
    return _merged(rows) if rows else None


@dataclass(frozen=True)
class Resolution:
    place: Place | None
    unavailable: bool = False
    """True when the geocoder could not be asked now (busy, down): "try again later"."""


def resolve(
    session: Session, text: str | None, geocoder: GeocoderSettings | None = None
) -> Place | None:
    """A typed place as coordinates: a five-digit postcode (anywhere in the text) or a town."""
    return find(session, text, geocoder).place


def find(
    session: Session, text: str | None, geocoder: GeocoderSettings | None = None
) -> Resolution:
    """``resolve`` that also tells whether the place may be found later (geocoder busy)."""
    raw = _clean(text)
    if not raw:
        return Resolution(None)
    point = coordinates.parse(raw)
    if point is not None:  # "Mein Standort", filled in by the browser
        return Resolution(Place(point.lat, point.lon, coordinates.label()))
    if coordinates.looks_like_coordinates(raw):
        return Resolution(None)  # out of range: the search explains it
    found = _from_directory(_directory(session), raw)
    if found is not None or geocoder is None:
        return Resolution(found)
    answer = http_geocoder.lookup_with(session, raw, geocoder)
    if answer.result is None:
        return Resolution(None, unavailable=answer.status == "unavailable")
    match = POSTCODE.search(raw)
    return Resolution(Place(answer.result.lat, answer.result.lon, raw,
                            match.group(1) if match else None))


@dataclass(frozen=True)
class _Directory:
    """Every postcode and town of the customer table with its centroid, as ``by_postcode`` and
    ``by_name`` compute them one at a time."""

    postcodes: dict[str, Place]
    towns: dict[str, Place]
    """By folded name; spellings of a town merged, labelled with the most common one."""
    expires: float


_directories: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_directories_lock = threading.Lock()


def _directory(session: Session) -> _Directory:
    """The directory of ``session``'s database, read at most once per ``CENTROID_TTL``: two
    grouped queries over the customer table instead of one scan per place typed."""
    engine = session.get_bind()
    with _directories_lock:
        known = _directories.get(engine)
    if known is not None and known.expires > time.monotonic():
        return known
    c = customer_table.c
    postcodes: dict[str, Place] = {}
    best_city: dict[str, tuple[int, str]] = {}
    for postcode, city, lat, lon, count in session.execute(
        select(c.postcode, c.city, func.avg(c.lat), func.avg(c.lon), func.count())
        .where(c.postcode.is_not(None), *_with_coordinates())
        .group_by(c.postcode, c.city)
    ):
        place = postcodes.get(postcode)
        total = count + (place.count if place else 0)
        postcodes[postcode] = _Weighted(
            (lat * count + (place.lat * place.count if place else 0)) / total,
            (lon * count + (place.lon * place.count if place else 0)) / total, total)
        most, name = best_city.get(postcode, (0, ""))
        if city is not None and (count > most or (count == most and city < name)):
            best_city[postcode] = (count, city)  # as in by_postcode: most customers, then A-Z
    towns: dict[str, list] = {}
    for city, lat, lon, count in session.execute(
        select(c.city, func.avg(c.lat), func.avg(c.lon), func.count())
        .where(c.city.is_not(None), *_with_coordinates())
        .group_by(c.city)
    ):
        towns.setdefault(fold(city), []).append((city, lat, lon, count))
    directory = _Directory(
        postcodes={
            code: Place(float(w.lat), float(w.lon),
                        f"{code} {best_city[code][1]}" if code in best_city else code, code)
            for code, w in postcodes.items()
        },
        towns={key: _merged(rows) for key, rows in towns.items() if key},
        expires=time.monotonic() + CENTROID_TTL,
    )
    with _directories_lock:
        _directories[engine] = directory
    return directory


@dataclass(frozen=True)
class _Weighted:
    lat: float
    lon: float
    count: int


def _merged(rows: list) -> Place:
    """One town from its spellings' rows (city, lat, lon, count), as ``by_name`` merges them."""
    count = sum(row[3] for row in rows)
    lat = sum(row[1] * row[3] for row in rows) / count
    lon = sum(row[2] * row[3] for row in rows) / count
    label = Counter({row[0]: row[3] for row in rows}).most_common(1)[0][0]
    return Place(float(lat), float(lon), label)


def _from_directory(directory: _Directory, raw: str) -> Place | None:
    """A postcode in the text (else the rest of the text as a town name), from the directory."""
    match = POSTCODE.search(raw)
    if match:
        found = directory.postcodes.get(match.group(1))
        if found is not None:
            return found
        raw = (raw[: match.start()] + raw[match.end() :]).strip(" ,")
        if not raw:
            return None
    return directory.towns.get(fold(raw))


def suggestions(session: Session, text: str | None, limit: int = 5) -> list[str]:
    """Known towns that look like what was typed, for the "unknown place" message."""
    raw = _clean(POSTCODE.sub(" ", text or ""))
    wanted = fold(raw)
    if not wanted:
        return []
    names: dict[str, str] = {}
    for row in _towns(session, raw):
        names.setdefault(fold(row[0]), row[0])
    starts = [k for k in sorted(names) if k.startswith(wanted[:3])]
    close = difflib.get_close_matches(wanted, list(names), n=limit, cutoff=0.6)
    ordered = list(dict.fromkeys(close + starts))[:limit]
    return [names[k] for k in ordered]
