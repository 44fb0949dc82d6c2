"""The pages of admins per region (issue 10) with axe, by keyboard: "Zuständigkeiten" (with a
refused change and its message at the field) and "Änderungsprotokoll" for the demo's global
admin, and the pages a region admin of Jena sees (regions, change log).

The test adds its own region admin and changes nobody's scope (the refused change writes
nothing), so the demo stays as it was for the other browser tests.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from support.keyboard import log_in_by_keyboard, tab_to

from kwis_job_plugin.demo import factories

pytestmark = pytest.mark.browser

ADMINS = "/admin/job/zustaendigkeiten"
AUDIT = "/admin/job/protokoll"
REGION_ADMIN = "test-jena-verwaltung@wirtschaftsfoerderung-jena.example"


def _log_in(page: Page, email: str, password: str) -> None:
    log_in_by_keyboard(page, email, password, "/admin/")


@pytest.fixture(scope="module")
def jena_admin(live_server):
    """A region admin of Jena, assigned by the demo's global admin."""
    live_server.new_region_admin(REGION_ADMIN, "Verwaltung Jena", "jena")
    return REGION_ADMIN


def test_the_global_admin_pages_pass_axe(page: Page, live_server, jena_admin,
                                         assert_accessible):
    admin = live_server.admin
    _log_in(page, admin.email, admin.password)
    page.goto(ADMINS)
    expect(page.get_by_role("heading", level=1)).to_have_text("Zuständigkeiten der Verwaltung")
    expect(page.get_by_role("heading", name="Verwaltung Jena")).to_be_visible()
    assert_accessible(page)

    # the only global admin tries to limit themselves to one region: refused at the field
    own = page.locator("section", has=page.get_by_role("heading", name="(Sie)"))
    # a radio group is one tab stop (the checked button); the arrow key moves and selects
    tab_to(page, own.get_by_label("Alle Regionen (globale Verwaltung)"))
    page.keyboard.press("ArrowDown")
    expect(own.get_by_label("Nur die gewählten Regionen")).to_be_checked()
    tab_to(page, own.get_by_label("Stadt Jena"))
    page.keyboard.press("Space")
    tab_to(page, own.get_by_role("button", name="Zuständigkeit speichern"))
    page.keyboard.press("Enter")
    expect(page.locator(".kj-field-error").first).to_contain_text("Mindestens eine")
    assert_accessible(page)

    page.goto(AUDIT)
    expect(page.get_by_role("heading", level=1)).to_have_text("Änderungsprotokoll")
    expect(page.locator("code", has_text="admin_scope.changed").first).to_be_visible()
    assert_accessible(page)
    tab_to(page, page.get_by_label("Art"))
    page.keyboard.press("End")
    tab_to(page, page.get_by_role("button", name="Filtern"))
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "art=" in url)
    assert_accessible(page)


def test_the_region_admin_pages_pass_axe(page: Page, live_server, jena_admin,
                                         assert_accessible):
    _log_in(page, jena_admin, factories.DEMO_PASSWORD)
    page.goto("/admin/job/regionen")
    expect(page.get_by_role("heading", level=2, name="Stadt Jena")).to_be_visible()
    expect(page.get_by_role("heading", name="Weimarer Land")).to_have_count(0)
    expect(page.get_by_role("link", name="KWIS.job: Zuständigkeiten")).to_have_count(0)
    assert_accessible(page)
    page.goto(AUDIT)
    expect(page.get_by_role("heading", level=1)).to_have_text("Änderungsprotokoll")
    assert_accessible(page)
    assert page.goto(ADMINS).status == 404
