"""Deterministic bulk data for the search benchmark: host customers, profiles, offers, index.

    .venv/bin/python tests/benchmarks/generate_data.py --url sqlite:////tmp/bench.db \
        --offers 100000 --companies 20000

The database must be empty; the host schema and all plug-in migrations are created here. Rows
go in with SQLAlchemy Core ``insert()`` in chunks (executemany), never the ORM per row. The
search index rows are built by ``search_index._values`` itself (with the customer looked up in
memory instead of one query per offer), so they are exactly what the app would write. Fixed
seed: the same arguments always give the same data.
"""

from __future__ import annotations

import argparse
import functools
import random
import sys
import time
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from kwis_hooks import migrations
from kwis_hooks.refhost.db import make_engine
from kwis_hooks.refhost.models import Customer, create_host_schema
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from kwis_job_plugin.config import migration_location
from kwis_job_plugin.demo import data
from kwis_job_plugin.demo.seed import OFFER_PATTERNS, _timing
from kwis_job_plugin.models import (
    Benefit,
    EmployerProfile,
    OccupationalField,
    Offer,
    OfferType,
    SearchDoc,
    SearchFacet,
    TargetGroup,
    TrainingOccupation,
)
from kwis_job_plugin.models.profile import profile_benefit, profile_field, profile_occupation
from kwis_job_plugin.services import search_index
from kwis_job_plugin.services import text as text_service
from kwis_job_plugin.services.regions import create_region

SEED = 16053_2026
CHUNK = 5_000

# Company names: "<Stem><suffix> <Family> <legal form>", e.g. "Saaletechnik Kühn GmbH".
STEMS = (
    "Saale", "Holz", "Glas", "Optik", "Bau", "Elektro", "Metall", "Garten", "Feinmechanik",
    "Land", "Auto", "Dach", "Sanitär", "Medien", "Software", "Druck", "Möbel", "Licht", "Stahl",
    "Kunststoff", "Pflege", "Logistik", "Brau", "Back", "Energie", "Labor", "Präzisions",
    "Umwelt", "Forst", "Textil", "Papier", "Wasser", "Reha", "Daten", "Laser", "Maschinen",
)
SUFFIXES = (
    "technik", "werk", "bau", "service", "haus", "manufaktur", "systeme", "werkstatt", "handel",
    "zentrum", "betrieb", "gruppe",
)
FAMILIES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
    "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Kühn",
    "Lehmann", "Köhler", "Herrmann", "Walter", "König", "Mayer", "Otto", "Günther", "Frank",
)
LEGAL_FORMS = ("GmbH", "GmbH & Co. KG", "e.K.", "AG", "eG", "UG (haftungsbeschränkt)")
DESCRIPTION_WORDS = (
    "Werkstatt", "Kundschaft", "Montage", "Planung", "Labor", "Büro", "Lager", "Fertigung",
    "Qualität", "Team", "Ausbildung", "Computer", "Maschinen", "Beratung", "Pflege", "Kinder",
    "Holz", "Metall", "Elektronik", "Software", "Verkauf", "Marketing", "Baustelle", "Garten",
    "Fahrzeuge", "Optik", "Glas", "Chemie", "Küche", "Hotel", "Energie", "Solar", "Mechanik",
)


def _slug(text_: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe",
                           "Ü": "ue"})
    out = "".join(c if c.isalnum() else "-" for c in text_.translate(table).lower())
    return "-".join(p for p in out.split("-") if p)


def _chunks(rows: list[dict], size: int = CHUNK):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _insert(conn, table, rows: list[dict]) -> None:
    for chunk in _chunks(rows):
        conn.execute(insert(table), chunk)


def _keys(session: Session, model) -> list[tuple[int, str]]:
    return list(session.execute(select(model.id, model.key).order_by(model.id)).all())


def prepare(url: str) -> Engine:
    engine = make_engine(url)
    create_host_schema(engine)
    migrations.upgrade(engine, migration_location())
    return engine


