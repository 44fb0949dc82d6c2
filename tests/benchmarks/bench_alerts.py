"""Benchmark of ``kwis-job alerts send``: N subscribers over M offers rendered and queued.

    .venv/bin/python tests/benchmarks/bench_alerts.py --offers 100k --subscribers 100k

Builds a fresh SQLite database (``generate_data.py``: the search benchmark's deterministic
offers), switches portal and alerts on in every region, spreads the offers' publication over
the month before the run, inserts the subscribers confirmed at the month's start (Core
``insert``, fixed seed: one to three regions, zero to two offer types and fields, events or
not, monthly), and times one ``digests.send`` at the next month's first day: the whole run,
from finding the due subscribers to the last committed outbox row. Prints the figures and the
machine's load (``os.getloadavg``); the target of issue 11 is 100,000 over 100,000 in under
5 minutes. Only meaningful on a quiet machine.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_data import generate, parse_size, prepare  # noqa: E402
from sqlalchemy import func, insert, select, update  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from kwis_job_plugin.models import (  # noqa: E402
    AlertSubscription,
    OccupationalField,
    Offer,
    OfferType,
    OutboxMail,
    Region,
)
from kwis_job_plugin.services import features  # noqa: E402
from kwis_job_plugin.services.alerts import digests  # noqa: E402
from kwis_job_plugin.services.alerts.digests import DigestLinks  # noqa: E402

SEED = 11


def _links() -> DigestLinks:
    return DigestLinks(offer=lambda i, s: f"https://portal.example/jobs/angebote/{i}-{s}",
                       event=lambda i, s: f"https://portal.example/jobs/termine/{i}-{s}",
                       unsubscribe=lambda t: f"https://portal.example/jobs/benachrichtigungen/"
                                             f"abmelden/{t}")


def build(url: str, n_offers: int, n_subscribers: int, month_start: datetime) -> None:
    engine = prepare(url)
    generate(engine, n_offers, max(n_offers // 5, 1), date.today())
    rng = random.Random(SEED)
    with Session(engine) as session:
        regions = list(session.scalars(select(Region.id)))
        for region_id in regions:
            for key in ("portal", "alerts", "events"):
                features.set_enabled(session, region_id, key, True, None)
        ids = list(session.scalars(select(Offer.id)))
        for start in range(0, len(ids), 5000):
            for offer_id in ids[start:start + 5000]:
                session.execute(update(Offer).where(Offer.id == offer_id).values(
                    published_at=month_start + timedelta(minutes=rng.randrange(27 * 24 * 60))))
        types = list(session.scalars(select(OfferType.key)))
        fields = list(session.scalars(select(OccupationalField.key).where(
            OccupationalField.parent_id.is_(None))))
        rows = []
        for n in range(n_subscribers):
            email = f"person{n}@example.org"
            rows.append({
                "email": email, "region_id": regions[0], "status": "active",
                "token_hash": hashlib.sha256(email.encode()).hexdigest(),
                "consent_version": "bench", "created_at": month_start,
                "confirmed_at": month_start, "frequency": "monthly",
                "interests": {"regions": rng.sample(regions, rng.randint(1, min(3, len(regions)))),
                              "types": rng.sample(types, rng.randint(0, 2)),
                              "fields": rng.sample(fields, rng.randint(0, 2)),
                              "events": rng.random() < 0.5},
            })
        for start in range(0, len(rows), 5000):
            session.execute(insert(AlertSubscription), rows[start:start + 5000])
        session.commit()
    engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", default="100k")
    parser.add_argument("--subscribers", default="100k")
    parser.add_argument("--url", default=None, help="an empty database (default: a temp SQLite)")
    args = parser.parse_args(argv)
    month_start = datetime(2027, 1, 1)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'alerts.db'}"
        n_offers, n_subs = parse_size(args.offers), parse_size(args.subscribers)
        t0 = time.perf_counter()
        build(url, n_offers, n_subs, month_start)
        built = time.perf_counter() - t0
        from kwis_hooks.refhost.db import make_engine

        engine = make_engine(url)
        load_before = os.getloadavg()
        with Session(engine) as session:
            t1 = time.perf_counter()
            result = digests.send(session, now=datetime(2027, 2, 1, 5, 0), links=_links(),
                                  secret_key="bench")
            seconds = time.perf_counter() - t1
            mails = session.scalar(select(func.count()).select_from(OutboxMail))
            body = session.scalar(select(func.avg(func.length(OutboxMail.body_text))))
        engine.dispose()
        print(f"{n_subs} subscribers over {n_offers} offers ({engine.dialect.name}): "
              f"{result.queued} digests queued, {result.empty} empty, in {seconds:.1f} s "
              f"({n_subs / seconds:.0f} subscribers/s); {mails} outbox rows, mean body "
              f"{body or 0:.0f} chars; data built in {built:.0f} s; load "
              f"{load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after")


if __name__ == "__main__":
    main()
