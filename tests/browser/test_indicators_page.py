"""The indicators dashboard (issue 10) with axe, by keyboard: the demo's global admin opens
"Kennzahlen", enters a target out of range (message at the field), then a valid one, and opens
the printable annual report."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from support.keyboard import log_in_by_keyboard, tab_to

pytestmark = pytest.mark.browser

TARGET_LABEL = "Ziel: veröffentlichte Arbeitgeberprofile mit mindestens einem Angebot"


def _log_in(page: Page, email: str, password: str) -> None:
    log_in_by_keyboard(page, email, password, "/admin/")


def _type_target(page: Page, value: str) -> None:
    tab_to(page, page.get_by_label(TARGET_LABEL))
    page.keyboard.press("Control+A")
    page.keyboard.type(value)
    page.keyboard.press("Enter")


def test_the_dashboard_by_keyboard_with_axe(page: Page, live_server, assert_accessible):
    admin = live_server.admin
    _log_in(page, admin.email, admin.password)
    tab_to(page, page.get_by_role("link", name="KWIS.job: Kennzahlen"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kennzahlen")
    expect(page.get_by_role("img", name="Angebote nach Art")).to_be_visible()
    assert_accessible(page)

    _type_target(page, "100001")
    expect(page.locator(".kj-field-error")).to_contain_text("von 0 bis 100000")
    expect(page.get_by_label(TARGET_LABEL)).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    _type_target(page, "30")
    expect(page.get_by_role("status").filter(has_text="Das Ziel wurde gespeichert.")) \
        .to_be_visible()
    expect(page.get_by_label(TARGET_LABEL)).to_have_value("30")

    tab_to(page, page.get_by_role("link", name="Jahresbericht zum Drucken"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jahresbericht")
    assert_accessible(page)
