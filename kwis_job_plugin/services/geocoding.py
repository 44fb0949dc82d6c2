"""Where a place lies: coordinates for an address.

First source: the host's own customer table: a postcode is placed at the centroid of the
customers with that postcode that have coordinates (no network, no third party). Second source,
only when the views pass ``GeocoderSettings`` (``KWIS_JOB_GEOCODER_URL`` is set): the HTTP
geocoder (``geocoder``: cached in ``kwis_job_geocode_cache``, throttled, Germany only), asked for
"street, postcode city" and then "postcode city". Callers handle ``None`` ("located later").
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from . import geocoder as http_geocoder
from . import places
from .geocoder import GeocoderSettings
from .input_checks import is_postcode, single_line


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float
    precision: str
    """``"address"`` (the company's own coordinates) or ``"postcode"`` (a centroid)."""
    source: str


def locate(
    session: Session,
    postcode: str | None,
    city: str | None,
    street: str | None = None,
    geocoder: GeocoderSettings | None = None,
) -> Location | None:
    """Coordinates for an address, or ``None`` when the place is unknown (or not now).

    The postcode centroid uses the postcode only; ``city`` and ``street`` go to the HTTP
    geocoder, which is asked only when the centroid finds nothing and ``geocoder`` is given.
    """
    if not is_postcode(postcode):
        return None
    found = _postcode_centroid(session, postcode.strip())
    if found is not None or geocoder is None:
        return found
    return _from_geocoder(session, postcode.strip(), city, street, geocoder)


def _from_geocoder(session: Session, postcode: str, city: str | None, street: str | None,
                   geocoder: GeocoderSettings) -> Location | None:
    town = single_line(f"{postcode} {city or ''}")
    street = single_line(street or "")
    queries = [(f"{street}, {town}", "address")] if street else []
    queries.append((town, "postcode"))
    for query, precision in queries:
        answer = http_geocoder.lookup_with(session, query, geocoder)
        if answer.result is not None:
            return Location(
                lat=round(answer.result.lat, 6), lon=round(answer.result.lon, 6),
                precision=precision, source="geocoder",
            )
        if answer.status == "unavailable":
            return None
    return None


def _postcode_centroid(session: Session, postcode: str) -> Location | None:
    place = places.by_postcode(session, postcode)
    if place is None:
        return None
    return Location(
        lat=round(place.lat, 6), lon=round(place.lon, 6), precision="postcode",
        source="host_customers",
    )
