"""Admin pages "KWIS.job: Veranstaltungen": the agency creates, edits, publishes, cancels and
archives events, reads the overview per event and writes to everyone taking part.

Thin views over ``services.events.agency``: parse, call the service, commit once or roll back,
render. Bad input re-renders the form with the messages at the fields (HTTP 422) after a
rollback, so nothing is written. A region admin lists, opens and changes only the events of
their regions, and creates them only there (the region choices are theirs; ``_event`` answers
404 for the rest). Publish, cancel and archive ask first (a GET shows the question
on the overview page, the POST with its CSRF token does it).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, url_for

from ..forms.event import CancelForm, ConfirmForm, EventForm, MessageForm
from ..i18n import gettext as _
from ..i18n import ngettext
from ..services import admin_scope
from ..services.errors import NotFound, ValidationError
from ..services.event_pages import kind_label
from ..services.events import agency
from . import access, context
from .registration import links as mail_links
from .templating import make_blueprint

bp = make_blueprint("kwis_job_admin_events", __name__)
MENU_KEY = "kwis_job_events"
BERLIN = ZoneInfo("Europe/Berlin")
EVENT = "/veranstaltungen/<int(max=2147483647):event_id>"
AUDIENCE_SLUGS = {"angemeldete": "registered", "betriebe": "companies"}
"""The URL's German word for each audience of ``agency.send_message``."""


def _today() -> date:
    """Today in the agency's time zone: an event ends at midnight in Germany, not in UTC."""
    return datetime.now(BERLIN).date()


def _actor_id() -> int | None:
    user = context.user()
    return user.id if user else None


@bp.context_processor
def _event_globals():
    return {"kind_label": kind_label, "event_status_label": agency.status_label,
            "active_menu": MENU_KEY}


def _event(event_id: int):
    """The event, or 404 when it does not exist or lies outside the admin's regions."""
    try:
        event = agency.get_event(context.db(), event_id)
    except NotFound:
        abort(404)
    access.require_region(event.region_id)
    return event


# --- list, create, edit ---------------------------------------------------------------------


@bp.get("/veranstaltungen")
@access.admin
def index():
    return render_template(
        "kwis_job/admin/events.html",
        events=agency.list_events(context.db(), region_ids=access.admin_region_ids()),
        today=_today(),
        allowed_actions=agency.allowed_actions,
    )


def _build_form(**kwargs) -> EventForm:
    form = EventForm(**kwargs)
    form.set_choices(admin_scope.visible_regions(context.db(), access.admin_region_ids()))
    return form


def _render_form(form: EventForm, *, event=None, status: int = 200, extra_errors=None):
    return render_template(
        "kwis_job/admin/event_form.html",
        form=form,
        event=event,
        extra_errors=extra_errors or [],
        retention_range=agency.RETENTION_RANGE,
    ), status


def _save(form: EventForm, editing, write):
    """Run the form's and the service's checks together, so every problem shows at once, then
    ``write`` (the service call) and commit. Returns the event, or ``None`` and the messages
    that belong to no field after a rollback: nothing is written then."""
    session = context.db()
    form_ok = form.validate()
    try:
        agency.validate_input(session, form.to_input(), editing)
        if not form_ok:
            raise ValidationError({})
        event = write(form.to_input())
    except ValidationError as exc:
        session.rollback()
        return None, form.add_errors(exc.errors)
    session.commit()
    return event, []


@bp.route("/veranstaltungen/neu", methods=["GET", "POST"])
@access.admin
def new():
    if request.method == "GET":
        form = _build_form(data={"retention_days": agency.RETENTION_DEFAULT})
        return _render_form(form)
    form = _build_form()
    event, extra = _save(form, None, lambda data: agency.create_event(context.db(), data,
                                                                _actor_id()))
    if event is None:
        return _render_form(form, status=422, extra_errors=extra)
    flash(_("Die Veranstaltung „%(title)s“ ist als Entwurf gespeichert. Veröffentlichen Sie "
            "sie, wenn alles stimmt.", title=event.title))
    return redirect(url_for(".overview", event_id=event.id), 303)


@bp.route(f"{EVENT}/bearbeiten", methods=["GET", "POST"])
@access.admin
def edit(event_id: int):
    event = _event(event_id)
    if "edit" not in agency.allowed_actions(event, _today()):
        flash(agency.refusal("edit"))
        return redirect(url_for(".overview", event_id=event.id), 303)
    if request.method == "GET":
        return _render_form(_build_form(data=agency.form_values(event)), event=event)
    form = _build_form()
    saved, extra = _save(form, event, lambda data: agency.update_event(
        context.db(), event_id, data, _actor_id(), _today()))
    if saved is None:
        return _render_form(form, event=_event(event_id), status=422, extra_errors=extra)
    flash(_("Ihre Änderungen an „%(title)s“ sind gespeichert.", title=saved.title))
    return redirect(url_for(".overview", event_id=saved.id), 303)


# --- overview, state changes, messages ------------------------------------------------------


def _message_forms(**posted) -> dict[str, MessageForm]:
    return {slug: posted.get(slug) or MessageForm(prefix=slug, formdata=None)
            for slug in AUDIENCE_SLUGS}


