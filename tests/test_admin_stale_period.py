"""The regions page sets a region's staleness period (``staleness.set_stale_after_days``):
saved and audited, a wrong value refused at the field with nothing changed."""

from __future__ import annotations

from sqlalchemy import select
from support.web import csrf_token, login

from kwis_job_plugin.models import AuditEntry, Region


def test_the_period_is_set_on_the_regions_page(app, session, world):
    client = app.test_client()
    login(client, world.admin.email, world.password)
    page = client.get("/admin/job/regionen")
    assert "Tage ohne Änderung bis zur Erinnerung" in page.get_data(as_text=True)
    url = f"/admin/job/regionen/{world.region.id}/aktualitaet"
    token = csrf_token(page.data)
    refused = client.post(url, data={"csrf_token": token, "stale_after_days": "7"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert f'id="region-{world.region.id}-stale-error"' in html and "30 bis 1095" in html
    session.expire_all()
    assert session.get(Region, world.region.id).stale_after_days is None
    saved = client.post(url, data={"csrf_token": token, "stale_after_days": "180"})
    assert saved.status_code == 303
    session.expire_all()
    assert session.get(Region, world.region.id).stale_after_days == 180
    entry = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "region.stale_after_days_changed")).one()
    assert entry.details["after"] == {"stale_after_days": 180}
    assert client.post(url, data={"csrf_token": token, "stale_after_days": ""}).status_code == 303
    session.expire_all()
    assert session.get(Region, world.region.id).stale_after_days is None


def test_the_audit_page_names_the_company_an_admin_acted_for(app, session, world):
    from kwis_job_plugin.services import audit
    session.info[audit.ON_BEHALF_INFO_KEY] = world.a.customer.id
    audit.record(session, "employerprofile.updated", "employerprofile", None,
                 actor_user_id=world.admin.id, region_id=world.region.id)
    session.info.pop(audit.ON_BEHALF_INFO_KEY)
    session.commit()
    client = app.test_client()
    login(client, world.admin.email, world.password)
    html = client.get("/admin/job/protokoll").get_data(as_text=True)
    assert "für Optik Alpha" in html and "on_behalf_of" not in html


def test_the_review_page_offers_to_edit_for_the_company(app, session, world):
    from kwis_job_plugin.demo import factories
    from kwis_job_plugin.services import publication
    from kwis_job_plugin.services.snapshots import profile_snapshot
    profile = factories.ProfileFactory(customer=world.a.customer, region=world.region)
    publication.submit(session, profile, world.region, profile_snapshot, world.a.id)
    session.commit()
    client = app.test_client()
    login(client, world.admin.email, world.password)
    html = client.get(f"/admin/job/pruefung/profil/{profile.id}").get_data(as_text=True)
    assert "Für diesen Betrieb bearbeiten" in html
    assert f"/admin/job/fuer-betrieb/{world.a.customer.id}" in html
