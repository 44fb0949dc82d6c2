"""The rule behind admins per region (``services/admin_scope.py``): no scope row is global,
``all_regions=False`` limits to the assigned regions (none: nothing), objects without a region
belong to global admins only, and at least one global admin always remains."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import AdminScope, AuditEntry, RegionAdmin
from kwis_job_plugin.services import admin_scope
from kwis_job_plugin.services.errors import NotFound, ValidationError


@pytest.fixture
def regions(session, world):
    weimar = factories.RegionFactory(slug="weimarer-land", name="Weimarer Land",
                                     prefixes=["16071"])
    session.commit()
    return world.region, weimar


def test_an_admin_without_a_scope_row_is_global(session, world, regions):
    assert admin_scope.manageable_region_ids(session, world.admin.id) is None
    assert admin_scope.may_manage(session, world.admin.id, regions[1].id)
    assert admin_scope.may_manage(session, world.admin.id, None)


def test_non_admins_and_unknown_accounts_manage_nothing(session, world, regions):
    assert admin_scope.manageable_region_ids(session, world.a.id) == frozenset()
    assert admin_scope.manageable_region_ids(session, 999_999) == frozenset()
    assert admin_scope.manageable_region_ids(session, None) == frozenset()
    assert not admin_scope.may_manage(session, world.a.id, regions[0].id)


def test_a_region_admin_manages_only_the_assigned_regions(session, world, regions):
    jena, weimar = regions
    other = factories.AdminFactory(email="jena@wf.example")
    session.commit()
    assert admin_scope.assign(session, world.admin.id, other.id, all_regions=False,
                              region_ids=[jena.id])
    session.commit()
    assert admin_scope.manageable_region_ids(session, other.id) == frozenset({jena.id})
    assert admin_scope.may_manage(session, other.id, jena.id)
    assert not admin_scope.may_manage(session, other.id, weimar.id)
    assert not admin_scope.may_manage(session, other.id, None)
    entry = session.scalars(select(AuditEntry).where(
        AuditEntry.action == admin_scope.ASSIGN_ACTION)).one()
    assert entry.actor_user_id == world.admin.id and entry.object_id == other.id
    assert entry.details == {"before": {"all_regions": True, "region_ids": []},
                             "after": {"all_regions": False, "region_ids": [jena.id]}}
    # the same assignment again changes nothing and is not audited twice
    assert not admin_scope.assign(session, world.admin.id, other.id, all_regions=False,
                                  region_ids=[jena.id])
    # no region left: sees nothing, does not become global again
    admin_scope.assign(session, world.admin.id, other.id, all_regions=False, region_ids=[])
    assert admin_scope.manageable_region_ids(session, other.id) == frozenset()
    listed = {a.user_id: a for a in admin_scope.list_admins(session)}
    assert listed[other.id].all_regions is False and listed[world.admin.id].all_regions


def test_a_region_admin_cannot_assign(session, world, regions):
    jena, _ = regions
    other = factories.AdminFactory(email="jena@wf.example")
    session.commit()
    admin_scope.assign(session, world.admin.id, other.id, all_regions=False,
                       region_ids=[jena.id])
    with pytest.raises(NotFound):
        admin_scope.assign(session, other.id, other.id, all_regions=True)
    with pytest.raises(NotFound):
        admin_scope.assign(session, world.admin.id, world.a.id, all_regions=True)


def test_the_last_global_admin_cannot_give_up_the_global_scope(session, world, regions):
    jena, _ = regions
    with pytest.raises(ValidationError) as refused:
        admin_scope.assign(session, world.admin.id, world.admin.id, all_regions=False,
                           region_ids=[jena.id], confirm_own=True)
    assert "scope" in refused.value.errors
    second = factories.AdminFactory(email="zweite@wf.example")
    session.commit()
    with pytest.raises(ValidationError) as unconfirmed:
        admin_scope.assign(session, world.admin.id, world.admin.id, all_regions=False,
                           region_ids=[jena.id])
    assert "confirm_own" in unconfirmed.value.errors
    assert admin_scope.assign(session, world.admin.id, world.admin.id, all_regions=False,
                              region_ids=[jena.id], confirm_own=True)
    assert admin_scope.manageable_region_ids(session, second.id) is None


def test_unknown_regions_are_refused(session, world, regions):
    other = factories.AdminFactory(email="jena@wf.example")
    session.commit()
    with pytest.raises(ValidationError):
        admin_scope.assign(session, world.admin.id, other.id, all_regions=False,
                           region_ids=[999_999])


def test_deleting_an_admin_account_drops_its_scope_and_regions(app, session, world, regions):
    """``kwis_user_deleted``: the scope rows go with the account (they cannot be nulled), the
    assignments it made keep their rows without the actor."""
    jena, _ = regions
    other = factories.AdminFactory(email="jena@wf.example")
    third = factories.AdminFactory(email="dritte@wf.example")
    session.commit()
    admin_scope.assign(session, world.admin.id, other.id, all_regions=False,
                       region_ids=[jena.id])
    admin_scope.assign(session, world.admin.id, third.id, all_regions=False,
                       region_ids=[jena.id])
    session.commit()
    app.extensions["kwis_host"]["plugins"].user_deleted(session, other.id)
    app.extensions["kwis_host"]["plugins"].user_deleted(session, world.admin.id)
    session.commit()
    session.expire_all()
    assert session.get(AdminScope, other.id) is None
    assert not session.scalars(select(RegionAdmin).where(RegionAdmin.user_id == other.id)).all()
    kept = session.scalars(select(RegionAdmin).where(RegionAdmin.user_id == third.id)).one()
    assert kept.created_by_user_id is None
    assert session.get(AdminScope, third.id).changed_by_user_id is None
