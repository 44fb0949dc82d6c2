"""Plain data that crosses the host/plug-in boundary.

Hooks return these instead of touching host objects, so a host can sort, filter, log and test what
plug-ins contribute without trusting them with its internals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal


@dataclass(frozen=True)
class HostUser:
    """The logged-in account as a plug-in may see it: no password hash, no host model."""

    id: int
    email: str
    display_name: str
    role: Literal["company", "admin"]
    customer_id: int | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class HostCustomer:
    """The company record (Betrieb) a self-service page is about."""

    id: int
    name: str
    ags: str | None


@dataclass(frozen=True)
class HostContext:
    """What the host lends a plug-in at start-up.

    One request is one transaction across host and plug-in tables, so the plug-in must use the
    host's engine and the host's request session instead of opening its own. The two layouts are
    host templates that plug-in pages extend: they draw the tab bar or admin menu themselves and
    offer the blocks ``title`` and ``content``; a plug-in page sets ``active_tab`` or
    ``active_menu`` to the key of its tab or menu entry, and ``page_lang`` to the language of
    its content (the layout puts it on ``<html lang>``). ``current_locale`` answers the
    request's language code (``de``, ``en``, ...).
    """

    engine: Any
    get_session: Callable[[], Any]
    current_user: Callable[[], HostUser | None]
    current_customer: Callable[[], HostCustomer | None]
    selfservice_layout: str
    admin_layout: str
    login_endpoint: str = "auth.login"
    current_locale: Callable[[], str] = lambda: "de"


@dataclass(frozen=True)
class Feature:
    """A switchable part of a plug-in; regions turn it on or off in the database."""

    key: str
    label: str
    description: str = ""
    default_enabled: bool = True


@dataclass(frozen=True)
class NavEntry:
    """A link a plug-in adds to a host navigation, sorted by ``order`` then ``label``.

    ``feature`` names the feature that must be on for the customer's region; the host asks
    ``kwis_feature_enabled`` before it shows the entry.
    """

    key: str
    label: str
    endpoint: str
    order: int = 100
    feature: str | None = None


class SelfServiceTab(NavEntry):
    """A tab in the company self-service area."""


class AdminMenuEntry(NavEntry):
    """An entry in the host's admin menu."""


@dataclass(frozen=True)
class MigrationLocation:
    """Where a plug-in keeps its Alembic scripts and which version table it owns."""

    name: str
    script_location: Path
    version_table: str
    table_prefix: str


@dataclass(frozen=True)
class ErrorPage:
    """A finished error page a plug-in renders for one of its own paths.

    ``body`` is the whole HTML document, in the plug-in's look and the request's language;
    the host sends it with the error's status code and the error's own headers (``Allow`` on
    a 405, ``Retry-After``, ...), then ``headers`` on top (e.g. ``Cache-Control``). The host
    adds nothing that sets a cookie.
    """

    body: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BlueprintSpec:
    """A blueprint and the URL prefix the host should mount it at.

    ``csrf_exempt``: the host must not apply its session-based CSRF check to this blueprint,
    because its forms set no cookie and carry a signed token of their own (public forms such
    as event registration); the plug-in is then responsible for that token.
    """

    blueprint: Any
    url_prefix: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    csrf_exempt: bool = False


INSERTION_POINTS: dict[str, str] = {
    "head": "inside <head> of every host page, after the host's own styles",
    "selfservice_overview": "the company's self-service start page, below the host's summary",
    "admin_dashboard": "the admin start page, below the host's own panels",
    "footer": "the footer of every host page",
}
"""Named places in host templates where plug-ins may insert markup.

A host calls ``kwis_template_insertion`` with one of these names; plug-ins never override host
templates, so a host can restyle its pages without breaking plug-ins.
"""
