"""Regions, feature switches, taxonomies and looks are read once per process and version
(``services/search_settings.py``), and a change in the admin area still reaches every worker at
its next request. A second Flask app on the same database stands in for a second worker: its
own engine, so its own copy of the settings and its own replica, and its own cache of finished
pages (``response_cache``, on by default), which holds the page from before each change."""

from __future__ import annotations

import pytest
from kwis_hooks.refhost.app import create_app
from sqlalchemy import event, select
from support import search_world

from kwis_job_plugin.models import OfferType, Region
from kwis_job_plugin.services import features, region_theme, search_settings


@pytest.fixture
def sw(session):
    return search_world.build(session)


@pytest.fixture
def second_worker(db_url, sw):
    app = create_app({"KWIS_DATABASE_URL": db_url, "SECRET_KEY": "test-secret",
                      "TESTING": True})
    yield app.test_client()
    app.extensions["kwis_host"]["engine"].dispose()


def _statements(app, client, url: str) -> list[str]:
    engine = app.extensions["kwis_host"]["engine"]
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return seen


def test_a_warm_search_reads_the_settings_as_one_version_number(app, client, sw):
    client.get("/jobs/suche")  # loads replica and settings
    statements = _statements(app, client, "/jobs/suche?q=ferienjob&region=jena")
    joined = "\n".join(statements)
    assert "kwis_job_feature_switch" not in joined
    assert "kwis_job_offer_type" not in joined
    assert "theme_color" not in joined  # the region's look
    assert joined.count("kwis_job_settings_version") == 1  # the calendar link asks no more
    search_statements = [s for s in statements if "kwis_job_region_legal" not in s]
    # the versions (settings and change log in one statement) and the cards (the footer's
    # legal links aside)
    assert len(search_statements) == 2, search_statements


def test_a_switch_reaches_the_other_worker_at_its_next_request(session, sw, client,
                                                             second_worker):
    jena = sw.regions["jena"]
    first = second_worker.get("/jobs/suche").get_data(as_text=True)
    assert 'id="kj-region-jena"' in first and 'href="/jobs/termine"' in first
    features.set_enabled(session, jena.id, "portal", False, None)
    for region in sw.regions.values():
        features.set_enabled(session, region.id, "events", False, None)
    session.commit()
    page = second_worker.get("/jobs/suche").get_data(as_text=True)
    # the header's calendar link reads the same settings
    assert 'id="kj-region-jena"' not in page and 'href="/jobs/termine"' not in page
    features.set_enabled(session, jena.id, "portal", True, None)
    features.set_enabled(session, jena.id, "events", True, None)
    session.commit()
    page = second_worker.get("/jobs/suche").get_data(as_text=True)
    assert 'id="kj-region-jena"' in page and 'href="/jobs/termine"' in page


@pytest.fixture
def ferienjob(session):
    """The seeded offer type, renamed back afterwards (taxonomies outlive each test)."""
    found = session.scalar(select(OfferType).where(OfferType.key == "ferienjob"))
    name = found.name
    yield found
    session.rollback()
    found.name = name
    session.commit()


def test_a_taxonomy_change_reaches_the_other_worker_at_its_next_request(session, sw, ferienjob,
                                                                      second_worker):
    assert "Ferienjob (" in second_worker.get("/jobs/").get_data(as_text=True)
    ferienjob.name = "Ferienarbeit"
    session.commit()
    page = second_worker.get("/jobs/").get_data(as_text=True)
    assert "Ferienarbeit (" in page and "Ferienjob (" not in page


def test_a_look_change_reaches_the_other_worker_at_its_next_request(session, sw,
                                                                  second_worker):
    before = second_worker.get("/jobs/suche?region=jena").get_data(as_text=True)
    assert "stil.css" not in before
    region = session.scalar(select(Region).where(Region.slug == "jena"))
    region_theme.update_theme(session, region, theme_color="#004b87",
                              theme_color_secondary=None)
    session.commit()
    after = second_worker.get("/jobs/suche?region=jena").get_data(as_text=True)
    assert "/jobs/regionen/jena/stil.css" in after


def test_uncommitted_changes_never_reach_the_shared_copy(session, sw):
    shared = search_settings.current(session)
    session.commit()
    features.set_enabled(session, sw.regions["jena"].id, "portal", False, None)
    session.flush()
    assert "jena" not in {row.slug for row in search_settings.current(session).portal_regions}
    session.rollback()
    again = search_settings.current(session)
    assert again is shared and "jena" in {row.slug for row in again.portal_regions}
