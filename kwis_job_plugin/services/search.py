"""The portal's search over the index of ``services/search_index.py``. No Flask here.

``parse_query`` turns request arguments into a ``SearchQuery`` (unknown values are dropped with
a German note, never an error); ``search`` answers it with one page of offers, a capped total and
the facet counts. Choices, so that later work can rely on them:

Order
    * With a place: by distance ("as the crow flies", haversine in SQL after a bounding-box
      prefilter that the ``lat, lon`` index serves).
    * Else with a text: by relevance, which here means how many of the query's words stand in
      the offer's title. Neither FTS5's bm25 nor PostgreSQL's ts_rank is used for the order:
      they disagree with each other, and both reward long texts and repeated words, i.e. data
      volume, which the portal must not favour. Ties (and so most of the order) follow the
      daily rotation.
    * Else the daily rotation, which is fair by construction: companies take turns, not offers.
      Round 1 holds every matching company's first offer, round 2 the second ones, and so on, so
      a company with ten offers cannot push nine others off page 1. Within a round the
      companies stand in a fixed order (a hash of the profile id) that starts at a different
      place each day, moving on by one page (20 companies) a day; over N/20 days every company
      is on page 1 equally often, whatever its size or number of offers. Which of a company's
      offers comes first changes daily (an affine map of the offer's hash, seeded by the date).
    Remaining ties fall to the offer id, so the order is total and pages never overlap.

Paging
    Capped offset: at most ``RESULT_CAP`` (1,000) hits can be paged through, 20 a page, so the
    deepest offset is 980 and deep pages cannot get slower than that. Keyset paging would not
    help: the rotation needs its window functions over the whole filtered set on every page
    anyway. The total is counted up to 1,001 and shown as "über 1.000" above the cap.

Facet counts
    Each group is counted over the set filtered by everything *except its own* selection
    (OR within a group, AND across groups), so the numbers say what ticking another option
    would add, and ticked options do not zero their neighbours. Counts are exact.

Visibility
    Documents exist only for offers whose offer and profile are public; ``search`` adds the
    date (``expires_on``) and the regions whose ``portal`` feature is on.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from operator import add
from typing import Any

from babel.numbers import format_decimal
from sqlalchemy import (
    BigInteger,
    Select,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from ..i18n import get_locale
from ..i18n import gettext as _
from ..models import (
    Benefit,
    OccupationalField,
    OfferType,
    Region,
    SearchDoc,
    SearchFacet,
    TargetGroup,
    TrainingOccupation,
)
from ..models.search import FTS_TABLE
from . import features, places, recurrence
from .places import EARTH_RADIUS_KM, Place
from .search_index import ROTATION_MODULUS, yearly_window
from .text import QueryTerms, query_terms

PAGE_SIZE = 20
RESULT_CAP = 1000
MAX_PAGE = RESULT_CAP // PAGE_SIZE
RADIUS_MIN_KM = 5
RADIUS_MAX_KM = 100
RADIUS_DEFAULT_KM = 25
RADIUS_CHOICES = (5, 10, 25, 50, 100)
MAX_TEXT_LENGTH = 200
MAX_VALUES = 50
"""At most this many values of one filter are read; nobody ticks more."""
MAX_NOTES_PER_FILTER = 3

ORDER_ROTATION, ORDER_RELEVANCE, ORDER_DISTANCE = "rotation", "relevance", "distance"

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
_SIMPLE = literal_column("'simple'::regconfig")
_FTS = table(FTS_TABLE)


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
        def terms(model) -> dict[str, str]:
            return dict(
                session.execute(
                    select(model.key, model.name)
                    .where(model.active.is_(True))
                    .order_by(model.sort_order, model.name)
                ).all()
            )

        region_ids = features.enabled_region_ids(session, "portal")
        regions = session.execute(
            select(Region.slug, Region.id, Region.name)
            .where(Region.id.in_(region_ids))
            .order_by(Region.name)
        ).all()
        return cls(
            types=terms(OfferType),
            target_groups=terms(TargetGroup),
            fields=terms(OccupationalField),
            occupations=terms(TrainingOccupation),
            benefits=terms(Benefit),
            regions={slug: (region_id, name) for slug, region_id, name in regions},
        )

    def of(self, attr: str) -> dict[str, str]:
        if attr == "region":
            return {slug: name for slug, (_id, name) in self.regions.items()}
        return getattr(self, attr)


# --- parsing ---------------------------------------------------------------------------------


def clean_input(value: Any) -> str:
    """Typed text without control characters (a NUL byte would upset PostgreSQL), spaces
    collapsed."""
    return " ".join("".join(c if c.isprintable() else " " for c in str(value)).split())


def _getlist(args: Any, name: str) -> list[str]:
    if hasattr(args, "getlist"):
        values = args.getlist(name)
    else:
        value = args.get(name) if isinstance(args, Mapping) else None
        values = value if isinstance(value, list | tuple) else ([] if value is None else [value])
    return [clean_input(v) for v in values if v is not None]


def _filter_label(attr: str) -> str:
    return {
        "types": _("Angebotsart"),
        "target_groups": _("Zielgruppe"),
        "fields": _("Berufsfeld"),
        "occupations": _("Ausbildungsberuf"),
        "benefits": _("Vorteile"),
        "region": _("Region"),
    }[attr]


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
                  value=value[:40], filter=_filter_label(attr))
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
    if page > MAX_PAGE:
        notes.append(
            _("Es lassen sich höchstens %(cap)s Treffer durchblättern; bitte grenzen Sie die "
              "Suche mit Filtern ein.", cap=format_count(RESULT_CAP))
        )
        return MAX_PAGE
    return page


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


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchItem:
    """One hit, with everything a result card shows (the same card for every company)."""

    offer_id: int
    offer_slug: str
    title: str
    type_key: str
    type_label: str
    company_name: str
    company_slug: str
    postcode: str | None
    city: str | None
    distance_km: float | None
    next_start: date | None
    places: int | None


@dataclass(frozen=True)
class FacetOption:
    key: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    query: SearchQuery
    items: list[SearchItem]
    total: int
    """Counted up to ``RESULT_CAP + 1``; above the cap, ``capped`` is true."""
    page: int
    pages: int
    order: str
    facets: dict[str, list[FacetOption]]
    places_left_count: int
    place: Place | None = None
    place_error: str | None = None
    place_suggestions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def capped(self) -> bool:
        return self.total > RESULT_CAP

    @property
    def total_label(self) -> str:
        if self.capped:
            return _("über %(n)s", n=format_count(RESULT_CAP))
        return format_count(self.total)


def format_count(number: int) -> str:
    """A count in the reader's locale: 1.000 in German, 1,000 in English."""
    return format_decimal(number, locale=get_locale())


