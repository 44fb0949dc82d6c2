from sqlalchemy import func, select

from kwis_job_plugin.models import OccupationalField


def test_migrated_database_has_the_16_ba_fields(session):
    assert session.scalar(select(func.count()).select_from(OccupationalField)) == 16
