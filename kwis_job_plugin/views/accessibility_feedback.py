"""The feedback form for accessibility barriers: a public write in its own blueprint.

``/jobs/barrierefreiheit/rueckmeldung`` (the only region whose portal is on, or a list to
choose from) and ``/jobs/regionen/<slug>/barrierefreiheit/rueckmeldung``. Like the event
registration it sets no cookie: the form carries a signed, expiring token
(``forms/accessibility_feedback.py``) instead of the session CSRF token, so the host's CSRF
check is off for this blueprint (``csrf_exempt`` in ``plugin.kwis_blueprints``), and its POSTs
are rate limited per client and per e-mail address (``views/ratelimit.py``), answering 429 in
German. Pages are ``no-store`` (a fresh token each time) and not indexed.

Thin: parse, call ``services.accessibility_feedback.submit``, commit once or roll back, render.
"""

from __future__ import annotations

from flask import current_app, render_template, request
from sqlalchemy.exc import IntegrityError

from ..forms.accessibility_feedback import (
    FeedbackForm,
    FormExpired,
    new_form_token,
    read_form_token,
)
from ..i18n import gettext as _
from ..models.base import utcnow
from ..services import accessibility_feedback
from ..services.accessibility_feedback import NoRecipient
from ..services.errors import ValidationError
from ..services.input_checks import without_forbidden_chars
from . import access, context, theme
from .accessibility import (
    SLUG,
    PortalRegion,
    portal_frame_globals,
    region_of_page,
    statement_url,
)
from .security import private_page
from .templating import make_blueprint

bp = make_blueprint("kwis_job_accessibility_feedback", __name__)
bp.context_processor(portal_frame_globals)
TEMPLATES = "kwis_job/portal/accessibility/"
RULES = ("/barrierefreiheit/rueckmeldung", "/regionen/" + SLUG + "/barrierefreiheit/rueckmeldung")
PAGE_PARAM = "seite"
"""``?seite=<address>`` fills in "Wo ist die Barriere?" (a link from the page in question)."""


def _add(endpoint: str, method: str, view) -> None:
    for rule in RULES:
        bp.add_url_rule(rule, endpoint=endpoint, view_func=view, methods=[method],
                        provide_automatic_options=False)


bp.after_request(private_page)


def _message(title: str, text: str, status: int, region: PortalRegion | None = None):
    return render_template(
        TEMPLATES + "feedback_message.html", title=title, text=text, region=region,
        theme=theme.portal_theme(region=region.slug) if region else None,
        statement_href=statement_url(region.slug if region else None),
    ), status


@bp.errorhandler(429)
def _too_many(_error):
    return _message(_("Zu viele Anfragen"),
                    _("Von Ihrem Anschluss oder für diese E-Mail-Adresse kamen in kurzer Zeit "
                      "zu viele Rückmeldungen. Bitte warten Sie eine Weile und versuchen Sie "
                      "es dann noch einmal. Sie können uns auch eine E-Mail schreiben; die "
                      "Adresse steht in der Erklärung zur Barrierefreiheit."), 429)


def _render(region: PortalRegion, form: FeedbackForm, *, status: int = 200,
            extra_errors: list[str] | None = None):
    session = context.db()
    try:
        accessibility_feedback.recipient(session, region.id)
        deliverable = True
    except NoRecipient:
        deliverable = False
    form.form_token.data = new_form_token(region.id)
    return render_template(
        TEMPLATES + "feedback_form.html", region=region, form=form,
        extra_errors=extra_errors or [], deliverable=deliverable,
        outbox_days=current_app.config["KWIS_JOB_OUTBOX_KEEP_DAYS"],
        theme=theme.portal_theme(region=region.slug),
        statement_href=statement_url(region.slug),
    ), status


def _region_or_choice(slug: str | None):
    found = region_of_page(slug)
    if isinstance(found, list):
        return None, (render_template(
            TEMPLATES + "choose_region.html", regions=found,
            endpoint="kwis_job_accessibility_feedback.form",
            title=_("Barriere melden"),
        ), 200)
    return found, None


def form(slug: str | None = None):
    """The form, empty (or with the page it was opened from)."""
    region, choice = _region_or_choice(slug)
    if choice is not None:
        return choice
    form = FeedbackForm()
    form.where.data = without_forbidden_chars(request.args.get(PAGE_PARAM, ""))[:500]
    return _render(region, form)


def submit(slug: str | None = None):
    """Send a report: checked, queued to the region's address (and a confirmation to the
    sender), committed once; bad input or an expired form changes nothing."""
    region, choice = _region_or_choice(slug)
    if choice is not None:
        return choice
    form = FeedbackForm(request.form)
    if not form.check_input_rule():
        return _render(region, form, status=422)
    try:
        nonce = read_form_token(form.form_token.data, region.id)
    except FormExpired:
        return _render(region, form, status=422, extra_errors=[
            _("Das Formular ist abgelaufen oder ungültig. Bitte prüfen Sie Ihre Angaben und "
              "senden Sie es noch einmal.")])
    session = context.db()
    try:
        queued = accessibility_feedback.submit(
            session, region.id, form.to_input(), nonce=nonce, now=utcnow(),
            statement_url=statement_url(region.slug, _external=True),
        )
        confirmed = queued.confirmation is not None
        session.commit()
    except ValidationError as exc:
        session.rollback()
        return _render(region, form, status=422, extra_errors=form.add_errors(exc.errors))
    except NoRecipient:
        session.rollback()
        return _render(region, form, status=503)
    except IntegrityError:  # the same form sent twice: the first one was delivered
        session.rollback()
        confirmed = bool(form.email.data)
    return render_template(
        TEMPLATES + "feedback_done.html", region=region, confirmed=confirmed,
        theme=theme.portal_theme(region=region.slug),
        statement_href=statement_url(region.slug),
    )


form = access.public(form)
submit = access.public(submit)
_add("form", "GET", form)
_add("submit", "POST", submit)
