"""A visitor's registration for a visit slot, by keyboard only on a phone (360 x 740), with axe
and a check for horizontal overflow on every page, including those that the links in the mails
open. The mails really go out: the outbox is delivered with the sender into the demo's mail
folder and read on the reference host's demo mailbox (``/demo/mail``), as a newcomer would.

1. A pupil under 16 goes from the calendar to the open-companies week in Jena, shows only slots
   with free places, opens a slot with exactly one free place, sends the form without the
   guardian's address (the message is at the field and in a focused summary), then right:
   the place is held for the guardian (pending).
2. The guardian opens the mail and its link: the page shows a button and changes nothing on
   GET; the button confirms the place.
3. A second person registers for the now full slot: the waiting list.
4. The pupil cancels through the link in the confirmation mail: the waiting person moves up at
   once and gets a mail.

The slot is the test's own (a fresh company taking part in the demo week), so the journey
depends on no other test and changes nothing another one looks at.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from kwis_hooks.refhost.models import Customer, User
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from support.keyboard import tab_to, wait_for_path, wait_for_path_matching

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import Event, EventParticipation, OutboxMail, Region, Registration, Slot
from kwis_job_plugin.services.mail.sender import send_pass
from kwis_job_plugin.services.mail.transport import FileTransport

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
JENA_WEEK = "Woche der offenen Unternehmen Jena"
JENA_WEEK_SLUG = "woche-der-offenen-unternehmen-jena"
COMPANY = "Lötstelle Leertaste"
SLOT_TITLE = "Löten an der Leertaste"
MIN_AGE = 13
PUPIL = {"first": "Mila", "last": "Tastmann", "email": "mila.tastmann@example.org"}
GUARDIAN = "eltern.tastmann@example.org"
SECOND = {"first": "Jonas", "last": "Pfeiltaste", "email": "jonas.pfeiltaste@example.org"}
GUARDIAN_MISSING = "Bitte geben Sie eine E-Mail-Adresse an."


# --- setting up and looking behind the pages -------------------------------------------------


def create_slot(live_server) -> int:
    """A fresh company of Jena takes part in the demo week with one slot: one place and a
    waiting list of two, from 13 years on, on the week's fourth day."""
    login = live_server.new_company(COMPANY)
    with Session(live_server.engine) as session:
        factories.use_session(session)
        customer = session.scalar(
            select(Customer).join(User, User.customer_id == Customer.id)
            .where(User.email == login.email)
        )
        jena = session.scalar(select(Region).where(Region.slug == "jena"))
        profile = factories.ProfileFactory(customer=customer, region=jena, status="published")
        week = session.scalar(select(Event).where(Event.slug == JENA_WEEK_SLUG))
        day = week.starts_on + timedelta(days=3)
        slot = Slot(
            participation=EventParticipation(event=week, profile=profile, status="registered"),
            title=SLOT_TITLE,
            description="Eine Stunde an der Lötstation: eine kleine Platine mit Leuchtdiode.",
            starts_at=datetime.combine(day, time(15)),
            ends_at=datetime.combine(day, time(16, 30)),
            capacity=1, waitlist_capacity=2, min_age=MIN_AGE, max_party_size=1,
            place="Werkstatt im Hof", status="open", confirmed_count=0,
        )
        session.add(slot)
        session.commit()
        return slot.id


def registration(live_server, slot_id: int, email: str) -> Registration:
    with Session(live_server.engine) as session:
        found = session.scalars(
            select(Registration).where(Registration.slot_id == slot_id,
                                       Registration.email == email)
        ).all()
        assert len(found) == 1, f"expected one registration of {email}, found {len(found)}"
        session.expunge(found[0])
        return found[0]


def outbox_rows(live_server, to: str) -> list[tuple[str, str]]:
    """(kind, status) of every mail to ``to``, oldest first."""
    with Session(live_server.engine) as session:
        return [tuple(row) for row in session.execute(
            select(OutboxMail.kind, OutboxMail.status)
            .where(OutboxMail.to_addr == to).order_by(OutboxMail.id)
        )]


