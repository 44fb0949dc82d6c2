"""Seed the demo: three regions, 60 fictional companies with logins, profiles, offers, and two
events with registrations (an open-companies week in Jena, a training fair in the Weimarer Land);
the agency's admin and an admin for Jena alone; each region's legal data (imprint, privacy,
accessibility contacts), one region with a gap on purpose.

Deterministic (fixed random seed), so screenshots, docs and tests see the same data every time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TypeVar

import holidays as public_holidays
from kwis_hooks.refhost.models import Customer, User
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import (
    Benefit,
    EmployerProfile,
    Event,
    EventParticipation,
    OccupationalField,
    Region,
    Registration,
    Slot,
    TargetGroup,
    TrainingOccupation,
)
from ..models.base import utcnow
from ..services import admin_scope, campaigns, features, legal, search_index
from ..services.accessibility_check import record as record_accessibility_check
from ..services.accessibility_statement import AUTOMATED
from ..services.regions import create_region
from ..services.snapshots import offer_snapshot, profile_snapshot
from . import data
from .factories import (
    DEMO_PASSWORD,
    AdminFactory,
    CustomerFactory,
    OfferFactory,
    ProfileFactory,
    UserFactory,
    slugify,
    use_session,
)

ADMIN_EMAIL = "admin@wirtschaftsfoerderung-jena.example"
REGION_ADMIN_EMAIL = "jena@wirtschaftsfoerderung-jena.example"
"""An admin limited to Stadt Jena (``services.admin_scope``): sees and changes only Jena."""
SHOWCASE_COMPANY = "Saaletal Präzisionsoptik"
"""The company whose login README and screenshots show: it gets one offer of each kind in
``SHOWCASE_KINDS`` instead of a random few."""
SHOWCASE_KINDS = ("ausbildungsplatz", "schuelerpraktikum", "ferienjob", "studierendenpraktikum",
                  "tag-der-offenen-tuer")
T = TypeVar("T")

# Generic titles by offer type: (type key, title pattern, target group key, time mode). The demo
# builds its offers by trade (``offer_plans``); these stay for synthetic data in bulk, where the
# trade does not matter (``tests/benchmarks/generate_data.py``).
OFFER_PATTERNS = [
    ("ferienjob", "Ferienjob im Sommer bei {name}", "schueler", "yearly"),
    ("schuelerpraktikum", "Schülerpraktikum: eine Woche bei {name}", "schueler", "by_arrangement"),
    ("schnuppertag", "Schnuppertag bei {name}", "schueler", "fixed"),
    ("ausbildungsplatz", "Ausbildungsplatz ab August", "schueler", "range"),
    ("studierendenpraktikum", "Praktikum für Studierende", "studierende", "by_arrangement"),
    ("abschlussarbeit", "Abschlussarbeit in der Praxis", "studierende", "by_arrangement"),
    ("tag-der-offenen-tuer", "Tag der offenen Tür bei {name}", "schueler", "yearly"),
    ("kooperation-schulen", "Betriebserkundung für Schulklassen", "lehrkraefte", "by_arrangement"),
    (
        "praktikum-arbeitsuchende",
        "Praktikum zur beruflichen Orientierung",
        "arbeitsuchende",
        "by_arrangement",
    ),
]

MONTHS = {6: "Juni", 7: "Juli", 8: "August", 9: "September"}
HOLIDAY_WINDOW = ((7, 15), (8, 4))
"""Holiday jobs run every summer from 15 July to 4 August: three weeks (at most 15 working
days, § 5 Abs. 4 JArbSchG allows 20) inside Thuringia's summer holidays of the coming years."""


@lru_cache(maxsize=8)
def _thuringia_holidays(year: int) -> public_holidays.HolidayBase:
    return public_holidays.country_holidays("DE", subdiv="TH", years=year)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public holiday in Thuringia (New Year's Day, Good Friday,
    Easter Monday, Weltkindertag, Reformation Day, ...)."""
    return day.weekday() < 5 and day not in _thuringia_holidays(day.year)


def working_day_from(day: date) -> date:
    """``day`` itself when it is a working day, else the next one."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class OfferPlan:
    type_key: str
    title: str
    group: str
    """Key of the target group."""
    time_mode: str
    fields: tuple[str, ...]
    description: str
    min_age: int | None = None


