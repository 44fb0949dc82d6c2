"""``retention.run`` and ``kwis-job retention run``: registrations go some time after the event,
counts for the indicators stay, sent mails go after ``KWIS_JOB_OUTBOX_KEEP_DAYS``; a second run
changes nothing. Real rows on SQLite and PostgreSQL."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from click.testing import CliRunner
from sqlalchemy import func, select

from kwis_job_plugin.cli import job
from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import (
    AuditEntry,
    DailyCounter,
    Event,
    EventParticipation,
    OutboxMail,
    Registration,
    RegistrationToken,
    Slot,
)
from kwis_job_plugin.services.events import retention

TODAY = date(2026, 6, 15)


def _event(session, region, profile, *, ends_on, retention_days=90, title="Messe"):
    event = Event(
        region_id=region.id, kind="fair", status="published", slug="messe", title=title,
        starts_on=ends_on - timedelta(days=1), ends_on=ends_on, retention_days=retention_days,
    )
    participation = EventParticipation(event=event, profile=profile)
    start = datetime.combine(ends_on, datetime.min.time()).replace(hour=9)
    slot = Slot(participation=participation, title="Rundgang", starts_at=start,
                ends_at=start + timedelta(hours=2), capacity=20, waitlist_capacity=5)
    session.add_all([event, participation, slot])
    session.flush()
    return event, slot


def _register(session, slot, email, *, status="confirmed", school=None, party_size=1,
              checked_in=False, tokens=1):
    registration = Registration(
        slot=slot, status=status, first_name="Mia", last_name="Muster", email=email,
        school=school, party_size=party_size,
        checked_in_at=datetime(2026, 3, 1, 9, 5) if checked_in else None,
    )
    for _n in range(tokens):
        registration.tokens.append(RegistrationToken(
            purpose="cancel", token_hash=secrets.token_hex(32),
            expires_at=datetime(2026, 3, 2),
        ))
    session.add(registration)
    return registration


def _world(session):
    region = factories.RegionFactory(slug="jena", name="Stadt Jena")
    profile = factories.ProfileFactory(region=region, customer__name="Optik Alpha")
    due, slot = _event(session, region, profile, ends_on=TODAY - timedelta(days=91),
                       retention_days=90, title="Vergangene Messe")
    _register(session, slot, "a@example.org", school="Lobdeburgschule", checked_in=True)
    _register(session, slot, "b@example.org", school="  lobdeburgschule ")
    _register(session, slot, "klasse@example.org", school="Angergymnasium", party_size=12,
              checked_in=True, tokens=2)
    _register(session, slot, "w@example.org", status="waitlisted", school="Westschule")
    _register(session, slot, "c@example.org", status="cancelled", school="Ostschule")
    recent, recent_slot = _event(session, region, profile, ends_on=TODAY - timedelta(days=10),
                                 title="Jüngste Messe")
    _register(session, recent_slot, "a@example.org", school="Lobdeburgschule")
    session.commit()
    return region, due, recent


def _counters(session):
    return {
        (c.day, c.metric, c.scope, c.subject): c.value
        for c in session.scalars(select(DailyCounter))
    }


def _count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


def _registrations_of(session, event):
    return _count(
        session, Registration,
        Registration.slot_id.in_(
            select(Slot.id).join(EventParticipation).where(EventParticipation.event_id == event.id)
        ),
    )


def test_a_due_event_keeps_only_counts_and_a_second_run_changes_nothing(session):
    region, due, recent = _world(session)

    summary = retention.run(session, TODAY)
    session.commit()

    assert summary == retention.RetentionSummary(events=1, registrations=5, tokens=6,
                                                 outbox_mails=0)
    assert _registrations_of(session, due) == 0
    assert _registrations_of(session, recent) == 1, "an event not yet due is not touched"
    assert _count(session, RegistrationToken) == 1
    subject = f"event:{due.id}"
    expected = {
        (due.ends_on, "event_registrations", "jena", subject): 3,
        (due.ends_on, "event_attendance", "jena", subject): 2,
        (due.ends_on, "event_schools", "jena", subject): 2,
        (due.ends_on, "event_places", "jena", subject): 14,
        (due.ends_on, "event_waitlisted", "jena", subject): 1,
    }
    assert _counters(session) == expected
    logged = session.scalars(select(AuditEntry)).one()
    assert (logged.action, logged.object_id, logged.details["registrations"]) == (
        "event.registrations_deleted", due.id, 5)
    assert "example.org" not in str(logged.details)

    again = retention.run(session, TODAY)
    session.commit()
    assert again == retention.RetentionSummary()
    assert _counters(session) == expected, "a second run must not double the counts"
    assert _count(session, AuditEntry) == 1
    assert _registrations_of(session, recent) == 1


def test_the_retention_ends_the_day_after_ends_on_plus_retention_days(session):
    region = factories.RegionFactory(slug="jena", name="Stadt Jena")
    profile = factories.ProfileFactory(region=region)
    event, slot = _event(session, region, profile, ends_on=TODAY - timedelta(days=30),
                         retention_days=30)
    _register(session, slot, "a@example.org")
    session.commit()

    assert not retention.is_due(event, TODAY)
    assert retention.run(session, TODAY).registrations == 0
    assert _registrations_of(session, event) == 1

    tomorrow = TODAY + timedelta(days=1)
    assert retention.is_due(event, tomorrow)
    assert retention.run(session, tomorrow).registrations == 1
    session.commit()
    assert _registrations_of(session, event) == 0


def test_an_event_without_registrations_gets_zero_counters_once(session):
    region = factories.RegionFactory(slug="weimarer-land", name="Weimarer Land")
    profile = factories.ProfileFactory(region=region)
    event, _slot = _event(session, region, profile, ends_on=TODAY - timedelta(days=200))
    session.commit()

    assert retention.run(session, TODAY).events == 1
    session.commit()
    values = {k[1]: v for k, v in _counters(session).items()}
    assert values == dict.fromkeys(retention.METRICS, 0)
    assert retention.run(session, TODAY).events == 0
    session.commit()
    assert len(_counters(session)) == len(retention.METRICS)


def _mail(session, to, *, status, sent_days_ago=None, created_days_ago=60):
    now = datetime.combine(TODAY, datetime.min.time()).replace(hour=12)
    mail = OutboxMail(
        to_addr=to, subject="Ihre Anmeldung", body_text="Hallo Mia", kind="registration",
        status=status, attempts=1, created_at=now - timedelta(days=created_days_ago),
        next_attempt_at=now - timedelta(days=created_days_ago),
        sent_at=None if sent_days_ago is None else now - timedelta(days=sent_days_ago),
    )
    session.add(mail)
    return mail


def test_sent_mails_older_than_the_setting_are_deleted_pending_and_failed_stay(session):
    _mail(session, "old@example.org", status="sent", sent_days_ago=31)
    kept = _mail(session, "recent@example.org", status="sent", sent_days_ago=29)
    pending = _mail(session, "pending@example.org", status="pending")
    failed = _mail(session, "failed@example.org", status="failed")
    session.commit()

    assert retention.run(session, TODAY).outbox_mails == 1
    session.commit()
    left = set(session.scalars(select(OutboxMail.to_addr)))
    assert left == {kept.to_addr, pending.to_addr, failed.to_addr}

    assert retention.run(session, TODAY, outbox_keep_days=7).outbox_mails == 1
    session.commit()
    assert set(session.scalars(select(OutboxMail.to_addr))) == {pending.to_addr, failed.to_addr}


def _cli(db_url, *args, **kwargs):
    return CliRunner().invoke(job, ["--database-url", db_url, *args], **kwargs)


def test_the_cli_runs_the_retention_and_reports_counts(session, db_url, monkeypatch):
    monkeypatch.delenv("KWIS_JOB_OUTBOX_KEEP_DAYS", raising=False)
    _region, due, recent = _world(session)
    _mail(session, "old@example.org", status="sent", sent_days_ago=40)
    _mail(session, "recent@example.org", status="sent", sent_days_ago=20)
    session.commit()

    result = _cli(db_url, "retention", "run", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "Aufbewahrung: 5 Anmeldungen aus 1 Veranstaltungen gelöscht (Zahlen behalten), "
        "1 versendete E-Mails gelöscht."
    )
    session.expire_all()
    assert _registrations_of(session, due) == 0 and _registrations_of(session, recent) == 1
    assert _count(session, OutboxMail) == 1

    shorter = _cli(db_url, "retention", "run", "--today", TODAY.isoformat(),
                   env={"KWIS_JOB_OUTBOX_KEEP_DAYS": "10"})
    assert shorter.exit_code == 0, shorter.output
    assert "0 Anmeldungen aus 0 Veranstaltungen" in shorter.output
    assert "1 versendete E-Mails gelöscht" in shorter.output
    session.expire_all()
    assert _count(session, OutboxMail) == 0


def test_the_cli_refuses_a_bad_date_or_day_count(db_url):
    bad_date = _cli(db_url, "retention", "run", "--today", "15.06.2026")
    assert bad_date.exit_code == 2 and "--today" in bad_date.output
    negative = _cli(db_url, "retention", "run", "--outbox-keep-days", "-1")
    assert negative.exit_code == 2 and "--outbox-keep-days" in negative.output


def test_inside_the_host_the_setting_decides_how_long_sent_mails_stay(session, app,
                                                                      monkeypatch):
    monkeypatch.delenv("KWIS_JOB_OUTBOX_KEEP_DAYS", raising=False)
    app.config["KWIS_JOB_OUTBOX_KEEP_DAYS"] = 7
    _mail(session, "ten-days@example.org", status="sent", sent_days_ago=10)
    kept = _mail(session, "five-days@example.org", status="sent", sent_days_ago=5)
    session.commit()

    with app.app_context():  # as ``flask job ...`` (FlaskGroup) pushes it for every command
        result = app.test_cli_runner().invoke(
            args=["job", "retention", "run", "--today", TODAY.isoformat()])

    assert result.exit_code == 0, result.output
    assert "1 versendete E-Mails gelöscht" in result.output
    session.expire_all()
    assert set(session.scalars(select(OutboxMail.to_addr))) == {kept.to_addr}
