"""The one-click "still current" link of the staleness reminder: a public write of its own.

``/jobs/noch-aktuell/<token>``: GET shows what the reminder is about and a button (nothing
changes: mail scanners and link previews open links), POST confirms, through the same service
functions as the tabs' buttons (``profiles.confirm_current``, ``offers.confirm_current``). It
works without a login and sets no cookie; the signed, expiring token in the address is the
protection (``services.staleness.check_link``), so the host's CSRF check is off for this
blueprint (``csrf_exempt`` in ``plugin.kwis_blueprints``) and its POSTs are rate limited per
client like the other public writes (``views/ratelimit.py``). A refused token gets a German page
with the reason (404 unknown or forged, 410 expired, older or done). Pages are ``no-store``, not
indexed and send no referrer, so the token never leaves in a ``Referer``.

``links()`` / ``offline_links()`` build the absolute URLs the staleness mails link to
(``services.staleness.Links``), in the host app or, for ``kwis-job stale run`` on its own, on a
small app with the same URL rules.
"""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, render_template, url_for

from ..i18n import gettext as _
from ..models.base import utcnow
from ..services import offers, profiles, staleness
from ..services.errors import EditConflict, NotFound
from . import access, context, theme
from .accessibility import portal_frame_globals
from .security import private_page
from .templating import make_blueprint

bp = make_blueprint("kwis_job_still_current", __name__)
bp.context_processor(portal_frame_globals)
TEMPLATE = "kwis_job/portal/still_current.html"
RULE = "/noch-aktuell/<string(maxlength=200):token>"


bp.after_request(private_page)


def _settings():
    return current_app.config


def _check(token: str) -> staleness.Target:
    return staleness.check_link(
        context.db(), _settings()["SECRET_KEY"], token, now=utcnow(),
        default_days=int(_settings()["KWIS_JOB_STALE_AFTER_DAYS"]))


def _theme(target: staleness.Target | None):
    return theme.portal_theme(profile_id=target.profile.id) if target is not None else None


def _tab_url(target: staleness.Target) -> str:
    if target.kind == staleness.PROFILE:
        return url_for("kwis_job_profile.edit")
    return url_for("kwis_job_offers.preview", offer_id=target.item.id)


def _page(state: str, *, target: staleness.Target | None = None, message: str | None = None,
          status: int = 200):
    return render_template(
        TEMPLATE, state=state, target=target, message=message, theme=_theme(target),
        tab_url=_tab_url(target) if target is not None else None,
    ), status


def _refused(exc: staleness.LinkRefused):
    context.db().rollback()
    return _page("refused", message=exc.message, status=exc.status)


@bp.errorhandler(429)
def _too_many(_error):
    return _page("refused", message=_(
        "Von Ihrem Anschluss kamen in kurzer Zeit zu viele Anfragen. Bitte warten Sie eine Weile "
        "und versuchen Sie es dann noch einmal."), status=429)


@access.public
def show(token: str):
    """What the reminder is about, with the button; changes nothing."""
    try:
        target = _check(token)
    except staleness.LinkRefused as exc:
        return _refused(exc)
    page = _page("ask", target=target)
    context.db().rollback()
    return page


@access.public
def confirm(token: str):
    """Confirm: the content counts as current today and is back on the portal if it was off."""
    session = context.db()
    try:
        target = _check(token)
        customer_id = target.profile.customer_id
        if target.kind == staleness.PROFILE:
            profiles.confirm_current(session, customer_id, expected_version=target.item.version,
                                     actor_user_id=None, via="link")
        else:
            offers.confirm_current(session, customer_id, target.item.id, None, via="link")
        session.commit()
    except staleness.LinkRefused as exc:
        return _refused(exc)
    except (EditConflict, NotFound):
        session.rollback()
        return _page("refused", message=_(
            "Die Angaben wurden gerade geändert. Bitte öffnen Sie den Link noch einmal."),
            status=409)
    return _page("done", target=target)


bp.add_url_rule(RULE, endpoint="show", view_func=show, methods=["GET"],
                provide_automatic_options=False)
bp.add_url_rule(RULE, endpoint="confirm", view_func=confirm, methods=["POST"],
                provide_automatic_options=False)


# --- links in the staleness mails ---------------------------------------------------------------


def _external(endpoint: str, **values) -> str:
    """An absolute URL; outside a request on ``KWIS_JOB_PUBLIC_BASE_URL``."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = current_app.config.get("KWIS_JOB_PUBLIC_BASE_URL") or "http://localhost"
    with current_app.test_request_context("/", base_url=base):
        return url_for(endpoint, _external=True, **values)


class UrlLinks:
    """``services.staleness.Links`` from the URL rules of this blueprint and the tabs."""

    def still_current(self, token: str) -> str:
        return _external("kwis_job_still_current.show", token=token)

    def profile_tab(self) -> str:
        return _external("kwis_job_profile.edit")

    def offer(self, offer_id: int) -> str:
        return _external("kwis_job_offers.preview", offer_id=offer_id)


def links() -> UrlLinks:
    """The staleness mails' links of the current app."""
    return UrlLinks()


class _OfflineLinks(UrlLinks):
    def __init__(self, app: Flask, base_url: str):
        self.app, self.base_url = app, base_url

    def _build(self, method, *args) -> str:
        with self.app.test_request_context("/", base_url=self.base_url):
            return method(self, *args)

    def still_current(self, token: str) -> str:
        return self._build(UrlLinks.still_current, token)

    def profile_tab(self) -> str:
        return self._build(UrlLinks.profile_tab)

    def offer(self, offer_id: int) -> str:
        return self._build(UrlLinks.offer, offer_id)


def offline_links(base_url: str, public_prefix: str, selfservice_prefix: str) -> UrlLinks:
    """The same links without a host app (``kwis-job stale run`` on its own): the same URL
    rules, mounted at the given prefixes under ``base_url``."""
    from .offers_tab import bp as offers_bp
    from .profile_tab import bp as profile_bp

    app = Flask("kwis_job_still_current_links")
    app.register_blueprint(bp, url_prefix=public_prefix)
    app.register_blueprint(profile_bp, url_prefix=selfservice_prefix)
    app.register_blueprint(offers_bp, url_prefix=selfservice_prefix)
    return _OfflineLinks(app, base_url)
