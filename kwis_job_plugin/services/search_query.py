"""A portal search as the URL says it: the query model, its URL arguments, and their parsing.

``parse_query`` turns request arguments into a ``SearchQuery`` against the ``Vocabulary`` of
active terms and portal regions; unknown values are dropped with a German note, out-of-range
numbers clamped, never an error. ``services/search.py`` answers the query. No Flask here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from babel.numbers import get_group_symbol
from sqlalchemy.orm import Session

from ..i18n import get_locale
from ..i18n import gettext as _
from . import places, search_settings
from .input_checks import single_line

PAGE_SIZE = 20
RESULT_CAP = 1000
MAX_PAGE = RESULT_CAP // PAGE_SIZE
RADIUS_MIN_KM = 5
RADIUS_MAX_KM = 100
RADIUS_DEFAULT_KM = 25
RADIUS_CHOICES = (5, 10, 15, 25, 50, 100)
MAX_TEXT_LENGTH = 200
MAX_VALUES = 50
"""At most this many values of one filter are read; nobody ticks more."""
MAX_NOTES_PER_FILTER = 3

# SearchQuery attribute -> URL parameter. German, because people read and share these URLs.
PARAMS = {
    "text": "q",
    "types": "art",
    "target_groups": "zielgruppe",
    "fields": "feld",
    "occupations": "beruf",
    "benefits": "vorteil",
    "region": "region",
    "place": "ort",
    "radius_km": "umkreis",
    "places_left": "frei",
    "page": "seite",
}
# facet (SearchFacet.facet) -> SearchQuery attribute
FACET_ATTRS = {
    "target_group": "target_groups",
    "field": "fields",
    "occupation": "occupations",
    "benefit": "benefits",
}
TRUE_VALUES = frozenset({"1", "on", "true", "ja", "yes"})


@dataclass(frozen=True)
class SearchQuery:
    """One search, as the URL says it. Every field has a URL parameter (``PARAMS``)."""

    text: str = ""
    types: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    occupations: tuple[str, ...] = ()
    benefits: tuple[str, ...] = ()
    region: str | None = None
    place: str = ""
    radius_km: int = RADIUS_DEFAULT_KM
    places_left: bool = False
    page: int = 1

    def args(self) -> dict[str, Any]:
        """URL arguments of this search, without defaults (so equal searches share a URL)."""
        found: dict[str, Any] = {}
        if self.text:
            found["q"] = self.text
        for attr in ("types", "target_groups", "fields", "occupations", "benefits"):
            if getattr(self, attr):
                found[PARAMS[attr]] = list(getattr(self, attr))
        if self.region:
            found["region"] = self.region
        if self.place:
            found["ort"] = self.place
            found["umkreis"] = str(self.radius_km)
        if self.places_left:
            found["frei"] = "1"
        if self.page > 1:
            found["seite"] = str(self.page)
        return found

    def with_page(self, page: int) -> SearchQuery:
        return dataclasses.replace(self, page=page)

    def without(self, attr: str, value: str | None = None) -> SearchQuery:
        """This search minus one filter value (or a whole single-valued filter), on page 1."""
        current = getattr(self, attr)
        if isinstance(current, tuple):
            new: Any = tuple(v for v in current if v != value) if value is not None else ()
        elif attr == "place":
            return dataclasses.replace(self, place="", radius_km=RADIUS_DEFAULT_KM, page=1)
        else:
            new = getattr(SearchQuery(), attr)
        return dataclasses.replace(self, **{attr: new, "page": 1})

    @property
    def is_filtered(self) -> bool:
        return bool(
            self.text or self.types or self.target_groups or self.fields or self.occupations
            or self.benefits or self.region or self.place or self.places_left
        )


@dataclass(frozen=True)
class ParsedQuery:
    query: SearchQuery
    notes: tuple[str, ...] = ()


@dataclass
class Vocabulary:
    """The values a search may name: active taxonomy terms and regions with the portal on."""

    types: dict[str, str]
    target_groups: dict[str, str]
    fields: dict[str, str]
    occupations: dict[str, str]
    benefits: dict[str, str]
    regions: dict[str, tuple[int, str]]

    @classmethod
    def load(cls, session: Session) -> Vocabulary:
        """From the process's copy of the settings (``search_settings``: one version check)."""
        settings = search_settings.current(session)
        regions = settings.portal_regions
        types, target_groups, fields, occupations, benefits = settings.taxonomies
        return cls(
            types=types,
            target_groups=target_groups,
            fields=fields,
            occupations=occupations,
            benefits=benefits,
            regions={r.slug: (r.id, r.name) for r in regions},
        )

    def of(self, attr: str) -> dict[str, str]:
        if attr == "region":
            return {slug: name for slug, (_id, name) in self.regions.items()}
        return getattr(self, attr)


# --- parsing ---------------------------------------------------------------------------------