def offer_plans(
    company: dict, trade: data.Trade, occupations: dict[str, TrainingOccupation]
) -> list[OfferPlan]:
    """What a company of ``trade`` would offer, one plan per kind (the first two
    apprenticeships): a bakery its bakehouse and its shop, never an IT internship."""
    name, field = company["name"], trade.fields[:1]
    plans = []
    for key in trade.occupations[:2]:
        occupation = occupations[key]
        plans.append(OfferPlan(
            "ausbildungsplatz", f"Ausbildung {occupation.name}", "schueler", "range",
            (occupation.field.key,),
            f"<p>Drei Jahre Ausbildung als {occupation.name} bei {name}, mit fester "
            "Ansprechperson, Berufsschule in der Region und guten Aussichten auf Übernahme."
            "</p>"))
    plans.append(OfferPlan(
        "schuelerpraktikum", f"Schülerpraktikum {trade.practice}", "schueler", "by_arrangement",
        field, f"<p>Ein bis zwei Wochen {trade.practice} mitarbeiten, zum Beispiel im "
        "Pflichtpraktikum der Schule. Den Zeitraum stimmen wir mit Ihnen ab.</p>",
        min_age=14))
    plans.append(OfferPlan(
        "schnuppertag", f"Schnuppertag {trade.practice}", "schueler", "fixed", field,
        f"<p>Einen Vormittag {trade.practice} dabei sein, von 9 bis 12 Uhr, mit "
        "Auszubildenden als Ansprechpersonen.</p>"))
    if job := trade.holiday_job:
        (start_month, start_day), (end_month, end_day) = HOLIDAY_WINDOW
        plans.append(OfferPlan(
            "ferienjob", f"Ferienjob: {job.task}", "schueler", "yearly", field,
            f"<p>{job.duties}</p><p>Montag bis Freitag von {job.start_hour} bis "
            f"{job.end_hour} Uhr mit {job.break_minutes} Minuten Pause, ab {job.min_age} Jahren, "
            f"in den Sommerferien vom {start_day}. {MONTHS[start_month]} bis {end_day}. "
            f"{MONTHS[end_month]}. So bleibt der Ferienjob in den Grenzen des "
            "Jugendarbeitsschutzgesetzes.</p>", min_age=job.min_age))
    if trade.studies:
        plans.append(OfferPlan(
            "studierendenpraktikum", f"Praktikum für Studierende: {trade.studies}",
            "studierende", "by_arrangement", field,
            f"<p>Pflicht- oder freiwilliges Praktikum für Studierende der Fächer {trade.studies}, "
            "drei bis sechs Monate, mit eigenem Projekt.</p>"))
        plans.append(OfferPlan(
            "abschlussarbeit", f"Abschlussarbeit: {trade.studies}", "studierende",
            "by_arrangement", field,
            f"<p>Bachelor- oder Masterarbeit ({trade.studies}) zu einer Frage aus unserer Praxis, "
            "betreut von uns und Ihrer Hochschule.</p>"))
    plans.append(OfferPlan(
        "tag-der-offenen-tuer", f"Tag der offenen Tür bei {name}", "schueler", "fixed", field,
        "<p>Von 14 bis 18 Uhr: Rundgang, Gespräche mit Auszubildenden und Mitmachstationen. "
        "Familien sind willkommen.</p>"))
    plans.append(OfferPlan(
        "kooperation-schulen", "Betriebserkundung für Schulklassen", "lehrkraefte",
        "by_arrangement", field,
        f"<p>Schulklassen ab Klasse 7 sehen {trade.practice}, wie gearbeitet und ausgebildet "
        "wird. Termin nach Absprache mit der Lehrkraft.</p>"))
    plans.append(OfferPlan(
        "praktikum-arbeitsuchende", "Praktikum zur beruflichen Orientierung", "arbeitsuchende",
        "by_arrangement", field,
        f"<p>Für Menschen, die eine neue Richtung suchen: einige Wochen {trade.practice} "
        "mitarbeiten, auch in Teilzeit.</p>"))
    return plans


def _chosen_plans(company: dict, plans: list[OfferPlan], rng: random.Random) -> list[OfferPlan]:
    if company["name"] == SHOWCASE_COMPANY:
        by_kind = {plan.type_key: plan for plan in reversed(plans)}
        return [by_kind[kind] for kind in SHOWCASE_KINDS if kind in by_kind]
    return rng.sample(plans, k=min(len(plans), rng.randint(1, 3)))


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    who: str


def _town(company: dict) -> dict:
    for town in data.TOWNS:
        if (town["name"], town["postcode"]) == (company["town"], company["postcode"]) and (
            company.get("district") in (None, town.get("district"))
        ):
            return town
    raise LookupError(f"no town for {company['name']}")


def already_seeded(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(Region)))


