"""Keeping the portal current (issue 10): the reminder, hiding after a second period, and what
brings content back, on a fixed clock (``today``) and both engines.

The timeline is run through ``services.staleness.run`` as the daily timer would; mails are read
from the outbox; what the public sees is read through the portal's own pages (company page,
offer page, search, sitemap) with the test client.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update
from support.web import login
from test_event_pages import ew, get_page, path_of  # noqa: F401 (ew is a fixture)
from test_offer_service import offer_input as complete_offer

from kwis_job_plugin.cli import job
from kwis_job_plugin.demo.factories import OfferFactory, ProfileFactory, RegionFactory, UserFactory
from kwis_job_plugin.models import (
    AuditEntry,
    EmployerProfile,
    Offer,
    OutboxMail,
    SearchDoc,
)
from kwis_job_plugin.models.base import utcnow
from kwis_job_plugin.services import (
    offers,
    profiles,
    public_pages,
    publication,
    search_index,
    staleness,
)
from kwis_job_plugin.services.errors import ValidationError

SECRET = "test-secret"
"""The ``SECRET_KEY`` of the test app (tests/conftest.py), so tokens made here work there."""
TODAY = date.today()
"""The fixed "today" of the first run; relative to the real day because confirming stamps the
real now (the tab's button and the link do)."""
YEAR = 365
TITLE = "Brillenglasschleifen zum Kennenlernen"


class Links:
    """``staleness.Links`` with recognisable addresses."""

    def still_current(self, token: str) -> str:
        return f"https://wf-jena.example/jobs/noch-aktuell/{token}"

    def profile_tab(self) -> str:
        return "https://wf-jena.example/selfservice/job/profil"

    def offer(self, offer_id: int) -> str:
        return f"https://wf-jena.example/selfservice/job/angebote/{offer_id}"


LINKS = Links()


def run(session, today: date, **kwargs) -> staleness.RunResult:
    result = staleness.run(session, today, default_days=kwargs.pop("default_days", YEAR),
                           links=LINKS, secret_key=SECRET, **kwargs)
    session.commit()
    return result


def mails(session, kind: str | None = None) -> list[OutboxMail]:
    session.expire_all()
    query = select(OutboxMail).order_by(OutboxMail.id)
    if kind:
        query = query.where(OutboxMail.kind == kind)
    return list(session.scalars(query))


def age(session, obj, days: int, today: date = TODAY) -> None:
    """Make ``obj`` look last changed ``days`` before ``today`` (bypassing ``onupdate``)."""
    table = type(obj).__table__
    session.execute(update(table).where(table.c.id == obj.id).values(
        updated_at=datetime.combine(today, datetime.min.time()) - timedelta(days=days)))
    session.commit()
    session.refresh(obj)


def public_world(session, world, *, days_old: int = 400):
    """Optik Alpha in Jena: a published profile with a contact address and one published
    offer, both last changed ``days_old`` days ago, indexed."""
    profile = ProfileFactory(customer=world.a.customer, region=world.region, status="published",
                             contact_email="Ausbildung@Optik-Alpha.example")
    offer = OfferFactory(profile=profile, status="published", title=TITLE)
    search_index.rebuild_all(session)
    session.commit()
    age(session, profile, days_old)
    age(session, offer, days_old)
    return profile, offer


def token_of(mail: OutboxMail) -> str:
    marker = "/jobs/noch-aktuell/"
    start = mail.body_text.index(marker) + len(marker)
    return mail.body_text[start:].split()[0]


def on_portal(client, profile, offer) -> dict[str, bool]:
    """Where the public finds the company and the offer."""
    sitemap = client.get("/jobs/sitemap.xml").get_data(as_text=True)
    search = client.get("/jobs/suche?q=Brillenglasschleifen").get_data(as_text=True)
    return {
        "company_page": client.get(f"/jobs/betriebe/{profile.slug}").status_code == 200,
        "offer_page": client.get(f"/jobs/angebote/{offer.id}",
                                 follow_redirects=True).status_code == 200,
        "search": TITLE in search,
        "sitemap_company": f"/jobs/betriebe/{profile.slug}" in sitemap,
        "sitemap_offer": f"/jobs/angebote/{offer.id}-" in sitemap,
    }


EVERYWHERE = {"company_page": True, "offer_page": True, "search": True, "sitemap_company": True,
              "sitemap_offer": True}


# --- the timeline --------------------------------------------------------------------------------


def test_the_whole_timeline_reminder_once_then_hidden_then_back_by_confirmation(
    client, session, world
):
    profile, offer = public_world(session, world)
    version, changed = offer.version, offer.updated_at
    assert on_portal(client, profile, offer) == EVERYWHERE

    first = run(session, TODAY)
    assert (first.reminded, first.hidden) == (2, 0)
    reminders = mails(session, staleness.REMINDER_KIND)
    assert [m.to_addr for m in reminders] == ["ausbildung@optik-alpha.example"] * 2
    assert {m.region_id for m in reminders} == {world.region.id}
    profile_mail, offer_mail = reminders
    assert profile_mail.subject == "Noch aktuell? Ihr Arbeitgeberprofil"
    assert offer_mail.subject == f"Noch aktuell? {TITLE}"
    assert f"Ihr Angebot „{TITLE}“ im Portal wurde seit mehr als 365 Tagen nicht geändert" \
        in offer_mail.body_text
    assert "https://wf-jena.example/jobs/noch-aktuell/" in offer_mail.body_text
    assert LINKS.offer(offer.id) in offer_mail.body_text
    assert LINKS.profile_tab() in profile_mail.body_text
    hide_on = (TODAY + timedelta(days=YEAR)).strftime("%d.%m.%Y")
    assert f"Ohne Antwort nehmen wir es ab dem {hide_on} aus dem Portal." in offer_mail.body_text
    session.refresh(offer)
    assert offer.stale_notified_at == datetime.combine(TODAY, datetime.min.time())
    assert (offer.updated_at, offer.version) == (changed, version), \
        "a reminder neither restarts the clock nor conflicts with an open form"
    assert on_portal(client, profile, offer) == EVERYWHERE, "reminded content stays public"

    assert (run(session, TODAY).reminded, run(session, TODAY).hidden) == (0, 0)
    assert len(mails(session)) == 2, "a second run the same day sends nothing"
    assert run(session, TODAY + timedelta(days=YEAR - 1)).hidden == 0, "one period is not over"

    hiding = run(session, TODAY + timedelta(days=YEAR))
    assert (hiding.reminded, hiding.hidden) == (0, 2)
    hidden_mails = mails(session, staleness.HIDDEN_KIND)
    assert [m.subject for m in hidden_mails] == [
        "Aus dem Portal genommen: Ihr Arbeitgeberprofil",
        f"Aus dem Portal genommen: {TITLE}"]
    assert f"am {TODAY.strftime('%d.%m.%Y')} haben wir Sie gefragt" in hidden_mails[1].body_text
    assert "Gelöscht ist nichts." in hidden_mails[1].body_text
    assert "/jobs/noch-aktuell/" in hidden_mails[1].body_text
    session.refresh(profile)
    session.refresh(offer)
    assert profile.stale_hidden_at is not None and offer.stale_hidden_at is not None
    assert (profile.status, offer.status) == ("published", "published"), "no status change"
    assert offer.published_snapshot is not None, "kept, not deleted"
    assert not publication.is_public(offer) and not publication.is_public(profile)
    assert session.scalar(select(SearchDoc).where(SearchDoc.offer_id == offer.id)) is None
    assert not any(on_portal(client, profile, offer).values()), "gone from every public place"
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"employerprofile.stale_hidden", "offer.stale_hidden"} <= actions

    again = run(session, TODAY + timedelta(days=YEAR))
    assert (again.reminded, again.hidden) == (0, 0)
    assert len(mails(session)) == 4, "hidden once, told once"

    profiles.confirm_current(session, world.a.customer.id, expected_version=profile.version,
                             actor_user_id=world.a.id)
    session.commit()
    found = on_portal(client, profile, offer)
    assert found["company_page"] and found["sitemap_company"]
    assert not found["offer_page"], "the offer was reminded and hidden on its own"
    offers.confirm_current(session, world.a.customer.id, offer.id, world.a.id)
    session.commit()
    assert on_portal(client, profile, offer) == EVERYWHERE
    session.refresh(offer)
    assert (offer.stale_notified_at, offer.stale_hidden_at) == (None, None)
    assert run(session, TODAY + timedelta(days=YEAR)).reminded == 0, "confirmed counts as touched"
    assert len(mails(session)) == 4


