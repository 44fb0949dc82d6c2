"""The search index held in memory: one compressed bitmap per term and filter value.

Why a replica in process memory and not a query per search: a portal search answers a page of
hits *and* an exact count beside every filter option, each counted without its own group's
selection. In SQL that is seven grouped counts over the whole filtered set per request, linear
in the number of hits; at a million offers that is hundreds of milliseconds. Over roaring
bitmaps (``pyroaring``, the structure Lucene and Druid use for the same job) a filtered set is a
handful of intersections and each count one ``intersection_cardinality``, microseconds that
hardly grow with the data.

What the replica is not: a source of truth. It is built from ``kwis_job_search_doc`` and kept in
step by ``services/search_sync.py``, which asks the database for changes before *every* search,
so each process sees every committed write at its next request and several processes never
disagree for longer than one request. Nothing lives only here (DESIGN: no state in process memory
that another worker would need to see).

Positions: each document version gets the next position; an update retires the old position
(``alive`` loses it) and appends a new one, so bitmaps only ever gain members and never need a
document's old terms. When a quarter of the positions are retired, ``search_sync`` rebuilds.
``services/search_snapshot.py`` serialises every attribute set in ``__init__`` but the caches
and ranks: a new attribute needs a line in its ``dump`` and ``restore`` and a new ``FORMAT``
(its round-trip test compares every attribute). No Flask and no SQL here.
"""

from __future__ import annotations

import bisect
import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from pyroaring import BitMap

from .places import EARTH_RADIUS_KM

NO_EXPIRY = 2**31 - 1
"""``expires`` of a document that never expires (an ordinal beyond every real date)."""

NOWHERE = -1
"""``location`` of a document without coordinates; its distance is infinite."""


@dataclass(frozen=True)
class DocRow:
    """What the replica needs of one ``SearchDoc`` (``search_sync`` reads these)."""

    doc_id: int
    offer_id: int
    profile_id: int
    region_id: int
    offer_type: str
    lat: float | None
    lon: float | None
    has_places: bool
    expires_on: date | None
    rotation: int
    company_rotation: int
    title_terms: str
    terms: str
    facets: tuple[tuple[str, str], ...]


class _Column:
    """A growable numpy array: appends are amortised O(1), reads see ``view()``."""

    def __init__(self, dtype, fill=0):
        self._data = np.full(1024, fill, dtype=dtype)
        self._fill = fill
        self.size = 0

    def extend(self, values: Sequence) -> None:
        end = self.size + len(values)
        if end > len(self._data):
            grown = np.full(max(end, len(self._data) * 2), self._fill, dtype=self._data.dtype)
            grown[: self.size] = self._data[: self.size]
            self._data = grown
        self._data[self.size:end] = values
        self.size = end

    def view(self) -> np.ndarray:
        return self._data[: self.size]


def _merge(index: dict, postings: dict[object, list[int]]) -> bool:
    """Add ``postings`` to the bitmaps of ``index``; return whether a key was new."""
    new = False
    for key, positions in postings.items():
        bitmap = index.get(key)
        if bitmap is None:
            index[key] = BitMap(positions)
            new = True
        else:
            bitmap.update(positions)
    return new


def _union(bitmaps: Iterable[BitMap]) -> BitMap:
    found = [b for b in bitmaps if b is not None]
    return BitMap.union(*found) if found else BitMap()


