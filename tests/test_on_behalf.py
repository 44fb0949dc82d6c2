"""Editing on behalf (issue #10): an admin opens a company's tabs for that company, saves and
submits; the change lands on the company, the audit log names the admin and the company, a
banner shows it on every page; region admins act only for their regions' companies."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from support import region_world
from support.web import csrf_token, login
from test_offer_views import form_data
from test_profile_tab import field_id

from kwis_job_plugin.models import AuditEntry, EmployerProfile, Offer
from kwis_job_plugin.services import admin_scope, features
from kwis_job_plugin.views.context import ON_BEHALF_KEY

PICKER = "/admin/job/fuer-betrieb"
PROFILE = "/selfservice/job/profil"
OFFERS = "/selfservice/job/angebote"
EVENTS = "/selfservice/job/veranstaltungen"
BANNER = "Bearbeiten für"


def start_url(customer_id: int) -> str:
    return f"{PICKER}/{customer_id}/beginnen"


def stop_url(customer_id: int) -> str:
    return f"{PICKER}/{customer_id}/beenden"


def admin_token(client) -> str:
    return csrf_token(client.get("/admin/job/regionen").data)


def start(client, customer_id: int):
    return client.post(start_url(customer_id), data={"csrf_token": admin_token(client)})


def acting_value(client):
    with client.session_transaction() as flask_session:
        return flask_session.get(ON_BEHALF_KEY)


def entries(session, action: str) -> list[AuditEntry]:
    session.expire_all()
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def version_on(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


@pytest.fixture
def rw(session, world):
    return region_world.build(session, world)


def test_a_global_admin_saves_and_submits_a_profile_for_a_company(client, session, world):
    login(client, world.admin.email, world.password)
    picker = client.get(PICKER, query_string={"q": "optik"}).get_data(as_text=True)
    assert "Optik Alpha" in picker and "Fernbetrieb Gamma" not in picker
    response = start(client, world.a.customer.id)
    assert response.status_code == 302 and response.location.endswith(PROFILE)
    assert acting_value(client) == {"customer_id": world.a.customer.id,
                                    "admin_id": world.admin.id}

    page = client.get(PROFILE).get_data(as_text=True)
    assert f"{BANNER} Optik Alpha" in page
    response = client.post(PROFILE, data={
        "csrf_token": csrf_token(page), "version": version_on(page),
        "philosophy": "Für den Betrieb eingetragen.", "action": "submit",
        "occupational_fields": [field_id(session, "gesundheit")],
    }, content_type="multipart/form-data")
    assert response.status_code == 302

    session.expire_all()
    profile = session.scalar(select(EmployerProfile))
    assert profile.customer_id == world.a.customer.id
    assert profile.status in ("in_review", "published")
    assert profile.updated_by_user_id == world.admin.id
    created = entries(session, "employerprofile.created")
    assert [(e.actor_user_id, e.details["on_behalf_of"]) for e in created] == [
        (world.admin.id, world.a.customer.id)]
    submitted = [e for e in session.scalars(select(AuditEntry))
                 if e.action.startswith("employerprofile.")
                 and e.action != "employerprofile.created"]
    assert submitted and all(e.details.get("on_behalf_of") == world.a.customer.id
                             and e.actor_user_id == world.admin.id for e in submitted)
    started = entries(session, "on_behalf.started")
    assert [(e.actor_user_id, e.object_id) for e in started] == [
        (world.admin.id, world.a.customer.id)]


def test_a_jena_admin_creates_and_submits_an_offer_for_a_jena_company(client, session, rw):
    login(client, rw.jena.admin.email, rw.password)
    assert start(client, rw.jena.customer_id).status_code == 302
    page = client.get(f"{OFFERS}/neu")
    assert page.status_code == 200 and BANNER in page.get_data(as_text=True)
    response = client.post(f"{OFFERS}/neu", data={
        **form_data(session, title="Ferienjob für Jena"), "csrf_token": csrf_token(page.data)})
    assert response.status_code in (302, 303)
    session.expire_all()
    offer = session.scalar(select(Offer).where(Offer.title == "Ferienjob für Jena"))
    assert offer.profile_id == rw.jena.profile.id
    assert offer.updated_by_user_id == rw.jena.admin.id

    preview = client.get(f"{OFFERS}/{offer.id}")
    response = client.post(f"{OFFERS}/{offer.id}/einreichen",
                           data={"csrf_token": csrf_token(preview.data), "back": "list"})
    assert response.status_code == 303
    session.expire_all()
    assert session.get(Offer, offer.id).status in ("in_review", "published")
    logged = [e for e in session.scalars(select(AuditEntry).where(AuditEntry.object_type ==
                                                                  "offer"))
              if e.object_id == offer.id]
    assert {e.action for e in logged} >= {"offer.created"}
    assert len(logged) >= 2
    assert all(e.actor_user_id == rw.jena.admin.id
               and e.details.get("on_behalf_of") == rw.jena.customer_id for e in logged)


def test_a_jena_admin_cannot_act_for_a_weimarer_land_company(client, session, rw):
    login(client, rw.jena.admin.email, rw.password)
    picker = client.get(PICKER, query_string={"q": region_world.MARKER}).get_data(as_text=True)
    assert "0 Betriebe gefunden" in picker and "Glockengießerei" not in picker
    jena = client.get(PICKER, query_string={"q": "Optik"}).get_data(as_text=True)
    assert "1 Betrieb gefunden" in jena and "Optik Alpha" in jena
    assert start(client, rw.weimar.customer_id).status_code == 404
    assert acting_value(client) is None
    assert client.get(PROFILE).status_code == 403
    assert entries(session, "on_behalf.started") == []


def test_a_company_user_can_neither_start_nor_smuggle_acting(client, session, world):
    login(client, world.a.email, world.password)
    token = csrf_token(client.get(PROFILE).data)
    assert client.post(start_url(world.b.customer.id),
                       data={"csrf_token": token}).status_code == 403
    assert acting_value(client) is None
    with client.session_transaction() as flask_session:  # even a forged session value
        flask_session[ON_BEHALF_KEY] = {"customer_id": world.b.customer.id,
                                        "admin_id": world.a.id}
    page = client.get(PROFILE).get_data(as_text=True)
    assert "Optik Alpha" in page and "Bäckerei Beta" not in page and BANNER not in page
    assert acting_value(client) is None


def test_stopping_ends_acting(client, session, world):
    login(client, world.admin.email, world.password)
    start(client, world.a.customer.id)
    page = client.get(PROFILE).get_data(as_text=True)
    response = client.post(stop_url(world.a.customer.id), data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302 and response.location.endswith(PICKER)
    assert acting_value(client) is None
    assert client.get(PROFILE).status_code == 403
    assert BANNER not in client.get(PICKER).get_data(as_text=True)
    assert [e.actor_user_id for e in entries(session, "on_behalf.ended")] == [world.admin.id]


def test_the_banner_is_on_every_tab_and_admin_page_while_acting(client, session, world):
    features.set_enabled(session, world.region.id, "events", True, world.admin.id)
    session.commit()
    login(client, world.admin.email, world.password)
    start(client, world.a.customer.id)
    for url in (PROFILE, OFFERS, EVENTS, PICKER, "/admin/job/regionen", "/admin/job/protokoll"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert f"{BANNER} Optik Alpha" in page, url
        assert f'action="{stop_url(world.a.customer.id)}"' in page, url
        for tab in (PROFILE, OFFERS, EVENTS):
            assert f'href="{tab}"' in page, (url, tab)


def test_acting_ends_when_the_admin_loses_the_region(client, session, rw):
    login(client, rw.jena.admin.email, rw.password)
    start(client, rw.jena.customer_id)
    assert client.get(PROFILE).status_code == 200
    admin_scope.assign(session, rw.global_admin.id, rw.jena.admin.id, all_regions=False,
                       region_ids=[rw.weimar.region.id])
    session.commit()
    assert client.get(PROFILE).status_code == 403
    assert acting_value(client) is None


def test_acting_does_not_survive_logout(client, session, world):
    login(client, world.admin.email, world.password)
    start(client, world.a.customer.id)
    token = csrf_token(client.get(PROFILE).data)
    client.post("/logout", data={"csrf_token": token})
    login(client, world.admin.email, world.password)
    assert acting_value(client) is None
    assert client.get(PROFILE).status_code == 403


def test_admin_pages_while_acting_write_no_on_behalf_mark(client, session, world):
    """Only the company's tabs act for the company; an admin page acts for the agency."""
    login(client, world.admin.email, world.password)
    start(client, world.a.customer.id)
    token = admin_token(client)
    client.post(f"/admin/job/regionen/{world.region.id}/funktionen/events",
                data={"csrf_token": token, "enabled": "0"})
    switched = [e for e in session.scalars(select(AuditEntry))
                if e.object_type not in ("customer",)]
    assert switched, "the feature switch wrote no audit entry"
    assert all("on_behalf_of" not in e.details for e in switched)


