"""Login, the self-service shell and the admin shell of the reference host."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from .models import Customer, User

auth_bp = Blueprint("auth", __name__)
selfservice_bp = Blueprint("selfservice", __name__, url_prefix="/selfservice")
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")


def _session():
    return current_app.extensions["kwis_host"]["sessions"].get()


class LoginForm(FlaskForm):
    email = EmailField(
        "E-Mail-Adresse",
        validators=[DataRequired("Bitte geben Sie Ihre E-Mail-Adresse ein.")],
    )
    password = PasswordField(
        "Passwort", validators=[DataRequired("Bitte geben Sie Ihr Passwort ein.")]
    )


def _is_local(target: str) -> bool:
    """Only paths on this site: no scheme, no host, no ``//`` or ``/\\`` tricks."""
    parts = urlsplit(target.replace("\\", "/"))
    return target.startswith("/") and not parts.scheme and not parts.netloc


def _home_for(user: User) -> str:
    return url_for("admin.index") if user.role == "admin" else url_for("selfservice.index")


@auth_bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    return redirect(url_for("auth.login"))


@auth_bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = _session().scalar(
            select(User).where(func.lower(User.email) == form.email.data.strip().lower())
        )
        if user is not None and user.active and user.check_password(form.password.data):
            login_user(user)
            target = request.args.get("next", "")
            return redirect(target if _is_local(target) else _home_for(user))
        form.password.errors.append("E-Mail-Adresse oder Passwort ist nicht korrekt.")
    if form.errors:
        status = 422
    return render_template("refhost/login.html", form=form), status


@auth_bp.post("/logout")
def logout():
    logout_user()
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
