"""Alerts by keyboard in real Chromium (issue 11): subscribe on the portal, confirm through the
link in the mail (read on the demo mailbox), get a digest, unsubscribe through its link; axe
finds nothing on any page. The outbox really goes out, into the demo's mail folder.

The switch and the one offer moved in time are put back afterwards, so the demo stays as it
was for the other browser tests."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import delete, or_, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from support.keyboard import log_in_by_keyboard, tab_to, wait_for_path, wait_for_path_matching

from kwis_job_plugin.models import (
    AlertSubscription,
    FeatureSwitch,
    Offer,
    Region,
    Returnee,
    SearchDoc,
)
from kwis_job_plugin.models.base import utcnow
from kwis_job_plugin.services import features
from kwis_job_plugin.services.alerts import digests
from kwis_job_plugin.services.mail.sender import send_pass
from kwis_job_plugin.services.mail.transport import FileTransport
from kwis_job_plugin.views import alerts as alerts_views
from kwis_job_plugin.views import portal

pytestmark = pytest.mark.browser
EMAIL = "weggezogen@example.org"


@pytest.fixture
def alerts_on(live_server):
    with Session(live_server.engine) as session:
        region = session.scalar(select(Region).join(SearchDoc, SearchDoc.region_id == Region.id)
                                .order_by(Region.id).limit(1))
        features.set_enabled(session, region.id, "alerts", True, None)
        session.commit()
        name, slug, region_id = region.name, region.slug, region.id
    try:
        yield name, slug
    finally:
        with Session(live_server.engine) as session:
            session.execute(delete(AlertSubscription).where(AlertSubscription.email == EMAIL))
            session.execute(delete(FeatureSwitch).where(FeatureSwitch.region_id == region_id,
                                                        FeatureSwitch.feature_key == "alerts"))
            session.commit()


def deliver_mail(live_server) -> None:
    folder = Path(make_url(str(live_server.engine.url)).database).resolve().parent / "mail"
    for _ in range(20):
        if send_pass(live_server.engine, FileTransport(folder), sender_id="browser-test",
                     mail_from="kwis-job@example.org").claimed == 0:
            return
    pytest.fail("the outbox did not run empty")


def press(page: Page, target, key: str = "Enter") -> None:
    tab_to(page, target)
    page.keyboard.press(key)


def open_mail(page: Page, assert_accessible, subject: str) -> None:
    page.goto("/demo/mail")
    mail = page.get_by_role("listitem").filter(has_text=f"an {EMAIL}").get_by_role(
        "link", name=subject).first
    press(page, mail)
    wait_for_path_matching(page, r"/demo/mail/[^/]+\.eml")
    assert_accessible(page)


def follow_mail_link(page: Page, path_part: str) -> None:
    link = page.get_by_role("article").locator(f'a[href*="{path_part}"]').first
    path = re.sub(r"^https?://[^/]+", "", link.get_attribute("href"))
    press(page, link)
    wait_for_path(page, path)


SECRET = "browser-test-secret"
"""The demo app's ``SECRET_KEY`` (``live_server`` in tests/browser/conftest.py)."""


def send_digest(live_server) -> None:
    """In the next half year, with one of the region's offers published after the
    confirmation."""
    with Session(live_server.engine) as session:
        sub = session.scalar(select(AlertSubscription).where(AlertSubscription.email == EMAIL))
        now = utcnow()  # the next half year's second day: the digest is due
        later = datetime(now.year, 7, 2) if now.month <= 6 else datetime(now.year + 1, 1, 2)
        offer_id = session.scalar(select(SearchDoc.offer_id).where(
            SearchDoc.region_id == sub.region_id,
            or_(SearchDoc.expires_on.is_(None), SearchDoc.expires_on > later.date()),
        ).order_by(SearchDoc.offer_id).limit(1))
        before = session.scalar(select(Offer.published_at).where(Offer.id == offer_id))
        table = Offer.__table__
        session.execute(update(table).where(table.c.id == offer_id).values(
            published_at=sub.confirmed_at + timedelta(seconds=1), updated_at=table.c.updated_at))
        session.commit()
        try:
            links_app = Flask("alert_links")  # the same URL rules as the live app
            links_app.register_blueprint(portal.bp, url_prefix="/jobs")
            links_app.register_blueprint(alerts_views.bp, url_prefix="/jobs")
            with links_app.test_request_context("/", base_url=live_server.url):
                result = digests.send(session, now=later,
                                      links=alerts_views.digest_links(), secret_key=SECRET)
            assert result.queued == 1
        finally:
            session.execute(update(table).where(table.c.id == offer_id).values(
                published_at=before, updated_at=table.c.updated_at))
            session.commit()


