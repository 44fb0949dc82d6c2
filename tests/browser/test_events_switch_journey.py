"""A feature switched per region (issue 10), by keyboard only, with axe: the Weimarer Land's own
admin switches the events tool off on the regions page, and the company there loses its
"Veranstaltungen" tab (its address answers 404) while a Jena company keeps it.

The test brings its own region admin and two fresh companies, and switches the events back on
at the end, so the demo stays as it was for the other browser tests.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session
from support.keyboard import log_in_by_keyboard, tab_to

from kwis_job_plugin.demo import factories
from kwis_job_plugin.services import features

pytestmark = pytest.mark.browser

WL_ADMIN = "test-wl-verwaltung@weimarer-land.example"
EVENTS_TAB = "/selfservice/job/veranstaltungen"


@pytest.fixture(scope="module")
def weimarer_land(live_server):
    """The region's id and its own admin, assigned by the demo's global admin."""
    return live_server.new_region_admin(WL_ADMIN, "Verwaltung Weimarer Land", "weimarer-land")


def _switch(action: str) -> re.Pattern:
    """The switch button's name: the action, then (for screen readers) what and where."""
    return re.compile(rf"^{action}\s*: Veranstaltungen in Weimarer Land$")


def _tab_names(page: Page, login) -> list[str]:
    page.context.clear_cookies()
    log_in_by_keyboard(page, login.email, login.password)
    return page.get_by_role("navigation").get_by_role("link").all_inner_texts()


def test_a_region_admin_switches_events_off_for_their_region_only(
        page: Page, live_server, weimarer_land, assert_accessible):
    wl_company = live_server.new_company("Schalter Holzbau Apolda", ags="16071001")
    jena_company = live_server.new_company("Schalter Optik Jena", ags="16053000")
    assert "Veranstaltungen" in _tab_names(page, wl_company)

    page.context.clear_cookies()
    log_in_by_keyboard(page, WL_ADMIN, factories.DEMO_PASSWORD, "/admin/")
    page.goto("/admin/job/regionen")
    expect(page.get_by_role("heading", level=2, name="Weimarer Land")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Stadt Jena")).to_have_count(0)
    assert_accessible(page)
    try:
        tab_to(page, page.get_by_role("button", name=_switch("Ausschalten")))
        page.keyboard.press("Enter")
        expect(page.get_by_role("button", name=_switch("Einschalten"))).to_be_visible()
        assert_accessible(page)

        assert "Veranstaltungen" not in _tab_names(page, wl_company)
        assert page.goto(EVENTS_TAB).status == 404
        assert "Veranstaltungen" in _tab_names(page, jena_company)
        assert page.goto(EVENTS_TAB).status == 200
    finally:
        with Session(live_server.engine) as session:
            features.set_enabled(session, weimarer_land, "events", True, None)
            session.commit()