def _render_overview(event_id: int, *, confirm: str | None = None, confirm_form=None,
                     messages=None, error: str | None = None, status: int = 200):
    session = context.db()
    _event(event_id)
    try:
        figures = agency.overview(session, event_id)
    except NotFound:
        abort(404)
    audiences = {slug: len(agency.recipients(session, event_id, audience))
                 for slug, audience in AUDIENCE_SLUGS.items()}
    return render_template(
        "kwis_job/admin/event_overview.html",
        overview=figures,
        event=figures.event,
        actions=agency.allowed_actions(figures.event, _today()),
        confirm=confirm,
        confirm_form=confirm_form or (CancelForm() if confirm == "cancel" else ConfirmForm()),
        message_forms=messages or _message_forms(),
        audiences=audiences,
        error=error,
    ), status


@bp.get(EVENT)
@access.admin
def overview(event_id: int):
    return _render_overview(event_id)


def _transition(event_id: int, action: str, form, do, done_message):
    """Ask on GET (or say why not); on POST run ``do`` and commit, or show the refusal
    (422)."""
    event = _event(event_id)
    if request.method == "GET":
        if action not in agency.allowed_actions(event, _today()):
            flash(agency.refusal(action))
            return redirect(url_for(".overview", event_id=event.id), 303)
        return _render_overview(event.id, confirm=action, confirm_form=form)
    session = context.db()
    if not form.validate():
        session.rollback()
        if not _token_failed(form):  # a field refused by the input rule: the message is there
            return _render_overview(event.id, confirm=action, confirm_form=form, status=422)
        return _render_overview(event.id, confirm=action, confirm_form=form, status=400,
                                error=_("Das Formular ist abgelaufen. Bitte senden Sie es "
                                        "noch einmal."))
    try:
        result = do(session, event)
    except ValidationError as exc:
        session.rollback()
        for name, message in exc.errors.items():
            if name in form._fields:
                form._fields[name].errors = [message]
        return _render_overview(event_id, confirm=action, confirm_form=form, status=422,
                                error=exc.errors.get("action"))
    session.commit()
    flash(done_message(result))
    return redirect(url_for(".overview", event_id=event_id), 303)


@bp.route(f"{EVENT}/veroeffentlichen", methods=["GET", "POST"])
@access.admin
def publish(event_id: int):
    return _transition(
        event_id, "publish", ConfirmForm(),
        lambda session, event: agency.publish_event(session, event.id, _actor_id(), _today()),
        lambda event: _("„%(title)s“ ist veröffentlicht.", title=event.title),
    )


@bp.route(f"{EVENT}/absagen", methods=["GET", "POST"])
@access.admin
def cancel(event_id: int):
    form = CancelForm()

    def done(result: agency.CancelResult) -> str:
        return _(
            "„%(title)s“ ist abgesagt. %(registrations)s %(companies)s",
            title=result.event.title,
            registrations=ngettext(
                "%(num)d Anmeldung wurde storniert und benachrichtigt.",
                "%(num)d Anmeldungen wurden storniert und benachrichtigt.",
                result.registrations_cancelled,
            ),
            companies=ngettext(
                "%(num)d Betrieb bekommt eine Mail.",
                "%(num)d Betriebe bekommen eine Mail.",
                result.companies_mailed,
            ),
        )

    return _transition(
        event_id, "cancel", form,
        lambda session, event: agency.cancel_event(
            session, event.id, form.reason.data or "", _actor_id(), _today(),
            links=mail_links()),
        done,
    )


@bp.route(f"{EVENT}/archivieren", methods=["GET", "POST"])
@access.admin
def archive(event_id: int):
    return _transition(
        event_id, "archive", ConfirmForm(),
        lambda session, event: agency.archive_event(session, event.id, _actor_id(), _today()),
        lambda event: _("„%(title)s“ ist archiviert.", title=event.title),
    )


@bp.post(f"{EVENT}/nachricht/<any(angemeldete, betriebe):audience>")
@access.admin
def message(event_id: int, audience: str):
    event = _event(event_id)
    session = context.db()
    form = MessageForm(prefix=audience)
    if not form.validate():
        session.rollback()
        return _render_overview(event.id, messages=_message_forms(**{audience: form}),
                                status=400 if _token_failed(form) else 422)
    try:
        count = agency.send_message(session, event.id, AUDIENCE_SLUGS[audience],
                                    form.subject.data, form.text.data, _actor_id())
    except ValidationError as exc:
        session.rollback()
        leftover = form.add_errors(exc.errors)
        return _render_overview(event_id, messages=_message_forms(**{audience: form}),
                                error=" ".join(leftover) or None, status=422)
    session.commit()
    flash(ngettext(
        "Die Nachricht ist an %(num)d Adresse unterwegs.",
        "Die Nachricht ist an %(num)d Adressen unterwegs.",
        count,
    ))
    return redirect(url_for(".overview", event_id=event_id), 303)


def _token_failed(form) -> bool:
    """Whether the form failed on its CSRF token (400) rather than on a field (422)."""
    token = getattr(form, "csrf_token", None)
    return bool(token is not None and token.errors)
