"""The seeded demo looks like a real region and keeps the product's own rules (issue 9).

Checked on the data as seeded, so a later change to ``demo/data.py`` or ``demo/seed.py`` cannot
break them silently: every date of an event, a visit slot or a dated offer is a working day in
Thuringia (the public holidays from the ``holidays`` library, not from the seed's own helper);
every offer passes the product's youth-protection hints (``offer_display.hints``) and every
holiday job names times within the Jugendarbeitsschutzgesetz; offers fit the company's trade;
the README's showcase login owns several offers of different kinds. Each demo region has its
legal data with no gap the admin area would warn about, except the one region left incomplete
on purpose, and every region can receive accessibility feedback; the README's Jena admin login
sees only Jena on the admin's regions page.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest
from kwis_hooks.refhost.models import Customer, User
from sqlalchemy import select
from support.web import login

from kwis_job_plugin.demo import data
from kwis_job_plugin.demo.factories import DEMO_PASSWORD
from kwis_job_plugin.demo.seed import ADMIN_EMAIL, REGION_ADMIN_EMAIL, seed_demo
from kwis_job_plugin.models import EmployerProfile, Event, Offer, Region, RegionLegal, Slot
from kwis_job_plugin.services import accessibility_statement, legal, offer_display

README = Path(__file__).resolve().parents[1] / "README.md"

DAYS = [
    date(2026, 12, 7),  # a naive "Monday three weeks ahead" is 28 Dec: New Year's Day on Friday
    date(2027, 2, 19),  # a naive "Friday five weeks ahead" is Good Friday 2027
    date(2027, 8, 30),  # ... is 20 Sep 2027: Weltkindertag, a holiday in Thuringia only
    date(2028, 10, 9),  # ... is 30 Oct 2028: Reformation Day on the Tuesday
]


def _holiday_or_weekend(day: date) -> str | None:
    if day.weekday() >= 5:
        return day.strftime("%A")
    return holidays.country_holidays("DE", subdiv="TH", years=day.year).get(day)


@pytest.fixture
def seeded(session):
    def seed(today: date):
        seed_demo(session, today=today)
        session.flush()
        return session
    return seed


@pytest.mark.parametrize("today", DAYS, ids=[d.isoformat() for d in DAYS])
def test_event_days_visit_slots_and_offer_dates_are_working_days_in_thuringia(seeded, today):
    session = seeded(today)
    found = []
    for event in session.scalars(select(Event)):
        for n in range((event.ends_on - event.starts_on).days + 1):
            found.append((event.title, event.starts_on + timedelta(days=n)))
    slots = session.scalars(select(Slot)).all()
    found += [(slot.title, slot.starts_at.date()) for slot in slots]
    for offer in session.scalars(select(Offer)):
        found += [(offer.title, date.fromisoformat(d)) for d in offer.fixed_dates or []]
        if offer.time_mode == "range":
            found.append((offer.title, offer.start_date))
    assert len(slots) >= 10 and len(found) > 40
    wrong = [(what, day, _holiday_or_weekend(day)) for what, day in found
             if _holiday_or_weekend(day)]
    assert not wrong, wrong


def test_every_offer_passes_the_products_youth_protection_check(seeded):
    today = DAYS[0]
    session = seeded(today)
    offers = session.scalars(select(Offer)).all()
    warned = [(offer.title, hint.code) for offer in offers
              for hint in offer_display.hints(offer, offer.profile, today)
              if hint.code.startswith("jarbschg")]
    assert not warned, warned
    holiday_jobs = [o for o in offers if o.offer_type.key == "ferienjob"]
    assert len(holiday_jobs) >= 5
    for job in holiday_jobs:
        # § 5: no holiday work under 15; § 5 Abs. 4: at most 20 working days a year
        assert job.min_age is not None and job.min_age >= 15, job.title
        assert 0 < offer_display.Timing.of_offer(job).planned_working_days(today) <= 20
        # §§ 8, 11, 14, 15-17: weekdays, 6 to 20 o'clock, at most 8 hours with the breaks
        hours = re.search(r"Montag bis Freitag von (\d+) bis (\d+) Uhr mit (\d+) Minuten Pause",
                          job.description_html)
        assert hours, f"{job.title}: the description names no working hours"
        start, end, pause = map(int, hours.groups())
        work = end - start - pause / 60
        assert 6 <= start < end <= 20 and work <= 8, job.title
        assert pause >= (60 if work > 6 else 30 if work > 4.5 else 0), job.title
        assert f"ab {job.min_age} Jahren" in job.description_html


def test_visit_slots_keep_to_the_times_young_people_may_be_there(seeded):
    session = seeded(DAYS[0])
    for slot in session.scalars(select(Slot)):
        start, end = slot.starts_at.time(), slot.ends_at.time()
        assert start.hour >= 6 and (end.hour, end.minute) <= (20, 0), slot.title
        if slot.min_age is None or slot.min_age < 15:  # children: not between 18 and 8 o'clock
            assert start.hour >= 8 and (end.hour, end.minute) <= (18, 0), slot.title
        if slot.min_age is not None and slot.min_age < 15:  # and at most two hours
            assert slot.ends_at - slot.starts_at <= timedelta(hours=2), slot.title


def test_offers_fit_each_companys_trade(seeded):
    session = seeded(DAYS[0])
    profiles = session.scalars(select(EmployerProfile)).all()
    assert len(profiles) >= 40
    for profile in profiles:
        customer = session.get(Customer, profile.customer_id)
        company = next(c for c in data.COMPANIES if c["name"] == customer.name)
        assert company["wz_code"] == customer.wz_code
        trade = data.trade_of(company)
        fields = {f.key for f in profile.fields}
        assert fields == set(trade.fields), profile.display_name
        occupations = {o.key for o in profile.occupations}
        assert occupations == set(trade.occupations), profile.display_name
        assert {o.field.key for o in profile.occupations} <= fields, profile.display_name
        names = {o.name for o in profile.occupations}
        for offer in session.scalars(select(Offer).where(Offer.profile_id == profile.id)):
            where = f"{profile.display_name}: {offer.title}"
            assert {f.key for f in offer.fields} <= fields, where
            if offer.offer_type.key == "ausbildungsplatz":
                assert any(name in offer.title for name in names), where
            if offer.offer_type.key in ("studierendenpraktikum", "abschlussarbeit"):
                assert trade.studies and trade.studies in offer.title, where
            if offer.offer_type.key == "ferienjob":
                assert trade.holiday_job and trade.holiday_job.task in offer.title, where
    bakery_offers = session.scalars(
        select(Offer).join(EmployerProfile).join(Customer,
                                                 Customer.id == EmployerProfile.customer_id)
        .where(Customer.wz_code == "10.71")).all()
    assert bakery_offers
    for offer in bakery_offers:
        assert not {f.key for f in offer.fields} & {"it", "medien", "gesundheit"}, offer.title
        assert "Informatik" not in offer.title and "Studierende" not in offer.title
        if offer.offer_type.key == "ausbildungsplatz":
            assert re.search(r"Bäcker|Verkäufer|Konditor", offer.title), offer.title


def test_the_readmes_showcase_login_owns_several_offers_of_different_kinds(seeded):
    session = seeded(DAYS[0])
    readme = README.read_text()
    showcase = re.search(r"log in as `(personal@[\w.-]+)` to see a published profile", readme)
    assert showcase, "README names the showcase login"
    user = session.scalar(select(User).where(User.email == showcase.group(1)))
    profile = session.scalar(
        select(EmployerProfile).where(EmployerProfile.customer_id == user.customer_id))
    assert profile.status == "published"
    offers = session.scalars(select(Offer).where(Offer.profile_id == profile.id,
                                                 Offer.status == "published")).all()
    kinds = {offer.offer_type.key for offer in offers}
    assert len(offers) >= 4 and len(kinds) >= 4, sorted(kinds)
    assert {"ausbildungsplatz", "ferienjob", "schuelerpraktikum"} <= kinds


# --- legal data and admins of the demo regions ---------------------------------------------------

REAL_LINKS = {data.THURINGIA_PRIVACY_AUTHORITY["privacy_authority_url"],
              data.THURINGIA_ENFORCEMENT_BODY["enforcement_body_url"]}
"""The only addresses in the demo's legal data that are not fictional: two Thuringian bodies."""


