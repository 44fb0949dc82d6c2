"""``privacy.export`` / ``privacy.erase`` and ``kwis-job privacy export|erase``: everything held
about one address (case-insensitive), across registrations (as visitor and as guardian), their
tokens, the outbox, alert subscriptions and the audit log; an erased registration frees its place
and the first person waiting moves up. Registrations are made through the real service, on
SQLite and PostgreSQL."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from sqlalchemy import String, cast, func, or_, select

from kwis_job_plugin.cli import job
from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import (
    AlertSubscription,
    AuditEntry,
    Event,
    EventParticipation,
    OutboxMail,
    Registration,
    RegistrationToken,
    Slot,
)
from kwis_job_plugin.models.base import utcnow
from kwis_job_plugin.services import audit, privacy
from kwis_job_plugin.services.errors import ValidationError
from kwis_job_plugin.services.events import registrations as reg

MIA = "mia.muster@example.org"
PARENT = "eltern.klein@example.org"


class Links:
    def cancel(self, token):
        return f"https://portal.example/abmelden/{token}"

    def guardian(self, token):
        return f"https://portal.example/bestaetigen/{token}"

    def event(self, event_id, slug):
        return f"https://portal.example/termine/{event_id}-{slug}"


def _slot(participation, title, *, capacity, waitlist=3, days=20):
    start = datetime.combine(utcnow().date() + timedelta(days=days), datetime.min.time())
    return Slot(participation=participation, title=title, starts_at=start.replace(hour=9),
                ends_at=start.replace(hour=11), capacity=capacity, waitlist_capacity=waitlist)


def _sign_up(session, slot, first, email, *, over_16=True, guardian=""):
    data = reg.RegistrationInput(first_name=first, last_name="Muster", email=email,
                                 school="Lobdeburgschule", grade=9, over_16=over_16,
                                 guardian_email=guardian)
    outcome = reg.register(session, slot.id, data, now=utcnow(), nonce=secrets.token_hex(16),
                           links=Links())
    session.commit()
    return outcome.registration


@pytest.fixture
def world(session):
    """One slot with two places (Mia confirmed, Tom pending for his parent) and Lea waiting;
    a second slot with Mia's friend only; Mia also subscribes to alerts, is the company's
    contact, and (wrongly) appears in one audit entry."""
    region = factories.RegionFactory(slug="jena", name="Stadt Jena")
    profile = factories.ProfileFactory(region=region, customer__name="Optik Alpha",
                                       status="published", contact_email="Mia.Muster@example.org")
    event = Event(region_id=region.id, kind="open_companies", status="published",
                  slug="woche", title="Woche der offenen Unternehmen",
                  starts_on=utcnow().date() + timedelta(days=20),
                  ends_on=utcnow().date() + timedelta(days=24))
    participation = EventParticipation(event=event, profile=profile)
    full = _slot(participation, "Rundgang", capacity=2)
    other = _slot(participation, "Werkstatt", capacity=5)
    session.add_all([event, participation, full, other])
    session.commit()
    mia = _sign_up(session, full, "Mia", "Mia.Muster@Example.org")
    tom = _sign_up(session, full, "Tom", "tom@example.org", over_16=False, guardian=PARENT)
    lea = _sign_up(session, full, "Lea", "lea@example.org")
    friend = _sign_up(session, other, "Ben", "ben@example.org")
    session.add(AlertSubscription(email="MIA.MUSTER@example.org", region_id=region.id,
                                  interests={"fields": [1]}, frequency="quarterly",
                                  status="active", token_hash=secrets.token_hex(32),
                                  consent_version="2026-12", created_at=utcnow()))
    session.commit()
    assert _rows_mentioning(session, MIA)["audit"] == 0, "registering logs no address"
    audit.record(session, "support.note", "event", event.id,
                 details={"note": f"Rückfrage von {MIA.upper()}"})
    session.commit()
    assert [mia.status, tom.status, lea.status] == ["confirmed", "pending", "waitlisted"]
    # Plain ids: an erase expires and deletes the ORM objects.
    return SimpleNamespace(full=full.id, other=other.id, mia=mia.id, tom=tom.id, lea=lea.id,
                           friend=friend.id, profile=profile.id)


def _rows_mentioning(session, address):
    """Every row of the tables that hold addresses that still mentions ``address``."""
    like = f"%{address}%"
    return {
        "registrations": session.scalar(select(func.count()).select_from(Registration).where(
            or_(func.lower(Registration.email) == address,
                func.lower(Registration.guardian_email) == address))),
        "mails": session.scalar(select(func.count()).select_from(OutboxMail).where(
            func.lower(OutboxMail.to_addr) == address)),
        "alerts": session.scalar(select(func.count()).select_from(AlertSubscription).where(
            func.lower(AlertSubscription.email) == address)),
        "audit": session.scalar(select(func.count()).select_from(AuditEntry).where(
            func.lower(cast(AuditEntry.details, String)).like(like))),
    }


def test_export_finds_everything_about_an_address_in_any_case(session, world):
    data = privacy.export(session, "  MIA.muster@EXAMPLE.org ")

    json.dumps(data)  # JSON-ready
    assert data["address"] == MIA
    [registration] = data["registrations"]
    assert registration["roles"] == ["visitor"]
    assert (registration["first_name"], registration["status"], registration["school"]) == (
        "Mia", "confirmed", "Lobdeburgschule")
    assert registration["event"]["title"] == "Woche der offenen Unternehmen"
    assert registration["slot"]["title"] == "Rundgang" and registration["company"] == "Optik Alpha"
    assert [t["purpose"] for t in registration["tokens"]] == ["cancel"]
    assert "token_hash" not in registration["tokens"][0]
    assert [m["kind"] for m in data["mails"]] and all(m["to"].lower() == MIA
                                                      for m in data["mails"])
    assert [a["frequency"] for a in data["alert_subscriptions"]] == ["quarterly"]
    assert data["contacts"] == [
        {"kind": "profile_contact", "id": world.profile, "name": "Optik Alpha"}]
    assert [e["action"] for e in data["audit_entries"]] == ["support.note"]
    assert "lea@example.org" not in json.dumps(data)


def test_export_as_guardian_lists_the_registration_guarded(session, world):
    data = privacy.export(session, PARENT)

    [registration] = data["registrations"]
    assert registration["roles"] == ["guardian"] and registration["first_name"] == "Tom"
    assert [t["purpose"] for t in registration["tokens"]] == ["guardian"]
    assert {m["to"] for m in data["mails"]} == {PARENT}


@pytest.mark.parametrize("bad", ["", "   ", "keine-adresse", "a@b@c", "mia@exa\x00mple.org",
                                 "mia@example.org\r\nBcc: x@y.z", "x" * 250 + "@example.org"])
def test_something_that_is_not_one_address_is_refused_in_german(session, bad):
    with pytest.raises(ValidationError) as exc:
        privacy.export(session, bad)
    assert exc.value.errors == {"address": "Bitte eine einzelne E-Mail-Adresse angeben."}


def test_erase_deletes_everything_frees_the_place_and_promotes_the_first_waiting(session, world):
    before = _rows_mentioning(session, MIA)
    assert all(before.values()), before
    mail_ids = set(session.scalars(select(OutboxMail.id)))

    counts = privacy.erase(session, MIA.upper(), links=Links())
    session.commit()

    assert counts == {"registrations": 1, "places_released": 1, "tokens": 1,
                      "mails": before["mails"], "alert_subscriptions": 1, "returnees": 0,
                      "audit_entries": 1,
                      "contacts_kept": 1}
    assert _rows_mentioning(session, MIA) == dict.fromkeys(before, 0)
    assert session.scalar(select(func.count()).select_from(RegistrationToken).where(
        RegistrationToken.registration_id == world.mia)) == 0
    note = session.scalars(select(AuditEntry).where(AuditEntry.action == "support.note")).one()
    assert note.details == {"note": "Rückfrage von [gelöscht]"}
    erased = session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.erased")).one()
    assert erased.details == counts and erased.object_id is None

    lea = session.get(Registration, world.lea)
    assert lea.status == "confirmed" and lea.promoted_at is not None
    new_mails = session.scalars(select(OutboxMail).where(OutboxMail.id.not_in(mail_ids))).all()
    assert [m.to_addr for m in new_mails] == ["lea@example.org"], "only Lea is mailed"
    slot = session.get(Slot, world.full)
    assert slot.confirmed_count == reg.held_places(session, slot.id) == 2
    assert session.get(Registration, world.friend).status == "confirmed"

    assert privacy.erase(session, MIA, links=Links())["registrations"] == 0


def test_erasing_a_guardian_erases_the_registration_it_guards(session, world):
    counts = privacy.erase(session, PARENT, links=Links())
    session.commit()

    assert (counts["registrations"], counts["places_released"], counts["tokens"]) == (1, 1, 1)
    assert session.get(Registration, world.tom) is None
    assert _rows_mentioning(session, PARENT)["mails"] == 0
    assert _rows_mentioning(session, "tom@example.org")["registrations"] == 0
    assert session.get(Registration, world.lea).status == "confirmed"
    assert session.get(Slot, world.full).confirmed_count == 2


def test_erasing_a_waiting_person_frees_no_place(session, world):
    counts = privacy.erase(session, "lea@example.org", links=Links())
    session.commit()

    assert (counts["registrations"], counts["places_released"]) == (1, 0)
    assert session.get(Slot, world.full).confirmed_count == 2
    assert session.get(Registration, world.mia).status == "confirmed"


def test_an_address_nobody_used_erases_nothing(session, world):
    total = session.scalar(select(func.count()).select_from(OutboxMail))
    counts = privacy.erase(session, "niemand@example.org")
    session.commit()
    assert counts == dict.fromkeys(counts, 0)
    assert session.scalar(select(func.count()).select_from(OutboxMail)) == total


# --- the command line ----------------------------------------------------------------------------


def _cli(db_url, *args, **kwargs):
    return CliRunner().invoke(job, ["--database-url", db_url, *args], **kwargs)


def test_cli_export_prints_json(session, world, db_url):
    result = _cli(db_url, "privacy", "export", "Mia.Muster@example.org")

    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["address"] == MIA and len(data["registrations"]) == 1
    assert data == json.loads(json.dumps(privacy.export(session, MIA)))


def test_cli_refuses_a_bad_address(db_url):
    result = _cli(db_url, "privacy", "export", "keine adresse")
    assert result.exit_code == 1
    assert "Bitte eine einzelne E-Mail-Adresse angeben." in result.output


def test_cli_erase_asks_first_and_changes_nothing_on_no(session, world, db_url):
    result = _cli(db_url, "privacy", "erase", "ben@example.org", input="n\n")

    assert result.exit_code == 1 and "Wirklich unwiderruflich löschen?" in result.output
    assert "1 Anmeldungen" in result.output
    session.expire_all()
    assert session.get(Registration, world.friend) is not None


def test_cli_erase_with_yes(session, world, db_url):
    result = _cli(db_url, "privacy", "erase", "ben@example.org", "--yes")

    assert result.exit_code == 0, result.output
    assert "Gelöscht: 1 Anmeldungen (1 Plätze freigegeben)" in result.output
    session.expire_all()
    assert session.get(Registration, world.friend) is None
    assert session.get(Slot, world.other).confirmed_count == 0


def test_cli_erase_answered_ja_promotes_with_links_from_the_setting(session, world, db_url,
                                                                    monkeypatch):
    monkeypatch.setenv("KWIS_JOB_PUBLIC_BASE_URL", "https://portal.example")
    result = _cli(db_url, "privacy", "erase", "MIA.muster@example.org", input="ja\n")

    assert result.exit_code == 0, result.output
    assert "Nicht geändert: 1 Kontaktadressen" in result.output
    assert "Im Protokoll unkenntlich gemacht: 1 Einträge." in result.output
    session.expire_all()
    assert session.get(Registration, world.mia) is None
    assert session.get(Registration, world.lea).status == "confirmed"


def test_cli_erase_that_promotes_needs_the_portal_address_and_else_changes_nothing(
    session, world, db_url, monkeypatch
):
    """Lea's promotion mail needs links: from --base-url, the setting, or the host app."""
    monkeypatch.delenv("KWIS_JOB_PUBLIC_BASE_URL", raising=False)
    refused = _cli(db_url, "privacy", "erase", MIA, "--yes")

    assert refused.exit_code == 1
    assert "--base-url" in refused.output and "Nichts gelöscht." in refused.output
    session.expire_all()
    assert session.get(Registration, world.mia).status == "confirmed"
    assert session.get(Registration, world.lea).status == "waitlisted"

    before = set(session.scalars(select(OutboxMail.id)))
    done = _cli(db_url, "privacy", "erase", MIA, "--yes", "--base-url", "https://jobs.example")
    assert done.exit_code == 0, done.output
    session.expire_all()
    assert session.get(Registration, world.lea).status == "confirmed"
    [mail] = session.scalars(select(OutboxMail).where(OutboxMail.id.not_in(before))).all()
    assert mail.to_addr == "lea@example.org" and "https://jobs.example/jobs/" in mail.body_text


def test_inside_the_host_the_erase_mails_the_person_moving_up_with_portal_links(
    session, world, app
):
    app.config["KWIS_JOB_PUBLIC_BASE_URL"] = "https://jobs.wf-jena.example"
    before = set(session.scalars(select(OutboxMail.id)))

    with app.app_context():  # as ``flask job ...`` (FlaskGroup) pushes it for every command
        result = app.test_cli_runner().invoke(args=["job", "privacy", "erase", MIA, "--yes"])

    assert result.exit_code == 0, result.output
    session.expire_all()
    assert session.get(Registration, world.mia) is None
    assert session.get(Registration, world.lea).status == "confirmed"
    [mail] = session.scalars(select(OutboxMail).where(OutboxMail.id.not_in(before))).all()
    assert mail.to_addr == "lea@example.org"
    assert "https://jobs.wf-jena.example/" in mail.body_text
