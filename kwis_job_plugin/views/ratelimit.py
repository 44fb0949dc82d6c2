"""Rate limits of the public write blueprints (Flask-Limiter).

Two limits on every POST of ``kwis_job_registration`` and ``kwis_job_accessibility_feedback``
(each blueprint counts on its own): per client IP
(``KWIS_JOB_RATELIMIT_PER_CLIENT``) and per e-mail address typed into the form
(``KWIS_JOB_RATELIMIT_PER_ADDRESS``; a POST without an address counts under its IP). A limit
answers 429 with a German page (each blueprint's own 429 handler). Host routes and the
plug-in's other blueprints are never limited here: a request filter lets only these blueprints
through, whatever ``RATELIMIT_*`` settings the host has for its own limiter.

Counters live in memory by default, which is right for one process only. With several app
servers set ``KWIS_JOB_RATELIMIT_STORAGE_URL`` to a shared store (``redis://host:6379/0``), or
each server counts on its own. Behind a reverse proxy the host must pass the client address on
(werkzeug's ``ProxyFix``), or every visitor shares the proxy's address.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from ..services.input_checks import single_line

BLUEPRINT = "kwis_job_registration"
"""The first limited blueprint; ``init_app`` limits every blueprint it is given."""
EXTENSION = "kwis_job_limiter"
ADDRESS_FIELD = "email"


def _per_client() -> str:
    return current_app.config["KWIS_JOB_RATELIMIT_PER_CLIENT"]


def _per_address() -> str:
    return current_app.config["KWIS_JOB_RATELIMIT_PER_ADDRESS"]


def _address_key() -> str:
    address = single_line(request.form.get(ADDRESS_FIELD, ""))[:254].lower()
    return f"address:{address}" if address else f"client:{get_remote_address()}"


def _per_read() -> str:
    return current_app.config["KWIS_JOB_RATELIMIT_API"]


def init_app(app: Flask, blueprint, *more, reads=()) -> Limiter:
    """One limiter per app (its own storage), limiting POSTs of the given blueprints only,
    and every request of the ``reads`` blueprints (the JSON API: ``KWIS_JOB_RATELIMIT_API``
    per client IP)."""
    limited = frozenset(bp.name for bp in (blueprint, *more, *reads))

    def _outside_blueprint() -> bool:
        return request.blueprint not in limited

    limiter = Limiter(
        key_func=get_remote_address,
        storage_uri=app.config.get("KWIS_JOB_RATELIMIT_STORAGE_URL") or "memory://",
        default_limits=[],
        application_limits=[],
        headers_enabled=False,
        strategy="moving-window",
        # A failing counter store (Redis away, ...) is logged and the request goes on: a
        # registration must not fail because its rate limit could not be counted.
        swallow_errors=True,
    )
    limiter.request_filter(_outside_blueprint)
    for each in (blueprint, *more):
        limiter.limit(_per_client, methods=["POST"], per_method=False)(each)
        limiter.limit(_per_address, key_func=_address_key, methods=["POST"],
                      per_method=False)(each)
    for each in reads:
        limiter.limit(_per_read, per_method=False)(each)
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter
    return limiter
