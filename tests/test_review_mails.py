"""The review's mails (issue 10): the company hears of every decision, in the decision's
transaction; the agency gets one summary a day per region of what waits.

The mails are read from the outbox rows (and once from a real SMTP server, aiosmtpd); the
summary is run through the command line, twice a day.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from support.smtp import running_smtp_server
from support.web import login
from test_admin_review import LINKS, _decide, _submitted, fingerprint_on, item_url

from kwis_job_plugin.cli import job
from kwis_job_plugin.demo.factories import (
    AdminFactory,
    OfferFactory,
    ProfileFactory,
    RegionFactory,
    UserFactory,
)
from kwis_job_plugin.models import AdminScope, AuditEntry, EmployerProfile, OutboxMail, RegionAdmin
from kwis_job_plugin.services import publication, review, review_mails
from kwis_job_plugin.services.mail import sender, transport
from kwis_job_plugin.services.snapshots import offer_snapshot, profile_snapshot

DAY = date(2026, 12, 1)


def _mails(session, kind: str | None = None) -> list[OutboxMail]:
    session.expire_all()
    query = select(OutboxMail).order_by(OutboxMail.id)
    if kind:
        query = query.where(OutboxMail.kind == kind)
    return list(session.scalars(query))


# --- the company hears of each decision ----------------------------------------------------------


def test_approval_mails_the_profile_contact_with_a_link_into_the_tab(client, world, session):
    profile, _offer = _submitted(session, world)
    profile.contact_email = "Ausbildung@Optik-Alpha.example"
    session.commit()
    login(client, world.admin.email, world.password)
    page = client.get(item_url("profil", profile.id)).get_data(as_text=True)
    seen = fingerprint_on(page)
    assert _decide(client, "profil", profile.id, "freigeben").status_code == 302

    [mail] = _mails(session)
    assert (mail.to_addr, mail.kind, mail.region_id, mail.status) == (
        "ausbildung@optik-alpha.example", "review.approved", world.region.id, "pending")
    assert mail.subject == "Freigegeben: Ihr Arbeitgeberprofil"
    assert "Ihr Arbeitgeberprofil „Optik Alpha“ ist geprüft und freigegeben." in mail.body_text
    assert "Es ist jetzt im Portal öffentlich sichtbar." in mail.body_text
    assert "http://localhost/selfservice/job/profil" in mail.body_text

    [entry] = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "employerprofile.approved")).all()
    assert (entry.actor_user_id, entry.object_id, entry.region_id) == (
        world.admin.id, profile.id, world.region.id)
    assert entry.details == {"fingerprint": seen}


def test_sending_back_mails_the_note_to_the_company_accounts_without_a_contact(
    client, world, session
):
    profile, offer = _submitted(session, world)
    UserFactory(email="Zweite@Betrieb-A.example", customer=world.a.customer)
    session.commit()
    login(client, world.admin.email, world.password)
    seen = fingerprint_on(client.get(item_url("angebot", offer.id)).get_data(as_text=True))
    note = "Bitte nennen Sie die Arbeitszeiten.\nUnd das Mindestalter."
    assert _decide(client, "angebot", offer.id, "zurueckgeben", comment=note).status_code == 302

    mails = _mails(session)
    assert [m.to_addr for m in mails] == ["a@betrieb-a.example", "zweite@betrieb-a.example"]
    assert {m.kind for m in mails} == {"review.returned"}
    mail = mails[0]
    assert mail.subject == "Bitte überarbeiten: Ferienjob im Lager"
    assert f"{note}\n\n" in mail.body_text
    assert "Ihr Angebot „Ferienjob im Lager“ ist geprüft." in mail.body_text
    assert f"http://localhost/selfservice/job/angebote/{offer.id}" in mail.body_text
    assert "bleibt so lange sichtbar" not in mail.body_text, "nothing of it is public yet"

    [entry] = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "offer.rejected")).all()
    assert entry.details == {"fingerprint": seen}, "the note is free text: not in the log"
    assert entry.region_id == world.region.id


def test_a_refused_decision_mails_nobody(client, world, session):
    profile, _offer = _submitted(session, world)
    login(client, world.admin.email, world.password)
    assert _decide(client, "profil", profile.id, "freigeben", seen="0" * 64).status_code == 409
    assert _decide(client, "profil", profile.id, "zurueckgeben", comment="").status_code == 422
    assert _mails(session) == []


def test_a_company_without_any_address_gets_no_mail_and_the_decision_stands(world, session):
    profile, _offer = _submitted(session, world)
    profile.contact_email = "kaputt\n@x.example"
    world.a.email = "keine-adresse"
    session.commit()
    review.approve(session, "profil", profile.id, world.admin.id,
                   seen_version=review.fingerprint(profile), links=LINKS)
    session.commit()
    assert profile.status == "published" and _mails(session) == []


def test_a_decision_without_links_fails_loudly_and_changes_nothing(world, session):
    profile, _offer = _submitted(session, world)
    with pytest.raises(review_mails.MissingLinks, match="links="):
        review.approve(session, "profil", profile.id, world.admin.id,
                       seen_version=review.fingerprint(profile), links=None)
    session.rollback()
    session.expire_all()
    assert profile.status == "in_review"


def test_the_decision_mail_reaches_a_real_smtp_server(engine, world, session):
    profile, _offer = _submitted(session, world)
    review.send_back(session, "profil", profile.id, world.admin.id, "Bitte Logo ergänzen.",
                     seen_version=review.fingerprint(profile), links=LINKS)
    session.commit()
    with running_smtp_server() as smtp:
        result = sender.send_pass(engine, transport.from_url(smtp.url), sender_id="t",
                                  mail_from="KWIS.job <noreply@wf.example>",
                                  now=datetime(2030, 1, 1))
        assert result.sent == 1
        [message] = smtp.handler.messages
    assert message["To"] == "a@betrieb-a.example"
    assert message["Subject"] == "Bitte überarbeiten: Ihr Arbeitgeberprofil"
    body = message.get_body(("plain",)).get_content()
    assert "Bitte Logo ergänzen." in body and LINKS.profile_tab() in body


# --- the agency's daily summary ------------------------------------------------------------------


def _run_summary(db_url: str, day: date, *extra: str):
    return CliRunner().invoke(
        job, ["--database-url", db_url, "review", "summary", "--today", day.isoformat(),
              "--base-url", "https://wf-jena.example", *extra],
        catch_exceptions=False)


def _waiting_world(session, world):
    """Jena: a profile and an offer wait; Weimarer Land: nothing waits; Saale-Holzland: one
    offer waits but the region has no contact address."""
    world.region.contact_email = "pruefung@wf-jena.example"
    _submitted(session, world)
    weimar = RegionFactory(slug="weimarer-land", name="Weimarer Land", prefixes=["16071"],
                           contact_email="wfg@weimarer-land.example")
    holzland = RegionFactory(slug="saale-holzland", name="Saale-Holzland", prefixes=["16074"])
    far = UserFactory(email="c@holzland.example", customer__name="Holzbau Delta",
                      customer__ags="16074000")
    profile = ProfileFactory(customer=far.customer, region=holzland, status="published")
    offer = OfferFactory(profile=profile, title="Schnuppertag Holz")
    publication.submit(session, offer, holzland, offer_snapshot, far.id)
    session.commit()
    return weimar, holzland


def test_one_summary_a_day_per_region_and_none_when_nothing_waits(db_url, world, session):
    _waiting_world(session, world)
    first = _run_summary(db_url, DAY)
    assert first.exit_code == 0, first.output
    assert "1 Übersichten in den Postausgang gelegt, 0 heute schon verschickt." in first.output
    assert "Region Saale-Holzland: Es wartet etwas auf Prüfung" in first.output
    second = _run_summary(db_url, DAY)
    assert "0 Übersichten in den Postausgang gelegt, 1 heute schon verschickt." in second.output

    [mail] = _mails(session, review_mails.SUMMARY_KIND)
    assert (mail.to_addr, mail.region_id, mail.dedupe_key) == (
        "pruefung@wf-jena.example", world.region.id, f"review-summary:{world.region.id}:{DAY}")
    assert mail.subject == (
        "KWIS.job: 2 Einreichungen warten auf Prüfung (Stadt Jena, 01.12.2026)")
    assert "Arbeitgeberprofile (1):\n- Optik Alpha, eingereicht am" in mail.body_text
    assert "Angebote (1):\n- „Ferienjob im Lager“ von Optik Alpha" in mail.body_text
    assert "Schnuppertag Holz" not in mail.body_text, "another region's item"
    assert "https://wf-jena.example/admin/job/pruefung" in mail.body_text

    next_day = _run_summary(db_url, date(2026, 12, 2))
    assert "1 Übersichten in den Postausgang gelegt" in next_day.output
    assert len(_mails(session, review_mails.SUMMARY_KIND)) == 2


def test_no_summary_when_nothing_waits(db_url, world, session):
    world.region.contact_email = "pruefung@wf-jena.example"
    ProfileFactory(customer=world.a.customer, region=world.region, status="published")
    session.commit()
    result = _run_summary(db_url, DAY)
    assert result.exit_code == 0
    assert "0 Übersichten in den Postausgang gelegt, 0 heute schon verschickt." in result.output
    assert _mails(session) == []


def test_the_summary_service_counts_items_outside_every_region(world, session):
    profile = ProfileFactory(customer=world.outside.customer)
    publication.submit(session, profile, None, profile_snapshot, world.outside.id)
    session.flush()
    result = review_mails.queue_summaries(session, DAY, links=LINKS)
    assert (result.queued, result.outside_regions) == (0, 1)


# --- region admins see and decide only their regions ---------------------------------------------


def test_a_region_admin_sees_and_decides_only_their_regions(client, world, session):
    weimar, _holzland = _waiting_world(session, world)
    jena_profile = session.scalar(select(EmployerProfile).where(
        EmployerProfile.customer_id == world.a.customer.id))
    weimar_admin = AdminFactory(email="admin@weimarer-land.example")
    session.flush()
    session.add(AdminScope(user_id=weimar_admin.id, all_regions=False))
    session.add(RegionAdmin(user_id=weimar_admin.id, region_id=weimar.id))
    session.commit()

    login(client, weimar_admin.email, world.password)
    queue = client.get("/admin/job/pruefung").get_data(as_text=True)
    assert "Optik Alpha" not in queue and "Schnuppertag Holz" not in queue
    assert "Keine Profile warten auf Prüfung." in queue
    assert client.get(item_url("profil", jena_profile.id)).status_code == 404
    response = _decide(client, "profil", jena_profile.id, "freigeben", seen="0" * 64)
    assert response.status_code == 404
    session.expire_all()
    assert jena_profile.status == "in_review" and _mails(session) == []

    global_admin = client.application.test_client()
    login(global_admin, world.admin.email, world.password)
    queue = global_admin.get("/admin/job/pruefung").get_data(as_text=True)
    assert "Optik Alpha" in queue and "Schnuppertag Holz" in queue