# --- SQL pieces ------------------------------------------------------------------------------


def _ensure_sqlite_math(session: Session) -> None:
    """Distance needs sin, cos, asin, sqrt and radians. SQLite has them when built with
    SQLITE_ENABLE_MATH_FUNCTIONS (Debian's and Python's builds are); otherwise they are added
    to the connection here, once."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    pooled = connection.connection
    if pooled.info.get("kwis_job_math"):
        return
    raw = pooled.driver_connection
    try:
        raw.execute("SELECT asin(0.5), sqrt(4.0), sin(1.0), cos(1.0), radians(1.0)").fetchone()
    except sqlite3.OperationalError:
        for name, function in (("asin", math.asin), ("sqrt", math.sqrt), ("sin", math.sin),
                               ("cos", math.cos), ("radians", math.radians)):
            raw.create_function(name, 1, _null_safe(function), deterministic=True)
    pooled.info["kwis_job_math"] = True


def _null_safe(function):
    def wrapped(value):
        return None if value is None else function(value)

    return wrapped


def _day_seed(day: date) -> tuple[int, int]:
    """(a, b) of the day's affine map ``x -> (a*x + b) mod p``: a new shuffle every day."""
    digest = hashlib.sha256(f"kwis_job:day:{day.isoformat()}".encode()).digest()
    a = 1 + int.from_bytes(digest[:8], "big") % (ROTATION_MODULUS - 1)
    b = int.from_bytes(digest[8:16], "big") % ROTATION_MODULUS
    return a, b


