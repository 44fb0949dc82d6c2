"""Helpers a host uses to load plug-ins and ask them for their contributions.

A host should build exactly one ``PluginHost`` at start-up. Plug-ins are loaded from the
``kwis.plugins`` entry-point group; blocking one by name is the only way to turn a plug-in off, and
it happens before loading, never at run time.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

import pluggy
from markupsafe import Markup

from . import ENTRY_POINT_GROUP, PROJECT_NAME, hookspecs
from .types import (
    INSERTION_POINTS,
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


class UnknownInsertionPoint(ValueError):
    """A template asked for an insertion point the contract does not define."""


def make_plugin_manager(
    blocked: Iterable[str] = (), extra_plugins: Iterable[Any] = (), load_entry_points: bool = True
) -> pluggy.PluginManager:
    """Return a plugin manager with the hookspecs, the installed plug-ins and a checked contract.

    ``check_pending`` makes a misspelt hook implementation fail at start-up instead of being
    silently ignored.
    """
    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    for name in blocked:
        pm.set_blocked(name)
    for plugin in extra_plugins:
        pm.register(plugin)
    if load_entry_points:
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    pm.check_pending()
    return pm


def _flatten(results: Iterable[list[Any] | None]) -> list[Any]:
    return list(chain.from_iterable(r for r in results if r))


class PluginHost:
    """The host's view of its plug-ins: typed calls that return sorted, filtered plain data."""

    def __init__(self, pm: pluggy.PluginManager):
        self.pm = pm
        self.hook = pm.hook

    @property
    def plugin_names(self) -> list[str]:
        return sorted(
            name for name, plugin in self.pm.list_name_plugin() if name and plugin is not None
        )

    def settings_defaults(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for defaults in reversed(self.hook.kwis_settings_defaults()):
            merged.update(defaults or {})
        return merged

    def configure(self, app: Any, host: HostContext) -> None:
        self.hook.kwis_configure(app=app, host=host)

    def blueprints(self, app: Any, host: HostContext) -> list[BlueprintSpec]:
        return _flatten(self.hook.kwis_blueprints(app=app, host=host))

    def cli_commands(self) -> list[Any]:
        return _flatten(self.hook.kwis_cli_commands())

    def features(self) -> list[Feature]:
        return _flatten(self.hook.kwis_features())

    def feature_enabled(self, feature: str | None, customer: HostCustomer | None) -> bool:
        """Ask the plug-ins; a feature nobody claims counts as off, ``None`` as always on."""
        if feature is None:
            return True
        return bool(self.hook.kwis_feature_enabled(feature=feature, customer=customer))

    def selfservice_tabs(self, customer: HostCustomer, user: HostUser) -> list[SelfServiceTab]:
        tabs = _flatten(self.hook.kwis_selfservice_tabs(customer=customer, user=user))
        tabs = [t for t in tabs if self.feature_enabled(t.feature, customer)]
        return sorted(tabs, key=lambda t: (t.order, t.label))

    def admin_menu(self, user: HostUser) -> list[AdminMenuEntry]:
        entries = _flatten(self.hook.kwis_admin_menu(user=user))
        return sorted(entries, key=lambda e: (e.order, e.label))

    def insertion(self, point: str, context: dict[str, Any] | None = None) -> Markup:
        if point not in INSERTION_POINTS:
            raise UnknownInsertionPoint(
                f"{point!r} is not an insertion point; known: {', '.join(sorted(INSERTION_POINTS))}"
            )
        parts = self.hook.kwis_template_insertion(point=point, context=context or {})
        return Markup("").join(Markup(p) for p in reversed(parts) if p)

    def error_page(self, status: int, path: str) -> ErrorPage | None:
        """The first plug-in's error page for ``path``, or ``None``: the host renders its own."""
        return self.hook.kwis_error_page(status=status, path=path)

    def robots_lines(self) -> list[str]:
        """Every plug-in's ``robots.txt`` lines, in plug-in order, each on one line."""
        return [" ".join(str(line).split()) for line in
                _flatten(reversed(self.hook.kwis_robots_txt())) if str(line).strip()]

    def customer_changed(self, session: Any, customer_id: int, changed: Iterable[str]) -> None:
        self.hook.kwis_customer_changed(
            session=session, customer_id=customer_id, changed=frozenset(changed)
        )

    def customer_deleted(self, session: Any, customer_id: int) -> None:
        self.hook.kwis_customer_deleted(session=session, customer_id=customer_id)

    def user_changed(self, session: Any, user_id: int, changed: Iterable[str]) -> None:
        self.hook.kwis_user_changed(session=session, user_id=user_id, changed=frozenset(changed))

    def user_deleted(self, session: Any, user_id: int) -> None:
        self.hook.kwis_user_deleted(session=session, user_id=user_id)

    def migration_locations(self) -> list[MigrationLocation]:
        return _flatten(self.hook.kwis_migration_locations())
