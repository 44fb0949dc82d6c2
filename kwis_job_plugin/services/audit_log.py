"""Reading the audit log for the admin page "Änderungsprotokoll": newest first, paged,
filtered by region, company and kind, limited to the reader's regions.

The scope rule is ``services/admin_scope.py``'s: a region admin (``region_ids`` a set) sees the
entries of their regions only; entries without region (admin assignments, privacy erasures,
entries of companies outside every region) are for global admins (``region_ids`` ``None``).
"Company" means the host customer: entries about its employer profile, its offers or the
customer record itself. "Kind" is the entry's ``object_type`` (region, event, offer, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..i18n import N_
from ..models import AuditEntry, EmployerProfile, Offer, Region
from ..models.host import customer_table, user_table
from .admin_scope import narrow

PER_PAGE = 50

KIND_LABELS = {
    "region": N_("Region: Funktionen und Darstellung"),
    "event": N_("Veranstaltung"),
    "employerprofile": N_("Arbeitgeberprofil"),
    "offer": N_("Angebot"),
    "mail": N_("E-Mail-Versand"),
    "user": N_("Zuständigkeit der Verwaltung"),
    "customer": N_("Betrieb"),
    "address": N_("Datenschutz"),
    "campaign": N_("Kampagne"),
}
"""German names of the kinds the plug-in writes; an unknown kind is shown by its key."""


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    actor: str
    """The acting account's name (or e-mail address), empty for the system."""
    region: str
    company: str
    on_behalf_of: str = ""
    """The name of the company an admin acted for (``details["on_behalf_of"]``), else empty."""


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    page: int
    pages: int
    total: int


def _company_condition(session: Session, customer_id: int):
    profile_ids = select(EmployerProfile.id).where(EmployerProfile.customer_id == customer_id)
    offer_ids = select(Offer.id).join(EmployerProfile, Offer.profile_id == EmployerProfile.id)\
        .where(EmployerProfile.customer_id == customer_id)
    return or_(
        and_(AuditEntry.object_type == "employerprofile", AuditEntry.object_id.in_(profile_ids)),
        and_(AuditEntry.object_type == "offer", AuditEntry.object_id.in_(offer_ids)),
        and_(AuditEntry.object_type == "customer", AuditEntry.object_id == customer_id),
    )


def _filtered(session: Session, statement, region_ids: frozenset[int] | None, *,
              region_id: int | None, customer_id: int | None, kind: str | None):
    statement = narrow(statement, AuditEntry.region_id, region_ids)
    if region_id is not None:
        statement = statement.where(AuditEntry.region_id == region_id)
    if customer_id is not None:
        statement = statement.where(_company_condition(session, customer_id))
    if kind:
        statement = statement.where(AuditEntry.object_type == kind)
    return statement


def entries(session: Session, region_ids: frozenset[int] | None, *, region_id: int | None = None,
            customer_id: int | None = None, kind: str | None = None, page: int = 1,
            per_page: int = PER_PAGE) -> AuditPage:
    """One page of entries, newest first (a page past the end shows the last one)."""
    filters = {"region_id": region_id, "customer_id": customer_id, "kind": kind}
    total = session.scalar(_filtered(session, select(func.count(AuditEntry.id)), region_ids,
                                     **filters)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    found = list(session.scalars(
        _filtered(session, select(AuditEntry), region_ids, **filters)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ))
    return AuditPage(_rows(session, found), page, pages, total)


def _rows(session: Session, found: list[AuditEntry]) -> list[AuditRow]:
    actor_ids = {e.actor_user_id for e in found if e.actor_user_id}
    actors = {row.id: row.display_name or row.email or "" for row in session.execute(
        select(user_table.c.id, user_table.c.display_name, user_table.c.email)
        .where(user_table.c.id.in_(sorted(actor_ids))))} if actor_ids else {}
    region_names = dict(session.execute(select(Region.id, Region.name)).all())
    profile_ids = {e.object_id for e in found if e.object_type == "employerprofile"}
    offer_ids = {e.object_id for e in found if e.object_type == "offer"}
    companies: dict[tuple[str, int], str] = {}
    if profile_ids:
        for pid, name in session.execute(select(EmployerProfile.id, EmployerProfile.display_name)
                                         .where(EmployerProfile.id.in_(sorted(profile_ids)))):
            companies[("employerprofile", pid)] = name
    if offer_ids:
        for oid, name in session.execute(
            select(Offer.id, EmployerProfile.display_name)
            .join(EmployerProfile, Offer.profile_id == EmployerProfile.id)
            .where(Offer.id.in_(sorted(offer_ids)))
        ):
            companies[("offer", oid)] = name
    customer_ids = {e.object_id for e in found if e.object_type == "customer" and e.object_id}
    customer_ids |= {_on_behalf_of(e) for e in found if _on_behalf_of(e) is not None}
    customers = dict(session.execute(
        select(customer_table.c.id, customer_table.c.name)
        .where(customer_table.c.id.in_(sorted(customer_ids)))).all()) if customer_ids else {}
    for cid, name in customers.items():
        companies[("customer", cid)] = name
    return [AuditRow(
        entry=e,
        actor=actors.get(e.actor_user_id, "") if e.actor_user_id else "",
        region=region_names.get(e.region_id, "") if e.region_id else "",
        company=companies.get((e.object_type, e.object_id), ""),
        on_behalf_of=customers.get(_on_behalf_of(e), "") if _on_behalf_of(e) is not None
        else "",
    ) for e in found]


def _on_behalf_of(entry: AuditEntry) -> int | None:
    value = (entry.details or {}).get("on_behalf_of")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def kinds(session: Session, region_ids: frozenset[int] | None) -> list[str]:
    """The kinds that occur in the reader's entries, for the filter."""
    return sorted(session.scalars(narrow(select(AuditEntry.object_type).distinct(),
                                         AuditEntry.region_id, region_ids)))


def companies(session: Session, region_ids: frozenset[int] | None) -> list[tuple[int, str]]:
    """(customer id, name) of the companies with a profile in the reader's regions."""
    return [tuple(row) for row in session.execute(
        narrow(select(EmployerProfile.customer_id, EmployerProfile.display_name),
               EmployerProfile.region_id, region_ids)
        .order_by(EmployerProfile.display_name, EmployerProfile.customer_id))]


def details_view(details: dict[str, Any] | None) -> list[tuple[str, Any, Any, bool]]:
    """(field, before, after, values known) per changed field of an entry's details, for the
    page; fields without values (free text) show only that they changed."""
    details = details or {}
    before, after = details.get("before") or {}, details.get("after") or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    names = details.get("fields") or sorted(set(before) | set(after))
    return [(str(name), before.get(name), after.get(name), name in before or name in after)
            for name in names if isinstance(name, str)]


def other_details(details: dict[str, Any] | None) -> dict[str, Any]:
    """What an entry says beyond its changed fields (counts, an audience, a feature key)."""
    return {k: v for k, v in (details or {}).items()
            if k not in ("fields", "before", "after", "on_behalf_of")}
