"""The plug-in's migrations go up, down and up beside the host's schema without touching it."""

from __future__ import annotations

from kwis_hooks import migrations
from kwis_hooks.refhost.db import make_engine
from kwis_hooks.refhost.models import Customer, User, create_host_schema
from sqlalchemy import func, insert, inspect, select
from sqlalchemy.orm import Session

from kwis_job_plugin.config import migration_location
from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import OccupationalField, OfferType, TrainingOccupation

HOST_TABLES = ("customer", "app_user")


def _host_snapshot(engine) -> dict:
    inspector = inspect(engine)
    schema = {
        table: {
            "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in
                        inspector.get_columns(table)],
            "pk": inspector.get_pk_constraint(table)["constrained_columns"],
            "fks": sorted(str(fk) for fk in inspector.get_foreign_keys(table)),
            "indexes": sorted(str(ix) for ix in inspector.get_indexes(table)),
        }
        for table in HOST_TABLES
    }
    with engine.connect() as conn:
        rows = {
            "customer": conn.execute(select(Customer.__table__).order_by("id")).all(),
            "app_user": conn.execute(select(User.__table__).order_by("id")).all(),
        }
    return {"schema": schema, "rows": rows}


def _own_tables(engine) -> set[str]:
    return {t for t in inspect(engine).get_table_names() if t.startswith("kwis_job_")}


def test_up_down_up_beside_a_host_with_data(empty_database_url):
    engine = make_engine(empty_database_url)
    location = migration_location()
    create_host_schema(engine)
    with engine.begin() as conn:
        conn.execute(insert(Customer.__table__), [
            {"id": 1, "name": "Zeiss-artige Optik", "postcode": "07745", "ags": "16053000"},
            {"id": 2, "name": "Bäckerei Korn", "postcode": "07607", "ags": "16074018"},
        ])
        conn.execute(insert(User.__table__), [
            {"id": 1, "email": "hr@optik.example", "display_name": "HR", "password_hash": "x",
             "role": "company", "customer_id": 1, "active": True},
        ])
    before = _host_snapshot(engine)

    migrations.upgrade(engine, location)
    tables = set(inspect(engine).get_table_names())
    assert migrations.current(engine, location) == migrations.head(location) is not None
    assert "kwis_job_alembic_version" in tables
    assert "alembic_version" not in tables, "the plug-in must not take the host's version table"
    assert tables - set(HOST_TABLES) == _own_tables(engine), "every own table is prefixed"
    migrations.check(engine, location)  # raises if the models and the migrations disagree
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(OccupationalField)) == 16
        assert session.scalar(select(func.count()).select_from(OfferType)) == 11
        assert session.scalar(
            select(func.count()).select_from(TrainingOccupation)
            .where(TrainingOccupation.field_id.is_(None))
        ) == 0
    assert _host_snapshot(engine) == before

    with Session(engine) as session:  # plug-in data must not block the way down
        factories.use_session(session)
        customer = session.get(Customer, 1)
        profile = factories.ProfileFactory(customer=customer, status="published")
        factories.OfferFactory(profile=profile, type_key="ferienjob")
        profile.fields = list(session.scalars(select(OccupationalField).limit(2)))
        session.commit()

    migrations.downgrade(engine, location, "base")
    assert _own_tables(engine) <= {"kwis_job_alembic_version"}
    assert migrations.current(engine, location) is None
    assert _host_snapshot(engine) == before

    migrations.upgrade(engine, location)
    assert migrations.current(engine, location) == migrations.head(location)
    assert _host_snapshot(engine) == before
    engine.dispose()


def test_downgrading_the_seed_keeps_the_schema(empty_database_url):
    engine = make_engine(empty_database_url)
    location = migration_location()
    create_host_schema(engine)
    migrations.upgrade(engine, location)
    with Session(engine) as session:
        factories.use_session(session)
        factories.OfferFactory(type_key="schnuppertag")
        session.commit()
    migrations.downgrade(engine, location, "0001")
    with Session(engine) as session:
        kept = session.scalars(select(OfferType.key)).all()
    assert kept == ["schnuppertag"], "only the offer type still in use survives"
    assert "kwis_job_offer" in _own_tables(engine)
    engine.dispose()
