"""A small campaign in the browser, keyboard only, with axe on every campaign page: the demo's
admin creates a campaign, narrows it to two companies by WZ branch, sends, and follows the
funnel while one of the companies uses its personal link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session
from support.keyboard import log_in_by_keyboard, tab_to, wait_for_path, wait_for_path_matching

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import OutboxMail

pytestmark = pytest.mark.browser

WZ = "99.00"  # no demo company has it: the campaign reaches only the two made here


def _companies(live_server) -> list[str]:
    with Session(live_server.engine) as session:
        factories.use_session(session)
        emails = []
        for name in ("Kampagnenbetrieb Nord", "Kampagnenbetrieb Süd"):
            user = factories.UserFactory(
                email=f"personal@{factories.slugify(name)}.example",
                display_name=f"Personal {name}", customer__name=name,
                customer__ags="16053000", customer__wz_code=WZ)
            emails.append(user.email)
        session.commit()
        return emails


def _link_for(live_server, email: str) -> str:
    with Session(live_server.engine) as session:
        body = session.scalars(select(OutboxMail.body_text).where(OutboxMail.to_addr == email)
                               .where(OutboxMail.kind == "campaign")).one()
    return re.search(r"https?://[^/\s]+(/selfservice/job/einladung/\S+)", body).group(1)


def test_an_admin_runs_a_small_campaign_and_follows_the_funnel(page: Page, live_server,
                                                                 assert_accessible):
    north, _south = _companies(live_server)
    admin = live_server.admin
    log_in_by_keyboard(page, admin.email, admin.password, "/admin/")

    tab_to(page, page.get_by_role("link", name="KWIS.job: Kampagnen"))
    page.keyboard.press("Enter")
    wait_for_path(page, "/admin/job/kampagnen")
    assert_accessible(page)
    tab_to(page, page.get_by_role("link", name="Neue Kampagne anlegen"))
    page.keyboard.press("Enter")
    wait_for_path(page, "/admin/job/kampagnen/neu")
    assert_accessible(page)
    tab_to(page, page.get_by_label("Region"))
    page.keyboard.type("Stadt Jena")
    tab_to(page, page.get_by_label("Name der Kampagne"))
    page.keyboard.type("Testkampagne Tastatur")
    page.keyboard.press("Enter")
    wait_for_path_matching(page, r"/admin/job/kampagnen/\d+$")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kampagne: Testkampagne Tastatur")
    assert_accessible(page)

    tab_to(page, page.get_by_label("Wirtschaftszweig (WZ-Schlüssel oder sein Anfang)"))
    page.keyboard.type(WZ)
    page.keyboard.press("Enter")
    expect(page.get_by_text("2 Betriebe ausgewählt")).to_be_visible()
    expect(page.get_by_text("So bekommt Kampagnenbetrieb Nord die Einladung:")).to_be_visible()
    assert_accessible(page)

    tab_to(page, page.get_by_role("button", name="2 Einladungen senden"))
    page.keyboard.press("Enter")
    wait_for_path_matching(page, r"/admin/job/kampagnen/\d+/verlauf$")
    expect(page.get_by_role("heading", name="Eingeladen: 2")).to_be_visible()
    assert_accessible(page)
    funnel = page.url

    company = page.context.browser.new_context(base_url=live_server.url, locale="de-DE")
    other = company.new_page()
    log_in_by_keyboard(other, north, factories.DEMO_PASSWORD)
    other.goto(_link_for(live_server, north))
    wait_for_path(other, "/selfservice/job/profil")
    company.close()

    page.goto(funnel)
    expect(page.get_by_role("heading", name="Angemeldet (persönlichen Link genutzt): 1")
           ).to_be_visible()
    tab_to(page, page.get_by_role("link", name="Zurück zur Kampagne"))
    page.keyboard.press("Enter")
    wait_for_path_matching(page, r"/admin/job/kampagnen/\d+$")
    expect(page.get_by_text("0 Einladungen senden")).to_be_visible()
