"""Admins per region: a scope per host admin and the regions a restricted admin manages.

A host admin without a scope row stays global, as before this revision, so upgrading locks
nobody out (see ``models/admin_scope.py``).

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kwis_job_admin_scope",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("all_regions", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"],
            name=op.f("fk_kwis_job_admin_scope_user_id_app_user"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_user_id"], ["app_user.id"],
            name=op.f("fk_kwis_job_admin_scope_changed_by_user_id_app_user"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_kwis_job_admin_scope")),
    )
    op.create_table(
        "kwis_job_region_admin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"],
            name=op.f("fk_kwis_job_region_admin_user_id_app_user"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["kwis_job_region.id"],
            name=op.f("fk_kwis_job_region_admin_region_id_kwis_job_region"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["app_user.id"],
            name=op.f("fk_kwis_job_region_admin_created_by_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kwis_job_region_admin")),
        sa.UniqueConstraint(
            "user_id", "region_id", name=op.f("uq_kwis_job_region_admin_user_id_region_id")
        ),
    )
    op.create_index("ix_kwis_job_region_admin_user_id", "kwis_job_region_admin", ["user_id"])
    op.create_index("ix_kwis_job_region_admin_region_id", "kwis_job_region_admin", ["region_id"])


def downgrade() -> None:
    op.drop_table("kwis_job_region_admin")
    op.drop_table("kwis_job_admin_scope")