def _daily(column, seed: tuple[int, int]) -> ColumnElement:
    a, b = seed
    return (cast(column, BigInteger) * literal(a, BigInteger) + literal(b, BigInteger)) % (
        ROTATION_MODULUS
    )


def _text_condition(dialect: str, terms: QueryTerms) -> ColumnElement:
    if dialect == "postgresql":
        parts = [*terms.exact, *([f"{terms.prefix}:*"] if terms.prefix else [])]
        return func.to_tsvector(_SIMPLE, SearchDoc.terms).op("@@")(
            func.to_tsquery(_SIMPLE, " & ".join(parts))
        )
    if dialect == "sqlite":
        parts = [f'"{t}"' for t in terms.exact] + ([f'"{terms.prefix}"*'] if terms.prefix else [])
        return SearchDoc.id.in_(
            select(literal_column("rowid"))
            .select_from(_FTS)
            .where(literal_column(FTS_TABLE).op("MATCH")(" ".join(parts)))
        )
    padded = literal(" ") + SearchDoc.terms + literal(" ")  # any other engine: no index
    likes = [padded.like(f"% {t} %") for t in terms.exact]
    if terms.prefix:
        likes.append(padded.like(f"% {terms.prefix}%"))
    return and_(*likes)


def _title_score(terms: QueryTerms) -> ColumnElement:
    """How many query words stand in the title (the same number on every engine)."""
    patterns = [f"% {t} %" for t in terms.exact] + ([f"% {terms.prefix}%"] if terms.prefix else [])
    return reduce(
        add, (case((SearchDoc.title_terms.like(p), 1), else_=0) for p in patterns), literal(0)
    )


def distance_sql(place: Place) -> ColumnElement:
    """Haversine distance in km from ``place`` to a document, as SQL (both engines)."""
    lat0, lon0 = math.radians(place.lat), math.radians(place.lon)
    lat = func.radians(SearchDoc.lat)
    half_dlat = (lat - lat0) / 2
    half_dlon = (func.radians(SearchDoc.lon) - lon0) / 2
    a = func.sin(half_dlat) * func.sin(half_dlat) + math.cos(lat0) * func.cos(lat) * func.sin(
        half_dlon
    ) * func.sin(half_dlon)
    return 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(a))


def _distance_conditions(place: Place, radius_km: float) -> list[ColumnElement]:
    min_lat, max_lat, min_lon, max_lon = places.bounding_box(place.lat, place.lon, radius_km)
    return [
        SearchDoc.lat.between(min_lat, max_lat),
        SearchDoc.lon.between(min_lon, max_lon),
        distance_sql(place) <= radius_km,
    ]


def _facet_condition(facet: str, keys: tuple[str, ...]) -> ColumnElement:
    other = aliased(SearchFacet, name=f"filter_{facet}")
    return exists(
        select(literal(1)).where(
            other.doc_id == SearchDoc.id, other.facet == facet, other.key.in_(keys)
        )
    )


@dataclass
class _Conditions:
    base: list[ColumnElement]
    by_group: dict[str, ColumnElement]

    def all(self) -> list[ColumnElement]:
        return self.base + list(self.by_group.values())

    def without(self, group: str) -> list[ColumnElement]:
        return self.base + [c for g, c in self.by_group.items() if g != group]


def _count_by(session: Session, column, conditions: list[ColumnElement]) -> dict[Any, int]:
    return dict(
        session.execute(select(column, func.count()).where(*conditions).group_by(column)).all()
    )


def _count_facet(session: Session, facet: str, conditions: list[ColumnElement]) -> dict[str, int]:
    return dict(
        session.execute(
            select(SearchFacet.key, func.count())
            .join(SearchDoc, SearchFacet.doc_id == SearchDoc.id)
            .where(SearchFacet.facet == facet, *conditions)
            .group_by(SearchFacet.key)
        ).all()
    )


