"""The order of the portal's search results: fair by day, the same on SQLite and PostgreSQL.

Order
    * With a place: by distance ("as the crow flies"), ties by the day's rotation.
    * Else with a text: by relevance, which here means how many of the query's words stand in
      the offer's title. No bm25 or ts_rank: both reward long texts and repeated words, i.e.
      data volume, which the portal must not favour. Ties follow the daily rotation.
    * Else the daily rotation, which is fair by construction: companies take turns, not offers.
      Round 1 holds every company's first offer, round 2 the second ones, and so on, so a
      company with ten offers cannot push nine others off page 1. Within a round the companies
      stand in a fixed order (a hash of the profile id) that starts 20 companies (one page)
      further each day, so over N/20 days every company leads page 1 equally often, whatever
      its size or number of offers. Which of a company's offers comes first changes daily (an
      affine map of the offer's hash, seeded by the date).
    * Asked for by name (``search.ORDER_NEWEST``, the feeds and the widget): the highest offer
      id first, whatever else the query says.
    Remaining ties fall to the offer id, so the order is total and pages never overlap.

Rounds are counted over all current offers of a company, or, when the search names offer types,
over its offers of the same type: so in the Ferienjob list a company's one Ferienjob is in round
1 even if it has nine other offers. (Other offer-level filters, e.g. target group, use the plain
rounds; fairness there holds on average over the days, not page by page.)

The ranks are computed for the whole replica once a day and after changes, with numpy; then
any filtered set is put in order by walking the ranks (many hits) or sorting its own (few
hits), both without work that grows with the data beyond the hits.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import date

import numpy as np
from pyroaring import BitMap

from .search_index import ROTATION_MODULUS
from .search_query import PAGE_SIZE
from .search_replica import Replica, positions_of

UNRANKED = 1 << 40
"""Rank of a position added since the ranks were computed: after all ranked ones, by position."""
_RANK_BITS = 42  # every rank, UNRANKED + position included, is below 2**42
RECOMPUTE_FACTOR = 50
"""After a change, ranks are recomputed at most once per 50 × the time the last computation
took, so keeping them costs at most ~2 % of a worker however often companies publish."""


def day_seed(day: date) -> tuple[int, int]:
    """(a, b) of the day's affine map ``x -> (a*x + b) mod p``: a new shuffle every day."""
    digest = hashlib.sha256(f"kwis_job:day:{day.isoformat()}".encode()).digest()
    a = 1 + int.from_bytes(digest[:8], "big") % (ROTATION_MODULUS - 1)
    b = int.from_bytes(digest[8:16], "big") % ROTATION_MODULUS
    return a, b


@dataclass(frozen=True)
class Ranks:
    rank: np.ndarray
    """Rank by position (``UNRANKED`` for retired positions)."""
    by_rank: np.ndarray
    """Alive positions in rank order."""
    by_type: dict[int, np.ndarray]
    """Per type index, its positions in rank order (typed ranks only): a type's list is what a
    search for that type walks, densely."""
    day: date
    stamp: int
    computed_at: float
    seconds: float

    def of(self, positions: np.ndarray) -> np.ndarray:
        known = positions < len(self.rank)
        return np.where(known, self.rank[np.minimum(positions, len(self.rank) - 1)],
                        UNRANKED + positions) if len(self.rank) else UNRANKED + positions


def _daily_offer_keys(replica: Replica, positions: np.ndarray, day: date) -> np.ndarray:
    a, b = day_seed(day)
    # a, b and the rotation are below 2**31, so a*x + b stays below 2**63: exact in int64
    return (replica.rotation.view()[positions] * a + b) % ROTATION_MODULUS


def _compute(replica: Replica, day: date, typed: bool) -> Ranks:
    started = time.perf_counter()
    positions = positions_of(replica.alive)
    rank = np.full(replica.size, UNRANKED, dtype=np.int64)
    if len(positions) == 0:
        return Ranks(rank, positions, {}, day, replica.stamp, time.monotonic(), 0.0)
    company = replica.company.view()[positions].astype(np.int64)
    offer_id = replica.offer_id.view()[positions]
    group = company * (len(replica.type_keys) + 1) + replica.type_index.view()[positions] \
        if typed else company
    # round: the place of each offer among its company's (or company-and-type's) offers today
    by_group = np.lexsort((offer_id, _daily_offer_keys(replica, positions, day), group))
    sorted_group = group[by_group]
    starts = np.ones(len(by_group), dtype=bool)
    starts[1:] = sorted_group[1:] != sorted_group[:-1]
    first = np.maximum.accumulate(np.where(starts, np.arange(len(by_group)), 0))
    rounds = np.empty(len(by_group), dtype=np.int64)
    rounds[by_group] = np.arange(len(by_group)) - first
    # turn: the company's place in the fixed company order, moved on by one page a day
    companies = np.unique(company)
    company_rotation = np.array(replica.company_rotation, dtype=np.int64)[companies]
    fixed_order = np.lexsort((companies, company_rotation))
    place = np.empty(len(companies), dtype=np.int64)
    place[fixed_order] = np.arange(len(companies))
    turns = (place - day.toordinal() * PAGE_SIZE) % len(companies)
    turn = turns[np.searchsorted(companies, company)]
    order = np.lexsort((offer_id, turn, rounds))
    by_rank = positions[order]
    rank[by_rank] = np.arange(len(by_rank))
    by_type: dict[int, np.ndarray] = {}
    if typed:
        types = replica.type_index.view()[by_rank]
        by_type = {int(t): by_rank[types == t] for t in np.unique(types)}
    return Ranks(rank, by_rank, by_type, day, replica.stamp, time.monotonic(),
                 time.perf_counter() - started)


