"""Registrations at once against gunicorn on PostgreSQL: latency, and no slot over capacity.

    .venv/bin/python tests/benchmarks/bench_registration.py
    .venv/bin/python tests/benchmarks/bench_registration.py --registrations 500 --slots 20

Builds a throwaway PostgreSQL cluster (``tests/support/postgres.py``), the host schema and the
plug-in's migrations, one public event with ``--slots`` slots whose places add up to fewer than
the registrations (so every slot fills and the rest go on waiting lists), and serves the
reference host with gunicorn (``tests/support/live_server.py``: 4 workers with 8 threads each,
127.0.0.1 only). Then, in the same run:

1. the bare endpoint ``/jobs/_ping`` is asked ``--registrations`` times at once, as a yardstick;
2. every visitor opens a slot's form (a form token of their own), and all POST at once,
   released together by a barrier.

It prints p50, p99 and max for both, the ratio registration/bare, and checks afterwards that no
slot holds more places than its capacity, that ``confirmed_count`` equals the recount, and that
exactly one mail was queued per registration. Target (issue 8): p99 under 1 s on a 2-core
machine. The rate limits are raised for the run (all visitors come from one address here).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from html import unescape
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/support

from kwis_hooks import migrations  # noqa: E402
from kwis_hooks.refhost.models import create_host_schema  # noqa: E402
from support import live_server, postgres  # noqa: E402

from kwis_job_plugin.config import migration_location  # noqa: E402
from kwis_job_plugin.demo import factories  # noqa: E402
from kwis_job_plugin.models import (  # noqa: E402
    Event,
    EventParticipation,
    OutboxMail,
    Registration,
    Slot,
)
from kwis_job_plugin.models.event import HOLDING_STATUSES  # noqa: E402

TOKEN_FIELD_RE = re.compile(r'name="form_token"[^>]*value="([^"]+)"')
SETTINGS = {"KWIS_JOB_RATELIMIT_PER_CLIENT": "1000000 per minute",
            "KWIS_JOB_RATELIMIT_PER_ADDRESS": "1000000 per minute"}
TARGET_P99_S = 1.0
SERVER_LOG = Path(tempfile.gettempdir()) / "kwis-bench-registration-server.log"


def build_world(url: str, slots: int, places_per_slot: int) -> list[int]:
    """One region, one published company, one public event with ``slots`` slots."""
    engine = create_engine(url)
    create_host_schema(engine)
    migrations.upgrade(engine, migration_location())
    with Session(engine, expire_on_commit=False) as session:
        factories.use_session(session)
        region = factories.RegionFactory(slug="jena", name="Stadt Jena", prefixes=["16053"])
        user = factories.UserFactory(email="personal@betrieb.example",
                                     customer__ags="16053000")
        profile = factories.ProfileFactory(customer=user.customer, region=region,
                                           status="published")
        day = date.today() + timedelta(days=14)
        event = Event(region_id=region.id, kind="open_companies", status="published",
                      slug="woche", title="Woche der offenen Unternehmen", starts_on=day,
                      ends_on=day)
        participation = EventParticipation(event=event, profile=profile)
        created = []
        for n in range(slots):
            start = datetime.combine(day, datetime.min.time()) + timedelta(hours=8, minutes=n)
            slot = Slot(participation=participation, title=f"Rundgang {n + 1}",
                        capacity=places_per_slot, waitlist_capacity=1000,
                        starts_at=start, ends_at=start + timedelta(hours=2))
            created.append(slot)
        session.add(event)
        session.commit()
        ids = [slot.id for slot in created]
    engine.dispose()
    return ids


def at_once(calls) -> list[tuple[float, int | str]]:
    """Run ``calls`` in threads released together; (seconds, status code or error) each."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        start = time.perf_counter()
        try:
            status = call()
        except requests.RequestException as exc:
            status = type(exc).__name__
        results[i] = (time.perf_counter() - start, status)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _session() -> requests.Session:
    """One connection per visitor thread, as separate browsers would have."""
    http = requests.Session()
    http.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=1))
    return http


