"""No overbooking, ever: registrations and cancellations at the same moment, against a live
multi-process server (gunicorn, several workers with threads) on PostgreSQL.

PostgreSQL only: SQLite serialises every writer anyway, and production runs several app servers
on PostgreSQL. The control run switches the slot lock off with the test-only setting
``KWIS_JOB_TEST_UNLOCKED_SLOTS`` and must show the overbooking, so these tests are known to be
able to fail.
"""

from __future__ import annotations

import itertools
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from html import unescape
from types import SimpleNamespace

import pytest
import requests
from kwis_hooks import migrations
from kwis_hooks.refhost.db import make_engine
from kwis_hooks.refhost.models import create_host_schema
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session
from support import live_server

from kwis_job_plugin.config import migration_location
from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import (
    Event,
    EventParticipation,
    OutboxMail,
    Registration,
    Slot,
)

pytestmark = pytest.mark.slow
TOKEN_FIELD_RE = re.compile(r'name="form_token"[^>]*value="([^"]+)"')
CANCEL_RE = re.compile(r"https?://[^/\s]+(/jobs/anmeldung/abmelden/[A-Za-z0-9_-]+)")
SETTINGS = {"KWIS_JOB_RATELIMIT_PER_CLIENT": "10000 per minute",
            "KWIS_JOB_RATELIMIT_PER_ADDRESS": "10000 per minute"}
_databases = itertools.count()


@pytest.fixture(scope="module")
def race_db(request):
    """A fresh PostgreSQL database with the host schema and the plug-in's migrations."""
    if "postgresql" not in request.config.getoption("engines"):
        pytest.skip("race tests run on PostgreSQL only, which --engines did not select")
    server = request.getfixturevalue("pg_server")
    name = f"kwis_race_{next(_databases)}"
    admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = server.url_for(name)
    engine = make_engine(url)
    create_host_schema(engine)
    migrations.upgrade(engine, migration_location())
    yield SimpleNamespace(url=url, engine=engine)
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture(scope="module")
def locked_server(race_db):
    """The app as in production (the slot lock on), shared by the module's tests."""
    with live_server.serve(race_db.url, settings=SETTINGS) as url:
        yield url


_worlds = itertools.count()


def make_slot(engine, *, capacity: int, held: int, waiting: int, waitlist: int) -> int:
    """A public event with one slot: ``held`` confirmed people and ``waiting`` on its list."""
    n = next(_worlds)
    with Session(engine, expire_on_commit=False) as session:
        factories.use_session(session)
        region = factories.RegionFactory(slug=f"region-{n}", name=f"Region {n}",
                                         prefixes=[f"1605{n}"])
        user = factories.UserFactory(email=f"a{n}@betrieb.example", customer__ags=f"1605{n}000")
        profile = factories.ProfileFactory(customer=user.customer, region=region,
                                           status="published")
        day = date.today() + timedelta(days=10)
        event = Event(region_id=region.id, kind="open_companies", status="published",
                      slug="woche", title="Woche", starts_on=day, ends_on=day)
        slot = Slot(participation=EventParticipation(event=event, profile=profile),
                    title="Rundgang", capacity=capacity, waitlist_capacity=waitlist,
                    starts_at=datetime.combine(day, datetime.min.time()).replace(hour=9),
                    ends_at=datetime.combine(day, datetime.min.time()).replace(hour=11))
        session.add(event)
        stamp = datetime(2026, 1, 1)
        for n in range(held + waiting):
            session.add(Registration(
                slot=slot, status="confirmed" if n < held else "waitlisted",
                first_name=f"V{n}", last_name=f"N{n}", email=f"early{n}@example.org",
                created_at=stamp + timedelta(minutes=n),
            ))
        session.flush()
        slot.confirmed_count = held
        session.commit()
        return slot.id