def _getlist(args: Any, name: str) -> list[str]:
    if hasattr(args, "getlist"):
        values = args.getlist(name)
    else:
        value = args.get(name) if isinstance(args, Mapping) else None
        values = value if isinstance(value, list | tuple) else ([] if value is None else [value])
    return [single_line(v) for v in values if v is not None]


def filter_labels() -> dict[str, str]:
    """The filters' names, by ``SearchQuery`` attribute (for notes, chips and legends)."""
    return {
        "types": _("Angebotsart"),
        "target_groups": _("Zielgruppe"),
        "fields": _("Berufsfeld"),
        "occupations": _("Ausbildungsberuf"),
        "benefits": _("Vorteile"),
        "region": _("Region"),
    }


def _known(
    values: Iterable[str], known: Mapping[str, Any], attr: str, notes: list[str]
) -> tuple[str, ...]:
    kept: dict[str, None] = {}
    unknown = 0
    for value in list(values)[:MAX_VALUES]:
        if not value:
            continue
        if value in known:
            kept.setdefault(value, None)
            continue
        unknown += 1
        if unknown <= MAX_NOTES_PER_FILTER:
            notes.append(
                _("„%(value)s“ gibt es bei „%(filter)s“ nicht; dieser Filter wurde ignoriert.",
                  value=value[:40], filter=filter_labels()[attr])
            )
    return tuple(kept)


def _radius(raw: str | None, notes: list[str]) -> int:
    if not raw:
        return RADIUS_DEFAULT_KM
    try:
        radius = round(float(raw.replace(",", ".").removesuffix("km").strip()))
    except (ValueError, OverflowError):
        notes.append(
            _("Der Umkreis muss eine Zahl in Kilometern sein; es gilt der Standard von "
              "%(km)s km.", km=RADIUS_DEFAULT_KM)
        )
        return RADIUS_DEFAULT_KM
    if radius < RADIUS_MIN_KM:
        notes.append(_("Der kleinste Umkreis ist %(km)s km; die Suche nutzt %(km)s km.",
                       km=RADIUS_MIN_KM))
        return RADIUS_MIN_KM
    if radius > RADIUS_MAX_KM:
        notes.append(_("Der größte Umkreis ist %(km)s km; die Suche nutzt %(km)s km.",
                       km=RADIUS_MAX_KM))
        return RADIUS_MAX_KM
    return radius


def _page(raw: str | None, notes: list[str]) -> int:
    if not raw:
        return 1
    try:
        page = int(raw)
    except ValueError:
        notes.append(_("Die Seitenzahl „%(page)s“ ist ungültig; hier ist Seite 1.", page=raw[:20]))
        return 1
    if page < 1:
        notes.append(_("Die Seitenzahl „%(page)s“ ist ungültig; hier ist Seite 1.", page=raw[:20]))
        return 1
    # Beyond the cap every number means the same: one past the last page that can exist.
    # Whether that is "no such page" or "too many hits to page through" depends on the
    # number of hits, so ``search.search`` says which.
    return min(page, MAX_PAGE + 1)


def parse_query(
    session: Session, args: Any, vocabulary: Vocabulary | None = None
) -> ParsedQuery:
    """A ``SearchQuery`` from request arguments (a ``MultiDict`` or a dict of lists).

    Never raises for bad input: unknown values are left out, out-of-range numbers are clamped,
    and each correction comes back as a German note for the page.
    """
    vocab = vocabulary or Vocabulary.load(session)
    notes: list[str] = []

    def first(name: str) -> str | None:
        values = _getlist(args, PARAMS.get(name, name))
        return values[0] if values else None

    text = first("text") or ""
    if len(text) > MAX_TEXT_LENGTH:
        notes.append(_("Der Suchtext wurde auf %(n)s Zeichen gekürzt.", n=MAX_TEXT_LENGTH))
        text = text[:MAX_TEXT_LENGTH].strip()
    multi = {
        attr: _known(_getlist(args, PARAMS[attr]), vocab.of(attr), attr, notes)
        for attr in ("types", "target_groups", "fields", "occupations", "benefits")
    }
    region = first("region") or None
    if region is not None and region not in vocab.regions:
        _known([region], vocab.regions, "region", notes)
        region = None
    place = (first("place") or "")[: places.MAX_PLACE_LENGTH].strip()
    radius = _radius(first("radius_km"), notes if place else [])
    places_left = (first("places_left") or "").lower() in TRUE_VALUES
    query = SearchQuery(
        text=text,
        region=region,
        place=place,
        radius_km=radius,
        places_left=places_left,
        page=_page(first("page"), notes),
        **multi,
    )
    return ParsedQuery(query, tuple(notes))


def format_count(number: int) -> str:
    """A count in the reader's locale: 1.000 in German, 1,000 in English."""
    return f"{number:,}".replace(",", _group_symbol(get_locale()))


@lru_cache(maxsize=8)
def _group_symbol(locale: str) -> str:
    """Babel's thousands separator of ``locale`` (formatting a count through Babel each time
    costs more than the rest of a result card)."""
    return get_group_symbol(locale)
