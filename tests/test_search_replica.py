"""The in-process search replica: it follows the database across processes, never holds
uncommitted writes, and its two ways of ordering a set (walking the day's ranks, or sorting the
set's own) give the same pages."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import numpy as np
import pytest
from kwis_hooks.refhost.db import make_engine
from pyroaring import BitMap
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import SearchChange, TargetGroup
from kwis_job_plugin.services import offers, publication, search, search_order, search_query
from kwis_job_plugin.services.search_index import rotation_of
from kwis_job_plugin.services.search_replica import DocRow, Replica, positions_of
from kwis_job_plugin.services.snapshots import offer_snapshot, profile_snapshot

TODAY = date(2026, 11, 22)


def _found(session: Session, text: str = "") -> set[int]:
    result = search.search(session, search_query.SearchQuery(text=text), TODAY)
    return {item.offer_id for item in result.items}


@pytest.fixture
def company(session, world):
    world.region.review_rule = "none"
    profile = factories.ProfileFactory(customer=world.a.customer, region=world.region)
    publication.submit(session, profile, world.region, profile_snapshot, world.a.id)
    session.commit()
    return profile


def _publish(session, world, profile, title: str):
    offer = factories.OfferFactory(profile=profile, type_key="ferienjob", title=title)
    offer.target_groups = list(session.scalars(select(TargetGroup).where(TargetGroup.key ==
                                                                         "schueler")))
    publication.submit(session, offer, world.region, offer_snapshot, world.a.id)
    return offer


@pytest.fixture
def other_worker(db_url):
    """A second engine, as another gunicorn worker has: its own replica."""
    engine = make_engine(db_url)
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_another_worker_sees_each_commit_at_its_next_search(session, world, company,
                                                            other_worker):
    first = _publish(session, world, company, "Ferienjob Linsen")
    session.commit()
    assert _found(other_worker) == {first.id}
    other_worker.commit()

    second = _publish(session, world, company, "Ferienjob Prismen")
    session.commit()
    assert _found(other_worker) == {first.id, second.id}
    assert _found(other_worker, "Prismen") == {second.id}
    other_worker.commit()

    offers.pause_offer(session, world.a.customer.id, first.id, world.a.id)
    session.commit()
    assert _found(other_worker) == {second.id}


def test_uncommitted_index_writes_never_reach_the_shared_replica(session, world, company,
                                                                 other_worker):
    assert _found(session) == set()
    offer = _publish(session, world, company, "Ferienjob auf Probe")
    assert _found(session) == {offer.id}, "the writing transaction sees its own offer"
    session.rollback()
    assert _found(session) == set()
    assert _found(other_worker) == set()


def test_a_replica_behind_the_kept_log_loads_whole(session, world, company, other_worker):
    first = _publish(session, world, company, "Ferienjob Eins")
    session.commit()
    assert _found(other_worker) == {first.id}
    other_worker.commit()
    second = _publish(session, world, company, "Ferienjob Zwei")
    third = _publish(session, world, company, "Ferienjob Drei")
    session.commit()
    newest = session.scalar(select(func.max(SearchChange.seq)))
    session.execute(delete(SearchChange).where(SearchChange.seq < newest))  # as if pruned
    session.commit()
    assert _found(other_worker) == {first.id, second.id, third.id}


# --- ordering, on a replica built in memory ---------------------------------------------------


def _crowd(companies: int, seed: int) -> Replica:
    """Companies with 1 Ferienjob and 0-9 other offers each, spread over a few places."""
    rng = random.Random(seed)
    replica = Replica()
    offer_id = 0
    for profile_id in range(1, companies + 1):
        for n in range(1 + rng.randint(0, 9)):
            offer_id += 1
            kind = "ferienjob" if n == 0 else rng.choice(["praktikum", "ausbildung"])
            words = rng.sample(["holz", "metall", "glas", "optik", "team", "labor"], 3)
            replica.put([DocRow(
                offer_id, offer_id, profile_id, 1, kind, 50.9 + rng.random() / 10,
                11.5 + rng.random() / 10, rng.random() < 0.5, None,
                rotation_of("offer", offer_id), rotation_of("profile", profile_id),
                f" {words[0]} {words[1]} ", " ".join(words), (("field", rng.choice("abc")),),
            )])
    return replica


def _brute_rotation(hits: BitMap, order: search_order.Ranks) -> list[int]:
    return sorted(hits, key=lambda p: order.of(np.array([p]))[0])


@pytest.mark.parametrize("density", [1.0, 0.5, 0.13, 0.05, 0.01])
def test_walking_the_ranks_and_sorting_the_hits_give_the_same_pages(density):
    replica = _crowd(300, seed=3)
    order = search_order.ranks(replica, TODAY)
    rng = random.Random(int(density * 100))
    hits = BitMap(p for p in replica.alive if rng.random() < density)
    expected = _brute_rotation(hits, order)
    for offset in (0, 20, 200, len(hits) - 5):
        page = search_order.by_rotation(hits, order, max(0, offset), 20)
        assert page == expected[max(0, offset):max(0, offset) + 20], (density, offset)


def test_offers_added_after_the_ranks_come_last_by_position():
    replica = _crowd(50, seed=5)
    order = search_order.ranks(replica, TODAY)
    search_order.RECOMPUTE_FACTOR, saved = 10**9, search_order.RECOMPUTE_FACTOR
    try:
        replica.put([DocRow(10**6, 10**6, 999, 1, "ferienjob", None, None, False, None, 1, 1,
                           "", "neu", ())])
        stale = search_order.ranks(replica, TODAY)
    finally:
        search_order.RECOMPUTE_FACTOR = saved
    assert stale is order, "not yet due: the old ranks serve"
    newest = replica.position_of[10**6]
    everything = search_order.by_rotation(replica.alive, stale, 0, 10**6)
    assert everything[-1] == newest and len(everything) == len(replica.alive)
    assert search_order.by_rotation(BitMap([0, 1, newest]), stale, 0, 3)[-1] == newest
    assert search_order.ranks(replica, TODAY + timedelta(days=1)).day != TODAY


def test_relevance_and_distance_pages_equal_a_plain_sort():
    replica = _crowd(200, seed=7)
    order = search_order.ranks(replica, TODAY)
    rank = order.of(positions_of(replica.alive))
    rank_of = dict(zip(positions_of(replica.alive).tolist(), rank.tolist(), strict=True))
    hits = replica.text(("team",), None) | replica.text(("glas",), None)
    for query in (("team",), ("team", "glas"), ("team", "glas", "holz"),
                  ("team", "glas", "holz", "labor")):
        words = replica.title_words(query, None)
        score = {p: sum(p in w for w in words) for p in hits}
        expected = sorted(hits, key=lambda p: (-score[p], rank_of[p]))
        for offset in (0, 40, 400, len(hits) - 10):
            assert search_order.by_relevance(hits, words, order, offset, 20) == \
                expected[offset:offset + 20], (query, offset)

    km = replica.distances_to(50.95, 11.55)
    location = replica.location.view()
    near = replica.within(50.95, 11.55, 4, replica.alive)
    assert 0 < len(near) < len(replica.alive)
    expected = sorted(near, key=lambda p: (round(km[location[p]] * 1000), rank_of[p]))
    page, distances = search_order.by_distance(near, km, location, order, 0, 20)
    assert page == expected[:20]
    assert distances == sorted(distances) and max(distances) <= 4


def test_in_a_type_view_each_company_leads_equally_whatever_its_other_offers():
    replica = _crowd(60, seed=11)
    ferienjob = replica.filter("type", ["ferienjob"])
    on_page_one: Counter[int] = Counter()
    company = replica.company.view()
    for day in (TODAY + timedelta(days=k) for k in range(30)):
        order = search_order.ranks(replica, day, typed=True)
        page = search_order.by_rotation(ferienjob, order, 0, 20)
        walked = order.by_type[replica.type_number("ferienjob")]
        assert search_order.by_rotation(ferienjob, order, 0, 20, within=walked) == page
        on_page_one.update(int(company[p]) for p in page)
    assert sorted(on_page_one.values()) == [10] * 60, "60 companies, 20 a day, 30 days"
