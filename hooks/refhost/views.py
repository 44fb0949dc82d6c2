"""Login, the self-service shell and the admin shell of the reference host."""

from __future__ import annotations

import time
from functools import wraps
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from .forms import LoginForm
from .models import Customer, User, authenticate, end_sessions

auth_bp = Blueprint("auth", __name__)
selfservice_bp = Blueprint("selfservice", __name__, url_prefix="/selfservice")
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")

SESSION_VERSION_KEY = "kwis_session_version"
"""The account's ``session_version`` at login; ``app.load_user`` accepts no other."""
NEXT_MAX = 2048
TOO_MANY_ATTEMPTS = (
    "Zu viele fehlgeschlagene Anmeldeversuche für diese E-Mail-Adresse oder von Ihrem Anschluss. "
    "Bitte warten Sie einige Minuten und versuchen Sie es dann noch einmal."
)


def _session():
    return current_app.extensions["kwis_host"]["sessions"].get()


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else ``None``.

    Only printable characters (no CR/LF, tabs, NUL or other control characters, no spaces: a
    browser sends them escaped), a single leading ``/`` and no scheme or host, also once
    backslashes are read as slashes as browsers do (``//evil``, ``/\\evil``, ``javascript:``).
    """
    if not target or len(target) > NEXT_MAX:
        return None
    if not target.isprintable() or any(c.isspace() for c in target):
        return None
    normalised = target.replace("\\", "/")
    if not normalised.startswith("/") or normalised.startswith("//"):
        return None
    parts = urlsplit(normalised)
    return target if not parts.scheme and not parts.netloc else None


def _home_for(user: User) -> str:
    return url_for("admin.index") if user.role == "admin" else url_for("selfservice.index")


@auth_bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    return redirect(url_for("auth.login"))


@auth_bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in; failed attempts answer 422 and are counted by ``ratelimit``.

    The session is emptied before the login is written into it, so nothing from before the
    login (planted or left over) carries into the logged-in session, and the session cookie
    is a new one.
    """
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(_session(), form.email.data, form.password.data)
        if user is not None:
            session.clear()
            login_user(user)
            session[SESSION_VERSION_KEY] = user.session_version
            return redirect(safe_next(request.args.get("next")) or _home_for(user))
        form.password.errors.append("E-Mail-Adresse oder Passwort ist nicht korrekt.")
    status = 422 if form.errors else 200
    return render_template("refhost/login.html", form=form), status


@auth_bp.errorhandler(429)
def too_many_attempts(error):
    """The login page again, with what happened and what to do, and when to try again."""
    headers = {}
    limiter = current_app.extensions.get("kwis_host_login_limiter")
    limit = limiter.current_limit if limiter is not None else None
    if limit is not None and limit.breached:
        headers["Retry-After"] = str(max(1, int(limit.reset_at - time.time())))
    form = LoginForm(formdata=None)
    return render_template("refhost/login.html", form=form, blocked=TOO_MANY_ATTEMPTS), 429, \
        headers


@auth_bp.post("/logout")
def logout():
    """End this login and every other copy of its cookie (all devices of the account)."""
    if current_user.is_authenticated:
        end_sessions(_session(), current_user.id)
        _session().commit()
    logout_user()
    session.clear()
    flash("Sie haben sich abgemeldet.")
    return redirect(url_for("auth.login"))


def company_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if current_user.role != "company" or current_user.customer_id is None:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if current_user.role != "admin":
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@selfservice_bp.get("/", endpoint="index")
@company_required
def stammdaten():
    customer = _session().get(Customer, current_user.customer_id)
    return render_template(
        "refhost/stammdaten.html", customer=customer, active_tab="stammdaten"
    )


@admin_bp.get("/", endpoint="index")
@admin_required
def admin_overview():
    plugins = current_app.extensions["kwis_host"]["plugins"]
    return render_template(
        "refhost/admin_index.html",
        plugin_names=plugins.plugin_names,
        features=plugins.features(),
        active_menu="overview",
    )


# --- error pages -------------------------------------------------------------------------------

ERROR_TEXTS: dict[int, tuple[str, str]] = {
    400: ("Ungültige Anfrage",
          "Diese Anfrage konnte nicht verarbeitet werden. Bitte prüfen Sie die Adresse oder "
          "Ihre Eingaben und versuchen Sie es noch einmal."),
    401: ("Anmeldung erforderlich", "Bitte melden Sie sich an, um diese Seite zu sehen."),
    403: ("Kein Zugriff",
          "Diese Seite ist für Ihr Konto nicht freigegeben. Falls Sie glauben, dass das ein "
          "Irrtum ist, wenden Sie sich bitte an Ihre Wirtschaftsförderung."),
    404: ("Seite nicht gefunden",
          "Diese Seite gibt es nicht (mehr). Vielleicht hat sich die Adresse geändert oder "
          "sie enthält einen Tippfehler."),
    405: ("Aktion nicht möglich",
          "Diese Seite lässt sich so nicht aufrufen. Bitte nutzen Sie die Links und "
          "Schaltflächen der Seiten."),
    410: ("Seite nicht mehr vorhanden", "Diese Seite wurde entfernt und ist nicht mehr "
                                        "erreichbar."),
    413: ("Datei oder Eingabe zu groß",
          "Die gesendeten Daten sind zu groß. Bitte wählen Sie eine kleinere Datei oder "
          "kürzen Sie Ihre Eingaben."),
    429: ("Zu viele Anfragen",
          "Von Ihrem Anschluss kamen in kurzer Zeit zu viele Anfragen. Bitte warten Sie "
          "einige Minuten und versuchen Sie es dann noch einmal."),
    500: ("Ein Fehler ist aufgetreten",
          "Auf unserer Seite ist ein Fehler aufgetreten; Ihre letzte Aktion wurde nicht "
          "gespeichert. Bitte versuchen Sie es später noch einmal. Der Fehler wurde "
          "protokolliert."),
    503: ("Vorübergehend nicht erreichbar",
          "Diese Seite ist gerade nicht erreichbar, etwa wegen Wartungsarbeiten. Bitte "
          "versuchen Sie es in einigen Minuten noch einmal."),
}
"""Title and explanation per status; other codes get those of 400 or 500."""
CSRF_TEXT = ("Formular abgelaufen",
             "Das Formular war zu lange geöffnet oder wurde in einem anderen Fenster schon "
             "abgeschickt. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.")
ERROR_CACHE_CONTROL = "no-store"

FALLBACK_PAGE = """<!doctype html>
<html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – KWIS.web</title></head>
<body><header><p>KWIS.web</p></header><main id="main"><h1>{title}</h1><p>{text}</p>
<p>Fehlercode {status}</p><p><a href="/">Zur Startseite</a></p></main></body></html>
"""
"""When even the host's page cannot be drawn (e.g. the database is gone): no layout, no
database, no template, still German, with landmarks and a way back."""


def error_texts(status: int, error: HTTPException | None = None) -> tuple[str, str]:
    if isinstance(error, CSRFError):
        return CSRF_TEXT
    return ERROR_TEXTS.get(status) or ERROR_TEXTS[500 if status >= 500 else 400]


def error_page(error: HTTPException):
    """Every error (400-599) that no blueprint handled itself, as a German page.

    Plug-ins are asked first (``kwis_error_page``), before anything here looks at the login,
    so a plug-in's public page sets no cookie. Otherwise the page is drawn in the layout of
    the area the path belongs to (self-service, admin) when the user may see that area, else
    in the plain layout, always with a way back. The request's session is rolled back first:
    nothing of a failed request is written, and drawing the page may read the database. What
    went wrong is never shown (Flask logged it); ``FALLBACK_PAGE`` if drawing fails as well.
    """
    status = error.code or 500
    if status < 400 or error.response is not None:
        return error  # a redirect, or a view's own finished answer (``abort(response)``)
    try:
        current_app.extensions["kwis_host"]["sessions"].get().rollback()
    except Exception:  # noqa: BLE001 - a dead database must not stop the error page
        current_app.logger.exception("rolling back before an error page failed")
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    plugins = current_app.extensions["kwis_host"]["plugins"]
    try:
        page = plugins.error_page(status, request.path)
    except Exception:  # noqa: BLE001 - a failing plug-in gets the host's page instead
        current_app.logger.exception("a plug-in failed to draw the error page for %s", status)
        page = None
    if page is not None:
        response = make_response(page.body, status, headers)
        response.headers.update(page.headers)
        return response

    title, text = error_texts(status, error)
    try:
        layout, back_url, back_label = _error_area(request.path)
        body = render_template(
            "refhost/error.html", layout=layout, title=title, text=text, status=status,
            back_url=back_url, back_label=back_label,
        )
    except Exception:  # noqa: BLE001
        current_app.logger.exception("drawing the error page for %s failed", status)
        body = FALLBACK_PAGE.format(title=escape(title), text=escape(text), status=status)
    response = make_response(body, status, headers)
    response.headers["Cache-Control"] = ERROR_CACHE_CONTROL
    return response


def _within(path: str, prefix: str | None) -> bool:
    prefix = (prefix or "").rstrip("/")
    return bool(prefix) and (path == prefix or path.startswith(prefix + "/"))


def _error_area(path: str) -> tuple[str, str, str]:
    """Layout, link back and its label for an error page at ``path``."""
    user = current_user if current_user and current_user.is_authenticated else None
    if _within(path, selfservice_bp.url_prefix) and user is not None \
            and user.role == "company" and user.customer_id is not None:
        return ("refhost/selfservice_layout.html", url_for("selfservice.index"),
                "Zur Übersicht Ihres Betriebs")
    if _within(path, admin_bp.url_prefix) and user is not None and user.role == "admin":
        return "refhost/admin_layout.html", url_for("admin.index"), "Zur Übersicht der Verwaltung"
    if user is not None:
        return "refhost/layout.html", url_for("auth.index"), "Zur Startseite"
    return "refhost/layout.html", url_for("auth.login"), "Zur Anmeldung"
