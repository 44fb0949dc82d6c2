"""The settings version gets its own one-row table; the search replica gets a snapshot table.

The number every worker checks to know whether its copy of regions, switches, taxonomies and
looks is current lived as a special ``kwis_job_daily_counter`` row (metric
``kwis_job.settings_version``), where every counter query had to step around it. It moves to
``kwis_job_settings_version`` (the row's value is carried over, so no worker misses a change).

``kwis_job_search_snapshot`` holds the search replica serialised (``services/search_snapshot.py``):
a new worker starts from it and the change log instead of reading every document. It is a cache;
the documents stay the only source.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD = "kwis_job.settings_version"
_BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "kwis_job_settings_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", _BIG, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kwis_job_settings_version")),
    )
    op.execute(
        "INSERT INTO kwis_job_settings_version (id, version) SELECT 1, COALESCE(MAX(value), 0)"
        f" FROM kwis_job_daily_counter WHERE metric = '{_OLD}'"
    )
    op.execute(f"DELETE FROM kwis_job_daily_counter WHERE metric = '{_OLD}'")
    op.create_table(
        "kwis_job_search_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", _BIG, nullable=False),
        sa.Column("format", sa.Integer(), nullable=False),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kwis_job_search_snapshot")),
    )


def downgrade() -> None:
    op.drop_table("kwis_job_search_snapshot")
    op.execute(
        "INSERT INTO kwis_job_daily_counter (day, metric, scope, subject, value)"
        f" SELECT '1970-01-01', '{_OLD}', '', '', version FROM kwis_job_settings_version"
        " WHERE version > 0"
    )
    op.drop_table("kwis_job_settings_version")