def test_demo_regions_have_no_legal_gaps_except_the_one_left_incomplete(seeded):
    session = seeded(DAYS[0])
    regions = session.scalars(select(Region).order_by(Region.slug)).all()
    assert {r.slug for r in regions} == set(data.LEGAL) and len(regions) == 3
    gaps = {r.slug: [g.field for g in legal.missing(legal.load(session, r.id))] for r in regions}
    assert data.LEGAL_INCOMPLETE_GAPS
    assert gaps == {slug: list(data.LEGAL_INCOMPLETE_GAPS) if slug == data.LEGAL_INCOMPLETE
                    else [] for slug in data.LEGAL}
    for region in regions:
        stored = session.get(RegionLegal, region.id)
        # the accessibility feedback form delivers to the region's own accessibility address
        assert accessibility_statement.feedback_address(session, region.id) == \
            stored.accessibility_email
        assert stored.accessibility_email.endswith(".example"), region.slug
        assert stored.updated_by_user_id is not None, "saved as the agency would save it"


def test_demo_legal_data_is_fictional_apart_from_the_two_thuringian_bodies(seeded):
    session = seeded(DAYS[0])
    for stored in session.scalars(select(RegionLegal)):
        for spec in legal.FIELDS:
            value = getattr(stored, spec.name)
            if not value:
                continue
            if spec.kind == "email":
                assert value.endswith(".example"), (spec.name, value)
            if spec.kind == "url":
                assert value in REAL_LINKS or ".example/" in value, (spec.name, value)
            if spec.name.endswith("_address"):
                assert "Musterstraße" in value, (spec.name, value)