def deliver_mail(live_server) -> None:
    """What ``kwis-job mail send`` does: the outbox goes into the demo's mail folder, the one
    ``prepare_demo_app`` names (``mail/`` beside the database) and ``/demo/mail`` shows."""
    folder = Path(make_url(str(live_server.engine.url)).database).resolve().parent / "mail"
    for _ in range(20):
        result = send_pass(live_server.engine, FileTransport(folder),
                           sender_id="browser-test", mail_from="kwis-job@example.org")
        assert result.errors == []
        if result.claimed == 0:
            return
    pytest.fail("the outbox did not run empty")


# --- the way a keyboard user moves ------------------------------------------------------------


def phone_page(browser, live_server) -> Page:
    """A fresh browser (no cookies) with a phone's screen: another person."""
    context = browser.new_context(base_url=live_server.url, locale="de-DE", viewport=PHONE)
    context.set_default_timeout(10_000)
    return context.new_page()


def check_page(page: Page, assert_accessible) -> None:
    """axe finds nothing, and nothing is wider than the phone."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow} px wider than the phone"
    assert_accessible(page)


def press(page: Page, target, key: str = "Enter") -> None:
    tab_to(page, target)
    page.keyboard.press(key)


def type_into(page: Page, label: str, text: str) -> None:
    tab_to(page, page.get_by_label(label, exact=True))
    page.keyboard.type(text)


def slot_entry(page: Page, slot_id: int):
    return page.locator(f"#besuch-{slot_id}")


def open_week_from_calendar(page: Page, assert_accessible) -> None:
    page.goto("/jobs/termine")
    expect(page.get_by_role("heading", level=1)).to_have_text("Termine")
    check_page(page, assert_accessible)
    press(page, page.get_by_role("link", name=JENA_WEEK))
    wait_for_path_matching(page, rf"/jobs/termine/\d+-{JENA_WEEK_SLUG}")
    expect(page.get_by_role("heading", level=1)).to_have_text(JENA_WEEK)


def show_only_free(page: Page) -> None:
    free = page.get_by_role("checkbox", name="Nur Termine mit freien Plätzen")
    tab_to(page, free)
    page.keyboard.press("Space")
    expect(free).to_be_checked()
    press(page, page.get_by_role("region", name="Besuchstermine und Anmeldung")
          .get_by_role("button", name="Termine anzeigen"))
    page.wait_for_url(re.compile(r"[?&]frei=1"))


def fill_person(page: Page, person: dict[str, str], grade: str | None = None) -> None:
    type_into(page, "Vorname", person["first"])
    type_into(page, "Nachname", person["last"])
    type_into(page, "E-Mail-Adresse", person["email"])
    if grade:
        type_into(page, "Klassenstufe (freiwillig)", grade)


def confirm_min_age(page: Page) -> None:
    box = page.get_by_role("checkbox", name=f"Alle Angemeldeten sind mindestens {MIN_AGE} "
                                            "Jahre alt.")
    tab_to(page, box)
    page.keyboard.press("Space")
    expect(box).to_be_checked()


def open_mail(page: Page, assert_accessible, *, subject: str, to: str) -> None:
    """Open the newest mail with ``subject`` to ``to`` on the demo mailbox. The mailbox is the
    reference host's demo page, standing in for a mail program: axe, but no layout check."""
    page.goto("/demo/mail")
    assert_accessible(page)
    mail = page.get_by_role("listitem").filter(has_text=f"an {to}").get_by_role(
        "link", name=subject, exact=True).first
    press(page, mail)
    wait_for_path_matching(page, r"/demo/mail/[^/]+\.eml")
    expect(page.get_by_role("heading", level=2, name=subject)).to_be_visible()
    assert_accessible(page)


def follow_mail_link(page: Page, path_part: str) -> str:
    """Follow the link in the shown mail whose URL contains ``path_part``; its path."""
    link = page.get_by_role("article").locator(f'a[href*="{path_part}"]')
    expect(link).to_have_count(1)
    href = link.get_attribute("href")
    path = re.sub(r"^https?://[^/]+", "", href)
    press(page, link)
    wait_for_path(page, path)
    return path


