"""Alerts and the Alumni-Karte, the public side: a write blueprint of its own (issue 11).

``/jobs/[regionen/<slug>/]benachrichtigungen`` (subscribe), ``/jobs/benachrichtigungen/
bestaetigen/<token>`` (double opt-in: the link shows a button, its POST confirms, so a mail
scanner that follows links confirms nothing), ``/jobs/benachrichtigungen/abmelden/<token>``
(a GET shows a button; a POST, also the RFC 8058 one-click POST of a mail client, deletes the
subscription and answers 200 without cookie or login) and ``/jobs/[regionen/<slug>/]
zurueck-in-der-region`` (a returnee's message).

Like the other public writes it sets no cookie: forms carry a signed, expiring token
(``forms/alerts.py``), the host's CSRF check is off for this blueprint (``csrf_exempt`` in
``plugin.kwis_blueprints``), and POSTs are rate limited per client and per address
(``views/ratelimit.py``, 429 in German). Pages are ``no-store``, not indexed and send no
referrer (links carry tokens). Feature ``alerts`` per region, 404 when off; unsubscribing works
whatever is switched, because deleting one's data must always be possible.

Thin: parse, call ``services.alerts``, commit once or roll back, render.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date as babel_format_date
from flask import abort, current_app, render_template, request, url_for
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from .. import i18n
from ..forms.alerts import (
    RETURNEE_SALT,
    SUBSCRIBE_SALT,
    FormExpired,
    ReturneeForm,
    SubscribeForm,
    new_form_token,
    read_form_token,
)
from ..i18n import gettext as _
from ..models.base import utcnow
from ..services.alerts import digests, returnees, subscriptions
from ..services.alerts.digests import DigestLinks
from ..services.alerts.subscriptions import RETURN_HINT_UNSURE
from ..services.errors import ValidationError
from ..services.input_checks import without_forbidden_chars
from . import access, context, theme
from .accessibility import SLUG, PortalRegion, portal_frame_globals, portal_regions
from .portal import offer_url
from .portal_events import event_url
from .security import private_page
from .templating import make_blueprint

bp = make_blueprint("kwis_job_alerts", __name__)
bp.context_processor(portal_frame_globals)
TEMPLATES = "kwis_job/portal/alerts/"
TOKEN = "<string(maxlength=200):token>"
SOURCE_PARAM = "quelle"
"""``?quelle=karte-jena``: the campaign code of the card's QR code, kept with the request."""


def _add(rules, endpoint: str, view, methods) -> None:
    for rule in rules:
        bp.add_url_rule(rule, endpoint=endpoint, view_func=access.public(view), methods=methods,
                        provide_automatic_options=False)


bp.after_request(private_page)


def _message(title: str, text: str, status: int = 200, region: PortalRegion | None = None,
             button: str | None = None, action: str | None = None):
    return render_template(
        TEMPLATES + "message.html", title=title, text=text, button=button, action=action,
        region=region, theme=theme.portal_theme(region=region.slug) if region else None,
    ), status


@bp.errorhandler(429)
def _too_many(_error):
    return _message(_("Zu viele Anfragen"),
                    _("Von Ihrem Anschluss oder für diese E-Mail-Adresse kamen in kurzer Zeit "
                      "zu viele Anfragen. Bitte warten Sie eine Weile und versuchen Sie es "
                      "dann noch einmal."), 429)


# --- links (mails are written outside requests too) ------------------------------------------


def confirm_url(token: str) -> str:
    return url_for("kwis_job_alerts.confirm", token=token, _external=True)


def unsubscribe_url(token: str) -> str:
    return url_for("kwis_job_alerts.unsubscribe", token=token, _external=True)


def subscribe_url(region_slug: str | None = None, **options) -> str:
    return url_for("kwis_job_alerts.subscribe", slug=region_slug, **options)


def returnee_url(region_slug: str | None = None, **options) -> str:
    return url_for("kwis_job_alerts.returnee", slug=region_slug, **options)


def digest_links() -> DigestLinks:
    """The digests' links of the current app (inside a request context)."""
    return DigestLinks(
        offer=lambda offer_id, slug: offer_url(offer_id, slug, _external=True),
        event=lambda event_id, slug: event_url(event_id, slug, _external=True),
        unsubscribe=unsubscribe_url,
    )


def alert_regions() -> list[PortalRegion]:
    """Regions whose portal and alerts are on, by name."""
    on = digests.alert_region_ids(context.db())
    return [region for region in portal_regions() if region.id in on]


def _region_or_choice(slug: str | None, endpoint: str, title: str):
    shown = alert_regions()
    if slug is not None:
        for region in shown:
            if region.slug == slug:
                return region, None
        abort(404)
    if not shown:
        abort(404)
    if len(shown) == 1:
        return shown[0], None
    return None, (render_template(
        "kwis_job/portal/accessibility/choose_region.html", regions=shown,
        endpoint=endpoint, title=title), 200)