def at_once(calls) -> list:
    """Run the calls in threads released together by a barrier; returns their results."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - reported by the assertions
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def register_fifty_for_the_last_place(url: str, slot_id: int) -> list[int]:
    path = f"{url}/jobs/anmeldung/besuch-{slot_id}"
    with ThreadPoolExecutor(8) as pool:  # fifty visitors open the page
        pages = list(pool.map(lambda _n: requests.get(path, timeout=10), range(50)))
    assert [page.status_code for page in pages] == [200] * 50
    tokens = [unescape(TOKEN_FIELD_RE.search(page.text).group(1)) for page in pages]
    assert len(set(tokens)) == 50, "each form has a token of its own"

    def post(n, token):
        return lambda: requests.post(path, timeout=30, data={
            "first_name": f"Vorname{n}", "last_name": f"Nachname{n}",
            "email": f"racer{n}@schule.example", "over_16": "ja", "form_token": token,
        }).status_code

    return at_once([post(n, token) for n, token in enumerate(tokens)])


def counts(engine, slot_id: int) -> dict[str, int]:
    with Session(engine) as session:
        return dict(session.execute(
            select(Registration.status, func.count()).where(Registration.slot_id == slot_id)
            .group_by(Registration.status)
        ).all())


def test_fifty_at_once_for_the_last_place_give_one_place_and_49_waiting(race_db,
                                                                          locked_server):
    slot_id = make_slot(race_db.engine, capacity=3, held=2, waiting=0, waitlist=100)
    codes = register_fifty_for_the_last_place(locked_server, slot_id)
    assert codes == [200] * 50, codes
    assert counts(race_db.engine, slot_id) == {"confirmed": 3, "waitlisted": 49}
    with Session(race_db.engine) as session:
        assert session.get(Slot, slot_id).confirmed_count == 3
        kinds = session.execute(
            select(OutboxMail.kind, func.count()).where(OutboxMail.to_addr.like("racer%"))
            .group_by(OutboxMail.kind)
        ).all()
        assert dict(kinds) == {"registration.confirmed": 1, "registration.waitlisted": 49}
        assert session.scalar(select(func.count(func.distinct(OutboxMail.to_addr))).where(
            OutboxMail.to_addr.like("racer%"))) == 50


def test_control_run_without_the_lock_overbooks(race_db):
    """The same race with the lock switched off: if this stops overbooking, the test above
    proves nothing."""
    slot_id = make_slot(race_db.engine, capacity=3, held=2, waiting=0, waitlist=100)
    settings = {**SETTINGS, "KWIS_JOB_TEST_UNLOCKED_SLOTS": True}
    with live_server.serve(race_db.url, settings=settings) as url:
        register_fifty_for_the_last_place(url, slot_id)
    assert counts(race_db.engine, slot_id).get("confirmed", 0) > 3, "no overbooking shown"


def test_cancellations_at_once_promote_each_waiting_person_exactly_once(race_db,
                                                                        locked_server):
    slot_id = make_slot(race_db.engine, capacity=10, held=0, waiting=0, waitlist=100)
    url = locked_server
    path = f"{url}/jobs/anmeldung/besuch-{slot_id}"
    # 10 confirmed and 15 waiting, registered one after another through the site.
    for n in range(25):
        token = unescape(TOKEN_FIELD_RE.search(requests.get(path, timeout=10).text)[1])
        response = requests.post(path, timeout=10, data={
            "first_name": f"V{n}", "last_name": f"N{n}", "email": f"p{n:02d}@example.org",
            "over_16": "ja", "form_token": token})
        assert response.status_code == 200
    with Session(race_db.engine) as session:
        links = [CANCEL_RE.search(body)[1] for body in session.scalars(
            select(OutboxMail.body_text).where(OutboxMail.kind == "registration.confirmed",
                                               OutboxMail.to_addr.like("p%@example.org"))
        .order_by(OutboxMail.to_addr))]
    assert len(links) == 10
    # Two cancellations at once, five times over.
    codes = []
    for pair in range(0, 10, 2):
        codes += at_once([lambda link=link: requests.post(f"{url}{link}", timeout=30)
                          .status_code for link in links[pair:pair + 2]])
    assert codes == [200] * 10, codes
    assert counts(race_db.engine, slot_id) == {"cancelled": 10, "confirmed": 10,
                                               "waitlisted": 5}
    with Session(race_db.engine) as session:
        promoted = session.scalars(select(OutboxMail.to_addr).where(
            OutboxMail.kind == "registration.promoted",
            OutboxMail.to_addr.like("p%@example.org"))).all()
        assert sorted(promoted) == [f"p{n:02d}@example.org" for n in range(10, 20)], (
            "the first ten waiting, in order of arrival, each once")
        still_waiting = session.scalars(select(Registration.email).where(
            Registration.slot_id == slot_id, Registration.status == "waitlisted")).all()
        assert sorted(still_waiting) == [f"p{n:02d}@example.org" for n in range(20, 25)]
        assert session.get(Slot, slot_id).confirmed_count == 10
