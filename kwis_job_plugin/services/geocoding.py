"""Where a place lies: coordinates for an address.

For now the only source is the host's own customer table: a postcode is placed at the centroid
of the customers with that postcode that have coordinates. That needs no network and no third
party. A real geocoder (HTTP, cached in ``kwis_job_geocode_cache``) will come in as a further
source behind the same ``locate`` signature; callers already handle ``None`` ("located later").
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from . import places
from .input_checks import is_postcode


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float
    precision: str
    """``"address"`` (the company's own coordinates) or ``"postcode"`` (a centroid)."""
    source: str


def locate(
    session: Session, postcode: str | None, city: str | None, street: str | None = None
) -> Location | None:
    """Coordinates for an address, or ``None`` when the place is unknown.

    ``city`` and ``street`` are not used by the postcode centroid yet; they are part of the
    signature for the HTTP geocoder that will refine it.
    """
    if not is_postcode(postcode):
        return None
    return _postcode_centroid(session, postcode.strip())


def _postcode_centroid(session: Session, postcode: str) -> Location | None:
    place = places.by_postcode(session, postcode)
    if place is None:
        return None
    return Location(
        lat=round(place.lat, 6), lon=round(place.lon, 6), precision="postcode",
        source="host_customers",
    )
