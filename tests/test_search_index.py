"""The search index follows every publication, status change and deletion, reads only the
published snapshots, and its full-text part stays in step on both engines."""

from __future__ import annotations

from datetime import date

import pytest
from kwis_hooks import migrations
from kwis_hooks.refhost.db import make_engine
from kwis_hooks.refhost.models import create_host_schema
from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from kwis_job_plugin.config import migration_location
from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import (
    Benefit,
    OccupationalField,
    Offer,
    SearchDoc,
    SearchFacet,
    TargetGroup,
)
from kwis_job_plugin.models.search import FTS_TABLE, PG_TERMS_INDEX
from kwis_job_plugin.services import host_sync, publication, search_index
from kwis_job_plugin.services.snapshots import offer_snapshot, profile_snapshot


def _doc(session, offer) -> SearchDoc | None:
    session.expire_all()
    return session.scalar(select(SearchDoc).where(SearchDoc.offer_id == offer.id))


def _facets(session, offer) -> set[tuple[str, str]]:
    return set(
        session.execute(
            select(SearchFacet.facet, SearchFacet.key)
            .join(SearchDoc, SearchFacet.doc_id == SearchDoc.id)
            .where(SearchDoc.offer_id == offer.id)
        ).all()
    )


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _fts_hits(session, term: str) -> int | None:
    """Index entries for ``term`` (SQLite FTS5); ``None`` on engines without a separate index."""
    if session.connection().dialect.name != "sqlite":
        return None
    return session.scalar(
        text(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q"), {"q": term}
    )


@pytest.fixture
def company(session, world):
    """A published profile of Optik Alpha in Jena (review rule "none"), not yet with offers."""
    world.region.review_rule = "none"
    profile = factories.ProfileFactory(customer=world.a.customer, region=world.region)
    profile.fields = list(
        session.scalars(select(OccupationalField).where(OccupationalField.key == "technik"))
    )
    profile.benefits = list(session.scalars(select(Benefit).where(Benefit.key == "jobticket")))
    publication.submit(session, profile, world.region, profile_snapshot, world.a.id)
    return profile


def _offer(session, profile, **values) -> Offer:
    values.setdefault("title", "Ferienjob in der Linsenschleiferei")
    values.setdefault("places", 3)
    offer = factories.OfferFactory(profile=profile, type_key="ferienjob", **values)
    offer.target_groups = list(
        session.scalars(select(TargetGroup).where(TargetGroup.key == "schueler"))
    )
    session.flush()
    return offer


def test_publishing_indexes_the_snapshot(session, world, company):
    offer = _offer(session, company, description_html="<p>Brillengläser &amp; Linsen</p>")
    assert _doc(session, offer) is None, "a draft is not in the index"
    publication.submit(session, offer, world.region, offer_snapshot, world.a.id)

    doc = _doc(session, offer)
    assert doc is not None
    assert (doc.title, doc.offer_type, doc.company_name, doc.region_id) == (
        "Ferienjob in der Linsenschleiferei", "ferienjob", "Optik Alpha", world.region.id)
    assert (doc.postcode, doc.city, doc.lat, doc.lon) == ("07743", "Jena", 50.9279, 11.5869)
    assert doc.has_places and doc.places == 3 and doc.expires_on is None
    assert _facets(session, offer) == {
        ("field", "technik"), ("benefit", "jobticket"), ("target_group", "schueler")}
    terms = doc.terms.split()
    for term in ("ferienjob", "job", "linsenschleiferei", "brillengl", "lins", "optik", "jena",
                 "schul", "technik"):
        assert term in terms, term
    assert doc.title_terms == " ferienjob job linsenschleiferei "
    assert _fts_hits(session, "brillengl") in (1, None)


def test_edits_under_review_leave_the_public_version_in_the_index(session, world, company):
    offer = _offer(session, company)
    publication.submit(session, offer, world.region, offer_snapshot, world.a.id)
    world.region.review_rule = "every_change"
    offer.title, offer.status = "Ferienjob mit neuem Titel", "draft"
    publication.submit(session, offer, world.region, offer_snapshot, world.a.id)
    assert offer.status == "in_review"
    assert _doc(session, offer).title == "Ferienjob in der Linsenschleiferei"

    publication.reject(session, offer, world.admin.id, "Bitte genauer beschreiben.")
    assert _doc(session, offer).title == "Ferienjob in der Linsenschleiferei"

    offer.status = "draft"
    publication.submit(session, offer, world.region, offer_snapshot, world.a.id)
    publication.approve(session, offer, offer_snapshot, world.admin.id)
    doc = _doc(session, offer)
    assert doc.title == "Ferienjob mit neuem Titel"
    assert "titel" in doc.terms.split() and "linsenschleiferei" not in doc.terms.split()
    assert _fts_hits(session, "linsenschleiferei") in (0, None), "no stale full-text entry"
    assert _fts_hits(session, "titel") in (1, None)


@pytest.mark.parametrize("hidden", ["paused", "archived"])
def test_paused_and_archived_offers_leave_and_come_back(session, world, company, hidden):
    offer = _offer(session, company)
    publication.submit(session, offer, world.region, offer_snapshot, world.a.id)
    offer.status = hidden
    search_index.refresh_offer(session, offer)
    assert _doc(session, offer) is None and _count(session, SearchFacet) == 0
    assert _fts_hits(session, "linsenschleiferei") in (0, None)
    offer.status = "published"
    search_index.refresh_offer(session, offer)
    assert _doc(session, offer) is not None


def test_a_profile_change_reaches_every_offer(session, world, company):
    offers = [_offer(session, company, title=f"Schnuppertag {n}") for n in range(3)]
    for offer in offers:
        publication.submit(session, offer, world.region, offer_snapshot, world.a.id)
    company.display_name, company.status = "Optik Alpha Jena", "draft"
    company.benefits = []
    publication.submit(session, company, world.region, profile_snapshot, world.a.id)
    for offer in offers:
        assert _doc(session, offer).company_name == "Optik Alpha Jena"
        assert ("benefit", "jobticket") not in _facets(session, offer)

    company.status = "archived"
    search_index.refresh_profile(session, company)
    assert _count(session, SearchDoc) == 0


def test_a_profile_outside_every_region_is_not_indexed(session, world):
    profile = factories.ProfileFactory(customer=world.outside.customer, status="published")
    offer = factories.OfferFactory(profile=profile, status="published")
    assert search_index.refresh_offer(session, offer) is None
    assert _count(session, SearchDoc) == 0


def test_deleting_an_offer_or_a_customer_removes_its_documents(session, world, company):
    first, second = _offer(session, company), _offer(session, company, title="Zweites Angebot")
    for offer in (first, second):
        publication.submit(session, offer, world.region, offer_snapshot, world.a.id)
    assert search_index.remove_offer(session, first.id)
    assert not search_index.remove_offer(session, first.id)
    session.delete(first)
    session.flush()
    assert _count(session, SearchDoc) == 1

    host_sync.delete_customer_data(session, world.a.customer.id)
    assert _count(session, SearchDoc) == 0 and _count(session, SearchFacet) == 0
    assert _fts_hits(session, "zweit") in (0, None)


def test_a_database_cascade_also_clears_the_full_text_index(session, world, company):
    offer = _offer(session, company)
    publication.submit(session, offer, world.region, offer_snapshot, world.a.id)
    session.commit()
    session.execute(text("DELETE FROM kwis_job_offer WHERE id = :id"), {"id": offer.id})
    assert _count(session, SearchDoc) == 0 and _count(session, SearchFacet) == 0
    assert _fts_hits(session, "linsenschleiferei") in (0, None)


def test_rebuild_all_gives_the_same_index_as_the_incremental_updates(session, world, company):
    for n, title in enumerate(("Ferienjob Linsen", "Praktikum Optik", "Schnuppertag Glas")):
        offer = _offer(session, company, title=title, places=n)
        publication.submit(session, offer, world.region, offer_snapshot, world.a.id)
    columns = [c for c in SearchDoc.__table__.c if c.name not in ("id", "indexed_at")]

    def state():
        session.expire_all()
        rows = session.execute(select(*columns).order_by(SearchDoc.offer_id)).all()
        facets = session.execute(
            select(SearchDoc.offer_id, SearchFacet.facet, SearchFacet.key)
            .join(SearchDoc).order_by(SearchDoc.offer_id, SearchFacet.facet, SearchFacet.key)
        ).all()
        return rows, facets

    before = state()
    assert search_index.rebuild_all(session) == 3
    assert state() == before
    assert _fts_hits(session, "glas") in (1, None)


def test_the_place_falls_back_to_the_company_address_then_the_postcode(session, world, company):
    factories.CustomerFactory(name="Nachbar", postcode="07745", city="Jena", lat=50.92, lon=11.56)
    at_company = _offer(session, company)
    elsewhere = _offer(session, company, place_mode="other", postcode="07745", city="Jena")
    unknown = _offer(session, company, place_mode="other", postcode="99999", city="Irgendwo")
    for offer in (at_company, elsewhere, unknown):
        publication.submit(session, offer, world.region, offer_snapshot, world.a.id)
    assert (_doc(session, at_company).lat, _doc(session, at_company).lon) == (50.9279, 11.5869)
    assert (_doc(session, elsewhere).lat, _doc(session, elsewhere).lon) == (50.92, 11.56)
    far = _doc(session, unknown)
    assert (far.lat, far.lon, far.postcode, far.city) == (None, None, "99999", "Irgendwo")


@pytest.mark.parametrize(
    ("snapshot", "expires"),
    [
        ({"time_mode": "by_arrangement"}, None),
        ({"time_mode": "by_arrangement", "valid_until": "2026-05-31"}, date(2026, 5, 31)),
        ({"time_mode": "yearly", "recurrence": [7, 1, 8, 31]}, None),
        ({"time_mode": "range", "start_date": "2026-08-01", "end_date": "2029-07-31"},
         date(2029, 7, 31)),
        ({"time_mode": "range", "start_date": "2026-08-01", "end_date": "2029-07-31",
          "valid_until": "2026-06-30"}, date(2026, 6, 30)),
        ({"time_mode": "fixed", "fixed_dates": ["2026-04-02", "2026-03-05"]}, date(2026, 4, 2)),
        ({"time_mode": "fixed", "fixed_dates": ["kaputt"]}, None),
    ],
)
def test_expiry_date_of_a_snapshot(snapshot, expires):
    assert search_index.expires_on(snapshot) == expires
    if expires is not None:
        assert not search_index.is_expired(snapshot, expires)
        assert search_index.is_expired(snapshot, date.fromordinal(expires.toordinal() + 1))


def test_rotation_seed_depends_on_the_id_only():
    assert search_index.rotation_of("offer", 7) == search_index.rotation_of("offer", 7)
    assert search_index.rotation_of("offer", 7) != search_index.rotation_of("profile", 7)
    values = {search_index.rotation_of("offer", n) for n in range(1000)}
    assert len(values) == 1000
    assert all(0 <= v < search_index.ROTATION_MODULUS for v in values)


def test_the_full_text_index_is_used(session, world, company):
    for n in range(30):
        offer = _offer(session, company, title=f"Angebot Nummer {n}")
        publication.submit(session, offer, world.region, offer_snapshot, world.a.id)
    if session.connection().dialect.name == "postgresql":
        session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(session.scalars(text(
            "EXPLAIN SELECT id FROM kwis_job_search_doc WHERE "
            "to_tsvector('simple'::regconfig, terms) @@ to_tsquery('simple', 'numm')")))
        assert PG_TERMS_INDEX in plan, plan
    else:
        plan = " ".join(str(row) for row in session.execute(text(
            f"EXPLAIN QUERY PLAN SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH 'numm'")))
        assert "VIRTUAL TABLE INDEX" in plan, plan
        assert _fts_hits(session, "numm") == 30


def test_the_migration_creates_and_drops_each_engines_full_text_part(empty_database_url):
    engine = make_engine(empty_database_url)
    location = migration_location()
    create_host_schema(engine)
    migrations.upgrade(engine, location)

    def full_text_objects() -> set[str]:
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                return set(conn.scalars(text(
                    "SELECT name FROM sqlite_master WHERE name LIKE 'kwis_job_search_fts%'")))
        return {ix["name"] for ix in inspect(engine).get_indexes("kwis_job_search_doc")
                if ix["name"] == PG_TERMS_INDEX}

    if engine.dialect.name == "sqlite":
        assert {FTS_TABLE, f"{FTS_TABLE}_ai", f"{FTS_TABLE}_ad", f"{FTS_TABLE}_au"} <= (
            full_text_objects())
    else:
        assert full_text_objects() == {PG_TERMS_INDEX}
    migrations.check(engine, location)

    migrations.downgrade(engine, location, "0002")
    assert "kwis_job_search_doc" not in inspect(engine).get_table_names()
    if engine.dialect.name == "sqlite":
        assert full_text_objects() == set()
    migrations.upgrade(engine, location)
    with Session(engine) as session:
        assert search_index.rebuild_all(session) == 0
    engine.dispose()