def test_a_company_change_brings_hidden_content_back(client, session, world):
    profile, offer = public_world(session, world)
    run(session, TODAY)
    run(session, TODAY + timedelta(days=YEAR))
    assert not any(on_portal(client, profile, offer).values())

    # The profile back by saving it in the tab (unchanged input counts: the company answered).
    login(client, world.a.email, world.password)
    page = client.get("/selfservice/job/profil").get_data(as_text=True)
    assert "Ihr Profil ist zurzeit nicht im Portal zu sehen" in page
    assert "Alles ist noch aktuell" in page
    listing = client.get("/selfservice/job/angebote").get_data(as_text=True)
    assert "Nicht im Portal" in listing and "Ist noch aktuell" in listing
    preview = client.get(f"/selfservice/job/angebote/{offer.id}").get_data(as_text=True)
    assert "Dieses Angebot ist zurzeit nicht im Portal zu sehen" in preview
    assert search_index.rebuild_all(session) == 0, "a rebuild keeps hidden content out"
    session.commit()
    assert not public_pages.has_company_page(session, profile)

    session.refresh(offer)
    offers.update_offer(session, world.a.customer.id, offer.id,
                        complete_offer(session, title=TITLE + " im Sommer"),
                        offer.version, world.a.id)
    session.commit()
    session.refresh(offer)
    assert (offer.stale_notified_at, offer.stale_hidden_at) == (None, None)
    assert offer.status == "draft" and offer.published_snapshot["title"] == TITLE
    assert publication.is_public(offer), "the published version is public again"
    assert session.scalar(select(SearchDoc.offer_id).where(SearchDoc.offer_id == offer.id)) \
        is None, "its profile is still hidden"

    profile_version = profile.version
    response = client.post("/selfservice/job/profil/aktuell", data={
        "confirm-version": str(profile_version),
        "confirm-csrf_token": _csrf(client, "/selfservice/job/profil", "confirm-csrf_token")})
    assert response.status_code == 302
    client.get("/logout")
    found = on_portal(client, profile, offer)
    assert found["company_page"] and found["offer_page"] and found["sitemap_offer"]
    assert "Brillenglasschleifen" in client.get("/jobs/suche?q=Brillenglasschleifen").get_data(
        as_text=True)


