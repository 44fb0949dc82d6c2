"""Admin page "Rechtliche Angaben" of a region: imprint, privacy contacts, accessibility.

Next to the region's look on the regions page. A region admin reaches only the regions assigned
(``access.require_region``: 404 for any other id). The form is checked by the shared input rule
(``forms/legal.py``) and by ``services.legal.clean``; every message stands at its field and
nothing is saved (422). Until a region has what the law asks, the page and the regions page say
what is missing (``legal_gaps``, a template global for the regions page).

Below the accessibility fields the page shows the last recorded check of the portal as the
statement reads it (``accessibility_statement.recorded_check``: date, how it was done, its scope
without the stored marker line); it is recorded on the command line, not in this form.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, url_for

from ..forms.legal import RegionLegalForm
from ..i18n import gettext as _
from ..models import Region
from ..services import accessibility_statement, legal
from ..services.errors import ValidationError
from ..services.input_checks import without_forbidden_chars
from . import access, context
from .portal import format_date
from .templating import make_blueprint

bp = make_blueprint("kwis_job_admin_legal", __name__)
REGION_ID = "<int(max=2147483647):region_id>"


@bp.app_template_global("legal_gaps")
def legal_gaps(region_id: int) -> list[legal.Gap]:
    """What region ``region_id`` still lacks (``services.legal.missing``), for the regions
    page: asked per region shown, one small query each."""
    return legal.missing(legal.load(context.db(), region_id))


def _region(region_id: int) -> Region:
    access.require_region(region_id)
    region = context.db().get(Region, region_id)
    if region is None:
        abort(404)
    return region


def _render(region: Region, form: RegionLegalForm, status: int = 200):
    stored = legal.load(context.db(), region.id)
    check = accessibility_statement.recorded_check(stored)
    oldest_valid = date.today() - timedelta(days=accessibility_statement.CHECK_VALID_DAYS)
    return render_template(
        "kwis_job/admin/legal.html",
        active_menu="kwis_job_regions",
        region=region,
        form=form,
        groups=legal.GROUPS,
        fields=legal.FIELDS,
        gaps=legal.missing(stored),
        check=check,
        check_date=format_date(check.checked_on) if check else None,
        check_outdated=check is not None and check.checked_on < oldest_valid,
        methods={"automated": accessibility_statement.AUTOMATED,
                 "by_hand_complete": accessibility_statement.BY_HAND_COMPLETE},
    ), status


@bp.get(f"/regionen/{REGION_ID}/rechtliches")
@access.admin
def edit(region_id: int):
    region = _region(region_id)
    form = RegionLegalForm(formdata=None, data=legal.values(legal.load(context.db(), region.id)))
    return _render(region, form)


@bp.post(f"/regionen/{REGION_ID}/rechtliches")
@access.admin
def save(region_id: int):
    """Check, save once, audit the changed field names; or 422 with messages at the fields."""
    session = context.db()
    region = _region(region_id)
    form = RegionLegalForm()
    if not form.validate():
        _show_again(form)
        return _render(region, form, 422)
    try:
        changed = legal.save(session, region, {name: form[name].data for name in legal.FIELD_NAMES},
                             actor_user_id=context.user().id)
    except ValidationError as exc:
        session.rollback()
        form.add_errors(exc.errors)
        return _render(region, form, 422)
    session.commit()
    if changed:
        flash(_("Die rechtlichen Angaben für %(region)s sind gespeichert.", region=region.name))
    else:
        flash(_("Keine Änderungen an den rechtlichen Angaben für %(region)s.",
                region=region.name))
    return redirect(url_for(".edit", region_id=region.id))


def _show_again(form: RegionLegalForm) -> None:
    """Refused input is shown again without the invisible characters that made it fail, so
    the admin can correct it (the characters cannot be found to delete them)."""
    for spec in legal.FIELDS:
        field = form[spec.name]
        if field.errors and isinstance(field.data, str):
            field.data = without_forbidden_chars(field.data, multi_line=spec.multi_line)
