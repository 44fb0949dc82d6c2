"""Which regions a host admin may manage, and the global admins' assignment of them (issue 10).

The rule (``models/admin_scope.py``): a host admin without an ``AdminScope`` row is global, as
every admin was before regions could be assigned; a row with ``all_regions`` is global too; a row
without it limits the admin to the ``RegionAdmin`` rows, and none of them means nothing at all.
``None`` stands for "every region" throughout; a ``frozenset`` is the exact set.

An object without a region (a company whose AGS lies in no region, a mail without region) belongs
to no agency, so only global admins may manage it: ``may_manage(..., None)`` is ``False`` for a
region admin. That keeps the rule closed: what cannot be placed is not shown to a region admin.

A user who is not a host admin (or does not exist) manages nothing, so a caller that forgot the
role check still fails closed. Views reach this through ``views.access.admin_region_ids`` and
``views.access.require_region``; services that list admin data take ``region_ids`` (the value of
``manageable_region_ids``) and narrow their queries with ``narrow``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, delete, false, select
from sqlalchemy.orm import Session

from ..i18n import gettext as _
from ..models import AdminScope, Region, RegionAdmin
from ..models.host import user_table
from . import audit
from .errors import NotFound, ValidationError

ADMIN_ROLE = "admin"
ASSIGN_ACTION = "admin_scope.changed"


@dataclass(frozen=True)
class HostAdmin:
    """A host admin account with its scope, for the assignment page (``list_admins``)."""

    user_id: int
    email: str
    display_name: str
    all_regions: bool
    region_ids: frozenset[int]

    @property
    def is_global(self) -> bool:
        return self.all_regions


def _scope_row(session: Session, user_id: int):
    """(role, all_regions or None when there is no scope row) of the account, or None."""
    return session.execute(
        select(user_table.c.role, AdminScope.all_regions)
        .select_from(user_table)
        .outerjoin(AdminScope, AdminScope.user_id == user_table.c.id)
        .where(user_table.c.id == user_id)
    ).one_or_none()


def _assigned(session: Session, user_id: int) -> frozenset[int]:
    return frozenset(
        session.scalars(select(RegionAdmin.region_id).where(RegionAdmin.user_id == user_id))
    )


def manageable_region_ids(session: Session, user_id: int | None) -> frozenset[int] | None:
    """``None`` for a global admin, else the ids of the regions the account may manage.

    Non-admins and unknown accounts get the empty set: they manage nothing.
    """
    if user_id is None:
        return frozenset()
    row = _scope_row(session, user_id)
    if row is None or row.role != ADMIN_ROLE:
        return frozenset()
    if row.all_regions is None or row.all_regions:
        return None
    return _assigned(session, user_id)


def allows(region_ids: frozenset[int] | None, region_id: int | None) -> bool:
    """Whether a scope (``manageable_region_ids``) covers ``region_id``; ``None`` = no region."""
    if region_ids is None:
        return True
    return region_id is not None and region_id in region_ids


def may_manage(session: Session, user_id: int | None, region_id: int | None) -> bool:
    """Whether the account may see and change objects of ``region_id`` (``None``: no region,
    global admins only)."""
    return allows(manageable_region_ids(session, user_id), region_id)


def narrow(statement: Select, column: Any, region_ids: frozenset[int] | None) -> Select:
    """``statement`` limited to rows whose ``column`` (a region id) lies in the scope.

    A global scope (``None``) leaves the statement alone, rows without region included; a region
    admin's scope drops rows without region (see the module docstring)."""
    if region_ids is None:
        return statement
    if not region_ids:
        return statement.where(false())
    return statement.where(column.in_(sorted(region_ids)))


def visible_regions(session: Session, region_ids: frozenset[int] | None) -> list[Region]:
    """The regions of a scope, by name (all of them for a global admin)."""
    return list(session.scalars(narrow(select(Region), Region.id, region_ids)
                                .order_by(Region.name, Region.id)))


