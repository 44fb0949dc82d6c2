"""The agency's admin pages "KWIS.job: Veranstaltungen" by keyboard only, with axe on every
state: the list, the form with errors, the draft's overview, the confirmation steps (publish;
cancel with a reason, first without one), the public calendar while the event is published,
and the overview with figures of the demo's open-companies week in Jena.

The journey creates its own event (an info day; a title no other test uses) and ends with it
cancelled, so the demo's events and every other test stay as they were.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Locator, Page, expect
from support.keyboard import log_in_by_keyboard, tab_to, wait_for_path, wait_for_path_matching

pytestmark = pytest.mark.browser

EVENTS = "/admin/job/veranstaltungen"
TITLE = "Infotag Handwerk mit der Tastatur"
JENA_WEEK = "Woche der offenen Unternehmen Jena"
VENUE = "Volkshaus Jena"
ENDS_ERROR = "Das Ende liegt vor dem Beginn der Veranstaltung."
REASON = "Der Saal ist an diesem Tag nicht verfügbar."
REASON_ERROR = "Bitte geben Sie einen Grund an."


def log_in_as_admin_by_keyboard(page: Page, email: str, password: str) -> None:
    log_in_by_keyboard(page, email, password, "/admin/")


def choose(page: Page, select: Locator, option: str) -> None:
    """Pick an option of a closed select with the arrow keys, as a keyboard user does."""
    tab_to(page, select)
    page.keyboard.press("Home")
    for _ in range(50):
        if select.evaluate("el => el.options[el.selectedIndex].text") == option:
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"{option!r} not found in {select}")


def type_into(page: Page, label: str, text: str) -> None:
    tab_to(page, page.get_by_label(label, exact=True))
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def fact(page: Page, term: str) -> Locator:
    """The value (dd) of a term (dt) in the overview's facts."""
    return page.locator(".kj-facts dt").filter(has_text=re.compile(rf"^{term}$")).locator(
        "xpath=following-sibling::dd[1]")


def test_admin_creates_publishes_and_cancels_an_event_by_keyboard(
    page: Page, live_server, assert_accessible
):
    day = date(date.today().year + 1, 6, 17).strftime("%d.%m.%Y")
    day_before = date(date.today().year + 1, 6, 16).strftime("%d.%m.%Y")
    admin = live_server.admin
    log_in_as_admin_by_keyboard(page, admin.email, admin.password)

    menu = page.get_by_role("navigation", name="Verwaltung")
    tab_to(page, menu.get_by_role("link", name="KWIS.job: Veranstaltungen"))
    page.keyboard.press("Enter")
    wait_for_path(page, EVENTS)
    expect(page.get_by_role("heading", level=1)).to_have_text("Veranstaltungen")
    expect(menu.get_by_role("link", name="KWIS.job: Veranstaltungen")).to_have_attribute(
        "aria-current", "page")
    table = page.get_by_role("table", name="Alle Veranstaltungen, nach Beginn sortiert")
    expect(table.get_by_role("row").filter(has_text=JENA_WEEK)).to_contain_text("Veröffentlicht")
    assert_accessible(page)  # the list

    tab_to(page, page.get_by_role("link", name="Neue Veranstaltung anlegen"))
    page.keyboard.press("Enter")
    wait_for_path(page, f"{EVENTS}/neu")
    expect(page.get_by_role("heading", level=1)).to_have_text("Neue Veranstaltung")
    assert_accessible(page)  # the empty form

    # Kind, region and title right; the last day before the first, and no venue.
    choose(page, page.get_by_label("Art der Veranstaltung"), "Infotag")
    choose(page, page.get_by_label("Region", exact=True), "Stadt Jena")
    type_into(page, "Titel", TITLE)
    type_into(page, "Beschreibung", "Betriebe aus dem Handwerk stellen ihre Berufe vor.")
    type_into(page, "Erster Tag", day)
    type_into(page, "Letzter Tag", day_before)
    page.keyboard.press("Enter")  # Enter in a text field submits the form

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Bitte prüfen Sie Ihre Eingaben.")
    expect(summary).to_be_focused()
    ends_on = page.get_by_label("Letzter Tag", exact=True)
    expect(ends_on).to_have_attribute("aria-invalid", "true")
    expect(ends_on).to_have_accessible_description(re.compile(re.escape(ENDS_ERROR)))
    venue = page.get_by_label("Veranstaltungsort", exact=True)
    expect(venue).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Titel", exact=True)).to_have_value(TITLE)
    expect(page.get_by_label("Art der Veranstaltung")).to_have_value("info_day")
    assert_accessible(page)  # the form with errors

    tab_to(page, summary.get_by_role("link", name=re.compile(re.escape(ENDS_ERROR))))
    page.keyboard.press("Enter")
    expect(ends_on).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type(day)
    type_into(page, "Veranstaltungsort", VENUE)
    type_into(page, "Ort", "Jena")
    tab_to(page, page.get_by_role("button", name="Speichern", exact=True))
    page.keyboard.press("Space")

    wait_for_path_matching(page, rf"{EVENTS}/\d+")
    overview_path = re.sub(r"^https?://[^/]+", "", page.url).split("#")[0]
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("status")).to_contain_text(
        f"Die Veranstaltung „{TITLE}“ ist als Entwurf gespeichert.")
    expect(fact(page, "Zustand")).to_have_text("Entwurf")
    expect(fact(page, "Zeitraum")).to_have_text(day)
    assert_accessible(page)  # the draft's overview

    # Publish: a confirmation step first.
    tab_to(page, page.get_by_role("link", name="Veröffentlichen …"))
    page.keyboard.press("Enter")
    wait_for_path(page, f"{overview_path}/veroeffentlichen")
    confirm = page.get_by_role("region", name="Veranstaltung veröffentlichen?")
    expect(confirm).to_be_visible()
    expect(fact(page, "Zustand")).to_have_text("Entwurf")  # asking changes nothing
    assert_accessible(page)  # the question
    tab_to(page, confirm.get_by_role("button", name="Ja, veröffentlichen"))
    page.keyboard.press("Enter")
    wait_for_path(page, overview_path)
    expect(page.get_by_role("status")).to_contain_text(f"„{TITLE}“ ist veröffentlicht.")
    expect(fact(page, "Zustand")).to_have_text("Veröffentlicht")
    assert_accessible(page)  # published

    # The public calendar lists it now.
    page.goto("/jobs/termine")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    assert_accessible(page)  # the public calendar with the new event
    page.go_back()
    wait_for_path(page, overview_path)

    # Cancel: a confirmation step that needs a reason.
    tab_to(page, page.get_by_role("link", name="Absagen …"))
    page.keyboard.press("Enter")
    wait_for_path(page, f"{overview_path}/absagen")
    confirm = page.get_by_role("region", name="Veranstaltung absagen?")
    expect(confirm).to_contain_text("Das lässt sich nicht rückgängig machen.")
    assert_accessible(page)  # the question with the reason field
    reason = page.get_by_label(re.compile("^Grund der Absage"))

    # Without a reason first: the message at the field.
    tab_to(page, confirm.get_by_role("button", name="Ja, absagen"))
    page.keyboard.press("Enter")

    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description(re.compile(re.escape(REASON_ERROR)))
    summary = confirm.get_by_role("alert")
    expect(summary).to_contain_text("Bitte prüfen Sie Ihre Eingaben.")
    expect(summary).to_be_focused()
    expect(fact(page, "Zustand")).to_have_text("Veröffentlicht")  # nothing happened
    assert_accessible(page)  # the question with an error

    tab_to(page, summary.get_by_role("link", name=re.compile("^Grund der Absage")))
    page.keyboard.press("Enter")
    expect(reason).to_be_focused()
    page.keyboard.type(REASON)
    tab_to(page, page.get_by_role("button", name="Ja, absagen"))
    page.keyboard.press("Enter")
    wait_for_path(page, overview_path)
    expect(page.get_by_role("status")).to_contain_text(f"„{TITLE}“ ist abgesagt.")
    expect(fact(page, "Zustand")).to_have_text("Abgesagt")
    expect(page.get_by_role("link", name="Absagen …")).to_have_count(0)
    expect(page.get_by_role("link", name="Veröffentlichen …")).to_have_count(0)
    assert_accessible(page)  # cancelled

    tab_to(page, page.get_by_role("link", name="Zurück zu allen Veranstaltungen"),
           key="Shift+Tab")
    page.keyboard.press("Enter")
    wait_for_path(page, EVENTS)
    expect(page.get_by_role("heading", level=1)).to_have_text("Veranstaltungen")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=TITLE))
    expect(row).to_contain_text("Abgesagt")
    expect(row).to_contain_text("Infotag")
    assert_accessible(page)  # the list with the cancelled event

    # A cancelled event is gone from the public calendar.
    page.goto("/jobs/termine")
    expect(page.get_by_role("link", name=JENA_WEEK)).to_be_visible()
    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)


