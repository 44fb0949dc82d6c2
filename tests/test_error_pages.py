"""Error pages: German (English with the English locale on the portal), in the look of their
area, with a way back, never a traceback; the portal's set no cookie and are not stored.

The host owns the app and its error handling; the portal's pages come through the contract
(``kwis_error_page``). Errors that only a broken view can cause (500) or that no route of the
plug-in answers today (410, 503, ...) are raised by views registered on a test app.
"""

from __future__ import annotations

import re

import pytest
from flask import abort
from kwis_hooks.refhost import create_app
from sqlalchemy import text
from support.web import login

from kwis_job_plugin.services import features

CODES = (400, 403, 404, 405, 410, 413, 429, 500, 503)
TITLES = {
    400: "Ungültige Anfrage",
    403: "Kein Zugriff",
    404: "Seite nicht gefunden",
    405: "Aktion nicht möglich",
    410: "Seite nicht mehr vorhanden",
    429: "Zu viele Anfragen",
    500: "Ein Fehler ist aufgetreten",
    503: "Vorübergehend nicht erreichbar",
}
SECRET = "geheimer Zustand 4711"
"""In the message of the exceptions the test views raise: it must never reach the page."""
WERKZEUG_DEFAULTS = ("Not Found", "Method Not Allowed", "Forbidden", "Internal Server Error",
                     "The requested URL", "Bad Request")


def _raise_error(code: int):
    if code == 500:
        raise RuntimeError(f"{SECRET}: Traceback (most recent call last)")
    abort(code)


def _fail_in_the_database(code: int):
    """A failed SQL statement leaves PostgreSQL's transaction aborted: the error page must
    still be drawn (the host rolls back first), with the database's words nowhere on it."""
    from kwis_job_plugin.views.context import db

    db().execute(text(f"SELECT no_such_column_{code} FROM no_such_table_4711"))


@pytest.fixture
def error_app(db_url, engine):
    """The host with the plug-in, as in production (no TESTING: exceptions are handled, not
    raised into the test), and views that end in each error under each area."""
    app = create_app({"KWIS_DATABASE_URL": db_url, "SECRET_KEY": "test-secret"})
    for prefix in ("/jobs/_test", "/selfservice/_test", "/admin/_test", "/_test"):
        app.add_url_rule(f"{prefix}/<int:code>", f"raise{prefix}", _raise_error)
    app.add_url_rule("/jobs/_test/datenbank/<int:code>", "db_fail", _fail_in_the_database)
    yield app
    app.extensions["kwis_host"]["engine"].dispose()


@pytest.fixture
def error_client(error_app):
    return error_app.test_client()


def _h1(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, html[:500]
    return " ".join(match.group(1).split())


def _assert_german_page(response, code: int, title: str | None = None) -> str:
    assert response.status_code == code
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<html lang="de">' in html
    if title or code in TITLES:
        assert _h1(html) == (title or TITLES[code])
    assert f"Fehlercode {code}" in html
    assert '<main id="main"' in html
    for english in WERKZEUG_DEFAULTS:
        assert english not in html, english
    assert SECRET not in html and "Traceback" not in html
    return html


@pytest.mark.parametrize("code", CODES)
def test_portal_error_pages_are_german_in_the_portal_look(error_client, world, code):
    response = error_client.get(f"/jobs/_test/{code}")
    html = _assert_german_page(response, code)
    assert 'class="kj-portal"' in html and "/jobs/assets/portal." in html, "the portal's look"
    assert 'href="/jobs/"' in html and "Zur Startseite des Portals" in html
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/jobs/gibt-es-nicht", "/jobs/betriebe/gibt-es-nicht",
                                  "/jobs/angebote/2147483648", "/jobs/medien/999999"])
def test_unknown_portal_pages_are_the_portals_404(client, world, path):
    response = client.get(path)
    html = _assert_german_page(response, 404)
    assert 'class="kj-portal"' in html
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_a_wrong_method_on_the_portal_is_a_german_405_with_allow(client, world):
    response = client.post("/jobs/suche")
    _assert_german_page(response, 405)
    assert "GET" in response.headers["Allow"]
    assert "Set-Cookie" not in response.headers