def seed_demo(session: Session, today: date | None = None) -> list[DemoLogin]:
    """Fill an empty database (host schema and plug-in migrations in place)."""
    today = today or date.today()
    rng = random.Random(16053)
    use_session(session)

    regions = {
        r["slug"]: create_region(
            session,
            r["slug"],
            r["name"],
            r["ags_prefixes"],
            review_rule="first_publication" if r["slug"] == "jena" else "none",
        )
        for r in data.REGIONS
    }
    # Reach (issue 11) in Jena: the API with its feeds and calendars, the widget and the
    # school button. Both are off by default; the other regions show that.
    for feature in ("api", "embed"):
        features.set_enabled(session, regions["jena"].id, feature, True, None)
    fields = {f.key: f for f in session.scalars(select(OccupationalField))}
    occupations = {o.key: o for o in session.scalars(select(TrainingOccupation))}
    benefits = session.scalars(select(Benefit)).all()
    groups = {g.key: g for g in session.scalars(select(TargetGroup))}

    # Logins in the order they are printed: the agency first, then the admin of one region,
    # then one company per region, then one without a profile.
    logins = [DemoLogin(ADMIN_EMAIL, DEMO_PASSWORD, "Verwaltung (Wirtschaftsförderung)")]
    agency = AdminFactory(email=ADMIN_EMAIL, display_name="Verwaltung Wirtschaftsförderung")
    logins.append(_seed_region_admin(session, agency, regions["jena"]))
    shown_regions: set[str] = set()
    profiles: list[EmployerProfile] = []

    for index, company in enumerate(data.COMPANIES):
        town = _town(company)
        customer: Customer = CustomerFactory(
            name=company["name"],
            legal_form=company["legal_form"],
            street=company["street"],
            postcode=company["postcode"],
            city=company["town"],
            ags=town["ags"],
            wz_code=company["wz_code"],
            size_class=company["size_class"],
            website=company["website"],
            email=company["email"],
            phone=company["phone"],
            lat=round(town["lat"] + rng.uniform(-0.008, 0.008), 5),
            lon=round(town["lon"] + rng.uniform(-0.012, 0.012), 5),
        )
        email = f"personal@{slugify(company['name'])}.example"
        UserFactory(customer=customer, email=email, display_name=f"Personal {company['name']}")
        region = regions[town["region"]]

        # Every 5th company has not started yet, so the empty state is part of the demo.
        if index % 5 == 4:
            if index == 4:
                logins.append(
                    DemoLogin(email, DEMO_PASSWORD, f"{company['name']} (noch ohne Profil)")
                )
            continue
        status = "draft" if index % 7 == 3 else "in_review" if index % 11 == 6 else "published"
        profile = ProfileFactory(
            customer=customer,
            region=region,
            status=status,
            philosophy_html=(
                f"<p>{company['name']} bildet seit vielen Jahren in der Region aus. Bei uns "
                "arbeiten Sie vom ersten Tag an im Team mit und haben eine feste Ansprechperson."
                "</p>"
            ),
            contact_name="Personalabteilung",
            contact_email=company["email"],
            contact_phone=company["phone"],
            submitted_at=utcnow() if status != "draft" else None,
        )
        trade = data.trade_of(company)
        profile.fields = [fields[key] for key in trade.fields]
        profile.occupations = [occupations[key] for key in trade.occupations]
        profile.benefits = rng.sample(benefits, k=rng.randint(2, 5))
        if status == "published":
            profile.published_snapshot = profile_snapshot(profile)
        profiles.append(profile)
        if status == "published" and town["region"] not in shown_regions:
            shown_regions.add(town["region"])
            logins.append(DemoLogin(email, DEMO_PASSWORD, company["name"]))

        for plan in _chosen_plans(company, offer_plans(company, trade, occupations), rng):
            offer_status = status if status != "in_review" else "draft"
            offer = OfferFactory(
                profile=profile,
                type_key=plan.type_key,
                title=plan.title,
                slug=slugify(plan.title),
                description_html=plan.description,
                status=offer_status,
                time_mode=plan.time_mode,
                places=rng.choice([None, 1, 2, 3, 5, 10]),
                min_age=plan.min_age,
                street=customer.street,
                postcode=customer.postcode,
                city=customer.city,
                lat=customer.lat,
                lon=customer.lon,
                **_timing(plan.time_mode, today, rng),
            )
            offer.fields = [fields[key] for key in plan.fields]
            offer.target_groups = [groups[plan.group]]
            if offer_status == "published":
                offer.published_snapshot = offer_snapshot(offer)

    _seed_week(
        session,
        regions["jena"],
        [p for p in profiles if p.region_id == regions["jena"].id and p.status == "published"],
        today,
    )
    weimarer_land = regions["weimarer-land"]
    _seed_fair(
        session,
        weimarer_land,
        [p for p in profiles if p.region_id == weimarer_land.id and p.status == "published"],
        today,
    )
    _seed_legal(session, regions, agency, today)
    _seed_campaign(session, regions["jena"], agency)
    session.flush()
    search_index.rebuild_all(session)
    return logins


