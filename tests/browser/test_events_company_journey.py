"""The events tool's company tab "Veranstaltungen" by keyboard only, with axe on every state.

Two journeys, each independent of the other and of every other test:

- a fresh company of Jena (its own login and profile) takes part in the demo's open-companies
  week and creates a visit slot, first with an end before the beginning (the error is
  announced at the field and in a focused summary), then right;
- the Jena demo company on a phone (360 x 740) opens the attendee list of its seeded, full
  slot, checks one person in and undoes it (so the demo is as before), downloads the CSV and
  opens the print list.
"""

from __future__ import annotations

import re

import pytest
from kwis_hooks.refhost.models import Customer, User
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session
from support.keyboard import log_in_by_keyboard, tab_to, wait_for_path, wait_for_path_matching

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import Region

pytestmark = pytest.mark.browser

TAB = "/selfservice/job/veranstaltungen"
JENA_WEEK = "Woche der offenen Unternehmen Jena"
FAIR = "Ausbildungsmesse Weimarer Land"
NEW_COMPANY = "Schlosserei Tabulator"
SLOT_TITLE = "Schweißen ausprobieren"
SEEDED_COMPANY = "Saaletal Präzisionsoptik"
SEEDED_SLOT = "Betriebsrundgang mit Auszubildenden"
CSV_HEADER = "Nachname;Vorname;Schule;Klasse;Personen;Status;Anwesend"
END_ERROR = "Das Ende muss nach dem Beginn liegen."


def accessible_name(text: str, subject: str) -> re.Pattern[str]:
    """A button's or link's name: the visible verb and its visually hidden subject.

    Chromium joins the two with a space before the colon."""
    return re.compile(rf"^{re.escape(text)}\s*:\s*{re.escape(subject)}$")


def give_published_profile(live_server, email: str) -> None:
    """The profile tab is tested elsewhere: the company's published profile in Jena goes in
    directly, so the journey starts at the events tab."""
    with Session(live_server.engine) as session:
        factories.use_session(session)
        customer = session.scalar(
            select(Customer).join(User, User.customer_id == Customer.id).where(User.email == email)
        )
        jena = session.scalar(select(Region).where(Region.slug == "jena"))
        factories.ProfileFactory(
            customer=customer, region=jena, status="published",
            contact_name="Meister Bogen", contact_email="ausbildung@tabulator.example",
        )
        session.commit()


def open_events_tab(page: Page) -> None:
    tabs = page.get_by_role("navigation", name="Selbstservice")
    tab_to(page, tabs.get_by_role("link", name="Veranstaltungen", exact=True))
    page.keyboard.press("Enter")
    wait_for_path(page, TAB)
    expect(page.get_by_role("heading", level=1)).to_have_text("Veranstaltungen")


def replace_text(page: Page, text: str) -> None:
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def no_horizontal_overflow(page: Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow} px wider than the phone"


