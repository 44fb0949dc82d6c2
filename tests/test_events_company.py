"""The self-service tab "Veranstaltungen": taking part, stands, slots, attendee lists, CSV,
check-in, on both engines, as services and through the reference host.

Company A takes part; company B (same region) must get a 404 for every one of A's ids, and a
company outside every region gets nothing. Mails' links come from ``LINKS``.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from support.web import csrf_token, login

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import (
    Event,
    EventParticipation,
    OccupationalField,
    OutboxMail,
    Registration,
    Slot,
)
from kwis_job_plugin.models.base import utcnow
from kwis_job_plugin.services import features
from kwis_job_plugin.services.errors import EditConflict, NotFound, ValidationError
from kwis_job_plugin.services.events import companies, registrations
from kwis_job_plugin.services.events.companies import SlotInput, StandInput
from kwis_job_plugin.services.events.registrations import RegistrationInput

BASE = "/selfservice/job/veranstaltungen"
NOW = datetime.now().replace(microsecond=0)
DAY = date.today() + timedelta(days=10)


class Links:
    def cancel(self, token: str) -> str:
        return f"https://portal.example/jobs/anmeldung/abmelden/{token}"

    def guardian(self, token: str) -> str:
        return f"https://portal.example/jobs/anmeldung/bestaetigen/{token}"

    def event(self, event_id: int, slug: str) -> str:
        return f"https://portal.example/jobs/termine/{event_id}-{slug}"


LINKS = Links()


def _event(session, region, title, **values) -> Event:
    event = Event(region_id=region.id, kind=values.pop("kind", "open_companies"),
                  status=values.pop("status", "published"), slug="termin", title=title,
                  starts_on=values.pop("starts_on", DAY),
                  ends_on=values.pop("ends_on", DAY + timedelta(days=2)), **values)
    session.add(event)
    return event


@pytest.fixture
def ew(session, world):
    """A and B with profiles in Jena (events on), open events, and events A must not see."""
    features.set_enabled(session, world.region.id, "events", True, None)
    a = factories.ProfileFactory(customer=world.a.customer, region=world.region,
                                 status="published")
    b = factories.ProfileFactory(customer=world.b.customer, region=world.region,
                                 status="published")
    outside = factories.ProfileFactory(customer=world.outside.customer, status="published")
    elsewhere = factories.RegionFactory(slug="weimar", name="Weimarer Land", prefixes=["16071"])
    session.flush()
    ns = SimpleNamespace(
        world=world, a=a, b=b, outside=outside,
        visits=_event(session, world.region, "Woche der offenen Betriebe"),
        at_companies=_event(session, world.region, "Tag in den Betrieben", at_companies=True),
        fair=_event(session, world.region, "Ausbildungsmesse Jena", kind="fair",
                    participation_closes_at=NOW + timedelta(days=3)),
        closed=_event(session, world.region, "Geschlossene Woche",
                      participation_closes_at=NOW - timedelta(hours=1)),
        not_yet=_event(session, world.region, "Spätere Woche",
                       participation_opens_at=NOW + timedelta(days=1)),
        draft=_event(session, world.region, "Entwurfswoche", status="draft"),
        ended=_event(session, world.region, "Vergangene Woche",
                     starts_on=date.today() - timedelta(days=5),
                     ends_on=date.today() - timedelta(days=1)),
        weimar=_event(session, elsewhere, "Woche im Weimarer Land"),
    )
    session.commit()
    return ns


def fields(session, top_level=True) -> list[OccupationalField]:
    query = select(OccupationalField).where(OccupationalField.active.is_(True))
    query = query.where(OccupationalField.parent_id.is_(None) if top_level
                        else OccupationalField.parent_id.is_not(None))
    return list(session.scalars(query.order_by(OccupationalField.id)))


def slot_input(session, **values) -> SlotInput:
    data = dict(title="Rundgang durch die Werkstatt", description="Wir zeigen die Maschinen.",
                day=DAY, start_time=time(9, 0), end_time=time(11, 0), capacity=2,
                waitlist_capacity=2, min_age=None, min_grade=7, max_party_size=1,
                place="Halle 2, Eingang Werkstor", accessibility="stufenlos",
                field_ids=[fields(session)[0].id])
    data.update(values)
    return SlotInput(**data)


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def take_part(session, ew, event=None, profile_customer=None) -> EventParticipation:
    customer_id = profile_customer or ew.world.a.customer_id
    participation = companies.take_part(session, customer_id, (event or ew.visits).id, NOW)
    session.commit()
    return participation


def new_slot(session, ew, participation, **values) -> Slot:
    slot = companies.create_slot(session, ew.world.a.customer_id, participation.id,
                                 slot_input(session, **values), NOW)
    session.commit()
    return slot


_nonce = iter(range(10**6))


def register(session, slot, n: int, **values):
    data = RegistrationInput(first_name=f"Vorname{n}", last_name=f"Nachname{n}",
                             email=f"person{n}@schule.example", school="Angergymnasium",
                             grade=8, over_16=True, **values)
    outcome = registrations.register(session, slot.id, data, now=utcnow(),
                                     nonce=f"n{next(_nonce)}", links=LINKS)
    session.commit()
    return outcome


# --- taking part -------------------------------------------------------------------------------


def test_the_company_sees_the_open_events_of_its_region_only(session, ew):
    titles = [row.event.title for row in companies.overview(session, ew.world.a.customer_id, NOW)]
    assert titles == ["Woche der offenen Betriebe", "Tag in den Betrieben",
                      "Ausbildungsmesse Jena"]
    for hidden in (ew.closed, ew.not_yet, ew.draft, ew.ended, ew.weimar):
        with pytest.raises((NotFound, ValidationError)):
            companies.take_part(session, ew.world.a.customer_id, hidden.id, NOW)
        session.rollback()
    assert count(session, EventParticipation) == 0


def test_taking_part_twice_is_one_participation_and_withdrawing_works_until_someone_registers(
    session, ew
):
    first = take_part(session, ew)
    assert take_part(session, ew).id == first.id
    assert count(session, EventParticipation) == 1
    row = companies.overview(session, ew.world.a.customer_id, NOW)[0]
    assert row.participation.id == first.id and not row.can_take_part
    slot = new_slot(session, ew, first)
    register(session, slot, 1)
    with pytest.raises(ValidationError) as refused:
        companies.withdraw(session, ew.world.a.customer_id, first.id)
    assert "sagen Sie zuerst diese Termine ab" in refused.value.errors["participation"]
    session.rollback()
    companies.cancel_slot(session, ew.world.a.customer_id, slot.id, None, links=LINKS)
    companies.withdraw(session, ew.world.a.customer_id, first.id)
    session.commit()
    session.expire_all()
    assert session.get(EventParticipation, first.id).status == "withdrawn"
    again = take_part(session, ew)
    assert again.id == first.id and again.status == "registered" and again.withdrawn_at is None


def test_a_closed_window_refuses_taking_part_but_keeps_an_existing_participation(session, ew):
    with pytest.raises(ValidationError) as refused:
        companies.take_part(session, ew.world.a.customer_id, ew.closed.id, NOW)
    assert "nicht geöffnet" in refused.value.errors["event"]
    session.rollback()
    session.add(EventParticipation(event_id=ew.closed.id, profile_id=ew.a.id))
    session.commit()
    rows = {r.event.id: r for r in companies.overview(session, ew.world.a.customer_id, NOW)}
    assert ew.closed.id in rows and not rows[ew.closed.id].can_take_part
    participation = rows[ew.closed.id].participation
    with pytest.raises(ValidationError) as no_new:
        companies.create_slot(session, ew.world.a.customer_id, participation.id,
                              slot_input(session), NOW)
    assert "neue Termine sind nicht mehr möglich" in no_new.value.errors["participation"]
    session.rollback()
    assert count(session, Slot) == 0


def test_a_company_outside_every_region_gets_nothing(session, ew):
    customer_id = ew.world.outside.customer_id
    assert companies.overview(session, customer_id, NOW) == []
    with pytest.raises(NotFound):
        companies.take_part(session, customer_id, ew.visits.id, NOW)


# --- the stand at a fair --------------------------------------------------------------------------


def test_the_stand_at_a_fair_is_saved_and_only_fairs_have_one_slots_at_every_kind(session, ew):
    fair = take_part(session, ew, ew.fair)
    companies.update_stand(session, ew.world.a.customer_id, fair.id, StandInput(
        stand_info="  Werkstücke zum Anfassen\nund eine VR-Brille ", stand_people="zwei Azubis"),
        NOW)
    session.commit()
    session.expire_all()
    saved = session.get(EventParticipation, fair.id)
    assert saved.stand_info == "Werkstücke zum Anfassen\nund eine VR-Brille"
    assert saved.stand_people == "zwei Azubis"
    visits = take_part(session, ew)
    with pytest.raises(NotFound):
        companies.update_stand(session, ew.world.a.customer_id, visits.id, StandInput(), NOW)
    at_the_stand = companies.create_slot(
        session, ew.world.a.customer_id, fair.id, slot_input(session), NOW)
    assert at_the_stand.participation_id == fair.id


@pytest.mark.parametrize("values, field", [
    ({"stand_info": "Werkstatt\x00"}, "stand_info"),
    ({"stand_info": "x" * 2001}, "stand_info"),
    ({"stand_people": "zwei\nAzubis"}, "stand_people"),
    ({"stand_people": "Azubi \u202eniwS"}, "stand_people"),
    ({"stand_people": "x" * 301}, "stand_people"),
])
def test_bad_stand_input_is_refused_at_its_field(session, ew, values, field):
    fair = take_part(session, ew, ew.fair)
    with pytest.raises(ValidationError) as refused:
        companies.update_stand(session, ew.world.a.customer_id, fair.id, StandInput(**values),
                               NOW)
    assert set(refused.value.errors) == {field}
    session.rollback()
    session.expire_all()
    assert session.get(EventParticipation, fair.id).stand_info is None


# --- slots --------------------------------------------------------------------------------------


def test_a_slot_is_created_with_every_value(session, ew):
    participation = take_part(session, ew)
    field = fields(session)[1]
    slot = new_slot(session, ew, participation, title="  Schnuppern in der Backstube ",
                    max_party_size=2, capacity=30, min_age=14, field_ids=[field.id, field.id])
    session.expire_all()
    saved = session.get(Slot, slot.id)
    assert (saved.title, saved.starts_at, saved.ends_at) == (
        "Schnuppern in der Backstube", datetime.combine(DAY, time(9)),
        datetime.combine(DAY, time(11)))
    assert (saved.capacity, saved.waitlist_capacity, saved.min_age, saved.min_grade,
            saved.max_party_size, saved.field_ids, saved.status, saved.confirmed_count) == (
        30, 2, 14, 7, 2, [field.id], "open", 0)


BAD_SLOTS = [
    ({"title": "  "}, "title"),
    ({"title": "Rundgang\x00"}, "title"),
    ({"title": "Rundgang\nzwei"}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"description": "Maschinen\x00"}, "description"),
    ({"description": "x" * 2001}, "description"),
    ({"day": None}, "day"),
    ({"day": DAY - timedelta(days=1)}, "day"),
    ({"day": DAY + timedelta(days=3)}, "day"),
    ({"start_time": None}, "start_time"),
    ({"end_time": time(8, 59)}, "end_time"),
    ({"end_time": time(9, 0)}, "end_time"),
    ({"capacity": None}, "capacity"),
    ({"capacity": 0}, "capacity"),
    ({"capacity": 501}, "capacity"),
    ({"capacity": 2**40}, "capacity"),
    ({"waitlist_capacity": -1}, "waitlist_capacity"),
    ({"min_age": 9}, "min_age"),
    ({"min_grade": 14}, "min_grade"),
    ({"max_party_size": 0}, "max_party_size"),
    ({"max_party_size": 3}, "max_party_size"),
    ({"place": "x" * 201}, "place"),
    ({"place": "Halle\x1b2"}, "place"),
    ({"accessibility": "stufenlos \u2066"}, "accessibility"),
    ({"field_ids": [2**31 + 5]}, "field_ids"),
    ({"field_ids": [-1]}, "field_ids"),
]


@pytest.mark.parametrize("values, field", BAD_SLOTS)
def test_bad_slot_input_is_refused_at_its_field_and_nothing_is_written(
    session, ew, values, field
):
    participation = take_part(session, ew)
    with pytest.raises(ValidationError) as refused:
        companies.create_slot(session, ew.world.a.customer_id, participation.id,
                              slot_input(session, **values), NOW)
    assert set(refused.value.errors) == {field}, refused.value.errors
    assert all(refused.value.errors.values())
    session.rollback()
    assert count(session, Slot) == 0


def test_a_sub_field_or_missing_place_in_the_companies_is_refused(session, ew):
    participation = take_part(session, ew, ew.at_companies)
    sub = fields(session, top_level=False)
    values = {"place": " ", **({"field_ids": [sub[0].id]} if sub else {})}
    with pytest.raises(ValidationError) as refused:
        companies.create_slot(session, ew.world.a.customer_id, participation.id,
                              slot_input(session, **values), NOW)
    assert set(refused.value.errors) == ({"place", "field_ids"} if sub else {"place"})
    assert "Treffpunkt" in refused.value.errors["place"]


def test_editing_a_slot_checks_the_version(session, ew):
    participation = take_part(session, ew)
    slot = new_slot(session, ew, participation)
    opened = slot.version
    companies.update_slot(session, ew.world.a.customer_id, slot.id,
                          slot_input(session, title="Neu"), opened, NOW)
    session.commit()
    with pytest.raises(EditConflict):
        companies.update_slot(session, ew.world.a.customer_id, slot.id,
                              slot_input(session, title="Veraltet"), opened, NOW)
    session.rollback()
    session.expire_all()
    assert session.get(Slot, slot.id).title == "Neu"


def test_raising_the_capacity_promotes_and_lowering_it_removes_nobody(session, ew):
    participation = take_part(session, ew)
    slot = new_slot(session, ew, participation)
    outcomes = [register(session, slot, n).status for n in range(4)]
    assert outcomes == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    session.expire_all()
    lower = companies.update_slot(session, ew.world.a.customer_id, slot.id,
                                  slot_input(session, capacity=1),
                                  session.get(Slot, slot.id).version, NOW, links=LINKS)
    session.commit()
    session.expire_all()
    assert [r.status for r in companies.attendee_list(
        session, ew.world.a.customer_id, slot.id).attendees] == [
        "confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert session.get(Slot, lower.id).confirmed_count == 2
    companies.update_slot(session, ew.world.a.customer_id, slot.id,
                          slot_input(session, capacity=3), session.get(Slot, slot.id).version,
                          NOW, links=LINKS)
    session.commit()
    session.expire_all()
    statuses = dict(session.execute(select(Registration.email, Registration.status)).all())
    assert statuses == {"person0@schule.example": "confirmed", "person1@schule.example":
                        "confirmed", "person2@schule.example": "confirmed",
                        "person3@schule.example": "waitlisted"}
    assert session.get(Slot, slot.id).confirmed_count == 3
    promoted = session.scalars(select(OutboxMail.kind).where(
        OutboxMail.to_addr == "person2@schule.example").order_by(OutboxMail.id)).all()
    assert promoted[-1] == "registration.promoted"


def test_cancelling_a_slot_cancels_and_mails_every_active_registration(session, ew):
    participation = take_part(session, ew)
    slot = new_slot(session, ew, participation)
    for n in range(3):
        register(session, slot, n)
    cancelled = companies.cancel_slot(session, ew.world.a.customer_id, slot.id,
                                      "Wasserschaden in der Halle", links=LINKS)
    session.commit()
    assert cancelled == 3
    session.expire_all()
    saved = session.get(Slot, slot.id)
    assert saved.status == "cancelled" and saved.cancelled_at is not None
    assert set(session.scalars(select(Registration.status))) == {"cancelled"}
    sent = session.scalars(select(OutboxMail).where(
        OutboxMail.kind == "registration.cancelled_slot")).all()
    assert sorted(m.to_addr for m in sent) == [f"person{n}@schule.example" for n in range(3)]
    assert all("Wasserschaden in der Halle" in m.body_text for m in sent)
    assert companies.cancel_slot(session, ew.world.a.customer_id, slot.id, None) == 0
    with pytest.raises(ValidationError):
        companies.update_slot(session, ew.world.a.customer_id, slot.id, slot_input(session),
                              saved.version, NOW)


# --- attendee lists, CSV and check-in ----------------------------------------------------------


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised():
    for dangerous in ("=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert companies.csv_cell(dangerous) == "'" + dangerous
    for harmless in ("Müller", "", "7", " =1", "Anne-Marie"):
        assert companies.csv_cell(harmless) == harmless
    assert companies.csv_cell(None) == ""


def _attendee(session, slot, first, last, status="confirmed", **values) -> Registration:
    registration = Registration(slot_id=slot.id, status=status, first_name=first, last_name=last,
                                email=f"{last.lower()}@schule.example".replace("=", "x"),
                                guardian_email="eltern@familie.example", party_size=1, **values)
    session.add(registration)
    session.commit()
    return registration


# --- through the reference host -----------------------------------------------------------------


def field_errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="kj-field-error" id="([\w-]+)-error">([^<]+)</p>', html))


@pytest.fixture
def as_a(client, ew):
    login(client, ew.world.a.email, ew.world.password)
    return client


def post(client, page_url: str, action: str, data: dict | None = None):
    page = client.get(page_url)
    assert page.status_code == 200, (page_url, page.status_code)
    return client.post(action, data={**(data or {}), "csrf_token": csrf_token(page.data)})


def form_values(**overrides) -> dict:
    data = {"title": "Rundgang", "description": "Maschinen", "day": DAY.strftime("%d.%m.%Y"),
            "start_time": "9:00", "end_time": "11.30 Uhr", "capacity": "2",
            "waitlist_capacity": "1", "min_age": "", "min_grade": "7", "max_party_size": "1",
            "place": "Halle 2", "accessibility": ""}
    data.update(overrides)
    return data


def test_the_tab_takes_part_and_creates_a_slot_through_forms(as_a, session, ew):
    page = as_a.get(BASE).get_data(as_text=True)
    assert "Woche der offenen Betriebe" in page and "Woche im Weimarer Land" not in page
    response = post(as_a, BASE, f"{BASE}/{ew.visits.id}/teilnehmen")
    assert response.status_code == 303
    participation = session.scalars(select(EventParticipation)).one()
    assert response.headers["Location"].endswith(f"/teilnahme/{participation.id}")
    new = f"{BASE}/teilnahme/{participation.id}/termine/neu"
    response = post(as_a, new, new, form_values())
    assert response.status_code == 303, field_errors(response.get_data(as_text=True))
    slot = session.scalars(select(Slot)).one()
    assert (slot.title, slot.ends_at) == ("Rundgang", datetime.combine(DAY, time(11, 30)))
    overview = as_a.get(f"{BASE}/teilnahme/{participation.id}").get_data(as_text=True)
    assert "Rundgang" in overview and "0 von 2 belegt" in overview


@pytest.mark.parametrize("values, field", [
    ({"title": "Rund\x00gang"}, "title"),
    ({"description": "Maschinen\x00"}, "description"),
    ({"place": "Halle\x00 2"}, "place"),
    ({"start_time": "25:00"}, "start_time"),
    ({"day": "31.02.2026"}, "day"),
    ({"capacity": "viele"}, "capacity"),
    ({"capacity": "99999999999999"}, "capacity"),
    ({"field_ids": ["99999999999"]}, "field_ids"),
])
def test_the_slot_form_shows_each_refusal_at_its_field(as_a, session, ew, values, field):
    participation = take_part(session, ew)
    new = f"{BASE}/teilnahme/{participation.id}/termine/neu"
    response = post(as_a, new, new, form_values(**values))
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True))
    assert set(errors) == {field}, errors
    assert count(session, Slot) == 0


def test_a_stale_slot_form_answers_409_with_a_german_message(as_a, session, ew):
    participation = take_part(session, ew)
    slot = new_slot(session, ew, participation)
    edit = f"{BASE}/termine/{slot.id}/bearbeiten"
    page = as_a.get(edit)
    token = csrf_token(page.data)
    version = re.search(r'name="version"[^>]*value="(\d+)"', page.get_data(as_text=True))[1]
    companies.update_slot(session, ew.world.a.customer_id, slot.id,
                          slot_input(session, title="Von jemand anderem"), slot.version, NOW)
    session.commit()
    response = as_a.post(edit, data={**form_values(title="Meine Fassung"), "version": version,
                                     "csrf_token": token})
    assert response.status_code == 409
    assert "Jemand anderes hat diesen Termin inzwischen geändert." in response.get_data(
        as_text=True)
    session.expire_all()
    assert session.get(Slot, slot.id).title == "Von jemand anderem"
    fresh = re.search(r'name="version"[^>]*value="(\d+)"', response.get_data(as_text=True))[1]
    again = as_a.post(edit, data={**form_values(title="Meine Fassung"), "version": fresh,
                                  "csrf_token": token})
    assert again.status_code == 303
    session.expire_all()
    assert session.get(Slot, slot.id).title == "Meine Fassung"


def test_the_stand_form_saves_and_refuses_nul_at_its_field(as_a, session, ew):
    fair = take_part(session, ew, ew.fair)
    url = f"{BASE}/teilnahme/{fair.id}/stand"
    bad = post(as_a, url, url, {"stand_info": "VR\x00-Brille", "stand_people": "Azubis"})
    assert bad.status_code == 422
    assert set(field_errors(bad.get_data(as_text=True))) == {"stand_info"}
    good = post(as_a, url, url, {"stand_info": "VR-Brille", "stand_people": "zwei Azubis"})
    assert good.status_code == 303
    session.expire_all()
    assert session.get(EventParticipation, fair.id).stand_people == "zwei Azubis"


def test_the_attendee_list_page_and_csv_show_no_addresses_and_neutralise_formulas(
    as_a, session, ew
):
    participation = take_part(session, ew)
    slot = new_slot(session, ew, participation, capacity=5)
    _attendee(session, slot, "=cmd|' /C calc'!A0", "Evil", school="@SUM(1)", grade=9)
    _attendee(session, slot, "Anna", "Ahrens", school="Angergymnasium", grade=8)
    _attendee(session, slot, "Ben", "Berg", status="waitlisted")
    _attendee(session, slot, "Old", "Gone", status="cancelled")
    for url in (f"{BASE}/termine/{slot.id}/teilnehmende",
                f"{BASE}/termine/{slot.id}/teilnehmende/drucken"):
        response = as_a.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
        assert "Ahrens" in page and "Angergymnasium" in page and "Berg" in page
        assert "@schule.example" not in page and "eltern@familie.example" not in page
        assert "Gone" not in page
    response = as_a.get(f"{BASE}/termine/{slot.id}/teilnehmende.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff") and "@schule.example" not in body
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[0] == ["Nachname", "Vorname", "Schule", "Klasse", "Personen", "Status",
                       "Anwesend"]
    assert rows[1] == ["Ahrens", "Anna", "Angergymnasium", "8", "1", "bestätigt", ""]
    assert rows[2] == ["Evil", "'=cmd|' /C calc'!A0", "'@SUM(1)", "9", "1", "bestätigt", ""]
    assert rows[3][:2] == ["Berg", "Ben"] and rows[3][5] == "Warteliste"
    assert len(rows) == 4


def test_check_in_toggles_attendance_without_javascript(as_a, session, ew):
    participation = take_part(session, ew)
    slot = new_slot(session, ew, participation, capacity=5)
    anna = _attendee(session, slot, "Anna", "Ahrens")
    waiting = _attendee(session, slot, "Ben", "Berg", status="waitlisted")
    url = f"{BASE}/termine/{slot.id}/teilnehmende"
    page = as_a.get(url).get_data(as_text=True)
    assert "Ist da" in page and "0 von 1" in page
    action = f"{BASE}/anmeldungen/{anna.id}/anwesend"
    assert action in page and f"{BASE}/anmeldungen/{waiting.id}/anwesend" not in page
    response = post(as_a, url, action, {"present": "1"})
    assert response.status_code == 303 and response.headers["Location"].endswith(
        f"/termine/{slot.id}/teilnehmende#r{anna.id}")
    session.expire_all()
    assert session.get(Registration, anna.id).checked_in_at is not None
    page = as_a.get(url).get_data(as_text=True)
    assert "Rückgängig" in page and "1 von 1" in page
    post(as_a, url, action, {"present": "0"})
    session.expire_all()
    assert session.get(Registration, anna.id).checked_in_at is None
    refused = post(as_a, url, f"{BASE}/anmeldungen/{waiting.id}/anwesend", {"present": "1"})
    assert refused.status_code == 422
    session.expire_all()
    assert session.get(Registration, waiting.id).checked_in_at is None
    no_token = as_a.post(action, data={"present": "1"})
    assert no_token.status_code == 400


def test_cancelling_a_slot_through_the_form_mails_the_registered(as_a, session, ew):
    participation = take_part(session, ew)
    slot = new_slot(session, ew, participation)
    register(session, slot, 1)
    url = f"{BASE}/termine/{slot.id}/absagen"
    assert "1 Anmeldung wird storniert" in as_a.get(url).get_data(as_text=True)
    refused = post(as_a, url, url, {"reason": "Krank\x00heit"})
    assert refused.status_code == 422
    assert set(field_errors(refused.get_data(as_text=True))) == {"reason"}
    session.expire_all()
    assert session.get(Slot, slot.id).status == "open"
    response = post(as_a, url, url, {"reason": "Krankheit"})
    assert response.status_code == 303
    session.expire_all()
    assert session.get(Slot, slot.id).status == "cancelled"
    assert session.scalars(select(Registration.status)).one() == "cancelled"
    assert session.scalars(select(OutboxMail.kind).where(
        OutboxMail.to_addr == "person1@schule.example").order_by(OutboxMail.id)).all()[-1] == (
        "registration.cancelled_slot")


def test_withdrawing_through_the_tab_cancels_the_empty_slots(as_a, session, ew):
    participation = take_part(session, ew)
    slot = new_slot(session, ew, participation)
    url = f"{BASE}/teilnahme/{participation.id}"
    response = post(as_a, url, f"{url}/abmelden")
    assert response.status_code == 303
    session.expire_all()
    assert session.get(EventParticipation, participation.id).status == "withdrawn"
    assert session.get(Slot, slot.id).status == "cancelled"


def test_raising_the_capacity_in_the_form_promotes_the_first_waiting(as_a, session, ew):
    participation = take_part(session, ew)
    slot = new_slot(session, ew, participation, capacity=1, waitlist_capacity=1)
    register(session, slot, 1)
    register(session, slot, 2)
    edit = f"{BASE}/termine/{slot.id}/bearbeiten"
    response = post(as_a, edit, edit, form_values(
        capacity="2", waitlist_capacity="1", start_time="9:00", end_time="11:00",
        title="Rundgang durch die Werkstatt", place="Halle 2, Eingang Werkstor",
        version=str(slot.version)))
    assert response.status_code == 303
    session.expire_all()
    assert set(session.scalars(select(Registration.status))) == {"confirmed"}
    assert session.get(Slot, slot.id).confirmed_count == 2
    assert session.scalars(select(OutboxMail.kind).where(
        OutboxMail.to_addr == "person2@schule.example").order_by(OutboxMail.id)).all()[-1] == (
        "registration.promoted")


# --- another company, the feature switch, outside every region ----------------------------------


@pytest.fixture
def a_data(session, ew):
    fair = take_part(session, ew, ew.fair)
    participation = take_part(session, ew)
    slot = new_slot(session, ew, participation, capacity=5)
    registration = _attendee(session, slot, "Anna", "Ahrens")
    return SimpleNamespace(fair=fair, participation=participation, slot=slot,
                           registration=registration)


def a_routes(d) -> list[tuple[str, str]]:
    p, s, r = d.participation.id, d.slot.id, d.registration.id
    return [
        ("GET", f"{BASE}/teilnahme/{p}"),
        ("POST", f"{BASE}/teilnahme/{p}/abmelden"),
        ("GET", f"{BASE}/teilnahme/{d.fair.id}/stand"),
        ("POST", f"{BASE}/teilnahme/{d.fair.id}/stand"),
        ("GET", f"{BASE}/teilnahme/{p}/termine/neu"),
        ("POST", f"{BASE}/teilnahme/{p}/termine/neu"),
        ("GET", f"{BASE}/termine/{s}/bearbeiten"),
        ("POST", f"{BASE}/termine/{s}/bearbeiten"),
        ("GET", f"{BASE}/termine/{s}/absagen"),
        ("POST", f"{BASE}/termine/{s}/absagen"),
        ("GET", f"{BASE}/termine/{s}/teilnehmende"),
        ("GET", f"{BASE}/termine/{s}/teilnehmende.csv"),
        ("GET", f"{BASE}/termine/{s}/teilnehmende/drucken"),
        ("POST", f"{BASE}/anmeldungen/{r}/anwesend"),
    ]


def _state(session):
    session.expire_all()
    return (
        session.execute(select(EventParticipation.id, EventParticipation.status,
                               EventParticipation.stand_info)).all(),
        session.execute(select(Slot.id, Slot.title, Slot.status, Slot.version)).all(),
        session.execute(select(Registration.id, Registration.status,
                               Registration.checked_in_at)).all(),
    )


def test_another_company_gets_404_for_every_route_and_changes_nothing(client, session, ew, a_data):
    login(client, ew.world.b.email, ew.world.password)
    token = csrf_token(client.get(BASE).data)
    before = _state(session)
    for method, url in a_routes(a_data):
        data = {**form_values(), "csrf_token": token, "present": "1", "reason": "x",
                "stand_info": "B war hier", "version": "1"}
        response = client.open(url, method=method, data=data if method == "POST" else None)
        assert response.status_code == 404, (method, url, response.status_code)
    assert _state(session) == before
    for lookup, object_id in ((companies.get_participation, a_data.participation.id),
                              (companies.get_slot, a_data.slot.id),
                              (companies.get_registration, a_data.registration.id)):
        with pytest.raises(NotFound):
            lookup(session, ew.world.b.customer_id, object_id)
    huge = client.get(f"{BASE}/termine/{2**31}/teilnehmende")
    assert huge.status_code == 404


def test_with_the_feature_off_every_route_is_404(client, session, ew, a_data):
    features.set_enabled(session, ew.world.region.id, "events", False, None)
    session.commit()
    login(client, ew.world.a.email, ew.world.password)
    assert client.get(BASE).status_code == 404
    token = csrf_token(client.get("/selfservice/").data)
    for method, url in [("POST", f"{BASE}/{ew.visits.id}/teilnehmen"), *a_routes(a_data)]:
        data = {"csrf_token": token, **form_values()} if method == "POST" else None
        assert client.open(url, method=method, data=data).status_code == 404, (method, url)
    assert _state(session)[0][0].status == "registered"
    tabs = client.get("/selfservice/").get_data(as_text=True)
    assert "Veranstaltungen" not in tabs


def test_a_company_outside_every_region_gets_404(client, session, ew):
    login(client, ew.world.outside.email, ew.world.password)
    assert client.get(BASE).status_code == 404
    token = csrf_token(client.get("/selfservice/").data)
    response = client.post(f"{BASE}/{ew.visits.id}/teilnehmen", data={"csrf_token": token})
    assert response.status_code == 404
    assert count(session, EventParticipation) == 0


def test_the_tab_appears_for_a_company_of_the_region(as_a):
    page = as_a.get("/selfservice/").get_data(as_text=True)
    assert f'href="{BASE}"' in page and "Veranstaltungen" in page


def test_a_withdrawn_participation_and_a_cancelled_slot_send_the_forms_back(as_a, session, ew):
    participation = take_part(session, ew)
    slot = new_slot(session, ew, participation)
    companies.cancel_slot(session, ew.world.a.customer_id, slot.id, None)
    session.commit()
    edit = as_a.get(f"{BASE}/termine/{slot.id}/bearbeiten")
    assert edit.status_code == 303 and edit.headers["Location"].endswith(
        f"/teilnahme/{participation.id}")
    companies.withdraw(session, ew.world.a.customer_id, participation.id)
    session.commit()
    new = as_a.get(f"{BASE}/teilnahme/{participation.id}/termine/neu")
    assert new.status_code == 303
    page = as_a.get(new.headers["Location"]).get_data(as_text=True)
    assert "kann nicht mehr geändert werden" in page and "Neuen Termin anlegen" not in page


def test_a_new_time_or_place_is_mailed_to_everyone_registered_with_a_working_cancel_link(
    session, ew
):
    participation = take_part(session, ew)
    slot = new_slot(session, ew, participation, capacity=1)
    register(session, slot, 1)
    register(session, slot, 2)
    companies.update_slot(session, ew.world.a.customer_id, slot.id,
                          slot_input(session, capacity=1, start_time=time(10),
                                     end_time=time(12), place="Halle 3"),
                          slot.version, NOW, links=LINKS)
    session.commit()
    changed = session.scalars(select(OutboxMail).where(
        OutboxMail.kind == "registration.slot_changed").order_by(OutboxMail.to_addr)).all()
    assert [m.to_addr for m in changed] == ["person1@schule.example", "person2@schule.example"]
    assert "Neue Zeit" in changed[0].body_text and "10:00 bis 12:00" in changed[0].body_text
    assert "Neuer Treffpunkt: Halle 3" in changed[0].body_text
    token = re.search(r"/anmeldung/abmelden/([A-Za-z0-9_-]+)", changed[0].body_text)[1]
    registrations.cancel(session, token, now=utcnow(), links=LINKS)
    session.commit()
    session.expire_all()
    assert dict(session.execute(select(Registration.email, Registration.status)).all()) == {
        "person1@schule.example": "cancelled", "person2@schule.example": "confirmed"}
    before = count(session, OutboxMail)
    companies.update_slot(session, ew.world.a.customer_id, slot.id,
                          slot_input(session, capacity=1, start_time=time(10),
                                     end_time=time(12), place="Halle 3",
                                     description="Nur die Beschreibung"),
                          session.get(Slot, slot.id).version, NOW, links=LINKS)
    session.commit()
    assert count(session, OutboxMail) == before
