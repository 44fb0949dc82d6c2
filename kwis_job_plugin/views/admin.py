"""Admin pages: regions with their feature switches and their look (review: ``admin_review``).

A region admin sees and changes only the regions assigned (``access.admin_region_ids``); every
route that names a region checks it first (``access.require_region``: 404 for another region's
id, the same answer as for an unknown one)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from ..config import FEATURE_KEYS, FEATURES
from ..forms.region_theme import RegionThemeForm, StalenessForm
from ..i18n import gettext as _
from ..models import Region
from ..services import admin_scope, features, media, region_theme, staleness
from ..services.errors import ValidationError
from ..services.input_checks import without_forbidden_chars
from . import access, context
from .templating import make_blueprint

bp = make_blueprint("kwis_job_admin", __name__)


THEME_ENDPOINT = "kwis_job_admin.region_theme_save"
THEME_MAX_REQUEST_BYTES = media.MAX_UPLOAD_BYTES + 256 * 1024


@bp.url_value_preprocessor
def _limit_theme_upload(endpoint, _values) -> None:
    """Cap the body of the region look form (one logo) before the CSRF check reads it."""
    if endpoint == THEME_ENDPOINT:
        limit = request.max_content_length
        if limit is None or limit > THEME_MAX_REQUEST_BYTES:
            request.max_content_length = THEME_MAX_REQUEST_BYTES


def _render_regions(theme_errors: dict[int, dict[str, str]] | None = None,
                    theme_input: dict[int, dict[str, str]] | None = None, status: int = 200,
                    stale_errors: dict[int, str] | None = None,
                    stale_input: dict[int, str] | None = None):
    session = context.db()
    all_regions = admin_scope.visible_regions(session, access.admin_region_ids())
    return render_template(
        "kwis_job/admin/regions.html",
        active_menu="kwis_job_regions",
        regions=all_regions,
        features=FEATURES,
        states={r.id: features.states(session, r.id) for r in all_regions},
        theme_errors=theme_errors or {},
        theme_input=theme_input or {},
        min_contrast=region_theme.MIN_CONTRAST,
        stale_errors=stale_errors or {},
        stale_input=stale_input or {},
        stale_default=current_app.config["KWIS_JOB_STALE_AFTER_DAYS"],
        stale_range=(staleness.DAYS_MIN, staleness.DAYS_MAX),
    ), status


@bp.get("/regionen")
@access.admin
def region_list():
    return _render_regions()


@bp.post("/regionen/<int(max=2147483647):region_id>/darstellung")
@access.admin
def region_theme_save(region_id: int):
    """The region's look on the portal: colours checked for contrast, logo re-encoded."""
    session = context.db()
    access.require_region(region_id)
    region = session.get(Region, region_id)
    if region is None:
        abort(404)
    upload = request.files.get("logo")
    logo = upload.read(media.MAX_UPLOAD_BYTES + 1) if upload and upload.filename else None
    checked = RegionThemeForm()
    form = {key: without_forbidden_chars(request.form.get(key, "")) for key in
            ("theme_color", "theme_color_secondary", "logo_alt")}
    if not checked.validate():
        return _render_regions({region_id: checked.field_errors()}, {region_id: form}, 422)
    try:
        region_theme.update_theme(
            session, region,
            theme_color=form["theme_color"],
            theme_color_secondary=form["theme_color_secondary"],
            logo=logo,
            logo_alt=form["logo_alt"],
            remove_logo=request.form.get("remove_logo") == "1",
            actor_user_id=context.user().id,
        )
    except ValidationError as exc:
        session.rollback()
        return _render_regions({region_id: exc.errors}, {region_id: form}, 422)
    session.commit()
    flash(_("Die Darstellung von %(region)s im Portal ist gespeichert.") % {"region": region.name})
    return redirect(url_for(".region_list", _anchor=f"region-{region.id}-theme"))


@bp.post("/regionen/<int(max=2147483647):region_id>/funktionen/<string(maxlength=40):feature>")
@access.admin
def switch_feature(region_id: int, feature: str):
    session = context.db()
    access.require_region(region_id)
    region = session.get(Region, region_id)
    if region is None or feature not in FEATURE_KEYS:
        abort(404)
    wanted = request.form.get("enabled")
    if wanted not in ("0", "1"):
        abort(400)
    label = next(f.label for f in FEATURES if f.key == feature)
    changed = features.set_enabled(session, region.id, feature, wanted == "1", context.user().id)
    session.commit()
    if changed:
        message = (
            _("„%(feature)s“ ist in %(region)s jetzt eingeschaltet.")
            if wanted == "1"
            else _("„%(feature)s“ ist in %(region)s jetzt ausgeschaltet.")
        )
        flash(message % {"feature": label, "region": region.name})
    return redirect(url_for(".region_list"))


@bp.post("/regionen/<int(max=2147483647):region_id>/aktualitaet")
@access.admin
def stale_after_days_save(region_id: int):
    """The region's staleness period (``services.staleness.set_stale_after_days``): days
    without a change before the "still current?" reminder; empty for the installation's."""
    session = context.db()
    access.require_region(region_id)
    region = session.get(Region, region_id)
    if region is None:
        abort(404)
    form = StalenessForm()
    given = without_forbidden_chars(request.form.get("stale_after_days", ""))[:20]
    if not form.validate():
        return _render_regions(status=422, stale_errors={region_id: form.field_errors().get(
            "stale_after_days", "")}, stale_input={region_id: given})
    try:
        changed = staleness.set_stale_after_days(session, region, form.stale_after_days.data,
                                                 actor_user_id=context.user().id)
    except ValidationError as exc:
        session.rollback()
        return _render_regions(status=422, stale_errors={region_id: exc.errors[
            "stale_after_days"]}, stale_input={region_id: given})
    session.commit()
    if changed:
        flash(_("Der Zeitraum für die Erinnerung „Noch aktuell?“ in %(region)s ist "
                "gespeichert.") % {"region": region.name})
    return redirect(url_for(".region_list", _anchor=f"region-{region.id}-stale"), 303)