# --- the journey ------------------------------------------------------------------------------


def test_pupil_registers_guardian_confirms_and_waiting_person_moves_up(
    page: Page, browser, live_server, assert_accessible
):
    slot_id = create_slot(live_server)
    page.set_viewport_size(PHONE)

    # 1. From the calendar to the slot with one free place; first without the guardian.
    open_week_from_calendar(page, assert_accessible)
    check_page(page, assert_accessible)
    show_only_free(page)
    slots = page.locator(".kj-slot-list")
    expect(slot_entry(page, slot_id)).to_contain_text("noch 1 Platz frei")
    expect(slots.locator(".kj-slot").filter(has_text="ausgebucht")).to_have_count(0)
    expect(page.get_by_role("link", name="Alle Besuchstermine zeigen")).to_be_visible()
    check_page(page, assert_accessible)  # the filtered slot list

    press(page, slot_entry(page, slot_id).get_by_role("link", name=re.compile(r"^Anmelden")))
    wait_for_path(page, f"/jobs/anmeldung/besuch-{slot_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Anmeldung: {SLOT_TITLE}")
    expect(page.get_by_role("main")).to_contain_text("noch 1 Platz frei")
    check_page(page, assert_accessible)  # the empty form

    fill_person(page, PUPIL, grade="8")
    tab_to(page, page.get_by_role("radio", name="Ja, ich bin 16 oder älter"))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="Nein, ich bin jünger als 16")).to_be_checked()
    confirm_min_age(page)
    press(page, page.get_by_role("button", name="Verbindlich anmelden"))

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Bitte prüfen Sie Ihre Eingaben.")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [f"E-Mail-Adresse einer erziehungsberechtigten Person: {GUARDIAN_MISSING}"])
    guardian = page.get_by_label("E-Mail-Adresse einer erziehungsberechtigten Person")
    expect(guardian).to_have_attribute("aria-invalid", "true")
    expect(guardian).to_have_accessible_description(re.compile(re.escape(GUARDIAN_MISSING)))
    # What was typed stays; nothing was saved.
    expect(page.get_by_label("Vorname")).to_have_value(PUPIL["first"])
    expect(page.get_by_role("radio", name="Nein, ich bin jünger als 16")).to_be_checked()
    with Session(live_server.engine) as session:
        assert session.scalars(select(Registration).where(
            Registration.slot_id == slot_id)).all() == []
    check_page(page, assert_accessible)  # the form with an error

    # From the summary to the field: Tab to its link, Enter.
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(guardian).to_be_focused()
    page.keyboard.type(GUARDIAN)
    page.keyboard.press("Enter")
    outcome = page.locator("#kj-outcome")
    expect(outcome).to_have_attribute("data-outcome", "pending")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fast geschafft")
    expect(page.get_by_role("status")).to_contain_text("erziehungsberechtigte Person")
    check_page(page, assert_accessible)  # place held for the guardian
    pupil = registration(live_server, slot_id, PUPIL["email"])
    assert (pupil.status, pupil.under_16, pupil.guardian_email) == ("pending", True, GUARDIAN)
    assert pupil.pending_until is not None

    # 2. The guardian's mail and link: GET shows a button and changes nothing.
    deliver_mail(live_server)
    assert outbox_rows(live_server, GUARDIAN) == [("registration.guardian_request", "sent")]
    guardian_page = phone_page(browser, live_server)
    subject = f"Bitte bestätigen: Anmeldung von {PUPIL['first']} {PUPIL['last']}"
    open_mail(guardian_page, assert_accessible, subject=subject, to=GUARDIAN)
    follow_mail_link(guardian_page, "/jobs/anmeldung/bestaetigen/")
    expect(guardian_page.get_by_role("heading", level=1)).to_have_text("Anmeldung bestätigen")
    expect(guardian_page.get_by_role("main")).to_contain_text(SLOT_TITLE)
    check_page(guardian_page, assert_accessible)  # the guardian's page
    guardian_page.reload()  # a link preview or a second look changes nothing either
    still = registration(live_server, slot_id, PUPIL["email"])
    assert (still.status, still.guardian_confirmed_at) == ("pending", None)

    press(guardian_page, guardian_page.get_by_role("button", name="Teilnahme bestätigen"))
    expect(guardian_page.get_by_role("heading", level=1)).to_have_text("Vielen Dank")
    expect(guardian_page.get_by_role("status")).to_contain_text(
        f"Die Anmeldung von {PUPIL['first']} {PUPIL['last']} ist jetzt bestätigt.")
    check_page(guardian_page, assert_accessible)  # confirmed
    confirmed = registration(live_server, slot_id, PUPIL["email"])
    assert confirmed.status == "confirmed"
    assert confirmed.guardian_confirmed_at is not None
    guardian_page.context.close()

    # 3. A second person finds the slot full: not among the free ones, then the waiting list.
    second = phone_page(browser, live_server)
    open_week_from_calendar(second, assert_accessible)
    show_only_free(second)
    expect(slot_entry(second, slot_id)).to_have_count(0)
    press(second, second.get_by_role("link", name="Alle Besuchstermine zeigen"))
    second.wait_for_url(lambda url: "frei=" not in url)
    expect(slot_entry(second, slot_id)).to_contain_text("ausgebucht – Warteliste: noch 2 Plätze")
    check_page(second, assert_accessible)  # the whole list with the full slot
    press(second, slot_entry(second, slot_id).get_by_role(
        "link", name=re.compile(r"^Auf die Warteliste")))
    wait_for_path(second, f"/jobs/anmeldung/besuch-{slot_id}")
    check_page(second, assert_accessible)  # the form of a full slot

    fill_person(second, SECOND)
    yes = second.get_by_role("radio", name="Ja, ich bin 16 oder älter")
    tab_to(second, yes)
    second.keyboard.press("Space")
    expect(yes).to_be_checked()
    confirm_min_age(second)
    press(second, second.get_by_role("button", name="Auf die Warteliste setzen"))
    expect(second.locator("#kj-outcome")).to_have_attribute("data-outcome", "waitlisted")
    expect(second.get_by_role("heading", level=1)).to_have_text("Sie stehen auf der Warteliste")
    check_page(second, assert_accessible)  # on the waiting list
    assert registration(live_server, slot_id, SECOND["email"]).status == "waitlisted"
    second.context.close()

    # 4. The pupil cancels through the confirmation mail; the waiting person moves up.
    deliver_mail(live_server)
    assert outbox_rows(live_server, PUPIL["email"]) == [("registration.confirmed", "sent")]
    open_mail(page, assert_accessible, subject=f"Anmeldung bestätigt: {SLOT_TITLE}",
              to=PUPIL["email"])
    cancel_path = follow_mail_link(page, "/jobs/anmeldung/abmelden/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vom Termin abmelden")
    check_page(page, assert_accessible)  # the cancel page
    assert registration(live_server, slot_id, PUPIL["email"]).status == "confirmed"

    press(page, page.get_by_role("button", name="Jetzt abmelden"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sie sind abgemeldet")
    expect(page.get_by_role("status")).to_contain_text("Ihr Platz ist wieder frei.")
    check_page(page, assert_accessible)  # cancelled
    assert registration(live_server, slot_id, PUPIL["email"]).status == "cancelled"
    moved_up = registration(live_server, slot_id, SECOND["email"])
    assert moved_up.status == "confirmed"
    assert moved_up.promoted_at is not None

    deliver_mail(live_server)
    assert outbox_rows(live_server, SECOND["email"]) == [
        ("registration.waitlisted", "sent"), ("registration.promoted", "sent")]
    assert outbox_rows(live_server, PUPIL["email"]) == [
        ("registration.confirmed", "sent"), ("registration.cancelled", "sent")]
    open_mail(page, assert_accessible, subject=f"Platz frei geworden: {SLOT_TITLE}",
              to=SECOND["email"])
    expect(page.get_by_role("article")).to_contain_text("von der Warteliste nachgerückt")

    # The used cancel link is dead: a German 404 page, no second cancellation.
    response = page.goto(cancel_path)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Seite nicht gefunden")
    check_page(page, assert_accessible)
