"""Success indicators (issue 10): a fixed data set with a known number for every figure, year
boundaries, what is left out (cancelled events, withdrawn registrations, other regions, drafts,
expired offers), the target edit, the CSV, and the region check of every route."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from support.web import csrf_token, login

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import (
    AuditEntry,
    DailyCounter,
    Event,
    EventParticipation,
    IndicatorTarget,
    OccupationalField,
    Registration,
    Slot,
)
from kwis_job_plugin.services import admin_scope, indicators, search_index
from kwis_job_plugin.services.errors import ValidationError
from kwis_job_plugin.views import admin_indicators

TODAY = date(2026, 12, 1)
YEAR = 2026


def _fields(session):
    return list(session.scalars(
        select(OccupationalField).where(OccupationalField.parent_id.is_(None))
        .order_by(OccupationalField.sort_order, OccupationalField.name).limit(2)))


def _event(session, region, profile, title, ends_on, status="published"):
    event = Event(region_id=region.id, kind="fair", status=status, slug=title.lower(),
                  title=title, starts_on=ends_on, ends_on=ends_on, venue="Halle",
                  retention_days=90)
    session.add(event)
    session.flush()
    participation = EventParticipation(event_id=event.id, profile_id=profile.id)
    session.add(participation)
    session.flush()
    slot = _slot(session, participation, ends_on)
    return event, participation, slot


def _slot(session, participation, day, status="open"):
    slot = Slot(participation_id=participation.id, title="Besuch", capacity=50,
                starts_at=datetime(day.year, day.month, day.day, 9),
                ends_at=datetime(day.year, day.month, day.day, 11), status=status)
    session.add(slot)
    session.flush()
    return slot


_n = iter(range(10_000))


def _registration(session, slot, status="confirmed", school=None, party=1, present=False):
    n = next(_n)
    session.add(Registration(
        slot_id=slot.id, status=status, first_name="Kim", last_name=f"Muster{n}",
        email=f"p{n}@schule.example", school=school, party_size=party,
        checked_in_at=datetime(2026, 3, 10, 9, 5) if present else None))


@pytest.fixture
def data(session, world):
    """Jena: one company with two offers on the portal; the rest must not count."""
    jena = world.region
    weimar = factories.RegionFactory(slug="weimarer-land", name="Weimarer Land",
                                     prefixes=["16071"])
    f1, f2 = _fields(session)
    alpha = factories.ProfileFactory(customer=world.a.customer, region=jena, status="published")
    o1 = factories.OfferFactory(profile=alpha, status="published", title="Praktikum Optik",
                                type_key="schuelerpraktikum", fields=[f1])
    factories.OfferFactory(profile=alpha, status="published", title="Ferienjob Lager",
                           type_key="ferienjob", fields=[f1, f2])
    factories.OfferFactory(profile=alpha, status="draft", title="Entwurf")
    beta = factories.ProfileFactory(customer=world.b.customer, region=jena, status="published")
    factories.OfferFactory(profile=beta, status="paused", title="Pausiert",
                           published_snapshot={"title": "Pausiert", "type": "ferienjob"})
    factories.OfferFactory(profile=beta, status="published", title="Abgelaufen",
                           time_mode="range", start_date=date(2026, 5, 1),
                           end_date=date(2026, 6, 30), valid_until=date(2026, 6, 30))
    draft_profile = factories.ProfileFactory(region=jena, status="draft")
    factories.OfferFactory(profile=draft_profile, status="published", title="Ohne Profil")
    gamma = factories.ProfileFactory(region=weimar, status="published")
    factories.OfferFactory(profile=gamma, status="published", title="Weimar")
    search_index.rebuild_all(session)

    e1, participation, slot = _event(session, jena, alpha, "Messe", date(2026, 3, 10))
    _registration(session, slot, school="Gymnasium Jena", present=True)
    _registration(session, slot, school="  gymnasium   JENA ", party=3)
    _registration(session, slot, school="Realschule Nord", present=True)
    _registration(session, slot, school=None)
    _registration(session, slot, status="cancelled", school="Zurückgezogen-Schule")
    _registration(session, slot, status="waitlisted", school="Warteschule")
    cancelled_slot = _slot(session, participation, date(2026, 3, 10), status="cancelled")
    _registration(session, cancelled_slot, school="Abgesagter-Termin-Schule")
    for title, ends, status in (("Abgesagt", date(2026, 4, 1), "cancelled"),
                                ("Vorjahr", date(2025, 12, 31), "published"),
                                ("Folgejahr", date(2027, 1, 1), "published"),
                                ("Entwurf", date(2026, 5, 1), "draft"),
                                ("Kommt noch", date(2026, 12, 20), "published")):
        _, _, other = _event(session, jena, alpha, title, ends, status)
        _registration(session, other, school=f"Schule {title}", present=True)
    _, _, foreign = _event(session, weimar, gamma, "Weimar-Messe", date(2026, 3, 10))
    _registration(session, foreign, school="Weimarer Schule")

    def views(day, metric, scope, subject, value):
        session.add(DailyCounter(day=day, metric=metric, scope=scope, subject=subject,
                                 value=value))
    views(date(2026, 1, 1), "profile_view", "jena", f"profile:{alpha.id}", 5)
    views(date(2026, 12, 31), "profile_view", "jena", f"profile:{alpha.id}", 2)
    views(date(2025, 12, 31), "profile_view", "jena", f"profile:{alpha.id}", 100)
    views(date(2027, 1, 1), "profile_view", "jena", f"profile:{alpha.id}", 100)
    views(date(2026, 6, 1), "offer_view", "jena", f"offer:{o1.id}", 7)
    views(date(2026, 6, 1), "offer_view", "weimarer-land", f"offer:{o1.id}", 50)
    session.commit()
    return type("Data", (), {"jena": jena, "weimar": weimar, "alpha": alpha, "o1": o1,
                             "f1": f1, "f2": f2, "e1": e1})


def _count(counts, key):
    return {c.key: c.value for c in counts}[key]


def test_every_figure_of_the_fixed_data_set(session, data):
    ind = indicators.compute(session, data.jena, YEAR, TODAY)
    assert ind.profiles_with_offers == 1
    assert ind.offers == 2
    assert _count(ind.offers_by_type, "schuelerpraktikum") == 1
    assert _count(ind.offers_by_type, "ferienjob") == 1
    assert sum(c.value for c in ind.offers_by_type) == 2
    assert _count(ind.offers_by_field, data.f1.key) == 2
    assert _count(ind.offers_by_field, data.f2.key) == 1
    assert sum(c.value for c in ind.offers_by_field) == 3
    ev = ind.events
    assert (ev.held, ev.registrations, ev.people, ev.attended, ev.attended_people) == (
        1, 4, 6, 2, 2)
    assert [e.title for e in ev.events] == ["Messe"]
    assert ind.schools.reached == 2
    assert [(c.label, c.value) for c in ind.schools.by_school] == [
        ("Gymnasium Jena", 2), ("Realschule Nord", 1)]
    assert ind.schools.without_school == 1
    assert (ind.views.profile_views, ind.views.offer_views) == (7, 7)
    assert [(v.id, v.views) for v in ind.views.profiles] == [(data.alpha.id, 7)]
    assert [(v.id, v.views) for v in ind.views.offers] == [(data.o1.id, 7)]
    assert ind.target is None and ind.target_share is None


def test_year_boundaries(session, data):
    before = indicators.compute(session, data.jena, 2025, TODAY)
    assert before.events.held == 1 and before.events.events[0].title == "Vorjahr"
    assert before.views.profile_views == 100 and before.views.offer_views == 0
    assert before.schools.reached == 1
    after = indicators.compute(session, data.jena, 2027, date(2027, 1, 2))
    assert after.events.held == 1 and after.views.profile_views == 100
    # An event ending later this year has not been held yet; by its end it has.
    late = indicators.compute(session, data.jena, YEAR, date(2026, 12, 20))
    assert late.events.held == 2 and late.events.registrations == 5


def test_the_other_region_counts_only_its_own(session, data):
    ind = indicators.compute(session, data.weimar, YEAR, TODAY)
    assert (ind.profiles_with_offers, ind.offers, ind.events.held, ind.schools.reached) == (
        1, 1, 1, 1)
    assert ind.views.offer_views == 50 and ind.views.profile_views == 0


def test_set_target_validates_audits_and_changes_nothing_when_refused(session, data, world):
    metric = indicators.PROFILES_WITH_OFFERS
    for bad in (-1, 100_001, "30", None, True, 2.5):
        with pytest.raises(ValidationError) as refused:
            indicators.set_target(session, data.jena.id, YEAR, metric, bad,
                                  actor_user_id=world.admin.id)
        assert "target" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        indicators.set_target(session, data.jena.id, 1999, metric, 5, actor_user_id=None)
    assert "year" in refused.value.errors
    with pytest.raises(ValidationError):
        indicators.set_target(session, data.jena.id, YEAR, "unknown", 5, actor_user_id=None)
    assert session.scalar(select(func.count(IndicatorTarget.id))) == 0

    indicators.set_target(session, data.jena.id, YEAR, metric, 30, actor_user_id=world.admin.id)
    indicators.set_target(session, data.jena.id, YEAR, metric, 40, actor_user_id=world.admin.id)
    indicators.set_target(session, data.jena.id, YEAR, metric, 40, actor_user_id=world.admin.id)
    session.commit()
    entries = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "indicator_target.set").order_by(AuditEntry.id)).all()
    assert [(e.details["before"], e.details["after"]) for e in entries] == [
        ({"target": None}, {"target": 30}), ({"target": 30}, {"target": 40})]
    assert {(e.region_id, e.actor_user_id, e.details["year"]) for e in entries} == {
        (data.jena.id, world.admin.id, YEAR)}
    ind = indicators.compute(session, data.jena, YEAR, TODAY)
    assert ind.target == 40 and ind.target_share == pytest.approx(1 / 40)
    assert indicators.compute(session, data.jena, 2027, TODAY).target is None
    assert indicators.compute(session, data.weimar, YEAR, TODAY).target is None


def test_the_chart_scales_to_the_target():
    chart = indicators.bar_chart([indicators.Count("v", "Stand", 15)], target=30)
    assert chart.bars[0].width == 150.0
    assert chart.target_x == chart.label_width + 300
    zero = indicators.bar_chart([indicators.Count("v", "Stand", 0)])
    assert zero.bars[0].width == 0


# --- the pages -----------------------------------------------------------------------------


@pytest.fixture
def fixed_day(monkeypatch):
    monkeypatch.setattr(admin_indicators, "_today", lambda: TODAY)


def _admin(app, session, world, region_ids=None):
    client = app.test_client()
    if region_ids is not None:
        user = factories.AdminFactory(email="jena-admin@wf.example")
        session.flush()
        admin_scope.assign(session, world.admin.id, user.id, all_regions=False,
                           region_ids=region_ids)
        session.commit()
        email = user.email
    else:
        email = world.admin.email
    assert login(client, email, world.password).status_code in (302, 303)
    return client


def _page(jena_id):
    return f"/admin/job/kennzahlen/{jena_id}?jahr={YEAR}"


def test_the_dashboard_shows_the_figures_charts_and_tables(app, session, world, data,
                                                           fixed_day):
    client = _admin(app, session, world)
    page = client.get(_page(data.jena.id))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('role="img"') == 6 and html.count("<desc id=") == 6
    assert "Gymnasium Jena" in html and "Realschule Nord" in html
    assert "Praktikum Optik" in html
    assert "<script" not in html
    assert client.get("/admin/job/kennzahlen").status_code == 200
    menu = client.get("/admin/job/regionen").get_data(as_text=True)
    assert "KWIS.job: Kennzahlen" in menu


def test_the_target_form_saves_and_refuses_with_a_message_at_the_field(
        app, session, world, data, fixed_day):
    client = _admin(app, session, world)
    token = csrf_token(client.get(_page(data.jena.id)).data)
    url = f"/admin/job/kennzahlen/{data.jena.id}/ziel"
    for bad in ("-3", "100001", "dreißig", "", "3\x00"):
        response = client.post(url, data={"csrf_token": token, "jahr": str(YEAR),
                                          "target": bad})
        assert response.status_code == 422, bad
        html = response.get_data(as_text=True)
        assert 'class="kj-field-error"' in html and 'aria-invalid="true"' in html, bad
    response = client.post(url, data={"csrf_token": token, "jahr": "1800", "target": "30"})
    assert response.status_code == 422
    session.expire_all()
    assert session.scalar(select(func.count(IndicatorTarget.id))) == 0
    response = client.post(url, data={"csrf_token": token, "jahr": str(YEAR), "target": "30"})
    assert response.status_code == 303
    session.expire_all()
    row = session.scalar(select(IndicatorTarget))
    assert (row.region_id, row.year, row.metric, row.target) == (
        data.jena.id, YEAR, "profiles_with_offers", 30)
    assert "Ziel 2026: 30" in client.get(_page(data.jena.id)).get_data(as_text=True)


def test_the_csv_holds_every_figure_safely(app, session, world, data, fixed_day):
    session.add(Registration(slot_id=session.scalar(select(Slot.id).order_by(Slot.id)),
                             status="confirmed", first_name="X", last_name="Y",
                             email="formel@schule.example", school="=HYPERLINK(1)"))
    session.commit()
    client = _admin(app, session, world)
    response = client.get(f"/admin/job/kennzahlen/{data.jena.id}/kennzahlen.csv?jahr={YEAR}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ["Region", "Jahr", "Kennzahl", "Aufschlüsselung", "Wert"]
    by_figure = {(r[2], r[3]): r[4] for r in rows[1:]}
    assert all(r[0] == "Stadt Jena" and r[1] == "2026" for r in rows[1:])
    assert by_figure[("Veröffentlichte Arbeitgeberprofile mit mindestens einem Angebot", "")] \
        == "1"
    assert by_figure[("Veröffentlichte Angebote", "")] == "2"
    assert by_figure[("Durchgeführte Veranstaltungen", "")] == "1"
    assert by_figure[("Angemeldete Personen", "")] == "7"
    assert by_figure[("Anwesende Personen", "")] == "2"
    assert by_figure[("Erreichte Schulen", "")] == "3"
    assert by_figure[("Anmeldungen nach Schule", "'=HYPERLINK(1)")] == "1"
    assert by_figure[("Aufrufe der Betriebsseiten", "")] == "7"
    assert by_figure[("Aufrufe der Angebotsseiten", "")] == "7"
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)


def test_the_report_is_a_print_page(app, session, world, data, fixed_day):
    client = _admin(app, session, world)
    html = client.get(_page(data.jena.id)).get_data(as_text=True)
    assert f"/admin/job/kennzahlen/{data.jena.id}/jahresbericht?jahr=2026" in html
    report = client.get(f"/admin/job/kennzahlen/{data.jena.id}/jahresbericht?jahr={YEAR}")
    assert report.status_code == 200
    body = report.get_data(as_text=True)
    assert "/jobs/assets/kj-indicators." in body and "Jahresbericht 2026: Stadt Jena" in body
    assert body.count('role="img"') == 6


def test_a_region_admin_sees_only_their_regions(app, session, world, data, fixed_day):
    client = _admin(app, session, world, region_ids=[data.jena.id])
    weimar = data.weimar.id
    for url in (f"/admin/job/kennzahlen/{weimar}", f"/admin/job/kennzahlen/{weimar}/jahresbericht",
                f"/admin/job/kennzahlen/{weimar}/kennzahlen.csv",
                f"/admin/job/kennzahlen?region={weimar}", "/admin/job/kennzahlen/999999"):
        assert client.get(url).status_code == 404, url
    token = csrf_token(client.get(_page(data.jena.id)).data)
    response = client.post(f"/admin/job/kennzahlen/{weimar}/ziel",
                           data={"csrf_token": token, "jahr": "2026", "target": "5"})
    assert response.status_code == 404
    session.expire_all()
    assert session.scalar(select(func.count(IndicatorTarget.id))) == 0
    index = client.get("/admin/job/kennzahlen").get_data(as_text=True)
    assert "Weimarer Land" not in index and "Stadt Jena" in index


def test_a_year_the_page_cannot_use_is_replaced_with_a_note(app, session, world, data,
                                                           fixed_day):
    client = _admin(app, session, world)
    for raw in ("abc", "1800", "2026\u202e"):
        page = client.get(f"/admin/job/kennzahlen/{data.jena.id}", query_string={"jahr": raw})
        assert page.status_code in (200, 400), raw
        if page.status_code == 200:
            assert "Kennzahlen Stadt Jena 2026" in page.get_data(as_text=True)