def list_admins(session: Session) -> list[HostAdmin]:
    """Every host admin account with its scope, by name then e-mail."""
    rows = session.execute(
        select(user_table.c.id, user_table.c.email, user_table.c.display_name,
               AdminScope.all_regions)
        .select_from(user_table)
        .outerjoin(AdminScope, AdminScope.user_id == user_table.c.id)
        .where(user_table.c.role == ADMIN_ROLE)
        .order_by(user_table.c.display_name, user_table.c.email, user_table.c.id)
    ).all()
    assigned: dict[int, set[int]] = {}
    for user_id, region_id in session.execute(select(RegionAdmin.user_id, RegionAdmin.region_id)):
        assigned.setdefault(user_id, set()).add(region_id)
    return [
        HostAdmin(
            user_id=row.id,
            email=row.email or "",
            display_name=row.display_name or "",
            all_regions=row.all_regions is None or bool(row.all_regions),
            region_ids=frozenset(assigned.get(row.id, ())) if row.all_regions is False
            else frozenset(),
        )
        for row in rows
    ]


def global_admin_ids(session: Session) -> set[int]:
    return {a.user_id for a in list_admins(session) if a.all_regions}


def _describe(all_regions: bool, region_ids: Iterable[int]) -> dict[str, Any]:
    return {"all_regions": all_regions,
            "region_ids": [] if all_regions else sorted(region_ids)}


def assign(
    session: Session,
    actor_user_id: int,
    user_id: int,
    *,
    all_regions: bool,
    region_ids: Iterable[int] = (),
    confirm_own: bool = False,
) -> bool:
    """Set an admin's scope: global, or exactly ``region_ids``. Return whether it changed.

    Only a global admin may assign (``NotFound`` otherwise, as for an account that is not a host
    admin). At least one global admin must remain, and an admin who takes away their own global
    scope must say so (``confirm_own``), so nobody locks the agency or themselves out by a slip.
    Audited as ``admin_scope.changed`` with before and after (ids and flags only).
    """
    if manageable_region_ids(session, actor_user_id) is not None:
        raise NotFound(user_id)
    row = _scope_row(session, user_id)
    if row is None or row.role != ADMIN_ROLE:
        raise NotFound(user_id)
    wanted = frozenset() if all_regions else frozenset(int(r) for r in region_ids)
    known = set(session.scalars(select(Region.id).where(Region.id.in_(sorted(wanted)))))
    if wanted - known:
        raise ValidationError({"regions": _("Bitte wählen Sie nur vorhandene Regionen.")})
    was_global = row.all_regions is None or bool(row.all_regions)
    before = _describe(was_global, () if was_global else _assigned(session, user_id))
    after = _describe(all_regions, wanted)
    if before == after:
        return False
    if was_global and not all_regions:
        if not (global_admin_ids(session) - {user_id}):
            raise ValidationError({"scope": _(
                "Mindestens eine Administratorin oder ein Administrator muss für alle "
                "Regionen zuständig bleiben.")})
        if user_id == actor_user_id and not confirm_own:
            raise ValidationError({"confirm_own": _(
                "Sie nehmen sich selbst die Zuständigkeit für alle Regionen. Bitte bestätigen "
                "Sie das ausdrücklich.")})
    scope = session.get(AdminScope, user_id)
    if scope is None:
        scope = AdminScope(user_id=user_id)
        session.add(scope)
    scope.all_regions = all_regions
    scope.changed_by_user_id = actor_user_id
    session.execute(delete(RegionAdmin).where(RegionAdmin.user_id == user_id))
    for region_id in sorted(wanted):
        session.add(RegionAdmin(user_id=user_id, region_id=region_id,
                                created_by_user_id=actor_user_id))
    audit.record(session, ASSIGN_ACTION, "user", user_id, actor_user_id=actor_user_id,
                 details={"before": before, "after": after})
    session.flush()
    return True