def test_one_demo_region_shows_a_recorded_check_marked_as_an_example(seeded):
    today = DAYS[0]
    session = seeded(today)
    checks = {r.slug: accessibility_statement.recorded_check(session.get(RegionLegal, r.id))
              for r in session.scalars(select(Region))}
    check = checks.pop(data.ACCESSIBILITY_CHECK_REGION)
    assert check is not None and check.method == accessibility_statement.AUTOMATED
    assert check.checked_on == today - timedelta(days=data.ACCESSIBILITY_CHECK_DAYS_AGO)
    assert "keine echte Prüfung" in check.scope and "[automatisch]" not in check.scope
    assert set(checks.values()) == {None}


def _region_headings(client) -> set[str]:
    page = client.get("/admin/job/regionen")
    assert page.status_code == 200
    return set(re.findall(r'<h2 id="region-\d+">([^<]+)</h2>', page.get_data(as_text=True)))


def test_the_readmes_jena_admin_login_sees_only_jena_on_the_regions_page(seeded, app):
    session = seeded(DAYS[0])
    session.commit()
    readme = README.read_text()
    assert f"`{REGION_ADMIN_EMAIL}`" in readme, "README lists the Jena admin login"
    agency = app.test_client()
    login(agency, ADMIN_EMAIL, DEMO_PASSWORD)
    assert _region_headings(agency) == {r["name"] for r in data.REGIONS}
    jena = app.test_client()
    response = login(jena, REGION_ADMIN_EMAIL, DEMO_PASSWORD)
    assert response.status_code in (302, 303)
    assert _region_headings(jena) == {"Stadt Jena"}
    other = session.scalar(select(Region).where(Region.slug == "weimarer-land"))
    assert jena.get(f"/admin/job/regionen/{other.id}/rechtliches").status_code == 404
