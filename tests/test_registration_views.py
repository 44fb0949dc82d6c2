"""The public registration pages through the reference host, on both engines: the form (no
cookie, a signed token instead of session CSRF), answers at the fields, rate limits, the pages
behind mail links (GET looks, POST acts, bad tokens 404) and the event page's slot list."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from html import unescape
from types import SimpleNamespace

import pytest
from kwis_hooks.refhost import create_app
from sqlalchemy import create_engine, func, select, text

from kwis_job_plugin.demo import factories
from kwis_job_plugin.forms import registration as registration_form
from kwis_job_plugin.models import (
    Event,
    EventParticipation,
    OccupationalField,
    OutboxMail,
    Registration,
    Slot,
)
from kwis_job_plugin.services.events import registrations

TOKEN_FIELD_RE = re.compile(r'name="form_token"[^>]*value="([^"]+)"')
LINK_RE = re.compile(r"https?://[^/\s]+(/jobs/anmeldung/(?:abmelden|bestaetigen)/[A-Za-z0-9_-]+)")


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, datetime.min.time()).replace(hour=hour)


@pytest.fixture
def rv(session, world):
    """A public week of open companies with two companies and three slots."""
    alpha = factories.ProfileFactory(customer=world.a.customer, region=world.region,
                                     status="published")
    beta = factories.ProfileFactory(customer=world.b.customer, region=world.region,
                                    status="published")
    day = date.today() + timedelta(days=10)
    event = Event(region_id=world.region.id, kind="open_companies", status="published",
                  slug="woche", title="Woche der offenen Betriebe", starts_on=day,
                  ends_on=day + timedelta(days=1))
    at_alpha = EventParticipation(event=event, profile=alpha)
    at_beta = EventParticipation(event=event, profile=beta)
    fields = session.scalars(select(OccupationalField).order_by(OccupationalField.id)
                             .limit(2)).all()
    slots = {
        "open": Slot(participation=at_alpha, title="Werkstattrundgang", starts_at=at(day, 9),
                     ends_at=at(day, 11), capacity=2, waitlist_capacity=1, max_party_size=1,
                     field_ids=[fields[0].id], place="Halle 2"),
        "class": Slot(participation=at_alpha, title="Klassenbesuch", starts_at=at(day, 13),
                      ends_at=at(day, 15), capacity=30, max_party_size=25, min_age=14,
                      field_ids=[fields[1].id]),
        "full": Slot(participation=at_beta, title="Backstube",
                     starts_at=at(day + timedelta(days=1), 6),
                     ends_at=at(day + timedelta(days=1), 8), capacity=1, confirmed_count=1),
    }
    session.add_all([event, at_alpha, at_beta, *slots.values()])
    session.add(Registration(slot=slots["full"], status="confirmed", first_name="Erste",
                             last_name="Person", email="erste@example.org"))
    session.commit()
    return SimpleNamespace(event=event, slots=slots, fields=fields, world=world,
                           path=f"/jobs/termine/{event.id}-woche")


def form_path(slot) -> str:
    return f"/jobs/anmeldung/besuch-{slot.id}"


def open_form(client, slot) -> str:
    response = client.get(form_path(slot))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    found = TOKEN_FIELD_RE.search(response.get_data(as_text=True))
    assert found, "the form carries a signed token"
    return unescape(found.group(1))


def person(n: int = 1, **values) -> dict:
    return {"first_name": f"Vorname{n}", "last_name": f"Nachname{n}",
            "email": f"person{n}@schule.example", "over_16": "ja", **values}


def submit(client, slot, data: dict, token: str | None = None):
    token = open_form(client, slot) if token is None else token
    return client.post(form_path(slot), data={**data, "form_token": token})


def rows(session, slot) -> list[Registration]:
    session.expire_all()
    return session.scalars(select(Registration).where(Registration.slot_id == slot.id)
                           .order_by(Registration.id)).all()


def mails_to(session, address: str) -> list[OutboxMail]:
    session.expire_all()
    return session.scalars(select(OutboxMail).where(OutboxMail.to_addr == address)
                           .order_by(OutboxMail.id)).all()


def link_in(mail: OutboxMail) -> str:
    found = LINK_RE.search(mail.body_text)
    assert found, mail.body_text
    return found.group(1)


# --- the form ----------------------------------------------------------------------------------


def test_the_form_renders_without_cookie_and_is_never_cached(client, rv):
    response = client.get(form_path(rv.slots["open"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert "csrf_token" not in html, "no session CSRF on a public form"
    assert "Anmeldung: Werkstattrundgang" in html and "Halle 2" in html
    assert "noch 2 Plätze frei" in html
    assert 'name="guardian_email"' in html and 'name="party_size"' not in html


def test_a_returnee_day_asks_grown_ups_no_school_grade_or_age(client, session, rv):
    """Rückkehrertag / Treffpunkt Karriere: consultation slots for people coming back to the
    region. The form asks no school, grade or age, and a registration is confirmed at once,
    whatever such fields a crafted request carries."""
    rv.event.kind = "returnee_day"
    session.commit()
    slot = rv.slots["open"]
    html = client.get(form_path(slot)).get_data(as_text=True)
    for field in ("school", "grade", "over_16", "guardian_email"):
        assert f'name="{field}"' not in html, field
    assert 'name="first_name"' in html and 'name="email"' in html
    response = submit(client, slot, {"first_name": "Rita", "last_name": "Rückkehr",
                                     "email": "rita@example.org", "over_16": "nein",
                                     "school": "Gymnasium", "grade": "99",
                                     "guardian_email": "x@example.org"})
    assert response.status_code == 200, response.get_data(as_text=True)
    registration = rows(session, slot)[0]
    assert (registration.status, registration.under_16, registration.school,
            registration.grade, registration.guardian_email) == (
        "confirmed", False, None, None, None)
    assert mails_to(session, "x@example.org") == []
    assert mails_to(session, "rita@example.org")[0].kind == "registration.confirmed"


def test_a_registration_is_confirmed_without_cookie_and_mailed(client, session, rv):
    response = submit(client, rv.slots["open"], person(1, email="Person1@Schule.example"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "Set-Cookie" not in response.headers
    assert "Sie sind angemeldet" in html and "person1@schule.example" in html
    assert [(r.email, r.status) for r in rows(session, rv.slots["open"])] == [
        ("person1@schule.example", "confirmed")]
    mail = mails_to(session, "person1@schule.example")[0]
    assert mail.ics and link_in(mail).startswith("/jobs/anmeldung/abmelden/")


def test_a_double_submit_is_one_registration_and_the_same_answer(client, session, rv):
    token = open_form(client, rv.slots["open"])
    first = submit(client, rv.slots["open"], person(1), token)
    second = submit(client, rv.slots["open"], person(1), token)
    assert first.status_code == second.status_code == 200
    assert 'data-outcome="confirmed"' in second.get_data(as_text=True)
    assert len(rows(session, rv.slots["open"])) == 1
    assert len(mails_to(session, "person1@schule.example")) == 1
    # The same form with another address is not a double submit: it asks to send it again.
    third = submit(client, rv.slots["open"], person(2), token)
    assert third.status_code == 422
    assert "schon abgeschickt" in third.get_data(as_text=True)
    assert len(rows(session, rv.slots["open"])) == 1


def test_a_duplicate_address_gets_the_same_page_as_a_new_one(client, session, rv):
    first = submit(client, rv.slots["open"], person(1)).get_data(as_text=True)
    again = submit(client, rv.slots["open"], person(1, first_name="Anders"))
    assert again.status_code == 200
    assert 'data-outcome="confirmed"' in first and 'data-outcome="confirmed"' in (
        again.get_data(as_text=True))
    assert len(rows(session, rv.slots["open"])) == 1
    assert [m.kind for m in mails_to(session, "person1@schule.example")] == [
        "registration.confirmed", "registration.duplicate"]


def test_full_slot_with_waiting_list_then_fully_booked(client, session, rv):
    slot = rv.slots["open"]
    tokens = [open_form(client, slot) for _ in range(4)]  # four visitors open the page at once
    outcomes = []
    for n, token in enumerate(tokens):
        response = submit(client, slot, person(n), token)
        outcomes.append(re.search(r'data-outcome="(\w+)"', response.get_data(as_text=True))[1])
    assert outcomes == ["confirmed", "confirmed", "waitlisted", "full"]
    page = client.get(form_path(slot)).get_data(as_text=True)
    assert "auch die Warteliste ist voll" in page and 'name="form_token"' not in page


@pytest.mark.parametrize("values, field, message", [
    ({"first_name": "Eva\r\nBcc: x@evil.example"}, "first_name",
     "Der Vorname darf keine Zeilenumbrüche"),
    ({"last_name": "Null\x00Byte"}, "last_name", "Steuerzeichen"),
    ({"email": "a@b.example\r\nBcc: x@evil.example"}, "email", "Zeilenumbrüche"),
    ({"email": "keine-adresse"}, "email", "gültige E-Mail-Adresse"),
    ({"first_name": "x" * 101}, "first_name", "höchstens 100 Zeichen"),
    ({"first_name": ""}, "first_name", "Bitte geben Sie Ihren Vornamen an."),
    ({"over_16": ""}, "over_16", "16 Jahre oder älter"),
    ({"over_16": "nein"}, "guardian_email", "Bitte geben Sie eine E-Mail-Adresse an."),
    ({"grade": "\x00"}, "grade", "Klassenstufe"),
])
def test_bad_input_answers_422_with_german_messages_at_the_fields(client, session, rv, values,
                                                                  field, message):
    response = submit(client, rv.slots["open"], person(1, **values))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Bitte prüfen Sie Ihre Eingaben." in html
    error = re.search(rf'<p class="kern-error kj-error" id="{field}-error">([^<]*)</p>', html)
    assert error and message in unescape(error.group(1)), html
    assert 'aria-invalid="true"' in html or field == "over_16"
    assert rows(session, rv.slots["open"]) == []
    assert session.scalar(select(func.count()).select_from(OutboxMail)) == 0


def test_a_class_and_a_minimum_age_on_the_form(client, session, rv):
    slot = rv.slots["class"]
    html = client.get(form_path(slot)).get_data(as_text=True)
    assert 'name="party_size"' in html and "mindestens 14 Jahre" in html
    refused = submit(client, slot, person(1, party_size="20"))
    assert refused.status_code == 422 and 'id="meets_min_age-error"' in refused.get_data(
        as_text=True)
    accepted = submit(client, slot, person(1, party_size="20", meets_min_age="y",
                                           school="Regelschule Jena"))
    assert accepted.status_code == 200
    assert rows(session, slot)[0].party_size == 20
    session.expire_all()
    assert session.get(Slot, slot.id).confirmed_count == 20


@pytest.mark.parametrize("token", ["", "forged.token.value", "x" * 400])
def test_a_missing_or_forged_form_token_writes_nothing(client, session, rv, token):
    response = submit(client, rv.slots["open"], person(1), token)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Das Formular ist abgelaufen oder ungültig" in html
    assert 'value="Vorname1"' in html, "what was typed stays"
    assert rows(session, rv.slots["open"]) == []


def test_an_expired_or_foreign_form_token_writes_nothing(client, session, rv, monkeypatch):
    other = open_form(client, rv.slots["class"])
    assert submit(client, rv.slots["open"], person(1), other).status_code == 422
    token = open_form(client, rv.slots["open"])
    monkeypatch.setattr(registration_form, "MAX_AGE_SECONDS", -1)
    assert submit(client, rv.slots["open"], person(1), token).status_code == 422
    assert rows(session, rv.slots["open"]) == []


def test_slots_not_shown_publicly_have_no_registration_page(client, session, rv):
    rv.slots["open"].status = "cancelled"
    rv.event.status = "published"
    session.commit()
    assert client.get(form_path(rv.slots["open"])).status_code == 404
    assert submit(client, rv.slots["open"], person(1), "x").status_code == 404
    assert client.get("/jobs/anmeldung/besuch-99999999").status_code == 404
    assert client.get("/jobs/anmeldung/besuch-99999999999").status_code == 404


def test_a_closed_registration_window_shows_no_form(client, session, rv):
    rv.event.registration_closes_at = datetime.now() - timedelta(hours=1)
    session.commit()
    html = client.get(form_path(rv.slots["open"])).get_data(as_text=True)
    assert "Die Anmeldung ist geschlossen." in html and 'name="form_token"' not in html
    response = client.post(form_path(rv.slots["open"]), data={
        **person(1), "form_token": registration_form.new_form_token.__name__})
    assert response.status_code == 422
    assert rows(session, rv.slots["open"]) == []


def test_a_busy_slot_answers_503_and_saves_nothing(client, session, rv, monkeypatch):
    def busy(_session, _slot_id, **_options):
        raise registrations.SlotBusy("test")

    monkeypatch.setattr(registrations, "lock_slot", busy)
    response = submit(client, rv.slots["open"], person(1))
    assert response.status_code == 503
    assert "Bitte versuchen Sie es gleich noch einmal." in response.get_data(as_text=True)
    assert rows(session, rv.slots["open"]) == []


def test_a_lock_held_elsewhere_times_out_as_503(client, session, rv, db_url, engine_name,
                                                monkeypatch):
    """Another transaction holds the slot's lock (PostgreSQL: its row; SQLite: the write
    lock) past the timeout: 503, nothing saved; the same form works once it is released."""
    monkeypatch.setattr(registrations, "LOCK_TIMEOUT_MS", 200)
    token = open_form(client, rv.slots["open"])
    holder = create_engine(db_url)
    with holder.connect() as conn:
        if engine_name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.execute(text("SELECT id FROM kwis_job_slot WHERE id = :id FOR UPDATE"),
                         {"id": rv.slots["open"].id})
        response = submit(client, rv.slots["open"], person(1), token)
        conn.rollback()
    holder.dispose()
    assert response.status_code == 503
    assert "Bitte versuchen Sie es gleich noch einmal." in response.get_data(as_text=True)
    assert rows(session, rv.slots["open"]) == []
    assert submit(client, rv.slots["open"], person(1), token).status_code == 200
    assert len(rows(session, rv.slots["open"])) == 1


# --- rate limits -------------------------------------------------------------------------------


@pytest.fixture
def limited_client(db_url, engine):
    app = create_app({"KWIS_DATABASE_URL": db_url, "SECRET_KEY": "test-secret",
                      "KWIS_JOB_RATELIMIT_PER_CLIENT": "4 per minute",
                      "KWIS_JOB_RATELIMIT_PER_ADDRESS": "2 per hour"})
    yield app.test_client()
    app.extensions["kwis_host"]["engine"].dispose()


def test_the_same_address_is_limited_with_a_german_429(limited_client, session, rv):
    slot = rv.slots["class"]
    answers = [submit(limited_client, slot, person(1, party_size="1", meets_min_age="y"))
               for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "Zu viele Anfragen" in answers[2].get_data(as_text=True)
    assert "Set-Cookie" not in answers[2].headers
    assert len(rows(session, slot)) == 1
    assert limited_client.get(form_path(slot)).status_code == 200, "GET is not limited"


def test_one_client_is_limited_across_addresses(limited_client, session, rv):
    slot = rv.slots["class"]
    codes = [submit(limited_client, slot, person(n, meets_min_age="y")).status_code
             for n in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    assert len(rows(session, slot)) == 4
    other = limited_client.post(form_path(slot), data=person(9),
                                environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 422, "another client is not limited (no form token: 422)"
    assert limited_client.get("/jobs/").status_code == 200, "the portal is not limited"
    assert limited_client.post("/login", data={}).status_code != 429, "nor host routes"


# --- mail links --------------------------------------------------------------------------------


def test_the_cancel_link_looks_on_get_and_cancels_on_post(client, session, rv):
    slot = rv.slots["open"]
    for n in range(3):
        submit(client, slot, person(n))
    link = link_in(mails_to(session, "person0@schule.example")[0])
    page = client.get(link)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    assert "Jetzt abmelden" in html and 'method="post"' in html
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert client.get(link).status_code == 200
    assert [r.status for r in rows(session, slot)] == ["confirmed", "confirmed", "waitlisted"]
    done = client.post(link)
    assert done.status_code == 200 and "Sie sind abgemeldet" in done.get_data(as_text=True)
    assert [r.status for r in rows(session, slot)] == ["cancelled", "confirmed", "confirmed"]
    assert [m.kind for m in mails_to(session, "person2@schule.example")] == [
        "registration.waitlisted", "registration.promoted"]
    assert client.post(link).status_code == 404, "a used link"
    assert client.get(link).status_code == 404


def test_the_guardian_link_looks_on_get_and_confirms_on_post(client, session, rv):
    slot = rv.slots["open"]
    response = submit(client, slot, person(1, over_16="nein", guardian_email="eltern@example.org"))
    assert 'data-outcome="pending"' in response.get_data(as_text=True)
    link = link_in(mails_to(session, "eltern@example.org")[0])
    assert link.startswith("/jobs/anmeldung/bestaetigen/")
    page = client.get(link)
    assert page.status_code == 200 and "Teilnahme bestätigen" in page.get_data(as_text=True)
    assert rows(session, slot)[0].status == "pending"
    cancel_link = link.replace("bestaetigen", "abmelden")
    assert client.get(cancel_link).status_code == 404, "a token has one purpose"
    assert client.post(link).status_code == 200
    assert rows(session, slot)[0].status == "confirmed"
    assert client.post(link).status_code == 404


@pytest.mark.parametrize("token", ["x", "A" * 43, "A" * 101, "%00", "..%2F..%2Fetc"])
def test_wrong_tokens_answer_404_in_german(client, rv, token):
    for kind in ("abmelden", "bestaetigen"):
        for method in ("get", "post"):
            response = getattr(client, method)(f"/jobs/anmeldung/{kind}/{token}")
            assert response.status_code == 404, (kind, method, token)
            if token in ("x", "A" * 43, "%00"):  # the others match no route at all
                assert "Dieser Link ist ungültig" in response.get_data(as_text=True)


# --- the event page ----------------------------------------------------------------------------


def test_the_event_page_lists_slots_with_places_and_register_links(client, rv):
    response = client.get(rv.path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    for key in ("open", "class"):
        assert f'href="/jobs/anmeldung/besuch-{rv.slots[key].id}"' in html
    assert f'href="/jobs/anmeldung/besuch-{rv.slots["full"].id}"' not in html, (
        "full without a waiting list: no link")
    assert "noch 2 Plätze frei" in html and "ausgebucht" in html


@pytest.mark.parametrize("query, shown", [
    ("frei=1", {"open", "class"}),
    ("feld={field0}", {"open"}),
    ("tag={day2}", {"full"}),
    ("ort=Nirgendwo", {"open", "class", "full"}),
    ("feld=%00&tag=gestern", {"open", "class", "full"}),
])
def test_the_slot_list_filters_by_get_parameters(client, rv, query, shown):
    day2 = rv.slots["full"].starts_at.date().isoformat()
    html = client.get(f"{rv.path}?{query.format(field0=rv.fields[0].id, day2=day2)}").get_data(
        as_text=True)
    listed = {key for key, slot in rv.slots.items() if f'id="besuch-{slot.id}"' in html}
    assert listed == shown
    if "Nirgendwo" in query:
        assert "Im Ort „Nirgendwo“ gibt es hier keine Termine" in html
    if "%00" in query:  # the portal's rule for filters: a note, never an error
        assert "„feld“ enthielt Steuerzeichen" in html


def test_the_event_page_offers_no_register_link_outside_the_window(client, session, rv):
    rv.event.registration_opens_at = datetime.now() + timedelta(days=2)
    session.commit()
    html = client.get(rv.path).get_data(as_text=True)
    assert "Die Anmeldung ist noch nicht geöffnet." in html
    assert "/jobs/anmeldung/besuch-" not in html
    page = client.get(form_path(rv.slots["open"])).get_data(as_text=True)
    assert "Die Anmeldung beginnt am" in page and 'name="form_token"' not in page


@pytest.mark.parametrize("values", [
    {"party_size": "99999999999"}, {"party_size": "-3"}, {"grade": "99999999999"},
    {"grade": "1e3"}, {"over_16": "vielleicht"}, {"email": "a@b.example" + "x" * 300},
])
def test_odd_numbers_and_choices_are_refused_never_a_500(client, session, rv, values):
    response = submit(client, rv.slots["class"], person(1, meets_min_age="y", **values))
    assert response.status_code == 422
    assert rows(session, rv.slots["class"]) == []
