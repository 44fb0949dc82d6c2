"""Admin pages for the review of submissions: the queue, the submitted version with what it
changes (``services.review_diff``), the decision and its mail to the company.

A region admin sees and decides only what the assigned regions hold: the queue is narrowed to
``access.admin_region_ids()``, and every route that names a profile, offer or picture checks its
region first (``access.require_region``: 404 for another region's item, as for an unknown one).

``links()`` builds the absolute URLs the review's mails link to (``review_mails.Links``), in a
request or, for ``kwis-job review summary``, in the host app or on a small app of its own
(``offline_links``).
"""

from __future__ import annotations

from datetime import date

from flask import (
    Flask,
    abort,
    current_app,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)

from ..i18n import gettext as _
from ..models import EmployerProfile, Media
from ..models.host import get_customer
from ..services import offer_display, profile_display, review, review_diff
from ..services.errors import EditConflict, NotFound, ValidationError
from . import access, context
from .media import MEDIA_ID, image_response
from .templating import make_blueprint

bp = make_blueprint("kwis_job_admin_review", __name__)


# --- links in the review's mails ----------------------------------------------------------------


def _external(endpoint: str, **values) -> str:
    """An absolute URL; outside a request on ``KWIS_JOB_PUBLIC_BASE_URL``."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = current_app.config.get("KWIS_JOB_PUBLIC_BASE_URL") or "http://localhost"
    with current_app.test_request_context("/", base_url=base):
        return url_for(endpoint, _external=True, **values)


class UrlLinks:
    """``services.review_mails.Links`` from the URL rules of the tabs and this blueprint."""

    def profile_tab(self) -> str:
        return _external("kwis_job_profile.edit")

    def offer(self, offer_id: int) -> str:
        return _external("kwis_job_offers.preview", offer_id=offer_id)

    def review_queue(self) -> str:
        return _external("kwis_job_admin_review.review_queue")


def links() -> UrlLinks:
    """The review mails' links of the current app (views and the command line pass them to
    ``services.review`` and ``services.review_mails`` explicitly)."""
    return UrlLinks()


class _OfflineLinks(UrlLinks):
    def __init__(self, app: Flask, base_url: str):
        self.app, self.base_url = app, base_url

    def _build(self, method, *args) -> str:
        with self.app.test_request_context("/", base_url=self.base_url):
            return method(self, *args)

    def profile_tab(self) -> str:
        return self._build(UrlLinks.profile_tab)

    def offer(self, offer_id: int) -> str:
        return self._build(UrlLinks.offer, offer_id)

    def review_queue(self) -> str:
        return self._build(UrlLinks.review_queue)


def offline_links(base_url: str, admin_prefix: str, selfservice_prefix: str) -> UrlLinks:
    """The same links without a host app (``kwis-job review summary`` on its own): the same
    URL rules, mounted at the given prefixes under ``base_url``."""
    from .offers_tab import bp as offers_bp
    from .profile_tab import bp as profile_bp

    app = Flask("kwis_job_review_links")
    app.register_blueprint(bp, url_prefix=admin_prefix)
    app.register_blueprint(profile_bp, url_prefix=selfservice_prefix)
    app.register_blueprint(offers_bp, url_prefix=selfservice_prefix)
    return _OfflineLinks(app, base_url)


# --- pages --------------------------------------------------------------------------------------


@bp.get("/pruefung")
@access.admin
def review_queue():
    """What waits in the admin's regions, oldest first; each item links to its submitted
    version and the decision."""
    waiting_profiles, waiting_offers = review.waiting(context.db(), access.admin_region_ids())
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
    access.require_region(review.region_id_of(obj))
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
        customer_id=obj.customer_id if isinstance(obj, EmployerProfile)
        else obj.profile.customer_id,
        fingerprint=item.fingerprint,
        diff=review_diff.diff(session, obj, item.snapshot),
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
    """A company's picture for the review page: drafts and submissions are not public yet.

    Admins may see every profile of their regions; ``no-store`` keeps unpublished pictures out
    of shared caches.
    """
    item = context.db().get(Media, media_id)
    if item is None:
        abort(404)
    access.require_region(review.region_id_of(item))
    return image_response(item, cache="private, no-store")


@bp.post(f"{REVIEW_ITEM}/<any(freigeben, zurueckgeben):decision>")
@access.admin
def review_decision(kind: str, object_id: int, decision: str):
    """Approve or send back the version the page showed (``fassung``); a newer one is a 409."""
    session, reviewer = context.db(), context.user().id
    try:
        access.require_region(review.region_of(session, kind, object_id))
    except NotFound:
        abort(404)
    seen = request.form.get("fassung")
    comment = request.form.get("comment", "")
    try:
        if decision == "freigeben":
            obj = review.approve(session, kind, object_id, reviewer, seen_version=seen,
                                 links=links())
            message = _("„%(name)s“ ist freigegeben und öffentlich sichtbar.")
        else:
            obj = review.send_back(session, kind, object_id, reviewer, comment,
                                   seen_version=seen, links=links())
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