def generate(engine: Engine, n_offers: int, n_companies: int, today: date) -> dict[str, Any]:
    rng = random.Random(SEED)
    started = time.perf_counter()
    with Session(engine) as session:
        if session.scalar(select(func.count()).select_from(Offer)):
            raise SystemExit("the database already holds offers; start from an empty one")
        regions = {
            r["slug"]: create_region(session, r["slug"], r["name"], r["ags_prefixes"],
                                     review_rule="none").id
            for r in data.REGIONS
        }
        session.commit()
        types = _keys(session, OfferType)
        fields = _keys(session, OccupationalField)
        occupations = _keys(session, TrainingOccupation)
        benefits = _keys(session, Benefit)
        groups = dict((k, i) for i, k in _keys(session, TargetGroup))
        occupation_names = dict(
            session.execute(select(TrainingOccupation.key, TrainingOccupation.name)).all()
        )
        names = search_index.Names(session)
    type_ids = dict((k, i) for i, k in types)
    pattern_by_type = {p[0]: p for p in OFFER_PATTERNS if p[0] in type_ids}
    now = datetime(today.year, today.month, today.day, 8, 0)

    customers, profiles, p_fields, p_occ, p_ben = [], [], [], [], []
    by_customer: dict[int, SimpleNamespace] = {}
    psnaps: dict[int, dict] = {}
    for cid in range(1, n_companies + 1):
        town = rng.choice(data.TOWNS)
        name = (f"{rng.choice(STEMS)}{rng.choice(SUFFIXES)} {rng.choice(FAMILIES)} "
                f"{rng.choice(LEGAL_FORMS)}")
        lat = round(town["lat"] + rng.uniform(-0.02, 0.02), 5)
        lon = round(town["lon"] + rng.uniform(-0.03, 0.03), 5)
        customer = {
            "id": cid, "name": name, "legal_form": name.split(" ", 2)[-1],
            "street": f"{rng.choice(FAMILIES)}straße {rng.randint(1, 120)}",
            "postcode": town["postcode"], "city": town["name"], "ags": town["ags"],
            "wz_code": f"{rng.randint(10, 96)}.{rng.randint(10, 99)}",
            "size_class": rng.choice(data.SIZE_CLASSES), "website": None,
            "email": f"info@firma{cid}.example", "phone": f"{town['area_code']} {cid:06d}",
            "lat": lat, "lon": lon,
        }
        customers.append(customer)
        by_customer[cid] = SimpleNamespace(**customer)
        slug = f"{_slug(name)}-{cid}"[:120]
        f_keys = rng.sample(fields, k=rng.randint(1, 3))
        o_keys = rng.sample(occupations, k=rng.randint(0, 3))
        b_keys = rng.sample(benefits, k=rng.randint(1, 5))
        psnap = {
            "display_name": name, "slug": slug,
            "philosophy_html": f"<p>{name} bildet in {town['name']} aus.</p>",
            "fields": [k for _i, k in f_keys], "occupations": [k for _i, k in o_keys],
            "benefits": [k for _i, k in b_keys], "custom_benefits": [],
            "contact": {"name": "Personalabteilung", "role": None,
                        "email": customer["email"], "phone": customer["phone"]},
            "video_url": None, "social_links": {}, "media": [],
        }
        psnaps[cid] = psnap
        profiles.append({
            "id": cid, "customer_id": cid, "region_id": regions[town["region"]],
            "status": "published", "slug": slug, "display_name": name,
            "philosophy_html": psnap["philosophy_html"], "custom_benefits": [],
            "contact_name": "Personalabteilung", "contact_email": customer["email"],
            "contact_phone": customer["phone"], "social_links": {},
            "published_snapshot": psnap, "published_at": now, "created_at": now,
            "updated_at": now, "version": 1,
        })
        p_fields += [{"profile_id": cid, "field_id": i} for i, _k in f_keys]
        p_occ += [{"profile_id": cid, "occupation_id": i} for i, _k in o_keys]
        p_ben += [{"profile_id": cid, "benefit_id": i} for i, _k in b_keys]

    # Every company has one offer; the rest go to companies with heavy-tailed weights.
    weights = [rng.paretovariate(1.3) for _ in range(n_companies)]
    owners = list(range(1, n_companies + 1))
    owners += rng.choices(range(1, n_companies + 1), weights=weights, k=n_offers - n_companies)
    owners.sort()
    offers, docs, facets = [], [], []
    doc_id = 0
    original_get_customer = search_index.get_customer
    search_index.get_customer = lambda _session, cid: by_customer.get(cid)
    # Stemming is a pure function of the word and the vocabulary is small: memoise it here
    # (the app stems one offer at a time, where this does not matter).
    original_word_terms = text_service._word_terms
    cached = functools.lru_cache(maxsize=None)(lambda w: tuple(original_word_terms(w)))
    text_service._word_terms = lambda w: list(cached(w))
    try:
        for oid, cid in enumerate(owners, start=1):
            profile = profiles[cid - 1]
            psnap = psnaps[cid]
            type_key, pattern, group_key, time_mode = pattern_by_type[
                rng.choice(list(pattern_by_type))
            ]
            company = psnap["display_name"]
            title = pattern.format(name=company)
            if type_key == "ausbildungsplatz" and occupation_names:
                title = f"Ausbildung {rng.choice(list(occupation_names.values()))}"
            title = title[:200]
            words = " ".join(rng.sample(DESCRIPTION_WORDS, k=6))
            description = (f"<p>{title}. Bei uns erwartet dich: {words}.</p>"
                           f"<p>Wir freuen uns auf deine Bewerbung in {profile['slug'][:20]}.</p>")
            timing = _timing(time_mode, today, rng)
            cust = by_customer[cid]
            snap = {
                "title": title, "slug": _slug(title)[:160], "type": type_key,
                "description_html": description,
                "fields": psnap["fields"][:1], "target_groups": [group_key],
                "min_age": rng.choice([None, 14, 15, 16, 18]), "min_grade": None,
                "places": rng.choice([None, 1, 2, 3, 5, 10]), "time_mode": time_mode,
                "start_date": timing.get("start_date") and timing["start_date"].isoformat(),
                "end_date": timing.get("end_date") and timing["end_date"].isoformat(),
                "fixed_dates": timing.get("fixed_dates", []),
                "recurrence": [7, 1, 8, 31] if time_mode == "yearly" else None,
                "valid_until": None,
                "place": {"mode": "company", "street": cust.street, "postcode": cust.postcode,
                          "city": cust.city, "lat": cust.lat, "lon": cust.lon},
                "apply": {"contact": None, "url": None, "email": cust.email},
                "accessible_workplace": False,
            }
            offers.append({
                "id": oid, "profile_id": cid, "offer_type_id": type_ids[type_key],
                "status": "published", "slug": snap["slug"], "title": title,
                "description_html": description, "places": snap["places"],
                "min_age": snap["min_age"], "time_mode": time_mode,
                "start_date": timing.get("start_date"), "end_date": timing.get("end_date"),
                "fixed_dates": snap["fixed_dates"],
                "recur_start_month": 7 if time_mode == "yearly" else None,
                "recur_start_day": 1 if time_mode == "yearly" else None,
                "recur_end_month": 8 if time_mode == "yearly" else None,
                "recur_end_day": 31 if time_mode == "yearly" else None,
                "place_mode": "company", "street": cust.street, "postcode": cust.postcode,
                "city": cust.city, "lat": cust.lat, "lon": cust.lon,
                "accessible_workplace": False, "published_snapshot": snap,
                "published_at": now, "created_at": now, "updated_at": now, "version": 1,
            })
            offer_ns = SimpleNamespace(id=oid, published_snapshot=snap)
            profile_ns = SimpleNamespace(
                id=cid, region_id=profile["region_id"], slug=profile["slug"],
                customer_id=cid, published_snapshot=psnap,
            )
            values, pairs = search_index._values(None, offer_ns, profile_ns, names)
            doc_id += 1
            docs.append({"id": doc_id, "offer_id": oid, "indexed_at": now, **values})
            facets += [{"doc_id": doc_id, "facet": f, "key": k} for f, k in sorted(pairs)]
    finally:
        search_index.get_customer = original_get_customer
        text_service._word_terms = original_word_terms
    built = time.perf_counter() - started
    print(f"built rows in {built:.1f}s", file=sys.stderr)

    from kwis_job_plugin.models.offer import offer_field, offer_target_group

    field_ids = {k: i for i, k in fields}
    o_fields = [{"offer_id": o["id"], "field_id": field_ids[k]}
                for o in offers for k in o["published_snapshot"]["fields"]]
    o_groups = [{"offer_id": o["id"], "target_group_id": groups[g]}
                for o in offers for g in o["published_snapshot"]["target_groups"]]
    with engine.begin() as conn:
        _insert(conn, Customer.__table__, customers)
        _insert(conn, EmployerProfile.__table__, profiles)
        _insert(conn, profile_field, p_fields)
        _insert(conn, profile_occupation, p_occ)
        _insert(conn, profile_benefit, p_ben)
        _insert(conn, Offer.__table__, offers)
        _insert(conn, offer_field, o_fields)
        _insert(conn, offer_target_group, o_groups)
        _insert(conn, SearchDoc.__table__, docs)  # the trigger logs them (migration 0004)
        _insert(conn, SearchFacet.__table__, facets)
        if conn.dialect.name == "postgresql":
            for table in ("customer", "kwis_job_employer_profile", "kwis_job_offer",
                          "kwis_job_search_doc"):
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                ))
    # Planner statistics, as autovacuum (PostgreSQL) or "PRAGMA optimize" (SQLite) would keep.
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
            conn.commit()
    elapsed = time.perf_counter() - started
    return {
        "offers": len(offers), "companies": n_companies, "docs": len(docs),
        "facets": len(facets), "seconds": round(elapsed, 1), "bytes": database_bytes(engine),
    }


def database_bytes(engine: Engine) -> int:
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            return int(conn.scalar(text("SELECT pg_database_size(current_database())")))
        path = engine.url.database
        return Path(path).stat().st_size if path else 0


def parse_size(raw: str) -> int:
    raw = raw.strip().lower()
    factor = 1_000_000 if raw.endswith("m") else 1_000 if raw.endswith("k") else 1
    return int(float(raw.rstrip("mk")) * factor)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of an empty database")
    parser.add_argument("--offers", default="100k")
    parser.add_argument("--companies", default="20k")
    args = parser.parse_args(argv)
    engine = prepare(args.url)
    stats = generate(engine, parse_size(args.offers), parse_size(args.companies), date.today())
    engine.dispose()
    print(f"{stats['offers']} offers, {stats['companies']} companies, {stats['facets']} facet "
          f"rows, {stats['bytes'] / 1e6:.0f} MB, generated in {stats['seconds']}s")


if __name__ == "__main__":
    main()
