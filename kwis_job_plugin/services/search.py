"""The portal's search: one page of offers, the total and the facet counts. No Flask here.

``search`` answers a ``SearchQuery`` (``services/search_query.py``) from the process's replica
of the search index (``services/search_replica.py``, kept current by ``services/search_sync``),
in the order described in ``services/search_order.py``, and then reads the page's 20 documents
from the database for the result cards. Choices, so that later work can rely on them:

Paging
    At most ``RESULT_CAP`` (1,000) hits can be paged through, 20 a page, so the deepest page
    costs what page 50 costs whatever the data. The total itself is exact.

Facet counts
    Each group is counted over the set filtered by everything *except its own* selection
    (OR within a group, AND across groups), so the numbers say what ticking another option
    would add, and ticked options do not zero their neighbours. Counts are exact.

Visibility
    Documents exist only for offers whose offer and profile are public; ``search`` adds the
    date (``expires_on``) and the regions whose ``portal`` feature is on, the same rule as
    ``current_conditions``, which the offer and company pages and the sitemap use in SQL.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from pyroaring import BitMap
from sqlalchemy import Date, bindparam, or_, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ..i18n import gettext as _
from ..models import SearchDoc
from . import coordinates, places, recurrence, search_order, search_replica, search_sync
from .geocoder import GeocoderSettings
from .places import Place
from .search_index import yearly_window
from .search_query import (
    FACET_ATTRS,
    PAGE_SIZE,
    RESULT_CAP,
    SearchQuery,
    Vocabulary,
    format_count,
)
from .text import query_terms

ORDER_ROTATION, ORDER_RELEVANCE, ORDER_DISTANCE = "rotation", "relevance", "distance"
ORDER_NEWEST = "newest"
"""Asked for by name (``order=ORDER_NEWEST``), never chosen by the search itself: the newest
offers first, for the feeds and the widget (issue 11). "Newest" is the offer's id, highest
first: ids are handed out when an offer is created and never change, so the order is total,
stable and the same on both engines, and a feed reader sees a new offer at the top. (An offer
drafted long before it was published stands by its creation; a feed reader still shows it as
new, by its entry id.) The portal's own pages keep the fair rotation: newest-first favours no
company by size, but it is not the equal presentation the front page promises."""
NAMED_ORDERS = frozenset({ORDER_NEWEST})


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
    """Exact; only the first ``RESULT_CAP`` can be paged through (``capped``)."""
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
        return format_count(self.total)


# --- SQL pieces ------------------------------------------------------------------------------


def current_conditions(region_ids: Iterable[int], today: date) -> list[ColumnElement]:
    """Documents the public may see on ``today``: in a region with the portal on (``region_ids``)
    and not expired. Every public listing of offers filters by exactly this (the search, the
    offer and company pages, the sitemap)."""
    return [
        SearchDoc.region_id.in_(list(region_ids)),
        or_(SearchDoc.expires_on.is_(None), SearchDoc.expires_on >= today),
    ]


def _next_start(doc, today: date) -> date | None:
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
    wrong_coordinates = coordinates.problem(raw)
    if wrong_coordinates:
        return wrong_coordinates
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


_CARDS = text(
    "SELECT id, offer_id, offer_slug, title, offer_type, company_name, company_slug, postcode,"
    " city, next_start, yearly_window, places FROM kwis_job_search_doc WHERE id IN :ids"
).bindparams(bindparam("ids", expanding=True)).columns(
    next_start=Date()  # SQLite returns dates as text unless told
)


def _items(
    session: Session, ids: list[int], distances: list[float] | None, vocab: Vocabulary,
    today: date,
) -> list[SearchItem]:
    """The cards of one page, read by primary key (a document deleted since the replica was
    synced is simply left out). Plain SQL: this runs on every search, and an ORM or Core
    statement costs more to prepare than to run here."""
    if not ids:
        return []
    rows = {r.id: r for r in session.execute(_CARDS, {"ids": ids})}
    return [
        item_of(rows[doc_id], vocab.types.get(rows[doc_id].offer_type, rows[doc_id].offer_type),
                today, distances[i] if distances else None)
        for i, doc_id in enumerate(ids) if doc_id in rows
    ]


def item_of(
    doc, type_label: str, today: date, distance_km: float | None = None
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




# --- the search ------------------------------------------------------------------------------


def _past_the_end(total: int) -> list[str]:
    """The note for a page number beyond the last page: that page does not exist, unless
    there are more hits than can be paged through (``RESULT_CAP``), which is then said
    instead. No hits need no note: the page says that nothing was found."""
    if total > RESULT_CAP:
        return [_("Es lassen sich höchstens %(cap)s Treffer durchblättern; bitte grenzen Sie "
                  "die Suche mit Filtern ein.", cap=format_count(RESULT_CAP))]
    if total:
        return [_("Diese Seite gibt es nicht (mehr); hier ist die letzte Seite.")]
    return []


def _filter_groups(
    replica: search_replica.Replica, query: SearchQuery, vocab: Vocabulary
) -> dict[str, BitMap]:
    """One set per filter group that has a facet count (OR inside, AND across)."""
    groups: dict[str, BitMap] = {}
    if query.types:
        groups["type"] = replica.filter("type", query.types)
    if query.region in vocab.regions:
        groups["region"] = replica.filter("region", [str(vocab.regions[query.region][0])])
    if query.places_left:
        groups["places_left"] = replica.filter("places_left", ["1"])
    for facet, attr in FACET_ATTRS.items():
        if getattr(query, attr):
            groups[facet] = replica.filter(facet, getattr(query, attr))
    return groups


def _all_but(base: BitMap, groups: dict[str, BitMap], left_out: str | None) -> BitMap:
    chosen = [bitmap for group, bitmap in groups.items() if group != left_out]
    return base.intersection(*chosen) if chosen else base


def _facets(
    replica: search_replica.Replica, query: SearchQuery, base: BitMap,
    groups: dict[str, BitMap], vocab: Vocabulary,
) -> tuple[dict[str, list[FacetOption]], int]:
    """Options with counts per group, each counted without its own selection; and the number
    of hits with places left."""

    def options(group: str, attr: str, keys: Mapping[str, str], selected: Iterable[str]):
        within = _all_but(base, groups, group)
        chosen = set(selected)
        return [
            FacetOption(key, label, replica.count(within, group, str(keys[key])),
                        key in chosen)
            for key, label in vocab.of(attr).items()
        ]

    region_ids = {slug: region_id for slug, (region_id, _name) in vocab.regions.items()}
    facets = {
        "type": options("type", "types", {k: k for k in vocab.types}, query.types),
        "region": options("region", "region", region_ids,
                          [query.region] if query.region else []),
    }
    for facet, attr in FACET_ATTRS.items():
        keys = vocab.of(attr)
        facets[facet] = options(facet, attr, {k: k for k in keys}, getattr(query, attr))
    places_left = replica.count(_all_but(base, groups, "places_left"), "places_left", "1")
    return facets, places_left


def search(
    session: Session,
    query: SearchQuery,
    today: date,
    vocabulary: Vocabulary | None = None,
    geocoder: GeocoderSettings | None = None,
    *,
    order: str | None = None,
    profile_ids: Iterable[int] | None = None,
) -> SearchResult:
    """One page of public offers for ``query`` as seen on ``today``.

    ``geocoder``: the HTTP geocoder asked for places no company is in (``None``: none).
    ``order``: a named order (``NAMED_ORDERS``) instead of the one the query implies; a place
    still filters by its radius then, but the distances are not computed.
    ``profile_ids``: only these companies' offers (the widget's choice of companies); the
    facet counts are counted within them too."""
    if order is not None and order not in NAMED_ORDERS:
        raise ValueError(f"search: unknown order {order!r}; named orders: "
                         f"{', '.join(sorted(NAMED_ORDERS))}")
    vocab = vocabulary or Vocabulary.load(session)
    notes: list[str] = []
    terms = query_terms(query.text)
    if query.text and not terms:
        notes.append(_("„%(text)s“ ist zu allgemein für die Suche; es werden alle passenden "
                       "Angebote gezeigt.", text=query.text[:40]))

    place: Place | None = None
    place_error: str | None = None
    suggestions: list[str] = []
    if query.place:
        resolution = places.find(session, query.place, geocoder)
        place = resolution.place
        if place is None:
            place_error = _place_error(query, resolution.unavailable)
            suggestions = places.suggestions(session, query.place)

    region_ids = [region_id for region_id, _name in vocab.regions.values()]
    with search_sync.current(session) as replica:
        base = replica.live(region_ids, today)
        if terms:
            base = base & replica.text(terms.exact, terms.prefix)
        if place is not None:
            base = replica.within(place.lat, place.lon, query.radius_km, base)
        if profile_ids is not None:
            base = base & replica.of_profiles(profile_ids)
        groups = _filter_groups(replica, query, vocab)
        hits = _all_but(base, groups, None)

        total = len(hits)
        pages = max(1, math.ceil(min(total, RESULT_CAP) / PAGE_SIZE))
        page = query.page
        if page > pages:
            notes.extend(_past_the_end(total))
            page = pages
        offset = (page - 1) * PAGE_SIZE

        ranks = search_order.ranks(replica, today, typed=bool(query.types))
        distances: list[float] | None = None
        if order == ORDER_NEWEST:
            positions = search_order.by_newest(hits, replica.offer_id.view(), offset,
                                               PAGE_SIZE)
        elif place is not None:
            order = ORDER_DISTANCE
            positions, distances = search_order.by_distance(
                hits, replica.distances_to(place.lat, place.lon), replica.location.view(),
                ranks, offset, PAGE_SIZE,
            )
        elif terms:
            order = ORDER_RELEVANCE
            positions = search_order.by_relevance(
                hits, replica.title_words(terms.exact, terms.prefix), ranks, offset, PAGE_SIZE
            )
        else:
            order = ORDER_ROTATION
            one_type = replica.type_number(query.types[0]) if len(query.types) == 1 else None
            positions = search_order.by_rotation(
                hits, ranks, offset, PAGE_SIZE, within=ranks.by_type.get(one_type)
            )
        doc_ids = replica.doc_ids(positions)
        facets, places_left_count = _facets(replica, query, base, groups, vocab)

    return SearchResult(
        query=query.with_page(page),
        items=_items(session, doc_ids, distances, vocab, today),
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
