"""An admin reviews a changed photo description and sends it back, by keyboard only, with axe
on the queue and on the review page with its field-by-field comparison (issue 10).

The company lives in a region of its own whose rule reviews every change, so the published
profile's new description waits for review (it used to go public at once) and no other test
depends on what this one changes.
"""

from __future__ import annotations

import io
import re

import pytest
from kwis_hooks.refhost.models import User
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session
from support.keyboard import log_in_by_keyboard, tab_to, wait_for_path

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import OccupationalField, OutboxMail
from kwis_job_plugin.services import media, profile_input, profiles

pytestmark = pytest.mark.browser

COMPANY = "Glaserei Lichtblick"
OLD_ALT = "Zwei Auszubildende schneiden Glas in der Werkstatt"
NEW_ALT = "Ein Foto ohne Bezug"
NOTE = "Bitte beschreiben Sie, was auf dem Foto zu sehen ist."


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (30, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def _save(session, customer_id: int, user_id: int, **data):
    profile = profiles.profile_for_customer(session, customer_id)
    return profiles.save_profile(session, customer_id, profile_input.ProfileInput(**data),
                                 expected_version=profile.version if profile else 0,
                                 actor_user_id=user_id)


def _published_then_description_changed(live_server) -> str:
    """A published profile with one photo whose description the company then changed and
    submitted; returns the profile's slug."""
    login = live_server.new_company(COMPANY, ags="16075000")
    with Session(live_server.engine) as session:
        factories.use_session(session)
        factories.RegionFactory(slug="pruefregion", name="Prüfregion", prefixes=["16075"],
                                review_rule="every_change")
        session.flush()
        user = session.scalar(select(User).where(User.email == login.email))
        field_ids = [session.scalars(select(OccupationalField.id)).first()]
        profile = _save(session, user.customer_id, user.id, philosophy="Wir machen Fenster.",
                        field_ids=field_ids,
                        new_photos=[profile_input.NewPhoto(_png(), OLD_ALT)])
        profiles.submit_profile(session, user.customer_id, actor_user_id=user.id)
        profiles.approve_profile(session, profile, user.id)
        photo = media.photos_of(profile)[0]
        _save(session, user.customer_id, user.id, philosophy="Wir machen Fenster.",
              field_ids=field_ids, photos=[profile_input.PhotoChange(photo.id, NEW_ALT)])
        assert profiles.submit_profile(session, user.customer_id,
                                       actor_user_id=user.id) == "in_review"
        session.commit()
        return profile.slug


def test_admin_reviews_a_changed_photo_description_and_sends_it_back(
    page: Page, live_server, assert_accessible
):
    slug = _published_then_description_changed(live_server)
    public = page.context.new_page()
    public.goto(f"/jobs/betriebe/{slug}")
    expect(public.get_by_role("img", name=OLD_ALT)).to_be_visible()
    public.close()

    admin = live_server.admin
    log_in_by_keyboard(page, admin.email, admin.password, "/admin/")

    menu = page.get_by_role("navigation", name="Verwaltung")
    tab_to(page, menu.get_by_role("link", name="KWIS.job: Prüfung"))
    page.keyboard.press("Enter")
    wait_for_path(page, "/admin/job/pruefung")
    assert_accessible(page)

    tab_to(page, page.get_by_role(
        "link", name=re.compile(f"^Eingereichte Fassung ansehen und entscheiden ?: {COMPANY}$")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Prüfung: {COMPANY}")
    changes = page.get_by_role("table", name="Änderungen Feld für Feld")
    row = changes.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Foto 1"))
    expect(row.get_by_role("cell").nth(0)).to_have_text("geändert")
    expect(row.get_by_role("cell").nth(1)).to_contain_text(OLD_ALT)
    expect(row.get_by_role("cell").nth(2)).to_contain_text(NEW_ALT)
    expect(changes.get_by_role("row")).to_have_count(2)
    assert_accessible(page)

    tab_to(page, page.get_by_label("Hinweis an den Betrieb"))
    page.keyboard.type(NOTE)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Mit Hinweis zurückgeben")).to_be_focused()
    page.keyboard.press("Enter")
    wait_for_path(page, "/admin/job/pruefung")
    expect(page.get_by_role("main")).to_contain_text(
        f"„{COMPANY}“ ist mit Ihrem Hinweis an den Betrieb zurückgegangen.")
    assert_accessible(page)

    public = page.context.new_page()
    public.goto(f"/jobs/betriebe/{slug}")
    expect(public.get_by_role("img", name=OLD_ALT)).to_be_visible()
    public.close()
    with Session(live_server.engine) as session:
        mails = session.scalars(select(OutboxMail).where(
            OutboxMail.kind == "review.returned")).all()
        assert any(NOTE in m.body_text and COMPANY in m.body_text for m in mails)
