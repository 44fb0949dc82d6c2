"""The order of the portal's search results: the same on SQLite and PostgreSQL, fair by day.

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
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import reduce
from operator import add

from sqlalchemy import BigInteger, Select, case, cast, func, literal, select
from sqlalchemy.sql.elements import ColumnElement

from ..models import SearchDoc
from .search_index import ROTATION_MODULUS
from .search_query import PAGE_SIZE
from .text import QueryTerms


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


def title_score(terms: QueryTerms) -> ColumnElement:
    """How many query words stand in the title (the same number on every engine)."""
    patterns = [f"% {t} %" for t in terms.exact] + ([f"% {terms.prefix}%"] if terms.prefix else [])
    return reduce(
        add, (case((SearchDoc.title_terms.like(p), 1), else_=0) for p in patterns), literal(0)
    )


def rotation_order(conditions: list[ColumnElement], day: date) -> Select:
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


def tie_breaks(day: date) -> tuple:
    """What orders equal distances or scores: the day's rotation, then the offer id."""
    seed = _day_seed(day)
    return _daily(SearchDoc.company_rotation, seed), _daily(SearchDoc.rotation, seed), SearchDoc.id
