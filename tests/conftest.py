"""Fixtures shared by the suite.

Every test that touches the database runs once on SQLite and once on PostgreSQL (``engine_name``).
PostgreSQL is a real server started for the run; with ``CI=true`` a missing server fails the run
instead of skipping.
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from kwis_hooks import migrations
from kwis_hooks.refhost import create_app
from kwis_hooks.refhost.db import make_engine
from kwis_hooks.refhost.models import HostBase, create_host_schema
from sqlalchemy import create_engine, delete, text
from sqlalchemy.orm import Session
from support import postgres
from support.services import MISSING_SERVICE, unavailable

from kwis_job_plugin.config import migration_location
from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import metadata
from kwis_job_plugin.models.host import is_own_table

TAXONOMY_TABLES = frozenset({
    "kwis_job_occupational_field", "kwis_job_training_occupation", "kwis_job_benefit",
    "kwis_job_offer_type", "kwis_job_target_group",
})


def pytest_addoption(parser):
    parser.addoption(
        "--engines", default="sqlite,postgresql",
        help="comma-separated database engines to run the database tests on",
    )


def pytest_generate_tests(metafunc):
    if "engine_name" in metafunc.fixturenames:
        engines = [e.strip() for e in metafunc.config.getoption("engines").split(",") if e.strip()]
        metafunc.parametrize("engine_name", engines, scope="session")


def pytest_terminal_summary(terminalreporter):
    """Say loudly at the end when tests were skipped for a missing service (PostgreSQL,
    Chromium): a green run without them proves much less than it seems to."""
    reasons = {
        str(report.longrepr[2]).removeprefix("Skipped: ").removeprefix(MISSING_SERVICE)
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and MISSING_SERVICE in str(report.longrepr[2])
    }
    if reasons:
        terminalreporter.write_sep("!", "TESTS SKIPPED FOR A MISSING SERVICE", red=True, bold=True)
        for reason in sorted(reasons):
            terminalreporter.write_line(f"  {reason}", red=True)
        terminalreporter.write_line(
            "  Install the Debian packages postgresql and chromium (tests/run_all.sh does so "
            "as root); with CI=true these are errors.", red=True)


@pytest.fixture(scope="session")
def pg_server():
    try:
        server = postgres.start()
    except postgres.PostgresUnavailable as exc:
        unavailable(f"PostgreSQL not available: {exc}")
    yield server
    server.stop()


_db_counter = itertools.count()


@pytest.fixture
def empty_database_url(engine_name, tmp_path, request):
    """A new, empty database for tests that build a schema themselves."""
    if engine_name == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    server = request.getfixturevalue("pg_server")
    name = f"kwis_empty_{next(_db_counter)}"
    admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return server.url_for(name)


@pytest.fixture(scope="session")
def db_url(engine_name, tmp_path_factory, request):
    """A database with the host schema and all plug-in migrations, shared by the session."""
    if engine_name == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'kwis.db'}"
    else:
        server = request.getfixturevalue("pg_server")
        admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE kwis_test"))
        admin.dispose()
        url = server.url_for("kwis_test")
    engine = make_engine(url)
    create_host_schema(engine)
    migrations.upgrade(engine, migration_location())
    engine.dispose()
    return url


def _wipe(engine) -> None:
    """Delete every row but the seeded taxonomies, children first."""
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            if is_own_table(table.name) and table.name not in TAXONOMY_TABLES:
                conn.execute(delete(table))
        for table in reversed(HostBase.metadata.sorted_tables):
            conn.execute(delete(table))


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    _wipe(engine)
    yield engine
    _wipe(engine)
    engine.dispose()


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as session:
        factories.use_session(session)
        yield session


@pytest.fixture
def app(db_url, engine):
    app = create_app({"KWIS_DATABASE_URL": db_url, "SECRET_KEY": "test-secret", "TESTING": True})
    yield app
    app.extensions["kwis_host"]["engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def world(session):
    """Two companies in Jena, one outside every region, and an admin; all committed."""
    jena = factories.RegionFactory(slug="jena", name="Stadt Jena", prefixes=["16053"])
    a = factories.UserFactory(
        email="a@betrieb-a.example", customer__name="Optik Alpha", customer__ags="16053000"
    )
    b = factories.UserFactory(
        email="b@betrieb-b.example", customer__name="Bäckerei Beta", customer__ags="16053000"
    )
    outside = factories.UserFactory(
        email="c@betrieb-c.example", customer__name="Fernbetrieb Gamma", customer__ags="09162000"
    )
    admin = factories.AdminFactory(email="admin@wf.example")
    session.commit()
    return SimpleNamespace(
        region=jena, a=a, b=b, outside=outside, admin=admin, password=factories.DEMO_PASSWORD
    )
