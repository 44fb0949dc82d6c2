"""The accessibility pages in a real browser (issue 13): axe finds nothing on any of them (WCAG
2.1 A and AA and axe's best-practice rules), the feedback form works by keyboard alone, and
``kwis-job accessibility check`` scans the live demo server and records what it checked.

Every page is scanned with the rule sets the command line uses (``RULE_TAGS``), so the test and
what the agency runs cannot drift apart.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session
from support.keyboard import tab_to, wait_for_path

from kwis_job_plugin.models import OutboxMail, Region, RegionLegal
from kwis_job_plugin.services import accessibility_statement as statement
from kwis_job_plugin.services.accessibility_check import RULE_TAGS

pytestmark = pytest.mark.browser

FEEDBACK_ADDRESS = "barrierefrei@jena.example"
STATEMENT = "/jobs/regionen/jena/barrierefreiheit"
FORM = "/jobs/regionen/jena/barrierefreiheit/rueckmeldung"
_axe = Axe()


def assert_axe_clean(page: Page) -> None:
    options = {"runOnly": {"type": "tag", "values": list(RULE_TAGS)},
               "resultTypes": ["violations"]}
    violations = _axe.run(page, options=options).response["violations"]
    assert "best-practice" in RULE_TAGS and "wcag21aa" in RULE_TAGS
    assert not violations, f"{page.url}:\n" + "\n".join(
        f"- {v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations)


@pytest.fixture
def jena_address(live_server):
    """Jena's reports go to an address of its own (added if the demo has none yet)."""
    with Session(live_server.engine) as session:
        region = session.scalar(select(Region).where(Region.slug == "jena"))
        legal = session.get(RegionLegal, region.id)
        if legal is None:
            legal = RegionLegal(region_id=region.id)
            session.add(legal)
        if not legal.accessibility_email:
            legal.accessibility_email = FEEDBACK_ADDRESS
        session.commit()
        return legal.accessibility_email


@pytest.mark.parametrize("url", [
    "/jobs/barrierefreiheit",  # three demo regions: the choice
    STATEMENT,
    "/jobs/leichte-sprache",
    "/jobs/regionen/jena/leichte-sprache",
    "/jobs/regionen/weimarer-land/leichte-sprache",
    "/jobs/barrierefreiheit/rueckmeldung",
    FORM,
])
def test_every_accessibility_page_is_axe_clean(page, url, jena_address):
    response = page.goto(url)
    assert response.status == 200
    assert_axe_clean(page)


def test_the_english_pages_are_axe_clean(browser, live_server, jena_address):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        page = context.new_page()
        page.goto("/jobs/regionen/jena/leichte-sprache")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "The job portal: easy to read")
        assert_axe_clean(page)
        page.goto(STATEMENT)
        assert page.locator("html").get_attribute("lang") == "en"
        assert_axe_clean(page)
    finally:
        context.close()


def test_the_front_page_leads_to_leichte_sprache_by_keyboard(page):
    page.goto("/jobs/")
    tab_to(page, page.get_by_role("link", name="Leichte Sprache", exact=True).first)
    page.keyboard.press("Enter")
    wait_for_path(page, "/jobs/leichte-sprache")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def _mails_to(live_server, address: str) -> list[OutboxMail]:
    with Session(live_server.engine) as session:
        return list(session.scalars(select(OutboxMail).where(OutboxMail.to_addr == address)))


def test_a_barrier_is_reported_by_keyboard_only(page, live_server, jena_address):
    before = len(_mails_to(live_server, jena_address))
    page.goto(STATEMENT)
    tab_to(page, page.get_by_role("link", name="Zum Formular: Barriere melden"))
    page.keyboard.press("Enter")
    wait_for_path(page, FORM)

    # Sent empty: the summary takes the focus and names both fields; axe is clean.
    tab_to(page, page.get_by_role("button", name="Rückmeldung senden"))
    page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Bitte nennen Sie die Seite")
    expect(summary).to_contain_text("Bitte beschreiben Sie die Barriere")
    expect(page.get_by_label("Wo ist die Barriere?")).to_have_attribute("aria-invalid", "true")
    assert_axe_clean(page)

    # The summary's link leads to the field; then the form is filled in by keyboard alone.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    where = page.get_by_label("Wo ist die Barriere?")
    tab_to(page, where)
    page.keyboard.type("Suche, Feld Ort")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Was ist passiert, oder was möchten Sie wissen?")).to_be_focused()
    page.keyboard.type("Die Vorschläge für Orte werden nicht vorgelesen.")
    page.keyboard.press("Tab")
    page.keyboard.type("Alex Tastatur")
    page.keyboard.press("Tab")
    page.keyboard.type("alex.tastatur@example.org")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Rückmeldung senden")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Danke für Ihre Rückmeldung")
    assert_axe_clean(page)
    assert page.context.cookies() == [], "the form set no cookie"
    reports = _mails_to(live_server, jena_address)
    assert len(reports) == before + 1
    assert "Die Vorschläge für Orte werden nicht vorgelesen." in reports[-1].body_text
    assert len(_mails_to(live_server, "alex.tastatur@example.org")) == 1


def test_the_check_command_scans_the_live_portal_and_records_it(live_server):
    """The installed command, in its own process as the agency runs it (Playwright's sync API
    cannot start a second time inside this process's browser session)."""
    command = Path(sys.executable).with_name("kwis-job")
    result = subprocess.run([
        str(command), "--database-url",
        live_server.engine.url.render_as_string(hide_password=False),
        "accessibility", "check", "--base-url", live_server.url, "--region", "jena",
    ], capture_output=True, text=True, timeout=600, env={**os.environ, "LANG": "de_DE.UTF-8"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Gespeichert für die Erklärung zur Barrierefreiheit." in result.stdout
    with Session(live_server.engine) as session:
        region = session.scalar(select(Region).where(Region.slug == "jena"))
        legal = session.get(RegionLegal, region.id)
        assert legal.accessibility_checked_on == date.today()
        check = statement.recorded_check(legal)
    assert check.method == statement.AUTOMATED
    for label in ("Startseite", "Suche", "Seite eines Betriebs", "Seite eines Angebots",
                  "Veranstaltungskalender", "Seite einer Veranstaltung",
                  "Erklärung zur Barrierefreiheit",
                  "Leichte Sprache", "Rückmeldeformular"):
        assert f"- {label}: {live_server.url}/jobs/" in check.scope, label
    assert "wcag21aa, best-practice" in check.scope
    assert "Ergebnis: axe hat keine Verstöße gefunden." in check.scope


@pytest.mark.parametrize("url", [STATEMENT, "/jobs/regionen/jena/leichte-sprache", FORM])
def test_the_pages_reflow_at_320_pixels_without_sideways_scrolling(browser, live_server, url,
                                                                    jena_address):
    """WCAG 1.4.10: 320 CSS pixels wide (a phone, or 1280 at 400 % zoom), nothing scrolls
    sideways; the page is scanned at that width too."""
    context = browser.new_context(base_url=live_server.url, locale="de-DE",
                                  viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        page.goto(url)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at 320px"
        assert_axe_clean(page)
    finally:
        context.close()
