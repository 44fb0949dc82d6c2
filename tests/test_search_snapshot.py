"""The replica's snapshot (``services/search_snapshot.py``): a restored replica is the replica,
a damaged or foreign one is ignored, and a new worker warmed by the gunicorn hook
(``warm_up``) starts from it and answers at once. The stale-snapshot differential test is in
``test_search_differential.py``."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from kwis_hooks.refhost.app import create_app
from sqlalchemy import event, update
from support import search_world

from kwis_job_plugin import warm_up
from kwis_job_plugin.models import SearchSnapshot
from kwis_job_plugin.services import search, search_query, search_snapshot, search_sync

TODAY = date(2026, 11, 22)


@pytest.fixture
def sw(session):
    return search_world.build(session)


def _state(replica) -> dict:
    return {
        "version": replica.version,
        "alive": list(replica.alive),
        "position_of": replica.position_of,
        "columns": {name: replica.__dict__[name].view().tolist()
                    for name in ("doc_id", "offer_id", "company", "type_index", "location",
                                 "expires", "rotation")},
        "terms": {k: list(v) for k, v in replica.terms.items()},
        "title_terms": {k: list(v) for k, v in replica.title_terms.items()},
        "filters": {k: list(v) for k, v in replica.filters.items()},
        "companies": (replica.company_of_profile, replica.company_rotation),
        "types": replica.type_keys,
        "locations": (replica._location_of, replica._location_lat, replica._location_lon),
    }


def test_a_restored_replica_is_the_replica(session, sw):
    replica = search_sync.load_fresh(session)
    again = search_snapshot.restore(search_snapshot.dump(replica))
    assert _state(again) == _state(replica)
    assert again.rotation.view().dtype == np.int64 and again.location.view().dtype == np.int32
    query = search_query.SearchQuery(place="50.93, 11.59", radius_km=25)
    assert again.distances_to(50.93, 11.59).tolist() == replica.distances_to(50.93, 11.59).tolist()
    assert search.search(session, query, TODAY).total > 0


@pytest.mark.parametrize("data", [b"", b"not a snapshot", b"PK\x03\x04broken"])
def test_a_damaged_snapshot_is_ignored(session, sw, data):
    search_sync.write_snapshot(session)
    session.execute(update(SearchSnapshot).values(data=data))
    session.commit()
    assert search_snapshot.read(session) is None
    search_sync._slots.pop(session.get_bind(), None)  # a new worker loads from the documents
    assert {i.offer_id for i in search.search(session, search_query.SearchQuery(), TODAY).items
            } == {sw.ids[x] for x in "abcdefg"}


def test_a_snapshot_of_another_format_is_ignored(session, sw, monkeypatch):
    search_sync.write_snapshot(session)
    session.commit()
    monkeypatch.setattr(search_snapshot, "FORMAT", search_snapshot.FORMAT + 1)
    assert search_snapshot.seq(session) is None and search_snapshot.read(session) is None


def test_the_hook_warms_a_new_worker_from_the_snapshot(db_url, session, sw):
    def new_worker():
        return create_app({"KWIS_DATABASE_URL": db_url, "SECRET_KEY": "test-secret",
                           "TESTING": True})

    first = new_worker()
    found = warm_up.warm(first)  # no snapshot yet: loads the documents and stores one
    assert not found["from_snapshot"] and found["stored_snapshot"]
    assert found["documents"] >= 7  # a to g, and documents of regions without the portal
    second = new_worker()
    found = warm_up.warm(second)
    assert found["from_snapshot"] and "stored_snapshot" not in found
    engine = second.extensions["kwis_host"]["engine"]
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_a: statements.append(statement))
    assert second.test_client().get("/jobs/suche?q=linsen").status_code == 200
    assert not any("kwis_job_search_doc" in s and "terms" in s for s in statements), (
        "the warmed worker loaded nothing more")
    for app in (first, second):
        app.extensions["kwis_host"]["engine"].dispose()
