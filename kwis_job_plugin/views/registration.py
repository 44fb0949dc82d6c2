"""Public registration for visit slots, and the pages behind the links in its mails.

Its own blueprint under the public prefix (``/jobs/anmeldung/...``), because the portal
blueprint stays GET/HEAD only. Like the portal it sets no cookie: the form carries a signed,
timestamped token instead of a session-based CSRF token (``forms/registration.py``; the host's
session CSRF check is switched off for this blueprint in ``plugin.kwis_configure``). Pages are
``no-store``: they hold a fresh form token or a registration's details.

Mail links follow one rule: GET shows a page with a button and changes nothing (mail scanners
and link previews follow links), POST acts. A wrong, used or expired token is a 404.

Thin views: parse, call ``services.events.registrations``, commit once or roll back, render.
A lock not granted in time (``SlotBusy``) answers 503 with "try again", having saved nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, abort, current_app, has_request_context, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from ..forms.registration import FormExpired, RegistrationForm, new_form_token, read_form_token
from ..i18n import gettext as _
from ..models import Slot
from ..models.base import utcnow
from ..services import event_pages, public_pages
from ..services.errors import NotFound, ValidationError
from ..services.events import registrations
from ..services.events.mails import SlotFacts, slot_facts
from ..services.events.registrations import Refused, SlotBusy
from ..services.region_theme import Theme
from . import access, context, theme
from .portal import format_date, format_time
from .portal_events import event_url, format_moment
from .security import private_page
from .templating import make_blueprint

bp = make_blueprint("kwis_job_registration", __name__)
SLOT_ID = "<int(max=2147483647):slot_id>"
TOKEN = "<string(maxlength=100):token>"
BERLIN = ZoneInfo("Europe/Berlin")
TEMPLATES = "kwis_job/registration/"


# --- URLs and links in mails -------------------------------------------------------------------


def form_url(slot_id: int, **options) -> str:
    """The registration page of a slot: the one place that spells its URL."""
    return url_for("kwis_job_registration.form", slot_id=slot_id, **options)


class UrlLinks:
    """``services.events.mails.Links`` from this blueprint's and the portal's URL rules."""

    def cancel(self, token: str) -> str:
        return _external("kwis_job_registration.cancel_page", token=token)

    def guardian(self, token: str) -> str:
        return _external("kwis_job_registration.guardian_page", token=token)

    def event(self, event_id: int, slug: str) -> str:
        return _external("kwis_job_portal.event", event_id=event_id, slug=slug)


def _external(endpoint: str, **values) -> str:
    """An absolute URL; outside a request (``kwis-job events tick``) on the base URL in
    ``KWIS_JOB_PUBLIC_BASE_URL``."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = current_app.config.get("KWIS_JOB_PUBLIC_BASE_URL") or "http://localhost"
    with current_app.test_request_context("/", base_url=base):
        return url_for(endpoint, _external=True, **values)


def links() -> UrlLinks:
    """The mail links of the current app, for every service call that mails a link (views and
    the command line pass them explicitly; nothing is installed in the process)."""
    return UrlLinks()


class _OfflineLinks(UrlLinks):
    """Links built on a small app of their own, for the command line without a host app."""

    def __init__(self, app: Flask, base_url: str):
        self.app, self.base_url = app, base_url

    def _build(self, method, *args) -> str:
        with self.app.test_request_context("/", base_url=self.base_url):
            return method(self, *args)

    def cancel(self, token: str) -> str:
        return self._build(UrlLinks.cancel, token)

    def guardian(self, token: str) -> str:
        return self._build(UrlLinks.guardian, token)

    def event(self, event_id: int, slug: str) -> str:
        return self._build(UrlLinks.event, event_id, slug)


def offline_links(base_url: str, public_prefix: str) -> UrlLinks:
    """Mail links outside any host app (``kwis-job events tick`` on its own): the same URL
    rules, mounted at ``public_prefix`` under ``base_url``."""
    from .portal import bp as portal_bp

    app = Flask("kwis_job_links")
    app.register_blueprint(portal_bp, url_prefix=public_prefix)
    app.register_blueprint(bp, url_prefix=public_prefix)
    return _OfflineLinks(app, base_url)


# --- the frame ---------------------------------------------------------------------------------


def _now_berlin() -> datetime:
    return datetime.now(BERLIN).replace(tzinfo=None)