# --- subscribing -----------------------------------------------------------------------------


def _month_choices(today: date) -> list[SelectChoice]:
    locale = i18n.get_locale()
    months = [SelectChoice("", _("(keine Angabe)")),
              SelectChoice(RETURN_HINT_UNSURE, _("Weiß ich noch nicht"))]
    year, month = today.year, today.month
    for _step in range(36):
        month += 1
        if month > 12:
            year, month = year + 1, 1
        months.append(SelectChoice(
            f"{year:04d}-{month:02d}",
            babel_format_date(date(year, month, 1), "MMMM yyyy", locale=locale)))
    return months


def _render_subscribe(region: PortalRegion, form: SubscribeForm, *, status: int = 200,
                      extra_errors: list[str] | None = None):
    session = context.db()
    form.form_token.data = new_form_token(SUBSCRIBE_SALT, region.id)
    form.return_month.choices = _month_choices(date.today())
    choices = subscriptions.choices(session, {r.id for r in alert_regions()})
    chosen_regions = set(form.regions.data or [str(region.id)])
    return render_template(
        TEMPLATES + "subscribe.html", region=region, form=form, choices=choices,
        chosen_regions=chosen_regions, chosen_types=set(form.types.data or ()),
        chosen_fields=set(form.fields.data or ()), extra_errors=extra_errors or [],
        consent_text=subscriptions.CONSENT_TEXT,
        returnee_href=returnee_url(region.slug),
        theme=theme.portal_theme(region=region.slug),
    ), status


def subscribe(slug: str | None = None):
    region, choice = _region_or_choice(slug, "kwis_job_alerts.subscribe",
                                       _("Benachrichtigungen bestellen"))
    if choice is not None:
        return choice
    form = SubscribeForm()
    form.source.data = without_forbidden_chars(request.args.get(SOURCE_PARAM, ""))[:60]
    return _render_subscribe(region, form)


def subscribe_post(slug: str | None = None):
    """Record a request and queue its confirmation (once per address): committed once; bad
    input or an expired form changes nothing; the answer never tells whether the address was
    known."""
    region, choice = _region_or_choice(slug, "kwis_job_alerts.subscribe",
                                       _("Benachrichtigungen bestellen"))
    if choice is not None:
        return choice
    form = SubscribeForm(request.form)
    if not form.check_input_rule():
        return _render_subscribe(region, form, status=422)
    try:
        read_form_token(SUBSCRIBE_SALT, form.form_token.data, region.id)
    except FormExpired:
        return _render_subscribe(region, form, status=422, extra_errors=[
            _("Das Formular ist abgelaufen oder ungültig. Bitte prüfen Sie Ihre Angaben und "
              "senden Sie es noch einmal.")])
    session = context.db()
    choices = subscriptions.choices(session, {r.id for r in alert_regions()})
    try:
        subscriptions.request(
            session, region.id, form.to_input(), choices, now=utcnow(),
            hold_hours=float(current_app.config["KWIS_JOB_ALERT_CONFIRM_HOURS"]),
            confirm_url=confirm_url, region_name=region.name)
        session.commit()
    except ValidationError as exc:
        session.rollback()
        return _render_subscribe(region, form, status=422,
                                 extra_errors=form.add_errors(exc.errors))
    except IntegrityError:  # a request for the same address came in at the same moment
        session.rollback()
    return _message(
        _("Bitte bestätigen Sie Ihre E-Mail-Adresse"),
        _("Wir haben Ihnen eine E-Mail mit einem Bestätigungslink geschickt (wenn für diese "
          "Adresse nicht schon eine unterwegs ist oder sie schon bestellt hat). Erst wenn Sie "
          "den Link öffnen und bestätigen, bekommen Sie Benachrichtigungen. Der Link gilt "
          "%(hours)s Stunden.", hours=f"{current_app.config['KWIS_JOB_ALERT_CONFIRM_HOURS']:g}"),
        region=region)


def confirm(token: str):
    if not digests.alert_region_ids(context.db()):
        abort(404)
    found = subscriptions.find_by_token(context.db(), token)
    if found is None or found.status != "pending":
        return _confirm_answer("already" if found is not None else "unknown")
    return _message(_("Benachrichtigungen bestätigen"),
                    _("Bitte bestätigen Sie, dass Sie Benachrichtigungen über neue Angebote "
                      "per E-Mail bekommen möchten."),
                    button=_("Ja, Benachrichtigungen bestätigen"),
                    action=url_for("kwis_job_alerts.confirm_post", token=token))


def confirm_post(token: str):
    session = context.db()
    if not digests.alert_region_ids(session):
        abort(404)
    outcome = subscriptions.confirm(session, token, now=utcnow())
    session.commit()
    return _confirm_answer(outcome)


