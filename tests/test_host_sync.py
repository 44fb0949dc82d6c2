"""Host changes reach the plug-in: GDPR deletion cascade, forgotten users, moved companies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from kwis_job_plugin.demo.factories import OfferFactory, ProfileFactory, RegionFactory
from kwis_job_plugin.models import (
    AuditEntry,
    EmployerProfile,
    Event,
    EventParticipation,
    Invitation,
    Media,
    Offer,
    Registration,
    RegistrationToken,
    Slot,
)
from kwis_job_plugin.models.profile import profile_benefit


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _full_profile(session, user, region):
    profile = ProfileFactory(customer=user.customer, region=region, status="published",
                             reviewed_by_user_id=None)
    OfferFactory(profile=profile)
    session.add(Media(profile=profile, kind="logo", content_type="image/png", data=b"x",
                      width=1, height=1, sha256="0" * 64, created_at=datetime(2026, 1, 1)))
    event = Event(region_id=region.id, kind="fair", slug="messe", title="Messe",
                  starts_on=datetime(2027, 3, 1).date(), ends_on=datetime(2027, 3, 1).date())
    participation = EventParticipation(event=event, profile=profile)
    slot = Slot(participation=participation, title="Rundgang", starts_at=datetime(2027, 3, 1, 9),
                ends_at=datetime(2027, 3, 1, 11), capacity=5)
    session.add_all([event, participation, slot])
    registration = Registration(slot=slot, first_name="Mia", last_name="M.",
                                email="m@s.example", created_at=datetime(2026, 11, 1))
    session.add(registration)
    session.add(RegistrationToken(registration=registration, purpose="cancel",
                                  token_hash=f"{user.id:064d}", expires_at=datetime(2027, 3, 2)))
    session.add(Invitation(customer_id=user.customer.id, token_hash=f"{user.id + 1000:064d}",
                           sent_at=datetime(2026, 1, 1)))
    session.flush()
    return profile


def test_deleting_a_customer_removes_all_its_data_and_nothing_else(app, world, session):
    _full_profile(session, world.a, world.region)
    kept = _full_profile(session, world.b, world.region)
    session.commit()

    host = app.extensions["kwis_host"]["plugins"]
    host.customer_deleted(session, world.a.customer.id)
    session.commit()

    assert session.scalars(select(EmployerProfile.id)).all() == [kept.id]
    assert {o.profile_id for o in session.scalars(select(Offer))} == {kept.id}
    for model in (Media, EventParticipation, Slot, Registration, RegistrationToken, Invitation):
        assert _count(session, model) == 1, model.__name__
    assert _count(session, Event) == 2, "events belong to the agency, not to the company"
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "customer.data_deleted"))


def test_deleting_a_customer_works_even_with_a_switched_off_feature(app, world, session):
    from kwis_job_plugin.services import features

    _full_profile(session, world.a, world.region)
    for feature in ("profile", "offers", "events"):
        features.set_enabled(session, world.region.id, feature, False, None)
    session.commit()
    app.extensions["kwis_host"]["plugins"].customer_deleted(session, world.a.customer.id)
    session.commit()
    assert _count(session, EmployerProfile) == 0


def test_deleting_a_user_forgets_the_user_everywhere(app, world, session):
    profile = ProfileFactory(customer=world.a.customer, region=world.region,
                             reviewed_by_user_id=world.admin.id, updated_by_user_id=world.a.id)
    session.add(AuditEntry(action="x", object_type="y", actor_user_id=world.admin.id))
    session.commit()
    app.extensions["kwis_host"]["plugins"].user_deleted(session, world.admin.id)
    session.commit()
    session.refresh(profile)
    assert profile.reviewed_by_user_id is None
    assert profile.updated_by_user_id == world.a.id
    assert session.scalar(select(AuditEntry.actor_user_id).where(AuditEntry.action == "x")) is None


def test_a_company_that_moves_gets_a_new_region_and_offer_place(app, world, session):
    weimarer_land = RegionFactory(slug="wl", name="Weimarer Land", prefixes=["16071"])
    profile = ProfileFactory(customer=world.a.customer, region=world.region)
    at_company = OfferFactory(profile=profile, place_mode="company", city="Jena")
    elsewhere = OfferFactory(profile=profile, place_mode="other", city="Jena")
    customer = world.a.customer
    customer.ags, customer.city, customer.postcode = "16071001", "Apolda", "99510"
    session.flush()
    app.extensions["kwis_host"]["plugins"].customer_changed(
        session, customer.id, {"ags", "city", "postcode"}
    )
    session.commit()
    session.refresh(profile)
    assert profile.region_id == weimarer_land.id
    assert session.get(Offer, at_company.id).city == "Apolda"
    assert session.get(Offer, elsewhere.id).city == "Jena"


def test_profile_benefit_links_go_with_the_profile(app, world, session):
    from kwis_job_plugin.models import Benefit

    profile = ProfileFactory(customer=world.a.customer, region=world.region)
    profile.benefits = list(session.scalars(select(Benefit).limit(3)))
    session.commit()
    app.extensions["kwis_host"]["plugins"].customer_deleted(session, world.a.customer.id)
    session.commit()
    assert session.scalar(select(func.count()).select_from(profile_benefit)) == 0
    assert _count(session, Benefit) >= 3, "taxonomy rows stay"


def test_a_moved_company_is_found_at_its_new_place(app, world, session):
    from kwis_job_plugin.models import SearchDoc
    from kwis_job_plugin.services import search_index

    profile = ProfileFactory(customer=world.a.customer, region=world.region, status="published")
    offer = OfferFactory(profile=profile, status="published", place_mode="company")
    search_index.refresh_offer(session, offer)
    customer = world.a.customer
    customer.postcode, customer.city, customer.lat, customer.lon = "07751", "Jena", 50.89, 11.60
    session.flush()
    app.extensions["kwis_host"]["plugins"].customer_changed(
        session, customer.id, {"postcode", "lat", "lon"}
    )
    session.commit()
    doc = session.scalar(select(SearchDoc).where(SearchDoc.offer_id == offer.id))
    assert (doc.postcode, doc.lat, doc.lon) == ("07751", 50.89, 11.60)
