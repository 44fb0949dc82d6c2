"""Admin pages for the review of submissions: the queue, the submitted version, the decision."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for

from ..i18n import gettext as _
from ..models import EmployerProfile, Media
from ..models.host import get_customer
from ..services import offer_display, profile_display, profiles, review
from ..services.errors import EditConflict, NotFound, ValidationError
from . import access, context
from .media import MEDIA_ID, image_response
from .templating import make_blueprint

bp = make_blueprint("kwis_job_admin_review", __name__)


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
