"""The self-service tab "Arbeitgeberprofil": the company edits, previews and submits its profile.

Thin: parse the form, call ``services.profiles`` (the previews: ``services.profile_display``),
commit once, render. On bad input the form comes back with the messages at the fields (422) and
nothing is written; on an edit conflict (409) the person's input stays in the form next to the
version someone else saved.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import RequestEntityTooLarge

from ..forms.profile import ConfirmCurrentForm, ProfileForm
from ..i18n import gettext as _
from ..models import Benefit, OccupationalField, TrainingOccupation
from ..models.base import utcnow
from ..models.host import get_customer
from ..services import features, profile_display, profiles, regions, staleness, taxonomy
from ..services import media as media_service
from ..services.errors import EditConflict, NotFound, ValidationError
from ..services.page_views import PROFILE, recent_views
from . import access, context
from .media import MEDIA_ID, image_response
from .templating import make_blueprint

bp = make_blueprint("kwis_job_profile", __name__)
TAB_KEY = "kwis_job_profile"
ACTIONS = ("save", "preview", "submit")
MAX_REQUEST_BYTES = (1 + media_service.MAX_PHOTOS) * media_service.MAX_UPLOAD_BYTES + 1024 * 1024


@bp.url_value_preprocessor
def _limit_request_size(_endpoint, _values) -> None:
    """Cap the body before anything (the CSRF check included) reads it: five pictures at most."""
    limit = request.max_content_length
    if limit is None or limit > MAX_REQUEST_BYTES:
        request.max_content_length = MAX_REQUEST_BYTES  # per request since Flask 3.1


def _settings():
    return current_app.config


def _video_hosts() -> list[str]:
    """The setting as a list; an operator may also write it as "a.example, b.example"."""
    hosts = _settings()["KWIS_JOB_VIDEO_HOSTS"]
    if isinstance(hosts, str):
        hosts = hosts.replace(",", " ").split()
    return [h.strip().lower() for h in hosts if h.strip()]


def _media_url(media_id: int) -> str:
    return url_for("kwis_job_profile.media", media_id=media_id)


def _form(session, **kwargs) -> ProfileForm:
    form = ProfileForm(**kwargs)
    form.set_choices(
        taxonomy.active_terms(session, OccupationalField),
        taxonomy.active_terms(session, TrainingOccupation),
        taxonomy.active_terms(session, Benefit),
    )
    return form


def _read_upload(field) -> bytes | None:
    """An upload's bytes (at most one byte more than allowed, so "too big" is detected)."""
    storage = field.data
    if storage is None or not hasattr(storage, "stream"):
        return None
    if not storage.filename:
        return None
    return storage.stream.read(media_service.MAX_UPLOAD_BYTES + 1)


def _attach_errors(form: ProfileForm, errors: dict[str, str]) -> list[str]:
    """Put service messages at their fields; return those that belong to no field."""
    fields = form.all_fields()
    loose = []
    for key, message in errors.items():
        field = fields.get(key)
        if field is None or field.type == "HiddenField":
            loose.append(message)
        else:
            field.errors = [*list(field.errors or []), message]
    return loose


