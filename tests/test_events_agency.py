"""The agency's events admin: create, edit, publish, cancel, archive, the overview figures and
messages to everyone taking part, on both engines.

Input tests check that each refusal lands at its field and that nothing is written (NUL
included: PostgreSQL refuses it in text, so a missed check would be a 500 there).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from support.web import login

import kwis_job_plugin.views.portal_events  # noqa: F401  (registers the calendar's routes)
from kwis_job_plugin.demo.factories import ProfileFactory
from kwis_job_plugin.models import (
    AuditEntry,
    EmployerProfile,
    Event,
    EventParticipation,
    OutboxMail,
    Registration,
    Slot,
)
from kwis_job_plugin.services.errors import NotFound, ValidationError
from kwis_job_plugin.services.events import agency

ADMIN = "/admin/job/veranstaltungen"
TOKEN_RE = re.compile(r'name="[^"]*csrf_token"[^>]*value="([^"]+)"')
TODAY = date.today()
SOON = TODAY + timedelta(days=30)


def _token(client, url: str) -> str:
    match = TOKEN_RE.search(client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def _input(region: int, **changes) -> agency.EventInput:
    good = agency.EventInput(
        kind="open_companies",
        region_id=region,
        title="Woche der offenen Unternehmen 2026",
        starts_on=SOON,
        ends_on=SOON + timedelta(days=4),
        at_companies=True,
        participation_opens_at=datetime.combine(TODAY, datetime.min.time()),
        participation_closes_at=datetime.combine(SOON - timedelta(days=7), datetime.min.time()),
        registration_opens_at=datetime.combine(TODAY, datetime.min.time()),
        registration_closes_at=datetime.combine(SOON + timedelta(days=3), datetime.min.time()),
        description=("<p>Betriebe öffnen ihre Türen.</p><script>alert(1)</script>"
                     "<p onclick=\"steal()\">Kommen Sie vorbei!</p>"),
        retention_days=90,
    )
    return replace(good, **changes)


def _form(region: int, **changes) -> dict:
    data = {
        "kind": "fair",
        "region_id": str(region),
        "title": "Ausbildungsmesse Jena",
        "slug": "",
        "starts_on": SOON.strftime("%d.%m.%Y"),
        "ends_on": SOON.strftime("%d.%m.%Y"),
        "venue": "Sparkassen-Arena",
        "street": "Keßlerstraße 28",
        "postcode": "07745",
        "city": "Jena",
        "registration_opens_at": TODAY.strftime("%d.%m.%Y") + " 08:00",
        "registration_closes_at": SOON.strftime("%d.%m.%Y") + " 12:00",
        "description": "Über 60 Betriebe stellen ihre Ausbildungsberufe vor.",
        "retention_days": "90",
    }
    data.update(changes)
    return data


def _event(session, region, *, status="published", title="Messe Jena", starts=SOON,
           ends=None) -> Event:
    event = Event(
        region_id=region.id, kind="fair", status=status, slug="messe-jena", title=title,
        description_html="<p>Messe</p>", starts_on=starts, ends_on=ends or starts,
        venue="Arena", city="Jena", retention_days=90,
        published_at=datetime(2026, 1, 1) if status != "draft" else None,
    )
    session.add(event)
    session.flush()
    return event


def _take_part(session, event, profile, status="registered") -> EventParticipation:
    participation = EventParticipation(event_id=event.id, profile_id=profile.id, status=status)
    session.add(participation)
    session.flush()
    return participation


def _slot(session, participation, *, capacity=10, held=0, title="Besuch", hour=9,
          status="open") -> Slot:
    start = datetime.combine(participation.event.starts_on, datetime.min.time()).replace(
        hour=hour)
    slot = Slot(participation_id=participation.id, title=title, starts_at=start,
                ends_at=start + timedelta(hours=2), capacity=capacity, confirmed_count=held,
                waitlist_capacity=5, status=status)
    session.add(slot)
    session.flush()
    return slot


def _register(session, slot, email, status="confirmed", party=1, checked_in=False):
    registration = Registration(
        slot_id=slot.id, status=status, first_name="Kim", last_name="Muster", email=email,
        party_size=party, checked_in_at=datetime(2026, 3, 9, 9, 5) if checked_in else None,
        cancelled_at=datetime(2026, 2, 1) if status == "cancelled" else None,
    )
    session.add(registration)
    session.flush()
    return registration


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


class _Links:
    """Where the registrations' cancellation mails point (the registration views build these
    in the running plug-in)."""

    def cancel(self, token):
        return f"https://kwis.example/jobs/abmelden/{token}"

    def guardian(self, token):
        return f"https://kwis.example/jobs/bestaetigen/{token}"

    def event(self, event_id, slug):
        return f"https://kwis.example/jobs/termine/{event_id}-{slug}"


# --- creating and editing: the service ------------------------------------------------------


def test_good_input_makes_a_draft_with_clean_description_and_an_audit_entry(session, world):
    event = agency.create_event(session, _input(world.region.id), world.admin.id)
    session.commit()
    session.expire_all()
    saved = session.get(Event, event.id)
    assert (saved.status, saved.kind, saved.region_id) == ("draft", "open_companies",
                                                           world.region.id)
    assert saved.slug == "woche-der-offenen-unternehmen-2026"
    assert saved.description_html == (
        "<p>Betriebe öffnen ihre Türen.</p><p>Kommen Sie vorbei!</p>")
    assert saved.at_companies and saved.venue is None
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "event.created"))
    assert (entry.object_id, entry.actor_user_id, entry.details["kind"]) == (
        event.id, world.admin.id, "open_companies")
    assert {"title", "description_html", "starts_on"} <= set(entry.details["fields"])
    assert "title" not in entry.details["after"]  # free text: only the field name (audit.py)
    assert entry.details["after"]["region_id"] == world.region.id
    typed = agency.form_values(saved)["description"]
    assert typed == "Betriebe öffnen ihre Türen.\n\nKommen Sie vorbei!"


BAD_INPUT = {
    "nul in title": ({"title": "Messe\x00Jena"}, "title"),
    "control character in venue": ({"at_companies": False, "venue": "Arena\x1b"}, "venue"),
    "bidi override in city": ({"city": "Jena\u202e"}, "city"),
    "nul in description": ({"description": "Text\x00mit NUL"}, "description"),
    "nul in slug": ({"slug": "messe\x00"}, "slug"),
    "empty title": ({"title": "   "}, "title"),
    "title too long": ({"title": "x" * 201}, "title"),
    "bad slug": ({"slug": "Ätsch Bätsch"}, "slug"),
    "unknown kind": ({"kind": "party"}, "kind"),
    "unknown region": ({"region_id": 999999}, "region_id"),
    "huge region id": ({"region_id": 2**40}, "region_id"),
    "no start": ({"starts_on": None}, "starts_on"),
    "end before start": ({"ends_on": SOON - timedelta(days=1)}, "ends_on"),
    "start out of range": ({"starts_on": date(1999, 12, 31)}, "starts_on"),
    "end out of range": ({"ends_on": date(2101, 1, 1)}, "ends_on"),
    "no venue": ({"at_companies": False, "venue": ""}, "venue"),
    "bad postcode": ({"postcode": "0774"}, "postcode"),
    "registration window reversed": (
        {"registration_opens_at": datetime.combine(SOON, datetime.min.time()),
         "registration_closes_at": datetime.combine(TODAY, datetime.min.time())},
        "registration_closes_at"),
    "registration closes after the event": (
        {"registration_closes_at": datetime.combine(SOON + timedelta(days=5),
                                                    datetime.min.time())},
        "registration_closes_at"),
    "participation window reversed": (
        {"participation_closes_at": datetime.combine(TODAY - timedelta(days=1),
                                                     datetime.min.time())},
        "participation_closes_at"),
    "participation opens out of range": (
        {"participation_opens_at": datetime(1900, 1, 1)}, "participation_opens_at"),
    "retention 0": ({"retention_days": 0}, "retention_days"),
    "retention 3651": ({"retention_days": 3651}, "retention_days"),
    "retention missing": ({"retention_days": None}, "retention_days"),
    "description too long": ({"description": "Wort " * 1200}, "description"),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_each_bad_input_is_refused_at_its_field_and_nothing_is_written(session, world, case):
    changes, field = BAD_INPUT[case]
    with pytest.raises(ValidationError) as refused:
        agency.create_event(session, _input(world.region.id, **changes), world.admin.id)
    assert field in refused.value.errors, refused.value.errors
    assert refused.value.errors[field]
    session.rollback()
    assert _count(session, Event) == 0
    assert _count(session, AuditEntry) == 0


def test_all_problems_come_back_at_once(session, world):
    with pytest.raises(ValidationError) as refused:
        agency.create_event(session, _input(world.region.id, title="", kind="x",
                                            retention_days=0), world.admin.id)
    assert {"title", "kind", "retention_days"} <= set(refused.value.errors)


def test_editing_changes_the_event_but_not_the_region_once_companies_take_part(session, world):
    event = agency.create_event(session, _input(world.region.id), world.admin.id)
    session.commit()
    agency.update_event(session, event.id, _input(world.region.id, title="Neuer Titel",
                                                  slug="neu"), world.admin.id, TODAY)
    session.commit()
    session.expire_all()
    assert (session.get(Event, event.id).title, session.get(Event, event.id).slug) == (
        "Neuer Titel", "neu")

    from kwis_job_plugin.demo.factories import RegionFactory

    other = RegionFactory(slug="weimar", name="Weimarer Land", prefixes=["16071"])
    _take_part(session, session.get(Event, event.id),
               ProfileFactory(customer=world.a.customer, region=world.region))
    session.commit()
    with pytest.raises(ValidationError) as refused:
        agency.update_event(session, event.id, _input(other.id), world.admin.id, TODAY)
    assert "region_id" in refused.value.errors
    session.rollback()
    assert session.get(Event, event.id).region_id == world.region.id


def test_the_days_cannot_move_away_from_slots_companies_offer(session, world):
    event = _event(session, world.region, starts=SOON, ends=SOON + timedelta(days=2))
    alpha = _take_part(session, event, ProfileFactory(customer=world.a.customer,
                                                      region=world.region))
    _slot(session, alpha)
    session.commit()
    later = _input(world.region.id, starts_on=SOON + timedelta(days=1),
                   ends_on=SOON + timedelta(days=2))
    with pytest.raises(ValidationError) as refused:
        agency.update_event(session, event.id, later, world.admin.id, TODAY)
    assert "Besuchszeiten" in refused.value.errors["starts_on"]
    session.rollback()
    agency.update_event(session, event.id, _input(world.region.id, starts_on=SOON,
                                                  ends_on=SOON, registration_closes_at=None),
                        world.admin.id, TODAY)
    session.commit()
    assert session.get(Event, event.id).ends_on == SOON


def test_unknown_and_huge_event_ids_are_not_found(session, world):
    for event_id in (0, 999999, 2**31, 2**63):
        with pytest.raises(NotFound):
            agency.get_event(session, event_id)


# --- the pages ------------------------------------------------------------------------------


def test_admin_creates_an_event_through_the_form(client, world, session):
    login(client, world.admin.email, world.password)
    page = client.get(f"{ADMIN}/neu").get_data(as_text=True)
    assert '<label for="title">' in page and 'value="90"' in page
    response = client.post(f"{ADMIN}/neu", data={
        **_form(world.region.id), "csrf_token": _token(client, f"{ADMIN}/neu")})
    assert response.status_code == 303
    event = session.scalar(select(Event))
    assert (event.title, event.slug, event.status, event.city) == (
        "Ausbildungsmesse Jena", "ausbildungsmesse-jena", "draft", "Jena")
    assert event.registration_closes_at == datetime.combine(SOON, datetime.min.time()).replace(
        hour=12)
    overview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ist als Entwurf gespeichert" in overview
    listing = client.get(ADMIN).get_data(as_text=True)
    assert "Ausbildungsmesse Jena" in listing and "Entwurf" in listing


@pytest.mark.parametrize("changes, field, message", [
    ({"title": "Messe\x00Jena"}, "title", "Steuerzeichen"),
    ({"ends_on": (SOON - timedelta(days=1)).strftime("%d.%m.%Y")}, "ends_on",
     "Das Ende liegt vor dem Beginn"),
    ({"registration_closes_at": (SOON + timedelta(days=1)).strftime("%d.%m.%Y 10:00")},
     "registration_closes_at", "spätestens am letzten Veranstaltungstag"),
    ({"region_id": "999999"}, "region_id", "aus der Liste"),
    ({"region_id": "99999999999999999999"}, "region_id", "Eintrag aus der Liste"),
    ({"kind": "party"}, "kind", "Liste"),
    ({"retention_days": "3651"}, "retention_days", "zwischen 1 und 3650 Tagen"),
    ({"retention_days": "viele"}, "retention_days", "ganze Zahl"),
    ({"starts_on": "31.02.2026"}, "starts_on", "gültiges Datum"),
    ({"registration_opens_at": "gestern"}, "registration_opens_at", "Datum und Uhrzeit"),
])
def test_bad_form_input_answers_422_with_the_message_at_the_field(
    client, world, session, changes, field, message
):
    login(client, world.admin.email, world.password)
    response = client.post(f"{ADMIN}/neu", data={
        **_form(world.region.id, **changes), "csrf_token": _token(client, f"{ADMIN}/neu")})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(rf'<p class="kj-field-error" id="{field}-error">([^<]*)</p>', page)
    assert error and message in error.group(1), page
    assert re.search(rf'id="{field}"[^>]*aria-describedby="[^"]*{field}-error"|'
                     rf'aria-describedby="[^"]*{field}-error"[^>]*id="{field}"', page)
    assert _count(session, Event) == 0


def test_admin_edits_an_event_and_cannot_edit_a_cancelled_one(client, world, session):
    event = _event(session, world.region, status="draft")
    session.commit()
    login(client, world.admin.email, world.password)
    url = f"{ADMIN}/{event.id}/bearbeiten"
    assert "Messe Jena" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={**_form(world.region.id, title="Messe Jena 2026"),
                                      "csrf_token": _token(client, url)})
    assert response.status_code == 303
    session.expire_all()
    assert session.get(Event, event.id).title == "Messe Jena 2026"

    session.get(Event, event.id).status = "cancelled"
    session.commit()
    assert client.get(url).status_code == 303
    token = _token(client, f"{ADMIN}/neu")
    response = client.post(url, data={**_form(world.region.id, title="Wieder da"),
                                      "csrf_token": token})
    assert response.status_code == 303
    session.expire_all()
    assert session.get(Event, event.id).title == "Messe Jena 2026"


def test_publishing_puts_the_event_on_the_public_calendar(client, world, session):
    event = _event(session, world.region, status="draft", title="Messe zum Veröffentlichen")
    session.commit()
    assert "Messe zum Veröffentlichen" not in client.get("/jobs/termine").get_data(as_text=True)
    login(client, world.admin.email, world.password)
    url = f"{ADMIN}/{event.id}/veroeffentlichen"
    question = client.get(url)
    assert question.status_code == 200 and "Veranstaltung veröffentlichen?" in question.get_data(
        as_text=True)
    session.expire_all()
    assert session.get(Event, event.id).status == "draft", "GET changes nothing"
    assert client.post(url, data={"csrf_token": _token(client, url)}).status_code == 303
    session.expire_all()
    published = session.get(Event, event.id)
    assert published.status == "published" and published.published_at is not None
    assert "Messe zum Veröffentlichen" in client.get("/jobs/termine").get_data(as_text=True)
    assert session.scalar(select(AuditEntry.action).where(
        AuditEntry.object_id == event.id, AuditEntry.action == "event.published"))

    again = client.post(url, data={"csrf_token": _token(client, f"{ADMIN}/neu")})
    assert again.status_code == 422
    assert "Nur ein Entwurf kann veröffentlicht werden." in again.get_data(as_text=True)
    asked = client.get(url)
    assert asked.status_code == 303
    assert "Nur ein Entwurf kann veröffentlicht werden." in client.get(
        asked.headers["Location"]).get_data(as_text=True)


def test_state_changes_without_csrf_token_change_nothing(client, world, session):
    event = _event(session, world.region, status="draft")
    session.commit()
    login(client, world.admin.email, world.password)
    assert client.post(f"{ADMIN}/{event.id}/veroeffentlichen").status_code == 400
    session.expire_all()
    assert session.get(Event, event.id).status == "draft"


# --- cancelling -----------------------------------------------------------------------------


def _fair_with_people(session, world):
    """A fair with two companies (one with a contact address in its profile, one without),
    a confirmed, a waiting, a pending and an already cancelled registration."""
    event = _event(session, world.region)
    alpha = _take_part(session, event, ProfileFactory(
        customer=world.a.customer, region=world.region, contact_email="Ausbildung@Alpha.example"))
    beta = _take_part(session, event, ProfileFactory(customer=world.b.customer,
                                                     region=world.region))
    first = _slot(session, alpha, capacity=2, held=2)
    second = _slot(session, beta, capacity=5, held=1)
    people = [
        _register(session, first, "kim@schule.example", "confirmed"),
        _register(session, first, "lea@schule.example", "pending"),
        _register(session, first, "tom@schule.example", "waitlisted"),
        _register(session, second, "kim@schule.example", "confirmed"),
        _register(session, second, "old@schule.example", "cancelled"),
    ]
    session.commit()
    return event, people


def test_cancelling_cancels_every_registration_and_mails_people_and_companies(session, world):
    event, people = _fair_with_people(session, world)
    result = agency.cancel_event(session, event.id, "Die Halle ist gesperrt.", world.admin.id,
                                 TODAY, links=_Links())
    session.commit()
    assert (result.registrations_cancelled, result.companies_mailed) == (4, 2)
    session.expire_all()
    assert session.get(Event, event.id).status == "cancelled"
    assert session.get(Event, event.id).cancelled_at is not None
    statuses = set(session.scalars(select(Registration.status)))
    assert statuses == {"cancelled"}
    mails = session.scalars(select(OutboxMail)).all()
    company_mails = sorted(m.to_addr for m in mails if m.kind == "event.cancelled.company")
    assert company_mails == ["ausbildung@alpha.example", "info@baeckerei-beta.example"]
    assert all("Die Halle ist gesperrt." in m.body_text for m in mails)
    people_mails = {m.to_addr for m in mails if m.kind != "event.cancelled.company"}
    assert people_mails == {"kim@schule.example", "lea@schule.example", "tom@schule.example"}
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "event.cancelled"))
    assert entry.details == {"registrations": 4, "companies": 2, "fields": ["status"],
                             "before": {"status": "published"},
                             "after": {"status": "cancelled"}}
    assert "@" not in str(entry.details)


def test_cancelling_needs_a_reason_and_a_published_event(session, world):
    event, _people = _fair_with_people(session, world)
    with pytest.raises(ValidationError) as refused:
        agency.cancel_event(session, event.id, "  ", world.admin.id, TODAY, links=_Links())
    assert "reason" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        agency.cancel_event(session, event.id, "Grund\x00", world.admin.id, TODAY,
                            links=_Links())
    assert "reason" in refused.value.errors
    session.rollback()
    draft = _event(session, world.region, status="draft")
    session.commit()
    with pytest.raises(ValidationError) as refused:
        agency.cancel_event(session, draft.id, "Grund", world.admin.id, TODAY, links=_Links())
    assert "action" in refused.value.errors
    session.rollback()
    assert _count(session, OutboxMail) == 0
    assert set(session.scalars(select(Registration.status))) == {
        "confirmed", "pending", "waitlisted", "cancelled"}


def test_admin_cancels_through_the_confirmation_page(client, world, session):
    event = _event(session, world.region, title="Messe zum Absagen")
    alpha = _take_part(session, event, ProfileFactory(customer=world.a.customer,
                                                      region=world.region))
    _register(session, _slot(session, alpha, held=1), "kim@schule.example")
    session.commit()
    login(client, world.admin.email, world.password)
    url = f"{ADMIN}/{event.id}/absagen"
    page = client.get(url).get_data(as_text=True)
    assert "Veranstaltung absagen?" in page and '<label for="reason">' in page
    missing = client.post(url, data={"reason": "", "csrf_token": _token(client, url)})
    assert missing.status_code == 422
    assert 'aria-describedby="reason-error"' in missing.get_data(as_text=True)
    session.expire_all()
    assert session.get(Event, event.id).status == "published"

    done = client.post(url, data={"reason": "Sturmwarnung", "csrf_token": _token(client, url)})
    assert done.status_code == 303
    flashed = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "1 Anmeldung wurde storniert und benachrichtigt." in flashed
    assert "1 Betrieb bekommt eine Mail." in flashed
    session.expire_all()
    assert session.get(Event, event.id).status == "cancelled"
    assert session.scalar(select(Registration.status)) == "cancelled"
    assert sorted(session.scalars(select(OutboxMail.to_addr))) == [
        "info@optik-alpha.example", "kim@schule.example"]
    assert all("Sturmwarnung" in body for body in session.scalars(select(OutboxMail.body_text)))
    assert "Messe zum Absagen" not in client.get("/jobs/termine").get_data(as_text=True)


# --- archiving ------------------------------------------------------------------------------


def test_archiving_takes_cancelled_or_ended_events_only(client, world, session):
    running = _event(session, world.region, title="Läuft noch")
    ended = _event(session, world.region, title="Vorbei", starts=TODAY - timedelta(days=3))
    cancelled = _event(session, world.region, status="cancelled", title="Abgesagt")
    session.commit()
    login(client, world.admin.email, world.password)

    def archive(event):
        url = f"{ADMIN}/{event.id}/archivieren"
        return client.post(url, data={"csrf_token": _token(client, f"{ADMIN}/neu")})

    refused = archive(running)
    assert refused.status_code == 422
    assert "nur abgesagte oder beendete" in refused.get_data(as_text=True)
    assert archive(ended).status_code == 303
    assert archive(cancelled).status_code == 303
    session.expire_all()
    assert [session.get(Event, e.id).status for e in (running, ended, cancelled)] == [
        "published", "archived", "archived"]
    assert session.get(Event, ended.id).archived_at is not None


# --- the overview ---------------------------------------------------------------------------


def test_overview_figures_are_counted_from_the_registrations(client, world, session):
    event = _event(session, world.region)
    from kwis_job_plugin.demo.factories import CustomerFactory

    zimmerei = _take_part(session, event, ProfileFactory(
        customer=CustomerFactory(name="Zimmerei Zander", size_class="large"),
        region=world.region))
    apotheke = _take_part(session, event, ProfileFactory(
        customer=CustomerFactory(name="Ärztehaus Am Markt", size_class="micro"),
        region=world.region))
    _take_part(session, event, ProfileFactory(customer=world.b.customer, region=world.region),
               status="withdrawn")
    morning = _slot(session, zimmerei, capacity=10, held=5, title="Dachstuhl")
    afternoon = _slot(session, zimmerei, capacity=4, held=4, title="Werkstatt", hour=13)
    gone = _slot(session, zimmerei, capacity=8, title="Abgesagt", hour=15, status="cancelled")
    tour = _slot(session, apotheke, capacity=6, held=1, title="Rundgang")
    _register(session, morning, "klasse@schule.example", "confirmed", party=3, checked_in=True)
    _register(session, morning, "a@schule.example", "confirmed", checked_in=True)
    _register(session, morning, "b@schule.example", "pending")
    _register(session, morning, "c@schule.example", "cancelled")
    _register(session, afternoon, "d@schule.example", "confirmed", party=4)
    _register(session, afternoon, "e@schule.example", "waitlisted")
    _register(session, afternoon, "f@schule.example", "waitlisted")
    _register(session, gone, "g@schule.example", "cancelled")
    _register(session, tour, "h@schule.example", "confirmed")
    session.commit()

    overview = agency.overview(session, event.id)
    assert [c.name for c in overview.companies] == ["Ärztehaus Am Markt", "Zimmerei Zander"]
    assert overview.withdrawn == 1
    lines = {line.slot.title: line.figures for c in overview.companies for line in c.slots}
    m = lines["Dachstuhl"]
    assert (m.capacity, m.held, m.confirmed, m.pending, m.waitlisted, m.attended,
            m.registrations) == (10, 5, 4, 1, 0, 4, 4)
    assert m.fill_rate == 0.5
    w = lines["Werkstatt"]
    assert (w.capacity, w.held, w.waitlisted, w.fill_rate) == (4, 4, 2, 1.0)
    assert (lines["Abgesagt"].capacity, lines["Abgesagt"].registrations) == (0, 1)
    total = overview.figures
    assert (total.capacity, total.held, total.confirmed, total.pending, total.waitlisted,
            total.attended, total.registrations) == (20, 10, 9, 1, 2, 4, 9)
    assert total.fill_rate == 0.5
    zander = overview.companies[1].figures
    assert (zander.capacity, zander.held) == (14, 9)

    login(client, world.admin.email, world.password)
    page = client.get(f"{ADMIN}/{event.id}").get_data(as_text=True)
    assert page.index("Ärztehaus Am Markt") < page.index("Zimmerei Zander")
    assert "Bäckerei Beta" not in page
    assert "50 %" in page and "100 %" in page
    assert "1 Betrieb hat seine Teilnahme zurückgezogen." in page


# --- messages -------------------------------------------------------------------------------


def test_a_message_to_everyone_registered_goes_once_to_each_address(client, world, session):
    event, _people = _fair_with_people(session, world)
    login(client, world.admin.email, world.password)
    url = f"{ADMIN}/{event.id}/nachricht/angemeldete"
    response = client.post(url, data={
        "angemeldete-subject": "Treffpunkt geändert",
        "angemeldete-text": "Wir treffen uns am Haupteingang.",
        "angemeldete-csrf_token": _token(client, f"{ADMIN}/{event.id}"),
    })
    assert response.status_code == 303
    assert "Die Nachricht ist an 3 Adressen unterwegs." in client.get(
        response.headers["Location"]).get_data(as_text=True)
    mails = session.scalars(select(OutboxMail).order_by(OutboxMail.to_addr)).all()
    assert [m.to_addr for m in mails] == [
        "kim@schule.example", "lea@schule.example", "tom@schule.example"]
    assert all(m.subject == "Treffpunkt geändert" and m.region_id == world.region.id
               and "Wir treffen uns am Haupteingang." in m.body_text
               and "Messe Jena" in m.body_text for m in mails)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "event.message_sent"))
    assert entry.details == {"audience": "registered", "count": 3}


def test_a_message_to_every_company_is_deduplicated(session, world):
    event, _people = _fair_with_people(session, world)
    beta = session.scalar(select(EmployerProfile).where(
        EmployerProfile.customer_id == world.b.customer.id))
    beta.contact_email = "AUSBILDUNG@alpha.example"
    session.commit()
    count = agency.send_message(session, event.id, "companies", "Standaufbau",
                                "Aufbau ab 7 Uhr.", world.admin.id)
    session.commit()
    assert count == 1
    assert session.scalars(select(OutboxMail.to_addr)).all() == ["ausbildung@alpha.example"]


@pytest.mark.parametrize("subject, text, field", [
    ("", "Text", "subject"),
    ("Betreff\x00", "Text", "subject"),
    ("Zeile\nKopf: x", "Text", "subject"),
    ("Betreff", "  ", "text"),
    ("Betreff", "Text\x00", "text"),
    ("Betreff", "x" * 10001, "text"),
])
def test_a_bad_message_is_refused_at_its_field_and_queues_nothing(
    client, world, session, subject, text, field
):
    event, _people = _fair_with_people(session, world)
    login(client, world.admin.email, world.password)
    response = client.post(f"{ADMIN}/{event.id}/nachricht/betriebe", data={
        "betriebe-subject": subject, "betriebe-text": text,
        "betriebe-csrf_token": _token(client, f"{ADMIN}/{event.id}"),
    })
    assert response.status_code == 422
    assert f'aria-describedby="betriebe-{field}-error"' in response.get_data(as_text=True)
    assert _count(session, OutboxMail) == 0
    assert _count(session, AuditEntry) == 0


# --- access ---------------------------------------------------------------------------------


def test_only_admins_reach_the_events_admin(client, world, session):
    event = _event(session, world.region, status="draft")
    session.commit()
    urls = [ADMIN, f"{ADMIN}/neu", f"{ADMIN}/{event.id}", f"{ADMIN}/{event.id}/bearbeiten",
            f"{ADMIN}/{event.id}/veroeffentlichen"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    login(client, world.a.email, world.password)
    for url in urls:
        assert client.get(url).status_code == 403, url
    token = _token(client, "/selfservice/job/profil")
    response = client.post(f"{ADMIN}/{event.id}/veroeffentlichen", data={"csrf_token": token})
    assert response.status_code == 403
    session.expire_all()
    assert session.get(Event, event.id).status == "draft"


def test_unknown_and_huge_ids_answer_404(client, world):
    login(client, world.admin.email, world.password)
    for event_id in (999999, 2147483647, 2147483648, 10**30):
        for suffix in ("", "/bearbeiten", "/veroeffentlichen", "/absagen", "/archivieren"):
            assert client.get(f"{ADMIN}/{event_id}{suffix}").status_code == 404, (
                event_id, suffix)
    assert client.get(f"{ADMIN}/1/nachricht/alle").status_code == 404


def test_the_admin_menu_lists_the_events_page(client, world):
    login(client, world.admin.email, world.password)
    page = client.get(ADMIN).get_data(as_text=True)
    assert re.search(r'<a href="/admin/job/veranstaltungen"\s*aria-current="page">'
                     r'KWIS.job: Veranstaltungen</a>', page)