def _csrf(client, url: str, name: str) -> str:
    import re

    page = client.get(url).get_data(as_text=True)
    return re.search(rf'name="{name}" type="hidden" value="([^"]+)"', page).group(1)


def test_submitting_answers_the_reminder(session, world):
    profile, offer = public_world(session, world)
    run(session, TODAY)
    offer.status = "draft"  # a change waits to be submitted
    session.commit()
    world.region.review_rule = "none"
    session.commit()
    offers.submit_offer(session, world.a.customer.id, offer.id, world.a.id)
    session.commit()
    session.refresh(offer)
    assert offer.stale_notified_at is None and offer.status == "published"
    assert run(session, TODAY + timedelta(days=YEAR)).hidden == 1, "only the profile is hidden"


def test_a_change_by_another_path_restarts_the_clock_instead_of_hiding(session, world):
    profile, offer = public_world(session, world)
    run(session, TODAY)
    later = utcnow()
    session.execute(update(Offer.__table__).where(Offer.__table__.c.id == offer.id)
                    .values(updated_at=later))
    session.commit()
    result = run(session, TODAY + timedelta(days=YEAR))
    assert (result.hidden, result.reset) == (1, 1)
    session.refresh(offer)
    assert offer.stale_hidden_at is None and offer.stale_notified_at is None


