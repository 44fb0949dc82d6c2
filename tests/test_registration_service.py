"""Registering for visit slots, as services: every state change, on both engines.

Links in mails come from ``Links`` below, so a test follows a mail's link as a visitor would:
it reads the token out of the queued mail's text.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import icalendar
import pytest
from kwis_hooks.refhost import create_app
from sqlalchemy import event, func, select

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import (
    Event,
    EventParticipation,
    OutboxMail,
    Registration,
    RegistrationToken,
    Slot,
)
from kwis_job_plugin.models.base import utcnow
from kwis_job_plugin.services.errors import NotFound, ValidationError
from kwis_job_plugin.services.events import mails, registrations, tokens
from kwis_job_plugin.services.events.registrations import RegistrationInput as Input

BASE = "https://portal.example/jobs"
TOKEN_RE = r"/anmeldung/(abmelden|bestaetigen)/([A-Za-z0-9_-]+)"


class Links:
    def cancel(self, token: str) -> str:
        return f"{BASE}/anmeldung/abmelden/{token}"

    def guardian(self, token: str) -> str:
        return f"{BASE}/anmeldung/bestaetigen/{token}"

    def event(self, event_id: int, slug: str) -> str:
        return f"{BASE}/termine/{event_id}-{slug}"


LINKS = Links()


def person(n: int, **values) -> Input:
    return Input(**{"first_name": f"Vorname{n}", "last_name": f"Nachname{n}",
                    "email": f"Person{n}@Schule.example", "over_16": True, **values})


@pytest.fixture
def ev(session, world):
    """A published event in Jena, one company, one slot in ten days with 2 places and a
    waiting list of 2."""
    profile = factories.ProfileFactory(customer=world.a.customer, region=world.region,
                                       status="published")
    day = date.today() + timedelta(days=10)
    event = Event(region_id=world.region.id, kind="open_companies", status="published",
                  slug="woche", title="Woche der offenen Betriebe", starts_on=day, ends_on=day)
    participation = EventParticipation(event=event, profile=profile)
    slot = Slot(participation=participation, title="Werkstattrundgang",
                starts_at=datetime.combine(day, datetime.min.time()).replace(hour=9),
                ends_at=datetime.combine(day, datetime.min.time()).replace(hour=11),
                capacity=2, waitlist_capacity=2, max_party_size=25, place="Halle 2")
    session.add_all([event, participation, slot])
    session.commit()
    return SimpleNamespace(event=event, slot=slot, profile=profile)


_nonce = iter(range(10**6))


def register(session, slot, data: Input, *, nonce: str | None = None, now=None, **kw):
    outcome = registrations.register(
        session, slot.id, data, now=now or utcnow(), nonce=nonce or f"n{next(_nonce)}",
        links=LINKS, **kw,
    )
    session.commit()
    return outcome


def mails_to(session, address: str) -> list[OutboxMail]:
    return session.scalars(
        select(OutboxMail).where(OutboxMail.to_addr == address).order_by(OutboxMail.id)
    ).all()


def token_in(mail: OutboxMail) -> str:
    found = re.search(TOKEN_RE, mail.body_text)
    assert found, mail.body_text
    return found.group(2)


def statuses(session, slot) -> list[tuple[str, str]]:
    session.expire_all()
    return [(r.email, r.status) for r in session.scalars(
        select(Registration).where(Registration.slot_id == slot.id).order_by(Registration.id))]


def held(session, slot) -> int:
    session.expire_all()
    return session.get(Slot, slot.id).confirmed_count


# --- registering -------------------------------------------------------------------------------


def test_register_confirms_while_places_are_free_then_waitlists_then_full(session, ev):
    outcomes = [register(session, ev.slot, person(n)).status for n in range(5)]
    assert outcomes == ["confirmed", "confirmed", "waitlisted", "waitlisted", "full"]
    assert held(session, ev.slot) == 2
    assert [s for _e, s in statuses(session, ev.slot)] == ["confirmed"] * 2 + ["waitlisted"] * 2
    first = mails_to(session, "person0@schule.example")
    assert [m.kind for m in first] == ["registration.confirmed"]
    cal = icalendar.Calendar.from_ical(first[0].ics)
    entry = cal.walk("VEVENT")[0]
    assert entry.decoded("dtstart").hour == 9 and str(entry["summary"]).startswith(
        "Werkstattrundgang")
    assert "/anmeldung/abmelden/" in first[0].body_text
    assert [m.kind for m in mails_to(session, "person2@schule.example")] == [
        "registration.waitlisted"]
    assert mails_to(session, "person4@schule.example") == [], "a full slot writes nothing"


@pytest.mark.parametrize("address", ["a\x00b@schule.example", "a@schule.example\r\nBcc: x@y.z",
                                     "\u202ea@schule.example", "kein-at-zeichen"])
def test_a_bad_address_is_refused_before_anything_is_looked_up(session, ev, address):
    """The service's own rule, not only the form's: PostgreSQL refuses NUL even in a lookup."""
    with pytest.raises(ValidationError) as refused:
        register(session, ev.slot, person(1, email=address))
    assert set(refused.value.errors) == {"email"}
    session.rollback()
    assert statuses(session, ev.slot) == []


def test_email_is_lower_cased_and_stored_once(session, ev):
    register(session, ev.slot, person(1, email="  Mixed.Case@Example.ORG "))
    assert statuses(session, ev.slot) == [("mixed.case@example.org", "confirmed")]


def test_a_duplicate_address_gets_the_answer_of_a_new_one_and_a_mail(session, ev):
    register(session, ev.slot, person(1))
    again = register(session, ev.slot,
                     person(1, first_name="Jemand", email="PERSON1@schule.example"))
    assert again.status == "confirmed" and again.registration is None
    assert len(statuses(session, ev.slot)) == 1
    kinds = [m.kind for m in mails_to(session, "person1@schule.example")]
    assert kinds == ["registration.confirmed", "registration.duplicate"]
    assert held(session, ev.slot) == 1


def test_a_double_submit_is_one_registration_with_the_same_answer(session, ev):
    first = register(session, ev.slot, person(1), nonce="same-form")
    second = register(session, ev.slot, person(1), nonce="same-form")
    assert first.status == second.status == "confirmed"
    assert second.registration.id == first.registration.id
    assert len(statuses(session, ev.slot)) == 1
    assert len(mails_to(session, "person1@schule.example")) == 1


def test_a_class_takes_as_many_places_as_people(session, ev):
    ev.slot.capacity = 30
    session.commit()
    outcome = register(session, ev.slot, person(1, party_size="25", school="Regelschule"))
    assert outcome.status == "confirmed" and held(session, ev.slot) == 25
    with pytest.raises(ValidationError) as refused:
        register(session, ev.slot, person(2, party_size=26))
    assert "party_size" in refused.value.errors


@pytest.mark.parametrize("values, field", [
    ({"first_name": "Eva\r\nBcc: x@evil.example"}, "first_name"),
    ({"last_name": "Null\x00Byte"}, "last_name"),
    ({"email": "a@b.example\nBcc: x@evil.example"}, "email"),
    ({"email": "keine-adresse"}, "email"),
    ({"first_name": "x" * 101}, "first_name"),
    ({"first_name": "  "}, "first_name"),
    ({"grade": "sieben"}, "grade"),
    ({"over_16": None}, "over_16"),
    ({"over_16": False}, "guardian_email"),
    ({"over_16": False, "guardian_email": "person1@schule.example"}, "guardian_email"),
    ({"over_16": False, "guardian_email": "g@x.example", "party_size": 3}, "party_size"),
])
def test_bad_input_is_refused_at_the_field_and_writes_nothing(session, ev, values, field):
    with pytest.raises(ValidationError) as refused:
        register(session, ev.slot, person(1, **values))
    assert field in refused.value.errors
    session.rollback()
    assert statuses(session, ev.slot) == []
    assert session.scalar(select(func.count()).select_from(OutboxMail)) == 0


def test_minimum_age_and_grade_are_respected(session, ev):
    ev.slot.min_age, ev.slot.min_grade = 14, 8
    session.commit()
    young = {"over_16": False, "guardian_email": "eltern@example.org"}
    with pytest.raises(ValidationError) as refused:
        register(session, ev.slot, person(1, grade=7, **young))
    assert set(refused.value.errors) == {"meets_min_age", "grade"}
    session.rollback()
    outcome = register(session, ev.slot, person(1, grade=8, meets_min_age=True, **young))
    assert outcome.status == "pending"
    assert register(session, ev.slot, person(2)).status == "confirmed", "16+ covers 14"


def test_the_registration_window_and_the_event_state_are_respected(session, ev):
    here = datetime.now()
    ev.event.registration_opens_at = here + timedelta(days=1)
    session.commit()
    with pytest.raises(registrations.Refused):
        register(session, ev.slot, person(1))
    session.rollback()
    ev.event.registration_opens_at = None
    ev.event.registration_closes_at = here - timedelta(days=1)
    session.commit()
    with pytest.raises(registrations.Refused):
        register(session, ev.slot, person(1))
    session.rollback()
    ev.event.registration_closes_at = None
    ev.slot.status = "cancelled"
    session.commit()
    with pytest.raises(registrations.Refused):
        register(session, ev.slot, person(1))
    session.rollback()
    assert statuses(session, ev.slot) == []


# --- guardians ---------------------------------------------------------------------------------


def young(n: int) -> Input:
    return person(n, over_16=False, guardian_email=f"eltern{n}@example.org", grade="7")


def test_under_16_holds_a_place_until_the_guardian_confirms(session, ev):
    outcome = register(session, ev.slot, young(1), hold_hours=24)
    assert outcome.status == "pending" and held(session, ev.slot) == 1
    assert mails_to(session, "person1@schule.example") == []
    request = mails_to(session, "eltern1@example.org")
    assert [m.kind for m in request] == ["registration.guardian_request"]
    token = token_in(request[0])
    assert registrations.peek(session, token, "guardian", utcnow()).status == "pending"
    with pytest.raises(NotFound):
        registrations.peek(session, token, "cancel", utcnow())  # one purpose each
    registrations.confirm_as_guardian(session, token, now=utcnow(), links=LINKS)
    session.commit()
    assert statuses(session, ev.slot) == [("person1@schule.example", "confirmed")]
    confirmation = mails_to(session, "person1@schule.example")
    assert [m.kind for m in confirmation] == ["registration.confirmed"]
    assert confirmation[0].ics
    with pytest.raises(NotFound):
        registrations.confirm_as_guardian(session, token, now=utcnow(), links=LINKS)


def test_an_unconfirmed_place_expires_and_the_next_person_moves_up(session, ev):
    now = utcnow()
    register(session, ev.slot, young(1), now=now, hold_hours=24)
    register(session, ev.slot, person(2), now=now)
    register(session, ev.slot, person(3), now=now)
    assert registrations.expire_pending(session, now + timedelta(hours=23), links=LINKS) == 0
    assert registrations.expire_pending(session, now + timedelta(hours=25), links=LINKS) == 1
    session.commit()
    assert [s for _e, s in statuses(session, ev.slot)] == ["expired", "confirmed", "confirmed"]
    assert held(session, ev.slot) == 2
    assert [m.kind for m in mails_to(session, "person1@schule.example")] == [
        "registration.expired"]
    assert [m.kind for m in mails_to(session, "person3@schule.example")] == [
        "registration.waitlisted", "registration.promoted"]
    token = token_in(mails_to(session, "eltern1@example.org")[0])
    with pytest.raises(NotFound):
        registrations.confirm_as_guardian(session, token, now=now + timedelta(hours=25),
                                          links=LINKS)


# --- cancelling and promotion ----------------------------------------------------------------


def test_cancel_frees_the_place_and_promotes_the_first_waiting_person(session, ev):
    for n in range(4):
        register(session, ev.slot, person(n))
    token = token_in(mails_to(session, "person0@schule.example")[0])
    assert registrations.peek(session, token, "cancel", utcnow()).email == (
        "person0@schule.example")
    session.rollback()
    assert statuses(session, ev.slot)[0][1] == "confirmed", "looking changes nothing"
    registrations.cancel(session, token, now=utcnow(), links=LINKS)
    session.commit()
    assert [s for _e, s in statuses(session, ev.slot)] == [
        "cancelled", "confirmed", "confirmed", "waitlisted"]
    assert held(session, ev.slot) == 2
    assert [m.kind for m in mails_to(session, "person0@schule.example")] == [
        "registration.confirmed", "registration.cancelled"]
    promoted = mails_to(session, "person2@schule.example")
    assert [m.kind for m in promoted] == ["registration.waitlisted", "registration.promoted"]
    assert promoted[1].ics
    with pytest.raises(NotFound):
        registrations.cancel(session, token, now=utcnow(), links=LINKS)
    session.rollback()
    # The waiting list's own link cancels a waiting place without promoting anybody.
    waiting = token_in(mails_to(session, "person3@schule.example")[0])
    registrations.cancel(session, waiting, now=utcnow(), links=LINKS)
    session.commit()
    assert statuses(session, ev.slot)[3][1] == "cancelled" and held(session, ev.slot) == 2


@pytest.mark.parametrize("token", ["", "x", "a" * 43, "a" * 5000, "null\x00byte"])
def test_wrong_tokens_are_not_found(session, ev, token):
    register(session, ev.slot, person(1))
    for purpose in ("cancel", "guardian"):
        with pytest.raises(NotFound):
            registrations.peek(session, token, purpose, utcnow())


def test_expired_and_foreign_tokens_are_not_found(session, ev):
    register(session, ev.slot, person(1))
    token = token_in(mails_to(session, "person1@schule.example")[0])
    assert session.scalar(select(RegistrationToken.token_hash)) == tokens.digest(token)
    assert token not in {t.token_hash for t in session.scalars(select(RegistrationToken))}
    after_the_visit = utcnow() + timedelta(days=30)
    with pytest.raises(NotFound):
        registrations.cancel(session, token, now=after_the_visit, links=LINKS)


def test_a_promoted_person_under_16_gets_a_held_place_and_the_guardian_a_link(session, ev):
    register(session, ev.slot, person(1))
    register(session, ev.slot, person(2))
    assert register(session, ev.slot, young(3)).status == "waitlisted"
    assert [m.kind for m in mails_to(session, "eltern3@example.org")] == [
        "registration.guardian_request"]
    registrations.cancel(session, token_in(mails_to(session, "person1@schule.example")[0]),
                         now=utcnow(), links=LINKS)
    session.commit()
    assert statuses(session, ev.slot)[2] == ("person3@schule.example", "pending")
    second = mails_to(session, "eltern3@example.org")
    assert len(second) == 2
    registrations.confirm_as_guardian(session, token_in(second[1]), now=utcnow(), links=LINKS)
    session.commit()
    assert statuses(session, ev.slot)[2] == ("person3@schule.example", "confirmed")


# --- capacity and organisers -------------------------------------------------------------------


def test_lowering_the_capacity_removes_nobody_and_stops_promotions(session, ev):
    ev.slot.capacity = 3
    session.commit()
    for n in range(5):
        register(session, ev.slot, person(n))
    assert held(session, ev.slot) == 3
    slot = session.get(Slot, ev.slot.id)
    slot.capacity = 1
    assert registrations.apply_capacity(session, slot, utcnow(), links=LINKS) == []
    session.commit()
    assert [s for _e, s in statuses(session, ev.slot)] == ["confirmed"] * 3 + ["waitlisted"] * 2
    for n in (0, 1):
        registrations.cancel(session, token_in(mails_to(session, f"person{n}@schule.example")[0]),
                             now=utcnow(), links=LINKS)
        session.commit()
    assert [s for _e, s in statuses(session, ev.slot)][3:] == ["waitlisted"] * 2, (
        "still one held for one place: nobody moves up")
    slot = session.get(Slot, ev.slot.id)
    slot.capacity = 3
    promoted = registrations.apply_capacity(session, slot, utcnow(), links=LINKS)
    session.commit()
    assert [r.email for r in promoted] == ["person3@schule.example", "person4@schule.example"]
    assert held(session, ev.slot) == 3


def test_cancel_by_organiser_cancels_everyone_active_once_without_promotion(session, ev):
    for n in range(4):
        register(session, ev.slot, person(n))
    registrations.cancel(session, token_in(mails_to(session, "person0@schule.example")[0]),
                         now=utcnow(), links=LINKS)
    session.commit()
    query = select(Registration).where(Registration.slot_id == ev.slot.id)
    count = registrations.cancel_by_organiser(session, query, reason="Krankheit\r\nim Team",
                                              cause="slot", links=LINKS)
    session.commit()
    assert count == 3
    assert {s for _e, s in statuses(session, ev.slot)} == {"cancelled"}
    assert held(session, ev.slot) == 0
    for n in (1, 2, 3):
        last = mails_to(session, f"person{n}@schule.example")[-1]
        assert last.kind == "registration.cancelled_slot"
        assert "Begründung: Krankheit im Team" in last.body_text
    assert [m.kind for m in mails_to(session, "person0@schule.example")][-1] == (
        "registration.cancelled")
    assert session.scalar(select(func.count()).select_from(OutboxMail).where(
        OutboxMail.kind == "registration.promoted")) == 1, "only the visitor's cancel promoted"
    assert registrations.cancel_by_organiser(session, list(session.scalars(query)),
                                             reason="", cause="event", links=LINKS) == 0


# --- reminders -------------------------------------------------------------------------------


def test_reminders_go_out_once_48_hours_before(session, ev):
    register(session, ev.slot, person(1))
    register(session, ev.slot, young(2))
    start_utc = registrations._utc(ev.slot.starts_at)
    assert registrations.send_reminders(session, start_utc - timedelta(hours=49),
                                        links=LINKS) == 0
    assert registrations.send_reminders(session, start_utc - timedelta(hours=47),
                                        links=LINKS) == 1
    session.commit()
    assert registrations.send_reminders(session, start_utc - timedelta(hours=46),
                                        links=LINKS) == 0
    session.commit()
    kinds = [m.kind for m in mails_to(session, "person1@schule.example")]
    assert kinds == ["registration.confirmed", "registration.reminder"]
    assert mails_to(session, "person2@schule.example") == [], "pending gets no reminder"


def test_mails_need_links_passed_explicitly(session, ev):
    """Nothing is installed in the process to fall back on: no links, a clear error."""
    with pytest.raises(mails.MissingLinks, match="links="):
        registrations.register(session, ev.slot.id, person(1), now=utcnow(), nonce="x")
    session.rollback()
    assert session.scalars(select(Registration).where(Registration.slot_id == ev.slot.id)
                           ).all() == []


def test_an_app_with_unlocked_slots_leaves_everyone_elses_lock_alone(session, ev, db_url,
                                                                      engine_name):
    """The test-only ``KWIS_JOB_TEST_UNLOCKED_SLOTS`` is read by the views per request, never
    installed in the process: building such an app (the race tests' control run does) changes
    nothing for other apps or callers in the same process."""
    unlocked_app = create_app({"KWIS_DATABASE_URL": db_url, "SECRET_KEY": "x",
                               "KWIS_JOB_TEST_UNLOCKED_SLOTS": True})
    unlocked_app.extensions["kwis_host"]["engine"].dispose()
    session.commit()
    statements = []
    bind = session.get_bind()

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(bind, "before_cursor_execute", seen)
    try:
        registrations.lock_slot(session, ev.slot.id)
    finally:
        event.remove(bind, "before_cursor_execute", seen)
        session.rollback()
    expected = "FOR UPDATE" if engine_name == "postgresql" else "BEGIN IMMEDIATE"
    assert any(expected in statement for statement in statements), statements


# --- the command line --------------------------------------------------------------------------


def test_events_tick_expires_pending_places_and_sends_reminders(session, ev, db_url):
    from click.testing import CliRunner

    from kwis_job_plugin.cli import job

    ev.slot.starts_at = registrations._berlin(utcnow() + timedelta(hours=30)).replace(
        second=0, microsecond=0)
    ev.slot.ends_at = ev.slot.starts_at + timedelta(hours=2)
    session.commit()
    earlier = utcnow() - timedelta(hours=80)
    register(session, ev.slot, young(1), now=earlier, hold_hours=72)
    register(session, ev.slot, person(2))
    register(session, ev.slot, person(3))
    result = CliRunner().invoke(job, ["--database-url", db_url, "events", "tick",
                                      "--base-url", "https://wfg.example"])
    assert result.exit_code == 0, result.output
    assert "1 nicht bestätigte Plätze freigegeben, 2 Erinnerungen" in result.output
    assert [s for _e, s in statuses(session, ev.slot)] == ["expired", "confirmed", "confirmed"]
    reminder = mails_to(session, "person3@schule.example")[-1]
    assert reminder.kind == "registration.reminder"
    assert "https://wfg.example/jobs/anmeldung/abmelden/" in reminder.body_text
    again = CliRunner().invoke(job, ["--database-url", db_url, "events", "tick"])
    assert "0 nicht bestätigte Plätze freigegeben, 0 Erinnerungen" in again.output


def test_a_changed_slot_is_mailed_to_everyone_active_with_a_cancel_link(session, ev):
    for n in range(3):
        register(session, ev.slot, person(n))
    registrations.cancel(session, token_in(mails_to(session, "person0@schule.example")[0]),
                         now=utcnow(), links=LINKS)
    session.commit()
    count = registrations.notify_slot_changed(session, ev.slot, ["Neue Uhrzeit: 10:00 Uhr"],
                                              links=LINKS)
    session.commit()
    assert count == 2
    for n in (1, 2):
        mail = mails_to(session, f"person{n}@schule.example")[-1]
        assert mail.kind == "registration.slot_changed" and "– Neue Uhrzeit" in mail.body_text
        assert registrations.peek(session, token_in(mail), "cancel", utcnow())
    assert mails_to(session, "person0@schule.example")[-1].kind == "registration.cancelled"
