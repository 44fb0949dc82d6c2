"""Quality gates over the URL map: every plug-in route has an explicit access rule, and the
public portal is read-only, cookie-free and sends its security headers."""

from __future__ import annotations

import pytest
from kwis_hooks.refhost import create_app

from kwis_job_plugin.demo.factories import OfferFactory, ProfileFactory
from kwis_job_plugin.services import features, search_index
from kwis_job_plugin.views.access import ACCESS_ATTR

EXPECTED_RULE = {
    "kwis_job_profile": "company",
    "kwis_job_offers": "company",
    "kwis_job_events_tab": "company",
    "kwis_job_admin": "admin",
    "kwis_job_admin_review": "admin",
    "kwis_job_admin_events": "admin",
    "kwis_job_admin_mail": "admin",
    "kwis_job_admin_legal": "admin",
    "kwis_job_admin_admins": "admin",
    "kwis_job_admin_audit": "admin",
    "kwis_job_admin_on_behalf": "admin",
    "kwis_job_admin_indicators": "admin",
    "kwis_job_admin_campaigns": "admin",
    "kwis_job_admin_alerts": "admin",
    "kwis_job_invitation": "company",
    "kwis_job_portal": "public",
    "kwis_job_media": "public",
    "kwis_job_registration": "public",
    "kwis_job_legal": "public",
    "kwis_job_accessibility": "public",
    "kwis_job_accessibility_feedback": "public",
    "kwis_job_still_current": "public",
    "kwis_job_api": "public",
    "kwis_job_embed": "public",
    "kwis_job_alerts": "public",
}
PLUGIN_BLUEPRINTS = tuple(EXPECTED_RULE)


@pytest.fixture(scope="module")
def bare_app():
    return create_app({"KWIS_DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})


def _plugin_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("kwis_job")]


def test_every_plugin_blueprint_has_an_expected_access_rule(bare_app):
    blueprints = {r.endpoint.split(".")[0] for r in _plugin_rules(bare_app)}
    assert blueprints == set(PLUGIN_BLUEPRINTS), "declare the access rule of a new blueprint here"


def test_every_plugin_route_has_an_explicit_access_rule(bare_app):
    rules = _plugin_rules(bare_app)
    assert len(rules) >= 6
    for rule in rules:
        view = bare_app.view_functions[rule.endpoint]
        access = getattr(view, ACCESS_ATTR, None)
        assert access in ("public", "company", "admin"), f"{rule.rule} has no access rule"
        assert access == EXPECTED_RULE[rule.endpoint.split(".")[0]], rule.rule


def test_the_portal_answers_get_and_head_only(bare_app):
    for rule in _plugin_rules(bare_app):
        if rule.endpoint.startswith("kwis_job_portal."):
            assert rule.methods == {"GET", "HEAD"}, rule.rule


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_the_portal_refuses_other_methods_with_405(client, world, method):
    for url in ("/jobs/", "/jobs/suche", "/jobs/_ping", "/jobs/assets/portal.css"):
        assert client.open(url, method=method).status_code == 405, (method, url)


def test_the_portal_sets_no_cookie_and_sends_security_headers(client, world, session):
    ProfileFactory(customer=world.a.customer, region=world.region, status="published")
    session.commit()
    for url in ("/jobs/", "/jobs/suche?q=Optik&ort=07743", "/jobs/_ping"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, url
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"].startswith("public")
    assert client.head("/jobs/").status_code == 200


def test_the_portal_shows_only_public_offers_of_regions_with_the_portal_on(
    client, world, session
):
    public = ProfileFactory(customer=world.a.customer, region=world.region, status="published")
    draft = ProfileFactory(customer=world.b.customer, region=world.region, status="draft")
    OfferFactory(profile=public, status="published", title="Ferienjob bei Alpha")
    OfferFactory(profile=draft, status="published", title="Ferienjob bei Beta")
    search_index.rebuild_all(session)
    session.commit()
    page = client.get("/jobs/").get_data(as_text=True)
    assert "Ferienjob bei Alpha" in page and "Optik Alpha" in page
    assert "Ferienjob bei Beta" not in page and "Bäckerei Beta" not in page

    features.set_enabled(session, world.region.id, "portal", False, None)
    session.commit()
    assert client.get("/jobs/").status_code == 404


def test_plugin_pages_send_a_csp_without_inline_script(client, world):
    from support.web import login

    login(client, world.a.email, world.password)
    csp = client.get("/selfservice/job/profil").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