# --- admins and legal data of the regions --------------------------------------------------------
#
# The agency's admin is global; a second admin manages only Stadt Jena, so the demo shows what a
# region admin sees. Each region's imprint, privacy and accessibility data (``data.LEGAL``) is
# saved as the agency would save it on the admin page "Rechtliche Angaben": through
# ``services.legal.save`` (checked and audited), by the agency's admin. One region is left with a
# gap on purpose (``data.LEGAL_INCOMPLETE``), so the admin area's warning shows in the demo.


def _seed_campaign(session: Session, region: Region, agency: User) -> None:
    """One campaign, not yet sent, for the companies of Jena without a profile: the admin
    area's "Kampagnen" shows the selection, the preview and the send button (sending needs the
    app's URLs for the personal links, so the demo leaves it to the admin)."""
    campaign = campaigns.create_campaign(session, region, "Betriebe ohne Profil (Herbst)",
                                         actor_user_id=agency.id)
    campaign.filter_presence = "none"


def _seed_region_admin(session: Session, agency: User, region: Region) -> DemoLogin:
    """An admin assigned to ``region`` alone, by the agency's (global) admin."""
    user = AdminFactory(email=REGION_ADMIN_EMAIL, display_name=f"Verwaltung {region.name}")
    session.flush()
    admin_scope.assign(session, agency.id, user.id, all_regions=False, region_ids=[region.id])
    return DemoLogin(REGION_ADMIN_EMAIL, DEMO_PASSWORD, f"Verwaltung nur für {region.name}")


def _seed_legal(session: Session, regions: dict[str, Region], agency: User, today: date
                ) -> None:
    """Every region's legal data, saved by the agency's admin; one recorded check (an example
    that says so) for ``data.ACCESSIBILITY_CHECK_REGION``."""
    for slug, values in data.LEGAL.items():
        legal.save(session, regions[slug], values, actor_user_id=agency.id)
    record_accessibility_check(
        session, regions[data.ACCESSIBILITY_CHECK_REGION].id,
        checked_on=today - timedelta(days=data.ACCESSIBILITY_CHECK_DAYS_AGO),
        method=AUTOMATED, scope=data.ACCESSIBILITY_CHECK_SCOPE)


def _timing(time_mode: str, today: date, rng: random.Random) -> dict:
    """Dates on working days: a training year starts on the first working day of August, a
    taster day or an open day falls on a working day in the next three months."""
    if time_mode == "yearly":
        (start_month, start_day), (end_month, end_day) = HOLIDAY_WINDOW
        return {
            "recur_start_month": start_month,
            "recur_start_day": start_day,
            "recur_end_month": end_month,
            "recur_end_day": end_day,
        }
    if time_mode == "range":
        start = working_day_from(date(today.year + 1, 8, 1))
        return {"start_date": start, "end_date": start + timedelta(days=365 * 3)}
    if time_mode == "fixed":
        day = working_day_from(today + timedelta(days=rng.randint(14, 90)))
        return {"fixed_dates": [day.isoformat()], "start_date": day, "end_date": day}
    return {}


# --- events ------------------------------------------------------------------------------------
#
# Two events whose windows are open on the day the demo is seeded, so every part of the events
# tool has something to show: an open-companies week in Jena (visits at the companies, one a
# class can book) and a fair in the Weimarer Land (stands, and a few slots to book at them).
# Registrations are fictional people at example.org; some slots are nearly full, one is full
# with a waiting list, so the overview, the attendee lists and the waiting list have data.

EVENT_SEED = 8
"""The events draw on their own random numbers: changing them leaves the companies unchanged."""


@dataclass(frozen=True)
class SlotPlan:
    day: int
    """Days after the event's first day."""
    start: time
    end: time
    title: str
    description: str
    capacity: int
    waitlist: int
    meeting_point: str
    accessibility: str | None = None
    min_age: int | None = None
    min_grade: int | None = None
    max_party_size: int = 1
    fields: tuple[str, ...] = ()
    """Keys of the occupational fields the slot shows (``kwis_job_occupational_field.key``)."""
    fill: str = "some"
    """How much the seeded registrations fill: ``full`` (and people waiting), ``nearly``,
    ``some``, ``class`` (one school class and two pupils) or ``none``."""


