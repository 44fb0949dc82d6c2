"""Admin page "Zuständigkeiten": global admins assign host admin accounts to regions.

Only global admins open it (``access.global_admin``: a region admin gets 404 and no menu entry).
The rules live in ``services.admin_scope.assign``: at least one global admin remains, an admin
who takes away their own global scope confirms it, every change is audited with before/after.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from ..forms.admin_scope import ALL, SOME, AdminScopeForm
from ..i18n import gettext as _
from ..services import admin_scope
from ..services.errors import NotFound, ValidationError
from . import access, context
from .templating import make_blueprint

bp = make_blueprint("kwis_job_admin_admins", __name__)
MENU_KEY = "kwis_job_admins"


def _prefix(user_id: int) -> str:
    return f"admin{user_id}"


def _render(posted: AdminScopeForm | None = None, posted_for: int | None = None,
            status: int = 200):
    session = context.db()
    admins = admin_scope.list_admins(session)
    all_regions = admin_scope.visible_regions(session, None)
    forms = {}
    for admin in admins:
        if posted is not None and admin.user_id == posted_for:
            form = posted
        else:
            form = AdminScopeForm(formdata=None, prefix=_prefix(admin.user_id), data={
                "scope": ALL if admin.all_regions else SOME,
                "regions": sorted(admin.region_ids)})
        form.set_choices(all_regions)
        forms[admin.user_id] = form
    names = {region.id: region.name for region in all_regions}
    labels = {a.user_id: ", ".join(sorted(names[r] for r in a.region_ids if r in names))
              for a in admins}
    return render_template(
        "kwis_job/admin/admins.html",
        active_menu=MENU_KEY,
        admins=admins,
        forms=forms,
        scope_labels=labels,
        has_regions=bool(all_regions),
        me=context.user().id,
    ), status


@bp.get("/zustaendigkeiten")
@access.admin
@access.global_admin
def index():
    return _render()


@bp.post("/zustaendigkeiten/<int(max=2147483647):user_id>")
@access.admin
@access.global_admin
def assign(user_id: int):
    session = context.db()
    admins = {a.user_id: a for a in admin_scope.list_admins(session)}
    if user_id not in admins:
        abort(404)
    form = AdminScopeForm(prefix=_prefix(user_id))
    form.set_choices(admin_scope.visible_regions(session, None))
    if not form.validate():
        session.rollback()
        return _render(form, user_id, 400 if form.csrf_token.errors else 422)
    try:
        changed = admin_scope.assign(
            session, context.user().id, user_id, all_regions=form.all_regions,
            region_ids=form.regions.data or (), confirm_own=bool(form.confirm_own.data))
    except NotFound:
        session.rollback()
        abort(404)
    except ValidationError as exc:
        session.rollback()
        form.add_errors(exc.errors)
        return _render(form, user_id, 422)
    session.commit()
    admin = admins[user_id]
    who = admin.display_name or admin.email
    if changed:
        flash(_("Die Zuständigkeit von %(name)s ist gespeichert.", name=who))
    else:
        flash(_("Für %(name)s hat sich nichts geändert.", name=who))
    return redirect(url_for(".index", _anchor=f"admin-{user_id}"), 303)