def test_company_takes_part_and_creates_a_slot_by_keyboard(
    page: Page, live_server, assert_accessible
):
    login = live_server.new_company(NEW_COMPANY)
    give_published_profile(live_server, login.email)
    log_in_by_keyboard(page, login.email, login.password)

    open_events_tab(page)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=2, name=JENA_WEEK)).to_be_visible()
    expect(main.get_by_role("heading", name=FAIR)).to_have_count(0)  # another region's event
    assert_accessible(page)  # the events of the company's region, not yet taking part

    tab_to(page, page.get_by_role("button", name=accessible_name("Teilnehmen", JENA_WEEK)))
    page.keyboard.press("Enter")
    wait_for_path_matching(page, rf"{TAB}/teilnahme/\d+")
    expect(page.get_by_role("status")).to_contain_text(f"Sie nehmen an „{JENA_WEEK}“ teil.")
    expect(page.get_by_role("heading", level=1)).to_have_text(JENA_WEEK)
    expect(main).to_contain_text("Sie haben noch keine Termine angelegt.")
    assert_accessible(page)  # taking part, no slot yet
    participation_path = page.url.split("#")[0]

    tab_to(page, page.get_by_role("link", name="Neuen Termin anlegen"))
    page.keyboard.press("Enter")
    wait_for_path_matching(page, rf"{TAB}/teilnahme/\d+/termine/neu")
    expect(page.get_by_role("heading", level=1)).to_have_text("Neuer Termin")
    day = page.get_by_label("Datum", exact=True)
    expect(day).not_to_have_value("")  # the event's first day
    expect(page.get_by_label("Treffpunkt")).to_have_value(re.compile(r"^Teststraße \d+"))
    assert_accessible(page)  # the empty form

    # Everything right but the end, which lies before the beginning.
    tab_to(page, page.get_by_label("Was passiert bei dem Termin?"))
    page.keyboard.type(SLOT_TITLE)
    tab_to(page, page.get_by_label("Beschreibung"))
    page.keyboard.type("Mit Schutzausrüstung an der Schweißbank, betreut vom Meister.")
    metal = page.get_by_role("checkbox", name="Metall, Maschinenbau")
    tab_to(page, metal)
    page.keyboard.press("Space")
    expect(metal).to_be_checked()
    tab_to(page, page.get_by_label("Beginn (Uhrzeit)"))
    page.keyboard.type("09:30")
    end = page.get_by_label("Ende (Uhrzeit)")
    tab_to(page, end)
    page.keyboard.type("08:00")
    tab_to(page, page.get_by_label("Plätze", exact=True))
    page.keyboard.type("8")
    tab_to(page, page.get_by_role("button", name="Termin speichern"))
    page.keyboard.press("Enter")

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Bitte prüfen Sie Ihre Eingaben.")
    expect(summary).to_be_focused()
    expect(end).to_have_attribute("aria-invalid", "true")
    expect(end).to_have_accessible_description(re.compile(re.escape(END_ERROR)))
    expect(page.get_by_label("Was passiert bei dem Termin?")).to_have_value(SLOT_TITLE)
    expect(metal).to_be_checked()
    assert_accessible(page)  # the form with an error

    # The summary's link leads to the field.
    tab_to(page, summary.get_by_role("link", name=re.compile(re.escape(END_ERROR))))
    page.keyboard.press("Enter")
    expect(end).to_be_focused()
    replace_text(page, "11:00")
    tab_to(page, page.get_by_role("button", name="Termin speichern"))
    page.keyboard.press("Enter")

    wait_for_path(page, participation_path.split(live_server.url, 1)[1])
    expect(page.get_by_role("status")).to_contain_text(f"Der Termin „{SLOT_TITLE}“ ist angelegt.")
    slot = page.locator(".kj-slot-item").filter(
        has=page.get_by_role("heading", level=3, name=SLOT_TITLE))
    expect(slot).to_contain_text("09:30–11:00 Uhr")
    expect(slot).to_contain_text("0 von 8 belegt")
    attendees_link = slot.get_by_role("link", name=accessible_name("Teilnehmende", SLOT_TITLE))
    expect(attendees_link).to_be_visible()
    assert_accessible(page)  # the participation with its slot

    # The overview now says the company takes part, with one slot.
    tab_to(page, page.get_by_role("link", name="Zurück zur Übersicht der Veranstaltungen"),
           key="Shift+Tab")
    page.keyboard.press("Enter")
    wait_for_path(page, TAB)
    week = page.locator(".kj-event-item").filter(
        has=page.get_by_role("heading", level=2, name=JENA_WEEK))
    expect(week).to_contain_text("Sie nehmen teil")
    expect(week).to_contain_text("1 Termin")
    expect(week.get_by_role("button", name=re.compile("^Teilnehmen"))).to_have_count(0)
    assert_accessible(page)  # the overview, taking part


def present(page: Page) -> Locator:
    """The figure "Anwesend" (checked in of confirmed) above the attendee list."""
    return page.locator(".kj-counts dt").filter(has_text=re.compile("^Anwesend$")).locator(
        "xpath=following-sibling::dd[1]")


