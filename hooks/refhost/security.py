"""How the reference host protects its sessions and pages: production settings and headers.

``KWIS_PRODUCTION`` decides. Unset, it is derived: production unless the app runs in debug mode,
in testing (``TESTING``) or as the demo (``KWIS_DEMO_MAIL_DIR`` set by ``kwis-job demo``); the
environment variable ``KWIS_PRODUCTION=1``/``0`` or the setting itself overrides that. In
production

- the session cookie is ``Secure`` (sent over HTTPS only; ``HttpOnly`` and ``SameSite=Lax``
  always), unless ``SESSION_COOKIE_SECURE`` is set explicitly;
- every answer carries ``Strict-Transport-Security`` (``KWIS_HSTS``): the browser then never
  talks plain HTTP to this host again.

Always, production or not, a page answered to a logged-in person, and the login page itself, is
``Cache-Control: no-store`` unless the page has said itself how it may be cached (the public
portal, pictures and stylesheets say ``public``): no shared cache and no browser history keeps
a private page after logout.

``KWIS_PROXY_COUNT`` (default 0) is the number of reverse proxies in front of the host; with it
werkzeug's ``ProxyFix`` takes the client address, scheme and host from their ``X-Forwarded-*``
headers, which the rate limits and the absolute URLs need.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "KWIS_PRODUCTION": None,
    "KWIS_HSTS": "max-age=31536000",
    "KWIS_PROXY_COUNT": 0,
}
TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off", "")
PRIVATE_CACHE_CONTROL = "no-store"


def _env_flag(name: str) -> bool | None:
    value = os.environ.get(name)
    if value is None:
        return None
    value = value.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise RuntimeError(f"{name}={value!r}: erwartet wird 1 oder 0.")


def is_production(app: Flask, explicit: dict[str, Any]) -> bool:
    """The setting if given, else the environment variable, else: not debug, testing or demo."""
    if explicit.get("KWIS_PRODUCTION") is not None:
        return bool(explicit["KWIS_PRODUCTION"])
    from_env = _env_flag("KWIS_PRODUCTION")
    if from_env is not None:
        return from_env
    return not (app.debug or app.testing or app.config.get("KWIS_DEMO_MAIL_DIR"))


def configure(app: Flask, explicit: dict[str, Any]) -> None:
    """Apply the production settings; ``explicit`` is the configuration the caller passed."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    production = is_production(app, explicit)
    app.config["KWIS_PRODUCTION"] = production
    if "SESSION_COOKIE_SECURE" not in explicit:
        app.config["SESSION_COOKIE_SECURE"] = production
    if production and not explicit.get("SECRET_KEY") and not os.environ.get("KWIS_SECRET_KEY"):
        log.warning("KWIS_PRODUCTION without SECRET_KEY: every process draws its own key, so "
                    "logins end at each restart and do not carry across app servers.")
    proxies = int(app.config["KWIS_PROXY_COUNT"] or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies,
                                x_port=proxies, x_prefix=proxies)

    @app.after_request
    def _session_headers(response):
        if app.config["KWIS_PRODUCTION"] and app.config["KWIS_HSTS"]:
            response.headers.setdefault("Strict-Transport-Security", app.config["KWIS_HSTS"])
        if "Cache-Control" not in response.headers and _is_private():
            response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response


def _is_private() -> bool:
    """A page for a logged-in person or the login page (whose form carries a CSRF token)."""
    if request.endpoint == "auth.login":
        return True
    return bool(current_user and current_user.is_authenticated)
