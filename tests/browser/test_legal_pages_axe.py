"""Imprint, privacy notice and the admin page "Rechtliche Angaben" in a real browser (issue 13):
axe finds nothing (WCAG 2.1 A and AA and the best-practice rules), in German and English, with
the missing-data warning, and with a refused save whose message stands at its field.

The refused save writes nothing, so the demo stays as it was for the other browser tests.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session
from support.keyboard import log_in_by_keyboard

from kwis_job_plugin.models import Region

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("url", [
    "/jobs/impressum",  # several demo regions: the choice
    "/jobs/regionen/jena/impressum",
    "/jobs/datenschutz",
    "/jobs/regionen/jena/datenschutz",
])
def test_the_legal_pages_pass_axe(page: Page, url, assert_accessible):
    response = page.goto(url)
    assert response.status == 200
    expect(page.get_by_role("navigation", name="Rechtliches und Barrierefreiheit")).to_be_visible()
    assert_accessible(page)


def test_the_english_privacy_notice_passes_axe(browser, live_server, assert_accessible):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        page = context.new_page()
        assert page.goto("/jobs/regionen/jena/datenschutz").status == 200
        assert_accessible(page)
    finally:
        context.close()


def _log_in(page: Page, email: str, password: str) -> None:
    log_in_by_keyboard(page, email, password, "/admin/")


def test_the_admin_page_passes_axe_with_a_refused_save(page: Page, live_server,
                                                      assert_accessible):
    with Session(live_server.engine) as session:
        region_id = session.scalar(select(Region.id).where(Region.slug == "jena"))
    admin = live_server.admin
    _log_in(page, admin.email, admin.password)
    assert page.goto("/admin/job/regionen").status == 200  # with its legal links and warnings
    expect(page.get_by_role("link", name=re.compile(r"^Rechtliche Angaben \(.*Stadt Jena$"))
           ).to_be_visible()
    assert_accessible(page)
    url = f"/admin/job/regionen/{region_id}/rechtliches"
    assert page.goto(url).status == 200
    assert_accessible(page)
    page.get_by_label("E-Mail-Adresse der oder des Datenschutzbeauftragten").fill("kaputt")
    page.get_by_role("button", name="Rechtliche Angaben speichern").click()
    error = page.locator("#dpo_email-error")
    expect(error).to_contain_text("gültige E-Mail-Adresse")
    expect(page.locator("#dpo_email")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
