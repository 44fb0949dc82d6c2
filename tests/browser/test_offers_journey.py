"""A company publishes its first two offers by keyboard only, with axe on every state of the tab:
the empty list, the form with errors, the preview and the list with offers."""

from __future__ import annotations

import re
from datetime import date

import pytest
from kwis_hooks.refhost.models import Customer, User
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session
from support.keyboard import log_in_by_keyboard, tab_to, wait_for_path_matching

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import Offer, Region

pytestmark = pytest.mark.browser

COMPANY = "Tischlerei Tastatur"
OFFERS = "/selfservice/job/angebote"






def give_profile(live_server, email: str) -> None:
    """The profile tab is built elsewhere: the company's published profile goes in directly."""
    with Session(live_server.engine) as session:
        factories.use_session(session)
        customer = session.scalar(
            select(Customer).join(User, User.customer_id == Customer.id).where(User.email == email)
        )
        jena = session.scalar(select(Region).where(Region.slug == "jena"))
        factories.ProfileFactory(
            customer=customer, region=jena, status="published",
            contact_name="Meisterin Holz", contact_phone="03641 555000",
            contact_email="ausbildung@tischlerei-tastatur.example",
        )
        session.commit()


def fill_offer(page: Page, *, type_name: str, title: str, description: str, group: str,
               time_option: str, arrows: int, times: dict[str, str], min_age: str | None) -> None:
    """Fill the offer form from top to bottom with Tab, typing, Space and the arrow keys."""
    offer_type = page.get_by_label("Art des Angebots")
    tab_to(page, offer_type)
    page.keyboard.type(type_name)
    expect(offer_type.locator("option:checked")).to_have_text(type_name)

    tab_to(page, page.get_by_label("Titel", exact=True))
    page.keyboard.type(title)
    tab_to(page, page.get_by_label("Beschreibung"))
    page.keyboard.type(description)

    checkbox = page.get_by_role("checkbox", name=group)
    tab_to(page, checkbox)
    page.keyboard.press("Space")
    expect(checkbox).to_be_checked()
    if min_age:
        tab_to(page, page.get_by_label("Mindestalter (Jahre)"))
        page.keyboard.type(min_age)

    tab_to(page, page.get_by_role("radio", name="Nach Absprache"))
    for _ in range(arrows):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name=time_option)).to_be_checked()
    for label, value in times.items():
        tab_to(page, page.get_by_label(label, exact=True))
        page.keyboard.type(value)

    # Place and contact are prefilled from the customer record and the profile.
    expect(page.get_by_role("radio", name=re.compile("An unserer Betriebsadresse"))).to_be_checked()
    expect(page.get_by_label("Ansprechperson")).to_have_value("Meisterin Holz, 03641 555000")
    tab_to(page, page.get_by_role("button", name="Speichern und Vorschau ansehen"))
    page.keyboard.press("Enter")


def submit_from_preview(page: Page, title: str) -> None:
    # Chromium joins the visible verb and the visually hidden title with a space before ":".
    name = re.compile(rf"^Zur Prüfung einreichen\s*:\s*{re.escape(title)}$")
    button = page.get_by_role("button", name=name)
    tab_to(page, button)
    page.keyboard.press("Enter")
    wait_for_path_matching(page, OFFERS)
    expect(page.get_by_role("status")).to_contain_text(f"„{title}“ ist zur Prüfung eingereicht")