def test_admin_reads_the_figures_of_the_jena_week_by_keyboard(
    page: Page, live_server, assert_accessible
):
    admin = live_server.admin
    log_in_as_admin_by_keyboard(page, admin.email, admin.password)
    menu = page.get_by_role("navigation", name="Verwaltung")
    tab_to(page, menu.get_by_role("link", name="KWIS.job: Veranstaltungen"))
    page.keyboard.press("Enter")
    wait_for_path(page, EVENTS)

    tab_to(page, page.get_by_role("link", name=JENA_WEEK))
    page.keyboard.press("Enter")
    wait_for_path_matching(page, rf"{EVENTS}/\d+")
    expect(page.get_by_role("heading", level=1)).to_have_text(JENA_WEEK)
    expect(fact(page, "Zustand")).to_have_text("Veröffentlicht")
    expect(fact(page, "Ort")).to_have_text("In den Betrieben")

    figures = page.get_by_role("table", name=re.compile("^Alle Besuchszeiten zusammen"))
    headers = figures.get_by_role("columnheader")
    expect(headers).to_have_text([
        "Teilnehmende Betriebe", "Plätze", "Belegt", "Bestätigt", "Wartet auf Eltern",
        "Warteliste", "Auslastung", "Anwesend", "Anmeldungen insgesamt",
    ])
    cells = figures.locator("tbody tr").first.get_by_role("cell")
    expect(cells).to_have_count(9)
    assert int(cells.nth(0).inner_text()) >= 6  # the six seeded companies (and maybe more)
    assert int(cells.nth(1).inner_text()) > 0
    expect(cells.nth(6)).to_have_text(re.compile(r"^\d+ %$"))

    # One table per company, the seeded full slot of the Jena demo company in it.
    optics = page.get_by_role("table", name="Besuchszeiten von Saaletal Präzisionsoptik")
    slot_row = optics.get_by_role("row").filter(has_text="Betriebsrundgang mit Auszubildenden")
    expect(slot_row.get_by_role("cell").first).to_have_text("10")  # places
    expect(page.get_by_role("heading", level=2, name="Nachrichten")).to_be_visible()
    assert_accessible(page)  # the overview with figures