def percentiles(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * len(ordered))) - 1)]
    return statistics.median(ordered), p99, ordered[-1]


def run(registrations: int, slots: int) -> bool:
    places = max(1, (registrations * 2 // 3) // slots)  # fewer places than registrations
    server = postgres.start()
    try:
        admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE kwis_bench"))
        admin.dispose()
        url = server.url_for("kwis_bench")
        slot_ids = build_world(url, slots, places)
        with live_server.serve(url, settings=SETTINGS, log_path=SERVER_LOG) as base:
            bare = at_once([
                (lambda: _session().get(f"{base}/jobs/_ping", timeout=60).status_code)
                for _ in range(registrations)
            ])
            forms = [f"{base}/jobs/anmeldung/besuch-{slot_ids[n % slots]}"
                     for n in range(registrations)]
            with ThreadPoolExecutor(16) as pool:
                pages = list(pool.map(lambda u: requests.get(u, timeout=60).text, forms))
            tokens = [unescape(TOKEN_FIELD_RE.search(page)[1]) for page in pages]

            def post(n: int):
                return lambda: _session().post(forms[n], timeout=60, data={
                    "first_name": f"Vorname{n}", "last_name": f"Nachname{n}",
                    "email": f"besuch{n}@schule.example", "over_16": "ja",
                    "form_token": tokens[n],
                }).status_code

            registered = at_once([post(n) for n in range(registrations)])
        return report(url, registrations, slots, places, bare, registered)
    finally:
        server.stop()


def report(url, registrations, slots, places, bare, registered) -> bool:
    engine = create_engine(url)
    with Session(engine) as session:
        held = dict(session.execute(
            select(Registration.slot_id, func.coalesce(func.sum(Registration.party_size), 0))
            .where(Registration.status.in_(HOLDING_STATUSES)).group_by(Registration.slot_id)
        ).all())
        slot_rows = session.execute(select(Slot.id, Slot.capacity, Slot.confirmed_count)).all()
        over = [s.id for s in slot_rows if held.get(s.id, 0) > s.capacity]
        drift = [s.id for s in slot_rows if held.get(s.id, 0) != s.confirmed_count]
        statuses = dict(session.execute(
            select(Registration.status, func.count()).group_by(Registration.status)).all())
        mails = session.scalar(select(func.count()).select_from(OutboxMail))
        rows = session.scalar(select(func.count()).select_from(Registration))
    engine.dispose()

    codes = sorted({str(code) for _s, code in registered})
    bare_p = percentiles([s for s, _c in bare])
    reg_p = percentiles([s for s, _c in registered])
    print(f"PostgreSQL, gunicorn 4 workers x 8 threads; {registrations} visitors at once, "
          f"{slots} slots x {places} places = {slots * places} places")
    print(f"{'':<14}{'p50':>10}{'p99':>10}{'max':>10}")
    print(f"{'bare /_ping':<14}" + "".join(f"{v * 1000:>8.0f}ms" for v in bare_p))
    print(f"{'registration':<14}" + "".join(f"{v * 1000:>8.0f}ms" for v in reg_p))
    print(f"ratio registration/bare: p50 {reg_p[0] / bare_p[0]:.1f}, "
          f"p99 {reg_p[1] / bare_p[1]:.1f}")
    print(f"answers: {codes}; registrations: {statuses}; rows {rows}, mails queued {mails}")
    print(f"slots over capacity: {len(over)}; slots whose count drifted: {len(drift)}")
    ok = (not over and not drift and rows == registrations and mails == registrations
          and codes == ["200"])
    if codes != ["200"]:
        print(f"server log with the failures: {SERVER_LOG}")
    verdict = "met" if reg_p[1] < TARGET_P99_S else "MISSED"
    print(f"target p99 < {TARGET_P99_S:.0f} s: {verdict}; correctness: "
          f"{'ok' if ok else 'FAILED'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--registrations", type=int, default=500)
    parser.add_argument("--slots", type=int, default=20)
    args = parser.parse_args()
    sys.exit(0 if run(args.registrations, args.slots) else 1)


if __name__ == "__main__":
    main()