def test_company_creates_and_submits_two_offers_by_keyboard(
    page: Page, live_server, assert_accessible
):
    login = live_server.new_company(COMPANY)
    give_profile(live_server, login.email)
    next_year = date.today().year + 1

    log_in_by_keyboard(page, login.email, login.password)

    tab_to(page, page.get_by_role("navigation", name="Selbstservice")
           .get_by_role("link", name="Angebote", exact=True))
    page.keyboard.press("Enter")
    wait_for_path_matching(page, OFFERS)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Angebote von {COMPANY}")
    expect(page.get_by_role("main")).to_contain_text("Sie haben noch keine Angebote.")
    assert_accessible(page)  # the empty list

    tab_to(page, page.get_by_role("link", name="Erstes Angebot anlegen"))
    page.keyboard.press("Enter")
    wait_for_path_matching(page, f"{OFFERS}/neu")
    tab_to(page, page.get_by_role("button", name="Speichern und Vorschau ansehen"))
    page.keyboard.press("Enter")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Bitte prüfen Sie Ihre Eingaben.")
    expect(summary).to_be_focused()
    title = page.get_by_label("Titel", exact=True)
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_accessible_description(re.compile("Bitte geben Sie einen Titel ein."))
    expect(page.get_by_label("Ansprechperson")).to_have_value("Meisterin Holz, 03641 555000")
    assert_accessible(page)  # the form with errors

    fill_offer(
        page, type_name="Ferienjob", title="Ferienjob in der Werkstatt",
        description="Hobeln, schleifen, ölen.\n\nIn den Sommerferien, mit fester Ansprechperson.",
        group="Schülerinnen und Schüler", time_option="Jedes Jahr wieder (z. B. in den "
        "Sommerferien)", arrows=3, times={"Jedes Jahr ab (TT.MM.)": "01.07.",
                                           "Jedes Jahr bis (TT.MM.)": "31.08."},
        min_age="14",
    )
    wait_for_path_matching(page, rf"{OFFERS}/\d+")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Vorschau: Ferienjob in der Werkstatt")
    preview = page.get_by_role("region", name="So sieht Ihr Angebot öffentlich aus")
    expect(preview).to_contain_text("jedes Jahr vom 01.07. bis 31.08.")
    expect(preview).to_contain_text("Nächster Termin:")
    expect(preview).to_contain_text("ab 14 Jahren")
    hints = page.locator(".kj-hints")
    expect(hints).to_have_attribute("role", "status")
    expect(hints).to_contain_text("Kinder unter 15 Jahren")
    expect(hints).to_contain_text(re.compile(r"\d+ Arbeitstage"))
    assert_accessible(page)  # the preview with hints
    submit_from_preview(page, "Ferienjob in der Werkstatt")

    tab_to(page, page.get_by_role("link", name="Neues Angebot anlegen"))
    page.keyboard.press("Enter")
    wait_for_path_matching(page, f"{OFFERS}/neu")
    fill_offer(
        page, type_name="Schnuppertag", title="Schnuppertag Tischlerhandwerk",
        description="Einen Tag lang mitarbeiten und ein Brettchen bauen.",
        group="Schülerinnen und Schüler", time_option="In einem Zeitraum", arrows=1,
        times={"Beginn": f"06.04.{next_year}", "Ende": f"10.04.{next_year}"}, min_age=None,
    )
    wait_for_path_matching(page, rf"{OFFERS}/\d+")
    expect(page.get_by_role("region", name="So sieht Ihr Angebot öffentlich aus")).to_contain_text(
        f"06.04.{next_year} bis 10.04.{next_year}")
    submit_from_preview(page, "Schnuppertag Tischlerhandwerk")

    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(3)
    for name in ("Ferienjob in der Werkstatt", "Schnuppertag Tischlerhandwerk"):
        row = table.get_by_role("row").filter(has_text=name)
        expect(row).to_contain_text("In Prüfung")
    expect(table).to_contain_text("jedes Jahr vom 01.07. bis 31.08.")
    assert_accessible(page)  # the list with offers

    with Session(live_server.engine) as session:
        rows = session.execute(
            select(Offer.title, Offer.status, Offer.min_age, Offer.start_date)
            .join(Customer, Customer.name == COMPANY).order_by(Offer.id)
            .where(Offer.profile.has(customer_id=Customer.id))
        ).all()
    assert rows == [
        ("Ferienjob in der Werkstatt", "in_review", 14, None),
        ("Schnuppertag Tischlerhandwerk", "in_review", None, date(next_year, 4, 6)),
    ]
