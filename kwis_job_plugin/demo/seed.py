"""Seed the demo: three regions, 60 fictional companies with logins, profiles, offers, an event.

Deterministic (fixed random seed), so screenshots, docs and tests see the same data every time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kwis_hooks.refhost.models import Customer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import (
    Benefit,
    EmployerProfile,
    Event,
    EventParticipation,
    OccupationalField,
    Region,
    Slot,
    TargetGroup,
)
from ..models.base import utcnow
from ..services import search_index
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

# offer type key -> title pattern, target group key, time mode
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
    fields = session.scalars(select(OccupationalField)).all()
    benefits = session.scalars(select(Benefit)).all()
    groups = {g.key: g for g in session.scalars(select(TargetGroup))}

    logins = [DemoLogin(ADMIN_EMAIL, DEMO_PASSWORD, "Verwaltung (Wirtschaftsförderung)")]
    AdminFactory(email=ADMIN_EMAIL, display_name="Verwaltung Wirtschaftsförderung")
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
        profile.fields = rng.sample(fields, k=rng.randint(1, 3))
        profile.benefits = rng.sample(benefits, k=rng.randint(2, 5))
        if status == "published":
            profile.published_snapshot = profile_snapshot(profile)
        profiles.append(profile)
        if status == "published" and town["region"] not in shown_regions:
            shown_regions.add(town["region"])
            logins.append(DemoLogin(email, DEMO_PASSWORD, company["name"]))

        for type_key, title, group_key, time_mode in rng.sample(
            OFFER_PATTERNS, k=rng.randint(1, 3)
        ):
            offer_status = status if status != "in_review" else "draft"
            offer = OfferFactory(
                profile=profile,
                type_key=type_key,
                title=title.format(name=company["name"]),
                slug=slugify(title.format(name=company["name"])),
                status=offer_status,
                time_mode=time_mode,
                places=rng.choice([None, 1, 2, 3, 5, 10]),
                min_age=rng.choice([None, 14, 15, 16, 18]),
                street=customer.street,
                postcode=customer.postcode,
                city=customer.city,
                lat=customer.lat,
                lon=customer.lon,
                **_timing(time_mode, today, rng),
            )
            offer.fields = list(profile.fields[:1])
            offer.target_groups = [groups[group_key]]
            if offer_status == "published":
                offer.published_snapshot = offer_snapshot(offer)

    _seed_event(
        session,
        regions["jena"],
        [p for p in profiles if p.region_id == regions["jena"].id and p.status == "published"][:6],
        today,
    )
    weimarer_land = regions["weimarer-land"]
    _seed_week(
        session,
        weimarer_land,
        [p for p in profiles if p.region_id == weimarer_land.id and p.status == "published"][:4],
        today,
    )
    session.flush()
    search_index.rebuild_all(session)
    return logins


def _timing(time_mode: str, today: date, rng: random.Random) -> dict:
    if time_mode == "yearly":
        return {
            "recur_start_month": 7,
            "recur_start_day": 1,
            "recur_end_month": 8,
            "recur_end_day": 31,
        }
    if time_mode == "range":
        start = date(today.year + 1, 8, 1)
        return {"start_date": start, "end_date": start + timedelta(days=365 * 3)}
    if time_mode == "fixed":
        day = today + timedelta(days=rng.randint(14, 90))
        return {"fixed_dates": [day.isoformat()], "start_date": day, "end_date": day}
    return {}


def _seed_event(
    session: Session, region: Region, profiles: list[EmployerProfile], today: date
) -> None:
    start = today + timedelta(days=(4 - today.weekday()) % 7 + 28)
    event = Event(
        region_id=region.id,
        kind="open_companies",
        status="published",
        slug="tage-der-offenen-betriebe-jena",
        title="Tage der offenen Betriebe Jena",
        description_html="<p>Betriebe öffnen ihre Türen für Schülerinnen, Schüler und Eltern.</p>",
        starts_on=start,
        ends_on=start + timedelta(days=1),
        venue="Betriebe in ganz Jena",
        city="Jena",
        postcode="07743",
        registration_opens_at=datetime.combine(today, datetime.min.time()),
        registration_closes_at=datetime.combine(start - timedelta(days=2), datetime.min.time()),
    )
    session.add(event)
    for i, profile in enumerate(profiles):
        participation = EventParticipation(event=event, profile=profile, status="registered")
        session.add(participation)
        for hour in (9, 13):
            begin = datetime.combine(start + timedelta(days=i % 2), datetime.min.time()).replace(
                hour=hour
            )
            session.add(
                Slot(
                    participation=participation,
                    title="Betriebsrundgang",
                    starts_at=begin,
                    ends_at=begin + timedelta(hours=2),
                    capacity=8 + 4 * (i % 3),
                    waitlist_capacity=4,
                    min_age=13,
                )
            )


WEEK_SLOTS = [
    # (weekday 0-4, hour, hours, title, capacity, minimum age)
    (0, 8, 3, "Ein Vormittag in der Werkstatt", 6, 14),
    (2, 14, 2, "Betriebsrundgang mit Fragerunde", 12, None),
    (4, 9, 4, "Mitmachen: ein Tag im Team", 4, 15),
]


def _seed_week(
    session: Session, region: Region, profiles: list[EmployerProfile], today: date
) -> None:
    """A second, week-long event in another region, so the calendar has more than one entry,
    a region filter to try and slots on different days."""
    monday = today + timedelta(days=(7 - today.weekday()) % 7 + 42)
    event = Event(
        region_id=region.id,
        kind="open_companies",
        status="published",
        slug="woche-der-offenen-unternehmen-weimarer-land",
        title="Woche der offenen Unternehmen Weimarer Land",
        description_html=(
            "<p>Eine Woche lang zeigen Betriebe aus dem Weimarer Land, wie sie arbeiten und "
            "ausbilden. Schülerinnen und Schüler ab Klasse 7, Eltern und Lehrkräfte sind "
            "willkommen.</p><ul><li>Betriebsrundgänge und Mitmachangebote</li>"
            "<li>Gespräche mit Auszubildenden</li></ul>"
        ),
        starts_on=monday,
        ends_on=monday + timedelta(days=4),
        venue="Betriebe im ganzen Landkreis",
        postcode="99510",
        city="Apolda",
        lat=51.0264,
        lon=11.5139,
        registration_opens_at=datetime.combine(monday - timedelta(days=28), datetime.min.time()),
        registration_closes_at=datetime.combine(monday - timedelta(days=3), datetime.min.time()),
    )
    session.add(event)
    for i, profile in enumerate(profiles):
        participation = EventParticipation(event=event, profile=profile, status="registered")
        session.add(participation)
        weekday, hour, hours, title, capacity, min_age = WEEK_SLOTS[i % len(WEEK_SLOTS)]
        begin = datetime.combine(monday + timedelta(days=weekday), datetime.min.time()).replace(
            hour=hour
        )
        session.add(
            Slot(
                participation=participation,
                title=title,
                starts_at=begin,
                ends_at=begin + timedelta(hours=hours),
                capacity=capacity,
                waitlist_capacity=2,
                min_age=min_age,
            )
        )
