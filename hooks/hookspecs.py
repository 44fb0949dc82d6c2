"""The hooks a KWIS.web host calls. This file is the contract.

Every hook returns plain data (see ``kwis_hooks.types``) and never patches host objects. A host
calls them through ``kwis_hooks.host.PluginHost``; a plug-in implements them with
``@kwis_hooks.hookimpl`` in exactly one module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import hookspec

if TYPE_CHECKING:
    import click
    from flask import Flask

    from .types import (
        AdminMenuEntry,
        BlueprintSpec,
        ErrorPage,
        Feature,
        HostContext,
        HostCustomer,
        HostUser,
        MigrationLocation,
        SelfServiceTab,
    )


@hookspec
def kwis_settings_defaults() -> dict[str, Any]:
    """Return default settings for the plug-in.

    The host applies them with ``app.config.setdefault`` before its own configuration, so an
    operator's settings always win. Keys should carry the plug-in's prefix (``KWIS_JOB_``).
    """


@hookspec
def kwis_configure(app: Flask, host: HostContext) -> None:
    """Start the plug-in inside ``app``, once, after settings are loaded.

    ``host`` lends the engine, the request session and the current user; a plug-in keeps it (e.g.
    in ``app.extensions``) and registers request hooks that concern only its own blueprints.
    """


@hookspec
def kwis_blueprints(app: Flask, host: HostContext) -> list[BlueprintSpec]:
    """Return the blueprints the host should register, each with its URL prefix.

    ``app`` is passed so that prefixes can follow the app's settings.
    """


@hookspec
def kwis_cli_commands() -> list[click.Command]:
    """Return click commands or groups the host adds to its own command line."""


@hookspec
def kwis_features() -> list[Feature]:
    """Declare the plug-in's switchable features.

    The host lists them in its admin area; the plug-in stores their state per region and answers
    ``kwis_feature_enabled``.
    """


@hookspec(firstresult=True)
def kwis_feature_enabled(feature: str, customer: HostCustomer | None) -> bool | None:
    """Say whether ``feature`` is on for ``customer``'s region, or ``None`` if not yours.

    Called per request, so a switch takes effect on the next page without a restart.
    """


@hookspec
def kwis_selfservice_tabs(customer: HostCustomer, user: HostUser) -> list[SelfServiceTab]:
    """Return the tabs this plug-in adds to ``customer``'s self-service area for ``user``."""


@hookspec
def kwis_admin_menu(user: HostUser) -> list[AdminMenuEntry]:
    """Return the entries this plug-in adds to the admin menu for ``user`` (an admin)."""


@hookspec
def kwis_template_insertion(point: str, context: dict[str, Any]) -> str | None:
    """Return markup for the named insertion point, or ``None``.

    ``point`` is one of ``kwis_hooks.types.INSERTION_POINTS``. The host concatenates all answers
    in plug-in order and marks them safe, so a plug-in must escape what it did not write itself.
    """


@hookspec(firstresult=True)
def kwis_error_page(status: int, path: str) -> ErrorPage | None:
    """Render the error page for ``path`` if it is one of yours, else return ``None``.

    The host owns the app and its error handling: when a request ends in an error (``status``
    400 to 599) that no blueprint of the request handled itself, it asks its plug-ins in
    order, the first answer wins, and with none it renders its own page. Called inside the
    request (``flask.request``, ``url_for`` and the request's locale work) after the host has
    rolled back the request's session, so the page may read the database. A plug-in answers
    only for paths it serves outside the host's layouts (a public portal), must never show
    what went wrong (no exception text, no traceback) and must set no cookie.
    """


@hookspec
def kwis_robots_txt() -> list[str]:
    """Return lines for the host's ``/robots.txt`` (``Sitemap: <absolute URL>``, ``Disallow:``).

    Crawlers read ``robots.txt`` only at the root of a host, which the host owns; a plug-in
    under a prefix cannot serve it. The host answers ``GET /robots.txt`` with its own rules and
    then every plug-in's lines, in plug-in order. Called inside that request, so ``url_for``
    with ``_external=True`` works. Return ``[]`` for nothing to add.
    """


@hookspec
def kwis_customer_changed(session: Any, customer_id: int, changed: frozenset[str]) -> None:
    """React to a change of a customer record, inside the host's transaction.

    ``changed`` holds the names of the changed columns. Called whether or not any feature is on.
    """


@hookspec
def kwis_customer_deleted(session: Any, customer_id: int) -> None:
    """Remove everything the plug-in keeps about a customer, inside the host's transaction.

    Called before the host deletes the row and whether or not any feature is on: a GDPR deletion
    must not depend on a switch.
    """


@hookspec
def kwis_user_changed(session: Any, user_id: int, changed: frozenset[str]) -> None:
    """React to a change of a user account, inside the host's transaction."""


@hookspec
def kwis_user_deleted(session: Any, user_id: int) -> None:
    """Drop references to a user account, inside the host's transaction, before it is deleted."""


@hookspec
def kwis_migration_locations() -> list[MigrationLocation]:
    """Return where the plug-in keeps its Alembic scripts and its own version table.

    A host's ``db upgrade`` runs these after its own schema is in place; plug-ins never create,
    alter or drop host tables.
    """