def _calendar_link() -> str | None:
    return url_for("kwis_job_portal.events") if public_pages.event_region_ids(
        context.db()) else None


@bp.context_processor
def _registration_globals():
    return {
        "kern_installed": theme.kern_installed(),
        "kern_portal_css": theme.kern_portal_css(),
        "portal_theme": theme.portal_theme,
        "calendar_link": _calendar_link,
        "format_date": format_date,
        "format_time": format_time,
        "format_moment": format_moment,
        "event_url": event_url,
        "form_url": form_url,
    }


bp.after_request(private_page)


def _message(title: str, text: str, status: int, headers: dict | None = None):
    return (render_template(TEMPLATES + "message.html", title=title, text=text), status,
            headers or {})


@bp.errorhandler(404)
def _not_found(_error):
    return _message(_("Seite nicht gefunden"),
                    _("Dieser Link ist ungültig, abgelaufen oder wurde schon benutzt. Falls Sie "
                      "sich abmelden möchten: Jede E-Mail zu Ihrer Anmeldung enthält einen "
                      "Link dafür."), 404)


@bp.errorhandler(429)
def _too_many(_error):
    return _message(_("Zu viele Anfragen"),
                    _("Von Ihrem Anschluss oder für diese E-Mail-Adresse kamen in kurzer Zeit "
                      "zu viele Anmeldungen. Bitte warten Sie eine Weile und versuchen Sie es "
                      "dann noch einmal."), 429)


def _busy():
    return _message(_("Gerade viel los"), _("Bitte versuchen Sie es gleich noch einmal."), 503,
                    {"Retry-After": "5"})


# --- registering -------------------------------------------------------------------------------


def _slot_page(slot_id: int) -> tuple[event_pages.SlotPage, Theme | None]:
    """The slot's page and its region's look, both read before anything is written: the
    answer to a registration then needs no second transaction after the commit."""
    page = event_pages.registration_slot(context.db(), slot_id, date.today())
    if page is None:
        abort(404)
    return page, theme.portal_theme(region=page.region_slug)


def _unlocked() -> bool:
    """Test-only (``lock_slot``): the race tests' control run switches the slot lock off."""
    return bool(current_app.config.get("KWIS_JOB_TEST_UNLOCKED_SLOTS"))


def _hold_hours() -> float:
    return float(current_app.config["KWIS_JOB_GUARDIAN_HOLD_HOURS"])


def _events_link() -> str:
    """The header's link to the calendar. A page about a public slot knows that there is a
    calendar (its event is on it), so it need not ask the database as ``_calendar_link``."""
    return url_for("kwis_job_portal.events")


def _closed_reason(page: event_pages.SlotPage, now_berlin: datetime) -> str | None:
    """Why the form is not offered (shown instead of it), or ``None``."""
    state = page.registration_state(now_berlin)
    if state == "not_yet":
        return _("Die Anmeldung beginnt am %(start)s.",
                 start=format_moment(page.registration_opens_at))
    if state == "closed":
        return _("Die Anmeldung ist geschlossen.")
    if page.slot.started(now_berlin):
        return _("Dieser Termin hat schon begonnen; eine Anmeldung ist nicht mehr möglich.")
    if not page.slot.bookable:
        return _("Dieser Termin ist ausgebucht, auch die Warteliste ist voll.")
    return None


def _render_form(found, form: RegistrationForm, *, status: int = 200, extra_errors=None,
                 closed: str | None = None):
    page, look = found
    form.form_token.data = new_form_token(page.slot.slot_id)
    return render_template(
        TEMPLATES + "form.html", page=page, slot=page.slot, theme=look, form=form,
        extra_errors=extra_errors or [], closed=closed, calendar_link=_events_link,
        adults=registrations.for_adults(page.kind),
    ), status


@bp.route(f"/anmeldung/besuch-{SLOT_ID}", methods=["GET"], provide_automatic_options=False)
@access.public
def form(slot_id: int):
    """A slot's registration page: what, when, where, places left, and the form. Every
    visitor opens it first, so it reads one row (``event_pages.registration_slot``)."""
    found = _slot_page(slot_id)
    return _render_form(found, RegistrationForm(),
                        closed=_closed_reason(found[0], _now_berlin()))


