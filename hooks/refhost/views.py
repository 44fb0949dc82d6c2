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
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

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