WEEK_PLANS: dict[str, tuple[SlotPlan, ...]] = {
    # company (from data.COMPANIES) -> its visits; the first is the Jena demo login's company
    "Saaletal Präzisionsoptik": (
        SlotPlan(0, time(9), time(11), "Betriebsrundgang mit Auszubildenden",
                 "Unsere Auszubildenden zeigen Fertigung, Messraum und Büro und erzählen, wie "
                 "ihr Tag aussieht. Danach ist Zeit für Fragen.",
                 10, 4, "Empfang im Erdgeschoss", "Stufenloser Zugang, Aufzug vorhanden.",
                 min_grade=7, fill="full", fields=("technik", "produktion")),
        SlotPlan(2, time(8), time(10, 30), "Klassenbesuch: Optik zum Anfassen",
                 "Für Schulklassen ab Klasse 8: Rundgang in kleinen Gruppen und drei Stationen "
                 "zum Ausprobieren. Die Lehrkraft meldet die Klasse an.",
                 30, 0, "Haupteingang, bitte am Empfang melden",
                 "Barrierefreier Eingang über den Hof; Toilette barrierefrei.",
                 min_grade=8, max_party_size=28, fill="class", fields=("technik",)),
    ),
    "Tischlerei Schubert": (
        SlotPlan(1, time(13), time(15), "Mitmachen in der Werkstatt",
                 "Zwei Stunden mitarbeiten: messen, sägen, schleifen. Arbeitskleidung und "
                 "Schutzbrille bekommen Sie von uns.",
                 6, 3, "Werkstatttor an der Hofeinfahrt",
                 "Sicherheitsschuhe werden gestellt. Die Werkstatt liegt drei Stufen über dem Hof.",
                 min_age=14, fill="nearly", fields=("bau", "produktion")),
    ),
    "Faserlicht Photonik": (
        SlotPlan(0, time(14), time(15, 30), "Fragestunde mit der Ausbilderin",
                 "Was lernt man in der Ausbildung, wie läuft die Bewerbung, was verdient man? "
                 "Eltern sind herzlich willkommen.",
                 15, 5, "Besprechungsraum im 1. Obergeschoss",
                 "Aufzug vorhanden; Gebärdensprachdolmetschung auf Anfrage.",
                 min_grade=7, fill="nearly", fields=("naturwissenschaften", "technik")),
        SlotPlan(4, time(10), time(12), "Klassenbesuch im Laserlabor",
                 "Eine Schulklasse macht drei Versuche mit Licht, betreut von Auszubildenden.",
                 25, 0, "Haupteingang, Pforte", "Stufenloser Zugang; Schutzbrillen liegen bereit.",
                 min_grade=9, max_party_size=25, fields=("naturwissenschaften",)),
    ),
    "Bäckerei Hoffmann": (
        SlotPlan(2, time(6), time(8, 30), "Früh in der Backstube",
                 "Brötchen, Brot und Kuchen entstehen, bevor der Laden öffnet: mitbacken und "
                 "probieren. Ab 16 Jahren, weil es so früh beginnt.",
                 4, 2, "Hintereingang an der Backstube", "Backstube ebenerdig.", min_age=16,
                 fields=("produktion", "dienstleistung")),
    ),
    "Städtisches Klinikum Kernberge": (
        SlotPlan(1, time(9), time(11), "Pflege und Medizintechnik kennenlernen",
                 "Ein Rundgang durch Ausbildungszentrum und Station, mit Auszubildenden der "
                 "Pflege und der Medizintechnik.",
                 12, 4, "Haupteingang Haus A, Information",
                 "Stufenloser Zugang, Aufzüge; Parkplätze für Menschen mit Behinderung vor Haus "
                 "A.", min_grade=9, fill="nearly", fields=("gesundheit", "soziales")),
    ),
    "Elektro Seidel": (
        SlotPlan(3, time(13), time(15), "Mitmachen: eine Schaltung bauen",
                 "Aus Kabel, Schalter und Lampe wird eine Schaltung, die Sie mit nach Hause "
                 "nehmen.",
                 6, 2, "Werkstatt, Eingang Hof", "Bitte lange Haare zusammenbinden.",
                 min_age=13, fill="none", fields=("elektro",)),
    ),
}

