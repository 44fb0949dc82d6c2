"""The agency reviews submissions: approve publishes, sending back keeps the public version."""

from __future__ import annotations

from sqlalchemy import select
from support.web import csrf_token, login

from kwis_job_plugin.demo.factories import OfferFactory, ProfileFactory
from kwis_job_plugin.models import EmployerProfile, Offer, SearchDoc
from kwis_job_plugin.services import publication
from kwis_job_plugin.services.snapshots import offer_snapshot, profile_snapshot

QUEUE = "/admin/job/pruefung"


def _decide(client, kind, object_id, decision, **data):
    token = csrf_token(client.get(QUEUE).data)
    return client.post(f"{QUEUE}/{kind}/{object_id}/{decision}",
                       data={"csrf_token": token, **data})


def _submitted(session, world):
    profile = ProfileFactory(customer=world.a.customer, region=world.region)
    publication.submit(session, profile, world.region, profile_snapshot, world.a.id)
    offer = OfferFactory(profile=profile, title="Ferienjob im Lager", type_key="ferienjob")
    publication.submit(session, offer, world.region, offer_snapshot, world.a.id)
    session.commit()
    return profile, offer


def test_approving_profile_and_offer_makes_the_offer_searchable(client, world, session):
    profile, offer = _submitted(session, world)
    login(client, world.admin.email, world.password)
    page = client.get(QUEUE).get_data(as_text=True)
    assert "Optik Alpha" in page and "Ferienjob im Lager" in page

    assert _decide(client, "profil", profile.id, "freigeben").status_code == 302
    assert _decide(client, "angebot", offer.id, "freigeben").status_code == 302
    page = client.get(QUEUE).get_data(as_text=True)
    assert "„Ferienjob im Lager“ ist freigegeben" in page
    assert "Keine Profile warten auf Prüfung." in page

    session.expire_all()
    assert session.get(EmployerProfile, profile.id).status == "published"
    assert session.get(Offer, offer.id).published_snapshot["title"] == "Ferienjob im Lager"
    assert session.scalar(select(SearchDoc.offer_id)) == offer.id
    portal = client.get("/jobs/suche?q=Lager").get_data(as_text=True)
    assert "Ferienjob im Lager" in portal


def test_sending_back_needs_a_reason_and_tells_the_company(client, world, session):
    profile, _offer = _submitted(session, world)
    login(client, world.admin.email, world.password)

    missing = _decide(client, "profil", profile.id, "zurueckgeben", comment="  ")
    assert missing.status_code == 422
    assert "Bitte begründen Sie die Rückgabe für den Betrieb." in missing.get_data(as_text=True)
    session.expire_all()
    assert session.get(EmployerProfile, profile.id).status == "in_review"

    back = _decide(client, "profil", profile.id, "zurueckgeben", comment="Bitte Logo ergänzen.")
    assert back.status_code == 302
    session.expire_all()
    returned = session.get(EmployerProfile, profile.id)
    assert (returned.status, returned.review_comment) == ("draft", "Bitte Logo ergänzen.")

    client.post("/logout", data={"csrf_token": csrf_token(client.get(QUEUE).data)})
    login(client, world.a.email, world.password)
    assert "Bitte Logo ergänzen." in client.get("/selfservice/job/profil").get_data(as_text=True)


def test_decisions_on_unknown_or_undecidable_items_change_nothing(client, world, session):
    draft = ProfileFactory(customer=world.b.customer, region=world.region)
    session.commit()
    login(client, world.admin.email, world.password)
    assert _decide(client, "profil", 999999, "freigeben").status_code == 404
    assert _decide(client, "betrieb", draft.id, "freigeben").status_code == 404
    assert _decide(client, "profil", draft.id, "loeschen").status_code == 404
    assert _decide(client, "profil", draft.id, "freigeben").status_code == 422
    session.expire_all()
    assert session.get(EmployerProfile, draft.id).status == "draft"


def test_companies_cannot_decide(client, world, session):
    profile, _offer = _submitted(session, world)
    login(client, world.a.email, world.password)
    token = csrf_token(client.get("/selfservice/job/profil").data)
    response = client.post(f"{QUEUE}/profil/{profile.id}/freigeben", data={"csrf_token": token})
    assert response.status_code == 403
    session.expire_all()
    assert session.get(EmployerProfile, profile.id).status == "in_review"
