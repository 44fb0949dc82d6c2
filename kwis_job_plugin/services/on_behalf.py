"""Editing on behalf: an admin of the agency edits a company's tabs for it.

Who may act for whom is the region rule of every admin route: a region admin only for
companies whose AGS lies in one of their regions, a global admin for every company in a region.
Starting and ending are written to the audit log; while acting, every entry the company's tabs
write names the admin as actor and the company as ``on_behalf_of`` (``audit.ON_BEHALF_INFO_KEY``).

Privacy: the company sees "von der Wirtschaftsförderung" (``changes_for_company``), never the
name of the agency's employee; the admin's identity is in the audit log, which only admins of
the region read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..i18n import N_
from ..models import AuditEntry, Offer, RegionAgsPrefix
from ..models.host import customer_table, get_customer, user_table
from . import admin_scope, audit, regions
from .errors import NotFound

PICKER_LIMIT = 50
"""At most this many companies per search: the picker is a search, not a directory."""


@dataclass(frozen=True)
class Company:
    id: int
    name: str
    city: str | None
    region_id: int
    region_name: str


def company_for(session: Session, customer_id: int,
                region_ids: frozenset[int] | None) -> Company:
    """The company if the admin (``region_ids``, ``None`` = global) may act for it, else
    ``NotFound``: also for a company outside every region, as for another region's object."""
    row = get_customer(session, customer_id)
    region = regions.region_for_ags(session, row.ags) if row is not None else None
    if region is None or not admin_scope.allows(region_ids, region.id):
        raise NotFound()
    return Company(row.id, row.name, row.city, region.id, region.name)


def find_companies(session: Session, region_ids: frozenset[int] | None,
                   query: str) -> list[Company]:
    """Companies of the admin's regions whose name contains ``query`` (case-insensitive),
    by name, at most ``PICKER_LIMIT``."""
    prefixes = select(RegionAgsPrefix.prefix)
    if region_ids is not None:
        prefixes = prefixes.where(RegionAgsPrefix.region_id.in_(region_ids or [-1]))
    wanted = list(session.scalars(prefixes))
    if not wanted:
        return []
    statement = (
        select(customer_table.c.id)
        .where(or_(*(customer_table.c.ags.like(f"{p}%") for p in wanted)))
        .where(func.lower(customer_table.c.name).contains(query.lower(), autoescape=True))
        .order_by(customer_table.c.name, customer_table.c.id)
        .limit(PICKER_LIMIT * 2)
    )
    found = []
    for customer_id in session.scalars(statement):
        try:
            found.append(company_for(session, customer_id, region_ids))
        except NotFound:  # a longer prefix of another region wins
            continue
    return found[:PICKER_LIMIT]


def start(session: Session, admin_user_id: int, customer_id: int,
          region_ids: frozenset[int] | None) -> Company:
    """Check and log the start; the view keeps the customer id in the signed session."""
    company = company_for(session, customer_id, region_ids)
    audit.record(session, "on_behalf.started", "customer", company.id,
                 actor_user_id=admin_user_id, region_id=company.region_id,
                 details={"on_behalf_of": company.id})
    session.flush()
    return company


def stop(session: Session, admin_user_id: int, customer_id: int,
         region_ids: frozenset[int] | None) -> Company:
    company = company_for(session, customer_id, region_ids)
    audit.record(session, "on_behalf.ended", "customer", company.id,
                 actor_user_id=admin_user_id, region_id=company.region_id,
                 details={"on_behalf_of": company.id})
    session.flush()
    return company


ACTION_LABELS = {
    "employerprofile.created": N_("Arbeitgeberprofil angelegt"),
    "employerprofile.updated": N_("Arbeitgeberprofil geändert"),
    "employerprofile.submitted": N_("Arbeitgeberprofil zur Prüfung eingereicht"),
    "employerprofile.published": N_("Arbeitgeberprofil veröffentlicht"),
    "employerprofile.confirmed": N_("Arbeitgeberprofil als aktuell bestätigt"),
    "offer.created": N_("Angebot angelegt"),
    "offer.updated": N_("Angebot geändert"),
    "offer.submitted": N_("Angebot zur Prüfung eingereicht"),
    "offer.published": N_("Angebot veröffentlicht"),
}
"""German names of what the company is shown; other actions appear as "geändert"."""

FALLBACK_LABELS = {"employerprofile": N_("Arbeitgeberprofil geändert"),
                   "offer": N_("Angebot geändert")}


@dataclass(frozen=True)
class AgencyChange:
    at: datetime
    label: str
    """An untranslated German label (``ACTION_LABELS``); the template translates it."""
    subject: str | None
    """The offer's title, so the company knows which one; ``None`` for the profile."""


def changes_for_company(session: Session, customer_id: int,
                        limit: int = 10) -> list[AgencyChange]:
    """The latest changes the agency made for the company, for the company's own tabs: when
    and what, and "by the Wirtschaftsförderung", never which employee (see the module
    docstring). Starting and ending to act are left out."""
    entries = session.scalars(
        select(AuditEntry)
        .join(user_table, user_table.c.id == AuditEntry.actor_user_id)
        .where(AuditEntry.details["on_behalf_of"].as_integer() == customer_id)
        .where(user_table.c.role == "admin")
        .where(AuditEntry.object_type.in_(tuple(FALLBACK_LABELS)))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    changes = []
    for entry in entries:
        subject = None
        if entry.object_type == "offer":
            offer = session.get(Offer, entry.object_id) if entry.object_id else None
            subject = offer.title if offer is not None else None
        label = ACTION_LABELS.get(entry.action, FALLBACK_LABELS[entry.object_type])
        changes.append(AgencyChange(entry.at, label, subject))
    return changes