def test_the_portal_error_page_speaks_english_with_the_english_locale(client, world):
    response = client.get("/jobs/gibt-es-nicht", headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert '<html lang="en">' in html
    assert _h1(html) == "Page not found"
    assert "Skip to content" in html and "Zum Inhalt springen" not in html
    assert "Accept-Language" in response.headers["Vary"]


def test_a_500_shows_no_traceback_even_after_a_database_error(error_client, world):
    response = error_client.get("/jobs/_test/datenbank/1")
    html = _assert_german_page(response, 500)
    assert 'class="kj-portal"' in html, "drawn after the rollback, in the portal's look"
    for leak in ("no_such_table_4711", "no_such_column", "sqlalchemy", "SELECT"):
        assert leak not in html


def test_with_the_portal_off_everywhere_the_host_draws_the_page(error_client, world, session):
    features.set_enabled(session, world.region.id, "portal", False, world.admin.id)
    session.commit()
    response = error_client.get("/jobs/_test/404")
    html = _assert_german_page(response, 404)
    assert 'class="kj-portal"' not in html and "KWIS.web" in html
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("code", CODES)
def test_host_error_pages_are_german_with_a_way_back(error_client, world, code):
    response = error_client.get(f"/_test/{code}")
    html = _assert_german_page(response, code)
    assert "host.css" in html and 'class="kj-portal"' not in html
    assert 'href="/login"' in html and "Zur Anmeldung" in html
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("code", CODES)
def test_selfservice_errors_keep_the_selfservice_layout(error_client, world, code):
    login(error_client, world.a.email, world.password)
    html = _assert_german_page(error_client.get(f"/selfservice/_test/{code}"), code)
    assert 'aria-label="Selbstservice"' in html, "the tab bar of the self-service area"
    assert 'href="/selfservice/"' in html and "Zur Übersicht Ihres Betriebs" in html
    assert "Angemeldet als" in html


@pytest.mark.parametrize("code", CODES)
def test_admin_errors_keep_the_admin_layout(error_client, world, code):
    login(error_client, world.admin.email, world.password)
    html = _assert_german_page(error_client.get(f"/admin/_test/{code}"), code)
    assert 'aria-label="Verwaltung"' in html
    assert 'href="/admin/"' in html and "Zur Übersicht der Verwaltung" in html


def test_real_404_and_403_of_the_areas(client, world):
    login(client, world.a.email, world.password)
    html = _assert_german_page(client.get("/selfservice/gibt-es-nicht"), 404)
    assert 'aria-label="Selbstservice"' in html
    html = _assert_german_page(client.get("/admin/"), 403)
    assert 'aria-label="Verwaltung"' not in html, "a company does not see the admin menu"
    assert 'href="/"' in html and "Zur Startseite" in html
    _assert_german_page(client.post("/logout", data={}), 400, "Formular abgelaufen")
    login(client, world.admin.email, world.password)
    html = _assert_german_page(client.get("/admin/job/gibt-es-nicht"), 404)
    assert 'aria-label="Verwaltung"' in html
    _assert_german_page(client.get("/selfservice/"), 403)


def test_a_stale_form_is_explained(client, world):
    response = client.post("/login", data={"email": "a@b.example", "password": "x"})
    _assert_german_page(response, 400, "Formular abgelaufen")


def test_the_registrations_own_error_pages_still_come_first(client, world):
    response = client.get("/jobs/anmeldung/abmelden/kein-gueltiger-link")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Dieser Link ist ungültig, abgelaufen oder wurde schon benutzt." in html
    assert "Fehlercode" not in html
    assert response.headers["Cache-Control"] == "no-store"


def test_when_even_the_layout_fails_a_plain_german_page_remains(error_client, world,
                                                               monkeypatch):
    """E.g. the database is gone while the page is drawn: no layout, still German, with
    landmarks and a way back, and nothing of what went wrong."""
    from kwis_hooks.refhost import views

    def broken(*_args, **_kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr(views, "render_template", broken)
    response = error_client.get("/_test/500")
    html = _assert_german_page(response, 500)
    assert "<header>" in html and '<a href="/">' in html
    assert response.headers["Cache-Control"] == "no-store"