@bp.route(f"/anmeldung/besuch-{SLOT_ID}", methods=["POST"], provide_automatic_options=False)
@access.public
def submit(slot_id: int):
    """Register: one short transaction under the slot's lock (``registrations.register``)."""
    found = _slot_page(slot_id)
    form = RegistrationForm(request.form)
    if not form.check_input_rule():
        # Checked before anything is looked up (the address is a parameter of the duplicate
        # look-up, and PostgreSQL refuses NUL): the service's own messages win where it has one.
        try:
            registrations.check_input(form.to_input(), context.db().get(Slot, slot_id),
                                      adults=registrations.for_adults(found[0].kind))
        except ValidationError as exc:
            form.show_errors(exc.errors)
        return _render_form(found, form, status=422)
    try:
        nonce = read_form_token(form.form_token.data, slot_id)
    except FormExpired:
        return _render_form(found, form, status=422, extra_errors=[
            _("Das Formular ist abgelaufen oder ungültig. Bitte prüfen Sie Ihre Angaben und "
              "senden Sie es noch einmal.")])
    session = context.db()
    data = form.to_input()
    try:
        outcome = registrations.register(
            session, slot_id, data, now=utcnow(), nonce=nonce, hold_hours=_hold_hours(),
            links=links(), unlocked=_unlocked(),
        )
        session.commit()
    except ValidationError as exc:
        session.rollback()
        return _render_form(found, form, status=422, extra_errors=form.show_errors(exc.errors))
    except Refused as exc:
        session.rollback()
        return _render_form(found, form, status=409, closed=exc.message)
    except (SlotBusy, IntegrityError):
        session.rollback()
        return _busy()
    page, look = found
    return render_template(
        TEMPLATES + "done.html", page=page, slot=page.slot, theme=look, outcome=outcome,
        email=registrations.normal_address(data.email), calendar_link=_events_link,
    ), (200 if outcome.status != "full" else 409)


# --- links from mails --------------------------------------------------------------------------


def _peek(token: str, purpose: str):
    try:
        return registrations.peek(context.db(), token, purpose, utcnow())
    except NotFound:
        abort(404)


def _facts_of(registration) -> SlotFacts:
    """What the token pages say about the slot (no visibility check: a link in a mail keeps
    working while the registration does, even if the event left the portal)."""
    return slot_facts(registration.slot)


@bp.route(f"/anmeldung/abmelden/{TOKEN}", methods=["GET"], provide_automatic_options=False)
@access.public
def cancel_page(token: str):
    """The cancel link: shows the registration and a button; changes nothing."""
    registration = _peek(token, "cancel")
    return render_template(TEMPLATES + "cancel.html", registration=registration,
                           facts=_facts_of(registration), token=token, done=False)


@bp.route(f"/anmeldung/abmelden/{TOKEN}", methods=["POST"], provide_automatic_options=False)
@access.public
def cancel(token: str):
    """Cancel: the places are free and the first waiting people move up, in one transaction."""
    return _act_on_token("cancel.html", lambda session: registrations.cancel(
        session, token, now=utcnow(), links=links(), hold_hours=_hold_hours(),
        unlocked=_unlocked(),
    ))


@bp.route(f"/anmeldung/bestaetigen/{TOKEN}", methods=["GET"], provide_automatic_options=False)
@access.public
def guardian_page(token: str):
    """The guardian's link: shows whom and what for, and a button; changes nothing."""
    registration = _peek(token, "guardian")
    return render_template(TEMPLATES + "guardian.html", registration=registration,
                           facts=_facts_of(registration), token=token, done=False)


@bp.route(f"/anmeldung/bestaetigen/{TOKEN}", methods=["POST"], provide_automatic_options=False)
@access.public
def guardian_confirm(token: str):
    """The guardian confirms: a held place becomes a confirmed one."""
    return _act_on_token("guardian.html", lambda session: registrations.confirm_as_guardian(
        session, token, now=utcnow(), links=links(), unlocked=_unlocked(),
    ))


def _act_on_token(template: str, act):
    """Run ``act(session)`` for a mail link's button in one transaction and show the result;
    a wrong, used or expired token is a 404, a slot locked too long a 503."""
    session = context.db()
    try:
        registration = act(session)
        facts = _facts_of(registration)
        session.commit()
    except NotFound:
        session.rollback()
        return _not_found(None)
    except (SlotBusy, IntegrityError):
        session.rollback()
        return _busy()
    return render_template(TEMPLATES + template, registration=registration, facts=facts,
                           token=None, done=True)
