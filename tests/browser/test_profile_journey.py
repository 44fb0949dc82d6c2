"""A company creates its employer profile and submits it, by keyboard only, with axe on every
state of the tab: empty, with errors, with the preview, after submitting.

A fresh company in Jena (review rule ``first_publication`` in the demo), so the first submission
goes to review and no other test depends on what this one changes.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from support.keyboard import log_in_by_keyboard, tab_to, wait_for_path

pytestmark = pytest.mark.browser

COMPANY = "Tischlerei Hobelspan"
FIRST_PARAGRAPH = "Bei uns entstehen Möbel aus Holz aus der Region."
SECOND_PARAGRAPH = "Sie lernen vom ersten Tag an in der Werkstatt mit."
EMAIL_ERROR = "Bitte geben Sie eine gültige E-Mail-Adresse an"






def replace_text(page: Page, text: str) -> None:
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_company_creates_and_submits_its_profile_by_keyboard(
    page: Page, live_server, assert_accessible
):
    company = live_server.new_company(COMPANY)
    log_in_by_keyboard(page, company.email, company.password)

    tabs = page.get_by_role("navigation", name="Selbstservice")
    tab_to(page, tabs.get_by_role("link", name="Arbeitgeberprofil", exact=True))
    page.keyboard.press("Enter")
    wait_for_path(page, "/selfservice/job/profil")
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("Arbeitgeberprofil")
    expect(main).to_contain_text("Sie haben noch kein Arbeitgeberprofil angelegt.")
    email = page.get_by_label("E-Mail-Adresse", exact=True)
    expect(email).to_have_value(f"info@{company.email.split('@')[1]}")
    preview = page.locator("#kj-preview-body")
    expect(preview.get_by_role("heading", name=COMPANY)).to_be_visible()
    assert_accessible(page)  # state 1: empty

    # The text, typed; the live preview follows while typing.
    tab_to(page, page.get_by_label("So ist es, bei uns zu arbeiten"))
    page.keyboard.type(FIRST_PARAGRAPH)
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type(SECOND_PARAGRAPH)
    expect(preview).to_contain_text(SECOND_PARAGRAPH)

    # An occupational field, then the Ausbildungsberuf found with the filter box.
    field = page.get_by_role("checkbox", name="Kunst, Kultur, Gestaltung")
    tab_to(page, field)
    page.keyboard.press("Space")
    expect(field).to_be_checked()
    tab_to(page, page.get_by_role("searchbox", name="Ausbildungsberufe filtern"))
    page.keyboard.type("tischler")
    expect(page.locator("#occupations-filter-status")).to_have_text(
        re.compile(r"^1 von \d{2} Ausbildungsberufen angezeigt$"))
    page.keyboard.press("Tab")
    occupation = page.get_by_role("checkbox", name="Tischler/-in")
    expect(occupation).to_be_focused()
    page.keyboard.press("Space")
    expect(occupation).to_be_checked()

    # A typo in the e-mail address; Enter in a text field saves the draft.
    tab_to(page, email)
    replace_text(page, "ausbildung(at)hobelspan.example")
    page.keyboard.press("Enter")
    wait_for_path(page, "/selfservice/job/profil")

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Bitte prüfen Sie Ihre Eingaben.")
    expect(summary).to_be_focused()
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(
        "Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel ausbildung@betrieb.de.")
    expect(page.get_by_label("So ist es, bei uns zu arbeiten")).to_have_value(
        f"{FIRST_PARAGRAPH}\n\n{SECOND_PARAGRAPH}")
    expect(page.get_by_label("Tischler/-in")).to_be_checked()
    expect(main).to_contain_text("Sie haben noch kein Arbeitgeberprofil angelegt.")
    assert_accessible(page)  # state 2: errors

    # The summary's link leads to the field.
    tab_to(page, summary.get_by_role("link", name=EMAIL_ERROR))
    page.keyboard.press("Enter")
    expect(email).to_be_focused()
    replace_text(page, "ausbildung@hobelspan.example")

    tab_to(page, page.get_by_role("button", name="Vorschau aktualisieren"))
    page.keyboard.press("Enter")
    expect(page.locator("#kj-preview-note")).to_have_text(
        "So wird Ihr Profil mit Ihren Eingaben aussehen. Noch ist nichts gespeichert.")
    expect(page.locator("#kj-preview")).to_be_focused()
    expect(preview).to_contain_text(FIRST_PARAGRAPH)
    expect(preview.get_by_role("list").filter(has_text="Tischler/-in")).to_be_visible()
    expect(preview).to_contain_text("Kunst, Kultur, Gestaltung")
    expect(preview).to_contain_text("ausbildung@hobelspan.example")
    expect(main).to_contain_text("Sie haben noch kein Arbeitgeberprofil angelegt.")
    assert_accessible(page)  # state 3: preview

    # From the preview, one step back is the button that submits.
    tab_to(page, page.get_by_role("button", name="Zur Veröffentlichung einreichen"),
           key="Shift+Tab", limit=5)
    page.keyboard.press("Enter")
    wait_for_path(page, "/selfservice/job/profil")
    expect(page.get_by_role("status")).to_contain_text("Ihr Profil ist zur Prüfung eingereicht.")
    status = page.locator(".kj-pf-status")
    expect(status).to_contain_text("In Prüfung")
    expect(status).to_contain_text("Nur die erste Veröffentlichung wird geprüft")
    expect(status).to_contain_text("Nein, noch nicht")
    expect(page.get_by_label("Tischler/-in")).to_be_checked()
    expect(page.get_by_label("E-Mail-Adresse", exact=True)).to_have_value(
        "ausbildung@hobelspan.example")
    expect(page.get_by_label("So ist es, bei uns zu arbeiten")).to_have_value(
        f"{FIRST_PARAGRAPH}\n\n{SECOND_PARAGRAPH}")
    assert_accessible(page)  # state 4: submitted