def test_content_not_on_the_portal_gets_no_reminder(session, world):
    profile, offer = public_world(session, world)
    paused = OfferFactory(profile=profile, status="paused", title="Pausiert")
    draft = OfferFactory(profile=profile, status="draft", title="Entwurf")
    session.commit()
    for obj in (paused, draft):
        age(session, obj, 400)
    outside = ProfileFactory(customer=world.outside.customer, status="published")
    session.commit()
    age(session, outside, 400)
    run(session, TODAY)
    subjects = [m.subject for m in mails(session)]
    assert subjects == ["Noch aktuell? Ihr Arbeitgeberprofil", f"Noch aktuell? {TITLE}"]


def test_without_an_address_nothing_is_stamped_and_nothing_hidden(session, world):
    profile, offer = public_world(session, world)
    profile.contact_email = None
    session.execute(update(world.a.__table__).where(world.a.__table__.c.id == world.a.id)
                    .values(email="kaputt"))
    session.commit()
    age(session, profile, 400)
    result = run(session, TODAY)
    assert result.reminded == 0 and result.without_address == ["Optik Alpha", "Optik Alpha"]
    assert run(session, TODAY + timedelta(days=YEAR)).hidden == 0
    session.refresh(offer)
    assert offer.stale_notified_at is None and publication.is_public(offer)


def test_the_company_accounts_get_it_when_the_profile_names_no_contact(session, world):
    profile, _offer = public_world(session, world)
    profile.contact_email = None
    UserFactory(email="zweite@betrieb-a.example", customer=world.a.customer)
    session.commit()
    run(session, TODAY)
    assert {m.to_addr for m in mails(session)} == {"a@betrieb-a.example"}, \
        "one mail per item, to the first account"


# --- the period per region -----------------------------------------------------------------------


def test_a_region_sets_its_own_period(session, world):
    profile, offer = public_world(session, world, days_old=40)
    weimar = RegionFactory(slug="weimarer-land", name="Weimarer Land", prefixes=["16071"])
    other = UserFactory(email="d@betrieb-d.example", customer__name="Delta Druck",
                        customer__ags="16071000")
    session.commit()
    far = ProfileFactory(customer=other.customer, region=weimar, status="published",
                         contact_email="d@betrieb-d.example")
    session.commit()
    age(session, far, 40)

    assert run(session, TODAY).reminded == 0, "40 days are less than the default 365"
    assert staleness.set_stale_after_days(session, world.region, "30", actor_user_id=world.admin.id)
    session.commit()
    result = run(session, TODAY)
    assert result.reminded == 2
    assert {m.to_addr for m in mails(session)} == {"ausbildung@optik-alpha.example"}
    assert "seit mehr als 30 Tagen" in mails(session)[0].body_text
    assert run(session, TODAY + timedelta(days=29)).hidden == 0
    assert run(session, TODAY + timedelta(days=30)).hidden == 2
    assert run(session, TODAY + timedelta(days=400)).reminded == 1, "Weimarer Land: 365 days"

    [entry] = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "region.stale_after_days_changed")).all()
    assert entry.details["before"] == {"stale_after_days": None}
    assert entry.details["after"] == {"stale_after_days": 30}
    assert (entry.actor_user_id, entry.region_id) == (world.admin.id, world.region.id)


@pytest.mark.parametrize("value", ["29", "1096", "abc", "3\x000", " 1e3", "-40", 29, True, 1.5])
def test_the_period_is_checked(session, world, value):
    with pytest.raises(ValidationError) as error:
        staleness.set_stale_after_days(session, world.region, value, actor_user_id=None)
    assert "von 30 bis 1095 Tagen" in error.value.errors["stale_after_days"]
    session.rollback()
    assert world.region.stale_after_days is None


def test_an_empty_period_falls_back_to_the_installation(session, world):
    staleness.set_stale_after_days(session, world.region, 1095, actor_user_id=None)
    assert staleness.period_days(world.region, 365) == 1095
    assert staleness.set_stale_after_days(session, world.region, " ", actor_user_id=None)
    assert world.region.stale_after_days is None
    assert staleness.period_days(world.region, 200) == 200
    assert not staleness.set_stale_after_days(session, world.region, None, actor_user_id=None)