def _rotation_order(conditions: list[ColumnElement], day: date) -> Select:
    """Ids in the day's rotation: companies take turns (see the module docstring)."""
    seed = _day_seed(day)
    ranked = (
        select(
            SearchDoc.id.label("id"),
            func.row_number()
            .over(partition_by=SearchDoc.profile_id,
                  order_by=(_daily(SearchDoc.rotation, seed), SearchDoc.id))
            .label("round"),
            func.dense_rank()
            .over(order_by=(SearchDoc.company_rotation, SearchDoc.profile_id))
            .label("pos"),
        )
        .where(*conditions)
        .subquery("ranked")
    )
    counted = select(
        ranked.c.id, ranked.c.round, ranked.c.pos, func.max(ranked.c.pos).over().label("n")
    ).subquery("counted")
    shift = day.toordinal() * PAGE_SIZE
    turn = (counted.c.pos - 1 + counted.c.n - literal(shift, BigInteger) % counted.c.n) % (
        counted.c.n
    )
    return select(counted.c.id).order_by(counted.c.round, turn, counted.c.id)


def _tie_breaks(day: date) -> tuple:
    seed = _day_seed(day)
    return _daily(SearchDoc.company_rotation, seed), _daily(SearchDoc.rotation, seed), SearchDoc.id


def _next_start(doc: SearchDoc, today: date) -> date | None:
    window = yearly_window(doc.yearly_window)
    if window is not None:
        try:
            return recurrence.next_occurrence(window, today).start
        except ValueError:
            return None
    return doc.next_start if doc.next_start and doc.next_start >= today else None


# --- the search ------------------------------------------------------------------------------


def _place_error(query: SearchQuery) -> str:
    raw = query.place.strip()
    if raw.isdigit() and len(raw) != 5:
        return _("„%(place)s“ ist keine Postleitzahl: eine Postleitzahl hat fünf Ziffern. Die "
                 "Ergebnisse unten sind ohne Umkreis.", place=raw)
    return _("Den Ort „%(place)s“ kennen wir nicht. Bitte geben Sie eine fünfstellige "
             "Postleitzahl oder einen Ort ein, in dem Betriebe der Region ihren Sitz haben. "
             "Die Ergebnisse unten sind ohne Umkreis.", place=raw)


def _filter_groups(query: SearchQuery, vocab: Vocabulary) -> dict[str, ColumnElement]:
    """One condition per filter group that has a facet count (OR inside, AND across)."""
    groups: dict[str, ColumnElement] = {}
    if query.types:
        groups["type"] = SearchDoc.offer_type.in_(query.types)
    if query.region in vocab.regions:
        groups["region"] = SearchDoc.region_id == vocab.regions[query.region][0]
    if query.places_left:
        groups["places_left"] = SearchDoc.has_places.is_(True)
    for facet, attr in FACET_ATTRS.items():
        if getattr(query, attr):
            groups[facet] = _facet_condition(facet, getattr(query, attr))
    return groups


def _page_of_ids(
    session: Session,
    conditions: list[ColumnElement],
    terms: QueryTerms,
    place: Place | None,
    today: date,
    offset: int,
) -> tuple[str, list[int], dict[int, float]]:
    """(order used, ids of one page, distance by id) in the order described at the top."""
    if place is not None:
        distance = distance_sql(place).label("distance")
        rows = session.execute(
            select(SearchDoc.id, distance)
            .where(*conditions)
            .order_by(distance, *_tie_breaks(today))
            .limit(PAGE_SIZE)
            .offset(offset)
        ).all()
        return ORDER_DISTANCE, [r.id for r in rows], {r.id: float(r.distance) for r in rows}
    if terms:
        statement = (
            select(SearchDoc.id)
            .where(*conditions)
            .order_by(_title_score(terms).desc(), *_tie_breaks(today))
        )
        order = ORDER_RELEVANCE
    else:
        statement, order = _rotation_order(conditions, today), ORDER_ROTATION
    return order, list(session.scalars(statement.limit(PAGE_SIZE).offset(offset))), {}


