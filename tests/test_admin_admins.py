"""The page "Zuständigkeiten": global admins assign host admin accounts to regions (issue 10).

Region admins neither see the menu entry nor open the page (404). At least one global admin
remains; taking away one's own global scope needs the confirmation; every change is audited.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from support.web import csrf_token, login

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import AuditEntry
from kwis_job_plugin.services import admin_scope

PAGE = "/admin/job/zustaendigkeiten"


@pytest.fixture
def two_regions(session, world):
    weimar = factories.RegionFactory(slug="weimarer-land", name="Weimarer Land",
                                     prefixes=["16071"])
    newcomer = factories.AdminFactory(email="neu@wf.example", display_name="Neue Verwaltung")
    session.commit()
    return world.region, weimar, newcomer


def _client(app, email, password):
    client = app.test_client()
    login(client, email, password)
    return client


def _post(client, user_id, **data):
    token = csrf_token(client.get(PAGE).data)
    form = {f"admin{user_id}-{k}": v for k, v in data.items()}
    return client.post(f"{PAGE}/{user_id}", data={f"admin{user_id}-csrf_token": token, **form})


def _error(html: str, field_id: str) -> str | None:
    match = re.search(rf'<p class="kj-field-error" id="{field_id}-error">([^<]+)</p>', html)
    return match.group(1) if match else None


def test_a_global_admin_assigns_an_admin_to_a_region(app, session, world, two_regions):
    jena, weimar, newcomer = two_regions
    client = _client(app, world.admin.email, world.password)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Neue Verwaltung" in page and "Weimarer Land" in page
    response = _post(client, newcomer.id, scope="regions", regions=str(jena.id))
    assert response.status_code == 303
    session.expire_all()
    assert admin_scope.manageable_region_ids(session, newcomer.id) == frozenset({jena.id})
    entry = session.scalars(select(AuditEntry).where(
        AuditEntry.action == admin_scope.ASSIGN_ACTION)).one()
    assert entry.actor_user_id == world.admin.id and entry.object_id == newcomer.id
    assert entry.details["after"] == {"all_regions": False, "region_ids": [jena.id]}
    # and back to global
    assert _post(client, newcomer.id, scope="all").status_code == 303
    assert admin_scope.manageable_region_ids(session, newcomer.id) is None


def test_a_region_admin_has_no_menu_entry_and_gets_404(app, session, world, two_regions):
    jena, _weimar, newcomer = two_regions
    admin_scope.assign(session, world.admin.id, newcomer.id, all_regions=False,
                       region_ids=[jena.id])
    session.commit()
    region_admin = _client(app, newcomer.email, world.password)
    regions_page = region_admin.get("/admin/job/regionen").get_data(as_text=True)
    assert PAGE not in regions_page
    assert "/admin/job/protokoll" in regions_page
    assert region_admin.get(PAGE).status_code == 404
    token = csrf_token(regions_page)
    assert region_admin.post(f"{PAGE}/{newcomer.id}", data={
        "csrf_token": token, f"admin{newcomer.id}-scope": "all"}).status_code == 404
    assert admin_scope.manageable_region_ids(session, newcomer.id) == frozenset({jena.id})
    global_page = _client(app, world.admin.email, world.password).get("/admin/job/regionen")
    assert PAGE in global_page.get_data(as_text=True)


def test_the_last_global_admin_keeps_the_global_scope(app, session, world, two_regions):
    jena, _weimar, newcomer = two_regions
    admin_scope.assign(session, world.admin.id, newcomer.id, all_regions=False,
                       region_ids=[jena.id])
    session.commit()
    client = _client(app, world.admin.email, world.password)
    response = _post(client, world.admin.id, scope="regions", regions=str(jena.id),
                     confirm_own="y")
    assert response.status_code == 422
    assert "Mindestens eine" in response.get_data(as_text=True)
    assert admin_scope.manageable_region_ids(session, world.admin.id) is None


def test_giving_up_ones_own_global_scope_needs_the_confirmation(app, session, world,
                                                                two_regions):
    jena, _weimar, _newcomer = two_regions  # the newcomer stays global
    client = _client(app, world.admin.email, world.password)
    response = _post(client, world.admin.id, scope="regions", regions=str(jena.id))
    assert response.status_code == 422
    assert _error(response.get_data(as_text=True), f"admin{world.admin.id}-confirm_own")
    assert admin_scope.manageable_region_ids(session, world.admin.id) is None
    response = _post(client, world.admin.id, scope="regions", regions=str(jena.id),
                     confirm_own="y")
    assert response.status_code == 303
    session.expire_all()
    assert admin_scope.manageable_region_ids(session, world.admin.id) == frozenset({jena.id})
    assert client.get(PAGE).status_code == 404


@pytest.mark.parametrize("data", [
    {"scope": "everything"},
    {"scope": "regions", "regions": "999999"},
    {"scope": "regions", "regions": "abc"},
    {"scope": "all\x00"},
    {"scope": "regions", "regions": "9" * 30},
    {},
])
def test_bad_input_is_refused_at_the_field_and_nothing_changes(app, session, world,
                                                               two_regions, data):
    _jena, _weimar, newcomer = two_regions
    client = _client(app, world.admin.email, world.password)
    response = _post(client, newcomer.id, **data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="kj-field-error"' in html and "Bitte prüfen Sie Ihre Eingaben." in html
    assert admin_scope.manageable_region_ids(session, newcomer.id) is None
    assert session.scalars(select(AuditEntry)).first() is None


def test_accounts_that_are_not_host_admins_are_not_found(app, world, two_regions):
    client = _client(app, world.admin.email, world.password)
    assert _post(client, world.a.id, scope="all").status_code == 404
    assert _post(client, 999_999, scope="all").status_code == 404