FAIR_STANDS: dict[str, tuple[str, str, tuple[SlotPlan, ...]]] = {
    # company -> (what the stand shows, who is there, slots to book at the stand)
    "Apoldaer Strickwaren": (
        "Vom Garn zum Pullover: eine Strickmaschine läuft am Stand. Wir sehen uns Ihre "
        "Bewerbungsmappe an und beantworten Fragen zu Praktikum und Ausbildung.",
        "zwei Auszubildende und die Ausbildungsleiterin",
        (
            SlotPlan(0, time(10), time(10, 30), "Bewerbungsmappen-Check am Stand",
                     "Bringen Sie Ihre Bewerbung mit (ausgedruckt oder auf dem Handy): 30 "
                     "Minuten Rückmeldung in kleiner Runde.",
                     3, 2, "Stand 1, gleich am Eingang der Halle",
                     "Halle stufenlos erreichbar; Sitzplätze am Stand.", min_grade=8,
                     fill="full", fields=("wirtschaft", "produktion")),
            SlotPlan(0, time(11), time(11, 30), "Bewerbungsmappen-Check am Stand",
                     "Bringen Sie Ihre Bewerbung mit (ausgedruckt oder auf dem Handy): 30 "
                     "Minuten Rückmeldung in kleiner Runde.",
                     3, 2, "Stand 1, gleich am Eingang der Halle",
                     "Halle stufenlos erreichbar; Sitzplätze am Stand.", min_grade=8,
                     fill="nearly", fields=("wirtschaft", "produktion")),
        ),
    ),
    "Ilmtal Präzisionsdreherei": (
        "Metall und Technik: Drehteile zum Anfassen und eine CNC-Steuerung zum Ausprobieren.",
        "ein Auszubildender im zweiten Lehrjahr und der Werkstattmeister",
        (
            SlotPlan(0, time(10, 30), time(11, 15), "Drehen an der CNC-Steuerung",
                     "An der Lernsteuerung ein erstes Drehteil programmieren.",
                     4, 2, "Stand 6, hintere Hallenhälfte",
                     "Die Steuerung ist im Sitzen bedienbar.", min_age=14, fill="nearly",
                     fields=("metall",)),
        ),
    ),
    "Ilmtal Digital": (
        "IT-Berufe: eine kleine App zum Ausprobieren und Gespräche über Ausbildung und duales "
        "Studium.",
        "zwei Auszubildende der Fachinformatik und die Ausbilderin",
        (
            SlotPlan(0, time(12), time(12, 45), "Gesprächsrunde mit Auszubildenden",
                     "Auszubildende erzählen von Berufsschule, Projekten und Bewerbung; auch "
                     "für Schulklassen, die Lehrkraft meldet die Klasse an.",
                     20, 0, "Stand 9 im Foyer", "Foyer stufenlos erreichbar.",
                     min_grade=8, max_party_size=20, fill="class", fields=("it",)),
        ),
    ),
    "Baugeschäft Hartung": (
        "Berufe am Bau: eine kleine Mauer zum Selbstmauern und Bilder von unseren Baustellen.",
        "die Ausbilderin und ein Auszubildender im dritten Lehrjahr",
        (),
    ),
    "Saale-Ilm Transporte": (
        "Logistik und Verkehr: Berufskraftfahrerin oder Berufskraftfahrer und Fachkraft für "
        "Lagerlogistik zum Kennenlernen, ein Lkw-Fahrerhaus zum Einsteigen.",
        "ein Auszubildender und der Disponent",
        (),
    ),
}

FIRST_NAMES = [
    "Mia", "Ben", "Emma", "Paul", "Hannah", "Leon", "Lina", "Finn", "Sophie", "Noah", "Lea",
    "Elias", "Marie", "Jonas", "Clara", "Luis", "Ida", "Felix", "Emil", "Frieda", "Anton", "Ella",
    "Karl", "Greta", "Oskar", "Mila", "Theo", "Lotta", "Jakob", "Amelie",
]
LAST_NAMES = [
    "Schubert", "Fischer", "Krause", "Lehmann", "Wagner", "Hoffmann", "Schulze", "Keller",
    "Richter", "Vogel", "Neumann", "Zimmermann", "Hahn", "Böhm", "Winkler", "Lorenz", "Seidel",
    "Franke", "Kühn", "Brandt",
]
SCHOOLS = {
    "jena": ["Gemeinschaftsschule am Saaleufer", "Regelschule Am Fuchsturm",
             "Gymnasium an der Leutra", "Gemeinschaftsschule Jena-Ost"],
    "weimarer-land": ["Regelschule Apolda-Nord", "Gymnasium am Brückenborn",
                      "Gemeinschaftsschule Ilmtal", "Regelschule Bad Berka"],
}
TEACHERS = [("Katrin", "Lehmann"), ("Stefan", "Ullrich"), ("Anja", "Petzold")]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min)


