"""The host contract: documented, checked at start-up, loaded from entry points, blockable."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pluggy
import pytest
from kwis_hooks import hookimpl, hookspecs
from kwis_hooks.host import PluginHost, UnknownInsertionPoint, make_plugin_manager
from kwis_hooks.refhost import create_app
from kwis_hooks.types import INSERTION_POINTS

HOOKS_DOC = Path(__file__).resolve().parents[1] / "hooks" / "HOOKS.md"


def _hookspecs():
    return {
        name: fn
        for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
        if name.startswith("kwis_")
    }


def _documented_signature(fn) -> str:
    return f"{fn.__name__}{inspect.signature(fn)}".replace("'", "")


def test_every_hook_is_documented_with_its_signature():
    doc = HOOKS_DOC.read_text(encoding="utf-8")
    headings = set(re.findall(r"^### `(kwis_\w+)\(", doc, flags=re.M))
    specs = _hookspecs()
    missing = [
        _documented_signature(fn)
        for fn in specs.values()
        if f"### `{_documented_signature(fn)}`" not in doc
    ]
    assert not missing, f"hooks missing from HOOKS.md (or with another signature): {missing}"
    assert headings == set(specs), f"stale entries in HOOKS.md: {headings - set(specs)}"


def test_every_hookspec_has_a_docstring_and_annotations():
    for name, fn in _hookspecs().items():
        assert inspect.getdoc(fn), f"{name} has no docstring"
        signature = inspect.signature(fn)
        assert signature.return_annotation is not inspect.Signature.empty, name
        for param in signature.parameters.values():
            assert param.annotation is not inspect.Parameter.empty, f"{name}({param.name})"


class Misspelt:
    @hookimpl
    def kwis_selfservice_tab(self, customer, user):  # the real hook is kwis_selfservice_tabs
        return []


def test_a_misspelt_hook_fails_at_start_up():
    with pytest.raises(pluggy.PluginValidationError, match="kwis_selfservice_tab"):
        make_plugin_manager(extra_plugins=[Misspelt()], load_entry_points=False)


def test_the_plugin_is_loaded_from_its_entry_point():
    host = PluginHost(make_plugin_manager())
    assert "kwis_job" in host.plugin_names
    assert {f.key for f in host.features()} >= {"profile", "offers", "portal"}
    assert host.migration_locations()[0].version_table == "kwis_job_alembic_version"


def test_a_blocked_plugin_contributes_nothing():
    app = create_app({"KWIS_DATABASE_URL": "sqlite://", "KWIS_BLOCKED_PLUGINS": ["kwis_job"]})
    host = app.extensions["kwis_host"]["plugins"]
    assert "kwis_job" not in host.plugin_names
    assert not [r for r in app.url_map.iter_rules() if r.endpoint.startswith("kwis_job")]
    assert "job" not in app.cli.commands
    assert app.test_client().get("/jobs/").status_code == 404


class Inserter:
    @hookimpl
    def kwis_template_insertion(self, point, context):
        if point == "footer":
            return "<p class='from-plugin'>Partner</p>"
        return None


def test_insertion_points_render_plugin_markup_and_reject_unknown_names():
    host = PluginHost(make_plugin_manager(extra_plugins=[Inserter()], load_entry_points=False))
    assert "from-plugin" in host.insertion("footer")
    assert host.insertion("head") == ""
    with pytest.raises(UnknownInsertionPoint, match="footer"):
        host.insertion("sidebar")
    assert set(INSERTION_POINTS) == {"head", "selfservice_overview", "admin_dashboard", "footer"}


def test_settings_defaults_never_override_the_operator():
    app = create_app({"KWIS_DATABASE_URL": "sqlite://", "KWIS_JOB_MAIL_FROM": "wf@jena.example"})
    assert app.config["KWIS_JOB_MAIL_FROM"] == "wf@jena.example"
    assert app.config["KWIS_JOB_STALE_AFTER_DAYS"] == 365


def test_the_plugin_cli_is_added_to_the_host_cli():
    app = create_app({"KWIS_DATABASE_URL": "sqlite://"})
    assert "job" in app.cli.commands
