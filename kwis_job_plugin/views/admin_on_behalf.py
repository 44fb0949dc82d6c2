"""Admin page "Für einen Betrieb bearbeiten": an admin starts and ends editing on behalf.

The admin finds a company of their regions by name and starts acting (POST with CSRF); the
company's id and the admin's id go into the host's signed session (``context.ON_BEHALF_KEY``).
From then on the company's tabs (Arbeitgeberprofil, Angebote, Veranstaltungen) open for the
admin as for the company (``access.company``, ``context.customer``), every page shows the
"Bearbeiten für …" banner with a button to end it, and every change is logged with the admin
as actor and the company as ``on_behalf_of``. The session value is re-checked on every request
(``context.acting_for``); logout clears it with the rest of the session.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for

from ..i18n import gettext as _
from ..services import on_behalf
from ..services.errors import NotFound
from ..services.input_checks import has_forbidden_chars
from . import access, context
from .templating import make_blueprint

bp = make_blueprint("kwis_job_admin_on_behalf", __name__)
MENU_KEY = "kwis_job_on_behalf"
QUERY_MAX = 100
CUSTOMER = "<int(max=2147483647):customer_id>"


@bp.get("/fuer-betrieb")
@access.admin
def index():
    query = request.args.get("q", "")[:QUERY_MAX].strip()
    note = None
    found = []
    if query and has_forbidden_chars(query):
        note = _("Der Suchbegriff enthält Zeichen, die nicht erlaubt sind.")
    elif len(query) == 1:
        note = _("Bitte geben Sie mindestens zwei Zeichen ein.")
    elif query:
        found = on_behalf.find_companies(context.db(), access.admin_region_ids(), query)
    return render_template(
        "kwis_job/admin/on_behalf.html",
        active_menu=MENU_KEY,
        query=query,
        found=found,
        note=note,
        searched=bool(query) and note is None,
        acting=context.acting_for(),
    )


@bp.post(f"/fuer-betrieb/{CUSTOMER}/beginnen")
@access.admin
def start(customer_id: int):
    db = context.db()
    try:
        company = on_behalf.start(db, context.user().id, customer_id, access.admin_region_ids())
    except NotFound:
        db.rollback()
        abort(404)
    db.commit()
    session[context.ON_BEHALF_KEY] = {"customer_id": company.id, "admin_id": context.user().id}
    flash(_("Sie bearbeiten jetzt für %(name)s. Jede Änderung wird im Änderungsprotokoll mit "
            "Ihrem Namen vermerkt.", name=company.name))
    return redirect(url_for("kwis_job_profile.edit"))


@bp.post(f"/fuer-betrieb/{CUSTOMER}/beenden")
@access.admin
def stop(customer_id: int):
    db = context.db()
    try:
        company = on_behalf.stop(db, context.user().id, customer_id, access.admin_region_ids())
    except NotFound:
        db.rollback()
        abort(404)
    acted_for = context.acting_for()
    if acted_for is None or acted_for.id != company.id:
        db.rollback()  # nothing to end: no entry in the log
        return redirect(url_for(".index"))
    db.commit()
    session.pop(context.ON_BEHALF_KEY, None)
    flash(_("Sie bearbeiten nicht mehr für %(name)s.", name=company.name))
    return redirect(url_for(".index"))
