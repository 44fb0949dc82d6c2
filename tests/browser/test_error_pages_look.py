"""Error pages in Chromium: German, a way back, and axe finds nothing (WCAG 2.1 AA and the
best-practice rules, which check the landmarks Werkzeug's default pages lacked)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
_axe = Axe()


def assert_no_violations(page: Page) -> None:
    options = {"runOnly": {"type": "tag", "values": RULES}, "resultTypes": ["violations"]}
    violations = _axe.run(page, options=options).response["violations"]
    found = [
        f"{v['id']}: {v['help']} at {'; '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in violations
    ]
    assert not found, f"axe on {page.url}:\n" + "\n".join(found)


def login(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("E-Mail-Adresse", exact=True).fill(email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(lambda url: "/login" not in url)


def open_error(page: Page, path: str, status: int, heading: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("main")).to_contain_text(f"Fehlercode {status}")


def test_the_portal_404(page: Page, live_server):
    open_error(page, "/jobs/gibt-es-nicht", 404, "Seite nicht gefunden")
    assert_no_violations(page)
    assert page.context.cookies() == []
    page.get_by_role("link", name="Zur Startseite des Portals").click()
    expect(page).to_have_url(f"{live_server.url}/jobs/")


def test_the_selfservice_404_and_403(page: Page, live_server):
    company = live_server.company
    login(page, company.email, company.password)
    open_error(page, "/selfservice/gibt-es-nicht", 404, "Seite nicht gefunden")
    expect(page.get_by_role("navigation", name="Selbstservice")).to_be_visible()
    assert_no_violations(page)
    open_error(page, "/admin/", 403, "Kein Zugriff")
    assert_no_violations(page)
    page.get_by_role("link", name="Zur Startseite").click()
    expect(page).to_have_url(f"{live_server.url}/selfservice/")


def test_the_admin_404(page: Page, live_server):
    admin = live_server.admin
    login(page, admin.email, admin.password)
    open_error(page, "/admin/job/gibt-es-nicht", 404, "Seite nicht gefunden")
    expect(page.get_by_role("navigation", name="Verwaltung")).to_be_visible()
    assert_no_violations(page)
    page.get_by_role("link", name="Zur Übersicht der Verwaltung").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")