def test_the_tab_uses_the_regions_period(client, session, world):
    profile, offer = public_world(session, world, days_old=40)
    login(client, world.a.email, world.password)
    assert "Ist noch aktuell" not in client.get("/selfservice/job/angebote").get_data(as_text=True)
    staleness.set_stale_after_days(session, world.region, 30, actor_user_id=None)
    session.commit()
    assert "Ist noch aktuell" in client.get("/selfservice/job/angebote").get_data(as_text=True)
    assert "seit mehr als 30 Tagen" in client.get("/selfservice/job/profil").get_data(
        as_text=True)


# --- the command ---------------------------------------------------------------------------------


def _cli(db_url: str, day: date, *extra: str, env: dict | None = None):
    return CliRunner().invoke(
        job, ["--database-url", db_url, "stale", "run", "--today", day.isoformat(),
              "--base-url", "https://wf-jena.example", *extra],
        env={"KWIS_JOB_SECRET_KEY": SECRET} if env is None else env, catch_exceptions=False)


def test_the_command_runs_the_timeline_and_sends_nothing_twice(db_url, session, world):
    public_world(session, world)
    first = _cli(db_url, TODAY)
    assert first.exit_code == 0, first.output
    assert "2 Erinnerungen in den Postausgang gelegt, 0 Inhalte aus dem Portal genommen" \
        in first.output
    assert "0 Erinnerungen" in _cli(db_url, TODAY).output
    body = mails(session)[0].body_text
    assert "https://wf-jena.example/jobs/noch-aktuell/" in body
    assert "https://wf-jena.example/selfservice/job/profil" in body
    hidden = _cli(db_url, TODAY + timedelta(days=YEAR))
    assert "0 Erinnerungen in den Postausgang gelegt, 2 Inhalte aus dem Portal genommen" \
        in hidden.output
    assert len(mails(session)) == 4


def test_the_command_without_a_secret_refuses_before_writing(db_url, session, world):
    public_world(session, world)
    result = CliRunner().invoke(job, ["--database-url", db_url, "stale", "run"], env={
        "KWIS_JOB_SECRET_KEY": ""})
    assert result.exit_code == 1 and "KWIS_JOB_SECRET_KEY" in result.output
    assert mails(session) == []
    assert session.scalar(select(EmployerProfile.stale_notified_at)) is None


# --- the event pages ------------------------------------------------------------------------------


def test_a_hidden_company_leaves_the_event_pages_too(client, session, ew):  # noqa: F811
    """The events' company lists use the same rule in SQL (``publication.public_conditions``)."""
    aaron = ew.companies["aaron"]
    fair = path_of(ew.events["fair"])
    assert "Ärztehaus am Markt" in get_page(client, fair).html
    table = EmployerProfile.__table__
    session.execute(update(table).where(table.c.id == aaron.id).values(
        stale_hidden_at=utcnow(), updated_at=table.c.updated_at))
    session.commit()
    page = get_page(client, fair)
    assert "Ärztehaus am Markt" not in page.html
    assert f"/jobs/betriebe/{aaron.slug}" not in page.links
    assert "Optik Alpha" in page.html


def test_inside_the_host_the_command_signs_with_the_apps_key(client, app, session, world):
    """``flask job stale run``: the app's SECRET_KEY and URL rules; the link then works."""
    profile, offer = public_world(session, world)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=[
            "job", "stale", "run", "--today", TODAY.isoformat(),
            "--base-url", "https://jobs.wf-jena.example"])
    assert result.exit_code == 0, result.output
    offer_mail = mails(session, staleness.REMINDER_KIND)[1]
    assert "https://jobs.wf-jena.example/jobs/noch-aktuell/" in offer_mail.body_text
    assert f"https://jobs.wf-jena.example/selfservice/job/angebote/{offer.id}" \
        in offer_mail.body_text
    assert client.post(f"/jobs/noch-aktuell/{token_of(offer_mail)}").status_code == 200
