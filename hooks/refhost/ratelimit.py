"""Rate limits of the reference host's login (Flask-Limiter), against password guessing.

Two limits on ``POST /login``, both counting failed attempts only (an answer 422: wrong password,
unknown address or refused input), so that people who log in successfully are never held up:

- per account (``KWIS_LOGIN_RATELIMIT_PER_ACCOUNT``), keyed by the address as it is looked up,
  whatever the client: guessing one account's password from many addresses is slowed as much
  as from one. The key counts addresses without an account too, so a 429 tells nothing about
  whether an account exists.
- per client IP (``KWIS_LOGIN_RATELIMIT_PER_CLIENT``): one client trying many accounts.

Once a limit is reached, every further attempt is refused with 429 before the password is
checked, the right password included, until the window has moved on. The answer is the login
page with a German message (``views.too_many_attempts``).

This limiter is the host's own, separate from the plug-in's (``kwis_job_plugin.views.ratelimit``):
its own storage and only this one view. Counters live in memory by default, right for one
process only. With several app servers set ``KWIS_LOGIN_RATELIMIT_STORAGE_URL`` to a shared store
(``redis://host:6379/0``). Behind a reverse proxy the client address must be passed on
(``KWIS_PROXY_COUNT``, see ``security.py``), or every visitor shares the proxy's address.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from .forms import EMAIL_MAX
from .models import normalise_email

EXTENSION = "kwis_host_login_limiter"
DEFAULTS = {
    "KWIS_LOGIN_RATELIMIT_PER_ACCOUNT": "5 per minute; 20 per hour",
    "KWIS_LOGIN_RATELIMIT_PER_CLIENT": "20 per minute; 100 per hour",
    "KWIS_LOGIN_RATELIMIT_STORAGE_URL": None,
}


def _per_account() -> str:
    return current_app.config["KWIS_LOGIN_RATELIMIT_PER_ACCOUNT"]


def _per_client() -> str:
    return current_app.config["KWIS_LOGIN_RATELIMIT_PER_CLIENT"]


def _account_key() -> str:
    """The typed address as the login looks it up; control characters become visible escapes so
    that no two different inputs share a key by accident and the key is safe for any store."""
    address = normalise_email(request.form.get("email", ""))[: EMAIL_MAX + 1]
    address = address.encode("unicode_escape").decode("ascii")
    return f"account:{address}" if address else f"client:{get_remote_address()}"


def _failed(response) -> bool:
    return response.status_code == 422


def init_app(app: Flask, endpoint: str) -> Limiter:
    """The host's login limiter for ``app``, limiting POSTs of the view at ``endpoint`` only.

    Call it after the view's blueprint is registered: the view is replaced by its limited
    wrapper (Flask-Limiter checks a decorated view when it is called, not before the request).
    """
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    limiter = Limiter(
        key_func=get_remote_address,
        storage_uri=app.config["KWIS_LOGIN_RATELIMIT_STORAGE_URL"] or "memory://",
        default_limits=[],
        application_limits=[],
        headers_enabled=False,
        strategy="moving-window",
        key_prefix="kwis-host-login",
    )
    view = app.view_functions[endpoint]
    view = limiter.limit(_per_account, key_func=_account_key, methods=["POST"],
                         per_method=False, deduct_when=_failed)(view)
    view = limiter.limit(_per_client, methods=["POST"], per_method=False,
                         deduct_when=_failed)(view)
    app.view_functions[endpoint] = view
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter
    return limiter
