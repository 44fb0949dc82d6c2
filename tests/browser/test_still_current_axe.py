"""The "still current" link's page in a real browser (issue 10): axe finds nothing on the page
with its button (a hidden offer's, in German and English) nor on a refused link's page, and the
button is reached and pressed by keyboard.

Only GET is driven here, and the stamps are put back afterwards, so the demo stays as it was
for the other browser tests.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kwis_job_plugin.models import Offer
from kwis_job_plugin.models.base import utcnow
from kwis_job_plugin.services import staleness

pytestmark = pytest.mark.browser
SECRET = "browser-test-secret"
"""The demo app's ``SECRET_KEY`` (``live_server`` in tests/browser/conftest.py)."""


@pytest.fixture
def reminded_offer(live_server):
    """A published demo offer with a reminder that took it off the portal; put back after."""
    engine = live_server.engine
    table = Offer.__table__
    with Session(engine) as session:
        offer_id = session.scalar(select(Offer.id).where(Offer.status == "published")
                                  .order_by(Offer.id))
        stamp = utcnow().replace(microsecond=0)
        session.execute(update(table).where(table.c.id == offer_id).values(
            stale_notified_at=stamp, stale_hidden_at=stamp, updated_at=table.c.updated_at))
        session.commit()
    try:
        yield staleness.issue_token(SECRET, staleness.OFFER, offer_id, stamp, utcnow())
    finally:
        with Session(engine) as session:
            session.execute(update(table).where(table.c.id == offer_id).values(
                stale_notified_at=None, stale_hidden_at=None, updated_at=table.c.updated_at))
            session.commit()


def test_the_link_page_passes_axe_and_its_button_is_reached_by_keyboard(
    page: Page, reminded_offer, assert_accessible
):
    assert page.goto(f"/jobs/noch-aktuell/{reminded_offer}").status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Sind diese Angaben noch aktuell?")
    assert_accessible(page)
    button = page.get_by_role("button", name="Ja, die Angaben sind noch aktuell")
    for _ in range(30):
        page.keyboard.press("Tab")
        if button.evaluate("b => b === document.activeElement"):
            break
    else:
        pytest.fail("the button is not reachable by keyboard")


def test_the_english_link_page_passes_axe(browser, live_server, reminded_offer,
                                          assert_accessible):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        page = context.new_page()
        assert page.goto(f"/jobs/noch-aktuell/{reminded_offer}").status == 200
        assert page.locator("html").get_attribute("lang") == "en"
        assert_accessible(page)
    finally:
        context.close()


def test_a_refused_link_page_passes_axe(page: Page, assert_accessible):
    assert page.goto("/jobs/noch-aktuell/kein-gueltiger-link").status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Dieser Link funktioniert nicht mehr")
    assert_accessible(page)
