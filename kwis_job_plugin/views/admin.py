"""Admin pages: regions with their feature switches, and the review of submissions."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for

from ..config import FEATURE_KEYS, FEATURES
from ..forms.region_theme import RegionThemeForm
from ..i18n import gettext as _
from ..models import EmployerProfile, Media, Region
from ..models.host import get_customer
from ..services import (
    features,
    media,
    offer_display,
    profile_display,
    profiles,
    region_theme,
    regions,
    review,
)
from ..services.errors import EditConflict, NotFound, ValidationError
from ..services.input_checks import without_forbidden_chars
from . import access, context
from .media import MEDIA_ID, image_response
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
                    theme_input: dict[int, dict[str, str]] | None = None, status: int = 200):
    session = context.db()
    all_regions = regions.all_regions(session)
    return render_template(
        "kwis_job/admin/regions.html",
        active_menu="kwis_job_regions",
        regions=all_regions,
        features=FEATURES,
        states={r.id: features.states(session, r.id) for r in all_regions},
        theme_errors=theme_errors or {},
        theme_input=theme_input or {},
        min_contrast=region_theme.MIN_CONTRAST,
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


# -- review: the queue, the submitted version, the decision bound to it ---------------------


@bp.get("/pruefung")
@access.admin
def review_queue():
    """What waits, oldest first; each item links to its submitted version and the decision."""
    waiting_profiles, waiting_offers = profiles.in_review(context.db())
    return render_template(
        "kwis_job/admin/review.html",
        active_menu="kwis_job_review",
        profiles=waiting_profiles,
        offers=waiting_offers,
    )


REVIEW_ITEM = "/pruefung/<any(profil, angebot):kind>/<int(max=2147483647):object_id>"


def _review_media_url(media_id: int) -> str:
    return url_for(".review_media", media_id=media_id)


def _render_submission(kind: str, object_id: int, *, status: int = 200,
                       errors: dict[str, str] | None = None, conflict: bool = False,
                       comment: str = ""):
    """The submitted version as the public would see it, with the decision forms bound to it.

    Also the answer to a refused decision: after a conflict (409) it shows the version that
    waits now, with its new fingerprint, and keeps the reviewer's note in the field.
    """
    session = context.db()
    try:
        item = review.submission(session, kind, object_id)
    except NotFound:
        abort(404)
    obj = item.obj
    if isinstance(obj, EmployerProfile):
        name = company = obj.display_name
        body = {"view": profile_display.profile_view(
            session, item.snapshot, media_url=_review_media_url,
            customer=get_customer(session, obj.customer_id))}
    else:
        name, company = obj.title, obj.profile.display_name
        body = {"offer_view": offer_display.public_view(session, item.snapshot, date.today()),
                "employer_name": company}
    return render_template(
        "kwis_job/admin/review_preview.html",
        active_menu="kwis_job_review",
        kind=kind,
        item=obj,
        name=name,
        company=company,
        fingerprint=item.fingerprint,
        errors=errors or {},
        conflict=conflict,
        comment=review.shown_note(comment),
        note_max=review.NOTE_MAX_LENGTH,
        **body,
    ), status


@bp.get(REVIEW_ITEM)
@access.admin
def review_item(kind: str, object_id: int):
    return _render_submission(kind, object_id)


@bp.get(f"/pruefung/bilder/{MEDIA_ID}")
@access.admin
def review_media(media_id: int):
    """Any company's picture for the review page: drafts and submissions are not public yet.

    Admins may see every profile; ``no-store`` keeps unpublished pictures out of shared caches.
    """
    item = context.db().get(Media, media_id)
    if item is None:
        abort(404)
    return image_response(item, cache="private, no-store")


@bp.post(f"{REVIEW_ITEM}/<any(freigeben, zurueckgeben):decision>")
@access.admin
def review_decision(kind: str, object_id: int, decision: str):
    """Approve or send back the version the page showed (``fassung``); a newer one is a 409."""
    session, reviewer = context.db(), context.user().id
    seen = request.form.get("fassung")
    comment = request.form.get("comment", "")
    try:
        if decision == "freigeben":
            obj = review.approve(session, kind, object_id, reviewer, seen_version=seen)
            message = _("„%(name)s“ ist freigegeben und öffentlich sichtbar.")
        else:
            obj = review.send_back(session, kind, object_id, reviewer, comment,
                                   seen_version=seen)
            message = _("„%(name)s“ ist mit Ihrem Hinweis an den Betrieb zurückgegangen.")
    except NotFound:
        session.rollback()
        abort(404)
    except EditConflict:
        session.rollback()
        return _render_submission(kind, object_id, status=409, conflict=True, comment=comment)
    except ValidationError as exc:
        session.rollback()
        return _render_submission(kind, object_id, status=422, errors=exc.errors,
                                  comment=comment)
    session.commit()
    name = obj.display_name if kind == "profil" else obj.title
    flash(message % {"name": name})
    return redirect(url_for(".review_queue"))
