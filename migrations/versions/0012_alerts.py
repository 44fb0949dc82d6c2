"""Alerts and the Alumni-Karte (issue 11): the subscription gets its consent record, one row per
address and an expiry; digests per subscriber and period; "Zurück in der Region" messages; the
outbox a one-click unsubscribe link.

The subscription table of 0001 was never written by any release, so changing it loses nothing
(``unsubscribed_at`` goes: unsubscribing deletes the row).

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SUB = "kwis_job_alert_subscription"


def upgrade() -> None:
    op.execute(sa.text(f"DELETE FROM {SUB}"))
    with op.batch_alter_table(SUB, schema=None) as batch_op:
        batch_op.drop_index("ix_kwis_job_alert_subscription_email")
        batch_op.drop_column("unsubscribed_at")
        batch_op.add_column(sa.Column("consent_version", sa.String(length=20), nullable=False))
        batch_op.add_column(sa.Column("return_hint", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("source", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("confirm_until", sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint("uq_kwis_job_alert_subscription_email", ["email"])
        batch_op.create_index(
            "ix_kwis_job_alert_subscription_confirm_until", ["confirm_until"], unique=False
        )
    op.create_table(
        "kwis_job_alert_digest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscription_id"], [f"{SUB}.id"],
            name="fk_kwis_job_alert_digest_subscription",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_kwis_job_alert_digest"),
        sa.UniqueConstraint(
            "subscription_id", "period", name="uq_kwis_job_alert_digest_subscription_id_period"
        ),
    )
    op.create_index(
        "ix_kwis_job_alert_digest_subscription_id", "kwis_job_alert_digest", ["subscription_id"]
    )
    op.create_table(
        "kwis_job_returnee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("looking_for", sa.Text(), nullable=False),
        sa.Column("consent_version", sa.String(length=20), nullable=False),
        sa.Column("form_nonce", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"], ["kwis_job_region.id"],
            name="fk_kwis_job_returnee_region_id_kwis_job_region", ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_kwis_job_returnee"),
        sa.UniqueConstraint("form_nonce", name="uq_kwis_job_returnee_form_nonce"),
    )
    op.create_index("ix_kwis_job_returnee_region_id", "kwis_job_returnee", ["region_id"])
    op.create_index("ix_kwis_job_returnee_email", "kwis_job_returnee", ["email"])
    op.create_index("ix_kwis_job_returnee_created_at", "kwis_job_returnee", ["created_at"])
    with op.batch_alter_table("kwis_job_mail_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("list_unsubscribe", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("kwis_job_mail_outbox", schema=None) as batch_op:
        batch_op.drop_column("list_unsubscribe")
    op.drop_table("kwis_job_returnee")
    op.drop_table("kwis_job_alert_digest")
    op.execute(sa.text(f"DELETE FROM {SUB}"))
    with op.batch_alter_table(SUB, schema=None) as batch_op:
        batch_op.drop_index("ix_kwis_job_alert_subscription_confirm_until")
        batch_op.drop_constraint("uq_kwis_job_alert_subscription_email", type_="unique")
        batch_op.drop_column("confirm_until")
        batch_op.drop_column("source")
        batch_op.drop_column("return_hint")
        batch_op.drop_column("consent_version")
        batch_op.add_column(sa.Column("unsubscribed_at", sa.DateTime(), nullable=True))
        batch_op.create_index("ix_kwis_job_alert_subscription_email", ["email"], unique=False)
