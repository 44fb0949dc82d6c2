"""The self-service tab "Veranstaltungen": events the company takes part in, its stand or its
visit slots, attendee lists (page, CSV, print) and check-in on the day.

Thin views: parse the form, call ``services.events.companies``, commit once or roll back,
render. Bad input re-renders the form with the messages at the fields (HTTP 422) after a
rollback, so nothing is written; a stale slot form is a 409. Every id is looked up through the
current customer's profile: another company's participation, slot or registration is a 404.
Pages with attendees are never cached (``no-store``): they hold names of young people.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Response, abort, flash, redirect, render_template, request, url_for

from ..forms.event_slot import (
    ButtonForm,
    CancelSlotForm,
    CheckInForm,
    SlotForm,
    StandForm,
    slot_values,
)
from ..i18n import gettext as _
from ..i18n import ngettext
from ..models import OccupationalField
from ..models.host import get_customer
from ..services import taxonomy
from ..services.errors import EditConflict, NotFound, ValidationError
from ..services.event_pages import kind_label
from ..services.events import companies
from . import access, context
from .registration import links as mail_links
from .templating import make_blueprint

bp = make_blueprint("kwis_job_events_tab", __name__)
TAB_KEY = "kwis_job_events"
BERLIN = ZoneInfo("Europe/Berlin")
ID = "int(max=2147483647)"


@bp.context_processor
def _helpers():
    return {"kind_label": kind_label, "registration_status": companies.status_text,
            "has_stand": companies.has_stand}


def _now() -> datetime:
    """Wall-clock time in Europe/Berlin, as event windows and slot times are stored."""
    return datetime.now(BERLIN).replace(tzinfo=None)


def _customer_id() -> int:
    return context.customer().id


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _own(lookup, object_id: int):
    try:
        return lookup(context.db(), _customer_id(), object_id)
    except NotFound:
        abort(404)


def _check_token() -> None:
    if not ButtonForm().validate_on_submit():
        abort(400)


def _render_index(status: int = 200, error: str | None = None):
    session = context.db()
    customer_id = _customer_id()
    return render_template(
        "kwis_job/selfservice/events.html",
        active_tab=TAB_KEY,
        customer=get_customer(session, customer_id),
        profile=companies.company_profile(session, customer_id),
        rows=companies.overview(session, customer_id, _now()),
        button_form=ButtonForm(),
        error=error,
    ), status


@bp.get("/veranstaltungen")
@access.company
@access.feature("events")
def index():
    return _render_index()


@bp.post(f"/veranstaltungen/<{ID}:event_id>/teilnehmen")
@access.company
@access.feature("events")
def take_part(event_id: int):
    _check_token()
    session = context.db()
    try:
        participation = companies.take_part(session, _customer_id(), event_id, _now())
        session.commit()
    except NotFound:
        session.rollback()
        abort(404)
    except ValidationError as exc:
        session.rollback()
        return _render_index(422, error=" ".join(exc.errors.values()))
    flash(_("Sie nehmen an „%(title)s“ teil.", title=participation.event.title))
    return redirect(url_for(".participation", participation_id=participation.id), 303)


def _render_participation(participation, status: int = 200, error: str | None = None):
    return render_template(
        "kwis_job/selfservice/events_participation.html",
        active_tab=TAB_KEY,
        participation=participation,
        event=participation.event,
        slots=participation.slots,
        window_open=companies.window_open(participation.event, _now()),
        button_form=ButtonForm(),
        error=error,
    ), status


@bp.get(f"/veranstaltungen/teilnahme/<{ID}:participation_id>")
@access.company
@access.feature("events")
def participation(participation_id: int):
    return _render_participation(_own(companies.get_participation, participation_id))


@bp.post(f"/veranstaltungen/teilnahme/<{ID}:participation_id>/abmelden")
@access.company
@access.feature("events")
def withdraw(participation_id: int):
    _check_token()
    session = context.db()
    found = _own(companies.get_participation, participation_id)
    title = found.event.title
    try:
        companies.withdraw(session, _customer_id(), participation_id)
        session.commit()
    except ValidationError as exc:
        session.rollback()
        return _render_participation(_own(companies.get_participation, participation_id), 422,
                                     error=" ".join(exc.errors.values()))
    flash(_("Sie haben Ihre Teilnahme an „%(title)s“ zurückgezogen.", title=title))
    return redirect(url_for(".index"), 303)


def _render_stand(participation, form, status=200, extra_errors=None):
    return render_template(
        "kwis_job/selfservice/events_stand.html",
        active_tab=TAB_KEY, participation=participation, event=participation.event,
        form=form, extra_errors=extra_errors or [],
    ), status


@bp.route(f"/veranstaltungen/teilnahme/<{ID}:participation_id>/stand", methods=["GET", "POST"])
@access.company
@access.feature("events")
def stand(participation_id: int):
    session = context.db()
    found = _own(companies.get_participation, participation_id)
    if not companies.has_stand(found.event):
        abort(404)
    if (away := _unchangeable(found)) is not None:
        return away
    if request.method == "GET":
        return _render_stand(found, StandForm(data={
            "stand_info": found.stand_info or "", "stand_people": found.stand_people or "",
        }))
    form = StandForm()
    if not form.validate():
        return _render_stand(found, form, 422)
    try:
        companies.update_stand(session, _customer_id(), found.id, form.to_input(), _now())
        session.commit()
    except ValidationError as exc:
        session.rollback()
        found = _own(companies.get_participation, participation_id)
        return _render_stand(found, form, 422, form.add_errors(exc.errors))
    flash(_("Die Angaben zu Ihrem Stand sind gespeichert."))
    return redirect(url_for(".participation", participation_id=participation_id), 303)


def _unchangeable(participation):
    """A withdrawn participation or an event that is over: back to its page, with the reason."""
    event = participation.event
    if participation.status == "registered" and event.status == "published" and (
        event.ends_on >= _now().date()
    ):
        return None
    flash(_("Diese Teilnahme kann nicht mehr geändert werden."))
    return redirect(url_for(".participation", participation_id=participation.id), 303)


def _slot_form(session, **kwargs) -> SlotForm:
    form = SlotForm(**kwargs)
    form.set_choices(taxonomy.active_terms(session, OccupationalField, top_level_only=True))
    return form


def _render_slot_form(participation, form, *, slot=None, status=200, extra_errors=None,
                      conflict=False):
    return render_template(
        "kwis_job/selfservice/events_slot_form.html",
        active_tab=TAB_KEY, participation=participation, event=participation.event,
        form=form, slot=slot, extra_errors=extra_errors or [], conflict=conflict,
    ), status


def _validated(form: SlotForm, event) -> tuple[bool, list[str]]:
    """The form's and the service's checks together, so every problem shows at once."""
    form_ok = form.validate()
    try:
        companies.validate_slot(context.db(), event, form.to_input())
    except ValidationError as exc:
        return False, form.add_errors(exc.errors)
    return form_ok, []


def _prefill_place(participation) -> str:
    customer = get_customer(context.db(), _customer_id())
    if customer is None or not participation.event.at_companies:
        return ""
    town = " ".join(p for p in (customer.postcode, customer.city) if p)
    return ", ".join(p for p in (customer.street, town) if p)


@bp.route(f"/veranstaltungen/teilnahme/<{ID}:participation_id>/termine/neu",
          methods=["GET", "POST"])
@access.company
@access.feature("events")
def new_slot(participation_id: int):
    session = context.db()
    found = _own(companies.get_participation, participation_id)
    if (away := _unchangeable(found)) is not None:
        return away
    if request.method == "GET":
        form = _slot_form(session, data={
            "day": found.event.starts_on, "waitlist_capacity": 0, "max_party_size": 1,
            "place": _prefill_place(found),
        })
        return _render_slot_form(found, form)
    form = _slot_form(session)
    ok, extra = _validated(form, found.event)
    if not ok:
        return _render_slot_form(found, form, status=422, extra_errors=extra)
    try:
        slot = companies.create_slot(session, _customer_id(), found.id, form.to_input(), _now())
        session.commit()
    except ValidationError as exc:
        session.rollback()
        found = _own(companies.get_participation, participation_id)
        return _render_slot_form(found, form, status=422, extra_errors=form.add_errors(exc.errors))
    flash(_("Der Termin „%(title)s“ ist angelegt.", title=slot.title))
    return redirect(url_for(".participation", participation_id=participation_id), 303)


@bp.route(f"/veranstaltungen/termine/<{ID}:slot_id>/bearbeiten", methods=["GET", "POST"])
@access.company
@access.feature("events")
def edit_slot(slot_id: int):
    session = context.db()
    slot = _own(companies.get_slot, slot_id)
    participation = slot.participation
    if (away := _unchangeable(participation)) is not None:
        return away
    if slot.status != "open":
        flash(_("Ein abgesagter Termin kann nicht bearbeitet werden."))
        return redirect(url_for(".participation", participation_id=participation.id), 303)
    if request.method == "GET":
        return _render_slot_form(participation, _slot_form(session, data=slot_values(slot)),
                                 slot=slot)
    form = _slot_form(session)
    ok, extra = _validated(form, participation.event)
    if not ok:
        return _render_slot_form(participation, form, slot=slot, status=422, extra_errors=extra)
    try:
        companies.update_slot(session, _customer_id(), slot.id, form.to_input(),
                              form.expected_version(), _now(), links=mail_links())
        session.commit()
    except ValidationError as exc:
        session.rollback()
        slot = _own(companies.get_slot, slot_id)
        return _render_slot_form(slot.participation, form, slot=slot, status=422,
                                 extra_errors=form.add_errors(exc.errors))
    except EditConflict:
        session.rollback()
        slot = _own(companies.get_slot, slot_id)
        form.version.data = str(slot.version)
        form.version.raw_data = [str(slot.version)]
        return _render_slot_form(slot.participation, form, slot=slot, status=409, conflict=True)
    flash(_("Ihre Änderungen an „%(title)s“ sind gespeichert.", title=form.title.data.strip()))
    return redirect(url_for(".participation", participation_id=participation.id), 303)


def _render_cancel(slot, form, status=200, extra_errors=None):
    return render_template(
        "kwis_job/selfservice/events_slot_cancel.html",
        active_tab=TAB_KEY, slot=slot, participation=slot.participation,
        event=slot.participation.event, form=form, extra_errors=extra_errors or [],
        attendees=companies.attendee_list(context.db(), _customer_id(), slot.id),
    ), status


@bp.route(f"/veranstaltungen/termine/<{ID}:slot_id>/absagen", methods=["GET", "POST"])
@access.company
@access.feature("events")
def cancel_slot(slot_id: int):
    session = context.db()
    slot = _own(companies.get_slot, slot_id)
    if request.method == "GET":
        return _render_cancel(slot, CancelSlotForm())
    form = CancelSlotForm()
    if not form.validate():
        return _render_cancel(slot, form, 422)
    participation_id, title = slot.participation_id, slot.title
    try:
        cancelled = companies.cancel_slot(session, _customer_id(), slot.id, form.reason.data,
                                          links=mail_links())
        session.commit()
    except ValidationError as exc:
        session.rollback()
        slot = _own(companies.get_slot, slot_id)
        return _render_cancel(slot, form, 422, form.add_errors(exc.errors))
    except EditConflict:
        session.rollback()
        slot = _own(companies.get_slot, slot_id)
        return _render_cancel(slot, form, 409, [_(
            "Der Termin wurde gerade von jemand anderem geändert. Bitte prüfen Sie ihn und "
            "sagen Sie ihn dann noch einmal ab."
        )])
    flash(_("Der Termin „%(title)s“ ist abgesagt.", title=title) + " " + ngettext(
        "%(num)d Anmeldung wurde storniert; die Person bekommt eine E-Mail.",
        "%(num)d Anmeldungen wurden storniert; alle bekommen eine E-Mail.", cancelled,
    ) if cancelled else _("Der Termin „%(title)s“ ist abgesagt.", title=title))
    return redirect(url_for(".participation", participation_id=participation_id), 303)


def _render_attendees(slot_id: int, status: int = 200, error: str | None = None):
    found = _own(companies.attendee_list, slot_id)
    response = Response(render_template(
        "kwis_job/selfservice/events_attendees.html",
        active_tab=TAB_KEY, attendees=found, slot=found.slot,
        participation=found.slot.participation, event=found.slot.participation.event,
        check_in_form=CheckInForm(), error=error,
    ), status=status)
    return _no_store(response)


@bp.get(f"/veranstaltungen/termine/<{ID}:slot_id>/teilnehmende")
@access.company
@access.feature("events")
def attendees(slot_id: int):
    return _render_attendees(slot_id)


@bp.get(f"/veranstaltungen/termine/<{ID}:slot_id>/teilnehmende.csv")
@access.company
@access.feature("events")
def attendees_csv(slot_id: int):
    found = _own(companies.attendee_list, slot_id)
    response = Response(companies.attendees_csv(found), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="teilnehmende-termin-{found.slot.id}.csv"'
    )
    return _no_store(response)


@bp.get(f"/veranstaltungen/termine/<{ID}:slot_id>/teilnehmende/drucken")
@access.company
@access.feature("events")
def attendees_print(slot_id: int):
    found = _own(companies.attendee_list, slot_id)
    response = render_template(
        "kwis_job/selfservice/events_attendees_print.html",
        attendees=found, slot=found.slot, event=found.slot.participation.event,
        profile=found.slot.participation.profile,
    )
    return _no_store(Response(response))


@bp.post(f"/veranstaltungen/anmeldungen/<{ID}:registration_id>/anwesend")
@access.company
@access.feature("events")
def check_in(registration_id: int):
    form = CheckInForm()
    if not form.validate_on_submit():
        abort(400)
    session = context.db()
    registration = _own(companies.get_registration, registration_id)
    slot_id = registration.slot_id
    present = form.present.data == "1"
    try:
        companies.set_checked_in(session, _customer_id(), registration.id, present)
        session.commit()
    except ValidationError as exc:
        session.rollback()
        return _render_attendees(slot_id, 422, error=" ".join(exc.errors.values()))
    name = f"{registration.first_name} {registration.last_name}"
    flash(_("%(name)s ist als anwesend erfasst.", name=name) if present
          else _("Die Anwesenheit von %(name)s ist zurückgenommen.", name=name))
    return redirect(url_for(".attendees", slot_id=slot_id, _anchor=f"r{registration_id}"), 303)
