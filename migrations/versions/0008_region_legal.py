"""Legal data per region: imprint, privacy contacts, accessibility contact and enforcement body.

One row per region (see ``models/legal.py``); every field optional, so a region without it keeps
working and the admin area says what is missing.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kwis_job_region_legal",
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("operator_name", sa.String(length=200), nullable=True),
        sa.Column("operator_address", sa.Text(), nullable=True),
        sa.Column("operator_email", sa.String(length=254), nullable=True),
        sa.Column("operator_phone", sa.String(length=60), nullable=True),
        sa.Column("represented_by", sa.String(length=300), nullable=True),
        sa.Column("content_responsible", sa.String(length=300), nullable=True),
        sa.Column("register_entry", sa.String(length=300), nullable=True),
        sa.Column("vat_id", sa.String(length=40), nullable=True),
        sa.Column("supervisory_body", sa.String(length=300), nullable=True),
        sa.Column("host_imprint_url", sa.String(length=500), nullable=True),
        sa.Column("controller", sa.Text(), nullable=True),
        sa.Column("dpo_name", sa.String(length=200), nullable=True),
        sa.Column("dpo_email", sa.String(length=254), nullable=True),
        sa.Column("dpo_address", sa.Text(), nullable=True),
        sa.Column("privacy_authority_name", sa.String(length=300), nullable=True),
        sa.Column("privacy_authority_address", sa.Text(), nullable=True),
        sa.Column("privacy_authority_url", sa.String(length=500), nullable=True),
        sa.Column("host_privacy_url", sa.String(length=500), nullable=True),
        sa.Column("accessibility_email", sa.String(length=254), nullable=True),
        sa.Column("accessibility_phone", sa.String(length=60), nullable=True),
        sa.Column("enforcement_body_name", sa.String(length=300), nullable=True),
        sa.Column("enforcement_body_address", sa.Text(), nullable=True),
        sa.Column("enforcement_body_email", sa.String(length=254), nullable=True),
        sa.Column("enforcement_body_url", sa.String(length=500), nullable=True),
        sa.Column("sign_language_video_url", sa.String(length=500), nullable=True),
        sa.Column("accessibility_checked_on", sa.Date(), nullable=True),
        sa.Column("accessibility_check_scope", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["region_id"], ["kwis_job_region.id"],
            name=op.f("fk_kwis_job_region_legal_region_id_kwis_job_region"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_user_id"], ["app_user.id"],
            name=op.f("fk_kwis_job_region_legal_updated_by_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("region_id", name=op.f("pk_kwis_job_region_legal")),
    )


def downgrade() -> None:
    op.drop_table("kwis_job_region_legal")
