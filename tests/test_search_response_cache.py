"""Finished search pages are kept per version of what they show (``services/response_cache.py``):
a repeated search is served from the cache with one statement and the same ETag (304 when
asked conditionally), and a change of the index, of a switch, a taxonomy, a look or the legal
data reaches the other worker at its next request with the caches in place. A second Flask app
on the same database stands in for a second worker (its own engine, replica and cache); the
switch, taxonomy and look cases are in ``test_search_settings.py``, which runs with the cache
on too (the default)."""

from __future__ import annotations

import pytest
from kwis_hooks.refhost.app import create_app
from sqlalchemy import event, select
from support import search_world

from kwis_job_plugin.models import Region, RegionLegal, SearchDoc
from kwis_job_plugin.services import response_cache
from kwis_job_plugin.views import portal

URL = "/jobs/suche?region=jena"


@pytest.fixture
def sw(session):
    return search_world.build(session)


def _worker(db_url, **config):
    return create_app({"KWIS_DATABASE_URL": db_url, "SECRET_KEY": "test-secret",
                       "TESTING": True, **config})


@pytest.fixture
def second(db_url, sw):
    app = _worker(db_url)
    yield app
    app.extensions["kwis_host"]["engine"].dispose()


def _statements(app, url: str, **headers) -> tuple[list[str], object]:
    engine = app.extensions["kwis_host"]["engine"]
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        response = app.test_client().get(url, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return seen, response


def test_a_repeated_search_is_served_from_the_cache(second):
    _, first = _statements(second, URL)
    statements, again = _statements(second, URL)
    assert again.status_code == 200 and again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]
    assert len(statements) == 1 and "kwis_job_settings_version" in statements[0]
    assert "Set-Cookie" not in again.headers and "public" in again.headers["Cache-Control"]
    _, conditional = _statements(second, URL, **{"If-None-Match": first.headers["ETag"]})
    assert conditional.status_code == 304
    # the locale is part of the key
    english = second.test_client().get(URL, headers={"Accept-Language": "en"}).get_data()
    assert english != first.get_data()


def test_an_index_change_reaches_the_other_worker(session, sw, second):
    client = second.test_client()
    client.get("/jobs/suche")
    before = client.get("/jobs/suche").get_data(as_text=True)  # from the cache
    doc = session.scalar(select(SearchDoc).where(SearchDoc.offer_id == sw.ids["a"]))
    assert f"/angebote/{sw.ids['a']}-" in before
    session.delete(doc)
    session.commit()
    assert f"/angebote/{sw.ids['a']}-" not in client.get("/jobs/suche").get_data(as_text=True)


def test_a_legal_change_reaches_the_other_worker(session, sw, second):
    client = second.test_client()
    client.get(URL)
    assert "Gebärdensprache" not in client.get(URL).get_data(as_text=True)
    jena = session.scalar(select(Region).where(Region.slug == "jena"))
    session.add(RegionLegal(region_id=jena.id,
                            sign_language_video_url="https://video.example/dgs"))
    session.commit()
    assert "Gebärdensprache" in client.get(URL).get_data(as_text=True)


def test_the_cache_can_be_off(db_url, sw):
    app = _worker(db_url, KWIS_JOB_RESPONSE_CACHE_SIZE=0)
    try:
        app.test_client().get(URL)
        statements, response = _statements(app, URL)
        assert response.status_code == 200 and len(statements) > 1
        assert app.extensions[portal._CACHE_KEY] is None
    finally:
        app.extensions["kwis_host"]["engine"].dispose()


class FakeRedis:
    def __init__(self):
        self.values: dict[str, bytes] = {}

    def get(self, key):
        return self.values.get(key)

    def set(self, key, value, ex=None):
        assert ex == response_cache.DAY_SECONDS
        self.values[key] = value


def test_a_shared_store_serves_every_app_server(db_url, sw, monkeypatch):
    shared = FakeRedis()
    monkeypatch.setattr(response_cache, "store_for",
                        lambda _entries, url: response_cache.RedisStore(url, client=shared))
    one = _worker(db_url, KWIS_JOB_RESPONSE_CACHE_URL="redis://cache.invalid/1")
    other = _worker(db_url, KWIS_JOB_RESPONSE_CACHE_URL="redis://cache.invalid/1")
    try:
        page = one.test_client().get(URL).get_data()
        assert len(shared.values) == 1
        statements, response = _statements(other, URL)
        assert response.get_data() == page and len(statements) == 1
    finally:
        for app in (one, other):
            app.extensions["kwis_host"]["engine"].dispose()


def test_the_memory_store_is_bounded():
    store = response_cache.MemoryStore(2)
    for key in "abc":
        store.set(key, key.encode())
    assert store.get("a") is None and store.get("b") == b"b"
    store.set("d", b"d")  # "c" was used least recently
    assert store.get("c") is None and len(store) == 2
