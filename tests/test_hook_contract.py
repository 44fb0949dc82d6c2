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
from kwis_hooks.types import INSERTION_POINTS, BlueprintSpec, ErrorPage

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


class PartnerPages:
    """A plug-in that draws the error pages of its own paths, and fails on one of them."""

    @hookimpl
    def kwis_error_page(self, status, path):
        if path.startswith("/partner/kaputt"):
            raise RuntimeError("the plug-in's page is broken")
        if path.startswith("/partner/"):
            return ErrorPage(f"<!doctype html><p class='partner'>Fehler {status}</p>",
                             {"Cache-Control": "no-store"})
        return None


def test_error_pages_are_asked_from_plugins_through_the_host():
    """The host keeps its error handling and asks ``kwis_error_page`` by path: the plug-in's
    page for its paths (with the error's own headers), the host's German page for the rest
    and when the plug-in fails."""
    app = create_app({"KWIS_DATABASE_URL": "sqlite://", "KWIS_LOAD_ENTRY_POINTS": False,
                      "KWIS_EXTRA_PLUGINS": [PartnerPages()]})
    host = app.extensions["kwis_host"]["plugins"]
    with app.test_request_context("/partner/x"):
        assert host.error_page(404, "/partner/x").body.endswith("Fehler 404</p>")
        assert host.error_page(404, "/anderswo") is None
    client = app.test_client()
    response = client.get("/partner/gibt-es-nicht")
    assert response.status_code == 404
    assert response.get_data(as_text=True) == "<!doctype html><p class='partner'>Fehler 404</p>"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/html"
    not_allowed = client.post("/partner/gibt-es-nicht")
    assert not_allowed.status_code == 404, "no route: 404 whatever the method"
    for path in ("/anderswo", "/partner/kaputt"):
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 404 and "<h1>Seite nicht gefunden</h1>" in html, path
        assert "partner" not in html and "broken" not in html
    logout = client.get("/logout")  # POST only: the host's 405 keeps Werkzeug's Allow header
    assert logout.status_code == 405 and "POST" in logout.headers["Allow"]
    assert "<h1>Aktion nicht möglich</h1>" in logout.get_data(as_text=True)


def test_the_plugin_answers_only_for_its_public_paths():
    app = create_app({"KWIS_DATABASE_URL": "sqlite://"})
    host = app.extensions["kwis_host"]["plugins"]
    with app.test_request_context("/selfservice/x"):
        for path in ("/selfservice/job/x", "/admin/job/x", "/jobsuche", "/", "/login"):
            assert host.error_page(404, path) is None, path


class TwoForms:
    """A plug-in with one public form that carries its own token and one ordinary form."""

    @hookimpl
    def kwis_blueprints(self, app, host):
        from flask import Blueprint

        own_token, ordinary = Blueprint("own_token", __name__), Blueprint("ordinary", __name__)
        own_token.add_url_rule("/senden", "send", lambda: "gesendet", methods=["POST"])
        ordinary.add_url_rule("/senden", "send", lambda: "gesendet", methods=["POST"])
        return [BlueprintSpec(own_token, "/offen", csrf_exempt=True),
                BlueprintSpec(ordinary, "/normal")]


def test_only_a_blueprint_marked_csrf_exempt_skips_the_hosts_csrf_check():
    app = create_app({"KWIS_DATABASE_URL": "sqlite://", "KWIS_LOAD_ENTRY_POINTS": False,
                      "KWIS_EXTRA_PLUGINS": [TwoForms()], "KWIS_PRODUCTION": False})
    client = app.test_client()
    assert client.post("/offen/senden").get_data(as_text=True) == "gesendet"
    assert client.post("/normal/senden").status_code == 400
