"""Editing on behalf in the browser, keyboard only, with axe: the demo's global admin finds a
fresh company, starts editing for it, sees the banner on its tabs, and ends it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from support.keyboard import log_in_by_keyboard, tab_to, wait_for_path

pytestmark = pytest.mark.browser

PICKER = "/admin/job/fuer-betrieb"
PROFILE = "/selfservice/job/profil"
OFFERS = "/selfservice/job/angebote"
NAME = "Stellvertretung Kupferschmiede"


def test_an_admin_edits_for_a_company_by_keyboard(page: Page, live_server, assert_accessible):
    live_server.new_company(NAME)
    admin = live_server.admin
    log_in_by_keyboard(page, admin.email, admin.password, "/admin/")

    page.goto(PICKER)
    expect(page.get_by_role("heading", level=1)).to_have_text("Für einen Betrieb bearbeiten")
    assert_accessible(page)
    tab_to(page, page.get_by_label("Name des Betriebs"))
    page.keyboard.type("Kupferschmiede")
    page.keyboard.press("Enter")
    expect(page.get_by_text("1 Betrieb gefunden")).to_be_visible()
    assert_accessible(page)
    tab_to(page, page.get_by_role("button", name=f"Für {NAME} bearbeiten"))
    page.keyboard.press("Enter")
    wait_for_path(page, PROFILE)

    banner = page.get_by_role("region", name=f"Bearbeiten für {NAME}")
    expect(banner).to_be_visible()
    assert_accessible(page)
    tab_to(page, banner.get_by_role("link", name="Angebote"))
    page.keyboard.press("Enter")
    wait_for_path(page, OFFERS)
    expect(page.get_by_role("region", name=f"Bearbeiten für {NAME}")).to_be_visible()
    assert_accessible(page)

    tab_to(page, page.get_by_role("button", name="Beenden"))
    page.keyboard.press("Enter")
    wait_for_path(page, PICKER)
    expect(page.get_by_role("region", name=f"Bearbeiten für {NAME}")).to_have_count(0)
    page.goto(PROFILE)
    expect(page.get_by_role("heading", name=f"Bearbeiten für {NAME}")).to_have_count(0)