def test_company_checks_in_on_a_phone_downloads_and_prints_the_list(
    page: Page, live_server, assert_accessible
):
    page.set_viewport_size({"width": 360, "height": 740})
    login = next(login for login in live_server.logins if login.who == SEEDED_COMPANY)
    log_in_by_keyboard(page, login.email, login.password)
    open_events_tab(page)
    no_horizontal_overflow(page)
    assert_accessible(page)  # the overview, on the phone

    tab_to(page, page.get_by_role("link", name=accessible_name("Termine verwalten", JENA_WEEK)))
    page.keyboard.press("Enter")
    wait_for_path_matching(page, rf"{TAB}/teilnahme/\d+")
    no_horizontal_overflow(page)
    assert_accessible(page)  # the participation with the seeded slots

    tab_to(page, page.get_by_role("link", name=accessible_name("Teilnehmende", SEEDED_SLOT)))
    page.keyboard.press("Enter")
    wait_for_path_matching(page, rf"{TAB}/termine/\d+/teilnehmende")
    attendees_path = page.url.split(live_server.url, 1)[1].split("#")[0]
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Teilnehmende: {SEEDED_SLOT}")
    # The seeded slot is full: ten confirmed, some people on the waiting list.
    expect(present(page)).to_have_text(re.compile(r"^\d+ von 10$"))
    before = int(present(page).inner_text().split()[0])
    people = page.locator(".kj-attendee").count()
    assert people > 10
    no_horizontal_overflow(page)
    assert_accessible(page)  # the attendee list

    check_in = page.get_by_role("button", name=re.compile(r"^Ist da\s*:")).first
    name = re.sub(r"^Ist da\s*:\s*", "", check_in.evaluate(
        "el => el.textContent.replace(/\\s+/g, ' ').trim()"))
    tab_to(page, check_in)
    box = check_in.bounding_box()
    assert box is not None and box["height"] >= 44, box  # big enough for a thumb at the door
    page.keyboard.press("Enter")
    wait_for_path(page, attendees_path)
    expect(page.get_by_role("status")).to_contain_text(f"{name} ist als anwesend erfasst.")
    expect(present(page)).to_have_text(f"{before + 1} von 10")
    person = page.locator(".kj-attendee").filter(has_text=name)
    expect(person).to_contain_text("ist da")
    undo = page.get_by_role("button", name=accessible_name("Rückgängig", name))
    expect(undo).to_be_visible()
    no_horizontal_overflow(page)
    assert_accessible(page)  # one person checked in

    # The page comes back at the person just checked in: one Tab reaches the undo button.
    tab_to(page, undo, limit=1)
    page.keyboard.press("Space")
    wait_for_path(page, attendees_path)
    expect(page.get_by_role("status")).to_contain_text(
        f"Die Anwesenheit von {name} ist zurückgenommen.")
    expect(present(page)).to_have_text(f"{before} von 10")
    expect(page.get_by_role("button", name=accessible_name("Ist da", name))).to_be_visible()
    no_horizontal_overflow(page)
    assert_accessible(page)  # undone

    csv_link = page.get_by_role("link", name="Als CSV-Datei herunterladen (Excel)")
    tab_to(page, csv_link, key="Shift+Tab")
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert re.fullmatch(r"teilnehmende-termin-\d+\.csv", download.suggested_filename)
    content = download.path().read_bytes().decode("utf-8")
    lines = content.splitlines()
    assert lines[0] == "\ufeff" + CSV_HEADER
    assert len(lines) == 1 + people  # the header and everyone on the list
    assert sum(line.endswith(";ja") for line in lines) == before  # the check-in was undone

    tab_to(page, page.get_by_role("link", name="Druckansicht"))
    page.keyboard.press("Enter")
    wait_for_path(page, f"{attendees_path}/drucken")
    expect(page.get_by_role("heading", level=1)).to_have_text(SEEDED_SLOT)
    expect(page.get_by_role("main")).to_contain_text(JENA_WEEK)
    table = page.get_by_role("table", name="Teilnehmende")
    expect(table.locator("tbody tr")).to_have_count(people)
    expect(page.get_by_role("main")).to_contain_text("Bestätigt: 10 von 10 Plätzen")
    # On the phone the table scrolls inside its region, which the keyboard can reach and
    # which shows where the focus is (yellow with a dark ring: visible on white).
    wrap = page.get_by_role("region", name="Teilnehmende")
    tab_to(page, wrap)
    assert "rgb(27, 27, 27)" in wrap.evaluate("el => getComputedStyle(el).boxShadow")
    no_horizontal_overflow(page)
    assert_accessible(page)  # the print list
