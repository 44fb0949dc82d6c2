"""Admin page "Änderungsprotokoll": who changed what and when, with before and after.

Newest first, 50 a page, filtered by region, company and kind (query parameters ``region``,
``betrieb``, ``art``, ``seite``). A region admin reads only the entries of their regions
(``services/audit_log.py``); naming another region in ``region`` answers 404, as every other
region check does. A value the page cannot use (not a number, an unknown kind or company) is
left out with a note instead of an error.
"""

from __future__ import annotations

from flask import render_template, request

from ..i18n import gettext as _
from ..services import admin_scope, audit_log
from ..services.input_checks import DB_INT_MAX, has_forbidden_chars
from . import access, context
from .templating import make_blueprint

bp = make_blueprint("kwis_job_admin_audit", __name__)
MENU_KEY = "kwis_job_audit"
PARAMS = {"region": "region", "company": "betrieb", "kind": "art", "page": "seite"}


def _number(name: str, notes: list[str]) -> int | None:
    raw = request.args.get(name, "")[:40]
    if not raw:
        return None
    if raw.isascii() and raw.isdigit() and 0 < int(raw) <= DB_INT_MAX:
        return int(raw)
    notes.append(_("Der Wert „%(name)s“ ist keine gültige Nummer und wurde nicht verwendet.",
                   name=name))
    return None


@bp.get("/protokoll")
@access.admin
def index():
    session = context.db()
    scope = access.admin_region_ids()
    notes: list[str] = []
    region_id = _number(PARAMS["region"], notes)
    if region_id is not None:
        access.require_region(region_id)
    regions = admin_scope.visible_regions(session, scope)
    companies = audit_log.companies(session, scope)
    customer_id = _number(PARAMS["company"], notes)
    if customer_id is not None and customer_id not in {c for c, _name in companies}:
        notes.append(_("Diesen Betrieb gibt es in Ihren Regionen nicht; der Filter wurde nicht "
                       "verwendet."))
        customer_id = None
    kinds = audit_log.kinds(session, scope)
    kind = request.args.get(PARAMS["kind"], "")[:40]
    if kind and (has_forbidden_chars(kind) or kind not in kinds):
        notes.append(_("Diese Art von Einträgen gibt es nicht; der Filter wurde nicht "
                       "verwendet."))
        kind = ""
    page = _number(PARAMS["page"], notes) or 1
    found = audit_log.entries(session, scope, region_id=region_id, customer_id=customer_id,
                              kind=kind or None, page=page)
    filters = {PARAMS["region"]: region_id, PARAMS["company"]: customer_id,
               PARAMS["kind"]: kind or None}
    return render_template(
        "kwis_job/admin/audit.html",
        active_menu=MENU_KEY,
        found=found,
        regions=regions,
        companies=companies,
        kinds=kinds,
        kind_label=lambda key: _(audit_log.KIND_LABELS[key]) if key in audit_log.KIND_LABELS
        else key,
        selected={"region": region_id, "company": customer_id, "kind": kind},
        filters={k: v for k, v in filters.items() if v is not None},
        params=PARAMS,
        notes=notes,
        details_view=audit_log.details_view,
        other_details=audit_log.other_details,
        show_region_filter=len(regions) > 1 or scope is None,
    )