def _seed_week(
    session: Session, region: Region, profiles: list[EmployerProfile], today: date
) -> Event:
    """Jena's open-companies week: Monday to Friday of the first week three weeks ahead without
    a public holiday, every visit at a company (those of ``profiles`` that ``WEEK_PLANS``
    names)."""
    rng = random.Random(EVENT_SEED)
    monday = today + timedelta(days=(7 - today.weekday()) % 7 + 21)
    while not all(is_working_day(monday + timedelta(days=n)) for n in range(5)):
        monday += timedelta(days=7)
    event = Event(
        region_id=region.id,
        kind="open_companies",
        status="published",
        slug="woche-der-offenen-unternehmen-jena",
        title="Woche der offenen Unternehmen Jena",
        description_html=(
            "<p>Eine Woche lang öffnen Jenaer Betriebe ihre Türen: Schülerinnen und Schüler ab "
            "Klasse 7, Eltern und Lehrkräfte sehen, wie hier gearbeitet und ausgebildet wird."
            "</p><ul><li>Betriebsrundgänge und Mitmachangebote</li><li>Gespräche mit "
            "Auszubildenden</li><li>Termine für ganze Schulklassen</li></ul>"
        ),
        starts_on=monday,
        ends_on=monday + timedelta(days=4),
        at_companies=True,
        city="Jena",
        postcode="07743",
        participation_opens_at=_midnight(today - timedelta(days=21)),
        participation_closes_at=_midnight(monday - timedelta(days=7)),
        registration_opens_at=_midnight(today - timedelta(days=7)),
        registration_closes_at=_midnight(monday - timedelta(days=1)),
        published_at=_midnight(today - timedelta(days=21)),
    )
    session.add(event)
    people = _People(rng, SCHOOLS["jena"], today)
    field_ids = _field_ids(session)
    for profile, plans in _by_name(profiles, WEEK_PLANS):
        customer = session.get(Customer, profile.customer_id)
        address = f"{customer.street}, {customer.postcode} {customer.city}"
        participation = EventParticipation(event=event, profile=profile, status="registered")
        session.add(participation)
        for plan in plans:
            _seed_slot(session, participation, monday, plan, f"{address}; {plan.meeting_point}",
                       field_ids, people)
    return event


def _seed_fair(
    session: Session, region: Region, profiles: list[EmployerProfile], today: date
) -> Event:
    """The Weimarer Land's training fair: one Friday in a hall (a school day, so classes can
    come; not a public holiday), stands (those of ``profiles`` that ``FAIR_STANDS`` names) and a
    few slots to book at them."""
    rng = random.Random(EVENT_SEED + 1)
    friday = today + timedelta(days=(4 - today.weekday()) % 7 + 35)
    while not is_working_day(friday):
        friday += timedelta(days=7)
    apolda = next(t for t in data.TOWNS if t["name"] == "Apolda")
    event = Event(
        region_id=region.id,
        kind="fair",
        status="published",
        slug="ausbildungsmesse-weimarer-land",
        title="Ausbildungsmesse Weimarer Land",
        description_html=(
            "<p>Betriebe aus dem Weimarer Land stellen an einem Freitag ihre Ausbildungsberufe, "
            "Praktika und dualen Studiengänge vor. Kommen Sie vorbei, vormittags mit der Klasse "
            "oder nachmittags mit der Familie: Der Eintritt ist frei.</p><p>An einigen Ständen "
            "können Sie einen Termin buchen, zum Beispiel für einen Bewerbungsmappen-Check.</p>"
        ),
        starts_on=friday,
        ends_on=friday,
        at_companies=False,
        venue="Mehrzweckhalle am Brückenborn",
        street="Am Brückenborn 2",
        postcode=apolda["postcode"],
        city="Apolda",
        lat=apolda["lat"],
        lon=apolda["lon"],
        participation_opens_at=_midnight(today - timedelta(days=28)),
        participation_closes_at=_midnight(friday - timedelta(days=10)),
        registration_opens_at=_midnight(today - timedelta(days=7)),
        registration_closes_at=_midnight(friday - timedelta(days=2)),
        published_at=_midnight(today - timedelta(days=28)),
    )
    session.add(event)
    people = _People(rng, SCHOOLS["weimarer-land"], today)
    field_ids = _field_ids(session)
    for profile, (info, who, plans) in _by_name(profiles, FAIR_STANDS):
        participation = EventParticipation(
            event=event, profile=profile, status="registered", stand_info=info, stand_people=who
        )
        session.add(participation)
        for plan in plans:
            _seed_slot(session, participation, friday, plan,
                       f"{plan.meeting_point}, {event.venue}", field_ids, people)
    return event