def test_the_company_sees_the_agency_changed_it_but_not_who(app, session, rw):
    admin = app.test_client()
    login(admin, rw.jena.admin.email, rw.password)
    start(admin, rw.jena.customer_id)
    page = admin.get(PROFILE).get_data(as_text=True)
    response = admin.post(PROFILE, data={
        "csrf_token": csrf_token(page), "version": version_on(page),
        "philosophy": "Neu für den Betrieb.", "action": "save",
        "occupational_fields": [field_id(session, "gesundheit")],
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    updated = entries(session, "employerprofile.updated")
    assert [(e.actor_user_id, e.details["on_behalf_of"]) for e in updated] == [
        (rw.jena.admin.id, rw.jena.customer_id)]
    assert "philosophy_html" in updated[0].details["fields"]
    assert "Neu für den Betrieb." not in str(updated[0].details), "no free text in the log"

    company = app.test_client()
    login(company, rw.jena.company.email, rw.password)
    tab = company.get(PROFILE).get_data(as_text=True)
    assert "Arbeitgeberprofil geändert" in tab
    assert "geändert von der Wirtschaftsförderung" in tab
    assert "Verwaltung Jena" not in tab and rw.jena.admin.email not in tab
    assert BANNER not in tab
    assert "Änderungen der Wirtschaftsförderung" in company.get(OFFERS).get_data(as_text=True)
    log = admin.get("/admin/job/protokoll").get_data(as_text=True)
    assert "Verwaltung Jena" in log, "the admins' log names the admin"
