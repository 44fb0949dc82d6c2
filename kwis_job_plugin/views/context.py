"""What a view needs from the host, reached through the context the host lent at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, has_request_context, session
from kwis_hooks.types import HostContext, HostCustomer, HostUser
from sqlalchemy.orm import Session

from ..models.host import get_customer
from ..services import admin_scope, audit, regions

EXTENSION_KEY = "kwis_job"


@dataclass
class PluginState:
    host: HostContext


def state() -> PluginState:
    try:
        return current_app.extensions[EXTENSION_KEY]
    except KeyError:
        raise RuntimeError(
            "KWIS.job is not configured in this app: the host must call kwis_configure "
            "(kwis_hooks.host.PluginHost.configure) before serving requests."
        ) from None


def host() -> HostContext:
    return state().host


def db() -> Session:
    return host().get_session()


def user() -> HostUser | None:
    return host().current_user()


def customer() -> HostCustomer | None:
    """The company a self-service page is about: the admin's acted-for company while an admin
    edits on its behalf (``acting_for``), else the host's customer of the logged-in user."""
    acted_for = acting_for()
    if acted_for is not None:
        return acted_for
    return host().current_customer()


ON_BEHALF_KEY = "kwis_job_on_behalf"
"""Key in the host's signed session: ``{"customer_id": ..., "admin_id": ...}`` while an admin
edits for a company (``views/admin_on_behalf.py`` starts and ends it)."""


def acting_for() -> HostCustomer | None:
    """The company the logged-in admin currently edits for, or ``None``.

    Re-checked on every request (and kept on ``g`` for the rest of it): only an admin, only
    the admin who started it (logout clears the session anyway), only a company that still
    exists and lies in one of the admin's regions *now*. A value that fails the check is
    dropped from the session, so acting never survives a change of the admin's regions. A
    company user never acts for anyone, whatever the session holds.
    """
    if not has_request_context():
        return None
    if "kwis_job_acting_for" in g:
        return g.kwis_job_acting_for
    g.kwis_job_acting_for = None
    value = session.get(ON_BEHALF_KEY)
    if value is None:
        return None
    current = user()
    found = None
    if (isinstance(value, dict) and current is not None and current.is_admin
            and value.get("admin_id") == current.id
            and isinstance(value.get("customer_id"), int)):
        db_session = db()
        row = get_customer(db_session, value["customer_id"])
        if row is not None:
            region = regions.region_for_ags(db_session, row.ags)
            allowed = admin_scope.manageable_region_ids(db_session, current.id)
            if region is not None and admin_scope.allows(allowed, region.id):
                found = HostCustomer(id=row.id, name=row.name, ags=row.ags)
    if found is None:
        session.pop(ON_BEHALF_KEY, None)
    g.kwis_job_acting_for = found
    return found


def mark_acting(db_session: Session, *, company_page: bool) -> None:
    """Tell ``services.audit`` whom this request's writes are for: on a company page while
    acting, every audit entry names the company (``on_behalf_of``); on an admin page the admin
    acts as the agency, for no one. Set on every company and admin request, so a host that
    reuses sessions carries nothing over."""
    acted_for = acting_for() if company_page else None
    if acted_for is None:
        db_session.info.pop(audit.ON_BEHALF_INFO_KEY, None)
    else:
        db_session.info[audit.ON_BEHALF_INFO_KEY] = acted_for.id


def request_locale() -> str | None:
    """The locale provider for ``i18n``: the host's answer during a request, else ``None``.

    Asked once per request and kept in ``g``: a page translates a hundred strings, and the
    host's answer (content negotiation) does not change within a request."""
    if has_request_context() and EXTENSION_KEY in current_app.extensions:
        locale = g.get("kwis_job_locale")
        if locale is None:
            locale = g.kwis_job_locale = host().current_locale()
        return locale
    return None
