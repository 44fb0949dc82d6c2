"""What a view needs from the host, reached through the context the host lent at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, has_request_context
from kwis_hooks.types import HostContext, HostCustomer, HostUser
from sqlalchemy.orm import Session

EXTENSION_KEY = "kwis_job"


@dataclass
class PluginState:
    host: HostContext


def state() -> PluginState:
    try:
        return current_app.extensions[EXTENSION_KEY]
    except KeyError:
        raise RuntimeError(
            "KWIS.job is not configured in this app: the host must call kwis_configure "
            "(kwis_hooks.host.PluginHost.configure) before serving requests."
        ) from None


def host() -> HostContext:
    return state().host


def db() -> Session:
    return host().get_session()


def user() -> HostUser | None:
    return host().current_user()


def customer() -> HostCustomer | None:
    return host().current_customer()


def request_locale() -> str | None:
    """The locale provider for ``i18n``: the host's answer during a request, else ``None``.

    Asked once per request and kept in ``g``: a page translates a hundred strings, and the
    host's answer (content negotiation) does not change within a request."""
    if has_request_context() and EXTENSION_KEY in current_app.extensions:
        locale = g.get("kwis_job_locale")
        if locale is None:
            locale = g.kwis_job_locale = host().current_locale()
        return locale
    return None
