"""Company A can neither see nor change company B's offers: every route answers 404 for a foreign
id, exactly as for a missing one, and B's rows stay as they were."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from support.web import csrf_token, login
from test_offer_service import offer_input, row_state
from test_offer_views import form_data

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import AuditEntry, Offer
from kwis_job_plugin.services import offers

BASE = "/selfservice/job/angebote"
ACTIONS = ["einreichen", "kopieren", "pausieren", "fortsetzen", "archivieren", "loeschen",
           "jaehrlich", "aktuell"]


@pytest.fixture
def b_offers(session, world):
    """B's offers in every state an action could apply to; A has a profile and an offer too."""
    factories.ProfileFactory(customer=world.a.customer, region=world.region, status="published")
    factories.ProfileFactory(customer=world.b.customer, region=world.region, status="published")
    session.flush()
    mine = offers.create_offer(session, world.a.customer_id, offer_input(session))
    world.region.review_rule = "none"
    published = offers.create_offer(session, world.b.customer_id, offer_input(
        session, title="B veröffentlicht", time_mode="range", start_date=date(2025, 7, 1),
        end_date=date(2025, 7, 31)))
    offers.submit_offer(session, world.b.customer_id, published.id)
    paused = offers.create_offer(session, world.b.customer_id, offer_input(session,
                                                                           title="B pausiert"))
    offers.submit_offer(session, world.b.customer_id, paused.id)
    offers.pause_offer(session, world.b.customer_id, paused.id)
    draft = offers.create_offer(session, world.b.customer_id, offer_input(
        session, title="B Entwurf", time_mode="fixed", fixed_dates=[date(2025, 3, 1)]))
    world.region.review_rule = "every_change"
    session.commit()
    return {"mine": mine, "published": published.id, "paused": paused.id, "draft": draft.id}


@pytest.fixture
def as_a(client, world):
    login(client, world.a.email, world.password)
    return client


def _snapshot(session, ids):
    return {i: row_state(session, i) for i in ids}


def _counts(session):
    session.expire_all()
    return (session.scalar(select(func.count()).select_from(Offer)),
            session.scalar(select(func.count()).select_from(AuditEntry)))


def test_a_cannot_read_bs_offers(as_a, session, b_offers):
    for key in ("published", "paused", "draft"):
        offer_id = b_offers[key]
        assert as_a.get(f"{BASE}/{offer_id}").status_code == 404
        assert as_a.get(f"{BASE}/{offer_id}/bearbeiten").status_code == 404
    listing = as_a.get(BASE).get_data(as_text=True)
    assert "B veröffentlicht" not in listing and "B Entwurf" not in listing
    assert "Praktikum in der Werkstatt" in listing


def test_a_cannot_change_bs_offers(as_a, session, b_offers):
    ids = [b_offers[k] for k in ("published", "paused", "draft")]
    before, counts = _snapshot(session, ids), _counts(session)
    token = csrf_token(as_a.get(BASE).data)
    for offer_id in ids:
        response = as_a.post(f"{BASE}/{offer_id}/bearbeiten", data={
            **form_data(session, title="Übernommen"), "version": "1", "csrf_token": token,
        })
        assert response.status_code == 404, offer_id
        for action in ACTIONS:
            response = as_a.post(f"{BASE}/{offer_id}/{action}",
                                 data={"csrf_token": token, "back": "list"})
            assert response.status_code == 404, (offer_id, action)
    assert _snapshot(session, ids) == before
    assert _counts(session) == counts, "no copy, no audit entry, nothing"


def test_the_same_actions_work_on_the_own_offer(as_a, session, b_offers):
    """The 404s above are about ownership, not about broken routes."""
    mine = b_offers["mine"].id
    token = csrf_token(as_a.get(BASE).data)
    assert as_a.get(f"{BASE}/{mine}").status_code == 200
    assert as_a.post(f"{BASE}/{mine}/kopieren", data={"csrf_token": token}).status_code == 303
    assert as_a.post(f"{BASE}/{mine}/einreichen",
                     data={"csrf_token": token}).status_code == 303
    assert row_state(session, mine)["status"] == "in_review"


@pytest.mark.parametrize("offer_id", [0, 2**31, 2**63, 10**30])
def test_ids_out_of_range_are_404_not_500(as_a, session, b_offers, offer_id):
    token = csrf_token(as_a.get(BASE).data)
    assert as_a.get(f"{BASE}/{offer_id}").status_code == 404
    assert as_a.post(f"{BASE}/{offer_id}/archivieren",
                     data={"csrf_token": token}).status_code == 404


def test_b_still_sees_and_changes_its_own(client, session, world, b_offers):
    login(client, world.b.email, world.password)
    assert client.get(f"{BASE}/{b_offers['draft']}").status_code == 200
    assert client.get(f"{BASE}/{b_offers['mine'].id}").status_code == 404