def _by_name(
    profiles: list[EmployerProfile], plans: dict[str, T]
) -> list[tuple[EmployerProfile, T]]:
    """The profiles named in ``plans``, in the plans' order, each with its plan."""
    named = {p.display_name: p for p in profiles}
    return [(named[name], plan) for name, plan in plans.items() if name in named]


def _field_ids(session: Session) -> dict[str, int]:
    return {f.key: f.id for f in session.scalars(select(OccupationalField))}


def _seed_slot(
    session: Session,
    participation: EventParticipation,
    first_day: date,
    plan: SlotPlan,
    place: str,
    field_ids: dict[str, int],
    people: _People,
) -> Slot:
    day = first_day + timedelta(days=plan.day)
    slot = Slot(
        participation=participation,
        title=plan.title,
        description=plan.description,
        starts_at=datetime.combine(day, plan.start),
        ends_at=datetime.combine(day, plan.end),
        capacity=plan.capacity,
        waitlist_capacity=plan.waitlist,
        min_age=plan.min_age,
        min_grade=plan.min_grade,
        max_party_size=plan.max_party_size,
        place=place[:200],
        accessibility=plan.accessibility,
        field_ids=sorted(field_ids[key] for key in plan.fields if key in field_ids),
        status="open",
        confirmed_count=0,
    )
    session.add(slot)
    for registration in people.registrations_for(plan):
        slot.registrations.append(registration)
    slot.confirmed_count = sum(
        r.party_size for r in slot.registrations if r.status in ("pending", "confirmed")
    )
    return slot


class _People:
    """Fictional visitors at example.org, arriving one after another in the days since
    registration opened (so the waiting list's order of arrival is the seeding order)."""

    def __init__(self, rng: random.Random, schools: list[str], today: date):
        self.rng = rng
        self.schools = schools
        self.count = 0
        self.arrival = _midnight(today - timedelta(days=6)).replace(hour=7)

    def _next_time(self) -> datetime:
        self.arrival += timedelta(minutes=self.rng.randint(20, 90))
        return self.arrival

    def _address(self, *parts: str) -> str:
        self.count += 1
        return f"{'.'.join(slugify(p) for p in parts)}.{self.count}@example.org"

    def pupil(self, plan: SlotPlan, status: str) -> Registration:
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        grade = self.rng.randint(max(plan.min_grade or 7, 7), 10)
        under_16 = grade <= 9 and (plan.min_age or 0) < 16 and self.rng.random() < 0.6
        created = self._next_time()
        confirmed = created + timedelta(hours=3) if under_16 else created
        return Registration(
            status=status,
            first_name=first,
            last_name=last,
            email=self._address(first, last),
            school=self.rng.choice(self.schools),
            grade=grade,
            party_size=1,
            under_16=under_16,
            guardian_email=self._address("eltern", last) if under_16 else None,
            guardian_confirmed_at=confirmed if under_16 and status == "confirmed" else None,
            created_at=created,
            confirmed_at=confirmed if status == "confirmed" else None,
        )

    def school_class(self, plan: SlotPlan, size: int) -> Registration:
        first, last = self.rng.choice(TEACHERS)
        created = self._next_time()
        return Registration(
            status="confirmed",
            first_name=first,
            last_name=last,
            email=self._address(first, last),
            school=self.rng.choice(self.schools),
            grade=max(plan.min_grade or 8, 8),
            party_size=size,
            under_16=False,
            created_at=created,
            confirmed_at=created,
        )

    def registrations_for(self, plan: SlotPlan) -> list[Registration]:
        """Confirmed places by ``plan.fill``, then (when full) people on the waiting list."""
        if plan.fill == "none":
            return []
        if plan.fill == "class":
            size = min(plan.max_party_size, plan.capacity - 6)
            return [self.school_class(plan, size)] + [
                self.pupil(plan, "confirmed") for _ in range(2)
            ]
        taken = {
            "full": plan.capacity,
            "nearly": plan.capacity - (1 if plan.capacity <= 6 else 2),
            "some": self.rng.randint(1, max(1, plan.capacity // 3)),
        }[plan.fill]
        found = [self.pupil(plan, "confirmed") for _ in range(taken)]
        if plan.fill == "full":
            found += [self.pupil(plan, "waitlisted") for _ in range(max(plan.waitlist - 1, 0))]
        return found
