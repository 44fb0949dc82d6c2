"""Admin pages: regions with their feature switches, and the review queue."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from ..config import FEATURE_KEYS, FEATURES
from ..i18n import gettext as _
from ..models import Region
from ..services import features, profiles, regions
from . import access, context
from .templating import make_blueprint

bp = make_blueprint("kwis_job_admin", __name__)


@bp.get("/regionen")
@access.admin
def region_list():
    session = context.db()
    all_regions = regions.all_regions(session)
    return render_template(
        "kwis_job/admin/regions.html",
        active_menu="kwis_job_regions",
        regions=all_regions,
        features=FEATURES,
        states={r.id: features.states(session, r.id) for r in all_regions},
    )


@bp.post("/regionen/<int:region_id>/funktionen/<feature>")
@access.admin
def switch_feature(region_id: int, feature: str):
    session = context.db()
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


@bp.get("/pruefung")
@access.admin
def review_queue():
    waiting_profiles, waiting_offers = profiles.in_review(context.db())
    return render_template(
        "kwis_job/admin/review.html",
        active_menu="kwis_job_review",
        profiles=waiting_profiles,
        offers=waiting_offers,
    )