class Replica:
    """Bitmaps and columns of every document version; ``alive`` marks the current ones."""

    def __init__(self, version: int = 0):
        self.version = version
        """The last change-log ``seq`` applied (``search_sync``)."""
        self.lock = threading.RLock()
        """Held while syncing and while searching, for threaded servers."""
        self.stamp = 0
        """Bumped on every change; keys the caches of derived data."""
        self.alive = BitMap()
        self.position_of: dict[int, int] = {}
        self.doc_id = _Column(np.int64)
        self.offer_id = _Column(np.int64)
        self.company = _Column(np.int32)
        self.type_index = _Column(np.int32)
        self.location = _Column(np.int32, NOWHERE)
        self.expires = _Column(np.int32, NO_EXPIRY)
        self.rotation = _Column(np.int64)
        self.terms: dict[str, BitMap] = {}
        self.title_terms: dict[str, BitMap] = {}
        self.filters: dict[tuple[str, str], BitMap] = {}
        self._sorted_terms: list[str] | None = None
        self._sorted_title_terms: list[str] | None = None
        self.company_of_profile: dict[int, int] = {}
        self.company_rotation: list[int] = []
        self.type_keys: list[str] = []
        self._type_index: dict[str, int] = {}
        self._location_of: dict[tuple[float, float], int] = {}
        self._location_lat: list[float] = []
        self._location_lon: list[float] = []
        self._caches: dict[str, tuple[int, object]] = {}
        self._circles_asked: set[str] = set()
        self.ranks: dict[bool, object] = {}
        """The day's ranks (``search_order.ranks``), plain and by type; kept apart from the
        caches because they outlive changes (recomputed when due, not at every change)."""

    # --- writing -------------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Positions used, retired ones included."""
        return self.doc_id.size

    @property
    def retired(self) -> int:
        return self.size - len(self.alive)

    def put(self, rows: Sequence[DocRow]) -> None:
        """Add the current versions of documents (retiring their previous ones, if any).

        Postings are gathered in lists and merged into the bitmaps once per key: a whole load
        costs a list append per posting, not a bitmap insert."""
        for row in rows:
            self.remove(row.offer_id)
        start = self.size
        filters: dict[tuple[str, str], list[int]] = {}
        terms: dict[str, list[int]] = {}
        title_terms: dict[str, list[int]] = {}
        for position, row in enumerate(rows, start):
            self.position_of[row.offer_id] = position
            for pair in (("type", row.offer_type), ("region", str(row.region_id)), *row.facets):
                filters.setdefault(pair, []).append(position)
            if row.has_places:
                filters.setdefault(("places_left", "1"), []).append(position)
            for term in set(row.terms.split()):
                terms.setdefault(term, []).append(position)
            for term in set(row.title_terms.split()):
                title_terms.setdefault(term, []).append(position)
        self.doc_id.extend([r.doc_id for r in rows])
        self.offer_id.extend([r.offer_id for r in rows])
        self.company.extend([self._company(r.profile_id, r.company_rotation) for r in rows])
        self.type_index.extend([self._type(r.offer_type) for r in rows])
        self.location.extend([self._location(r.lat, r.lon) for r in rows])
        self.expires.extend([r.expires_on.toordinal() if r.expires_on else NO_EXPIRY
                             for r in rows])
        self.rotation.extend([r.rotation for r in rows])
        _merge(self.filters, filters)
        if _merge(self.terms, terms):
            self._sorted_terms = None
        if _merge(self.title_terms, title_terms):
            self._sorted_title_terms = None
        if rows:
            self.alive.add_range(start, start + len(rows))
        self.stamp += 1

    def remove(self, offer_id: int) -> bool:
        position = self.position_of.pop(offer_id, None)
        if position is None:
            return False
        self.alive.discard(position)
        self.stamp += 1
        return True

    def _company(self, profile_id: int, rotation: int) -> int:
        index = self.company_of_profile.get(profile_id)
        if index is None:
            index = self.company_of_profile[profile_id] = len(self.company_rotation)
            self.company_rotation.append(rotation)
        return index

    def _type(self, key: str) -> int:
        index = self._type_index.get(key)
        if index is None:
            index = self._type_index[key] = len(self.type_keys)
            self.type_keys.append(key)
        return index

    def type_number(self, key: str) -> int | None:
        """The index of an offer type in ``type_index`` (``None``: no document has it)."""
        return self._type_index.get(key)

    def _location(self, lat: float | None, lon: float | None) -> int:
        if lat is None or lon is None or math.isnan(lat) or math.isnan(lon):
            return NOWHERE
        key = (round(lat, 6), round(lon, 6))
        index = self._location_of.get(key)
        if index is None:
            index = self._location_of[key] = len(self._location_lat)
            self._location_lat.append(math.radians(key[0]))
            self._location_lon.append(math.radians(key[1]))
        return index

    # --- caches of derived data ----------------------------------------------------------------

    def cached(self, name: str, compute, *, stamp: int | None = None):
        """``compute()`` once per ``stamp`` (default: once per change of the replica)."""
        key = self.stamp if stamp is None else stamp
        hit = self._caches.get(name)
        if hit is not None and hit[0] == key:
            return hit[1]
        value = compute()
        self._caches[name] = (key, value)
        if len(self._caches) > 256:  # distance masks of many places: forget the oldest
            for old in list(self._caches)[:64]:
                del self._caches[old]
        return value

    # --- reading -------------------------------------------------------------------------------

    def live(self, region_ids: Sequence[int], today: date) -> BitMap:
        """Current documents in ``region_ids`` that have not expired on ``today``."""
        regions = tuple(sorted(region_ids))

        def compute() -> BitMap:
            in_regions = _union(self.filters.get(("region", str(r))) for r in regions)
            expired = np.flatnonzero(self.expires.view() < today.toordinal()).astype(np.uint32)
            return (in_regions & self.alive) - BitMap(expired)

        return self.cached(f"live:{regions}:{today.isoformat()}", compute)

    def filter(self, group: str, keys: Iterable[str]) -> BitMap:
        """Documents with any of ``keys`` in ``group`` (OR within a group)."""
        return _union(self.filters.get((group, key)) for key in keys)

    def count(self, within: BitMap, group: str, key: str) -> int:
        bitmap = self.filters.get((group, key))
        return within.intersection_cardinality(bitmap) if bitmap is not None else 0

    def _words(self, index: dict[str, BitMap], exact: Sequence[str], prefix: str | None,
               sorted_terms: list[str]) -> list[BitMap]:
        found = [index.get(term, BitMap()) for term in exact]
        if prefix:
            start = bisect.bisect_left(sorted_terms, prefix)
            end = bisect.bisect_left(sorted_terms, prefix + "\uffff")
            found.append(_union(index[t] for t in sorted_terms[start:end]))
        return found

    def text(self, exact: Sequence[str], prefix: str | None) -> BitMap:
        """Documents containing every word (the last one, ``prefix``, as a prefix)."""
        if self._sorted_terms is None:
            self._sorted_terms = sorted(self.terms)
        words = self._words(self.terms, exact, prefix, self._sorted_terms)
        return BitMap.intersection(*words) if len(words) > 1 else words[0]

    def title_words(self, exact: Sequence[str], prefix: str | None) -> list[BitMap]:
        """Per query word, the documents that have it in the title (for relevance)."""
        if self._sorted_title_terms is None:
            self._sorted_title_terms = sorted(self.title_terms)
        return self._words(self.title_terms, exact, prefix, self._sorted_title_terms)

    def distances_to(self, lat: float, lon: float) -> np.ndarray:
        """km from (lat, lon) to every location, plus ``inf`` last (for ``NOWHERE`` = -1)."""

        def compute() -> np.ndarray:
            lat0, lon0 = math.radians(lat), math.radians(lon)
            lats, lons = np.array(self._location_lat), np.array(self._location_lon)
            a = np.sin((lats - lat0) / 2) ** 2 + math.cos(lat0) * np.cos(lats) * np.sin(
                (lons - lon0) / 2
            ) ** 2
            km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
            return np.append(km, np.inf)

        return self.cached(f"km:{lat:.6f},{lon:.6f}", compute)

    def of_profiles(self, profile_ids) -> BitMap:
        """The positions of these companies' documents (retired ones included: callers
        intersect with ``live``). One pass over the company column, no cache: asked by the
        widget only, with a handful of companies."""
        numbers = [self.company_of_profile[p] for p in set(profile_ids)
                   if p in self.company_of_profile]
        if not numbers:
            return BitMap()
        mask = np.isin(self.company.view(), np.array(numbers, dtype=np.int32))
        return BitMap(np.flatnonzero(mask).astype(np.uint32))

    def within(self, lat: float, lon: float, radius_km: float, candidates: BitMap) -> BitMap:
        """The ``candidates`` at most ``radius_km`` from (lat, lon)."""
        km = self.distances_to(lat, lon)
        key = f"near:{lat:.6f},{lon:.6f},{radius_km}"
        known = self._caches.get(key)
        if known is not None and known[0] == self.stamp:
            return candidates & known[1]
        first_time = key not in self._circles_asked
        if len(self._circles_asked) > 10_000:
            self._circles_asked.clear()
        self._circles_asked.add(key)
        if first_time and len(candidates) * 2 < len(self.alive):
            # a text narrowed them and nobody searched around here yet: test them one by one;
            # the second search around the same place computes (and keeps) the whole circle
            positions = positions_of(candidates)
            return BitMap(positions[km[self.location.view()[positions]] <= radius_km])

        def compute() -> BitMap:  # the whole circle, kept for the next search around here
            near = np.flatnonzero(km[self.location.view()] <= radius_km).astype(np.uint32)
            return BitMap(near)

        return candidates & self.cached(key, compute)

    def doc_ids(self, positions: Sequence[int]) -> list[int]:
        ids = self.doc_id.view()
        return [int(ids[p]) for p in positions]


def positions_of(bitmap: BitMap) -> np.ndarray:
    """The members of ``bitmap`` as a numpy array (ascending), without a Python loop."""
    return np.frombuffer(bitmap.to_array(), dtype=np.uint32).astype(np.int64)
