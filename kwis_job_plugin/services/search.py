"""The portal's search over the index of ``services/search_index.py``. No Flask here.

``search`` answers a ``SearchQuery`` (``services/search_query.py``) with one page of offers, a
capped total and the facet counts, in the order described in ``services/search_order.py``.
Choices, so that later work can rely on them:

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
    date (``expires_on``) and the regions whose ``portal`` feature is on
    (``current_conditions``, shared with the offer and company pages and the sitemap).
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, func, literal, literal_column, or_, select, table
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from ..i18n import gettext as _
from ..models import SearchDoc, SearchFacet
from ..models.search import FTS_TABLE
from . import places, recurrence
from .geocoder import GeocoderSettings
from .places import EARTH_RADIUS_KM, Place
from .search_index import yearly_window
from .search_order import rotation_order, tie_breaks, title_score
from .search_query import (
    FACET_ATTRS,
    PAGE_SIZE,
    RESULT_CAP,
    SearchQuery,
    Vocabulary,
    format_count,
)
from .text import QueryTerms, query_terms

ORDER_ROTATION, ORDER_RELEVANCE, ORDER_DISTANCE = "rotation", "relevance", "distance"
_SIMPLE = literal_column("'simple'::regconfig")
_FTS = table(FTS_TABLE)


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


def current_conditions(region_ids: Iterable[int], today: date) -> list[ColumnElement]:
    """Documents the public may see on ``today``: in a region with the portal on (``region_ids``)
    and not expired. Every public listing of offers filters by exactly this (the search, the
    offer and company pages, the sitemap)."""
    return [
        SearchDoc.region_id.in_(list(region_ids)),
        or_(SearchDoc.expires_on.is_(None), SearchDoc.expires_on >= today),
    ]


def _next_start(doc: SearchDoc, today: date) -> date | None:
    window = yearly_window(doc.yearly_window)
    if window is not None:
        try:
            return recurrence.next_occurrence(window, today).start
        except ValueError:
            return None
    return doc.next_start if doc.next_start and doc.next_start >= today else None


# --- the search ------------------------------------------------------------------------------


def _place_error(query: SearchQuery, unavailable: bool = False) -> str:
    raw = query.place.strip()
    if raw.isdigit() and len(raw) != 5:
        return _("„%(place)s“ ist keine Postleitzahl: eine Postleitzahl hat fünf Ziffern. Die "
                 "Ergebnisse unten sind ohne Umkreis.", place=raw)
    if unavailable:
        return _("Den Ort „%(place)s“ können wir gerade nicht finden. Bitte versuchen Sie es "
                 "gleich noch einmal oder geben Sie eine fünfstellige Postleitzahl ein. Die "
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
            .order_by(distance, *tie_breaks(today))
            .limit(PAGE_SIZE)
            .offset(offset)
        ).all()
        return ORDER_DISTANCE, [r.id for r in rows], {r.id: float(r.distance) for r in rows}
    if terms:
        statement = (
            select(SearchDoc.id)
            .where(*conditions)
            .order_by(title_score(terms).desc(), *tie_breaks(today))
        )
        order = ORDER_RELEVANCE
    else:
        statement, order = rotation_order(conditions, today), ORDER_ROTATION
    return order, list(session.scalars(statement.limit(PAGE_SIZE).offset(offset))), {}


def _items(
    session: Session, ids: list[int], distances: dict[int, float], vocab: Vocabulary, today: date
) -> list[SearchItem]:
    docs = {d.id: d for d in session.scalars(select(SearchDoc).where(SearchDoc.id.in_(ids)))}
    return [
        item_of(doc, vocab.types.get(doc.offer_type, doc.offer_type), today,
                distances.get(doc.id))
        for doc in (docs[i] for i in ids if i in docs)
    ]


def item_of(
    doc: SearchDoc, type_label: str, today: date, distance_km: float | None = None
) -> SearchItem:
    """The result card of one document (also listed on the company page)."""
    return SearchItem(
        offer_id=doc.offer_id,
        offer_slug=doc.offer_slug,
        title=doc.title,
        type_key=doc.offer_type,
        type_label=type_label,
        company_name=doc.company_name,
        company_slug=doc.company_slug,
        postcode=doc.postcode,
        city=doc.city,
        distance_km=distance_km,
        next_start=_next_start(doc, today),
        places=doc.places,
    )


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
    geocoder: GeocoderSettings | None = None,
) -> SearchResult:
    """One page of public offers for ``query`` as seen on ``today``.

    ``geocoder``: the HTTP geocoder asked for places no company is in (``None``: none)."""
    vocab = vocabulary or Vocabulary.load(session)
    notes: list[str] = []
    region_ids = [region_id for region_id, _name in vocab.regions.values()]
    base: list[ColumnElement] = current_conditions(region_ids, today)

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
        resolution = places.find(session, query.place, geocoder)
        place = resolution.place
        if place is None:
            place_error = _place_error(query, resolution.unavailable)
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
