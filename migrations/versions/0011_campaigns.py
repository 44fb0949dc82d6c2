"""Campaigns inviting companies, their recipients, and the companies' "no invitations" list
(issue 10: "Aktivierung von Unternehmen").

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kwis_job_campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("filter_wz", sa.String(length=10), nullable=True),
        sa.Column("filter_size", sa.String(length=20), nullable=True),
        sa.Column("filter_postcode", sa.String(length=10), nullable=True),
        sa.Column("filter_presence", sa.String(length=10), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("last_sent_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"], ["kwis_job_region.id"],
            name=op.f("fk_kwis_job_campaign_region_id_kwis_job_region"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["app_user.id"],
            name=op.f("fk_kwis_job_campaign_created_by_user_id_app_user"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kwis_job_campaign")),
    )
    op.create_index("ix_kwis_job_campaign_region_id", "kwis_job_campaign", ["region_id"])
    op.create_table(
        "kwis_job_campaign_recipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("outbox_mail_id", sa.Integer(), nullable=True),
        sa.Column("invited_at", sa.DateTime(), nullable=False),
        sa.Column("logged_in_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["kwis_job_campaign.id"],
            name=op.f("fk_kwis_job_campaign_recipient_campaign_id_kwis_job_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"],
            name=op.f("fk_kwis_job_campaign_recipient_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kwis_job_campaign_recipient")),
        sa.UniqueConstraint(
            "campaign_id", "customer_id",
            name=op.f("uq_kwis_job_campaign_recipient_campaign_id_customer_id"),
        ),
    )
    op.create_index("ix_kwis_job_campaign_recipient_campaign_id", "kwis_job_campaign_recipient",
                    ["campaign_id"])
    op.create_index("ix_kwis_job_campaign_recipient_customer_id", "kwis_job_campaign_recipient",
                    ["customer_id"])
    op.create_table(
        "kwis_job_mail_opt_out",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"],
            name=op.f("fk_kwis_job_mail_opt_out_customer_id_customer"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["app_user.id"],
            name=op.f("fk_kwis_job_mail_opt_out_created_by_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_kwis_job_mail_opt_out")),
    )


def downgrade() -> None:
    op.drop_table("kwis_job_mail_opt_out")
    op.drop_table("kwis_job_campaign_recipient")
    op.drop_table("kwis_job_campaign")