def test_subscribe_confirm_and_unsubscribe_by_keyboard(page: Page, live_server, alerts_on,
                                                       assert_accessible):
    region_name, slug = alerts_on
    page.goto("/jobs/")
    press(page, page.get_by_role("link", name="Neue Angebote per E-Mail: Benachrichtigungen "
                                               "bestellen"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Benachrichtigungen bestellen")
    assert_accessible(page)
    press(page, page.get_by_role("button", name="Benachrichtigungen bestellen"))
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page)
    tab_to(page, page.get_by_label("Ihre E-Mail-Adresse"))
    page.keyboard.type(EMAIL)
    press(page, page.get_by_role("radio", name="Alle drei Monate"), "ArrowDown")
    expect(page.get_by_role("radio", name="Zweimal im Jahr")).to_be_checked()
    press(page, page.get_by_role("checkbox", name="Ich bin einverstanden."), " ")
    press(page, page.get_by_role("button", name="Benachrichtigungen bestellen"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Bitte bestätigen Sie Ihre E-Mail-Adresse")
    assert_accessible(page)

    deliver_mail(live_server)
    open_mail(page, assert_accessible, "Bitte bestätigen Sie Ihre Benachrichtigungen")
    follow_mail_link(page, "/benachrichtigungen/bestaetigen/")
    assert_accessible(page)
    press(page, page.get_by_role("button", name="Ja, Benachrichtigungen bestätigen"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Benachrichtigungen bestätigt")
    assert_accessible(page)

    send_digest(live_server)
    deliver_mail(live_server)
    open_mail(page, assert_accessible, "Neu bei KWIS.job")
    follow_mail_link(page, "/benachrichtigungen/abmelden/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Benachrichtigungen abbestellen")
    assert_accessible(page)
    press(page, page.get_by_role("button", name="Abmelden und Adresse löschen"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Abgemeldet")
    assert_accessible(page)
    assert page.context.cookies() == [], "no cookie on the way"
    with Session(live_server.engine) as session:
        assert session.scalar(select(AlertSubscription.id).where(
            AlertSubscription.email == EMAIL)) is None



def test_returnee_form_and_the_admin_pages_pass_axe(page: Page, live_server, alerts_on,
                                                    assert_accessible):
    """The returnee's message by keyboard, then the admin's list of it and the card page."""
    region_name, slug = alerts_on
    page.goto(f"/jobs/regionen/{slug}/zurueck-in-der-region")
    expect(page.get_by_role("heading", level=1)).to_have_text("Zurück in der Region")
    assert_accessible(page)
    tab_to(page, page.get_by_label("Was suchen Sie?"))
    page.keyboard.type("Eine Stelle in der Logistik")
    tab_to(page, page.get_by_label("Ihre E-Mail-Adresse"))
    page.keyboard.type(EMAIL)
    press(page, page.get_by_role("checkbox", name="Ich bin einverstanden."), " ")
    press(page, page.get_by_role("button", name="Nachricht senden"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Willkommen zurück!")
    assert_accessible(page)

    admin = live_server.admin
    log_in_by_keyboard(page, admin.email, admin.password, "/admin/")
    with Session(live_server.engine) as session:
        region_id = session.scalar(select(Region.id).where(Region.slug == slug))
    try:
        page.goto(f"/admin/job/regionen/{region_id}/zurueck-in-der-region")
        expect(page.get_by_role("cell", name="Eine Stelle in der Logistik")).to_be_visible()
        assert_accessible(page)
        page.goto(f"/admin/job/regionen/{region_id}/alumni-karte")
        expect(page.locator(".kj-card")).to_have_count(4)
        assert_accessible(page)
    finally:
        with Session(live_server.engine) as session:
            session.execute(delete(Returnee).where(Returnee.email == EMAIL))
            session.commit()
