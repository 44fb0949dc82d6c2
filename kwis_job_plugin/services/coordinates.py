"""Coordinates typed into the place field, as the "Mein Standort" button fills them in.

The button (``static/kj-portal.js``, only with JavaScript and ``navigator.geolocation``) writes
the browser's position into the ordinary ``ort`` parameter as ``"<lat>,<lon>"`` in decimal
degrees with a dot, rounded to three decimals (about 100 m: near enough for a radius search,
coarse enough not to put a pupil's front door into a shared link). Keeping it in ``ort`` means
the search needs no new parameter, the URL stays shareable and the form works unchanged
without JavaScript; anyone may also type coordinates by hand.

Accepted: ``50.927,11.586``, ``50.927, 11.586``, ``50,927; 11,586`` (German decimal comma
needs the semicolon), with up to six decimals, optionally prefixed ``geo:`` (RFC 5870). Text of
that shape outside WGS84 (latitude -90..90, longitude -180..180) is an error with a German
message (``problem``), not a place name to look up. No Flask, no database.

Hooked into ``places.find`` (coordinates first, before postcodes and town names) and into the
search's place error message; the place's label in the UI is ``label()``: "Mein Standort".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..i18n import gettext as _

_NUMBER_DOT = r"[-+]?\d{1,3}(?:\.\d{1,6})?"
_NUMBER_ANY = r"[-+]?\d{1,3}(?:[.,]\d{1,6})?"
SHAPES = (
    re.compile(rf"(?:geo:)?\s*({_NUMBER_DOT})\s*,\s*({_NUMBER_DOT})", re.IGNORECASE),
    re.compile(rf"(?:geo:)?\s*({_NUMBER_ANY})\s*;\s*({_NUMBER_ANY})", re.IGNORECASE),
)
MAX_LENGTH = 60


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


def _numbers(text: str | None) -> tuple[float, float] | None:
    raw = (text or "").strip()
    if not raw or len(raw) > MAX_LENGTH:
        return None
    for shape in SHAPES:
        match = shape.fullmatch(raw)
        if match:
            return tuple(float(group.replace(",", ".")) for group in match.groups())  # type: ignore[return-value]
    return None


def looks_like_coordinates(text: str | None) -> bool:
    return _numbers(text) is not None


def parse(text: str | None) -> Point | None:
    """The point the text names, or ``None`` if it is no (valid) pair of coordinates."""
    numbers = _numbers(text)
    if numbers is None:
        return None
    lat, lon = numbers
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return Point(lat, lon)


def problem(text: str | None) -> str | None:
    """A German message when the text is shaped like coordinates but cannot be a position."""
    numbers = _numbers(text)
    if numbers is None:
        return None
    lat, lon = numbers
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        return None
    return _("„%(place)s“ sind keine gültigen Koordinaten: Die Breite liegt zwischen -90 und 90, "
             "die Länge zwischen -180 und 180 Grad. Die Ergebnisse unten sind ohne Umkreis.",
             place=(text or "").strip())


def label() -> str:
    """How a searched position is named in the UI (chips, order note)."""
    return _("Mein Standort")
