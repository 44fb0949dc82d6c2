"""The search index follows every publication, status change and deletion, reads only the
published snapshots, and every change to it is logged for the replicas on both engines."""

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
    SearchChange,
    SearchDoc,
    SearchFacet,
    TargetGroup,
)
from kwis_job_plugin.services import host_sync, publication, search, search_index, search_query
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


def _found(session, text_: str) -> list[int]:
    """Offer ids the portal search finds for ``text_`` (through this session's replica)."""
    query = search_query.SearchQuery(text=text_)
    return [item.offer_id for item in search.search(session, query, date.today()).items]


def _logged_after(session, seq: int) -> set[int]:
    return set(session.scalars(select(SearchChange.offer_id).where(SearchChange.seq > seq)))


def _last_seq(session) -> int:
    return session.scalar(select(func.max(SearchChange.seq))) or 0


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
    assert _found(session, "Brillengläser") == [offer.id]


def test_words_at_paragraph_list_and_line_boundaries_are_found(session, world, company):
    """Issue 15: flattening the markup once glued "Holz" and "Metall" into "holzmetall"."""
    offer = _offer(session, company, description_html=(
        "<p>Wir suchen</p><p>Jena</p><ul><li>Holz</li><li>Metall</li></ul>Zeile<br>zwei"))
    publication.submit(session, offer, world.region, offer_snapshot, world.a.id)
    terms = _doc(session, offer).terms.split()
    for glued in ("suchenjena", "holzmetall", "metallzeil", "zeilezwei"):
        assert not any(term.startswith(glued) for term in terms), glued
    for word in ("Metall", "Holz", "Jena", "zwei"):
        assert _found(session, word) == [offer.id], word


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
    assert _found(session, "Linsenschleiferei") == [], "the old title is gone from the search"
    assert _found(session, "Titel") == [offer.id]


@pytest.mark.parametrize("hidden", ["paused", "archived"])
def test_paused_and_archived_offers_leave_and_come_back(session, world, company, hidden):
    offer = _offer(session, company)
    publication.submit(session, offer, world.region, offer_snapshot, world.a.id)
    offer.status = hidden
    search_index.refresh_offer(session, offer)
    assert _doc(session, offer) is None and _count(session, SearchFacet) == 0
    assert _found(session, "Linsenschleiferei") == []
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

    assert _found(session, "zweites") == [second.id]
    host_sync.delete_customer_data(session, world.a.customer.id)
    assert _count(session, SearchDoc) == 0 and _count(session, SearchFacet) == 0
    assert _found(session, "zweites") == []


def test_a_database_cascade_is_logged_for_the_replicas(session, world, company):
    offer = _offer(session, company)
    publication.submit(session, offer, world.region, offer_snapshot, world.a.id)
    session.commit()
    assert _found(session, "Linsenschleiferei") == [offer.id]
    before = _last_seq(session)
    session.execute(text("DELETE FROM kwis_job_offer WHERE id = :id"), {"id": offer.id})
    session.commit()
    assert _count(session, SearchDoc) == 0 and _count(session, SearchFacet) == 0
    assert _logged_after(session, before) == {offer.id}
    assert _found(session, "Linsenschleiferei") == []


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
    found = _found(session, "Glas")
    assert search_index.rebuild_all(session) == 3
    assert state() == before
    session.commit()
    assert _found(session, "Glas") == found and len(found) == 1


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


def test_every_write_is_logged_even_one_that_changes_only_facets(session, world, company):
    offer = _offer(session, company)
    publication.submit(session, offer, world.region, offer_snapshot, world.a.id)
    session.commit()
    before = _last_seq(session)
    company.benefits = []  # the profile's benefits show on every offer: a facet-only change
    publication.submit(session, company, world.region, profile_snapshot, world.a.id)
    session.commit()
    assert _logged_after(session, before) == {offer.id}
    assert _facets(session, offer) == {("field", "technik"), ("target_group", "schueler")}


def test_the_migration_swaps_full_text_for_the_change_log(empty_database_url):
    engine = make_engine(empty_database_url)
    location = migration_location()
    create_host_schema(engine)
    migrations.upgrade(engine, location)
    sqlite = engine.dialect.name == "sqlite"

    def objects() -> set[str]:
        with engine.connect() as conn:
            if sqlite:
                return set(conn.scalars(text(
                    "SELECT name FROM sqlite_master WHERE name LIKE 'kwis_job_search_%' "
                    "AND type IN ('trigger', 'table') AND name NOT IN "
                    "('kwis_job_search_doc', 'kwis_job_search_facet', 'kwis_job_search_snapshot')"
                )))
            triggers = set(conn.scalars(text(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")))
        indexes = {ix["name"] for ix in inspect(engine).get_indexes("kwis_job_search_doc")}
        return triggers | (indexes & {"ix_kwis_job_search_doc_terms_fts"}) | (
            {"kwis_job_search_change"} & set(inspect(engine).get_table_names()))

    log = "kwis_job_search_change"
    if sqlite:
        assert objects() == {log, f"{log}_insert", f"{log}_update", f"{log}_delete"}
    else:
        assert objects() == {log, f"{log}_append"}
    migrations.check(engine, location)

    migrations.downgrade(engine, location, "0003")
    fts = "kwis_job_search_fts"
    if sqlite:
        assert {fts, f"{fts}_ai", f"{fts}_ad", f"{fts}_au"} <= objects()
        assert log not in objects()
    else:
        assert objects() == {"ix_kwis_job_search_doc_terms_fts"}
    migrations.downgrade(engine, location, "0002")
    assert "kwis_job_search_doc" not in inspect(engine).get_table_names()
    migrations.upgrade(engine, location)
    with Session(engine) as session:
        assert search_index.rebuild_all(session) == 0
    engine.dispose()