def _items(
    session: Session, ids: list[int], distances: dict[int, float], vocab: Vocabulary, today: date
) -> list[SearchItem]:
    docs = {d.id: d for d in session.scalars(select(SearchDoc).where(SearchDoc.id.in_(ids)))}
    return [
        SearchItem(
            offer_id=doc.offer_id,
            offer_slug=doc.offer_slug,
            title=doc.title,
            type_key=doc.offer_type,
            type_label=vocab.types.get(doc.offer_type, doc.offer_type),
            company_name=doc.company_name,
            company_slug=doc.company_slug,
            postcode=doc.postcode,
            city=doc.city,
            distance_km=distances.get(doc.id),
            next_start=_next_start(doc, today),
            places=doc.places,
        )
        for doc in (docs[i] for i in ids if i in docs)
    ]


def _facets(
    session: Session, query: SearchQuery, conditions: _Conditions, vocab: Vocabulary
) -> tuple[dict[str, list[FacetOption]], int]:
    """Options with counts per group, each counted without its own selection; and the number
    of hits with places left."""

    def options(attr: str, counts: Mapping[str, int], selected: Iterable[str]) -> list:
        chosen = set(selected)
        return [
            FacetOption(key, label, counts.get(key, 0), key in chosen)
            for key, label in vocab.of(attr).items()
        ]

    by_type = _count_by(session, SearchDoc.offer_type, conditions.without("type"))
    by_region = _count_by(session, SearchDoc.region_id, conditions.without("region"))
    facets = {
        "type": options("types", by_type, query.types),
        "region": options(
            "region",
            {slug: by_region.get(region_id, 0)
             for slug, (region_id, _name) in vocab.regions.items()},
            [query.region] if query.region else [],
        ),
    }
    for facet, attr in FACET_ATTRS.items():
        counts = _count_facet(session, facet, conditions.without(facet))
        facets[facet] = options(attr, counts, getattr(query, attr))
    places_left = session.scalar(
        select(func.count())
        .select_from(SearchDoc)
        .where(*conditions.without("places_left"), SearchDoc.has_places.is_(True))
    )
    return facets, places_left or 0


def search(
    session: Session,
    query: SearchQuery,
    today: date,
    vocabulary: Vocabulary | None = None,
) -> SearchResult:
    """One page of public offers for ``query`` as seen on ``today``."""
    vocab = vocabulary or Vocabulary.load(session)
    notes: list[str] = []
    region_ids = [region_id for region_id, _name in vocab.regions.values()]
    base: list[ColumnElement] = [
        SearchDoc.region_id.in_(region_ids),
        or_(SearchDoc.expires_on.is_(None), SearchDoc.expires_on >= today),
    ]

    terms = query_terms(query.text)
    if query.text and not terms:
        notes.append(_("„%(text)s“ ist zu allgemein für die Suche; es werden alle passenden "
                       "Angebote gezeigt.", text=query.text[:40]))
    if terms:
        base.append(_text_condition(session.connection().dialect.name, terms))

    place: Place | None = None
    place_error: str | None = None
    suggestions: list[str] = []
    if query.place:
        place = places.resolve(session, query.place)
        if place is None:
            place_error = _place_error(query)
            suggestions = places.suggestions(session, query.place)
        else:
            _ensure_sqlite_math(session)
            base.extend(_distance_conditions(place, query.radius_km))

    conditions = _Conditions(base, _filter_groups(query, vocab))
    total = session.scalar(
        select(func.count()).select_from(
            select(SearchDoc.id).where(*conditions.all()).limit(RESULT_CAP + 1).subquery()
        )
    ) or 0
    pages = max(1, math.ceil(min(total, RESULT_CAP) / PAGE_SIZE))
    page = query.page
    if page > pages:
        if total:
            notes.append(_("Diese Seite gibt es nicht (mehr); hier ist die letzte Seite."))
        page = pages

    order, ids, distances = _page_of_ids(
        session, conditions.all(), terms, place, today, (page - 1) * PAGE_SIZE
    )
    facets, places_left_count = _facets(session, query, conditions, vocab)
    return SearchResult(
        query=query.with_page(page),
        items=_items(session, ids, distances, vocab, today),
        total=total,
        page=page,
        pages=pages,
        order=order,
        facets=facets,
        places_left_count=places_left_count,
        place=place,
        place_error=place_error,
        place_suggestions=suggestions,
        notes=notes,
    )