def _error_items(form: ProfileForm) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(field id, label, first message) for the summary, and messages of hidden fields."""
    items, loose = [], []
    for name, field in form.all_fields().items():
        if not field.errors or name == "csrf_token":
            continue
        if field.type == "HiddenField":
            loose.append(str(field.errors[0]))
        else:
            items.append((field.id, str(field.label.text), str(field.errors[0])))
    return items, loose


def _label_photo_fields(form: ProfileForm) -> None:
    """Labels that say which photo they belong to (screen readers list them out of context)."""
    for n, entry in enumerate(form.photos.entries, start=1):
        entry.form.alt_text.label.text = _("Bildbeschreibung zu Foto %(n)s", n=n)
        entry.form.remove.label.text = _("Foto %(n)s entfernen", n=n)
    for n in range(1, form.NEW_PHOTO_SLOTS + 1):
        form[f"new_photo_{n}"].label.text = _("Neues Foto %(n)s", n=n)
        form[f"new_photo_{n}_alt"].label.text = _("Bildbeschreibung zu neuem Foto %(n)s", n=n)


def _render(
    form: ProfileForm,
    *,
    status: int = 200,
    preview_view: dict | None = None,
    page_errors: list[str] | None = None,
    conflict: bool = False,
):
    session, customer = context.db(), context.customer()
    profile = profiles.profile_for_customer(session, customer.id)
    region = regions.region_by_id(session, access.current_region_id())
    preview_from_input = preview_view is not None
    if preview_view is None:
        preview_view = profile_display.working_view(session, customer.id, media_url=_media_url)
        preview_note = (
            _("Die zuletzt gespeicherte Fassung ist unten zu sehen.") if conflict
            else _("So sieht Ihr gespeichertes Profil öffentlich aus.")
        )
    else:
        preview_note = _("So wird Ihr Profil mit Ihren Eingaben aussehen. Noch ist nichts "
                         "gespeichert.")
    live = {m.id: m for m in media_service.live_media(profile)} if profile else {}
    photo_rows = []
    for entry in form.photos.entries:
        media_id = entry.form.media_id.data
        media = live.get(int(media_id)) if str(media_id or "").isdigit() else None
        if media is not None and media.kind == media_service.PHOTO:
            photo_rows.append((entry, media))
    _label_photo_fields(form)
    items, loose = _error_items(form)
    profile_region = regions.region_by_id(session, profile.region_id) if profile else None
    stale_days = staleness.period_days(profile_region,
                                       int(_settings()["KWIS_JOB_STALE_AFTER_DAYS"]))
    stale = profile is not None and profiles.is_stale(profile, utcnow(), stale_days)
    stale_hidden = profile is not None and staleness.is_hidden(profile)
    confirm_form = ConfirmCurrentForm(formdata=None, prefix="confirm")
    if profile is not None:
        confirm_form.version.data = str(profile.version)
    photos_count = len(photo_rows)
    return render_template(
        "kwis_job/selfservice/profile.html",
        active_tab=TAB_KEY,
        customer=get_customer(session, customer.id),
        profile=profile,
        region=region,
        form=form,
        confirm_form=confirm_form,
        error_items=items,
        page_errors=[*(page_errors or []), *loose],
        preview=preview_view,
        preview_note=preview_note,
        preview_from_input=preview_from_input,
        conflict=conflict,
        differs=profile is not None and profiles.has_unpublished_changes(profile),
        stale=stale,
        stale_days=stale_days,
        stale_hidden=stale_hidden,
        stale_hide_on=(profile.stale_notified_at + timedelta(days=stale_days)
                       if profile is not None and profile.stale_notified_at else None),
        logo=media_service.logo_of(profile) if profile else None,
        photo_rows=photo_rows,
        new_photo_slots=form.new_photo_slots(media_service.MAX_PHOTOS - photos_count),
        max_photos=media_service.MAX_PHOTOS,
        video_hosts=_video_hosts(),
        max_mb=media_service.MAX_UPLOAD_BYTES // (1024 * 1024),
        offer_counts=profiles.offer_counts_by_status(session, customer.id),
        profile_views=_recent_views(session, profile),
    ), status


def _recent_views(session, profile) -> int | None:
    """Views of the public company page in the last 30 days; ``None`` if it was never public."""
    if profile is None or profile.published_snapshot is None:
        return None
    return recent_views(session, PROFILE, [profile.id], date.today()).get(profile.id, 0)


@bp.get("/profil")
@access.company
@access.feature("profile")
def edit():
    session, customer = context.db(), context.customer()
    form = _form(session, formdata=None)
    profile = profiles.profile_for_customer(session, customer.id)
    form.fill_from(profile, profiles.prefill(get_customer(session, customer.id)))
    return _render(form)


@bp.post("/profil")
@access.company
@access.feature("profile")
def save():
    session, customer, user = context.db(), context.customer(), context.user()
    form = _form(session)
    action = request.form.get("action", "save")
    if action not in ACTIONS:
        action = "save"
    if not form.validate():
        session.rollback()
        return _render(form, status=422)
    data = form.to_input(_read_upload)
    try:
        if action == "preview":
            view = profile_display.preview(session, customer.id, data, media_url=_media_url,
                                    video_hosts=_video_hosts())
            session.rollback()
            return _render(form, preview_view=view)
        profiles.save_profile(
            session, customer.id, data, expected_version=int(form.version.data),
            actor_user_id=user.id, video_hosts=_video_hosts(),
        )
        status = None
        if action == "submit":
            status = profiles.submit_profile(session, customer.id, actor_user_id=user.id)
        session.commit()
    except ValidationError as exc:
        session.rollback()
        loose = _attach_errors(form, exc.errors)
        return _render(form, status=422, page_errors=loose)
    except (EditConflict, StaleDataError, IntegrityError):
        session.rollback()
        current = profiles.profile_for_customer(session, customer.id)
        form.version.data = str(current.version if current else 0)
        return _render(form, status=409, conflict=True)
    except NotFound:
        session.rollback()
        abort(404)
    if status == "in_review":
        flash(_("Ihr Profil ist zur Prüfung eingereicht. Die Wirtschaftsförderung prüft es und "
                "gibt es frei; bis dahin sehen Sie hier den Stand."))
    elif status == "published":
        flash(_("Ihr Profil ist veröffentlicht."))
    else:
        flash(_("Ihr Entwurf ist gespeichert."))
    return redirect(url_for(".edit"))


@bp.post("/profil/vorschau")
@access.company
@access.feature("profile")
def preview_fragment():
    """The preview alone, for the live preview script: the same partial as the public page."""
    session, customer = context.db(), context.customer()
    form = _form(session)
    if not form.validate():
        session.rollback()
        return Response(_("Vorschau nicht möglich: Bitte prüfen Sie Ihre Eingaben."), 422,
                        mimetype="text/plain")
    try:
        view = profile_display.preview(session, customer.id, form.to_input(lambda _f: None),
                                media_url=_media_url, video_hosts=_video_hosts())
    except ValidationError:
        session.rollback()
        return Response(_("Vorschau nicht möglich: Bitte prüfen Sie Ihre Eingaben."), 422,
                        mimetype="text/plain")
    except NotFound:
        session.rollback()
        abort(404)
    session.rollback()
    return render_template("kwis_job/selfservice/profile_preview.html", preview=view)


@bp.post("/profil/aktuell")
@access.company
@access.feature("profile")
def confirm_current():
    session, customer, user = context.db(), context.customer(), context.user()
    form = ConfirmCurrentForm(prefix="confirm")
    if not form.validate():
        flash(_("Das Formular ist unvollständig. Bitte laden Sie die Seite neu."))
        return redirect(url_for(".edit"))
    try:
        profiles.confirm_current(session, customer.id, expected_version=int(form.version.data),
                                 actor_user_id=user.id)
        session.commit()
    except (EditConflict, StaleDataError):
        session.rollback()
        flash(_("Jemand aus Ihrem Betrieb hat das Profil gerade gespeichert. Bitte prüfen Sie "
                "die aktuelle Fassung und bestätigen Sie dann noch einmal."))
        return redirect(url_for(".edit"))
    except NotFound:
        session.rollback()
        abort(404)
    flash(_("Danke! Ihr Profil ist als aktuell bestätigt."))
    return redirect(url_for(".edit"))


@bp.get(f"/profil/medien/{MEDIA_ID}")
@access.company
@access.feature("profile")
def media(media_id: int):
    """A picture of the company's own profile; another company's id is a 404."""
    try:
        item = media_service.owned_media(context.db(), context.customer().id, media_id)
    except NotFound:
        abort(404)
    return image_response(item, cache="private, max-age=300")


def _company_may_edit() -> bool:
    user, customer = context.user(), context.customer()
    if user is None or user.role != "company" or customer is None:
        return False
    return features.is_enabled(context.db(), "profile", access.current_region_id())


@bp.errorhandler(CSRFError)
def _csrf_failed(exc):
    """An expired or missing token: the form comes back with the input, nothing is saved."""
    if request.endpoint != "kwis_job_profile.save" or not _company_may_edit():
        return exc
    session = context.db()
    session.rollback()
    form = _form(session, formdata=request.form, meta={"csrf": False})
    return _render(form, status=400, page_errors=[
        _("Das Formular ist abgelaufen. Es wurde nichts gespeichert; Ihre Eingaben stehen noch "
          "im Formular. Bitte senden Sie es noch einmal.")
    ])


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc):
    if request.endpoint != "kwis_job_profile.save" or not _company_may_edit():
        return exc
    session = context.db()
    session.rollback()
    form = _form(session, formdata=None)
    form.fill_from(profiles.profile_for_customer(session, context.customer().id),
                   profiles.prefill(get_customer(session, context.customer().id)))
    return _render(form, status=413, page_errors=[
        _("Die ausgewählten Dateien sind zusammen zu groß (höchstens %(mb)s MB). Es wurde "
          "nichts gespeichert.", mb=MAX_REQUEST_BYTES // (1024 * 1024))
    ])