def _confirm_answer(outcome: str):
    if outcome in ("confirmed", "already"):
        return _message(_("Benachrichtigungen bestätigt"),
                        _("Danke! Sie bekommen ab jetzt neue Angebote zu Ihren Interessen per "
                          "E-Mail, so oft wie gewählt. In jeder E-Mail steht ein Link zum "
                          "Abmelden."))
    return _message(_("Link ungültig oder abgelaufen"),
                    _("Dieser Bestätigungslink gilt nicht (mehr). Bitte bestellen Sie die "
                      "Benachrichtigungen noch einmal."), 404)


# --- unsubscribing (RFC 8058) ----------------------------------------------------------------


def _invalid_link():
    return _message(_("Link ungültig oder abgelaufen"),
                    _("Dieser Abmeldelink gilt nicht. Bitte nutzen Sie den Link aus einer "
                      "unserer E-Mails."), 404)


def unsubscribe(token: str):
    if not subscriptions.is_unsubscribe_token(current_app.config["SECRET_KEY"], token):
        return _invalid_link()
    return _message(_("Benachrichtigungen abbestellen"),
                    _("Möchten Sie keine Benachrichtigungen mehr bekommen? Dann wird Ihre "
                      "E-Mail-Adresse mit Ihrer Auswahl gelöscht."),
                    button=_("Abmelden und Adresse löschen"),
                    action=url_for("kwis_job_alerts.unsubscribe_post", token=token))


def unsubscribe_post(token: str):
    """Delete the subscription; the same 200 answer whether it still existed (a mail client's
    one-click POST may come twice); 404 for a link this app did not sign."""
    session = context.db()
    if subscriptions.unsubscribe(session, current_app.config["SECRET_KEY"], token) == "invalid":
        session.rollback()
        return _invalid_link()
    session.commit()
    return _message(_("Abgemeldet"),
                    _("Sie sind abgemeldet und Ihre E-Mail-Adresse ist gelöscht. Sie bekommen "
                      "keine Benachrichtigungen mehr."))


# --- Zurück in der Region --------------------------------------------------------------------


def _render_returnee(region: PortalRegion, form: ReturneeForm, *, status: int = 200,
                     extra_errors: list[str] | None = None):
    form.form_token.data = new_form_token(RETURNEE_SALT, region.id)
    return render_template(
        TEMPLATES + "returnee.html", region=region, form=form, extra_errors=extra_errors or [],
        consent_text=returnees.CONSENT_TEXT, subscribe_href=subscribe_url(region.slug),
        theme=theme.portal_theme(region=region.slug),
    ), status


def returnee(slug: str | None = None):
    region, choice = _region_or_choice(slug, "kwis_job_alerts.returnee",
                                       _("Zurück in der Region"))
    if choice is not None:
        return choice
    return _render_returnee(region, ReturneeForm())


def returnee_post(slug: str | None = None):
    region, choice = _region_or_choice(slug, "kwis_job_alerts.returnee",
                                       _("Zurück in der Region"))
    if choice is not None:
        return choice
    form = ReturneeForm(request.form)
    if not form.check_input_rule():
        return _render_returnee(region, form, status=422)
    try:
        nonce = read_form_token(RETURNEE_SALT, form.form_token.data, region.id)
    except FormExpired:
        return _render_returnee(region, form, status=422, extra_errors=[
            _("Das Formular ist abgelaufen oder ungültig. Bitte prüfen Sie Ihre Angaben und "
              "senden Sie es noch einmal.")])
    session = context.db()
    try:
        returnees.submit(session, region.id, form.to_input(), nonce=nonce, now=utcnow())
        session.commit()
    except ValidationError as exc:
        session.rollback()
        return _render_returnee(region, form, status=422,
                                extra_errors=form.add_errors(exc.errors))
    except IntegrityError:  # the same form twice: the first one arrived
        session.rollback()
    return _message(_("Willkommen zurück!"),
                    _("Danke für Ihre Nachricht. Die Wirtschaftsförderung %(region)s meldet "
                      "sich bei Ihnen.", region=region.name), region=region)


SUBSCRIBE_RULES = ("/benachrichtigungen", "/regionen/" + SLUG + "/benachrichtigungen")
RETURNEE_RULES = ("/zurueck-in-der-region", "/regionen/" + SLUG + "/zurueck-in-der-region")
_add(SUBSCRIBE_RULES, "subscribe", subscribe, ["GET"])
_add(SUBSCRIBE_RULES, "subscribe_post", subscribe_post, ["POST"])
_add(("/benachrichtigungen/bestaetigen/" + TOKEN,), "confirm", confirm, ["GET"])
_add(("/benachrichtigungen/bestaetigen/" + TOKEN,), "confirm_post", confirm_post, ["POST"])
_add(("/benachrichtigungen/abmelden/" + TOKEN,), "unsubscribe", unsubscribe, ["GET"])
_add(("/benachrichtigungen/abmelden/" + TOKEN,), "unsubscribe_post", unsubscribe_post, ["POST"])
_add(RETURNEE_RULES, "returnee", returnee, ["GET"])
_add(RETURNEE_RULES, "returnee_post", returnee_post, ["POST"])