def ranks(replica: Replica, day: date, typed: bool = False) -> Ranks:
    """The day's ranks, recomputed when the day changed, or after changes when due."""
    current: Ranks | None = replica.ranks.get(typed)
    due = (
        current is None
        or current.day != day
        or (current.stamp != replica.stamp
            and time.monotonic() - current.computed_at >= RECOMPUTE_FACTOR * current.seconds)
    )
    if due:
        current = replica.ranks[typed] = _compute(replica, day, typed)
    return current


# --- putting a filtered set in order ---------------------------------------------------------


def _top(positions: np.ndarray, keys: np.ndarray, offset: int, count: int) -> np.ndarray:
    """``positions[offset:offset+count]`` in the order of ``keys`` (all distinct)."""
    need = offset + count
    if need < len(keys):
        chosen = np.argpartition(keys, need - 1)[:need]
        chosen = chosen[np.argsort(keys[chosen], kind="stable")]
    else:
        chosen = np.argsort(keys, kind="stable")
    return positions[chosen[offset:need]]


def by_rotation(
    hits: BitMap, order: Ranks, offset: int, count: int, within: np.ndarray | None = None
) -> list[int]:
    """Positions ``offset`` to ``offset + count`` of ``hits`` in the day's rotation.

    ``within``: a list in rank order known to contain every hit (a type's list), walked instead
    of the whole order."""
    total = len(hits)
    if offset >= total:
        return []
    need = offset + count
    walk = order.by_rank if within is None else within
    if len(walk) and total * 8 >= len(walk):  # many hits: walk the order until enough are found
        found: list[int] = []
        step = max(256, int(need * len(walk) / total * 1.25))
        start = 0
        while len(found) < need and start < len(walk):
            found.extend(p for p in walk[start:start + step].tolist() if p in hits)
            start += step
        if len(found) < need:  # added since the ranks were computed: last, by position
            found.extend(hits.iter_equal_or_larger(len(order.rank)))
        return found[offset:need]
    positions = positions_of(hits)
    return _top(positions, order.of(positions), offset, count).tolist()


def _levels(hits: BitMap, words: list[BitMap]) -> list[BitMap]:
    """``hits`` split by how many of ``words`` each has, most first (up to three words as set
    operations; more words are rare and scored one by one in ``by_relevance``)."""
    if len(words) == 1:
        found = [hits & words[0]]
    elif len(words) == 2:
        both = hits & words[0] & words[1]
        found = [both, (hits & (words[0] | words[1])) - both]
    else:
        a, b, c = words
        three = hits & a & b & c
        two = (hits & ((a & b) | (a & c) | (b & c))) - three
        found = [three, two, (hits & (a | b | c)) - three - two]
    scored = BitMap.union(*found)
    return [*found, hits - scored]


def by_relevance(
    hits: BitMap, title_words: list[BitMap], order: Ranks, offset: int, count: int
) -> list[int]:
    """By the number of query words in the title (more first), then by rotation."""
    if len(title_words) <= 3:
        page: list[int] = []
        for level in _levels(hits, title_words):
            if offset >= len(level):
                offset -= len(level)
                continue
            page += by_rotation(level, order, offset, count - len(page))
            offset = 0
            if len(page) == count:
                break
        return page
    scored = hits & BitMap.union(*title_words)
    positions = positions_of(scored)
    score = np.zeros(len(positions), dtype=np.int64)
    for word in title_words:
        score[np.searchsorted(positions, positions_of(word & scored))] += 1
    keys = ((len(title_words) - score) << _RANK_BITS) + order.of(positions)
    page = _top(positions, keys, offset, count).tolist()
    if len(page) < count:
        rest = hits - scored
        page += by_rotation(rest, order, max(0, offset - len(positions)), count - len(page))
    return page


def by_distance(
    hits: BitMap, km: np.ndarray, location: np.ndarray, order: Ranks, offset: int, count: int
) -> tuple[list[int], list[float]]:
    """Nearest first (to the metre), then by rotation; with the distances in km."""
    positions = positions_of(hits)
    distance = km[location[positions]]
    metres = np.minimum(np.round(distance * 1000), (1 << 20) - 1).astype(np.int64)
    page = _top(positions, (metres << _RANK_BITS) + order.of(positions), offset, count)
    return page.tolist(), km[location[page]].tolist()


def by_newest(hits: BitMap, offer_ids: np.ndarray, offset: int, count: int) -> list[int]:
    """Highest offer id (the newest offer) first."""
    positions = positions_of(hits)
    return _top(positions, -offer_ids[positions], offset, count).tolist()
