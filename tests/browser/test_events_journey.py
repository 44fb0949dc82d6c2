"""The event calendar and an event page in Chromium on the demo data: axe on every state, and
the way a keyboard user goes from the calendar (filtered by region) to an event and on to a
company taking part. The demo seeds two events: an open-companies week in Jena and a training
fair in the Weimarer Land."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from support.keyboard import tab_to, wait_for_path, wait_for_path_matching

import kwis_job_plugin.views.portal_events  # noqa: F401  (registers the routes until portal.py does)

pytestmark = pytest.mark.browser

FAIR = "Ausbildungsmesse Weimarer Land"
JENA = "Woche der offenen Unternehmen Jena"


def test_calendar_states_are_accessible(page: Page, assert_accessible):
    page.goto("/jobs/termine")
    expect(page.get_by_role("heading", level=1)).to_have_text("Termine")
    expect(page.get_by_role("link", name=FAIR)).to_be_visible()
    expect(page.get_by_role("link", name=JENA)).to_be_visible()
    assert_accessible(page)

    page.goto("/jobs/termine?art=project_week")
    expect(page.get_by_text("Zu dieser Auswahl gibt es gerade keinen Termin.")).to_be_visible()
    assert_accessible(page)

    page.goto("/jobs/termine?region=atlantis")
    expect(page.get_by_text("Die Region „atlantis“ gibt es hier nicht")).to_be_visible()
    assert_accessible(page)


def test_calendar_fits_a_phone(page: Page):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/jobs/termine")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_from_the_calendar_to_an_event_and_a_company_by_keyboard(
    page: Page, assert_accessible
):
    page.goto("/jobs/termine")

    # Filter by region without the mouse: focus the select, pick with the arrow keys, submit.
    region = page.get_by_label("Region", exact=True)
    tab_to(page, region)
    while region.evaluate("el => el.options[el.selectedIndex].text") != "Weimarer Land":
        page.keyboard.press("ArrowDown")
    tab_to(page, page.get_by_role("button", name="Termine anzeigen"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/jobs/termine\?region=weimarer-land"))
    expect(page.get_by_role("link", name=JENA)).to_have_count(0)

    tab_to(page, page.get_by_role("link", name=FAIR))
    page.keyboard.press("Enter")
    wait_for_path_matching(page, r"/jobs/termine/\d+-ausbildungsmesse-weimarer-land")
    expect(page.get_by_role("heading", level=1)).to_have_text(FAIR)
    expect(page.get_by_role("heading", name="Teilnehmende Betriebe")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Plätze? frei")).first).to_be_visible()
    assert_accessible(page)

    companies = page.locator(".kj-event-company h3 a")
    name = companies.first.inner_text()
    href = companies.first.get_attribute("href")
    tab_to(page, companies.first)
    page.keyboard.press("Enter")
    wait_for_path(page, href)
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
