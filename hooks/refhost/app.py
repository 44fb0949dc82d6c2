"""The reference host's application factory."""

from __future__ import annotations

import os
from importlib.resources import files
from typing import Any

from flask import Flask, abort, g, request, session
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import HTTPException

from ..host import PluginHost, make_plugin_manager
from ..types import HostContext, HostCustomer, HostUser
from . import ratelimit, security
from .db import RequestSessions, make_engine
from .demo_mail import demo_mail_bp
from .models import Customer, User, dummy_hash
from .views import SESSION_VERSION_KEY, admin_bp, auth_bp, error_page, selfservice_bp

DEFAULTS: dict[str, Any] = {
    "KWIS_DATABASE_URL": "sqlite:///kwis-demo.db",
    "KWIS_BLOCKED_PLUGINS": (),
    "KWIS_EXTRA_PLUGINS": (),
    "KWIS_LOAD_ENTRY_POINTS": True,
    "WTF_CSRF_TIME_LIMIT": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
}
"""The host's own settings; ``security.DEFAULTS`` (production, HSTS, proxies) and
``ratelimit.DEFAULTS`` (login limits) come on top."""

LOCALES = ("de", "en")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
    ),
}


HOST_BLUEPRINTS = frozenset({"auth", "selfservice", "admin", "demo_mail"})
ROUTE_VALUE_MAX = 200
ROBOTS_RULES = ("User-agent: *", "Disallow: /login", "Disallow: /selfservice/",
                "Disallow: /admin/")
"""The reference host's own ``robots.txt``: its logged-in areas are nothing to crawl."""


def _refuse_unprintable_route_values() -> None:
    """The host's input rule for its route parameters (its form: ``forms.py``; ``next`` is
    made safe by ``views.safe_next``): a character that is not printable (NUL, CR/LF, U+202E)
    or an unbounded length is a 404 before any view reads it. Plug-in routes are left to the
    plug-in, which applies its own rule."""
    if request.blueprint not in HOST_BLUEPRINTS:
        return
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and (not value.isprintable() or len(value) > ROUTE_VALUE_MAX):
            abort(404)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The host with its plug-ins; ``config`` wins over the defaults and the environment.

    Production settings (secure cookie, HSTS, proxies) are explained in ``security.py``, the
    login's rate limits in ``ratelimit.py``.
    """
    app = Flask(
        "kwis_hooks.refhost",
        static_folder=str(files("kwis_hooks.refhost") / "static"),
        template_folder=str(files("kwis_hooks.refhost") / "templates"),
    )
    app.config.update(DEFAULTS)
    if os.environ.get("KWIS_DATABASE_URL"):
        app.config["KWIS_DATABASE_URL"] = os.environ["KWIS_DATABASE_URL"]
    app.config.update(config or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("KWIS_SECRET_KEY") or os.urandom(32).hex()
    security.configure(app, config or {})

    plugins = PluginHost(
        make_plugin_manager(
            blocked=app.config["KWIS_BLOCKED_PLUGINS"],
            extra_plugins=app.config["KWIS_EXTRA_PLUGINS"],
            load_entry_points=app.config["KWIS_LOAD_ENTRY_POINTS"],
        )
    )
    for key, value in plugins.settings_defaults().items():
        app.config.setdefault(key, value)

    engine = make_engine(app.config["KWIS_DATABASE_URL"])
    sessions = RequestSessions(engine)
    app.teardown_appcontext(sessions.close)
    app.extensions["kwis_host"] = {"plugins": plugins, "engine": engine, "sessions": sessions}

    csrf = CSRFProtect(app)
    login_manager = LoginManager(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Bitte melden Sie sich an, um diese Seite zu sehen."

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        """The session's account, if still active and the session is not ended (its version
        is the account's current one: logout counts that up)."""
        try:
            user = sessions.get().get(User, int(user_id))
        except (TypeError, ValueError, OverflowError):
            return None
        if user is None or not user.active:
            return None
        if session.get(SESSION_VERSION_KEY) != user.session_version:
            return None
        return user

    context = HostContext(
        engine=engine,
        get_session=sessions.get,
        current_user=_current_host_user,
        current_customer=lambda: _current_host_customer(sessions),
        selfservice_layout="refhost/selfservice_layout.html",
        admin_layout="refhost/admin_layout.html",
        current_locale=_request_locale,
    )
    app.extensions["kwis_host"]["context"] = context
    plugins.configure(app, context)

    app.register_blueprint(auth_bp)
    ratelimit.init_app(app, "auth.login")
    dummy_hash()
    app.register_blueprint(selfservice_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(demo_mail_bp)  # 404 unless KWIS_DEMO_MAIL_DIR is set
    app.before_request(_refuse_unprintable_route_values)
    for spec in plugins.blueprints(app, context):
        app.register_blueprint(spec.blueprint, url_prefix=spec.url_prefix, **spec.options)
        if spec.csrf_exempt:
            csrf.exempt(spec.blueprint)
    for command in plugins.cli_commands():
        app.cli.add_command(command)

    # German error pages for every area; plug-ins draw their own paths (``kwis_error_page``).
    # Blueprints' own handlers (the login's 429, ...) still come first.
    app.register_error_handler(HTTPException, error_page)

    @app.get("/robots.txt")
    def robots_txt():
        """The host's own rules, then its plug-ins' lines (hook ``kwis_robots_txt``)."""
        lines = [*ROBOTS_RULES, *plugins.robots_lines()]
        return "\n".join(lines) + "\n", 200, {"Content-Type": "text/plain; charset=utf-8",
                                               "Cache-Control": "public, max-age=3600"}

    @app.context_processor
    def _host_globals() -> dict[str, Any]:
        return {
            "host_insertion": plugins.insertion,
            "host_tabs": lambda: _tabs(plugins, sessions),
            "host_admin_menu": lambda: _admin_menu(plugins),
        }

    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


def _request_locale() -> str:
    """German unless the browser prefers English: the reference host speaks these two."""
    from flask import request

    return request.accept_languages.best_match(LOCALES, default=LOCALES[0])


def _current_host_user() -> HostUser | None:
    if not current_user or not current_user.is_authenticated:
        return None
    return current_user.as_host_user()


def _current_host_customer(sessions: RequestSessions) -> HostCustomer | None:
    user = _current_host_user()
    if user is None or user.customer_id is None:
        return None
    if "kwis_host_customer" not in g:
        customer = sessions.get().get(Customer, user.customer_id)
        g.kwis_host_customer = customer.as_host_customer() if customer else None
    return g.kwis_host_customer


def _tabs(plugins: PluginHost, sessions: RequestSessions):
    user, customer = _current_host_user(), _current_host_customer(sessions)
    if user is None or customer is None:
        return []
    return plugins.selfservice_tabs(customer, user)


def _admin_menu(plugins: PluginHost):
    user = _current_host_user()
    if user is None or not user.is_admin:
        return []
    return plugins.admin_menu(user)
