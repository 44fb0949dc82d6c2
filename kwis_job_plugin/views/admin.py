"""Admin pages: regions with their feature switches, and the review queue."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from ..config import FEATURE_KEYS, FEATURES
from ..i18n import gettext as _
from ..models import Region
from ..services import features, profiles, regions, review
from ..services.errors import NotFound, ValidationError
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


def _render_review(errors: dict[tuple[str, int], str] | None = None, status: int = 200):
    waiting_profiles, waiting_offers = profiles.in_review(context.db())
    return render_template(
        "kwis_job/admin/review.html",
        active_menu="kwis_job_review",
        profiles=waiting_profiles,
        offers=waiting_offers,
        errors=errors or {},
        comments=request.form if errors else {},
    ), status


@bp.get("/pruefung")
@access.admin
def review_queue():
    return _render_review()


@bp.post("/pruefung/<any(profil, angebot):kind>/<int(max=2147483647):object_id>/<decision>")
@access.admin
def review_decision(kind: str, object_id: int, decision: str):
    session, reviewer = context.db(), context.user().id
    try:
        if decision == "freigeben":
            obj = review.approve(session, kind, object_id, reviewer)
            message = _("„%(name)s“ ist freigegeben und öffentlich sichtbar.")
        elif decision == "zurueckgeben":
            comment = request.form.get("comment", "")
            obj = review.send_back(session, kind, object_id, reviewer, comment)
            message = _("„%(name)s“ ist mit Ihrem Hinweis an den Betrieb zurückgegangen.")
        else:
            abort(404)
    except NotFound:
        session.rollback()
        abort(404)
    except ValidationError as exc:
        session.rollback()
        return _render_review({(kind, object_id): next(iter(exc.errors.values()))}, 422)
    session.commit()
    name = obj.display_name if kind == "profil" else obj.title
    flash(message % {"name": name})
    return redirect(url_for(".review_queue"))
