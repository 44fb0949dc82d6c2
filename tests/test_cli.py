"""The ``kwis-job`` command line on a database that already holds the host's schema."""

from __future__ import annotations

from click.testing import CliRunner
from kwis_hooks import migrations
from kwis_hooks.refhost.db import make_engine
from kwis_hooks.refhost.models import Customer, User, create_host_schema
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from kwis_job_plugin.cli import job
from kwis_job_plugin.config import migration_location
from kwis_job_plugin.models import EmployerProfile, Offer, Region


def _run(url: str, *args: str):
    result = CliRunner().invoke(job, ["--database-url", url, *args], catch_exceptions=False)
    return result


def test_db_upgrade_current_downgrade(empty_database_url):
    create_host_schema(make_engine(empty_database_url))
    assert "(keine)" in _run(empty_database_url, "db", "current").output
    assert _run(empty_database_url, "db", "upgrade").exit_code == 0
    head = migrations.head(migration_location())
    assert _run(empty_database_url, "db", "current").output.strip() == f"{head} (aktuell)"
    assert _run(empty_database_url, "db", "downgrade", "base").exit_code == 0
    assert "(keine)" in _run(empty_database_url, "db", "current").output


def test_region_add_validates_in_german_and_changes_nothing(empty_database_url):
    engine = make_engine(empty_database_url)
    create_host_schema(engine)
    _run(empty_database_url, "db", "upgrade")
    ok = _run(empty_database_url, "region", "add", "jena", "Stadt Jena", "--ags", "16053")
    assert ok.exit_code == 0, ok.output
    again = _run(empty_database_url, "region", "add", "jena2", "Jena doppelt", "--ags", "16053")
    assert again.exit_code == 1 and "AGS-Präfix bereits vergeben: 16053" in again.output
    bad = _run(empty_database_url, "region", "add", "x", "X", "--ags", "16a")
    assert bad.exit_code == 1 and "Ungültiger AGS-Präfix" in bad.output
    listing = _run(empty_database_url, "region", "list").output
    assert listing.count("\n") == 1 and "Stadt Jena\t16053" in listing
    engine.dispose()


def test_seed_demo_fills_an_empty_database_once(empty_database_url):
    engine = make_engine(empty_database_url)
    create_host_schema(engine)
    _run(empty_database_url, "db", "upgrade")
    first = _run(empty_database_url, "seed-demo")
    assert first.exit_code == 0 and "Demo-Zugänge:" in first.output
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 60
        assert session.scalar(select(func.count()).select_from(User)) == 61
        assert {r.slug for r in session.scalars(select(Region))} == {
            "jena", "saale-holzland", "weimarer-land"}
        published = session.scalar(select(func.count()).select_from(EmployerProfile)
                                   .where(EmployerProfile.status == "published"))
        assert 30 <= published < 60
        assert session.scalar(select(func.count()).select_from(Offer)) > published
        unplaced = session.scalar(
            select(func.count()).select_from(EmployerProfile)
            .where(EmployerProfile.region_id.is_(None)))
        assert unplaced == 0, "every demo company lies in one of the three regions"
    second = _run(empty_database_url, "seed-demo")
    assert second.exit_code == 1 and "nichts geändert" in second.output
    engine.dispose()


def test_commands_without_a_database_explain_what_is_missing(monkeypatch):
    monkeypatch.delenv("KWIS_DATABASE_URL", raising=False)
    result = CliRunner().invoke(job, ["db", "current"])
    assert result.exit_code == 2 and "--database-url" in result.output


def test_demo_prepares_an_instance_and_prints_logins(tmp_path):
    result = CliRunner().invoke(job, ["demo", "--instance", str(tmp_path), "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "admin@wirtschaftsfoerderung-jena.example" in result.output
    assert "http://127.0.0.1:5000/" in result.output
    rerun = CliRunner().invoke(job, ["demo", "--instance", str(tmp_path), "--no-serve"])
    assert rerun.exit_code == 0 and "Vorhandene Demo-Datenbank" in rerun.output


def test_starting_an_existing_demo_rebuilds_its_search_index(tmp_path):
    """The demo's upgrade path: an index written by an older release (here: emptied) is
    rebuilt from the published content when the demo starts (INSTALL.md, "Upgrade")."""
    assert CliRunner().invoke(job, ["demo", "--instance", str(tmp_path), "--no-serve"]
                              ).exit_code == 0
    engine = create_engine(f"sqlite:///{tmp_path / 'kwis-demo.db'}")
    with engine.begin() as conn:
        indexed = conn.execute(text("SELECT count(*) FROM kwis_job_search_doc")).scalar()
        conn.execute(text("DELETE FROM kwis_job_search_facet"))
        conn.execute(text("DELETE FROM kwis_job_search_doc"))
    assert indexed > 0
    assert CliRunner().invoke(job, ["demo", "--instance", str(tmp_path), "--no-serve"]
                              ).exit_code == 0
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM kwis_job_search_doc")).scalar() == indexed
    engine.dispose()


def test_search_rebuild_indexes_what_is_published(empty_database_url):
    from kwis_job_plugin.models import SearchDoc

    engine = make_engine(empty_database_url)
    create_host_schema(engine)
    _run(empty_database_url, "db", "upgrade")
    _run(empty_database_url, "seed-demo")
    with Session(engine) as session:
        session.execute(SearchDoc.__table__.delete())
        session.commit()
    result = _run(empty_database_url, "search", "rebuild")
    with Session(engine) as session:
        indexed = session.scalar(select(func.count()).select_from(SearchDoc))
    assert result.exit_code == 0 and f"{indexed} Angebote auffindbar" in result.output
    assert indexed > 20
    engine.dispose()
