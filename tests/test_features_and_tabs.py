"""The plug-in's tabs in the host, and feature switches checked on every request."""

from __future__ import annotations

from sqlalchemy import select
from support.web import csrf_token, login, post_form

from kwis_job_plugin.demo.factories import OfferFactory, ProfileFactory
from kwis_job_plugin.models import AuditEntry, FeatureSwitch
from kwis_job_plugin.services import features

REGIONS_PAGE = "/admin/job/regionen"


def _switch_url(region_id: int, feature: str) -> str:
    return f"{REGIONS_PAGE}/{region_id}/funktionen/{feature}"


def test_company_sees_both_tabs_with_its_real_data(client, world, session):
    profile = ProfileFactory(customer=world.a.customer, region=world.region, status="in_review")
    OfferFactory(profile=profile, title="Ferienjob in der Linsenfertigung", type_key="ferienjob")
    session.commit()
    login(client, world.a.email, world.password)

    overview = client.get("/selfservice/").get_data(as_text=True)
    assert 'href="/selfservice/job/profil"' in overview
    assert 'href="/selfservice/job/angebote"' in overview
    assert overview.index("Stammdaten") < overview.index("Arbeitgeberprofil") < overview.index(
        "Angebote")

    page = client.get("/selfservice/job/profil").get_data(as_text=True)
    assert "Optik Alpha" in page and "In Prüfung" in page
    offers = client.get("/selfservice/job/angebote").get_data(as_text=True)
    assert "Ferienjob in der Linsenfertigung" in offers and "Ferienjob" in offers


def test_a_company_never_sees_another_companys_offers(client, world, session):
    profile_b = ProfileFactory(customer=world.b.customer, region=world.region)
    OfferFactory(profile=profile_b, title="Geheimer Entwurf der Bäckerei")
    session.commit()
    login(client, world.a.email, world.password)
    page = client.get("/selfservice/job/angebote").get_data(as_text=True)
    assert "Geheimer Entwurf" not in page
    assert "noch keine Angebote" in page


def test_switching_a_feature_off_hides_the_tab_and_404s_at_once(client, world, session):
    login(client, world.a.email, world.password)
    assert client.get("/selfservice/job/profil").status_code == 200

    features.set_enabled(session, world.region.id, "profile", False, world.admin.id)
    session.commit()

    assert client.get("/selfservice/job/profil").status_code == 404
    overview = client.get("/selfservice/").get_data(as_text=True)
    assert "/selfservice/job/profil" not in overview
    assert "/selfservice/job/angebote" in overview, "only the switched feature is hidden"


def test_a_customer_outside_every_region_gets_no_tabs(client, world):
    login(client, world.outside.email, world.password)
    overview = client.get("/selfservice/").get_data(as_text=True)
    assert "Stammdaten" in overview
    assert "/selfservice/job/" not in overview
    assert client.get("/selfservice/job/angebote").status_code == 404


def test_admin_switches_a_feature_with_csrf_and_it_is_audited(client, world, session):
    login(client, world.admin.email, world.password)
    response = post_form(client, REGIONS_PAGE, _switch_url(world.region.id, "offers"),
                         {"enabled": "0"})
    assert response.status_code == 302
    page = client.get(REGIONS_PAGE).get_data(as_text=True)
    assert "„Angebote“ ist in Stadt Jena jetzt ausgeschaltet." in page
    assert not features.is_enabled(session, "offers", world.region.id)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "feature.disabled"))
    assert entry.details == {"feature": "offers", "fields": ["offers"],
                             "before": {"offers": True}, "after": {"offers": False}}
    assert entry.actor_user_id == world.admin.id


def test_a_switch_without_csrf_token_changes_nothing(client, world, session):
    login(client, world.admin.email, world.password)
    response = client.post(_switch_url(world.region.id, "offers"), data={"enabled": "0"})
    assert response.status_code == 400
    assert session.scalar(select(FeatureSwitch)) is None


def test_unknown_features_regions_and_values_are_refused(client, world, session):
    login(client, world.admin.email, world.password)
    token = csrf_token(client.get(REGIONS_PAGE).data)
    assert client.post(_switch_url(world.region.id, "teleport"),
                       data={"enabled": "0", "csrf_token": token}).status_code == 404
    assert client.post(_switch_url(99999, "offers"),
                       data={"enabled": "0", "csrf_token": token}).status_code == 404
    assert client.post(_switch_url(world.region.id, "offers"),
                       data={"enabled": "vielleicht", "csrf_token": token}).status_code == 400
    assert session.scalar(select(FeatureSwitch)) is None


def test_companies_cannot_reach_admin_pages(client, world):
    login(client, world.a.email, world.password)
    assert client.get(REGIONS_PAGE).status_code == 403
    assert client.get("/admin/job/pruefung").status_code == 403


def test_anonymous_visitors_are_sent_to_the_host_login(client, world):
    response = client.get("/selfservice/job/profil")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=/selfservice/job/profil")


def test_admin_menu_lists_the_plugin_entries(client, world):
    login(client, world.admin.email, world.password)
    page = client.get("/admin/").get_data(as_text=True)
    assert "KWIS.job: Regionen und Funktionen" in page and "KWIS.job: Prüfung" in page


def test_review_queue_lists_what_waits(client, world, session):
    ProfileFactory(customer=world.a.customer, region=world.region, status="in_review")
    ProfileFactory(customer=world.b.customer, region=world.region, status="draft")
    session.commit()
    login(client, world.admin.email, world.password)
    page = client.get("/admin/job/pruefung").get_data(as_text=True)
    assert "Optik Alpha" in page and "Bäckerei Beta" not in page
