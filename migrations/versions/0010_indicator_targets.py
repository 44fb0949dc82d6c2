"""Yearly targets per region for the success indicators (issue 10's dashboard).

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kwis_job_indicator_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=60), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["region_id"], ["kwis_job_region.id"],
            name=op.f("fk_kwis_job_indicator_target_region_id_kwis_job_region"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_user_id"], ["app_user.id"],
            name=op.f("fk_kwis_job_indicator_target_updated_by_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kwis_job_indicator_target")),
        sa.UniqueConstraint(
            "region_id", "year", "metric",
            name=op.f("uq_kwis_job_indicator_target_region_id_year_metric"),
        ),
    )
    op.create_index(
        "ix_kwis_job_indicator_target_region_id", "kwis_job_indicator_target", ["region_id"]
    )


def downgrade() -> None:
    op.drop_table("kwis_job_indicator_target")
